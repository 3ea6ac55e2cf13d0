#!/usr/bin/python3
"""Train a small Inception-ResNet-v2 on Fashion-MNIST and export it for vkception.

The network has exactly the layout and state_dict key names of timm's
``inception_resnet_v2`` (stem, mixed_5b, repeat.*, mixed_6a, repeat_1.*,
mixed_7a, repeat_2.*, block8, conv2d_7b, classif), with every channel count
divided by ``--width-divisor`` and ``--repeats`` Block35/Block17/Block8
repeats (timm: 10,20,9) plus the single final ``block8``.  The module is
written here from the architecture description (timm is not a dependency).

Input pipeline (to be reproduced by the C++ side):
  1. 28x28 uint8 gray image.
  2. torch.nn.functional.interpolate(x.float(), size=(75, 75),
     mode='bilinear', align_corners=False) on the 0..255 values (float32).
  3. Round to uint8 with floor(v + 0.5), clamped to [0, 255].
  4. v / 255, then (v - mean) / std, replicated to 3 identical channels.
  About 0.13% of pixels are exact .5 ties that float32 F.interpolate rounds
  either way; exact_resize_u8() is an integer-exact equivalent (round half up)
  that differs only on those (see tools/README-training.md).

Outputs (defaults):
  assets/fashion_mnist_irv2.safetensors   F32 weights + __metadata__
  assets/fashion_mnist_labels.txt         class names in label order
  assets/samples/NN_<class>.png           first test image of each class (28x28)

Run with Debian's python:  /usr/bin/python3 tools/train_fashion_mnist.py
"""

import argparse
import gzip
import json
import math
import os
import random
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
INPUT_SIZE = 75
BN_EPS = 1e-3

# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


