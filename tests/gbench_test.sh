#!/usr/bin/env bash
# apbench_gbench, the Google Benchmark binary of apbench's workloads: its
# JSON parses, names the run as apbench --gbench-json does, and times it as
# apbench does (real_time within 3x of apbench's own median wall time: the
# machine is shared and noisy); an n/a strategy is an error without a time;
# bad --apbench_* flags stop it with exit status 2.
# compare.py (as tests/gbench_compare.py restates it) pairs the two
# outputs, both ways, and reads the n/a entries of both without failing.
# Usage: gbench_test.sh APBENCH_GBENCH APBENCH
set -u
gbench="$1"
apbench="$2"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

# 10 ops x 50 ms keeps it short: async waits them together (~50 ms).
"$gbench" --benchmark_filter='io.sleep/async/' --benchmark_format=json \
  --apbench_set=delay=50ms >"$tmp/gb.json" 2>"$tmp/gb.err" ||
  fail "apbench_gbench exited $?: $(cat "$tmp/gb.err")"
"$apbench" --filter io.sleep --strategy async --set delay=50ms \
  --repetitions 3 --quiet --no-color --json "$tmp/ap.json" \
  --gbench-json "$tmp/ap-gb.json" >/dev/null ||
  fail "apbench exited $?"

python3 - "$tmp/gb.json" "$tmp/ap.json" "$tmp/ap-gb.json" "$here" <<'PY' || exit 1
import json, sys
sys.path.insert(0, sys.argv[4])
import gbench_compare

gb = json.load(open(sys.argv[1]))
ap = json.load(open(sys.argv[2]))
ap_gb = json.load(open(sys.argv[3]))
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

expected = ("io.sleep/async/ops:10/delay:50ms/distribution:fixed"
            "/process_time/manual_time")
names = [b["name"] for b in gb["benchmarks"]]
check(names == [expected], f"names {names}, want [{expected}]")
check({b["run_name"] for b in ap_gb["benchmarks"]} == {expected},
      "apbench --gbench-json names the run differently: "
      f"{[b['run_name'] for b in ap_gb['benchmarks']]}")
for key in ("date", "host_name", "num_cpus", "library_build_type"):
    check(key in gb["context"], f"context has no {key}")

if names:
    b = gb["benchmarks"][0]
    check(not b.get("error_occurred"), f"error: {b.get('error_message')}")
    check(b.get("time_unit") == "ms", f"time_unit {b.get('time_unit')}")
    check(b.get("iterations", 0) >= 1, f"iterations {b.get('iterations')}")
    real_ms = b.get("real_time", 0)
    wall_ms = ap["runs"][0]["wall_s"]["median"] * 1e3
    print(f"apbench_gbench real_time {real_ms:.2f} ms, "
          f"apbench wall median {wall_ms:.2f} ms")
    # Ten 50 ms waits cannot end before 50 ms.
    check(real_ms >= 50, f"real_time {real_ms} ms < 50 ms")
    check(wall_ms / 3 <= real_ms <= wall_ms * 3,
          f"real_time {real_ms} ms vs apbench's {wall_ms} ms: over 3x apart")
    check(0.045 <= b.get("p50_s", 0) <= wall_ms * 3e-3,
          f"p50_s {b.get('p50_s')}")
    check(b.get("p99_s", 0) >= b.get("p50_s", 1), "p99_s < p50_s")
    check(0 < b.get("efficiency", 0) <= 1.01,
          f"efficiency {b.get('efficiency')}")
    ips = b.get("items_per_second", 0)
    check(abs(ips - 10 / (real_ms / 1e3)) <= 0.05 * ips,
          f"items_per_second {ips} is not 10 ops / real_time")
    check(b.get("errors") == 0, f"errors {b.get('errors')}")
# compare.py pairs the adapter's run with apbench's, either way round.
for a, b in ((sys.argv[1], sys.argv[3]), (sys.argv[3], sys.argv[1])):
    report = gbench_compare.difference_report(gbench_compare.load(a),
                                              gbench_compare.load(b))
    check([name for name, _ in report] == [expected],
          f"compare.py {a} {b} pairs {[name for name, _ in report]}")
    check(all(old > 0 and new > 0 for _, m in report for old, new in m),
          f"compare.py {a} {b}: times {report}")
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY

# A strategy that cannot run the workload: an error with the reason (and
# Google Benchmark's time 0); compare.py reads it beside apbench's entry for
# the same run, which has no time, and pairs nothing.
"$gbench" --benchmark_filter='io.sleep/tbb-pipeline/' --benchmark_format=json \
  --apbench_set=delay=1ms >"$tmp/na.json" 2>/dev/null ||
  fail "apbench_gbench (n/a) exited $?"
"$apbench" --filter io.sleep --strategy tbb-pipeline --set delay=1ms --quiet \
  --no-color --gbench-json "$tmp/ap-na.json" >/dev/null ||
  fail "apbench (n/a) exited $?"
python3 - "$tmp/na.json" "$tmp/ap-na.json" "$here" <<'PY' || exit 1
import json, sys
sys.path.insert(0, sys.argv[3])
import gbench_compare
b = json.load(open(sys.argv[1]))["benchmarks"]
if len(b) != 1 or not b[0].get("error_occurred") or \
        not b[0].get("error_message", "").startswith("n/a: ") or \
        b[0].get("real_time", 0) != 0:
    sys.exit(f"FAIL: n/a run reported as {b}")
mine = json.load(open(sys.argv[2]))["benchmarks"]
if [x["name"] for x in mine] != [b[0]["name"]] or "real_time" in mine[0]:
    sys.exit(f"FAIL: apbench's n/a entry {mine} vs {b}")
for x, y in ((sys.argv[1], sys.argv[2]), (sys.argv[2], sys.argv[1])):
    report = gbench_compare.difference_report(gbench_compare.load(x),
                                              gbench_compare.load(y))
    if report:
        sys.exit(f"FAIL: compare.py {x} {y} paired an n/a run: {report}")
PY

# Bad input: exit 2, one line naming it.
out=$("$gbench" --apbench_set=dely=5ms 2>&1)
[ $? -eq 2 ] && grep -q "unknown parameter 'dely'" <<<"$out" ||
  fail "--apbench_set=dely=5ms: $out"
out=$("$gbench" --apbench_ops=zero 2>&1)
[ $? -eq 2 ] && grep -q "apbench_ops" <<<"$out" || fail "--apbench_ops=zero: $out"
out=$("$gbench" --apbench_nope=1 2>&1)
[ $? -eq 2 ] && grep -q "unknown flag '--apbench_nope'" <<<"$out" ||
  fail "--apbench_nope=1: $out"
"$gbench" --help | grep -q -- "--apbench_set" || fail "--help lacks --apbench_set"
echo "gbench: passed"
