#!/usr/bin/env bash
# The bundled default model, evaluated by vkception itself on the full Fashion-MNIST test set
# (10,000 images), must reach the accuracy docs/models.md states: >= 90% top-1.
set -euo pipefail
eval_bin=$1
data=/usr/share/datasets/fashion-mnist
out=$("$eval_bin" --json --idx-images "$data/t10k-images-idx3-ubyte.gz" \
  --idx-labels "$data/t10k-labels-idx1-ubyte.gz")
echo "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, sys
result = json.loads(sys.argv[1])
assert result["images"] == 10000, result["images"]
print(f"top-1 {result['top1']:.4f}, top-5 {result['top5']:.4f}, {result['images_per_s']:.0f} images/s")
sys.exit(0 if result["top1"] >= 0.90 else 1)
PY
