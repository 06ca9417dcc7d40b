#!/usr/bin/env bash
# apbench --forks end to end: the repetitions measured in fresh processes
# (each repetition tagged with its process, the parts merged into one
# result), the counts --forks refuses, a bad input one process finds, and
# Ctrl-C while processes run (the parent passes it on, keeps what was
# measured, leaves no process and no file behind); the file written after
# each process counts the repetitions done against those asked.
# Usage: forks_test.sh APBENCH PYTHON3
set -u
apbench="$1"
python="${2:-python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp/t"
mkdir -p "$TMPDIR"
. "$(dirname "$0")/checks.sh"

# check FILE PYTHON-EXPRESSION...: each expression true of the JSON `d`.
check() {
  local file="$1"
  shift
  for expr in "$@"; do
    if "$python" - "$file" "$expr" <<'PY'; then ok; else fail "$file: $expr"; fi
import json, sys
d = json.load(open(sys.argv[1]))
runs = [r for r in d["runs"] if r["status"] == "ok"]
procs = lambda r: [s["process"] for s in r["repetition_samples"]]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
  done
}

small=(--filter cpu.skynet --set leaves=10000 --strategy sequential,async-pool
  --warmup 0 --no-color)

# Default (auto) from 5 repetitions on: one process per repetition.
"$apbench" "${small[@]}" --repetitions 5 --json "$tmp/auto.json" -q \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || fail "auto forks: exit $rc: $(head -3 "$tmp/err")"
check "$tmp/auto.json" 'd["context"]["processes"] == 5' 'len(runs) == 2' \
  'all(sorted(procs(r)) == [0, 1, 2, 3, 4] for r in runs)' \
  'all(r["repetitions"] == 5 and not r["interrupted"] for r in runs)' \
  'd["interrupted"] is False'
# One console table, the parent's: the processes' own go nowhere.
n=$(grep -c '^cpu.skynet' "$tmp/out")
[ "$n" -eq 1 ] && ok || fail "auto forks: $n console tables, expected 1"

# --forks 2 shares 5 repetitions 3 + 2; --forks 1 keeps them in one process.
"$apbench" "${small[@]}" --repetitions 5 --forks 2 --json "$tmp/two.json" -q \
  >/dev/null 2>&1 || fail "--forks 2 failed"
check "$tmp/two.json" 'd["context"]["processes"] == 2' \
  'all(sorted(procs(r)) == [0, 0, 0, 1, 1] for r in runs)'
"$apbench" "${small[@]}" --repetitions 5 --forks 1 --json "$tmp/one.json" -q \
  >/dev/null 2>&1 || fail "--forks 1 failed"
check "$tmp/one.json" 'd["context"]["processes"] == 1' \
  'all(procs(r) == [0] * 5 for r in runs)'
# Fewer than 5 repetitions: one process unless asked.
"$apbench" "${small[@]}" --repetitions 3 --json "$tmp/three.json" -q \
  >/dev/null 2>&1 || fail "3 repetitions failed"
check "$tmp/three.json" 'd["context"]["processes"] == 1'

# refused ARGS...: exit 2 and exactly one line on stderr.
refused() {
  "$apbench" "$@" -q >/dev/null 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ]; then ok; else
    fail "apbench $*: exit $rc, $lines stderr lines: $(cat "$tmp/err")"
  fi
}
refused "${small[@]}" --repetitions 5 --forks 6
refused "${small[@]}" --forks 0
refused "${small[@]}" --forks many
refused --filter io.sleep --rate 10,20 --duration 100ms --forks 2
APBENCH_FORK=garbage refused "${small[@]}"
# A bad value only the workload's set-up sees: the first process says it
# once, the parent adds nothing and exits 2.
refused --filter cpu.skynet --set leaves=12 --repetitions 5

# wait_for FILE: until it exists (at most 60 s, for slow sanitizer builds).
wait_for() {
  for _ in $(seq 600); do
    [ -e "$1" ] && return
    sleep 0.1
  done
}

# Ctrl-C to the parent once its first process has finished.
"$apbench" --filter io.sleep --set delay=97ms --ops 5 --strategy sequential \
  --repetitions 6 --json "$tmp/int.json" -q >/dev/null 2>"$tmp/int.err" &
pid=$!
wait_for "$tmp/int.json"  # the parent writes it once a process finished
cp "$tmp/int.json" "$tmp/mid.json"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && ok || fail "Ctrl-C during --forks: exit $rc"
check "$tmp/int.json" 'd["interrupted"] is True' \
  '1 <= runs[0]["repetitions"] < 6' 'runs[0]["repetitions_requested"] == 6' \
  'runs[0]["interrupted"] is True'
# The file written mid-way (after the first process) says how many of the
# repetitions asked are done, run by run.
check "$tmp/mid.json" 'd["interrupted"] is True' \
  '1 <= runs[0]["repetitions"] < 6' 'runs[0]["repetitions_requested"] == 6' \
  'runs[0]["interrupted"] is True'
n=$(grep -c 'received' "$tmp/int.err")
[ "$n" -eq 1 ] && ok || fail "Ctrl-C announced $n times: $(cat "$tmp/int.err")"
sleep 0.2
if pgrep -f 'delay=97ms' >/dev/null; then fail "a process outlived its parent"
else ok; fi
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && ok || fail "left in TMPDIR: $left"

# SIGKILL to the parent: its running process stops too (it dies with its
# parent), and neither leaves a file behind.
"$apbench" --filter io.sleep --set delay=89ms --ops 5 --strategy sequential \
  --repetitions 6 --json "$tmp/killed.json" -q >/dev/null 2>&1 &
pid=$!
wait_for "$tmp/killed.json"
sleep 0.2  # into the second process
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 50); do
  pgrep -f 'delay=89ms' >/dev/null || break
  sleep 0.1
done
if pgrep -f 'delay=89ms' >/dev/null; then fail "a process outlived SIGKILL"
else ok; fi
left=$(cd "$TMPDIR" && find . -mindepth 1 | tr '\n' ' ')
[ -z "$left" ] && ok || fail "left in TMPDIR after SIGKILL: $left"

finish forks
