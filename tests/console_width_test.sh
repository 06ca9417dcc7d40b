#!/usr/bin/env bash
# The console report fits the terminal: at COLUMNS=100 no line of apbench's
# output is wider than 100 columns, on a terminal (under `script`, which
# gives apbench a pseudo-terminal: colours on, width from the terminal) and
# piped (width from $COLUMNS). The runs are small but show every kind of
# console text: closed-loop, open-loop and sweep (curve) tables, stage lines,
# diagnoses, advice and the summary.
# Usage: console_width_test.sh APBENCH [default]
#   default: check the default suite instead (about a minute in Release).
set -u
apbench="$1"
mode="${2:-fast}"
width=100
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
export LC_ALL=C.UTF-8

if [ "$mode" = default ]; then
  runs=("")
else
  fetch="--filter hybrid.fetch_process --ops 4 --concurrency 2 --repetitions 2 --warmup 0 --set delay=2ms --set work=4ms --set respond=1ms"
  open="--filter cpu.spin --set work=1ms --rate 200 --duration 100ms --strategy async,parallel,sequential"
  curve="--filter cpu.spin --set work=1ms --rate 200,400 --duration 100ms --slo p99=50ms --strategy async,parallel,threads,sequential,async-pool,hybrid"
  runs=("$fetch" "$open" "$curve")
fi

# check NAME FILE [may-be-empty]: every line of FILE (colours and carriage
# returns removed) at most $width columns.
check() {
  local name="$1" file="$2" widest
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r//g' "$file" >"$file.plain"
  widest=$(wc -L <"$file.plain")
  if { [ -s "$file.plain" ] || [ -n "${3:-}" ]; } && [ "$widest" -le "$width" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: widest line $widest columns (limit $width):"
    awk -v w="$width" 'length($0) > w' "$file.plain" | head -5
  fi
}

# expect NAME FILE PATTERN: the output shows PATTERN.
expect() {
  if grep -qE -- "$3" "$2.plain"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1: no /$3/ in the output"
  fi
}

n=0
for args in "${runs[@]}"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the argument strings are word lists
  COLUMNS=$width "$apbench" -q $args >"$tmp/pipe$n" 2>"$tmp/err$n"
  check "piped run $n ($args)" "$tmp/pipe$n"
  check "stderr of run $n" "$tmp/err$n" may-be-empty
  # A terminal of $width columns; $COLUMNS unset, so the width comes from it.
  script -qec "stty cols $width rows 50; env -u COLUMNS $apbench -q $args" \
    /dev/null >"$tmp/tty$n" 2>&1 </dev/null
  check "terminal run $n ($args)" "$tmp/tty$n"
  expect "terminal run $n" "$tmp/tty$n" "^  (strategy|offered) "
done

if [ "$mode" != default ]; then
  expect "closed loop" "$tmp/pipe1" "^  strategy +wall median +95% CI"
  expect "stage lines" "$tmp/pipe1" "^  stages per op, hybrid:"
  expect "advice" "$tmp/pipe1" "^  advice: "
  expect "summary list" "$tmp/pipe1" "^  - hybrid.fetch_process"
  expect "hidden columns named" "$tmp/pipe1" "^not shown at this width: "
  expect "open loop" "$tmp/pipe2" "^  strategy +offered +achieved"
  expect "curve table" "$tmp/pipe3" "^  max achieved"
  # On a terminal, colours: the raw output has escape sequences.
  cp "$tmp/tty1" "$tmp/raw.plain"
  expect "colours on a terminal" "$tmp/raw" $'\x1b\\['
  # --wide: every column, however wide.
  # shellcheck disable=SC2086
  COLUMNS=$width "$apbench" -q --wide $fetch >"$tmp/wide" 2>&1
  sed -e 's/\r//g' "$tmp/wide" >"$tmp/wide.plain"
  expect "--wide" "$tmp/wide" "errors +peak mem +ctx sw vol/inv"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
