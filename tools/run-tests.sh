#!/usr/bin/env bash
# Every test stage, in the order CI runs them (docs/reliability.md), each timed:
#   1. the whole ctest suite of BUILD_DIR (gcc, Release) on lavapipe with validation;
#   2. the same suite built with clang under ASan + UBSan (BUILD_DIR-asan), less ASAN_EXCLUDE
#      (below: the slowest tests and those whose host code another test runs too); then every
#      fuzzer for VKC_FUZZ_SECONDS (default 60) each;
#   3. the concurrency tests built under TSan (BUILD_DIR-tsan), with a load that packs weights
#      and creates pipelines on several threads (StartupProgress);
#   4. the aarch64 cross-build (BUILD_DIR-arm64) and, under qemu-aarch64 on arm64 lavapipe,
#      vkc-info and a subset of the op tests with validation (tools/arm64-build.sh), then the
#      README's main command, its labels checked against BUILD_DIR's (tools/arm64-check.sh);
#      one Mesa shader cache for the steps.
# Stages 1-3 run through tools/check-test-report.py, which prints the counts (run, passed,
# skipped, by label) and fails the stage, whatever ctest's or gtest's exit status, on a skipped
# test not in tests/allowed-skips.txt (none on lavapipe), on fewer tests than the stage's
# minimum below or than a label's (a group left out at configure time), and on a test ctest
# lists that did not run; the reports stay in each build folder (test-report.xml/.json).
# VKC_REQUIRE_FP16=1 in stages 1-2: lavapipe has fp16, so Environment.Fp16AvailableWhenRequired
# fails where the fp16 tests would skip. arm64 lavapipe has no fp16: stage 4 checks its own
# skips (tools/arm64-build.sh).
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

# The stages' minimum test counts: today's, rounded down to ten; lower one only when tests are
# removed on purpose. Labels: tests/CMakeLists.txt prints each one's count when configuring.
SUITE_MIN=1200 SUITE_LABELS=(--min-label cli=50 --min-label view=4 --min-label python=1
                            --min-label examples=4)
ASAN_MIN=720 ASAN_LABELS=(--min-label cli=50 --min-label view=4 --min-label fuzz=5
                          --min-label examples=2)
TSAN_MIN=4
# Stage 2 leaves out (ctest -E) 483 of the suite's 1205 tests today (`ctest -N` with and without):
#   the 299x299 goldens, ~8 min each under ASan (the networks run at 75x75 in SmallNetworkTest
#   instead): Models/GoldenTest (18), Models/GoldenFp16Test (4), Models/MinimumLimitsTest (4)
#   and WeightsFileTest.LoadsGoldenWeights* (1);
#   the environment re-runs, the suite's host code on other shaders and limits: minimum_limits.*
#   (2), storage_reads.* (1), cli.minimum_limits.* (3); the emulated GPU profiles Profiles/* (10);
#   the op variants whose host code another variant runs (they differ in shaders only), each
#   name anchored at its end so that no other variant matches: __texel_fp32_large (53),
#   __storage_fp32_large (53), __storage_fp16 (44), __minimum_limits_fp32 (64),
#   __uniform_texel_fp16 (44), __texel_fp32_at_once_2px (44), __igemm_fp16 (33),
#   __igemm_fp32_minimum_limits (32), __regtile_storage_fp16 (33),
#   __regtile_fp32_minimum_limits (32), and the igemm and regtile networks at the minimum limits
#   (Models/SmallNetwork{Igemm,Regtile}Test.*_minimum_limits, 4 each: igemm_fp32, regtile_fp32
#   and the networks' other cases run their host code). ctest's name of a value-parameterised
#   gtest goes on with "  # GetParam() = ...", hence "( |$)".
ASAN_EXCLUDE='^Models/(Golden(Fp16)?|MinimumLimits)Test\.|^WeightsFileTest\.LoadsGoldenWeights'
ASAN_EXCLUDE+='|^minimum_limits\.|^storage_reads\.|^cli\.minimum_limits\.|^Profiles/'
ASAN_EXCLUDE+='|^Ops/.*__(texel_fp32_large|storage_fp32_large|storage_fp16|minimum_limits_fp32'
ASAN_EXCLUDE+='|uniform_texel_fp16|texel_fp32_at_once_2px|igemm_fp16|igemm_fp32_minimum_limits'
ASAN_EXCLUDE+='|regtile_storage_fp16|regtile_fp32_minimum_limits)( |$)'
ASAN_EXCLUDE+='|^Models/SmallNetwork(Igemm|Regtile)Test\..*_minimum_limits( |$)'
CHECK=tools/check-test-report.py
ALLOWED=tests/allowed-skips.txt

if stage 1; then
  timed "tests (lavapipe, validation)" env VKC_REQUIRE_FP16=1 "$CHECK" ctest --name "suite" \
    --min "$SUITE_MIN" "${SUITE_LABELS[@]}" --allowed-skips "$ALLOWED" \
    --report "$BUILD/test-report.xml" -- --test-dir "$BUILD" --output-on-failure -j"$JOBS"
fi
if stage 2; then
  timed "ASan+UBSan build" bash -c "$(declare -f sanitized_build); \
    sanitized_build '$BUILD-asan' address,undefined -DVKC_BUILD_FUZZERS=ON && \
    cmake --build '$BUILD-asan' -j$JOBS >/dev/null"
  timed "tests under ASan+UBSan" env VKC_REQUIRE_FP16=1 "$CHECK" ctest --name "ASan suite" \
    --min "$ASAN_MIN" "${ASAN_LABELS[@]}" --allowed-skips "$ALLOWED" \
    --report "$BUILD-asan/test-report.xml" \
    -- --test-dir "$BUILD-asan" --output-on-failure -j"$JOBS" -E "$ASAN_EXCLUDE"
  timed "fuzzers under ASan+UBSan" tools/run-fuzzers.sh "$BUILD-asan" "${VKC_FUZZ_SECONDS:-60}"
fi
if stage 3; then
  timed "TSan build" bash -c "$(declare -f sanitized_build); \
    sanitized_build '$BUILD-tsan' thread -DVKC_BUILD_APPS=OFF && \
    cmake --build '$BUILD-tsan' -j$JOBS --target vkc-tests >/dev/null"
  timed "concurrency tests under TSan" "$CHECK" gtest --name "TSan" --min "$TSAN_MIN" \
    --allowed-skips "$ALLOWED" --report "$BUILD-tsan/test-report.json" \
    -- "$BUILD-tsan/bin/vkc-tests" \
    --gtest_filter='Concurrency.*:GraphProgram.TwoRunsInFlight*:StartupProgress.*'
fi
if stage 4; then
  export MESA_SHADER_CACHE_DIR="$(realpath -m "$BUILD-arm64")/mesa-cache"
  timed "arm64 cross-build" tools/arm64-build.sh build "$BUILD-arm64"
  timed "arm64 op tests (qemu, lavapipe, validation)" tools/arm64-build.sh test "$BUILD-arm64"
  timed "arm64 main command (qemu, lavapipe)" tools/arm64-check.sh "$BUILD-arm64" "$BUILD"
fi
