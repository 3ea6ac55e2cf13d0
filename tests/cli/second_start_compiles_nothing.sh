#!/usr/bin/env bash
# A second process running the same network finds every kernel in Mesa's shader cache: the cache
# gains no entry in the second run. Guards DevicePolicy::texelBinding: with uniform texel buffers
# lavapipe (Mesa 22.3) keyed 2-4 kernels of a network differently in every process, so every start
# compiled them again (VKC_READS=uniform-texel makes this test fail). Exit 77 (skipped) on a
# driver without Mesa's shader cache.
# Usage: second_start_compiles_nothing.sh VKC_BENCH WORKDIR
set -u
bench=$1
work=$2
rm -rf "$work" && mkdir -p "$work" || exit 1
# Mesa's cache in the work folder whatever the caller's environment names (MESA_SHADER_CACHE_DIR
# wins over XDG_CACHE_HOME), vkception's own under XDG_CACHE_HOME beside it.
export MESA_SHADER_CACHE_DIR="$work/mesa" XDG_CACHE_HOME="$work"
entries() { find "$work/mesa" -type f ! -name index 2>/dev/null | wc -l; }
start() {
  if ! "$bench" --model inception_resnet_v1 --weights deterministic --size 160 --start at-once \
      --runs 1 --warmup 0 --no-first-result >"$work/run.log" 2>&1; then
    cat "$work/run.log"
    echo "FAIL: vkc-bench failed"
    exit 1
  fi
}
start
first=$(entries)
if [ "$first" -eq 0 ]; then
  echo "SKIP: no Mesa shader cache under $work (not a Mesa driver, or the cache is disabled)"
  exit 77
fi
start
second=$(entries)
echo "shader cache entries: $first after the first start, $second after the second"
if [ "$second" -ne "$first" ]; then
  echo "FAIL: the second start compiled $((second - first)) kernel(s) the first had cached"
  exit 1
fi
