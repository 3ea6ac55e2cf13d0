#!/usr/bin/python3
"""The multi-crop boxes and pixels of vkc::cropBoxes / vkc::makeCrops against an independent
implementation with PIL (Szegedy et al. 2014, section 7, as include/vkception/crops.hpp states
it), bit for bit, on random images of odd sizes: portrait, landscape and square, 12 and 144
crops, 1 and 3 squares, the boxes and every crop byte for PIL's bicubic and bilinear resizes
(upscales and antialiased downscales).

    check_crops_pil.py CROP_DUMP WORK_DIR
"""
import json
import os
import subprocess
import sys

import numpy as np
from PIL import Image


def protocol(crops, size):
    if crops == 12:
        return [int(size / 0.875)], 1
    return [int(round(size * b / 224.0)) for b in (256, 288, 320, 352)], 3


def boxes(width, height, size, scales, squares):
    """[scale, scaledW, scaledH, squareLeft, squareTop, left, top, size, whole, mirror]..."""
    out = []
    portrait = height > width
    for s in scales:
        if width > height:
            sw, sh = int(s * width / height), s
        elif height > width:
            sw, sh = s, int(s * height / width)
        else:
            sw = sh = s
        slack = (sh if portrait else sw) - s
        offsets = [0, slack // 2, slack] if squares == 3 else [slack // 2]
        for o in offsets:
            sx, sy = (0, o) if portrait else (o, 0)
            far, mid = s - size, (s - size) // 2
            for cx, cy, whole in [(0, 0, 0), (far, 0, 0), (0, far, 0), (far, far, 0),
                                  (mid, mid, 0), (0, 0, 1)]:
                for mirror in (0, 1):
                    out.append([s, sw, sh, sx, sy, sx + cx, sy + cy, s if whole else size, whole,
                                mirror])
    return out


FILTERS = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR}


def pil_crops(image, size, box_list, interpolation="bicubic"):
    crops = []
    scaled = {}
    for s, sw, sh, _, _, left, top, side, whole, mirror in box_list:
        if (sw, sh) not in scaled:
            scaled[(sw, sh)] = image.resize((sw, sh), FILTERS[interpolation])
        crop = scaled[(sw, sh)].crop((left, top, left + side, top + side))
        if whole:
            crop = crop.resize((size, size), FILTERS[interpolation])
        if mirror:
            crop = crop.transpose(Image.FLIP_LEFT_RIGHT)
        crops.append(np.asarray(crop, dtype=np.uint8))
    return np.stack(crops)


def main():
    dump, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(20)
    failures = 0
    # (width, height, input size): portrait, landscape, square, and one wider than 2:1
    cases = [(37, 53, 32), (61, 41, 32), (45, 45, 36), (97, 40, 33), (28, 28, 75)]
    for width, height, size in cases:
        pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        # smooth it a little so that the resizes are not all clamping
        pixels = ((pixels.astype(np.int32) + np.roll(pixels, 1, axis=1)) // 2).astype(np.uint8)
        path = os.path.join(work, "img_%dx%d.png" % (width, height))
        Image.fromarray(pixels, "RGB").save(path)
        for crops, squares in [(12, 0), (144, 0), (144, 1), (12, 3)]:
            for interpolation in ("bicubic", "bilinear"):
                out = os.path.join(work, "crops.bin")
                run = subprocess.run([dump, path, str(size), interpolation, str(crops),
                                      str(squares), out], capture_output=True, text=True)
                if run.returncode != 0:
                    print("FAIL %s: crop_dump: %s" % (path, run.stderr.strip()))
                    failures += 1
                    continue
                scales, default_squares = protocol(crops, size)
                want = boxes(width, height, size, scales, squares or default_squares)
                got = json.loads(run.stdout)
                name = "%dx%d input %d, %d crops, squares %d, %s" % (
                    width, height, size, crops, squares or default_squares, interpolation)
                if got != want:
                    first = next(i for i in range(min(len(got), len(want)) + 1)
                                 if i >= min(len(got), len(want)) or got[i] != want[i])
                    print("FAIL %s: boxes differ (%d vs %d boxes; first difference at %d)"
                          % (name, len(got), len(want), first))
                    failures += 1
                    continue
                ours = np.fromfile(out, dtype=np.uint8).reshape(len(want), size, size, 3)
                theirs = pil_crops(Image.open(path).convert("RGB"), size, want, interpolation)
                diff = int((ours != theirs).sum())
                if diff:
                    print("FAIL %s: %d of %d crop bytes differ from PIL" % (name, diff, ours.size))
                    failures += 1
                else:
                    print("ok   %s: %d boxes, %d crop bytes identical to PIL"
                          % (name, len(got), ours.size))
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
