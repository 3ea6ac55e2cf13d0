#!/usr/bin/python3
"""Image fixtures for tests/io/decode_*_test.cpp, made at test time with PIL, each beside PIL's
own decode of it, so no binary is committed and the reference is PIL's, not ours.

usage: image_fixtures.py GROUP DIR
  orientation  every format that carries an orientation (JPEG APP1, PNG eXIf, WebP EXIF, TIFF
               tag) with each of the 8 values: F.upright.ppm = ImageOps.exif_transpose of F,
               F.raw.ppm = F as Image.open gives it (both convert("RGB")); a TIFF is turned
               by Image.open itself, so both are that
  formats      one file per format and layout (CMYK JPEG, progressive, palette, alpha, GIF,
               WebP, TIFF, ...): F.ppm = Image.open(F).convert("RGB")
  heif         HEIC and AVIF written through libheif (ctypes; PIL has no HEIF writer) with
               irot/imir orientations: F.upright.ppm the source turned as the orientation says,
               F.raw.ppm the source as stored (lossy: compare within a tolerance)
  reference    F.ppm = Image.open(F).convert("RGB") for every file F already in DIR that has
               none (files the C++ test wrote itself)
Deterministic: fixed seeds."""
import os
import random
import struct
import sys

from PIL import Image, ImageOps

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from heif_writer import heif_writer  # noqa: E402

group, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = random.Random(36)

# PIL's exif_transpose method for each orientation value.
TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
             4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
             6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
             8: Image.Transpose.ROTATE_90}


def path(name):
    return os.path.join(out, name)


def noise(mode, size):
    bands = len(Image.new(mode, (1, 1)).getbands())
    data = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * bands))
    return Image.frombytes(mode, size, data)


