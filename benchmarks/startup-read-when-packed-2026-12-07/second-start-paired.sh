#!/usr/bin/env bash
# The second start, base vs new alternating: each build warms its own XDG_CACHE_HOME once,
# then ROUNDS alternating pairs of the same command; wall, user and system seconds and max RSS.
# Paths as on the measuring machine: /work/bench holds what
# ../startup-linear-pools-2026-12-06/make-detweights-safetensors.py wrote, /work/basehead/build
# the vkc-classify of the commit before the change, /work/main/build this one.
W=/work/bench/inception_v4.safetensors; X1=/work/bench/inception_v4.input1.f32
declare -A BIN=([base]=/work/basehead/build/bin/vkc-classify [new]=/work/main/build/bin/vkc-classify)
run() { XDG_CACHE_HOME=/tmp/ss-$1 /usr/bin/time -f "%e %U %S %M" ${BIN[$1]} --model inception_v4 \
  --weights $W --input-tensor $X1 --save-logits /tmp/ss-$1.f32 2>&1 >/dev/null | tail -1; }
for b in base new; do rm -rf /tmp/ss-$b; run $b >/dev/null; done
for rep in $(seq 1 ${ROUNDS:-8}); do
  for b in base new; do echo "$rep $b $(run $b)"; done
done
cmp /tmp/ss-base.f32 /tmp/ss-new.f32 && echo "logits: identical bytes"
