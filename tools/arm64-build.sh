#!/usr/bin/env bash
# The aarch64 cross-build and its CI subset (tools/run-tests.sh stage 4; docs/portability.md).
#   tools/arm64-build.sh build [BUILD_DIR=build-arm64]   cross-build vkc-info, vkc-classify and
#                                                       vkc-tests (the library with them)
#   tools/arm64-build.sh test  [BUILD_DIR=build-arm64]   run them under qemu-aarch64 on arm64
#                                                       lavapipe, validation on
# The arm64 lavapipe is another device than the x86 one: 128-bit vectors, subgroup size 4, no
# fp16 arithmetic. Under emulation LLVM compiles each distinct pipeline slowly, so the subset
# holds every op once at small shapes (few distinct pipelines) and the Mesa shader cache is kept
# between the steps. Packages: tools/setup-debian.sh (dpkg --add-architecture arm64).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-}
BUILD=${2:-build-arm64}

# Every op at least once (the op variants: tests/support/op_variants.hpp), at small shapes:
# direct convolutions (1x1, 3x3 segments, residual epilogue into a channel slice), in both
# register blockings, through storage reads and at the minimum limits; a Winograd convolution;
# max and average pooling; global average pooling; the concat fallback copy; softmax;
# preprocessing; and the host-only plan and geometry tests. One fp16 variant per op kind, which
# must report itself skipped (no fp16 arithmetic here), never passed.
OPS='Ops/Conv2dTest.*/k1x1_s1_odd__texel_fp32_large:Ops/Conv2dTest.*/k1x1_s1_odd__storage_fp32_small'
OPS+=':Ops/Conv2dTest.*/k1x1_s1_odd__minimum_limits_fp32:Ops/Conv2dTest.*/k1x1_s1_odd__*fp16'
OPS+=':Ops/Conv2dTest.*/k3x3_same_batch3__texel_fp32_small'
OPS+=':Ops/Conv2dTest.*/residual_in_slice__texel_fp32_small'
OPS+=':Ops/WinogradConvTest.*/k1x3_same__texel_fp32_small'
OPS+=':Ops/Pool2dTest.*/max_s1_same_7__texel_fp32_small:Ops/Pool2dTest.*/avg_exclude_pad_8__texel_*'
OPS+=':Ops/GlobalAvgPoolTest.*:Ops/CopyChannelsTest.*:Ops/SoftmaxTest.*/texel_*'
OPS+=':Ops/PreprocessTest.*/texel_*'
OPS+=':WinogradPlanChoice.*:Conv2dGeometry.*:Conv2dFold.*'

qemu() {
  qemu-aarch64-static "$@"
}

# The arm64 Mesa and its cache. The arm64 glibc lives in Debian's multiarch folders, so qemu
# needs no QEMU_LD_PREFIX and the loader finds the arm64 validation layer by its manifest.
arm64_vulkan_env() {
  export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.aarch64.json
  export MESA_SHADER_CACHE_DIR=${MESA_SHADER_CACHE_DIR:-$PWD/$BUILD/mesa-cache}
  export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$PWD/$BUILD/cache}
}

build() {
  cmake -S . -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target vkc-info vkc-classify vkc-tests >/dev/null
}

# Fails unless every selected test passed or was skipped for want of fp16; prints the counts
# (skips are not passes).
check_report() {
  /usr/bin/python3 - "$1" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
results = [(s["name"] + "." + t["name"], t.get("result"), t.get("failures"))
           for s in report["testsuites"] for t in s["testsuite"]]
passed = [n for n, r, f in results if r == "COMPLETED" and not f]
skipped = [n for n, r, f in results if r == "SKIPPED"]
failed = [n for n, r, f in results if f]
print(f"arm64 op tests: {len(passed)} passed, {len(skipped)} skipped (fp16), {len(failed)} failed")
wrong_skips = [n for n in skipped if "fp16" not in n]
for n in wrong_skips:
    print("skipped, but not an fp16 variant:", n)
sys.exit(1 if failed or wrong_skips or not passed else 0)
EOF
}

test_subset() {
  arm64_vulkan_env
  local bin=$BUILD/bin
  qemu "$bin/vkc-info" | tee "$BUILD/vkc-info.txt"
  # The device must be the one this subset was chosen for: the arm64 build on the arm64 driver.
  grep -q "llvmpipe" "$BUILD/vkc-info.txt"
  qemu "$bin/vkc-tests" --gtest_filter="$OPS" --gtest_output="json:$BUILD/arm64-ops.json"
  check_report "$BUILD/arm64-ops.json"
}

case "$MODE" in
  build) build ;;
  test) test_subset ;;
  *)
    sed -n '2,6p' "$0" | sed 's/^# //' >&2
    exit 2
    ;;
esac
