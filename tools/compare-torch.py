#!/usr/bin/python3
"""Times torchvision's inception_v3 on the CPU and vkception's vkc-bench back to back.

Both run in this one invocation, alternating for several rounds, so the ratio compares figures
taken under the same machine load. Run with Debian's Python (it has python3-torch and
python3-torchvision): /usr/bin/python3 tools/compare-torch.py [--rounds N] [--batch B]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torchvision


def time_torch(model, batch, size, runs):
    x = torch.randn(batch, 3, size, size)
    times = []
    with torch.no_grad():
        model(x)  # warm-up
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000.0)
    return min(times)


def time_vkception(bench, model, batch, size, runs):
    out = subprocess.run(
        [bench, "--model", model, "--weights", "deterministic", "--batch", str(batch), "--size",
         str(size), "--runs", str(runs), "--warmup", "1", "--no-first-result", "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                         "bin", "vkc-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per round and engine")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--size", type=int, default=299)
    args = parser.parse_args()

    torch.set_num_threads(os.cpu_count())
    torch.set_flush_denormal(True)
    model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
    model.eval()
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads, flush-denormal on), "
          f"torchvision inception_v3, batch {args.batch}, {args.size}x{args.size}")

    ratios, torch_ms, vkc_ms = [], [], []
    for r in range(args.rounds):
        t = time_torch(model, args.batch, args.size, args.runs)
        v = time_vkception(args.bench, "inception_v3", args.batch, args.size, args.runs)
        torch_ms.append(t)
        vkc_ms.append(v["ms_min"])
        ratios.append(v["ms_min"] / t)
        print(f"round {r + 1}: PyTorch {t:8.1f} ms   vkception {v['ms_min']:8.1f} ms "
              f"({v['device']}, {v['fraction_of_peak'] * 100:.0f}% of its fp32 peak)   "
              f"ratio {ratios[-1]:.2f}")
    print(f"PyTorch   min {min(torch_ms):.1f} ms  median {statistics.median(torch_ms):.1f} ms")
    print(f"vkception min {min(vkc_ms):.1f} ms  median {statistics.median(vkc_ms):.1f} ms")
    print(f"ratio vkception/PyTorch: min {min(ratios):.2f}  median {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
