#!/usr/bin/env bash
# apbench --gbench-json: Google Benchmark's JSON format, with every key
# Google Benchmark's tools/compare.py (gbench/report.py, util.py) reads, and
# times that show the run: on the seed run (io.sleep, 10 ops, sequential vs
# async; 50 ms waits to keep it short) sequential's real_time is ~10x
# async's. A strategy that cannot run io.sleep (tbb-pipeline) is an error
# entry without a time, which compare.py leaves out.
# Usage: gbench_json_test.sh APBENCH
set -u
apbench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$apbench" --filter io.sleep --strategy sequential,async,tbb-pipeline \
  --ops 10 --set delay=50ms --repetitions 3 --quiet --no-color \
  --gbench-json "$tmp/gb.json" >/dev/null || {
  echo "FAIL: apbench exited $?"
  exit 1
}

python3 - "$tmp/gb.json" "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2])
import gbench_compare

doc = json.load(open(sys.argv[1]))
failures = []
def check(ok, what):
    if not ok:
        failures.append(what)

check(isinstance(doc.get("context"), dict), "no context object")
check(isinstance(doc.get("benchmarks"), list), "no benchmarks list")
context = doc.get("context", {})
for key in ("json_schema_version", "date", "host_name", "executable",
            "num_cpus", "mhz_per_cpu", "cpu_scaling_enabled", "caches", "load_avg",
            "library_build_type"):
    check(key in context, f"context has no {key}")
benchmarks = doc.get("benchmarks", [])

# The keys compare.py reads, per entry kind.
common = ("name", "run_name", "run_type", "repetitions", "threads",
          "family_index", "per_family_instance_index")
timed = ("iterations", "real_time", "cpu_time", "time_unit")
for b in benchmarks:
    for key in common:
        check(key in b, f"{b.get('name')}: no {key}")
    if b.get("error_occurred"):
        check(b.get("error_message"), f"{b.get('name')}: error without message")
        for key in ("real_time", "cpu_time"):
            check(key not in b, f"{b.get('name')}: failed run reports {key}")
        # compare.py reads time_unit of every entry with a paired name.
        check(b.get("time_unit") not in (None, "ms"),
              f"{b.get('name')}: time_unit {b.get('time_unit')}")
        continue
    for key in timed:
        check(key in b, f"{b.get('name')}: no {key}")
    if b.get("run_type") == "iteration":
        check("repetition_index" in b, f"{b['name']}: no repetition_index")
        check(b.get("iterations") == 1, f"{b['name']}: iterations != 1")
        check(b.get("name") == b.get("run_name"), f"{b['name']}: run_name")
    elif b.get("run_type") == "aggregate":
        check(b.get("aggregate_name") in ("mean", "median", "stddev", "cv"),
              f"{b['name']}: aggregate_name {b.get('aggregate_name')}")
        check(b["name"] == f"{b['run_name']}_{b['aggregate_name']}",
              f"{b['name']}: not run_name + _ + aggregate_name")
        check(b.get("aggregate_unit") in ("time", "percentage"),
              f"{b['name']}: aggregate_unit")
    else:
        check(False, f"{b.get('name')}: run_type {b.get('run_type')}")

# compare.py reads the file against itself: every ok run pairs, n/a not.
report = gbench_compare.difference_report(gbench_compare.load(sys.argv[1]),
                                          gbench_compare.load(sys.argv[1]))
paired = {name.split("/")[1] for name, _ in report}
check(paired == {"sequential", "async"}, f"compare.py pairs {paired}")
comparable = gbench_compare.is_potentially_comparable_benchmark
def reps(strategy):
    return [b for b in benchmarks if b.get("run_type") == "iteration"
            and b["name"].startswith(f"io.sleep/{strategy}/") and comparable(b)]
def median(strategy):
    return [b["real_time"] for b in benchmarks
            if b.get("aggregate_name") == "median"
            and b["name"].startswith(f"io.sleep/{strategy}/")]

seq, asy = reps("sequential"), reps("async")
check(len(seq) == 3 and len(asy) == 3,
      f"want 3 repetitions each, got {len(seq)} sequential, {len(asy)} async")
check([b["repetition_index"] for b in seq] == [0, 1, 2], "repetition_index")
check(all(b["repetitions"] == 3 for b in seq + asy), "repetitions != 3")
check(all(b["time_unit"] == "ms" for b in seq + asy), "time_unit != ms")
na = [b for b in benchmarks if b["name"].startswith("io.sleep/tbb-pipeline/")]
check(len(na) == 1 and na[0].get("error_occurred")
      and na[0].get("error_message", "").startswith("n/a: "),
      f"tbb-pipeline on io.sleep: want one n/a error entry, got {na}")

if median("sequential") and median("async"):
    s, a = median("sequential")[0], median("async")[0]
    print(f"real_time median: sequential {s:.2f} ms, async {a:.2f} ms, "
          f"ratio {s / a:.2f}x")
    # Ten 50 ms waits in a row vs together: ~10x (noise allowed both ways).
    check(5 <= s / a <= 20, f"sequential/async real_time {s / a:.2f}x")
    check(s >= 500, f"sequential {s} ms < 10 x 50 ms")
    check(all(b["cpu_time"] < b["real_time"] for b in seq),
          "sequential waits used more CPU than wall time")
else:
    check(False, "no median aggregates")
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
[ $? -eq 0 ] || exit 1
echo "gbench_json: passed"
