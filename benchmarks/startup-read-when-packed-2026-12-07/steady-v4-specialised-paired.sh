#!/usr/bin/env bash
# Steady state, specialised Inception-v4 batch 1 (the Winograd transforms now read their tile
# grid from push constants): base and new vkc-bench alternating, 5 timed runs after 2 warm-ups.
declare -A BIN=([base]=/work/basehead/build/bin/vkc-bench [new]=/work/main/build/bin/vkc-bench)
for rep in $(seq 1 ${ROUNDS:-4}); do
  for b in base new; do
    ${BIN[$b]} --model inception_v4 --weights /work/bench/inception_v4.safetensors --runs 5 \
      --warmup 2 --no-first-result --json | /usr/bin/python3 -c "
import json, sys; j = json.load(sys.stdin)
print('$rep $b: min %.0f median %.0f ms (probe %.0f GFLOP/s)' % (j['ms_min'], j['ms_median'], j['peak_gflops']))"
  done
done
