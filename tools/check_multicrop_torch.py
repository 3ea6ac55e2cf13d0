#!/usr/bin/python3
"""The outside check of vkc-eval's multi-crop ensembles: the same crops built independently
(the box arithmetic of tests/crops/check_crops_pil.py, PIL for resizes, crops and mirrors:
Image.resize(BILINEAR), the Fashion-MNIST models' interpolation), the same members run by
PyTorch (the modules of tools/train_fashion_mnist.py, weights read from the .safetensors
files), softmax per crop, mean over crops, weighted mean over members; then
`vkc-eval --crops N --save-probs` on the same Fashion-MNIST test images must agree within 1e-5:
the crops are identical (the library's resizes are PIL's bit for bit), so what is left is fp32
arithmetic in the network (observed below 3e-7).

    tools/check_multicrop_torch.py build/bin/vkc-eval [--images 8] [--crops 144]
        [--ensemble inception_resnet_v2:assets/fashion_mnist_irv2.safetensors,...]
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist"
DEFAULT_ENSEMBLE = ",".join([
    "inception_resnet_v2:%s/assets/fashion_mnist_irv2.safetensors" % REPO,
    "inception_v4:%s/assets/fashion_mnist_v4.safetensors" % REPO,
    "inception_resnet_v1:%s/assets/fashion_mnist_irv1.safetensors" % REPO])


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


train = load_module("train_fashion_mnist", os.path.join(REPO, "tools", "train_fashion_mnist.py"))
pil_check = load_module("check_crops_pil", os.path.join(REPO, "tests", "crops", "check_crops_pil.py"))


def crops_of(gray, size, crops):
    image = Image.fromarray(gray)
    if crops == 1:  # the Fashion-MNIST models' own preprocessing: the whole image resized
        return np.array(image.resize((size, size), Image.BILINEAR), dtype=np.uint8)[None]
    scales, squares = pil_check.protocol(crops, size)
    return pil_check.pil_crops(image, size, pil_check.boxes(
        gray.shape[1], gray.shape[0], size, scales, squares), "bilinear")


def member_probabilities(model_name, path, crops_u8):
    tensors, meta = train.read_safetensors(path)
    repeats = tuple(int(r) for r in meta["vkception.repeats"].split(","))
    model = train.MODELS[model_name](int(meta["vkception.num_classes"]),
                                     int(meta["vkception.width_divisor"]), repeats)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()}, strict=False)
    model.eval()
    mean = float(meta["vkception.mean"].split(",")[0])
    std = float(meta["vkception.std"].split(",")[0])
    x = (torch.from_numpy(crops_u8).float() / 255.0 - mean) / std
    with torch.no_grad():
        logits = model(x[:, None].expand(-1, 3, -1, -1).contiguous())
    return torch.softmax(logits.double(), 1).numpy()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("vkc_eval")
    p.add_argument("--images", type=int, default=8)
    p.add_argument("--crops", type=int, default=144)
    p.add_argument("--ensemble", default=DEFAULT_ENSEMBLE, help="NAME:FILE[:WEIGHT],...")
    args = p.parse_args()
    torch.set_num_threads(2)
    images = os.path.join(DATA, "t10k-images-idx3-ubyte.gz")
    labels = os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")
    with tempfile.TemporaryDirectory() as tmp:
        probs_path = os.path.join(tmp, "probs.f32")
        run = subprocess.run([args.vkc_eval, "--idx-images", images, "--idx-labels", labels,
                              "--limit", str(args.images), "--crops", str(args.crops),
                              "--ensemble", args.ensemble, "--save-probs", probs_path, "--json"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print("vkc-eval failed (%d): %s" % (run.returncode, run.stderr))
            return 1
        report = json.loads(run.stdout)
        ours = np.fromfile(probs_path, dtype=np.float32).reshape(args.images, report["classes"])

    gray, _ = train.load_split(DATA, "test")
    members = []
    for item in args.ensemble.split(","):
        name, rest = item.split(":", 1)
        path, _, weight = rest.partition(":")
        members.append((name, path, float(weight or 1)))
    total = sum(w for _, _, w in members)
    theirs = np.zeros_like(ours, dtype=np.float64)
    for i in range(args.images):
        crops_u8 = crops_of(gray[i], report["input_size"], args.crops)
        for name, path, weight in members:
            theirs[i] += weight / total * member_probabilities(name, path, crops_u8).mean(0)
    error = float(np.abs(ours - theirs).max())
    print("%d images x %d crops x %d members: max |vkc-eval - PyTorch| = %.3g (limit 1e-5)"
          % (args.images, args.crops, len(members), error))
    return 0 if error <= 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
