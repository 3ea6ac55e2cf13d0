#!/usr/bin/env bash
# The issue's commands, base (HEAD before this session) vs new, alternating; fresh XDG_CACHE_HOME
# each round, then the same command once more (the second start).
# Paths as on the measuring machine: /work/bench holds what
# ../startup-linear-pools-2026-12-06/make-detweights-safetensors.py wrote,
# /work/basehead/build the vkc-classify of cc00cc8 (before the session's start-up changes),
# build/ this one.
cd /work/main
W=/work/bench/inception_v4.safetensors; X1=/work/bench/inception_v4.input1.f32; X2=/work/bench/inception_v4.input.f32
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; local rc=$?; local e=$(date +%s.%N); printf "%.2f(rc%d)" $(echo "$e-$s"|bc) $rc; }
for rep in $(seq 1 ${ROUNDS:-3}); do
  for b in base new; do
    if [ $b = base ]; then C=/work/basehead/build/bin/vkc-classify; else C=build/bin/vkc-classify; fi
    d=/tmp/ic-$b-$rep; rm -rf $d; mkdir -p $d/a $d/b $d/c
    r1=$(XDG_CACHE_HOME=$d/a t $C assets/samples); r2=$(XDG_CACHE_HOME=$d/a t $C assets/samples)
    v1=$(XDG_CACHE_HOME=$d/b t $C --model inception_v4 --weights $W --input-tensor $X1 --save-logits /tmp/ic-$b-1.f32)
    v2=$(XDG_CACHE_HOME=$d/b t $C --model inception_v4 --weights $W --input-tensor $X1 --save-logits /tmp/ic-$b-1.f32)
    w1=$(XDG_CACHE_HOME=$d/c t $C --model inception_v4 --weights $W --input-tensor $X2 --save-logits /tmp/ic-$b-2.f32)
    w2=$(XDG_CACHE_HOME=$d/c t $C --model inception_v4 --weights $W --input-tensor $X2 --save-logits /tmp/ic-$b-2.f32)
    echo "rep $rep $b: readme cold $r1 second $r2 | v4 1 image cold $v1 second $v2 | v4 2 images cold $w1 second $w2"
    rm -rf $d
  done
done
/usr/bin/python3 - <<'PY'
import numpy as np
r = np.fromfile('/work/shared/golden/inception_v4/logits.f64').reshape(2, 1000)
for b in ('base', 'new'):
    one = np.fromfile('/tmp/ic-%s-1.f32' % b, np.float32)
    two = np.fromfile('/tmp/ic-%s-2.f32' % b, np.float32).reshape(2, 1000)
    print('%s logits max |x - fp64|: 1 image %.3g, 2 images %.3g / %.3g (max|logit| %.1f)' % (
        b, abs(one - r[0]).max(), *abs(two - r).max(axis=1), abs(r).max()))
PY