def smooth(size):
    """Gradients with a distinct colour in each quadrant: survives lossy coding, shows any turn."""
    w, h = size
    im = Image.new("RGB", size)
    px = im.load()
    for y in range(h):
        for x in range(w):
            q = (x >= w // 2) + 2 * (y >= h // 2)
            base = [(220, 40, 40), (40, 200, 60), (50, 60, 210), (230, 210, 40)][q]
            px[x, y] = tuple(min(255, c + (x * 30) // w + (y * 20) // h) for c in base)
    return im


def reference(name):
    with Image.open(path(name)) as im:
        im.convert("RGB").save(path(name + ".ppm"))


def exif_bytes(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


if group == "orientation":
    src = noise("RGB", (13, 7))  # odd and non-square: every turn and mirror differs
    for o in range(1, 9):
        files = {f"o{o}.png": dict(exif=exif_bytes(o)),
                 f"o{o}.jpg": dict(exif=exif_bytes(o), quality=90),
                 f"o{o}.webp": dict(exif=exif_bytes(o), lossless=True),
                 f"o{o}.tif": dict(tiffinfo={274: o}),
                 f"o{o}.1.tif": dict(tiffinfo={274: o})}  # bilevel: libtiff's RGBA path
        for name, options in files.items():
            (src.convert("1") if name.endswith(".1.tif") else src).save(path(name), **options)
            with Image.open(path(name)) as im:
                assert im.getexif().get(0x0112) == o, name  # the tag was written
                if name.endswith(".tif"):
                    # PIL turns a TIFF by its tag as it loads it (TiffImageFile.load_end), where
                    # exif_transpose would turn it a second time.
                    im.convert("RGB").save(path(name + ".raw.ppm"))
                    im.convert("RGB").save(path(name + ".upright.ppm"))
                    assert o == 1 or im.size == src.transpose(TRANSPOSE[o]).size, name
                    continue
                ImageOps.exif_transpose(im).convert("RGB").save(path(name + ".upright.ppm"))
            with Image.open(path(name)) as im:
                im.convert("RGB").save(path(name + ".raw.ppm"))
elif group == "formats":
    rgb = noise("RGB", (37, 23))
    photo = smooth((40, 30))
    rgba = noise("RGBA", (21, 13))
    palette = rgb.quantize(16)
    cmyk = noise("CMYK", (19, 11))
    gray16 = bytes(rng.randrange(256) for _ in range(2 * 11 * 5))  # little-endian samples
    files = {
        "cmyk.jpg": (cmyk, dict(quality=90)),  # PIL writes Adobe's APP14 and inverted values
        "progressive.jpg": (photo, dict(progressive=True, quality=85)),
        "gray.jpg": (photo.convert("L"), dict(quality=90)),
        "rgba.png": (rgba, {}),
        "palette_trns.png": (palette, dict(transparency=3)),
        "la.png": (noise("LA", (9, 7)), {}),
        "gray16.png": (Image.frombytes("I;16", (11, 5), gray16), {}),
        "bilevel.png": (noise("1", (17, 3)), {}),
        "rgb.bmp": (rgb, {}),
        "interlaced.gif": (palette.resize((40, 30)), dict(transparency=2)),  # PIL interlaces >= 16 px
        "plain.gif": (palette, dict(interlace=False)),
        "gray.gif": (photo.convert("L"), {}),
        "lossy_alpha.webp": (rgba, dict(quality=80)),
        "lossless.webp": (rgb, dict(lossless=True)),
        "lossy.webp": (photo, dict(quality=75)),
        "rgb.tif": (rgb, {}),
        "lzw.tif": (rgb, dict(compression="tiff_lzw")),
        "deflate.tif": (photo, dict(compression="tiff_adobe_deflate")),
        "rgba.tif": (rgba, {}),
        "palette.tif": (palette, {}),
        "gray.tif": (photo.convert("L"), {}),
        "bilevel.tif": (noise("1", (17, 3)), {}),
        "cmyk.tif": (cmyk, {}),
    }
    for name, (im, options) in files.items():
        im.save(path(name), **options)
    # An animation: the first frame is what a still decode gives.
    frames = [photo.convert("RGBA"), noise("RGBA", (40, 30))]
    frames[0].save(path("animated.webp"), save_all=True, append_images=frames[1:], lossless=True)
    palette.save(path("animated.gif"), save_all=True, append_images=[rgb.quantize(8)])
    # A first frame smaller than the logical screen, placed at (5, 3): the screen grown 8 x 6.
    gif = bytearray(open(path("plain.gif"), "rb").read())
    width, height = struct.unpack("<HH", gif[6:10])
    gif[6:10] = struct.pack("<HH", width + 8, height + 6)
    descriptor = gif.index(b"\x2c", 13 + 3 * (2 << (gif[10] & 7)))
    gif[descriptor + 1:descriptor + 5] = struct.pack("<HH", 5, 3)
    open(path("offset.gif"), "wb").write(gif)
    # Content, not the name: a JPEG called .png and a PNG called .jpg.
    rgb.save(path("jpeg_named.png"), format="JPEG", quality=90)
    rgb.save(path("png_named.jpg"), format="PNG")
    # DCT-scaled decodes: PIL's draft() at requested sizes, beside the full decode.
    big = smooth((203, 157))
    big.save(path("big.jpg"), quality=90)
    for w, h in [(25, 19), (26, 20), (50, 39), (101, 78), (102, 78)]:
        with Image.open(path("big.jpg")) as im:
            im.draft("RGB", (w, h))
            im.convert("RGB").save(path(f"big.jpg.draft_{w}x{h}.ppm"))
    for name in sorted(os.listdir(out)):
        if not name.endswith(".ppm"):
            reference(name)
    # PIL's convert("RGB") clips 16-bit gray at 255 (its I;16 to L), where it cuts 16-bit RGB to
    # the high byte; the library takes the high byte of both.
    Image.frombytes("L", (11, 5), gray16[1::2]).convert("RGB").save(path("gray16.png.ppm"))
elif group == "heif":
    write_heif = heif_writer()
    if write_heif is None:
        sys.exit("image_fixtures.py: no libheif.so.1")

    def encode(im, name, fmt, orientation):
        write_heif(im, path(name), fmt == 4, orientation)

    src = smooth((64, 48))
    for name, fmt, o in [("o1.heic", 1, 1), ("o6.heic", 1, 6), ("o5.heic", 1, 5),
                         ("o1.avif", 4, 1), ("o8.avif", 4, 8)]:  # heif_compression_HEVC=1, AV1=4
        encode(src, name, fmt, o)
        src.save(path(name + ".raw.ppm"))
        (src.transpose(TRANSPOSE[o]) if o in TRANSPOSE else src).save(path(name + ".upright.ppm"))
elif group == "reference":
    for name in sorted(os.listdir(out)):
        if not name.endswith(".ppm") and not os.path.exists(path(name + ".ppm")):
            reference(name)
else:
    sys.exit(f"image_fixtures.py: unknown group '{group}'")
