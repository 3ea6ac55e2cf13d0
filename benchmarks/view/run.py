#!/usr/bin/python3
"""vkc-view on a folder of Fashion-MNIST test images (docs/performance.md, "vkc-view"): startup
to the first thumbnails (the samples, and the image folder) and the longest frame while the folder
is classified, for a new build and, when given, a base build alternating with it.

  xvfb-run -a -s "-screen 0 1280x800x24" benchmarks/view/run.py BASE_BUILD|none NEW_BUILD \\
      [WEIGHTS_DIR] [--images 1000] [--runs 3]

BUILD: a build folder (its bin/vkc-view). WEIGHTS_DIR: a folder with
fashion_mnist_irv2.safetensors (default: the repository's assets/). Writes the first N images of
the IDX test set as PNGs (named by number) into a temp dir, runs vkc-view --quit-after-results on
the samples and on that folder `runs` times each after one more (which warms Mesa's and
vkception's pipeline caches and is reported apart), and prints JSON: per build and run the
timings and frame statistics from the window's state file, and top-1 accuracy.
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(REPO, "tests", "view"))
from view_png import write_gray_png  # noqa: E402

IDX = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def write_images(folder, n):
    images = gzip.open(os.path.join(IDX, "t10k-images-idx3-ubyte.gz")).read()[16:]
    labels = gzip.open(os.path.join(IDX, "t10k-labels-idx1-ubyte.gz")).read()[8:]
    truth = {}
    for i in range(n):
        path = os.path.join(folder, f"{i:05d}.png")
        write_gray_png(path, 28, 28, images[i * 784:(i + 1) * 784])
        truth[path] = labels[i]
    return truth


def run(view, weights, inputs, tmp):
    state = os.path.join(tmp, "state.json")
    env = dict(os.environ, GSK_RENDERER="cairo", XDG_CONFIG_HOME=tmp, NO_AT_BRIDGE="1")
    model = ["--model", "inception_resnet_v2", "--weights", weights]
    subprocess.run([view, "--quit-after-results", "--state-json", state] + model + inputs,
                   env=env, check=True, capture_output=True, timeout=600)
    with open(state) as f:
        return json.load(f)


def summarise(entries):
    warm = entries[1:]
    if not warm:
        return {}, {}
    keys = warm[0].keys()
    return ({k: statistics.median(e[k] for e in warm) for k in keys},
            {k: max(e[k] for e in warm) for k in keys})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base", help="base build folder, or none")
    ap.add_argument("new", help="new build folder")
    ap.add_argument("weights_dir", nargs="?", default=os.path.join(REPO, "assets"))
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    builds = [] if a.base == "none" else [("base", os.path.abspath(a.base))]
    builds.append(("new", os.path.abspath(a.new)))
    weights = os.path.abspath(os.path.join(a.weights_dir, "fashion_mnist_irv2.safetensors"))
    tmp = tempfile.mkdtemp(prefix="vkc-view-bench.")
    try:
        folder = os.path.join(tmp, "fashion")
        os.makedirs(folder)
        truth = write_images(folder, a.images)
        report = {"images": a.images}
        for name, _ in builds:
            report[name] = {"samples": [], "folder": []}
        for _ in range(a.runs + 1):  # run 0: cold caches or not, reported as the first
            for name, build in builds:
                view = os.path.join(build, "bin", "vkc-view")
                s = run(view, weights, [os.path.join(REPO, "assets", "samples")], tmp)
                f = run(view, weights, [folder], tmp)
                correct = sum(r["top"][0]["class"] == truth[r["path"]]
                              for r in f["results"] if "top" in r)
                for key, st in (("samples", s), ("folder", f)):
                    entry = {**st["timings"], **st["frames"], "model_load_ms": st["model"]["load_ms"]}
                    if key == "folder":
                        entry["top1"] = correct / a.images
                    report[name][key].append(entry)
        for name, _ in builds:
            for key in ("samples", "folder"):
                median, worst = summarise(report[name][key])
                report[name][key + "_warm_median"] = median
                report[name][key + "_warm_max"] = worst
        print(json.dumps(report, indent=1))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