def read_idx(path):
    """Read a (gzipped) IDX file into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError("%s: unsupported IDX header" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims).copy()


def load_split(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % prefix))
    y = read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % prefix))
    return x, y


def resize_u8(x_u8, size=INPUT_SIZE):
    """[N, H, W] uint8 tensor -> [N, size, size] uint8 tensor.

    Bilinear, align_corners=False, computed in float32 on 0..255 values,
    rounded with floor(v + 0.5) and clamped to 0..255.
    """
    x = x_u8.unsqueeze(1).to(torch.float32)
    y = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    y = torch.floor(y + 0.5).clamp_(0, 255)
    return y.squeeze(1).to(torch.uint8)


def exact_resize_u8(x_u8, size=INPUT_SIZE):
    """Reference integer implementation of the same bilinear resize.

    With align_corners=False the source coordinate of output pixel d is
    src = ((2d + 1) * in - out) / (2 * out), so all weights are integers over
    den = 2 * out and the interpolated value is an integer over den^2.  This
    returns floor(v + 0.5) of the EXACT value.  It equals resize_u8() on every
    pixel except exact .5 ties, which float32 F.interpolate rounds either way.
    x_u8: numpy [N, H, W] uint8 (square H == W) -> numpy [N, size, size] uint8.
    """
    n, h, w = x_u8.shape
    assert h == w
    d = np.arange(size)
    num = np.maximum((2 * d + 1) * h - size, 0)  # src * den, clamped at 0
    den = 2 * size
    i0 = num // den
    i1 = np.where(i0 < h - 1, i0 + 1, i0)
    f1 = num - i0 * den
    f0 = den - f1
    p = x_u8.astype(np.int64)
    acc = (f0[:, None] * (f0[None, :] * p[:, i0][:, :, i0] + f1[None, :] * p[:, i0][:, :, i1])
           + f1[:, None] * (f0[None, :] * p[:, i1][:, :, i0] + f1[None, :] * p[:, i1][:, :, i1]))
    dd = den * den
    return np.clip((acc + dd // 2) // dd, 0, 255).astype(np.uint8)


def resize_all(x_u8, chunk=2000):
    return torch.cat([resize_u8(x_u8[i:i + chunk]) for i in range(0, len(x_u8), chunk)])


def normalize(x_u8_resized, mean, std):
    """[N, S, S] uint8 -> [N, 3, S, S] float32 normalised input."""
    x = x_u8_resized.to(torch.float32) / 255.0
    x = (x - mean) / std
    return x.unsqueeze(1).expand(-1, 3, -1, -1).contiguous()


def augment(x_u8, rng, max_shift):
    """Random horizontal flip + random translation (zero fill) on 28x28 uint8."""
    n, h, w = x_u8.shape
    flip = rng.random(n) < 0.5
    x = x_u8.clone()
    if flip.any():
        idx = torch.from_numpy(np.nonzero(flip)[0])
        x[idx] = torch.flip(x[idx], dims=[2])
    if max_shift > 0:
        p = max_shift
        padded = F.pad(x, (p, p, p, p))
        dy = rng.integers(0, 2 * p + 1, size=n)
        dx = rng.integers(0, 2 * p + 1, size=n)
        out = torch.empty_like(x)
        for i in range(n):
            out[i] = padded[i, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        x = out
    return x

# ----------------------------------------------------------------------------
# Model: timm inception_resnet_v2 layout / key names, reduced width + depth
# ----------------------------------------------------------------------------


class ConvUnit(nn.Module):
    """Conv2d(bias=False) + BatchNorm2d(eps=1e-3) + ReLU, keys .conv / .bn."""

    def __init__(self, cin, cout, kernel, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Mixed5b(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch0 = ConvUnit(c(192), c(96), 1)
        self.branch1 = nn.Sequential(ConvUnit(c(192), c(48), 1),
                                     ConvUnit(c(48), c(64), 5, padding=2))
        self.branch2 = nn.Sequential(ConvUnit(c(192), c(64), 1),
                                     ConvUnit(c(64), c(96), 3, padding=1),
                                     ConvUnit(c(96), c(96), 3, padding=1))
        self.branch3 = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
                                     ConvUnit(c(192), c(64), 1))

    def forward(self, x):
        return torch.cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)], 1)


class Block35(nn.Module):
    def __init__(self, c, scale=0.17):
        super().__init__()
        self.scale = scale
        self.branch0 = ConvUnit(c(320), c(32), 1)
        self.branch1 = nn.Sequential(ConvUnit(c(320), c(32), 1),
                                     ConvUnit(c(32), c(32), 3, padding=1))
        self.branch2 = nn.Sequential(ConvUnit(c(320), c(32), 1),
                                     ConvUnit(c(32), c(48), 3, padding=1),
                                     ConvUnit(c(48), c(64), 3, padding=1))
        self.conv2d = nn.Conv2d(c(128), c(320), 1, bias=True)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        out = torch.cat([self.branch0(x), self.branch1(x), self.branch2(x)], 1)
        return self.act(x + self.scale * self.conv2d(out))


class Mixed6a(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch0 = ConvUnit(c(320), c(384), 3, stride=2)
        self.branch1 = nn.Sequential(ConvUnit(c(320), c(256), 1),
                                     ConvUnit(c(256), c(256), 3, padding=1),
                                     ConvUnit(c(256), c(384), 3, stride=2))
        self.branch2 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.branch0(x), self.branch1(x), self.branch2(x)], 1)


class Block17(nn.Module):
    def __init__(self, c, scale=0.10):
        super().__init__()
        self.scale = scale
        self.branch0 = ConvUnit(c(1088), c(192), 1)
        self.branch1 = nn.Sequential(ConvUnit(c(1088), c(128), 1),
                                     ConvUnit(c(128), c(160), (1, 7), padding=(0, 3)),
                                     ConvUnit(c(160), c(192), (7, 1), padding=(3, 0)))
        self.conv2d = nn.Conv2d(c(384), c(1088), 1, bias=True)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        out = torch.cat([self.branch0(x), self.branch1(x)], 1)
        return self.act(x + self.scale * self.conv2d(out))


class Mixed7a(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch0 = nn.Sequential(ConvUnit(c(1088), c(256), 1),
                                     ConvUnit(c(256), c(384), 3, stride=2))
        self.branch1 = nn.Sequential(ConvUnit(c(1088), c(256), 1),
                                     ConvUnit(c(256), c(288), 3, stride=2))
        self.branch2 = nn.Sequential(ConvUnit(c(1088), c(256), 1),
                                     ConvUnit(c(256), c(288), 3, padding=1),
                                     ConvUnit(c(288), c(320), 3, stride=2))
        self.branch3 = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)], 1)


class Block8(nn.Module):
    def __init__(self, c, scale=0.20, no_relu=False):
        super().__init__()
        self.scale = scale
        self.branch0 = ConvUnit(c(2080), c(192), 1)
        self.branch1 = nn.Sequential(ConvUnit(c(2080), c(192), 1),
                                     ConvUnit(c(192), c(224), (1, 3), padding=(0, 1)),
                                     ConvUnit(c(224), c(256), (3, 1), padding=(1, 0)))
        self.conv2d = nn.Conv2d(c(448), c(2080), 1, bias=True)
        self.act = None if no_relu else nn.ReLU(inplace=True)

    def forward(self, x):
        out = torch.cat([self.branch0(x), self.branch1(x)], 1)
        out = x + self.scale * self.conv2d(out)
        return out if self.act is None else self.act(out)


def add_resnet_stem(module, c, in_chans):
    """The stem both Inception-ResNets share (conv2d_1a .. conv2d_4a), as `module`'s children."""
    module.conv2d_1a = ConvUnit(in_chans, c(32), 3, stride=2)
    module.conv2d_2a = ConvUnit(c(32), c(32), 3)
    module.conv2d_2b = ConvUnit(c(32), c(64), 3, padding=1)
    module.maxpool_3a = nn.MaxPool2d(3, stride=2)
    module.conv2d_3b = ConvUnit(c(64), c(80), 1)
    module.conv2d_4a = ConvUnit(c(80), c(192), 3)


