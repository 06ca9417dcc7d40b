#!/usr/bin/env bash
# The extending example (examples/custom_workload, docs/extending.md): the
# apbench CLI built with more workloads lists them next to the built-in
# ones and runs them under every strategy with one agreed checksum (and,
# for the calibrated pipeline, one ideal).
# Usage: example_test.sh APBENCH_EXAMPLE_BINARY
set -u
example="$1"
. "$(dirname "$0")/checks.sh"

# 1. --list shows the example workloads, their parameters, and a built-in one.
list=$("$example" --list 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -qE '^  example\.checksum +hybrid ' <<<"$list" &&
  grep -qE '^ +latency +default 10ms' <<<"$list" &&
  grep -qE '^ +size +default 256KiB' <<<"$list" &&
  grep -qE '^  example\.pipeline +hybrid ' <<<"$list" &&
  grep -qE '^ +forms: async,blocking,pipeline; default ops: 16, in flight: 4' <<<"$list" &&
  grep -qE '^  io\.sleep ' <<<"$list"; then
  ok
else
  fail "$example --list -> exit $rc, output:"
  echo "$list" | head -40
fi

# 2. A small run under every strategy: exit 0, one row per strategy with a
#    wall time, and no checksum disagreement.
args=(--filter 'example.checksum' --ops 4 --set latency=2ms --set size=64KiB
  --repetitions 1 --warmup 0 --quiet --no-color)
out=$("$example" "${args[@]}" 2>&1)
rc=$?
rows=$(grep -cE '^ +(\* +)?(sequential|async|async-pool|threads|parallel|hybrid) +[0-9.]+ (ns|us|ms|s) ' <<<"$out")
if [ "$rc" -eq 0 ] && grep -q '^example\.checksum (hybrid): 4 ops' <<<"$out" &&
  [ "$rows" -ge 2 ] && ! grep -q 'different checksums' <<<"$out"; then
  ok
else
  fail "$example ${args[*]} -> exit $rc, $rows strategy rows, output:"
  echo "$out" | head -40
fi

# 3. The pipeline under every strategy, tbb-pipeline included: eight ok
#    runs with one checksum and, calibrated once, one ideal; stages timed.
json=$(mktemp)
trap 'rm -f "$json"' EXIT
out=$("$example" --filter example.pipeline --ops 4 --set latency=2ms \
  --set size=64KiB --repetitions 1 --warmup 0 --quiet --no-color \
  --json "$json" 2>&1)
rc=$?
ok=$(grep -c '^      "status": "ok",' "$json")
checksums=$(grep '^      "checksum": "0x' "$json" | sort -u | wc -l)
ideals=$(grep '^      "ideal_s": [0-9]' "$json" | sort -u | wc -l)
if [ "$rc" -eq 0 ] && [ "$ok" -eq 8 ] && [ "$checksums" -eq 1 ] &&
  [ "$ideals" -eq 1 ] && grep -q '"name": "process"' "$json" &&
  grep -q 'stages per op, tbb-pipeline: fetch io' <<<"$out"; then
  ok
else
  fail "example.pipeline -> exit $rc, $ok ok runs (want 8), $checksums checksums, $ideals ideals (want 1 each), output:"
  echo "$out" | head -40
fi

# 3b. The fork-join example: every strategy that can fork gives the known
#     answer (one checksum, no error) and reports tasks per op.
out=$("$example" --filter example.tree_sum --ops 2 --set n=100000 \
  --set grain=1000 --repetitions 1 --warmup 0 --quiet --no-color \
  --json "$json" 2>&1)
rc=$?
ok=$(grep -c '^      "status": "ok",' "$json")
checksums=$(grep '^      "checksum": "0x' "$json" | sort -u | wc -l)
if [ "$rc" -eq 0 ] && [ "$ok" -eq 7 ] && [ "$checksums" -eq 1 ] &&
  grep -q '"tasks_per_op": 254,' "$json" &&
  ! grep -q '^      "errors": [1-9]' "$json"; then
  ok
else
  fail "example.tree_sum -> exit $rc, $ok ok runs (want 7), $checksums checksums (want 1), output:"
  echo "$out" | head -40
fi

# 3c. The merge-sort example (nodes that combine): sorted under every
#     strategy that can fork (all but tbb-pipeline), one checksum, 62 tasks
#     per op.
out=$("$example" --filter example.merge_sort --ops 2 --set n=100000 \
  --set grain=5000 --repetitions 1 --warmup 0 --quiet --no-color \
  --json "$json" 2>&1)
rc=$?
ok=$(grep -c '^      "status": "ok",' "$json")
checksums=$(grep '^      "checksum": "0x' "$json" | sort -u | wc -l)
if [ "$rc" -eq 0 ] && [ "$ok" -eq 7 ] && [ "$checksums" -eq 1 ] &&
  grep -q '"tasks_per_op": 62,' "$json" &&
  ! grep -q '^      "errors": [1-9]' "$json"; then
  ok
else
  fail "example.merge_sort -> exit $rc, $ok ok runs (want 7), $checksums checksums (want 1), output:"
  echo "$out" | head -40
fi

# 3d. The pipeline with per-op data (real loopback HTTP fetch, parse, per-op
#     crunch, digest checked in the op-finished hook): every strategy,
#     tbb-pipeline included, with one checksum and no failed op; the parse
#     is said to be unsplittable.
out=$("$example" --filter example.fetch_parse_crunch --ops 8 --set records=2000 \
  --set delay=1ms --repetitions 1 --warmup 0 --quiet --no-color \
  --json "$json" 2>&1)
rc=$?
ok=$(grep -c '^      "status": "ok",' "$json")
checksums=$(grep '^      "checksum": "0x' "$json" | sort -u | wc -l)
if [ "$rc" -eq 0 ] && [ "$ok" -eq 8 ] && [ "$checksums" -eq 1 ] &&
  grep -q '"kind": "cpu_whole"' "$json" &&
  tr -s ' \n' ' ' <<<"$out" | grep -q 'tbb-pipeline: fetch io [^;]*parse cpu (unsplittable)' &&
  ! grep -q '^      "errors": [1-9]' "$json"; then
  ok
else
  fail "example.fetch_parse_crunch -> exit $rc, $ok ok runs (want 8), $checksums checksums (want 1), output:"
  echo "$out" | head -40
fi

# 4. A bad parameter value is a usage error (exit 2) naming the parameter.
out=$("$example" --filter example.checksum --set size=0 --strategy sequential \
  --ops 1 --repetitions 1 --warmup 0 --quiet 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "parameter 'size'" <<<"$out"; then
  ok
else
  fail "--set size=0 -> exit $rc (want 2), output:"
  echo "$out" | head -10
fi

finish
