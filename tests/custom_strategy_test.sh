#!/usr/bin/env bash
# The "Your own strategy" path of docs/extending.md: install apbench into an
# empty prefix, build examples/custom_strategy (std-async) against it with
# find_package(apbench), and run it beside the built-ins: the same answer
# on every workload, and the analysis treating std-async like any strategy.
# Usage: custom_strategy_test.sh CMAKE BUILD_DIR EXAMPLE_SOURCE
set -u
cmake_cmd="$1" build="$2" example="$3"
. "$(dirname "$0")/checks.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/install_and_build.sh"
install_and_build "$cmake_cmd" "$build" "$example" "$tmp" || exit 1
bin="$tmp/build/my_runtime"

# 1. Listed among the strategies, after the built-ins of its model.
list=$("$bin" --list 2>&1)
if grep -qE '^  std-async +std::async' <<<"$list"; then ok; else
  fail "--list has no std-async line:"; grep -A12 '^Strategies' <<<"$list"
fi

# 2. The four workloads of the issue, small: every run ok, one checksum per
#    workload, one ideal per workload, std-async n/a nowhere.
args=(--filter io.sleep,cpu.mandelbrot,cpu.fib,hybrid.fetch_process
  --strategy sequential,std-async,parallel --ops 4 --repetitions 2 --warmup 0
  --set io.sleep.delay=20ms --set cpu.mandelbrot.size=256
  --set cpu.fib.n=24 --set cpu.fib.grain=12
  --set hybrid.fetch_process.delay=5ms --set hybrid.fetch_process.work=5ms
  --quiet --no-color --json "$tmp/out.json" --markdown "$tmp/out.md")
out=$("$bin" "${args[@]}" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then ok; else fail "exit $rc: $out"; fi
verdict=$(python3 - "$tmp/out.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
problems = []
by_workload = {}
for run in doc["runs"]:
    w = by_workload.setdefault(run["workload"], {"sums": set(), "ideals": set(), "strategies": set()})
    if run["status"] != "ok":
        problems.append(f'{run["workload"]}/{run["strategy"]}: {run["status"]} {run["reason"]}')
        continue
    w["strategies"].add(run["strategy"])
    if run.get("checksum") is not None:
        w["sums"].add(run["checksum"])
    if run.get("ideal_s") is not None:
        w["ideals"].add(round(run["ideal_s"], 12))
    if run["strategy"] == "std-async":
        t = run.get("strategy_traits", {})
        if t.get("model") != "thread_per_op" or run.get("speedup_vs_sequential") is None:
            problems.append(f'std-async traits or speed-up missing: {t}')
for name, w in by_workload.items():
    if w["strategies"] != {"sequential", "std-async", "parallel"}:
        problems.append(f"{name}: ran {sorted(w['strategies'])}")
    # io.sleep computes nothing to check; the others one answer each.
    if len(w["sums"]) != (0 if name == "io.sleep" else 1):
        problems.append(f"{name}: {len(w['sums'])} checksums")
    if len(w["ideals"]) > 1:
        problems.append(f"{name}: {len(w['ideals'])} ideals")
if len(by_workload) != 4:
    problems.append(f"{len(by_workload)} workloads")
if not doc.get("advice"):
    problems.append("no advice")
print("; ".join(problems) or "ok")
PY
)
if [ "$verdict" = ok ]; then ok; else fail "results: $verdict"; fi
# 3. The report names it like any strategy: a row in each workload's table.
rows=$(grep -c '^| \**std-async' "$tmp/out.md")
if [ "$rows" -ge 4 ]; then ok; else
  fail "Markdown has $rows std-async rows (want 4):"; head -60 "$tmp/out.md"
fi
finish custom_strategy