class InceptionResnetV2(nn.Module):
    def __init__(self, num_classes=10, width_divisor=8, repeats=(2, 4, 2), in_chans=3):
        super().__init__()
        c = channel_divider(width_divisor)
        add_resnet_stem(self, c, in_chans)
        self.maxpool_5a = nn.MaxPool2d(3, stride=2)
        self.mixed_5b = Mixed5b(c)
        self.repeat = nn.Sequential(*[Block35(c, 0.17) for _ in range(repeats[0])])
        self.mixed_6a = Mixed6a(c)
        self.repeat_1 = nn.Sequential(*[Block17(c, 0.10) for _ in range(repeats[1])])
        self.mixed_7a = Mixed7a(c)
        self.repeat_2 = nn.Sequential(*[Block8(c, 0.20) for _ in range(repeats[2])])
        self.block8 = Block8(c, 1.0, no_relu=True)
        self.conv2d_7b = ConvUnit(c(2080), c(1536), 1)
        self.classif = nn.Linear(c(1536), num_classes)

    def forward(self, x):
        x = self.conv2d_1a(x)
        x = self.conv2d_2a(x)
        x = self.conv2d_2b(x)
        x = self.maxpool_3a(x)
        x = self.conv2d_3b(x)
        x = self.conv2d_4a(x)
        x = self.maxpool_5a(x)
        x = self.mixed_5b(x)
        x = self.repeat(x)
        x = self.mixed_6a(x)
        x = self.repeat_1(x)
        x = self.mixed_7a(x)
        x = self.repeat_2(x)
        x = self.block8(x)
        x = self.conv2d_7b(x)
        x = x.mean(dim=(2, 3))
        return self.classif(x)


# ----------------------------------------------------------------------------
# The other two families, for ensembles (same key names as the C++ loaders expect): timm's
# inception_v4 (features.N) and facenet-pytorch's InceptionResnetV1, reduced the same way.
# ----------------------------------------------------------------------------


def channel_divider(d):
    def c(ch):
        if ch % d != 0:
            raise ValueError("channel count %d not divisible by %d" % (ch, d))
        return ch // d
    return c


def avg_pool_3x3():
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


