#!/usr/bin/python3
"""Classifies images with vkception's Python module, as vkc-classify does: the model's own
preprocessing, then each image's top 5 classes, one line each:
    IMAGE <tab> CLASS <tab> PROBABILITY <tab> LABEL
Usage: classify.py MODEL WEIGHTS.safetensors IMAGE..."""
import sys

import vkception


def main():
    if len(sys.argv) < 4:
        sys.exit(f"usage: {sys.argv[0]} MODEL WEIGHTS.safetensors IMAGE...")
    model, weights, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        net = vkception.Network(model, weights)
        results = net.classify(paths, top=5)
    except vkception.Error as e:  # the message names the file or argument
        sys.exit(f"classify.py: {e}")
    for path, top in zip(paths, results):
        for cls, label, probability in top:
            print(f"{path}\t{cls}\t{probability:.7f}\t{label}")


if __name__ == "__main__":
    main()
