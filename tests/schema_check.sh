#!/usr/bin/env bash
# docs/results-schema.md documents every key apbench writes, and nothing
# else: runs the real executable so its results files contain every key
# path (all workloads under all strategies, n/a runs, a pipeline's stages,
# a diagnosis, op errors, open and closed-loop sweeps with an SLO), then
# compares them with the page (tests/schema_check.py has the convention).
# Tiny loads: about 2 s in the Debug build.
# Usage: schema_check.sh APBENCH_BINARY SCHEMA_MD [PYTHON3]
set -u
apbench="$1"
schema_md="$2"
python="${3:-python3}"
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: apbench ARGS --json $tmp/NAME.json, or fail loudly.
run() {
  local name="$1"
  shift
  if ! "$apbench" "$@" --quiet --no-color --json "$tmp/$name.json" \
    >"$tmp/$name.log" 2>&1; then
    echo "FAIL: apbench $* exited with $?:"
    head -40 "$tmp/$name.log"
    exit 1
  fi
}

# Every workload of --list (test-only test.* excepted), under every
# strategy: tbb-pipeline is n/a for single-op workloads, the pipelines
# report stages and overlap, cpu.spin's 30 ms of CPU per op stalls the
# async event loop (a loop_lag diagnosis), two strategies give advice.
workloads=$("$apbench" --list | awk '
  /^[A-Z]/ { in_workloads = ($1 == "Workloads"); next }
  in_workloads && /^  [a-z0-9]/ { print $1 }' | grep -v '^test\.')
if [ -z "$workloads" ]; then
  echo "FAIL: no workloads in $apbench --list"
  exit 1
fi
filters=()
for w in $workloads; do filters+=(--filter "$w"); done
run all "${filters[@]}" --ops 2 --repetitions 1 --warmup 0 \
  --set cpu.mandelbrot.size=32 --set iterations=20 --set cpu.spin.work=30ms \
  --set delay=1ms --set work=1ms --set respond=1ms --set read=1ms \
  --set write=1ms --set files=2 --set io.file.size=4KiB --set connections=2 \
  --set cpu.fib.n=12 --set cpu.fib.grain=4 --set cpu.nqueens.n=6 \
  --set cpu.nqueens.grain=2 --set leaves=1000 --set cpu.skynet.grain=10 \
  --set cpu.matmul.n=16 --set cpu.matmul.grain=4 --set cpu.mergesort.n=20000 \
  --set cpu.mergesort.grain=1000

# Op errors: an echo "server" on the loopback discard port, where nothing
# listens (connection refused: errors_by_message, errors_by_cause).
run errors --filter io.tcp_echo --set target=127.0.0.1:9 --set op_timeout=1s \
  --set connections=1 --strategy sequential,async --ops 2 --repetitions 1 \
  --warmup 0

# Open loop, swept over two rates with an SLO: service_time_s, series with
# offered rates, knees.
run open --filter cpu.spin --set work=1ms --rate 20,40 --duration 0.1s \
  --slo p99=1s --strategy sequential,async

# Swept over threads: a strong-scaling series with speed-ups and an Amdahl
# fit.
run threads --filter cpu.fib --set n=12 --set grain=4 --threads 1,2 --ops 2 \
  --repetitions 2 --strategy sequential,parallel

# Closed loop swept over concurrency: series with concurrencies.
run closed --filter io.sleep --set delay=1ms --ops 4 --concurrency 1,2 \
  --slo p99=1s --strategy async

# A regime map: a --set sweep with a --concurrency list (maps, sweep_axes,
# parameter series). Its borders (async wins at 2 in flight, ties at 1) need
# waits long enough that a loaded machine's noise (ms) cannot blur a 2x
# difference into a tie: 1 ms waits lost every border once.
run map --filter io.sleep --set delay=20ms,40ms --concurrency 1,2 --ops 2 \
  --repetitions 2 --strategy sequential,async

# Two shards of one open loop, merged (context.shards, merged_by); then two
# "hosts" (runs[].host).
run shard0 --filter io.sleep --set delay=1ms --rate 40 --duration 0.1s \
  --shard 0/2 --strategy async --repetitions 1 --warmup 0
run shard1 --filter io.sleep --set delay=1ms --rate 40 --duration 0.1s \
  --shard 1/2 --strategy async --repetitions 1 --warmup 0
merge() {
  local name="$1"
  shift
  if ! "$apbench" merge "$@" --quiet --json "$tmp/$name.json" \
    >"$tmp/$name.log" 2>&1; then
    echo "FAIL: apbench merge $* exited with $?:"
    head -20 "$tmp/$name.log"
    exit 1
  fi
}
merge merged-shards "$tmp/shard0.json" "$tmp/shard1.json"
merge merged-hosts --by host --hosts a,b "$tmp/closed.json" "$tmp/threads.json"

"$python" "$here/schema_check.py" "$schema_md" "$tmp"/*.json