class Concat(nn.Module):
    """Runs its children on the same input and concatenates along channels."""

    def __init__(self, *branches):
        super().__init__()
        for i, b in enumerate(branches):
            self.add_module("branch%d" % i, b)

    def forward(self, x):
        return torch.cat([b(x) for b in self.children()], 1)


class Mixed3a(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.maxpool = nn.MaxPool2d(3, stride=2)
        self.conv = ConvUnit(c(64), c(96), 3, stride=2)

    def forward(self, x):
        return torch.cat([self.maxpool(x), self.conv(x)], 1)


class Mixed5a(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = ConvUnit(c(192), c(192), 3, stride=2)
        self.maxpool = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.conv(x), self.maxpool(x)], 1)


def inception_v4_a(c):
    return Concat(ConvUnit(c(384), c(96), 1),
                  nn.Sequential(ConvUnit(c(384), c(64), 1), ConvUnit(c(64), c(96), 3, padding=1)),
                  nn.Sequential(ConvUnit(c(384), c(64), 1), ConvUnit(c(64), c(96), 3, padding=1),
                                ConvUnit(c(96), c(96), 3, padding=1)),
                  nn.Sequential(avg_pool_3x3(), ConvUnit(c(384), c(96), 1)))


def inception_v4_b(c):
    return Concat(ConvUnit(c(1024), c(384), 1),
                  nn.Sequential(ConvUnit(c(1024), c(192), 1),
                                ConvUnit(c(192), c(224), (1, 7), padding=(0, 3)),
                                ConvUnit(c(224), c(256), (7, 1), padding=(3, 0))),
                  nn.Sequential(ConvUnit(c(1024), c(192), 1),
                                ConvUnit(c(192), c(192), (7, 1), padding=(3, 0)),
                                ConvUnit(c(192), c(224), (1, 7), padding=(0, 3)),
                                ConvUnit(c(224), c(224), (7, 1), padding=(3, 0)),
                                ConvUnit(c(224), c(256), (1, 7), padding=(0, 3))),
                  nn.Sequential(avg_pool_3x3(), ConvUnit(c(1024), c(128), 1)))


