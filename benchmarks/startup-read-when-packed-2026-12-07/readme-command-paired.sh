#!/usr/bin/env bash
# The README's main command, base vs new alternating, each with a fresh XDG_CACHE_HOME and then
# once more (the second start); then both builds' --json output compared.
declare -A BIN=([base]=/work/basehead/build/bin/vkc-classify [new]=/work/main/build/bin/vkc-classify)
cd /work/main
t() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; local e=$(date +%s.%N); printf "%.2f" $(echo "$e-$s" | bc); }
for rep in $(seq 1 ${ROUNDS:-5}); do
  for b in base new; do
    d=/tmp/rc-$b; rm -rf $d
    echo "$rep $b cold $(XDG_CACHE_HOME=$d t ${BIN[$b]} assets/samples) second $(XDG_CACHE_HOME=$d t ${BIN[$b]} assets/samples)"
  done
done
for b in base new; do ${BIN[$b]} assets/samples --json > /tmp/rc-$b.json 2>/dev/null; done
cmp /tmp/rc-base.json /tmp/rc-new.json && echo "--json output: identical"
