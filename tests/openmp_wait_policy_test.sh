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
jq -e '
  [.runs[] | select(.strategy == "sequential") | .repetition_samples[]]
  | sort_by(.start_unix_s) as $reps
  | ($reps | length) == 4
    and all($reps[]; .peak_threads <= $reps[0].peak_threads)
    and all($reps[]; (.cpu_user_s + .cpu_system_s) < 1.5 * .wall_s)' \
  "$tmp/r.json" >/dev/null || {
  jq -c '.runs[] | [.strategy, [.repetition_samples[]
    | [.start_unix_s, .peak_threads, .cpu_user_s + .cpu_system_s, .wall_s]]]' \
    "$tmp/r.json"
  echo "FAIL: a sequential repetition after openmp saw its team or a spinner"
  exit 1
}
echo "1 passed, 0 failed"
