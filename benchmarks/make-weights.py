#!/usr/bin/python3
"""Writes a network's deterministic test weights ("detweights", tests/golden/README.md section 2)
as a safetensors file, with the golden input beside it as raw float32 NCHW: 2 images
(MODEL.input.f32) and the first alone (MODEL.input1.f32). The benchmarks read weights from a file
as a user's run does; the inputs give logits to compare with tests/golden/MODEL/logits.f64.

Usage: benchmarks/make-weights.py MODEL WEIGHTS_DIR   (numpy)
Writes WEIGHTS_DIR/MODEL.safetensors, MODEL.input.f32, MODEL.input1.f32."""
import json
import os
import struct
import sys

import numpy as np

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
M = np.uint64


def fnv1a(text):
    h = 0xCBF29CE484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001B3) & (2**64 - 1)
    return h


def uniform(name, n):
    """n values in [-1, 1) for `name`: splitmix64 of seed + index, as the spec says."""
    with np.errstate(over="ignore"):
        z = np.arange(n, dtype=M) + M(fnv1a(name)) + M(0x9E3779B97F4A7C15)
        z = (z ^ (z >> M(30))) * M(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> M(27))) * M(0x94D049BB133111EB)
        z = z ^ (z >> M(31))
    return (z >> M(40)).astype(np.float64) / 2**23 - 1.0


def scale_and_offset(name, shape):
    if name.endswith("running_var"):
        return 0.5, 1.0
    if name.endswith("running_mean"):
        return 0.1, 0.0
    if len(shape) == 1:
        return (0.5, 1.0) if name.endswith(".weight") else (0.1, 0.0)
    return np.sqrt(6.0 / np.prod(shape[1:])), 0.0


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model, folder = sys.argv[1], sys.argv[2]
    tensors = json.load(open(os.path.join(GOLDEN, model, "tensors.json")))
    os.makedirs(folder, exist_ok=True)
    header, blobs, offset = {}, [], 0
    for t in tensors:
        if not t["detweights"]:
            continue
        name, shape = t["name"], t["shape"]
        n = int(np.prod(shape)) if shape else 1
        s, o = scale_and_offset(name, shape)
        data = (uniform(name, n) * s + o).astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    base = os.path.join(folder, model)
    with open(base + ".safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)
    x = uniform("input", 2 * 3 * 299 * 299).astype(np.float32)
    x.tofile(base + ".input.f32")
    x[:3 * 299 * 299].tofile(base + ".input1.f32")


if __name__ == "__main__":
    main()
