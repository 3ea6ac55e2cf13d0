#!/usr/bin/env bash
# The GPU check: everything a bare x86-64 GPU machine needs, packed here, then run there.
#
#   tools/gpu-check.sh pack [BUILD_DIR=build] [PACK_DIR=.gpu-check]
#       Copies the programs of an x86-64 build (vkc-info, vkc-tests, vkc-bench, vkc-classify),
#       the goldens and the assets into PACK_DIR (git-ignored), and downloads as Debian packages
#       the Vulkan loader, the Khronos validation layer and the shared libraries the programs
#       link that a machine may lack (found with ldd), to be unpacked there without root.
#   tools/gpu-check.sh run [--quick] [PACK_DIR=.gpu-check]
#       On the GPU machine: vkc-info --json, the op tests and the golden tests (vkc-tests with
#       gtest filters: no ctest needed), then vkc-bench --json --peak for the four networks at
#       batch 1 and 32, fp32 and fp16 (where the device has it), with and without Winograd.
#       Every output goes into one folder: $OUT when set (the device tool), else
#       PACK_DIR/results. Each command has a timeout, and the benchmarks stop at a deadline, so
#       the whole run ends within about 8 minutes. --quick: a few op tests, one network at 75x75
#       against its CPU reference instead of the 299x299 goldens, and one network at batch 1 and
#       75x75 in fp32, with 3x the time limits (checks the script end to end on lavapipe).
# docs/performance.md ("On a GPU") says how to run it with the device tool.
set -euo pipefail
cd "$(dirname "$0")/.."

PROGRAMS=(vkc-info vkc-tests vkc-bench vkc-classify)
# Libraries every Linux machine has in a version at least as new as Debian 12's: never packed
# (an older libstdc++ put first on LD_LIBRARY_PATH could break the GPU driver's own libraries).
SYSTEM_LIBS='^(linux-vdso|ld-linux|libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|libz)\.so'

