#!/usr/bin/env bash
# Time to first result, a base build and a new build alternating (docs/performance.md, "Time to
# first result"). Every start gets its own empty XDG_CACHE_HOME (Mesa's shader cache and
# vkception's pipeline cache), so "cold" is a first start and "second" the same command again.
#
# usage: benchmarks/startup/run.sh BASE_BUILD|none NEW_BUILD WEIGHTS_DIR
#   BASE_BUILD, NEW_BUILD: build folders (their bin/vkc-classify, bin/vkc-bench); "none": the new
#     build alone. WEIGHTS_DIR: MODEL.safetensors and its inputs, written there by
#     benchmarks/make-weights.py when missing.
#   START=classify (default): vkc-classify as a user runs it, wall seconds cold / second: the
#     README's main command, Inception-v4 on 1 and 2 images and Inception-ResNet-v2 on 1 image
#     (--input-tensor; vkc-classify picks the at-once start), then each build's logits against
#     tests/golden's fp64 ones.
#   START=at-once|specialized: vkc-bench --start START per network: cold and warm first result,
#     pipelines and their warm creation time, the first run (MODELS: which networks).
#   ROUNDS: alternating rounds (default 3).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 3 ] || { sed -n '5,17p' "$0" >&2; exit 2; }
abs() { [ "$1" = none ] && echo none || (cd "$1" && pwd); }
base=$(abs "$1") new=$(abs "$2")
mkdir -p "$3"
weights=$(cd "$3" && pwd)
start=${START:-classify} rounds=${ROUNDS:-3}
models=${MODELS:-inception_v4 inception_resnet_v2 inception_resnet_v1 inception_v3}
builds=(new)
[ "$base" = none ] || builds=(base new)
build_of() { if [ "$1" = base ]; then echo "$base"; else echo "$new"; fi; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$repo"

need_weights() {
  [ -f "$weights/$1.safetensors" ] || /usr/bin/python3 benchmarks/make-weights.py "$1" "$weights"
}

# Wall seconds of one command with its own cache folder, e.g. "1.23" (or "1.23(rc1)" on failure).
timed() {
  local cache=$1 s e rc=0
  shift
  s=$EPOCHREALTIME
  XDG_CACHE_HOME=$cache "$@" >/dev/null 2>&1 || rc=$?
  e=$EPOCHREALTIME
  awk -v s="$s" -v e="$e" -v rc="$rc" 'BEGIN { printf "%.2f%s", e - s, rc ? "(rc" rc ")" : "" }'
}

# One command cold, then again with the cache it filled: "cold / second".
cold_second() {
  local cache=$scratch/cache-$RANDOM
  mkdir -p "$cache"
  echo "$(timed "$cache" "$@") / $(timed "$cache" "$@")"
  rm -rf "$cache"
}

if [ "$start" = classify ]; then
  need_weights inception_v4
  need_weights inception_resnet_v2
  for round in $(seq "$rounds"); do
    for b in "${builds[@]}"; do
      c=$(build_of "$b")/bin/vkc-classify
      v4=(--model inception_v4 --weights "$weights/inception_v4.safetensors")
      ir2=(--model inception_resnet_v2 --weights "$weights/inception_resnet_v2.safetensors")
      echo "round $round $b:" \
        "README command $(cold_second "$c" assets/samples) |" \
        "v4 1 image $(cold_second "$c" "${v4[@]}" --input-tensor "$weights/inception_v4.input1.f32" \
          --save-logits "$scratch/$b-v4-1.f32") |" \
        "v4 2 images $(cold_second "$c" "${v4[@]}" --input-tensor "$weights/inception_v4.input.f32" \
          --save-logits "$scratch/$b-v4-2.f32") |" \
        "IR-v2 1 image $(cold_second "$c" "${ir2[@]}" \
          --input-tensor "$weights/inception_resnet_v2.input1.f32" --save-logits "$scratch/$b-ir2-1.f32")"
    done
  done
  /usr/bin/python3 - "$scratch" "${builds[@]}" <<'PY'
import sys, numpy as np
scratch, builds = sys.argv[1], sys.argv[2:]
for b in builds:
    for model, tag in (("inception_v4", "v4"), ("inception_resnet_v2", "ir2")):
        ref = np.fromfile(f"tests/golden/{model}/logits.f64").reshape(2, -1)
        parts = []
        for n in (1, 2) if tag == "v4" else (1,):
            try:
                got = np.fromfile(f"{scratch}/{b}-{tag}-{n}.f32", np.float32).reshape(n, -1)
            except (OSError, ValueError):
                parts.append(f"{n} image(s): no logits")
                continue
            errs = " / ".join("%.3g" % e for e in np.abs(got - ref[:n]).max(axis=1))
            parts.append(f"{n} image(s) {errs}")
        print(f"{b} {model} logits max |x - fp64|: {', '.join(parts)} (max|logit| {np.abs(ref).max():.1f})")
PY
  exit 0
fi

for model in $models; do need_weights "$model"; done
for round in $(seq "$rounds"); do
  for model in $models; do
    for b in "${builds[@]}"; do
      cache=$scratch/bench-cache
      rm -rf "$cache"
      XDG_CACHE_HOME=$cache "$(build_of "$b")/bin/vkc-bench" --model "$model" \
        --weights "$weights/$model.safetensors" --start "$start" --runs 2 --warmup 0 --json |
        /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
w = j["startup_warm_cache"]
print("round %s %s %s: first result cold %.2f s, warm %.2f s; %s pipelines, %.0f ms to create warm;"
      " warm first run %.0f ms; steady min %.0f ms" % (sys.argv[1], sys.argv[2], j["model"],
      j["first_result_ms"] / 1e3, j["first_result_warm_cache_ms"] / 1e3, w.get("pipelines"),
      w.get("pipelines_ms", 0), w.get("first_run_ms", 0), j["ms_min"]))' "$round" "$b"
    done
  done
done
