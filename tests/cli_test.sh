#!/usr/bin/env bash
# End-to-end tests of the apbench executable: help, list, bad input (exit 2
# with a one-line message naming the bad value), and a small real run.
set -u
apbench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect CODE PATTERN -- ARGS...: exit code CODE, output matching PATTERN.
expect() {
  local code="$1" pattern="$2"
  shift 3
  local out rc
  out=$("$apbench" "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: apbench $* -> exit $rc (want $code), output:"
    echo "$out" | head -20
    echo "  (wanted /$pattern/)"
  fi
}

expect 0 "--filter" -- --help
expect 0 "apbench [0-9]" -- --version
expect 0 "io.sleep" -- --list
for name in io.sleep io.tcp_echo io.http io.file cpu.spin cpu.mandelbrot \
  hybrid.fetch_process hybrid.web_api hybrid.etl \
  sequential async async-pool threads parallel openmp hybrid tbb-pipeline; do
  expect 0 "^  $name " -- --list
done
expect 0 "delay .*default 500ms" -- --list

expect 2 "unknown strategy 'asyc' \(did you mean 'async'\?\)" -- --strategy asyc
expect 2 "--filter 'io.slep' matches no workload \(did you mean 'io.sleep'\?\)" -- --filter io.slep
expect 0 "io.sleep \(io\).*" -- --filter cpu.spin,io.sleep --ops 1 --repetitions 1 --warmup 0 --strategy sequential --set work=1ms --set delay=1ms
expect 2 "--filter 'io.slep' matches no workload \(did you mean 'io.sleep'\?\)" -- --filter cpu.spin,io.slep
expect 2 "unknown parameter 'dely' \(did you mean 'delay'\?\)" -- --filter io.sleep --set dely=5ms
expect 2 "bad value '5parsecs' for parameter 'delay'" -- --filter io.sleep --set delay=5parsecs
expect 2 "bad value 'gaussian' for parameter 'distribution'" -- --filter io.sleep --set distribution=gaussian
expect 2 "--ops: .*'abc'" -- --filter io.sleep --ops abc
expect 2 "bad value '0' for --ops" -- --filter io.sleep --ops 0
expect 2 "unknown kind 'gpu'" -- --kind gpu
expect 2 "expected NAME=VALUE" -- --filter io.sleep --set delay
# Qualified settings: one workload's parameter, checked against the selection.
expect 0 "io.sleep \(io\).*delay=3ms" -- --filter io.sleep --filter cpu.spin \
  --set io.sleep.delay=3ms --set delay=9ms --ops 2 --strategy async --repetitions 1 \
  --warmup 0 --quiet --no-color
expect 2 "unknown workload 'io.slep' \(did you mean 'io.sleep'\?\)" -- --filter io.sleep --set io.slep.delay=5ms
expect 2 "workload 'cpu.spin' is not selected \(add it to --filter\)" -- --filter io.sleep --set cpu.spin.work=1ms
expect 2 "unknown parameter of io.sleep 'dely' \(did you mean 'delay'\?\)" -- --filter io.sleep --set io.sleep.dely=5ms
expect 2 "bad --set 'io.sleep.=1'" -- --filter io.sleep --set io.sleep.=1
expect 2 "cannot write --json '$tmp/no/such/dir/r.json'" -- --filter io.sleep --json "$tmp/no/such/dir/r.json"
expect 2 "error" -- --no-such-flag
expect 2 "bad value '0' for parameter 'size'" -- --filter cpu.mandelbrot --set size=0 --strategy sequential
expect 2 "https is not supported|'https://127.0.0.1/'" -- --filter io.http --set target=https://127.0.0.1/ --strategy async
expect 2 "bad value 'garbage' for parameter 'target'" -- --filter io.http --set target=garbage --strategy async
expect 2 "parameter 'target'" -- --filter io.tcp_echo --set target=nowhere --strategy async

# A target that is down: every op fails as `connect`, the run completes and
# the exit status is 0 (a failed op is a result, not a usage error).
expect 0 "connect 20" -- --filter io.tcp_echo --set target=127.0.0.1:1 --ops 20 \
  --strategy async --repetitions 1 --warmup 0 --quiet --no-color

# A small real run with every output.
expect 0 "sequential.*async|async" -- --filter io.sleep --ops 5 --set delay=10ms \
  --strategy sequential,async --repetitions 2 --warmup 0 --quiet \
  --json "$tmp/r.json" --csv "$tmp/r.csv" --markdown "$tmp/r.md"
if grep -q '"schema": "apbench.results/1"' "$tmp/r.json" &&
  [ "$(wc -l <"$tmp/r.csv")" -eq 3 ] && grep -q '^|' "$tmp/r.md"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: output files of the small run"
fi

# --refine needs a sweep with an SLO; --cpus takes CPU numbers the machine has.
expect 2 "--refine needs a sweep with an SLO" -- --filter cpu.spin --refine 2
expect 2 "--refine needs a sweep with an SLO" -- --filter cpu.spin --rate 100,200 --refine 2
expect 2 "bad value '0-x' for --cpus" -- --filter cpu.spin --cpus 0-x
expect 2 "--cpus 4096: there is no CPU 4096|bad value '4096' for --cpus" -- --filter cpu.spin --cpus 4096
expect 0 "^machine: load .* on 1 cores" -- --filter cpu.spin --set work=1ms --ops 2 \
  --strategy async --repetitions 1 --warmup 0 --quiet --no-color --cpus 0

# apbench compare: a subcommand beside the flags; bad input exits 2 with one
# line each. (Verdicts and exit 1 are in tests/compare_test.cpp.)
expect 0 "apbench compare BASE.json NEW.json" -- --help
expect 0 "--fail-on-regression" -- compare --help
expect 0 "0 slower, 0 faster, 0 no change, 2 with too few" -- compare "$tmp/r.json" "$tmp/r.json"
expect 2 "^apbench compare: error: cannot read '$tmp/none.json'" -- compare "$tmp/r.json" "$tmp/none.json"
expect 2 "^apbench compare: error: '$tmp/r.csv' is not JSON" -- compare "$tmp/r.json" "$tmp/r.csv"
echo '{"schema": "apbench.results/7"}' >"$tmp/v7.json"
expect 2 "^apbench compare: error: .* has schema 'apbench.results/7'" -- compare "$tmp/r.json" "$tmp/v7.json"
echo '{"runs": []}' >"$tmp/other.json"
expect 2 "^apbench compare: error: .* is not an apbench results file" -- compare "$tmp/r.json" "$tmp/other.json"
expect 2 "^apbench compare: error: needs two results files" -- compare "$tmp/r.json"
expect 2 "^apbench compare: error: bad value '200' for --threshold" -- compare "$tmp/r.json" "$tmp/r.json" --threshold 200
expect 2 "^apbench compare: error: bad value 'bonferroni' for --p-adjust: expected holm or none$" -- compare "$tmp/r.json" "$tmp/r.json" --p-adjust bonferroni
expect 0 "verdict at unadjusted p < 0.05 over 0 tests" -- compare "$tmp/r.json" "$tmp/r.json" --p-adjust none --no-color
lines=$("$apbench" compare "$tmp/r.json" "$tmp/r.json" --p-adjust bonferroni 2>&1 | wc -l)
if [ "$lines" -eq 1 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: apbench compare --p-adjust bonferroni wrote $lines lines, want 1"
fi
for f in "$tmp/r.json" "$tmp/none.json" "$tmp/r.csv" "$tmp/v7.json"; do
  lines=$("$apbench" compare "$tmp/r.json" "$f" 2>&1 >/dev/null | wc -l)
  if [ "$f" = "$tmp/r.json" ] && [ "$lines" -eq 0 ] || [ "$lines" -eq 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: apbench compare r.json $f wrote $lines lines on stderr"
  fi
done

# n/a is reported with its reason, not skipped.

# Open loop and sweeps: bad input names the flag and what is accepted.
expect 2 "bad value 'abc' for --rate.*A..B" -- --filter io.sleep --rate abc
expect 2 "bad value '0' for --rate" -- --filter io.sleep --rate 0
expect 2 "a range needs A < B" -- --filter io.sleep --rate 500..100
expect 2 "bad --slo 'p99': expected pNN=DURATION" -- --filter io.sleep --rate 10 --slo p99
expect 2 "unknown arrival 'bursty'" -- --filter io.sleep --rate 10 --arrival bursty
expect 2 "--duration applies to an open loop: add --rate" -- --filter io.sleep --duration 2s
expect 2 "--ops sets a closed loop's length" -- --filter io.sleep --rate 10 --ops 5
expect 2 "schedules no op" -- --filter io.sleep --rate 0.5 --duration 1s
expect 2 "sweep either --rate or --concurrency" -- --filter io.sleep --rate 10 --concurrency 1,2
expect 2 "--duration: .*'2parsecs'" -- --filter io.sleep --rate 10 --duration 2parsecs

# A two-point sweep: a curve table, series and knees in the JSON.
expect 0 "open-loop sweep" -- --filter io.sleep --set delay=2ms --rate 20,40 \
  --duration 300ms --slo p99=50ms --strategy sequential,async --quiet --no-color \
  --json "$tmp/sweep.json"
if grep -q '"series": \[' "$tmp/sweep.json" && grep -q '"knee": {' "$tmp/sweep.json" &&
  grep -q '"mode": "open"' "$tmp/sweep.json" && grep -q '"limit_s": 0.05' "$tmp/sweep.json"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: sweep JSON lacks series, knee, open mode or slo"
fi

# check NAME COMMAND...: the command succeeds.
check() {
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}

# Progress: a live line on a terminal (`script` gives apbench one) with the
# run, strategy, repetition and an ETA; nothing of it off a terminal, where
# --verbose logs each finished run instead.
small_run=(--filter io.sleep --ops 4 --set delay=20ms --strategy sequential,async
  --repetitions 2 --warmup 0 --no-color)
if command -v script >/dev/null; then
  live=$(script -qec "$(printf '%q ' "$apbench" "${small_run[@]}")" /dev/null 2>&1)
  check "live progress line on a terminal" \
    grep -qE '\[1/2\] io\.sleep · sequential · repetition 1/2 · .* elapsed' <<<"$live"
  check "progress line has an ETA" grep -q ' · ETA ' <<<"$live"
  check "each run of an interleaved group shows its own number" \
    grep -qE '\[2/2\] io\.sleep · async · repetition' <<<"$live"
fi
piped=$("$apbench" "${small_run[@]}" 2>&1)
check "no progress line off a terminal" bash -c '! grep -q "elapsed" <<<"$1"' _ "$piped"
verbose=$("$apbench" "${small_run[@]}" --verbose 2>&1)
# In the order runs finish: the group's last round runs in reverse.
check "--verbose logs each run" \
  grep -qE '\[1/2\] io\.sleep · async: ok [0-9.]+ ms' <<<"$verbose"
check "--verbose logs each run as it is done" \
  grep -qE '\[2/2\] io\.sleep · sequential: ok [0-9.]+ ms' <<<"$verbose"

# Help and lists fit the terminal: at COLUMNS=100 (piped) no line of
# --help, compare --help or --list is wider than 100 columns.
widest() { awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
for args in "--help" "compare --help" "--list"; do
  # shellcheck disable=SC2086 # split the subcommand from its flag
  width=$(COLUMNS=100 "$apbench" $args 2>&1 | widest)
  check "apbench $args fits 100 columns (widest line: $width)" \
    test "$width" -le 100
done
# They wrap only at spaces: the words are the same at 100, 90 and 80
# columns (a word cut at a line's end, "fixe" + "d:", differs by width).
words() { COLUMNS=$1 "$apbench" $2 2>&1 | tr -s ' \n' '\n\n' | sort; }
for args in "--help" "compare --help" "--list"; do
  for width in 90 80; do
    # shellcheck disable=SC2086 # split the subcommand from its flag
    check "apbench $args wraps at spaces only (100 vs $width columns)" \
      diff <(words 100 "$args") <(words "$width" "$args")
  done
done

# merge and compare read their inputs before replacing an output, so an
# output that is also an input is read intact (it was emptied up front).
for i in 0 1; do
  "$apbench" --filter io.sleep --set delay=1ms --ops 6 --strategy async \
    --warmup 0 --repetitions 1 --shard "$i/2" --quiet --no-color \
    --json "$tmp/shard$i.json" >/dev/null 2>&1
done
"$apbench" merge "$tmp/shard0.json" "$tmp/shard1.json" --json "$tmp/shard0.json" \
  --quiet >/dev/null 2>&1
check "merge --json onto one of its inputs: exit 0 and 6 ops merged" \
  grep -qE '"ops": *6[,}]' "$tmp/shard0.json"

# A workload's own usage error at set-up (n=30 is beyond cpu.nqueens' range):
# exit 2, the one line on stderr, and nothing on standard output or in the
# files (a script reading stdout must not get a report of nothing).
echo previous >"$tmp/kept.json"
"$apbench" --filter cpu.nqueens --set n=30 --strategy sequential \
  --json "$tmp/kept.json" >"$tmp/usage.out" 2>"$tmp/usage.err"
rc=$?
check "set-up usage error: exit 2" test "$rc" -eq 2
check "set-up usage error: one line on stderr naming the value" \
  bash -c '[ "$(wc -l <"$1")" -eq 1 ] && grep -q "bad value .30. for parameter .n." "$1"' _ "$tmp/usage.err"
check "set-up usage error: nothing on standard output" test ! -s "$tmp/usage.out"
check "set-up usage error: --json file left as it was" \
  grep -qx previous "$tmp/kept.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
