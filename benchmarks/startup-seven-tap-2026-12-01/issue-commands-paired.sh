#!/usr/bin/env bash
# The issue's commands, 333b9d2 (old) vs this build (new), alternating; every cache emptied first.
cd /work/main
W=/work/bench18/inception_v4.safetensors; X1=/tmp/one.f32; X2=/work/bench18/inception_v4.input.f32
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; local rc=$?; local e=$(date +%s.%N); printf "%.2f(rc%d)" $(echo "$e-$s"|bc) $rc; }
for rep in 1 2 3; do
  for b in old seg7b; do
    C=/work/b19/classify-$b
    d=/tmp/ic-$b-$rep; rm -rf $d; mkdir -p $d/a $d/b $d/c
    r1=$(XDG_CACHE_HOME=$d/a t $C assets/samples); r2=$(XDG_CACHE_HOME=$d/a t $C assets/samples)
    v1=$(XDG_CACHE_HOME=$d/b t $C --model inception_v4 --weights $W --input-tensor $X1 --save-logits /tmp/ic-$b-1.f32)
    v2=$(XDG_CACHE_HOME=$d/b t $C --model inception_v4 --weights $W --input-tensor $X1 --save-logits /tmp/ic-$b-1.f32)
    w1=$(XDG_CACHE_HOME=$d/c t $C --model inception_v4 --weights $W --input-tensor $X2 --save-logits /tmp/ic-$b-2.f32)
    w2=$(XDG_CACHE_HOME=$d/c t $C --model inception_v4 --weights $W --input-tensor $X2 --save-logits /tmp/ic-$b-2.f32)
    echo "rep $rep $b: readme cold $r1 second $r2 | v4 1 image cold $v1 second $v2 | v4 2 images cold $w1 second $w2"
  done
done
