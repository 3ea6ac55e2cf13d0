#!/usr/bin/env bash
# Specialised start (the library's default) and steady state of Inception-v4, batch 1: base and
# new vkc-bench alternating, ROUNDS rounds, JSON per run (first result cold and warm in a scratch
# cache folder, per-pipeline creation times, 5 timed runs after 2 warm-ups).
declare -A BIN=([base]=/work/basehead/build/bin/vkc-bench [new]=/work/main/build/bin/vkc-bench)
for rep in $(seq 1 ${ROUNDS:-2}); do
  for b in base new; do
    ${BIN[$b]} --model inception_v4 --weights /work/bench/inception_v4.safetensors --runs 5 \
      --warmup 2 --json > specialised-v4-$b-$rep.json
    /usr/bin/python3 -c "
import json, sys; j = json.load(open('specialised-v4-$b-$rep.json'))
c, w = j['startup_cold'], j['startup_warm_cache']
print('$rep $b: first result cold %.1f s warm %.2f s (%d pipelines, NIR %.0f ms wall warm), min %.0f median %.0f ms' % (
    j['first_result_ms'] / 1e3, j['first_result_warm_cache_ms'] / 1e3, w['pipelines'], w['pipelines_ms'], j['ms_min'], j['ms_median']))"
  done
done
