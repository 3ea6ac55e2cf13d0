#!/bin/bash
# Steady state, base and this build alternating: v4 batch 1, 5 timed runs after 2 warm-ups.
# usage: steady-paired.sh BASE_BENCH NEW_BENCH WEIGHTS ROUNDS [more vkc-bench options]
base=$1 new=$2 weights=$3 rounds=${4:-4}
shift 4
for r in $(seq "$rounds"); do
  for b in base new; do
    bin=$base; [ $b = new ] && bin=$new
    ms=$("$bin" --model inception_v4 --weights "$weights" --runs 5 --warmup 2 --no-first-result --json "$@" |
      /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["ms_min"], j["ms_median"])')
    echo "$r $b $ms"
  done
done
