#!/usr/bin/python3
"""vkc-view on a folder of Fashion-MNIST test images: startup to the first thumbnails (the
samples, and the 1000-image folder) and the longest frame while the folder is classified.

  xvfb-run -a -s "-screen 0 1280x800x24" benchmarks/view_fashion_1000.py build/bin/vkc-view \
      [--images 1000] [--runs 3]

Writes the first N images of the IDX test set as PNGs (named by label) into a temp dir, runs
vkc-view --quit-after-results on the samples and on that folder `runs` times each (the first
run warms Mesa's and vkception's pipeline caches and is reported apart), and prints JSON:
per run the timings and frame statistics from the window's state file, and top-1 accuracy.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "view"))
from view_png import write_gray_png  # noqa: E402

IDX = "/usr/share/datasets/fashion-mnist"
ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets")


def write_images(folder, n):
    images = gzip.open(os.path.join(IDX, "t10k-images-idx3-ubyte.gz")).read()[16:]
    labels = gzip.open(os.path.join(IDX, "t10k-labels-idx1-ubyte.gz")).read()[8:]
    truth = {}
    for i in range(n):
        path = os.path.join(folder, f"{i:05d}.png")
        write_gray_png(path, 28, 28, images[i * 784:(i + 1) * 784])
        truth[path] = labels[i]
    return truth


def run(view, inputs, tmp):
    state = os.path.join(tmp, "state.json")
    env = dict(os.environ, GSK_RENDERER="cairo", XDG_CONFIG_HOME=tmp, NO_AT_BRIDGE="1")
    subprocess.run([view, "--quit-after-results", "--state-json", state] + inputs, env=env,
                   check=True, capture_output=True, timeout=600)
    return json.load(open(state))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("view")
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vkc-view-bench.")
    try:
        folder = os.path.join(tmp, "fashion")
        os.makedirs(folder)
        truth = write_images(folder, a.images)
        report = {"images": a.images, "samples": [], "folder": []}
        for i in range(a.runs + 1):  # run 0: cold caches or not, reported as "first"
            s = run(a.view, [os.path.join(ASSETS, "samples")], tmp)
            f = run(a.view, [folder], tmp)
            correct = sum(r["top"][0]["class"] == truth[r["path"]] for r in f["results"] if "top" in r)
            for key, st in (("samples", s), ("folder", f)):
                entry = {**st["timings"], **st["frames"], "model_load_ms": st["model"]["load_ms"]}
                if key == "folder":
                    entry["top1"] = correct / a.images
                report[key].append(entry)
        for key in ("samples", "folder"):
            warm = report[key][1:]
            report[key + "_warm_median"] = {
                k: statistics.median(e[k] for e in warm) for k in warm[0]} if warm else {}
            report[key + "_warm_max"] = {
                k: max(e[k] for e in warm) for k in warm[0]} if warm else {}
        print(json.dumps(report, indent=1))
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
