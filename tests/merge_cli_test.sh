#!/usr/bin/env bash
# apbench merge end to end, on shard files of real short runs: the shards of
# one load merge (and their ops drew what the one-process run drew), and
# files that are not shards of one load are refused with exit 2 and exactly
# one line on stderr naming what differs. Mismatches a real run cannot make
# (another apbench version) are edited into copies with python3.
# Usage: merge_cli_test.sh APBENCH PYTHON3
set -u
apbench="$1"
python="${2:-python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"

# run ARGS...: a quiet run that must succeed.
run() {
  if ! "$apbench" "$@" --quiet --no-color >"$tmp/out" 2>&1; then
    fail "apbench $* exited $?:"
    head -5 "$tmp/out"
  fi
}

# Each op of io.tcp_echo adds a digest of its number in the load to the
# run's checksum: the shards' checksums add up to the one process's only
# if shard I's ops are the load's ops I, I + N, ... (merge adds them).
echo=(--filter io.tcp_echo --ops 20 --strategy async --repetitions 1 --warmup 0)
run "${echo[@]}" --json "$tmp/echo.json"
run "${echo[@]}" --shard 0/3 --json "$tmp/echo0.json"
run "${echo[@]}" --shard 1/3 --json "$tmp/echo1.json"
run "${echo[@]}" --shard 2/3 --json "$tmp/echo2.json"

spin=(--filter cpu.spin --set work=100us --ops 20 --strategy sequential
  --repetitions 1 --warmup 0)
run "${spin[@]}" --shard 0/2 --json "$tmp/s0.json"
run "${spin[@]}" --shard 1/2 --json "$tmp/s1.json"
run "${spin[@]}" --shard 1/2 --set work=200us --json "$tmp/work.json"
run "${spin[@]}" --shard 1/2 --seed 9 --json "$tmp/seed.json"
threads=$(($(nproc) + 1))  # not the default (the CPUs apbench may use)
run "${spin[@]}" --shard 1/2 --threads "$threads" --json "$tmp/threads.json"
run --filter io.sleep --set delay=1ms --ops 20 --strategy sequential \
  --repetitions 1 --warmup 0 --shard 1/2 --json "$tmp/sleep.json"
sleep_open=(--filter io.sleep --set delay=1ms --strategy async --duration 200ms
  --repetitions 1 --warmup 0)
run "${sleep_open[@]}" --rate 100 --shard 0/2 --json "$tmp/r100.json"
run "${sleep_open[@]}" --rate 200 --shard 1/2 --json "$tmp/r200.json"

# The shards merge: exit 0, nothing on stderr, 20 ops, and the checksum of
# the one-process run. The shards ran one after another here, so on a slow
# machine (a sanitizer build under load) merge rightly warns that they
# started more than 1 s apart: that warning is about timing, not merging.
"$apbench" merge "$tmp/echo0.json" "$tmp/echo1.json" "$tmp/echo2.json" \
  --json "$tmp/echo-merged.json" --quiet >"$tmp/out" 2>"$tmp/err.all"
rc=$?
grep -v 'warning: the shards started .* apart' "$tmp/err.all" >"$tmp/err"
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]; then ok; else
  fail "merge of three shards: exit $rc, stderr: $(cat "$tmp/err")"
fi
same=$("$python" - "$tmp/echo.json" "$tmp/echo-merged.json" <<'EOF'
import json, sys
whole, merged = (json.load(open(f))["runs"][0] for f in sys.argv[1:])
print(whole["load"]["ops"] == merged["load"]["ops"] == 20
      and merged["checksum"] is not None
      and whole["checksum"] == merged["checksum"]
      and merged["latency_histogram_ns"]["count"] == 20,
      whole["checksum"], merged["checksum"])
EOF
)
if [[ "$same" == True* ]]; then ok; else
  fail "merged shards: 20 ops and the one-process run's checksum ($same)"
fi
"$apbench" merge "$tmp/s0.json" "$tmp/s1.json" --hlog "$tmp/merged.hlog" \
  --quiet >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]; then ok; else
  fail "merge --hlog of two shards: exit $rc, stderr: $(cat "$tmp/err")"
fi
if head -1 "$tmp/merged.hlog" | grep -qx '#\[Histogram log format version 1.3\]' &&
  [ "$(grep -c '^Tag=cpu.spin/sequential/ops:20/' "$tmp/merged.hlog")" -eq 1 ]; then
  ok
else
  fail "merge --hlog: a log with the merged run's interval"
  cat "$tmp/merged.hlog"
fi

# Copies edited where no real run differs so.
"$python" - "$tmp/s1.json" "$tmp/version.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["context"]["apbench_version"] = "0.0.1"
json.dump(doc, open(sys.argv[2], "w"))
EOF
echo '{"runs": []}' >"$tmp/other.json"
printf 'ops,wall\n1,2\n' >"$tmp/notjson.json"

# refused PATTERN FILES...: exit 2 and exactly one stderr line matching.
refused() {
  local pattern="$1"
  shift
  "$apbench" merge "$@" --quiet >/dev/null 2>"$tmp/err"
  local rc=$? lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qE -- "$pattern" "$tmp/err"; then
    ok
  else
    fail "apbench merge $* -> exit $rc (want 2), $lines stderr lines (want 1):"
    cat "$tmp/err"
    echo "  (wanted /$pattern/)"
  fi
}

s0="$tmp/s0.json"
refused "not shards of one load: run 1 \(cpu.spin sequential\) has workload cpu.spin in the first and io.sleep in the second$" \
  "$s0" "$tmp/sleep.json"
refused "'$s0' and '$tmp/work.json' are not shards of one load: .* has parameter work 100us in the first and 200us in the second$" \
  "$s0" "$tmp/work.json"
refused "has --seed 1 in the first and 9 in the second$" "$s0" "$tmp/seed.json"
refused "has --threads $(nproc) in the first and $threads in the second$" \
  "$s0" "$tmp/threads.json"
refused "'$tmp/r100.json' and '$tmp/r200.json' are not shards of one load: run 1 \(io.sleep async\) has --rate 100 in the first and 200 in the second$" \
  "$tmp/r100.json" "$tmp/r200.json"
refused "'$s0' is from apbench [0-9.]+ and '$tmp/version.json' from apbench 0.0.1" \
  "$s0" "$tmp/version.json"
refused "'$tmp/other.json' is not an apbench results file" "$s0" "$tmp/other.json"
refused "'$tmp/notjson.json' is not JSON" "$s0" "$tmp/notjson.json"
refused "cannot read '$tmp/none.json'" "$s0" "$tmp/none.json"
refused "shard 0/2 is given twice" "$s0" "$s0"
refused "1 of 2 shards given; missing shard 1" "$s0"
refused "needs the results files" --json "$tmp/x.json"

finish
