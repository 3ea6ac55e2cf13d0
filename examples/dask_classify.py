#!/usr/bin/python3
"""Classifies many images across a Dask cluster, one vkception.Network per worker process.

    # 2 local worker processes (a LocalCluster), Fashion-MNIST IDX files:
    dask_classify.py --local-workers 2 --idx-images t10k-images-idx3-ubyte.gz \\
        --idx-labels t10k-labels-idx1-ubyte.gz --output results.csv
    # a real cluster (start one `dask worker` per GPU, see docs/python.md):
    dask_classify.py --scheduler tcp://scheduler:8786 --dir /shared/photos --output results.csv

Writes one row per image (name, true class if known, top-5 classes and probabilities) as CSV or
JSON (by the output's extension) and prints a JSON summary: images, top-1 accuracy when labels
are known, seconds and images/s of the classification (model loading excluded, as vkc-eval)."""
import argparse
import csv
import json
import os
import time

import numpy as np
from dask.distributed import Client, LocalCluster, WorkerPlugin, get_worker

import vkception

class NetworkPlugin(WorkerPlugin):
    """Loads one vkception.Network in every worker process, when the worker joins."""

    name = "vkception"

    def __init__(self, model, weights, device):
        self.args = (model, weights, device)

    def setup(self, worker):
        model, weights, device = self.args
        self.net = vkception.Network(model, weights, device=device)


def _network():
    return get_worker().plugins[NetworkPlugin.name].net


def _describe_network():
    return _network().device["name"], _network().classes


def _classify_chunk(images, top):
    """Top-`top` (class, probability) of every image, ranked on the logits as vkc-eval does."""
    net = _network()
    if isinstance(images[0], str):  # paths: read on the worker (a shared file system)
        return [[(c, p) for c, _, p in r] for r in net.classify(images, top=top)]
    pixels = np.stack([net.preprocess(image) for image in images])
    logits = net.run_images(pixels)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = shifted / shifted.sum(axis=1, keepdims=True)
    order = np.argsort(-logits, axis=1, kind="stable")[:, :top]  # ties: lower class first
    return [[(int(c), float(probabilities[n, c])) for c in row] for n, row in enumerate(order)]


def read_inputs(args):
    """(names, items, labels or None): items are images (IDX) or paths (a directory tree)."""
    if args.idx_images:
        images = vkception.read_idx(args.idx_images)
        labels = vkception.read_idx(args.idx_labels).tolist() if args.idx_labels else None
        count = min(len(images), args.limit or len(images))
        names = [f"{args.idx_images}[{i}]" for i in range(count)]
        return names, list(images[:count]), labels[:count] if labels else None
    paths = sorted(os.path.join(root, f) for root, _, files in os.walk(args.dir) for f in files
                   if f.lower().endswith((".png", ".jpg", ".jpeg", ".bmp")))
    paths = paths[:args.limit or len(paths)]
    return paths, paths, None


def write_table(path, names, ranked, labels, classes):
    rows = []
    for i, (name, top) in enumerate(zip(names, ranked)):
        row = {"image": name, "true": labels[i] if labels else ""}
        for k, (c, p) in enumerate(top, 1):
            row.update({f"class{k}": c, f"label{k}": classes[c], f"probability{k}": p})
        rows.append(row)
    with open(path, "w", newline="") as f:
        if path.endswith(".json"):
            json.dump(rows, f)
        else:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", help="address of a running Dask scheduler")
    where.add_argument("--local-workers", type=int, help="start a LocalCluster of N processes")
    data = parser.add_mutually_exclusive_group(required=True)
    data.add_argument("--dir", help="a directory tree of PNG/JPEG/BMP images")
    data.add_argument("--idx-images", help="(Fashion-)MNIST IDX images (.gz or plain)")
    parser.add_argument("--idx-labels", help="their IDX labels: the summary gets the accuracy")
    parser.add_argument("--model", help="with --weights (default: the bundled Fashion-MNIST model)")
    parser.add_argument("--weights", help=".safetensors weights for --model")
    parser.add_argument("--device", type=int, help="Vulkan device on every worker (or VKC_DEVICE)")
    parser.add_argument("--chunk", type=int, default=256, help="images per task")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--limit", type=int, default=0, help="only the first N images")
    parser.add_argument("--output", required=True, help="results .csv or .json")
    args = parser.parse_args()
    if args.model and not args.weights:
        parser.error("--model needs --weights (README.md, \"Real ImageNet weights\")")
    if not args.model:
        if args.weights:
            parser.error("--weights needs --model")
        args.model = "inception_resnet_v2"
        args.weights = os.path.join(vkception.assets_dir(), "fashion_mnist_irv2.safetensors")

    names, items, labels = read_inputs(args)
    if not items:
        raise SystemExit("no images to classify")
    cluster = None
    if args.local_workers:
        cluster = LocalCluster(n_workers=args.local_workers, threads_per_worker=1,
                               processes=True, dashboard_address=None)
    with Client(cluster or args.scheduler) as client:
        client.register_worker_plugin(NetworkPlugin(args.model, args.weights, args.device))
        described = client.run(_describe_network)  # every worker has loaded its network
        start = time.perf_counter()
        chunks = [items[i:i + args.chunk] for i in range(0, len(items), args.chunk)]
        futures = client.map(_classify_chunk, chunks, [args.top] * len(chunks), pure=False)
        ranked = [top for result in client.gather(futures) for top in result]
        seconds = time.perf_counter() - start
    if cluster:
        cluster.close()
    classes = next(iter(described.values()))[1]
    write_table(args.output, names, ranked, labels, classes)
    summary = {"images": len(ranked), "workers": len(described),
               "devices": sorted({device for device, _ in described.values()}),
               "seconds": seconds, "images_per_s": len(ranked) / seconds, "output": args.output}
    if labels:
        summary["top1"] = sum(top[0][0] == t for top, t in zip(ranked, labels)) / len(ranked)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
