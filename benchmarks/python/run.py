#!/usr/bin/python3
"""The library from Python (docs/performance.md, "Python"): Python's per-call cost over C++ —
Network.run at batch 1 on the bundled model, timed in vkception's Python module and in
vkc-bench (the C++ Network::run), in alternating rounds so both see the same machine load —
for a new build and, when given, a base build alternating with it. With --dask: vkc-eval against
examples/dask_classify.py on 2 local worker processes over the Fashion-MNIST test set.

Usage: benchmarks/python/run.py BASE_BUILD|none NEW_BUILD WEIGHTS_DIR [--rounds 5] [--runs 50]
                                [--dask]
  BUILD: a build folder (its bin/vkc-bench, bin/vkc-eval and python/ module);
  WEIGHTS_DIR: holds fashion_mnist_irv2.safetensors (the repository's assets/)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

MODEL = "inception_resnet_v2"
WEIGHTS = "fashion_mnist_irv2.safetensors"
WARMUP = 3  # untimed runs before each round's timed ones, in both languages (vkc-bench --warmup)
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
IDX = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")


def child(build, weights, runs):
    """One round in this process (PYTHONPATH=BUILD/python): C++ first, then Python; prints JSON."""
    import numpy as np
    import vkception
    out = subprocess.run([os.path.join(build, "bin", "vkc-bench"), "--model", MODEL, "--weights",
                          weights, "--batch", "1", "--runs", str(runs), "--warmup", str(WARMUP),
                          "--no-first-result", "--json"],
                         check=True, capture_output=True, text=True).stdout
    cpp = json.loads(out)
    net = vkception.Network(MODEL, weights)
    x = np.random.default_rng(1).standard_normal((1, 3, net.input_size, net.input_size),
                                                 dtype=np.float32)
    for _ in range(WARMUP):
        net.run(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        net.run(x)
        times.append((time.perf_counter() - start) * 1000.0)
    print(json.dumps({"cpp_min": cpp["ms_min"], "cpp_median": cpp["ms_median"],
                      "py_min": min(times), "py_median": statistics.median(times),
                      "device": net.device["name"], "size": net.input_size}))


def one_round(build, weights, runs):
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"))
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", build, weights,
                          str(runs)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def overhead(builds, weights, rounds, runs):
    results = {name: [] for name, _ in builds}
    for _ in range(rounds):
        for name, build in builds:
            results[name].append(one_round(build, weights, runs))
    for name, rs in results.items():
        c_min = min(r["cpp_min"] for r in rs)
        c_med = statistics.median(r["cpp_median"] for r in rs)
        p_min = min(r["py_min"] for r in rs)
        p_med = statistics.median(r["py_median"] for r in rs)
        print(f"{name}: {MODEL} (bundled, {rs[0]['size']}x{rs[0]['size']}), batch 1, on "
              f"{rs[0]['device']}: {rounds} alternating rounds of {runs} runs")
        print(f"  C++ Network::run (vkc-bench)  min {c_min:.3f} ms  median {c_med:.3f} ms")
        print(f"  Python net.run                min {p_min:.3f} ms  median {p_med:.3f} ms")
        print(f"  Python over C++               min {100 * (p_min / c_min - 1):+.1f}%  "
              f"median {100 * (p_med / c_med - 1):+.1f}%")


def dask(builds, weights):
    data = ["--idx-images", os.path.join(IDX, "t10k-images-idx3-ubyte.gz"),
            "--idx-labels", os.path.join(IDX, "t10k-labels-idx1-ubyte.gz")]
    for name, build in builds:
        ev = json.loads(subprocess.run([os.path.join(build, "bin", "vkc-eval"), "--weights",
                                        weights, "--json"] + data,
                                       check=True, capture_output=True, text=True).stdout)
        env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"))
        with tempfile.TemporaryDirectory() as tmp:
            dk = json.loads(subprocess.run(
                [sys.executable, os.path.join(REPO, "examples", "dask_classify.py"),
                 "--local-workers", "2", "--model", MODEL, "--weights", weights, "--output",
                 os.path.join(tmp, "results.csv")] + data,
                env=env, check=True, capture_output=True, text=True).stdout)
        print(f"{name}: vkc-eval {ev['images_per_s']:.0f} images/s (batch {ev['batch']}), top-1 "
              f"{ev['top1']:.4f}; dask_classify.py, {dk['workers']} workers: "
              f"{dk['images_per_s']:.0f} images/s, top-1 {dk['top1']:.4f}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="base build folder, or none")
    parser.add_argument("new", help="new build folder")
    parser.add_argument("weights_dir", help="folder with fashion_mnist_irv2.safetensors")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--dask", action="store_true", help="vkc-eval against dask_classify.py")
    args = parser.parse_args()
    builds = [] if args.base == "none" else [("base", os.path.abspath(args.base))]
    builds.append(("new", os.path.abspath(args.new)))
    weights = os.path.abspath(os.path.join(args.weights_dir, WEIGHTS))
    if args.dask:
        dask(builds, weights)
    else:
        overhead(builds, weights, args.rounds, args.runs)


if __name__ == "__main__":
    main()
