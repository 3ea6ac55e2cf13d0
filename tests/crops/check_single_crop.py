#!/usr/bin/python3
"""The single crop a model sees (vkc::Network::preprocess, vkc::makeCrops with 1 crop)
against torchvision on PIL images, bit for bit, on PNGs of odd sizes and aspect ratios (RGB and
gray, upscaled and downscaled):

- timm's eval transform of the ImageNet models (inception_v3, inception_v4,
  inception_resnet_v2: input 299, crop_pct 0.875, bicubic):
  Resize(math.floor(299 / 0.875) = 341, BICUBIC) + CenterCrop(299), as
  timm.data.transforms_imagenet_eval builds it; the same with BILINEAR (torchvision's own
  Inception-v3 recipe, Resize(342) + CenterCrop(299), is another input: nearly every byte
  differs);
- the bundled Fashion-MNIST models' squash (weights metadata vkception.resize = bilinear):
  Resize((75, 75), BILINEAR), timm's crop_mode "squash" at crop_pct 1.

    check_single_crop.py CROP_DUMP WORK_DIR
"""
import math
import os
import subprocess
import sys

import numpy as np
import torchvision.transforms as T
from PIL import Image

MODES = {"bicubic": T.InterpolationMode.BICUBIC, "bilinear": T.InterpolationMode.BILINEAR}


def timm_center(size, crop_pct, interpolation):
    return T.Compose([T.Resize(math.floor(size / crop_pct), MODES[interpolation]),
                      T.CenterCrop(size)])


def timm_squash(size, interpolation):
    return T.Compose([T.Resize((size, size), MODES[interpolation]), T.CenterCrop(size)])


def main():
    dump, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(36)
    failures = 0
    # (width, height, gray): landscape, portrait, square, a camera-like 4:3 shrunk 2.5x, one
    # whose shorter side is already 341 (no horizontal pass), one narrower than 1:10, upscales.
    images = [(401, 333, False), (333, 517, True), (345, 345, False), (1001, 757, False),
              (341, 500, False), (97, 1003, True), (200, 151, False), (28, 28, True),
              (37, 53, False)]
    for width, height, gray in images:
        shape = (height, width) if gray else (height, width, 3)
        pixels = rng.integers(0, 256, shape, dtype=np.uint8)
        # neighbours averaged so that the resizes are not all clamping
        pixels = ((pixels.astype(np.int32) + np.roll(pixels, 1, axis=0)
                   + np.roll(pixels, 1, axis=1)) // 3).astype(np.uint8)
        path = os.path.join(work, "img_%dx%d.png" % (width, height))
        Image.fromarray(pixels, "L" if gray else "RGB").save(path)
        image = Image.open(path).convert("RGB")  # as timm's and torchvision's loaders do
        cases = [(299, "bicubic", "center", timm_center(299, 0.875, "bicubic")),
                 (299, "bilinear", "center", timm_center(299, 0.875, "bilinear")),
                 (75, "bilinear", "squash", timm_squash(75, "bilinear"))]
        for size, interpolation, mode, transform in cases:
            name = "%dx%d %s: %s %s %d" % (width, height, "gray" if gray else "RGB", mode,
                                          interpolation, size)
            out = os.path.join(work, "crop.bin")
            run = subprocess.run([dump, path, str(size), interpolation, "1", "0", out, mode],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print("FAIL %s: crop_dump: %s" % (name, run.stderr.strip()))
                failures += 1
                continue
            ours = np.fromfile(out, dtype=np.uint8)
            theirs = np.asarray(transform(image), dtype=np.uint8)
            if ours.size != theirs.size:
                print("FAIL %s: %d bytes, torchvision %d" % (name, ours.size, theirs.size))
                failures += 1
                continue
            diff = int((ours != theirs.reshape(-1)).sum())
            if diff:
                print("FAIL %s: %d of %d bytes differ from torchvision" % (name, diff, ours.size))
                failures += 1
            else:
                print("ok   %s: %d bytes identical to torchvision" % (name, ours.size))
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
