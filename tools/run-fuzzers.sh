#!/usr/bin/env bash
# Runs every libFuzzer harness of a VKC_BUILD_FUZZERS build for a fixed time, two at a time,
# each from its committed corpus (new inputs go to a scratch folder, the corpus is not changed).
# A crash, leak, sanitizer report or timeout fails the script; the input that caused it is
# left in $OUT/<harness>/ and belongs in fuzz/regressions/<harness>/ once fixed.
# Usage: tools/run-fuzzers.sh BUILD_DIR [SECONDS_EACH=60]
# Prints executions and executions/s per harness, and the total.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$(cd "${1:?usage: tools/run-fuzzers.sh BUILD_DIR [SECONDS_EACH]}" && pwd)
SECONDS_EACH=${2:-60}
OUT=${VKC_FUZZ_OUT:-$BUILD/fuzz-run}
rm -rf "$OUT" && mkdir -p "$OUT"
HARNESSES=(safetensors image idx labels cli)
# Third-party leaks that no caller can free (the file says which and why).
export LSAN_OPTIONS="suppressions=$ROOT/fuzz/lsan-third-party.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

run_one() {
  local name=$1 dict=() dir="$OUT/$1"
  mkdir -p "$dir/new"
  [ -f "fuzz/$name.dict" ] && dict=(-dict="$ROOT/fuzz/$name.dict")
  [ "$name" = cli ] && dict+=(-close_fd_mask=3)  # the parsers print usage text
  local seeds=("$ROOT/fuzz/corpus/$name")
  [ -d "$ROOT/fuzz/regressions/$name" ] && seeds+=("$ROOT/fuzz/regressions/$name")
  # -rss_limit_mb: a hostile header must not make a reader allocate gigabytes;
  # -timeout: one input may not take more than 10 s (a hang is a finding too).
  (cd "$dir" && "$BUILD/bin/fuzz_$name" -max_total_time="$SECONDS_EACH" \
      -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 "${dict[@]}" \
      new "${seeds[@]}" >"$dir/log.txt" 2>&1)
}

pids=()
for name in "${HARNESSES[@]}"; do
  run_one "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || true
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || true; done

status=0 total=0
for name in "${HARNESSES[@]}"; do
  log="$OUT/$name/log.txt"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: " "$log" ||
     [ -z "$execs" ]; then
    echo "fuzz_$name: FINDING (see $log; input in $OUT/$name/)"
    grep -E "ERROR|runtime error|SUMMARY|Test unit written|No such file" "$log" | head -5 || true
    status=1
  fi
  echo "fuzz_$name: ${execs:-0} executions, ${rate:-0} exec/s in ${SECONDS_EACH} s"
  total=$((total + ${execs:-0}))
done
echo "fuzzers: $total executions in total"
exit $status
