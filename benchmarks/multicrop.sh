#!/usr/bin/env bash
# The paper's tables on Fashion-MNIST: every bundled member and their ensemble at 1, 12 and 144
# crops (vkc-eval --json, one file per row in OUT_DIR), then the throughput pair of the issue:
# single-crop images/s and 144-crop crops/s at the same batch (144).
# Usage: benchmarks/multicrop.sh OUT_DIR [IMAGES_AT_12] [IMAGES_AT_144]
# (1 crop runs the whole test set; the multi-crop rows the first N images, default 1000 / 200.)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: benchmarks/multicrop.sh OUT_DIR [IMAGES_AT_12] [IMAGES_AT_144]}
limit12=${2:-1000}
limit144=${3:-200}
mkdir -p "$out"
data=(--idx-images /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
      --idx-labels /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz)
declare -A members=(
  [irv2]=inception_resnet_v2:assets/fashion_mnist_irv2.safetensors
  [v4]=inception_v4:assets/fashion_mnist_v4.safetensors
  [irv1]=inception_resnet_v1:assets/fashion_mnist_irv1.safetensors
  [ensemble]=inception_resnet_v2:assets/fashion_mnist_irv2.safetensors,inception_v4:assets/fashion_mnist_v4.safetensors,inception_resnet_v1:assets/fashion_mnist_irv1.safetensors)
for name in irv2 v4 irv1 ensemble; do
  for crops in 1 12 144; do
    limit=()
    [ "$crops" = 12 ] && limit=(--limit "$limit12")
    [ "$crops" = 144 ] && limit=(--limit "$limit144")
    build/bin/vkc-eval "${data[@]}" --ensemble "${members[$name]}" --crops "$crops" \
      --batch 144 "${limit[@]}" --json > "$out/$name-crops$crops.json"
    /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("| %s | %d | %.2f%% | %.2f%% | %d | %.1f | %.1f |" % (j["network"], j["crops"], 100*j["top1_error"], 100*j["top5_error"], j["images"], j["images_per_s"], j["crops_per_s"]))' "$out/$name-crops$crops.json"
  done
done
