#!/usr/bin/env bash
# Every test stage, in the order CI runs them (README, "Reliability"), each timed:
#   1. the whole ctest suite of BUILD_DIR (gcc, Release) on lavapipe with validation;
#   2. the same suite built with clang under ASan + UBSan (BUILD_DIR-asan), except the
#      299x299 goldens, which take ~8 min each there (their networks run at 75x75 in
#      SmallNetworkTest instead), and the op variants whose host code another variant runs too
#      (large blocks, storage fp16, minimum limits, uniform-texel fp16, 2-pixel compact blocks:
#      they differ in shaders only) and the emulated GPU profiles (the small-network tests'
#      host code under other limits); then every
#      fuzzer for VKC_FUZZ_SECONDS (default 60) each;
#   3. the concurrency tests built under TSan (BUILD_DIR-tsan), with a load that packs weights
#      and creates pipelines on several threads (StartupProgress);
#   4. the aarch64 cross-build (BUILD_DIR-arm64) and, under qemu-aarch64 on arm64 lavapipe,
#      vkc-info and a subset of the op tests with validation (tools/arm64-build.sh), then the
#      README's main command, its labels checked against BUILD_DIR's (tools/arm64-check.sh);
#      one Mesa shader cache for the steps.
# VKC_STAGES=1,2,3,4 picks stages. Usage: tools/run-tests.sh [BUILD_DIR=build]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
STAGES=${VKC_STAGES:-1,2,3,4}
JOBS=$(nproc)
stage() { [[ ",$STAGES," == *",$1,"* ]]; }
timed() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  "$@"
  echo "=== $name: $((SECONDS - start)) s"
}
sanitized_build() {  # dir, sanitizers, extra cmake args...
  local dir=$1 sanitize=$2
  shift 2
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DVKC_SANITIZE="$sanitize" \
    "$@" >/dev/null
}

if stage 1; then
  timed "tests (lavapipe, validation)" ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS"
fi
if stage 2; then
  timed "ASan+UBSan build" bash -c "$(declare -f sanitized_build); \
    sanitized_build '$BUILD-asan' address,undefined -DVKC_BUILD_FUZZERS=ON && \
    cmake --build '$BUILD-asan' -j$JOBS >/dev/null"
  timed "tests under ASan+UBSan" ctest --test-dir "$BUILD-asan" --output-on-failure -j"$JOBS" \
    -E '^Models/(Golden(Fp16)?|MinimumLimits)Test\.|^WeightsFileTest\.LoadsGoldenWeights|^minimum_limits\.|^storage_reads\.|^cli\.minimum_limits\.|^Profiles/|^Ops/.*__(texel_fp32_large|storage_fp32_large|storage_fp16|minimum_limits_fp32|uniform_texel_fp16|texel_fp32_compact_2px)'
  timed "fuzzers under ASan+UBSan" tools/run-fuzzers.sh "$BUILD-asan" "${VKC_FUZZ_SECONDS:-60}"
fi
if stage 3; then
  timed "TSan build" bash -c "$(declare -f sanitized_build); \
    sanitized_build '$BUILD-tsan' thread -DVKC_BUILD_APPS=OFF && \
    cmake --build '$BUILD-tsan' -j$JOBS --target vkc-tests >/dev/null"
  timed "concurrency tests under TSan" "$BUILD-tsan/bin/vkc-tests" \
    --gtest_filter='Concurrency.*:GraphProgram.TwoRunsInFlight*:StartupProgress.*'
fi
if stage 4; then
  export MESA_SHADER_CACHE_DIR="$(realpath -m "$BUILD-arm64")/mesa-cache"
  timed "arm64 cross-build" tools/arm64-build.sh build "$BUILD-arm64"
  timed "arm64 op tests (qemu, lavapipe, validation)" tools/arm64-build.sh test "$BUILD-arm64"
  timed "arm64 main command (qemu, lavapipe)" tools/arm64-check.sh "$BUILD-arm64" "$BUILD"
fi
