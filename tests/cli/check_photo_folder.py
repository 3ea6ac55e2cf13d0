#!/usr/bin/python3
"""A user's photo folder, made with PIL from the bundled samples (NN_label.png: class NN), fed to
the apps: every format and oddity a folder of real photos has (an EXIF-6 JPEG stored sideways,
CMYK, progressive and grayscale JPEGs, a camera-sized JPEG, WebP, HEIC and AVIF when libheif can
encode them, TIFF, GIF, BMP, RGBA and 16-bit PNGs, a JPEG named .png, a PNG without extension,
a non-ASCII name, a subfolder), broken files and files that are not images.

usage: check_photo_folder.py CASE PROGRAM... ASSETS_DIR
  classify VKC_CLASSIFY ASSETS   vkc-classify --json on the folder: each good image's top-1 is its
                                 sample's class, each broken file named on stderr, exit 1, one
                                 last stderr line naming the files that are not images
  view VKC_VIEW VKC_CLASSIFY ASSETS   the folder in vkc-view (run under xvfb-run): the same top-1
                                 as vkc-classify for every good image, each broken file failed,
                                 the skipped files under Problems, exit 1
  exif VKC_CLASSIFY VKC_EVAL ASSETS   the EXIF-6 JPEG: upright by default, sideways (another
                                 class) with --no-exif-rotate; the camera-sized JPEG right with
                                 --full-decode too; vkc-eval reads it as stored unless
                                 --exif-rotate
  skipped VKC_CLASSIFY ASSETS    good images and seven files that are not images: exit 0, one
                                 line naming five of them and "…"
Deterministic: no random content."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from heif_writer import heif_writer  # noqa: E402


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def sample(assets, name):
    with Image.open(os.path.join(assets, "samples", name)) as im:
        return im.convert("L")


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def make_folder(assets, d):
    """Returns ({path: class} of the good images, [broken paths], [names not images])."""
    os.makedirs(os.path.join(d, "sub", "deeper"))
    good = {}

    def save(name, im, **options):
        path = os.path.join(d, name)
        im.save(path, **options)
        good[path] = int(os.path.basename(name)[:2])

    tshirt, trouser, pullover = (sample(assets, n) for n in
                                 ("00_tshirt_top.png", "01_trouser.png", "02_pullover.png"))
    dress, coat, sandal = (sample(assets, n) for n in
                           ("03_dress.png", "04_coat.png", "05_sandal.png"))
    shirt, sneaker, bag, boot = (sample(assets, n) for n in
                                 ("06_shirt.png", "07_sneaker.png", "08_bag.png",
                                  "09_ankle_boot.png"))
    big = lambda im, side=224: im.resize((side, side), Image.BICUBIC).convert("RGB")  # noqa: E731
    # Held upright, stored on its side: the camera's EXIF 6 says "turn 90 degrees clockwise".
    save("01_trouser_exif6.jpg", big(trouser, 448).transpose(Image.Transpose.ROTATE_90),
         quality=90, exif=exif_orientation(6))
    save("00_tshirt_top_cmyk.jpg", big(tshirt).convert("CMYK"), quality=90)
    save("08_bag_progressive.jpg", big(bag), quality=85, progressive=True)
    save(os.path.join("sub", "deeper", "09_ankle_boot_gray.jpg"), big(boot).convert("L"),
         quality=90)
    # Camera-sized (stretched 4:3; the bundled model squashes it back): DCT-scaled by default.
    save("02_pullover_camera.jpg", pullover.resize((2016, 1512), Image.BICUBIC).convert("RGB"),
         quality=90)
    save("02_pullover.webp", big(pullover), quality=90)
    save("05_sandal.tif", big(sandal), compression="tiff_lzw")
    save("06_shirt.gif", big(shirt).quantize(64))
    save("09_ankle_boot.bmp", big(boot))
    rgba = big(sneaker).convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(rgba.size))  # dropped, as PIL's convert does
    save("07_sneaker_rgba.png", rgba)
    save("07_sneaker_ü.png", big(sneaker))
    gray16 = Image.frombytes("I;16", bag.size, b"".join(
        (v * 257).to_bytes(2, "little") for v in bag.getdata()))  # high byte = the sample
    save("08_bag_16bit.png", gray16)
    save("01_trouser_really_jpeg.png", big(trouser), format="JPEG", quality=90)
    save("05_sandal_no_extension", big(sandal), format="PNG")  # found by its content
    write_heif = heif_writer()
    for name, im, av1 in (("03_dress.heic", dress, False), ("04_coat.avif", coat, True)):
        try:
            if write_heif is None:
                raise RuntimeError("no libheif.so.1")
            write_heif(big(im), os.path.join(d, name), av1)
            good[os.path.join(d, name)] = int(name[:2])
        except RuntimeError as e:  # no encoder here: the decoders are tested without them
            print(f"note: {name} not made ({e})")
    jpeg = open(os.path.join(d, "08_bag_progressive.jpg"), "rb").read()
    broken = {"truncated.jpg": jpeg[:len(jpeg) // 2], "empty.png": b"",
              "text_named.jpg": b"hello, not a picture\n",
              "corrupt.webp": b"RIFF\x20\0\0\0WEBPVP8 " + bytes(24)}
    for name, data in broken.items():
        open(os.path.join(d, name), "wb").write(data)
    not_images = {"notes.txt": "shopping list\n",
                  "IMG_0001.AAE": '<?xml version="1.0"?><plist version="1.0"></plist>\n'}
    for name, text in not_images.items():
        open(os.path.join(d, name), "w").write(text)
    return good, sorted(os.path.join(d, n) for n in broken), sorted(not_images)


def program_stderr(text):
    """The program's own stderr: without the report of suppressions LeakSanitizer appends at exit
    in the sanitizer builds (a line of dashes, "Suppressions used:", its table, dashes)."""
    lines = text.splitlines()
    for i in range(len(lines) - 1):
        if lines[i].startswith("---") and lines[i + 1].startswith("Suppressions used:"):
            return "\n".join(lines[:i]) + ("\n" if i else "")
    return text


def classify(program, args, expect_rc):
    run = subprocess.run([program, "--json", "--top", "1", *args], capture_output=True,
                         text=True, timeout=240)
    sys.stderr.write(run.stderr)
    if run.returncode != expect_rc:
        fail(f"{program} {' '.join(args)}: exit {run.returncode}, expected {expect_rc}")
    tops = {r["image"]: r["top"][0] for r in map(json.loads, run.stdout.splitlines())}
    return tops, program_stderr(run.stderr)


def check_tops(what, tops, good):
    wrong = [f"{p}: {tops.get(p)}, expected class {c}" for p, c in good.items()
             if tops.get(p, {}).get("class") != c]
    extra = sorted(set(tops) - set(good))
    if wrong or extra:
        fail(f"{what}: " + "; ".join(wrong + [f"{p}: classified, but not a good image"
                                              for p in extra]))


def skip_line(names):
    listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    if len(names) == 1:
        return f"skipped 1 file that is not an image: {listed}"
    return f"skipped {len(names)} files that are not images: {listed}"


def case_classify(classify_bin, assets, tmp):
    d = os.path.join(tmp, "photos")
    good, broken, not_images = make_folder(assets, d)
    tops, stderr = classify(classify_bin, [d], 1)
    check_tops("vkc-classify", tops, good)
    lines = stderr.splitlines()
    for path in broken:
        if not any(path in line for line in lines):
            fail(f"{path} not named on stderr")
    want = "vkc-classify: " + skip_line(not_images)
    if not lines or lines[-1] != want:
        fail(f"last stderr line {lines[-1:]}, expected {want!r}")
    if sum("skipped" in line for line in lines) != 1:
        fail("the skipped files are reported on more than one line")
    print(f"{len(good)} good images right, {len(broken)} broken ones named, {want!r}")


def case_view(view_bin, classify_bin, assets, tmp):
    d = os.path.join(tmp, "photos")
    good, broken, not_images = make_folder(assets, d)
    tops, _ = classify(classify_bin, [d], 1)
    state_file = os.path.join(tmp, "state.json")
    env = dict(os.environ, GSK_RENDERER="cairo", XDG_CONFIG_HOME=tmp, NO_AT_BRIDGE="1")
    run = subprocess.run([view_bin, "--quit-after-results", "--state-json", state_file, d],
                         env=env, capture_output=True, text=True, timeout=240)
    sys.stderr.write(run.stderr)
    if run.returncode != 1:
        fail(f"vkc-view: exit {run.returncode}, expected 1 (broken images)")
    state = json.load(open(state_file))
    results = {r["path"]: r for r in state["results"]}
    view_tops = {p: r["top"][0] for p, r in results.items() if "top" in r}
    check_tops("vkc-view", view_tops, good)
    for path in good:
        if view_tops[path]["class"] != tops[path]["class"]:
            fail(f"{path}: vkc-view {view_tops[path]}, vkc-classify {tops[path]}")
    for path in broken:
        if path not in results.get(path, {}).get("error", ""):
            fail(f"{path}: expected an error naming it, got {results.get(path)}")
    want = skip_line(not_images)
    if want not in state["problem_messages"]:
        fail(f"Problems {state['problem_messages']} lack {want!r}")
    print(f"vkc-view: {len(good)} good images as vkc-classify, {len(broken)} failed, {want!r}")


def case_exif(classify_bin, eval_bin, assets, tmp):
    d = os.path.join(tmp, "photos")
    good, _, _ = make_folder(assets, d)
    rotated = os.path.join(d, "01_trouser_exif6.jpg")
    camera = os.path.join(d, "02_pullover_camera.jpg")
    tops, _ = classify(classify_bin, [rotated, camera], 0)
    check_tops("default", tops, {rotated: 1, camera: 2})
    raw, _ = classify(classify_bin, ["--no-exif-rotate", rotated], 0)
    if raw[rotated]["class"] == 1:
        fail(f"--no-exif-rotate: {raw[rotated]}; the sideways trouser should not be one")
    full, _ = classify(classify_bin, ["--full-decode", camera, rotated], 0)
    check_tops("--full-decode", full, {rotated: 1, camera: 2})
    print(f"default {tops[rotated]}, --no-exif-rotate {raw[rotated]}, camera JPEG "
          f"{tops[camera]['probability']:.4f} DCT-scaled, {full[camera]['probability']:.4f} full")
    # vkc-eval on an ImageFolder tree: as PIL reads it (sideways) unless --exif-rotate.
    tree = os.path.join(tmp, "eval", "Trouser")
    os.makedirs(tree)
    shutil.copy(rotated, tree)
    accuracy = {}
    for flag in ([], ["--exif-rotate"]):
        run = subprocess.run([eval_bin, "--dir", os.path.dirname(tree), "--json", *flag],
                             capture_output=True, text=True, timeout=240)
        sys.stderr.write(run.stderr)
        if run.returncode != 0:
            fail(f"vkc-eval {flag}: exit {run.returncode}")
        accuracy[" ".join(flag) or "default"] = json.loads(run.stdout)["top1"]
    print("vkc-eval top-1:", accuracy)
    if accuracy != {"default": 0.0, "--exif-rotate": 1.0}:
        fail("vkc-eval: expected top-1 0 as stored, 1 with --exif-rotate")


def case_skipped(classify_bin, assets, tmp):
    d = os.path.join(tmp, "mixed")
    os.makedirs(d)
    shutil.copy(os.path.join(assets, "samples", "01_trouser.png"), d)
    names = sorted(["a.txt", "b.doc", "c.xmp", "d.json", "e.csv", "f.mov", "g.pdf"])
    for name in names:
        open(os.path.join(d, name), "w").write("not an image\n")
    tops, stderr = classify(classify_bin, [d], 0)
    check_tops("vkc-classify", tops, {os.path.join(d, "01_trouser.png"): 1})
    want = "vkc-classify: skipped 7 files that are not images: a.txt, b.doc, c.xmp, d.json, e.csv, …"
    if stderr.splitlines() != [want]:
        fail(f"stderr {stderr!r}, expected the one line {want!r}")
    print(repr(want))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    case, programs, assets = sys.argv[1], sys.argv[2:-1], sys.argv[-1]
    cases = {"classify": case_classify, "view": case_view, "exif": case_exif,
             "skipped": case_skipped}
    if case not in cases:
        sys.exit(__doc__)
    tmp = tempfile.mkdtemp(prefix="vkc-photo-folder.")
    try:
        cases[case](*programs, assets, tmp)
    finally:
        shutil.rmtree(tmp)
    print("PASS")


if __name__ == "__main__":
    main()
