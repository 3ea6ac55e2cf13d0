#!/usr/bin/env bash
# The paper's tables on Fashion-MNIST: every bundled member and their ensemble at 1, 12 and 144
# crops (vkc-eval --json, one file per row in OUT_DIR), then the throughput pair of the issue:
# single-crop images/s and 144-crop crops/s at the same batch (144), alternated over 3 rounds.
# Usage: benchmarks/multicrop.sh OUT_DIR [IMAGES_AT_12] [IMAGES_AT_144]
# (1 crop runs the whole test set, the multi-crop rows the first N images, default 1000 / 100;
# then 1 and 12 crops again on those same images.)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: benchmarks/multicrop.sh OUT_DIR [IMAGES_AT_12] [IMAGES_AT_144]}
limit12=${2:-1000}
limit144=${3:-100}
mkdir -p "$out"
data=(--idx-images /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
      --idx-labels /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz)
declare -A members=(
  [irv2]=inception_resnet_v2:assets/fashion_mnist_irv2.safetensors
  [v4]=inception_v4:assets/fashion_mnist_v4.safetensors
  [irv1]=inception_resnet_v1:assets/fashion_mnist_irv1.safetensors
  [ensemble]=inception_resnet_v2:assets/fashion_mnist_irv2.safetensors,inception_v4:assets/fashion_mnist_v4.safetensors,inception_resnet_v1:assets/fashion_mnist_irv1.safetensors)
members[ensemble_3_1_1]=${members[ensemble]/irv2.safetensors/irv2.safetensors:3}
# One row: NAME CROPS [LIMIT] -> OUT_DIR/NAME-cropsCROPS[-firstLIMIT].json and a table line.
row() {
  local name=$1 crops=$2 limit=${3:-} file="$out/$1-crops$2${3:+-first$3}.json"
  build/bin/vkc-eval "${data[@]}" --ensemble "${members[$name]}" --crops "$crops" --batch 144 \
    ${limit:+--limit "$limit"} --json > "$file"
  /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("| %s | %d | %.2f%% | %.2f%% | %d | %.1f | %.1f |" % (j["network"], j["crops"], 100*j["top1_error"], 100*j["top5_error"], j["images"], j["images_per_s"], j["crops_per_s"]))' "$file"
}
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
# The throughput pair, alternated so that both see the same machine load: single-crop images/s
# and 144-crop crops/s at the same batch (144 rows a submit), 1440 images vs 10 x 144 crops.
for round in 1 2 3; do
  for crops in 1 144; do
    limit=1440
    [ "$crops" = 144 ] && limit=10
    build/bin/vkc-eval "${data[@]}" --crops "$crops" --batch 144 --limit "$limit" --json \
      > "$out/throughput-round$round-crops$crops.json"
  done
done
/usr/bin/python3 - "$out" <<'PY'
import glob, json, statistics, sys
for crops, key in ((1, "images_per_s"), (144, "crops_per_s")):
    v = [json.load(open(f))[key] for f in sorted(glob.glob("%s/throughput-round*-crops%d.json" % (sys.argv[1], crops)))]
    print("crops %3d: %s min %.1f median %.1f max %.1f" % (crops, key, min(v), statistics.median(v), max(v)))
PY