class InceptionV4C(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch0 = ConvUnit(c(1536), c(256), 1)
        self.branch1_0 = ConvUnit(c(1536), c(384), 1)
        self.branch1_1a = ConvUnit(c(384), c(256), (1, 3), padding=(0, 1))
        self.branch1_1b = ConvUnit(c(384), c(256), (3, 1), padding=(1, 0))
        self.branch2_0 = ConvUnit(c(1536), c(384), 1)
        self.branch2_1 = ConvUnit(c(384), c(448), (3, 1), padding=(1, 0))
        self.branch2_2 = ConvUnit(c(448), c(512), (1, 3), padding=(0, 1))
        self.branch2_3a = ConvUnit(c(512), c(256), (1, 3), padding=(0, 1))
        self.branch2_3b = ConvUnit(c(512), c(256), (3, 1), padding=(1, 0))
        self.branch3 = nn.Sequential(avg_pool_3x3(), ConvUnit(c(1536), c(256), 1))

    def forward(self, x):
        b1 = self.branch1_0(x)
        b2 = self.branch2_2(self.branch2_1(self.branch2_0(x)))
        return torch.cat([self.branch0(x), self.branch1_1a(b1), self.branch1_1b(b1),
                          self.branch2_3a(b2), self.branch2_3b(b2), self.branch3(x)], 1)


def reduction_a(c, cin, k, l, m, n):
    return Concat(ConvUnit(c(cin), c(n), 3, stride=2),
                  nn.Sequential(ConvUnit(c(cin), c(k), 1), ConvUnit(c(k), c(l), 3, padding=1),
                                ConvUnit(c(l), c(m), 3, stride=2)),
                  nn.MaxPool2d(3, stride=2))


class InceptionV4(nn.Module):
    """timm's inception_v4 (features.0 .. features.N, last_linear); repeats = A, B, C blocks."""

    def __init__(self, num_classes=10, width_divisor=8, repeats=(4, 7, 3), in_chans=3):
        super().__init__()
        c = channel_divider(width_divisor)
        mixed4a = Concat(nn.Sequential(ConvUnit(c(160), c(64), 1), ConvUnit(c(64), c(96), 3)),
                         nn.Sequential(ConvUnit(c(160), c(64), 1),
                                       ConvUnit(c(64), c(64), (1, 7), padding=(0, 3)),
                                       ConvUnit(c(64), c(64), (7, 1), padding=(3, 0)),
                                       ConvUnit(c(64), c(96), 3)))
        reduction_b = Concat(nn.Sequential(ConvUnit(c(1024), c(192), 1),
                                           ConvUnit(c(192), c(192), 3, stride=2)),
                             nn.Sequential(ConvUnit(c(1024), c(256), 1),
                                           ConvUnit(c(256), c(256), (1, 7), padding=(0, 3)),
                                           ConvUnit(c(256), c(320), (7, 1), padding=(3, 0)),
                                           ConvUnit(c(320), c(320), 3, stride=2)),
                             nn.MaxPool2d(3, stride=2))
        self.features = nn.Sequential(
            ConvUnit(in_chans, c(32), 3, stride=2), ConvUnit(c(32), c(32), 3),
            ConvUnit(c(32), c(64), 3, padding=1), Mixed3a(c), mixed4a, Mixed5a(c),
            *[inception_v4_a(c) for _ in range(repeats[0])],
            reduction_a(c, 384, 192, 224, 256, 384),
            *[inception_v4_b(c) for _ in range(repeats[1])], reduction_b,
            *[InceptionV4C(c) for _ in range(repeats[2])])
        self.last_linear = nn.Linear(c(1536), num_classes)

    def forward(self, x):
        return self.last_linear(self.features(x).mean(dim=(2, 3)))


class ResidualBlock(nn.Module):
    """facenet's Block35 / Block17 / Block8: act(x + scale * conv2d(cat(branches)))."""

    def __init__(self, branches, cat, cout, scale, relu=True):
        super().__init__()
        self.scale = scale
        for i, b in enumerate(branches):
            self.add_module("branch%d" % i, b)
        self.conv2d = nn.Conv2d(cat, cout, 1, bias=True)
        self.relu = relu

    def forward(self, x):
        out = torch.cat([b(x) for name, b in self.named_children() if name.startswith("branch")], 1)
        out = x + self.scale * self.conv2d(out)
        return torch.relu(out) if self.relu else out


def irv1_block35(c):
    return ResidualBlock([ConvUnit(c(256), c(32), 1),
                          nn.Sequential(ConvUnit(c(256), c(32), 1), ConvUnit(c(32), c(32), 3, padding=1)),
                          nn.Sequential(ConvUnit(c(256), c(32), 1), ConvUnit(c(32), c(32), 3, padding=1),
                                        ConvUnit(c(32), c(32), 3, padding=1))],
                         c(96), c(256), 0.17)


def irv1_block17(c):
    return ResidualBlock([ConvUnit(c(896), c(128), 1),
                          nn.Sequential(ConvUnit(c(896), c(128), 1),
                                        ConvUnit(c(128), c(128), (1, 7), padding=(0, 3)),
                                        ConvUnit(c(128), c(128), (7, 1), padding=(3, 0)))],
                         c(256), c(896), 0.10)


def irv1_block8(c, scale=0.20, relu=True):
    return ResidualBlock([ConvUnit(c(1792), c(192), 1),
                          nn.Sequential(ConvUnit(c(1792), c(192), 1),
                                        ConvUnit(c(192), c(192), (1, 3), padding=(0, 1)),
                                        ConvUnit(c(192), c(192), (3, 1), padding=(1, 0)))],
                         c(384), c(1792), scale, relu)


class InceptionResnetV1(nn.Module):
    """facenet-pytorch's InceptionResnetV1(classify=True) layout; repeats = Block35/17/8."""

    def __init__(self, num_classes=10, width_divisor=8, repeats=(5, 10, 5), in_chans=3):
        super().__init__()
        c = channel_divider(width_divisor)
        add_resnet_stem(self, c, in_chans)
        self.conv2d_4b = ConvUnit(c(192), c(256), 3, stride=2)
        self.repeat_1 = nn.Sequential(*[irv1_block35(c) for _ in range(repeats[0])])
        self.mixed_6a = reduction_a(c, 256, 192, 192, 256, 384)
        self.repeat_2 = nn.Sequential(*[irv1_block17(c) for _ in range(repeats[1])])
        self.mixed_7a = Concat(nn.Sequential(ConvUnit(c(896), c(256), 1), ConvUnit(c(256), c(384), 3, stride=2)),
                               nn.Sequential(ConvUnit(c(896), c(256), 1), ConvUnit(c(256), c(256), 3, stride=2)),
                               nn.Sequential(ConvUnit(c(896), c(256), 1), ConvUnit(c(256), c(256), 3, padding=1),
                                             ConvUnit(c(256), c(256), 3, stride=2)),
                               nn.MaxPool2d(3, stride=2))
        self.repeat_3 = nn.Sequential(*[irv1_block8(c) for _ in range(repeats[2])])
        self.block8 = irv1_block8(c, 1.0, relu=False)
        self.last_linear = nn.Linear(c(1792), c(512), bias=False)
        self.last_bn = nn.BatchNorm1d(c(512), eps=BN_EPS)
        self.logits = nn.Linear(c(512), num_classes)

    def forward(self, x):
        for name in ("conv2d_1a", "conv2d_2a", "conv2d_2b", "maxpool_3a", "conv2d_3b", "conv2d_4a",
                     "conv2d_4b", "repeat_1", "mixed_6a", "repeat_2", "mixed_7a", "repeat_3", "block8"):
            x = getattr(self, name)(x)
        return self.logits(self.last_bn(self.last_linear(x.mean(dim=(2, 3)))))


MODELS = {"inception_resnet_v2": InceptionResnetV2, "inception_v4": InceptionV4,
          "inception_resnet_v1": InceptionResnetV1}

# ----------------------------------------------------------------------------
# safetensors (hand-written writer / reader)
# ----------------------------------------------------------------------------


def export_state_dict(model):
    """Float tensors of the state_dict, num_batches_tracked left out."""
    out = {}
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        out[k] = v.detach().to(torch.float32).contiguous().cpu().numpy()
    return out


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr, dtype="<f4")
        raw = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)  # pad header to 8-byte alignment
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (hlen,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + hlen].decode("utf-8"))
    base = 8 + hlen
    meta = header.pop("__metadata__", {})
    tensors = {}
    dtypes = {"F32": "<f4", "I64": "<i8"}
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(data, dtype=dtypes[info["dtype"]], count=(e - b) // 4 if info["dtype"] == "F32"
                            else (e - b) // 8, offset=base + b)
        tensors[name] = arr.reshape(info["shape"]).copy()
    return tensors, meta

# ----------------------------------------------------------------------------
# Training / evaluation
# ----------------------------------------------------------------------------


@torch.no_grad()
def evaluate(model, x_u8_resized, y, mean, std, batch=500):
    model.eval()
    correct = 0
    loss_sum = 0.0
    for i in range(0, len(y), batch):
        xb = normalize(x_u8_resized[i:i + batch], mean, std)
        yb = y[i:i + batch]
        logits = model(xb)
        loss_sum += F.cross_entropy(logits, yb, reduction="sum").item()
        correct += (logits.argmax(1) == yb).sum().item()
    return correct / len(y), loss_sum / len(y)


def sample_filename(label_idx):
    name = LABELS[label_idx].lower().replace("/", "_").replace("-", "").replace(" ", "_")
    return "%02d_%s.png" % (label_idx, name)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="inception_resnet_v2", choices=sorted(MODELS))
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--width-divisor", type=int, default=8, choices=[1, 2, 4, 8])
    p.add_argument("--repeats", type=str, default="2,4,2",
                   help="Block35,Block17,Block8 repeat counts (timm: 10,20,9)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=4e-3, help="peak AdamW learning rate (one-cycle)")
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--max-shift", type=int, default=2, help="random translation (28x28 pixels)")
    p.add_argument("--train-images", type=int, default=0,
                   help="train on the first N training images only (0: all 60000)")
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", default=os.path.join(REPO, "assets", "fashion_mnist_irv2.safetensors"),
                   help="output safetensors path; labels + samples/ go next to it")
    p.add_argument("--bench", action="store_true", help="only time a few training steps and exit")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    repeats = tuple(int(r) for r in args.repeats.split(","))
    assert len(repeats) == 3

    t_start = time.time()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # denormals can slow CPU training several-fold
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)

    print("== settings ==")
    for k, v in sorted(vars(args).items()):
        print("  %-14s %s" % (k, v))
    print("  torch          %s (threads=%d)" % (torch.__version__, torch.get_num_threads()))

    # ---- data
    xtr, ytr = load_split(args.data_dir, "train")
    if args.train_images > 0:  # a short run (ensemble members); mean/std from these images too
        xtr, ytr = xtr[:args.train_images], ytr[:args.train_images]
    xte, yte = load_split(args.data_dir, "test")
    xtr_t = torch.from_numpy(xtr)
    xte_t = torch.from_numpy(xte)
    ytr_t = torch.from_numpy(ytr.astype(np.int64))
    yte_t = torch.from_numpy(yte.astype(np.int64))
    xtr_r = resize_all(xtr_t)
    xte_r = resize_all(xte_t)
    # dataset mean / std of the resized (and rounded) training images, 0..1 scale
    xf = xtr_r.to(torch.float64) / 255.0
    mean = float(xf.mean())
    std = float(xf.std())
    del xf
    mean = float("%.6f" % mean)  # the exact values written to the metadata
    std = float("%.6f" % std)
    print("  train %s  test %s  mean %.6f  std %.6f" % (tuple(xtr.shape), tuple(xte.shape), mean, std))

    # ---- model
    model = MODELS[args.model](10, args.width_divisor, repeats)
    n_params = sum(p.numel() for p in model.parameters())
    print("  params         %d" % n_params)

    steps_per_epoch = len(ytr) // args.batch_size  # drop last partial batch
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=max(args.epochs, 1),
                                                steps_per_epoch=steps_per_epoch, pct_start=0.25)

    def train_step(idx):
        xb = augment(xtr_t[idx], rng, args.max_shift)
        xb = normalize(resize_u8(xb), mean, std)
        yb = ytr_t[idx]
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        return loss.item(), (logits.argmax(1) == yb).sum().item()

    if args.bench:
        model.train()
        perm = rng.permutation(len(ytr))
        n = 20
        train_step(torch.from_numpy(perm[:args.batch_size]))
        t0 = time.time()
        for s in range(1, n + 1):
            train_step(torch.from_numpy(perm[s * args.batch_size:(s + 1) * args.batch_size]))
        dt = (time.time() - t0) / n
        print("bench: %.3f s/step -> %.1f s/epoch (%d steps)" % (dt, dt * steps_per_epoch, steps_per_epoch))
        t0 = time.time()
        evaluate(model, xte_r, yte_t, mean, std)
        print("bench: eval %.1f s" % (time.time() - t0))
        return

    # ---- train
    print("== training ==")
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.from_numpy(rng.permutation(len(ytr)))
        loss_sum, correct, seen = 0.0, 0, 0
        for s in range(steps_per_epoch):
            idx = perm[s * args.batch_size:(s + 1) * args.batch_size]
            loss, corr = train_step(idx)
            loss_sum += loss * len(idx)
            correct += corr
            seen += len(idx)
        te_acc, te_loss = evaluate(model, xte_r, yte_t, mean, std)
        print("epoch %2d/%d  lr %.2e  train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.0f s"
              % (epoch + 1, args.epochs, sched.get_last_lr()[0], loss_sum / seen, correct / seen,
                 te_loss, te_acc, time.time() - t0), flush=True)

    test_acc, _ = evaluate(model, xte_r, yte_t, mean, std)
    print("final test top-1: %.4f" % test_acc)

    # ---- export
    out_path = os.path.abspath(args.out)
    out_dir = os.path.dirname(out_path)
    labels_name = "fashion_mnist_labels.txt"
    meta = {
        "vkception.model": args.model,
        "vkception.width_divisor": str(args.width_divisor),
        "vkception.repeats": "%d,%d,%d" % repeats,
        "vkception.num_classes": "10",
        "vkception.input_size": str(INPUT_SIZE),
        "vkception.resize": "bilinear",
        "vkception.mean": ",".join(["%.6f" % mean] * 3),
        "vkception.std": ",".join(["%.6f" % std] * 3),
        "vkception.labels": labels_name,
        "vkception.dataset": "Fashion-MNIST",
        "vkception.test_top1": "%.4f" % test_acc,
    }
    write_safetensors(out_path, export_state_dict(model), meta)
    with open(os.path.join(out_dir, labels_name), "w") as f:
        f.write("\n".join(LABELS) + "\n")

    from PIL import Image
    samples_dir = os.path.join(out_dir, "samples")
    os.makedirs(samples_dir, exist_ok=True)
    sample_files = []
    for cls in range(10):
        i = int(np.nonzero(yte == cls)[0][0])  # first test image of each class
        fn = os.path.join(samples_dir, sample_filename(cls))
        Image.fromarray(xte[i], mode="L").save(fn, optimize=False)
        sample_files.append((cls, i, fn))

    # ---- verify: reload with our reader into a fresh model
    tensors, meta_r = read_safetensors(out_path)
    assert meta_r == meta
    model2 = MODELS[meta_r["vkception.model"]](10, int(meta_r["vkception.width_divisor"]),
                               tuple(int(r) for r in meta_r["vkception.repeats"].split(",")))
    sd_keys = [k for k in model2.state_dict() if not k.endswith("num_batches_tracked")]
    assert sorted(sd_keys) == sorted(tensors.keys()), "key mismatch"
    missing, unexpected = model2.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()},
                                                 strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing)
    acc2, _ = evaluate(model2, xte_r, yte_t, mean, std)
    print("reloaded test top-1: %.4f (%s)" % (acc2, "match" if acc2 == test_acc else "MISMATCH"))
    if acc2 != test_acc:
        sys.exit(1)

    # the same resize done with exact integer arithmetic (see exact_resize_u8)
    xte_x = torch.from_numpy(exact_resize_u8(xte))
    ndiff = int((xte_x != xte_r).sum())
    acc_x, _ = evaluate(model2, xte_x, yte_t, mean, std)
    print("exact-integer resize: %d of %d test pixels differ from F.interpolate (all +-1 at .5 ties); "
          "test top-1 %.4f" % (ndiff, xte_x.numel(), acc_x))

    print("== samples (PNG re-read, resized, PyTorch eval) ==")
    model2.eval()
    with torch.no_grad():
        for cls, i, fn in sample_files:
            img = np.array(Image.open(fn))
            assert img.shape == (28, 28) and img.dtype == np.uint8 and (img == xte[i]).all()
            r = resize_u8(torch.from_numpy(img)[None])
            prob = F.softmax(model2(normalize(r, mean, std)), 1)[0]
            p, k = prob.max(0)
            rx = torch.from_numpy(exact_resize_u8(img[None]))
            px = F.softmax(model2(normalize(rx, mean, std)), 1)[0]
            print("  %-22s test#%-5d label %-12s pred %-12s p=%.4f | exact resize: %d px differ, p=%.4f"
                  % (os.path.basename(fn), i, LABELS[cls], LABELS[int(k)], float(p),
                     int((rx != r).sum()), float(px[k])))

    print("== summary ==")
    print("  width divisor  %d, repeats %s, epochs %d" % (args.width_divisor, args.repeats, args.epochs))
    print("  test top-1     %.4f" % test_acc)
    print("  params         %d" % n_params)
    print("  file           %s (%d bytes)" % (os.path.relpath(out_path, REPO), os.path.getsize(out_path)))
    print("  mean / std     %.6f / %.6f (0..1 scale)" % (mean, std))
    print("  wall time      %.1f s" % (time.time() - t_start))


if __name__ == "__main__":
    main()
