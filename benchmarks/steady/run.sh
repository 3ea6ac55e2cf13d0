#!/usr/bin/env bash
# Steady-state inference time per network (docs/performance.md, "Steady state"): vkc-bench, a
# base build and a new build alternating round by round, so both see the same machine load.
#
# usage: benchmarks/steady/run.sh BASE_BUILD|none NEW_BUILD WEIGHTS_DIR [ROUNDS] [vkc-bench options]
#   BASE_BUILD, NEW_BUILD: build folders (their bin/vkc-bench); "none": the new build alone, one
#     Markdown table row per network (the table of docs/performance.md).
#   WEIGHTS_DIR: MODEL.safetensors, written there by benchmarks/make-weights.py when missing.
#   ROUNDS: alternating rounds (default 3). Further options go to vkc-bench, e.g. --batch 4,
#     --start at-once, --precision fp16, --no-winograd.
#   MODELS: which networks (default the four); RUNS / WARMUP: timed and untimed runs (5 / 2).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 3 ] || { sed -n '5,12p' "$0" >&2; exit 2; }
abs() { [ "$1" = none ] && echo none || (cd "$1" && pwd); }
base=$(abs "$1") new=$(abs "$2")
mkdir -p "$3"
weights=$(cd "$3" && pwd)
rounds=3
shift 3
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
models=${MODELS:-inception_v4 inception_resnet_v2 inception_resnet_v1 inception_v3}
cd "$repo"
for model in $models; do
  [ -f "$weights/$model.safetensors" ] ||
    /usr/bin/python3 benchmarks/make-weights.py "$model" "$weights"
done

bench() {  # BUILD MODEL [options]: vkc-bench's JSON
  local build=$1 model=$2
  shift 2
  "$build/bin/vkc-bench" --model "$model" --weights "$weights/$model.safetensors" \
    --runs "${RUNS:-5}" --warmup "${WARMUP:-2}" --no-first-result --json "$@"
}

if [ "$base" = none ]; then
  echo "| model | batch | ms min | ms median | GFLOP | GFLOP/s | peak GFLOP/s | of peak | weights MiB | activations MiB (naive) | dispatches | barriers |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for round in $(seq "$rounds"); do
    for model in $models; do
      bench "$new" "$model" "$@" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
mib = 1 << 20
cells = [r["model"], r["batch"], "%.0f" % r["ms_min"], "%.0f" % r["ms_median"],
         "%.2f" % r["gflop_per_batch"], "%.1f" % r["gflops"], "%.1f" % r["peak_gflops"],
         "%.0f%%" % (100 * r["fraction_of_peak"]), "%.0f" % (r["weight_bytes"] / mib),
         "%.1f (%.1f)" % (r["peak_activation_bytes"] / mib, r["naive_activation_bytes"] / mib),
         r["dispatches"], r["barriers"]]
print("| " + " | ".join(str(c) for c in cells) + " |")'
    done
  done
  exit 0
fi

for round in $(seq "$rounds"); do
  for model in $models; do
    for b in base new; do
      build=$new
      [ $b = base ] && build=$base
      bench "$build" "$model" "$@" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
print("round %s %-4s %s batch %d: min %.1f ms, median %.1f ms, %.0f%% of a %.1f GFLOP/s probe" % (
    sys.argv[1], sys.argv[2], r["model"], r["batch"], r["ms_min"], r["ms_median"],
    100 * r["fraction_of_peak"], r["peak_gflops"]))' "$round" "$b"
    done
  done
done
