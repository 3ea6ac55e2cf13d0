#!/usr/bin/python3
"""Feeds vkc-classify hostile files, as a user's folder or a forged download would: the sample
images and the bundled weights truncated, with flipped bytes and with forged sizes and
dimensions, plus headers of every common image format we do not decode. Also a FIFO and a folder where files
are expected. Each run must end with exit 0, 1 or 2, say on stderr which file failed, print no sanitizer report and not hang.

usage: mutated_inputs.py VKC_CLASSIFY ASSETS_DIR WORK_DIR [COUNT [SEED]]
Deterministic: every byte of every case comes from random.Random(SEED) (default 20261201), so
the same COUNT and SEED make the same cases on every run and machine. The seed is printed, and
each bad case is reported with the command line that makes it again."""
import os
import random
import struct
import subprocess
import sys
import zlib

classify, assets, work = sys.argv[1:4]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 40
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 20261201
rng = random.Random(seed)
print(f"mutated inputs: seed {seed}, count {count}", flush=True)
os.makedirs(work, exist_ok=True)
samples = sorted(os.path.join(assets, "samples", f) for f in os.listdir(os.path.join(assets, "samples")))
weights = open(os.path.join(assets, "fashion_mnist_irv2.safetensors"), "rb").read()
# The bundled weights name their labels file, found beside them: a weights file that survives
# mutation is then a good input, classified with exit 0.
open(os.path.join(work, "fashion_mnist_labels.txt"), "wb").write(
    open(os.path.join(assets, "fashion_mnist_labels.txt"), "rb").read())


def mutate(data):
    kind = rng.randrange(4)
    b = bytearray(data)
    if kind == 0:  # truncation
        return bytes(b[: rng.randrange(len(b))]), "truncated"
    if kind == 1:  # flipped bytes
        for _ in range(rng.randrange(1, 16)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return bytes(b), "flipped"
    if kind == 2:  # forged 32-bit field (sizes, lengths, dimensions)
        at = rng.randrange(max(1, len(b) - 4))
        b[at:at + 4] = struct.pack(">I", rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 65535, 16385]))
        return bytes(b), "forged field"
    return bytes(b) + rng.randbytes(rng.randrange(1, 64)), "trailing bytes"


def png_with_size(w, h):  # a valid-looking PNG header claiming w x h
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk +
            struct.pack(">I", zlib.crc32(chunk)) + b"\0\0\0\0IDAT" + b"\0" * 8)


def bmp_with_size(w, h):
    return b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, 0, 0, 0, 0, 0)


def jpeg_with_size(w, h):
    sof = struct.pack(">BHHB", 8, h, w, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"


cases = []
foreign = {"gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "tif": b"II*\x00\x08\x00\x00\x00",
           "webp": b"RIFF\x1a\x00\x00\x00WEBPVP8 ", "ppm": b"P6\n1 1\n255\n\x00\x00\x00",
           "tga": b"\x00\x00\x02" + b"\x00" * 15, "psd": b"8BPS\x00\x01", "ico": b"\x00\x00\x01\x00"}
for ext, data in foreign.items():
    cases.append(("image", ext, data, "foreign format"))
for w, h in [(0, 10), (16385, 1), (100000, 100000), (0x7FFFFFFF, 1)]:
    cases.append(("image", "png", png_with_size(w, h), f"forged {w}x{h}"))
    cases.append(("image", "bmp", bmp_with_size(w, h), f"forged {w}x{h}"))
    cases.append(("image", "jpg", jpeg_with_size(w & 0xFFFF, h & 0xFFFF), f"forged {w}x{h}"))
for i in range(count):
    src = samples[i % len(samples)]
    data, how = mutate(open(src, "rb").read())
    cases.append(("image", "png", data, f"{os.path.basename(src)} {how}"))
for i in range(count // 2):
    data, how = mutate(weights[: 8 + struct.unpack("<Q", weights[:8])[0] + 65536] if i % 2 else weights)
    cases.append(("weights", "safetensors", data, f"weights {how}"))

# Not files at all: a FIFO with no writer (opening it to read would block forever), a folder.
cases.append(("image", "png", "fifo", "a FIFO"))
cases.append(("weights", "safetensors", "fifo", "a FIFO as weights"))
cases.append(("weights", "safetensors", "dir", "a folder as weights"))

bad = 0
for n, (what, ext, data, how) in enumerate(cases):
    path = os.path.join(work, f"case{n}.{ext}")
    if os.path.lexists(path):
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.remove(path)
    if data == "fifo":
        os.mkfifo(path)
    elif data == "dir":
        os.mkdir(path)
    else:
        open(path, "wb").write(data)
    args = [classify, path] if what == "image" else [classify, "--weights", path, samples[0]]
    try:
        r = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=120)
    except subprocess.TimeoutExpired:
        print(f"HANG: case {n} ({how}): {' '.join(args)}")
        bad += 1
        continue
    report = any(s in r.stderr for s in ("Sanitizer", "runtime error:", "SUMMARY:"))
    if r.returncode not in (0, 1, 2) or report or (r.returncode == 1 and path not in r.stderr):
        print(f"BAD: case {n} ({how}): exit {r.returncode}: {' '.join(args)}\n{r.stderr[-2000:]}")
        bad += 1
print(f"mutated inputs: {len(cases)} runs, {bad} bad (seed {seed})")
if bad:
    print(f"the same cases again: {sys.argv[0]} {classify} {assets} {work} {count} {seed}")
sys.exit(1 if bad else 0)
