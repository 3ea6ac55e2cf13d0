#!/usr/bin/env bash
# Runs vkc-bench on every network and prints one Markdown table row per network, for
# benchmarks/RESULTS.md. Usage: benchmarks/run.sh [extra vkc-bench flags, e.g. --batch 4]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bin/vkc-bench
echo "| model | device | batch | ms min | ms median | ms/image | GFLOP | GFLOP/s | peak GFLOP/s | of peak | first result cold / warm (ms) | weights MiB | activations MiB (naive) | dispatches | barriers |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for model in inception_v4 inception_resnet_v2 inception_resnet_v1 inception_v3; do
  "$bench" --model "$model" --runs 5 --warmup 1 --json "$@" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
mib = 1 << 20
print(f"| {r[\"model\"]} | {r[\"device\"]} | {r[\"batch\"]} | {r[\"ms_min\"]:.0f} | {r[\"ms_median\"]:.0f} | "
      f"{r[\"ms_per_image_min\"]:.0f} | {r[\"gflop_per_batch\"]:.2f} | {r[\"gflops\"]:.1f} | {r[\"peak_gflops\"]:.1f} | "
      f"{100 * r[\"fraction_of_peak\"]:.0f}% | {r[\"first_result_ms\"]:.0f} / {r[\"first_result_warm_cache_ms\"]:.0f} | "
      f"{r[\"weight_bytes\"] / mib:.0f} | {r[\"peak_activation_bytes\"] / mib:.1f} ({r[\"naive_activation_bytes\"] / mib:.1f}) | "
      f"{r[\"dispatches\"]} | {r[\"barriers\"]} |")'
done