usage() {
  sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The Debian package holding the x86-64 library named $1 (merged /usr: either path).
package_of() {
  local path
  for path in /usr/lib/x86_64-linux-gnu/$1 /lib/x86_64-linux-gnu/$1; do
    dpkg -S "$path" 2>/dev/null | cut -d: -f1 && return
  done
  echo "gpu-check: no Debian package holds $1" >&2
  exit 1
}

pack() {
  local build=${1:-build} dir=${2:-.gpu-check}
  [ -x "$build/bin/vkc-tests" ] || {
    echo "gpu-check: $build/bin/vkc-tests not found: build first (tools/setup-debian.sh)" >&2
    exit 1
  }
  [ "$(uname -m)" = x86_64 ] || echo "gpu-check: warning: this is $(uname -m), the GPU machine is x86-64" >&2
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/debs"
  for p in "${PROGRAMS[@]}"; do
    strip --strip-unneeded -o "$dir/bin/$p" "$build/bin/$p"
  done
  cp -r tests/golden "$dir/golden"
  cp -r assets "$dir/assets"
  # The packages of every library the programs load that is not a system library, and the
  # loader and validation layer (loaded by name at run time, so ldd does not list the layer).
  local packages="libvulkan1 vulkan-validationlayers" lib
  for lib in $(for p in "${PROGRAMS[@]}"; do ldd "$build/bin/$p"; done |
    awk '$2 == "=>" && $3 ~ /^\// {print $1}' | grep -Ev "$SYSTEM_LIBS" | sort -u); do
    packages+=" $(package_of "$lib")"
  done
  packages=$(printf '%s\n' $packages | sort -u | tr '\n' ' ')
  (cd "$dir/debs" && apt-get download -qq $packages)
  {
    echo "commit $(git rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "build $build ($(grep -E '^CMAKE_BUILD_TYPE' "$build/CMakeCache.txt" | cut -d= -f2))"
    echo "packed $(date -u +%FT%TZ) on $(uname -m)"
    echo "packages" $packages
  } >"$dir/MANIFEST"
  echo "gpu-check: packed $(du -sh "$dir" | cut -f1) into $dir:"
  (cd "$dir" && ls bin debs)
}

# --- run mode -------------------------------------------------------------------------------

RESULTS= LOG= SUMMARY= BENCH= FAILED=0 LIMIT_SCALE=1
note() { echo "$*" | tee -a "$SUMMARY"; }

# Runs "$@" with a limit of $1 seconds, its output appended to the log; notes the outcome.
step() {
  local seconds=$(($1 * LIMIT_SCALE)) name=$2 start=$SECONDS rc=0
  shift 2
  echo "=== $name: $*" >>"$LOG"
  timeout --kill-after=10 "$seconds" "$@" >>"$LOG" 2>&1 || rc=$?
  local took=$((SECONDS - start))
  if [ "$rc" = 0 ]; then
    note "ok      $name ($took s)"
  else
    FAILED=1
    [ "$rc" = 124 ] && note "TIMEOUT $name (limit $seconds s)" || note "FAILED  $name (rc $rc, $took s)"
  fi
  return 0
}

# Passed, failed and skipped counts of a gtest JSON report (skipped tests are not passes).
gtest_counts() {
  [ -f "$1" ] || { echo "no report"; return; }
  local tests failures skipped
  tests=$(grep -o '"tests": [0-9]*' "$1" | head -1 | grep -o '[0-9]*')
  failures=$(grep -o '"failures": [0-9]*' "$1" | head -1 | grep -o '[0-9]*')
  skipped=$(grep -c '"result": "SKIPPED"' "$1" || true)
  echo "$((tests - failures - skipped)) passed, $failures failed, $skipped skipped"
}

# The benchmark JSON objects as one array (rewritten after every run: a run cut short keeps the
# ones before it).
bench_array() {
  local first=1 f
  echo "["
  for f in "$BENCH"/*.json; do
    [ -s "$f" ] || continue
    [ $first = 1 ] || echo ","
    first=0
    cat "$f"
  done
  echo "]"
}

run() {
  local quick=0
  if [ "${1:-}" = --quick ]; then
    quick=1
    LIMIT_SCALE=3  # a CPU driver
    shift
  fi
  local dir
  dir=$(cd "${1:-.gpu-check}" && pwd)
  [ -x "$dir/bin/vkc-tests" ] || { echo "gpu-check: $dir is not a pack (tools/gpu-check.sh pack)" >&2; exit 1; }
  RESULTS=${OUT:-$dir/results}
  mkdir -p "$RESULTS"
  rm -f "$RESULTS"/*.json "$RESULTS"/*.txt
  LOG=$RESULTS/log.txt SUMMARY=$RESULTS/summary.txt
  : >"$LOG"
  : >"$SUMMARY"
  local deadline=$((SECONDS + ${VKC_GPU_CHECK_SECONDS:-450} * LIMIT_SCALE))

  # The packed loader, layer and libraries, unpacked without root into a scratch folder.
  local root
  root=$(mktemp -d /tmp/gpu-check-root.XXXXXX)
  BENCH=$root/bench  # one JSON file per benchmark, joined into bench.json
  mkdir -p "$BENCH"
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export VK_LAYER_PATH="$root/usr/share/vulkan/explicit_layer.d"
  # NVIDIA's driver where the device tool's machines mount it (device README), unless the
  # caller chose one.
  local nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia_icd" ]; then
    export VK_DRIVER_FILES=$nvidia_icd
  fi
  export VKC_GOLDEN_DIR="$dir/golden" VKC_ASSETS_DIR="$dir/assets"
  export XDG_CACHE_HOME="$root/cache"  # cold pipeline caches: the first results are cold starts
  local bin=$dir/bin

  note "gpu-check $(head -1 "$dir/MANIFEST") on $(uname -n), $(date -u +%FT%TZ)$([ $quick = 1 ] && echo ', quick')"
  # First what works there: every kernel variant against the fp64 reference on this GPU.
  step 120 "self-test" sh -c "'$bin/vkc-info' --self-test --json >'$RESULTS/self-test.json'"
  step 60 "vkc-info" sh -c "'$bin/vkc-info' --json >'$RESULTS/vkc-info.json'"
  "$bin/vkc-info" >>"$SUMMARY" 2>&1 || true
  local fp16=0
  grep -q '"fp16": "available' "$RESULTS/vkc-info.json" 2>/dev/null && fp16=1

  local ops='Ops/*:WideGridTest.*:WinogradPlanChoice.*:Conv2dGeometry.*:Conv2dFold.*'
  local goldens='Models/GoldenTest.*:Models/GoldenFp16Test.*'
  if [ $quick = 1 ]; then
    ops='Ops/SoftmaxTest.*:Ops/Pool2dTest.*max_s1_same_7*:Ops/Conv2dTest.*k1x1_s1_odd__texel*'
    goldens='Models/SmallNetworkTest.*/2'  # inception_resnet_v1 at 75x75
  fi
  step 150 "op tests" "$bin/vkc-tests" --gtest_filter="$ops" --gtest_output="json:$RESULTS/ops.json"
  note "        op tests: $(gtest_counts "$RESULTS/ops.json")"
  step 240 "golden tests" "$bin/vkc-tests" --gtest_filter="$goldens" \
    --gtest_output="json:$RESULTS/golden.json"
  note "        golden tests: $(gtest_counts "$RESULTS/golden.json")"

  local models=(inception_v4 inception_resnet_v2 inception_v3 inception_resnet_v1)
  local batches=(1 32) precisions=(fp32) extra=()
  [ $fp16 = 1 ] && precisions+=(fp16)
  if [ $quick = 1 ]; then
    # fp32 only: lavapipe's fp16 is slower than its fp32, and the GPU run is what times fp16.
    models=(inception_resnet_v1) batches=(1) precisions=(fp32) extra=(--size 75 --runs 2 --warmup 1)
  fi
  [ $fp16 = 1 ] || [ $quick = 1 ] || note "        fp16 benchmarks skipped: the device has no fp16 (vkc-info.json)"
  local m b p w
  for m in "${models[@]}"; do
    for b in "${batches[@]}"; do
      for p in "${precisions[@]}"; do
        for w in winograd no-winograd; do
          local name="$m-b$b-$p-$w"
          if [ $SECONDS -ge $deadline ]; then
            note "SKIPPED bench $name: past the time budget"
            continue
          fi
          local args=(--model "$m" --weights deterministic --batch "$b" --precision "$p" --json
                      --peak "${extra[@]}")
          [ $w = no-winograd ] && args+=(--no-winograd)
          # The cold and warm first results once per network: fp32, batch 1, Winograd.
          [ "$b$p$w" = 1fp32winograd ] && [ $quick = 0 ] || args+=(--no-first-result)
          # Kept only when it completed: bench.json stays valid JSON.
          step 90 "bench $name" sh -c "'$bin/vkc-bench' ${args[*]} >'$BENCH/$name.part' &&
            mv '$BENCH/$name.part' '$BENCH/$name.json'"
          bench_array >"$RESULTS/bench.json"
        done
      done
    done
  done
  rm -rf "$root"
  note "results in $RESULTS: $(cd "$RESULTS" && echo *)"
  [ $FAILED = 0 ] && note "gpu-check: all steps passed" || note "gpu-check: some steps FAILED (log.txt)"
  return $FAILED
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  run) shift; run "$@" ;;
  *) usage ;;
esac
