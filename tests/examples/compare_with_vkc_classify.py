#!/usr/bin/python3
"""Runs an example (examples/classify.*) on every sample image and checks that it prints the
same top-5 as vkc-classify --json: the same classes and labels in the same order, probabilities
within 1e-5 (vkc-classify runs a few images on at-once kernels, StartMode::AtOnce, which lower
nothing of this small model to Winograd, so its float sums run in another order: ~1e-7 apart,
far below 1e-5).

Usage: compare_with_vkc_classify.py VKC_CLASSIFY WEIGHTS SAMPLES_DIR -- EXAMPLE_COMMAND...
(the example gets MODEL WEIGHTS IMAGE... appended)."""
import json
import os
import subprocess
import sys

MODEL = "inception_resnet_v2"
TOLERANCE = 1e-5


def main():
    classify, weights, samples = sys.argv[1:4]
    assert sys.argv[4] == "--", __doc__
    example = sys.argv[5:]
    images = sorted(os.path.join(samples, f) for f in os.listdir(samples))
    out = subprocess.run([classify, "--json", "--model", MODEL, "--weights", weights, *images],
                         check=True, capture_output=True, text=True).stdout
    expected = [(r["image"], t["class"], t["label"], t["probability"])
                for r in map(json.loads, out.splitlines()) for t in r["top"]]
    out = subprocess.run([*example, MODEL, weights, *images], check=True, capture_output=True,
                         text=True).stdout
    got = []
    for line in out.splitlines():
        image, cls, probability, label = line.split("\t")
        got.append((image, int(cls), label, float(probability)))
    if len(got) != len(expected) or len(got) != 5 * len(images):
        sys.exit(f"{len(got)} predictions, vkc-classify printed {len(expected)} "
                 f"for {len(images)} images")
    worst = 0.0
    for g, e in zip(got, expected):
        if g[:3] != e[:3]:
            sys.exit(f"example printed {g[:3]}, vkc-classify {e[:3]}")
        worst = max(worst, abs(g[3] - e[3]))
    print(f"{len(images)} images, same top-5; max probability difference {worst:.2g}")
    if worst > TOLERANCE:
        sys.exit(f"probabilities differ by {worst:.3g} > {TOLERANCE}")


if __name__ == "__main__":
    main()
