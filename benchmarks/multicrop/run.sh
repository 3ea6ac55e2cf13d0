#!/usr/bin/env bash
# The paper's tables on Fashion-MNIST (docs/performance.md, "Multi-crop and ensembles"): every
# bundled member and their ensemble at 1, 12 and 144 crops with the new build (vkc-eval --json,
# one file per row in OUT_DIR, one Markdown row each), then the throughput pair: single-crop
# images/s and 144-crop crops/s at the same batch (144 rows a submit), alternated over 3 rounds
# (and between the base and the new build when a base is given).
#
# usage: benchmarks/multicrop/run.sh BASE_BUILD|none NEW_BUILD WEIGHTS_DIR OUT_DIR [IMAGES_AT_12] [IMAGES_AT_144]
#   WEIGHTS_DIR: fashion_mnist_{irv2,v4,irv1}.safetensors (the repository's assets/).
#   1 crop runs the whole test set, the multi-crop rows the first IMAGES_AT_12 / IMAGES_AT_144
#   images (default 1000 / 100); then 1 and 12 crops again on those same images.
#   FASHION_MNIST: the folder of the IDX test files (default: Debian's dataset-fashion-mnist).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 4 ] || { sed -n '8,12p' "$0" >&2; exit 2; }
abs() { [ "$1" = none ] && echo none || (cd "$1" && pwd); }
base=$(abs "$1") new=$(abs "$2") weights=$(cd "$3" && pwd)
mkdir -p "$4"
out=$(cd "$4" && pwd)
limit12=${5:-1000} limit144=${6:-100}
idx=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
cd "$repo"
data=(--idx-images "$idx/t10k-images-idx3-ubyte.gz" --idx-labels "$idx/t10k-labels-idx1-ubyte.gz")
declare -A members=(
  [irv2]=inception_resnet_v2:$weights/fashion_mnist_irv2.safetensors
  [v4]=inception_v4:$weights/fashion_mnist_v4.safetensors
  [irv1]=inception_resnet_v1:$weights/fashion_mnist_irv1.safetensors)
members[ensemble]=${members[irv2]},${members[v4]},${members[irv1]}
members[ensemble_3_1_1]=${members[irv2]}:3,${members[v4]},${members[irv1]}

# One row: NAME CROPS [LIMIT] -> OUT_DIR/NAME-cropsCROPS[-firstLIMIT].json and a table line.
row() {
  local name=$1 crops=$2 limit=${3:-} file="$out/$1-crops$2${3:+-first$3}.json"
  "$new/bin/vkc-eval" "${data[@]}" --ensemble "${members[$name]}" --crops "$crops" --batch 144 \
    ${limit:+--limit "$limit"} --json >"$file"
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("| %s | %d | %.2f%% | %.2f%% | %d | %.1f | %.1f |" % (j["network"], j["crops"], 100*j["top1_error"], 100*j["top5_error"], j["images"], j["images_per_s"], j["crops_per_s"]))' "$file"
}
echo "| Network | Crops | Top-1 Error | Top-5 Error | Images | images/s | crops/s |"
echo "|---|---|---|---|---|---|---|"
for name in irv2 v4 irv1 ensemble; do
  row "$name" 1
  row "$name" 12 "$limit12"
  row "$name" 144 "$limit144"
done
# The same images at every crop count, and the ensemble weighted as the paper's (3x IR-v2).
for name in irv2 v4 irv1 ensemble ensemble_3_1_1; do
  row "$name" 1 "$limit12"
  row "$name" 1 "$limit144"
  row "$name" 12 "$limit144"
done
row ensemble_3_1_1 1

# The throughput pair, alternated so that both see the same machine load: the bundled model,
# 1440 images at 1 crop vs 10 images x 144 crops, 144 rows a submit.
builds=(new)
[ "$base" = none ] || builds=(base new)
for round in 1 2 3; do
  for b in "${builds[@]}"; do
    build=$new
    [ "$b" = base ] && build=$base
    for crops in 1 144; do
      limit=1440
      [ "$crops" = 144 ] && limit=10
      "$build/bin/vkc-eval" "${data[@]}" --weights "$weights/fashion_mnist_irv2.safetensors" \
        --crops "$crops" --batch 144 --limit "$limit" --json >"$out/throughput-$b-round$round-crops$crops.json"
    done
  done
done
/usr/bin/python3 - "$out" "${builds[@]}" <<'PY'
import glob, json, statistics, sys
out, builds = sys.argv[1], sys.argv[2:]
for b in builds:
    for crops, key in ((1, "images_per_s"), (144, "crops_per_s")):
        v = [json.load(open(f))[key] for f in sorted(glob.glob(f"{out}/throughput-{b}-round*-crops{crops}.json"))]
        print("%s crops %3d: %s min %.1f median %.1f max %.1f" % (b, crops, key, min(v), statistics.median(v), max(v)))
PY
