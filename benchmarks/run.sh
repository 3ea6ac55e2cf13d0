#!/usr/bin/env bash
# Runs vkc-bench on every network and prints one Markdown table row per network, for
# benchmarks/RESULTS.md. Usage: benchmarks/run.sh [extra vkc-bench flags, e.g. --batch 4]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| model | batch | ms min | ms median | GFLOP | GFLOP/s | peak GFLOP/s | of peak | first result cold / warm (ms) | weights MiB | activations MiB (naive) | dispatches | barriers |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for model in inception_v4 inception_resnet_v2 inception_resnet_v1 inception_v3; do
  build/bin/vkc-bench --model "$model" --runs 5 --warmup 1 --json "$@" | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
mib = 1 << 20
cells = [r["model"], r["batch"], "%.0f" % r["ms_min"], "%.0f" % r["ms_median"],
         "%.2f" % r["gflop_per_batch"], "%.1f" % r["gflops"], "%.1f" % r["peak_gflops"],
         "%.0f%%" % (100 * r["fraction_of_peak"]),
         "%.0f / %.0f" % (r["first_result_ms"], r["first_result_warm_cache_ms"]),
         "%.0f" % (r["weight_bytes"] / mib),
         "%.1f (%.1f)" % (r["peak_activation_bytes"] / mib, r["naive_activation_bytes"] / mib),
         r["dispatches"], r["barriers"]]
print("| " + " | ".join(str(c) for c in cells) + " |")'
done
