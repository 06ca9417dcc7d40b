#!/usr/bin/env bash
# The extending example (examples/custom_workload, docs/extending.md): the
# apbench CLI built with one more workload lists it next to the built-in
# ones and runs it under every strategy with one agreed checksum.
# Usage: example_test.sh APBENCH_EXAMPLE_BINARY
set -u
example="$1"
passed=0
failed=0

# pass; fail WHAT: count a check, printing what failed.
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
}

# 1. --list shows the example workload, its parameters, and a built-in one.
list=$("$example" --list 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -qE '^  example\.checksum +hybrid ' <<<"$list" &&
  grep -qE '^ +latency +default 10ms' <<<"$list" &&
  grep -qE '^ +size +default 256KiB' <<<"$list" &&
  grep -qE '^  io\.sleep ' <<<"$list"; then
  pass
else
  fail "$example --list -> exit $rc, output:"
  echo "$list" | head -40
fi

# 2. A small run under every strategy: exit 0, one row per strategy with a
#    wall time, and no checksum disagreement.
args=(--filter 'example.*' --ops 4 --set latency=2ms --set size=64KiB
  --repetitions 1 --warmup 0 --quiet --no-color)
out=$("$example" "${args[@]}" 2>&1)
rc=$?
rows=$(grep -cE '^ +(\* +)?(sequential|async|async-pool|threads|parallel|hybrid) +[0-9.]+ (ns|us|ms|s) ' <<<"$out")
if [ "$rc" -eq 0 ] && grep -q '^example\.checksum (hybrid): 4 ops' <<<"$out" &&
  [ "$rows" -ge 2 ] && ! grep -q 'different checksums' <<<"$out"; then
  pass
else
  fail "$example ${args[*]} -> exit $rc, $rows strategy rows, output:"
  echo "$out" | head -40
fi

# 3. A bad parameter value is a usage error (exit 2) naming the parameter.
out=$("$example" --filter example.checksum --set size=0 --strategy sequential \
  --ops 1 --repetitions 1 --warmup 0 --quiet 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "parameter 'size'" <<<"$out"; then
  pass
else
  fail "--set size=0 -> exit $rc (want 2), output:"
  echo "$out" | head -10
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
