#!/usr/bin/python3
"""examples/dask_classify.py on a LocalCluster of 2 worker processes over the whole
Fashion-MNIST test set (10,000 images) must reach exactly vkc-eval's top-1 accuracy on the same
set (same preprocessing and logits, ranked the same way), and write one row per image.
Prints both throughputs. Usage: check_dask_accuracy.py VKC_EVAL DASK_CLASSIFY_PY OUTPUT_DIR"""
import csv
import json
import os
import subprocess
import sys

DATA = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
IMAGES = os.path.join(DATA, "t10k-images-idx3-ubyte.gz")
LABELS = os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")


def main():
    vkc_eval, script, out_dir = sys.argv[1:4]
    os.makedirs(out_dir, exist_ok=True)
    table = os.path.join(out_dir, "dask_results.csv")
    reference = json.loads(subprocess.run(
        [vkc_eval, "--json", "--idx-images", IMAGES, "--idx-labels", LABELS],
        check=True, capture_output=True, text=True).stdout)
    dask = json.loads(subprocess.run(
        [sys.executable, script, "--local-workers", "2", "--idx-images", IMAGES, "--idx-labels",
         LABELS, "--output", table], check=True, capture_output=True, text=True).stdout)
    print(f"vkc-eval: top-1 {reference['top1']:.4f}, {reference['images_per_s']:.0f} images/s "
          f"(batch {reference['batch']})")
    print(f"dask_classify.py, {dask['workers']} workers: top-1 {dask['top1']:.4f}, "
          f"{dask['images_per_s']:.0f} images/s")
    with open(table, newline="") as f:
        rows = list(csv.DictReader(f))
    if not reference["images"] == dask["images"] == len(rows) == 10000:
        sys.exit(f"images: vkc-eval {reference['images']}, dask {dask['images']}, "
                 f"table rows {len(rows)}; expected 10000")
    if dask["workers"] != 2:
        sys.exit(f"{dask['workers']} workers took part, expected 2")
    # Counts of correct images over the same 10,000: equal fractions mean equal counts.
    if dask["top1"] != reference["top1"]:
        sys.exit(f"top-1 differs: dask {dask['top1']} vs vkc-eval {reference['top1']}")


if __name__ == "__main__":
    main()
