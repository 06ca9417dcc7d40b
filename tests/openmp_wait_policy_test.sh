#!/usr/bin/env bash
# A run after `openmp` is not slowed by libgomp's idle threads, even when
# the environment tells them to spin (OMP_WAIT_POLICY=active: for minutes):
# the strategy then ends its team after each batch. The runner interleaves
# repetitions (openmp's, then sequential's, ...), so each of sequential's
# repetitions but the first follows one of openmp's; it must see no team
# thread (its peak thread count stays that of its first repetition, before
# any openmp) and use about one core (a spinning thread would add one).
# Usage: openmp_wait_policy_test.sh APBENCH
set -u
apbench=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! OMP_WAIT_POLICY=active timeout 120 "$apbench" --filter cpu.spin \
  --set work=10ms --ops 4 --repetitions 4 --warmup 0 --threads 2 \
  --strategy sequential,openmp --json "$tmp/r.json" >"$tmp/out" 2>&1; then
  cat "$tmp/out"
  echo "FAIL: apbench exited non-zero"
  exit 1
fi
# python3 (Debian's, which setup.sh brings), not jq: a bare machine has none.
python3 - "$tmp/r.json" <<'PY' || {
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
reps = sorted((r for run in runs if run["strategy"] == "sequential"
               for r in run["repetition_samples"]),
              key=lambda r: r["start_unix_s"])
ok = (len(reps) == 4
      and all(r["peak_threads"] <= reps[0]["peak_threads"] for r in reps)
      and all(r["cpu_user_s"] + r["cpu_system_s"] < 1.5 * r["wall_s"]
              for r in reps))
if not ok:
    for run in runs:
        print(run["strategy"], [[r["start_unix_s"], r["peak_threads"],
                                 r["cpu_user_s"] + r["cpu_system_s"], r["wall_s"]]
                                for r in run["repetition_samples"]])
sys.exit(0 if ok else 1)
PY
  echo "FAIL: a sequential repetition after openmp saw its team or a spinner"
  exit 1
}
echo "1 passed, 0 failed"
