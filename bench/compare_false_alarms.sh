#!/usr/bin/env bash
# How often `apbench compare` calls noise a change: PAIRS back-to-back pairs
# of the same build, `apbench --filter 'cpu.*' --repetitions 9` each (the
# default --forks: one process per repetition), each pair compared; counts
# the rows judged `slower` or `faster` (a false alarm, since nothing
# changed) and `more errors`. Prints one line per pair, then the total.
# Needs a quiet machine: print `uptime` beside the figure.
#   bench/compare_false_alarms.sh build/release/apbench [PAIRS] [EXTRA ARGS...]
set -euo pipefail
apbench="${1:?usage: compare_false_alarms.sh APBENCH [PAIRS] [ARGS...]}"
pairs="${2:-10}"
shift $(($# < 2 ? $# : 2))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=0 rows=0
for ((i = 1; i <= pairs; i++)); do
  for side in a b; do
    "$apbench" --filter 'cpu.*' --repetitions 9 "$@" --quiet --no-color \
      --json "$tmp/$side.json" >/dev/null 2>"$tmp/$side.log"
  done
  "$apbench" compare "$tmp/a.json" "$tmp/b.json" --json "$tmp/c.json" \
    --no-color >/dev/null
  line=$(python3 - "$tmp/c.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
runs = [r for c in doc["comparisons"] for r in c["runs"]]
flagged = [f'{r["workload"]}/{r["strategy"]} {r["verdict"]}' for r in runs
           if r["verdict"] in ("slower", "faster", "more errors")]
tests = sum(c["tests"] for c in doc["comparisons"])
print(len(flagged), len(runs), tests, "; ".join(flagged))
PY
)
  read -r n m tests flagged <<<"$line"
  total=$((total + n)) rows=$((rows + m))
  echo "pair $i: $n of $m rows flagged ($tests tested)${flagged:+: $flagged}"
done
echo "$pairs pairs: $total of $rows rows flagged in all"
