#!/usr/bin/python3
"""Python's per-call cost over C++: Network.run at batch 1 on the bundled model, timed in
vkception's Python module and in vkc-bench (the C++ Network::run), alternating rounds so both
see the same machine load. Prints min and median per call of each, and Python's excess.

Usage: PYTHONPATH=build/python /usr/bin/python3 benchmarks/python_overhead.py
       [--bench build/bin/vkc-bench] [--rounds 5] [--runs 50]"""
import argparse
import json
import os
import statistics
import subprocess
import time

import numpy as np

import vkception

MODEL = "inception_resnet_v2"
WARMUP = 3  # untimed runs before each round's timed ones, in both languages (vkc-bench --warmup)


def time_python(net, x, runs):
    for _ in range(WARMUP):
        net.run(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        net.run(x)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def time_cpp(bench, weights, runs):
    out = subprocess.run([bench, "--model", MODEL, "--weights", weights, "--batch", "1",
                          "--runs", str(runs), "--warmup", str(WARMUP), "--no-first-result", "--json"],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return r["ms_min"], r["ms_median"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default="build/bin/vkc-bench")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    weights = os.path.join(vkception.assets_dir(), "fashion_mnist_irv2.safetensors")
    net = vkception.Network(MODEL, weights)
    x = np.random.default_rng(1).standard_normal((1, 3, net.input_size, net.input_size),
                                                 dtype=np.float32)
    py_min, py_median, cpp_min, cpp_median = [], [], [], []
    for _ in range(args.rounds):
        low, mid = time_cpp(args.bench, weights, args.runs)
        cpp_min.append(low)
        cpp_median.append(mid)
        t = time_python(net, x, args.runs)
        py_min.append(min(t))
        py_median.append(statistics.median(t))
    c_min, c_med = min(cpp_min), statistics.median(cpp_median)
    p_min, p_med = min(py_min), statistics.median(py_median)
    print(f"{MODEL} (bundled, {net.input_size}x{net.input_size}), batch 1, on {net.device['name']}:"
          f" {args.rounds} alternating rounds of {args.runs} runs")
    print(f"  C++ Network::run (vkc-bench)  min {c_min:.3f} ms  median {c_med:.3f} ms")
    print(f"  Python net.run                min {p_min:.3f} ms  median {p_med:.3f} ms")
    print(f"  Python over C++               min {100 * (p_min / c_min - 1):+.1f}%  "
          f"median {100 * (p_med / c_med - 1):+.1f}%")


if __name__ == "__main__":
    main()
