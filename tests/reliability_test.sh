#!/usr/bin/env bash
# End-to-end reliability of the apbench executable: SIGINT / SIGTERM /
# SIGHUP stop a long run promptly with the right exit status and complete,
# interrupted-marked JSON; a second Ctrl-C exits at once; output files are
# checked up front and written atomically (SIGKILL, a later bad path or a
# closed stdout never empty an existing file); a run in which every op
# failed is never recommended. Loopback only: 127.0.0.1:9 (discard) has no
# listener on a test machine, so every connect is refused.
set -u
apbench=$(realpath "$1")
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/checks.sh"
now() { date +%s.%N; }
# json_check FILE PYTHON-EXPRESSION-ON-d: true when the file is valid JSON
# and the expression holds.
json_check() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1" 2>/dev/null
}

# signal_test NAME SIGNAL STATUS SIGNALS-TO-SEND -- ARGS: starts apbench,
# waits until it is inside its long op, sends the signal (twice: a second
# one exits at once),
# and checks the exit status, the time to stop (< 5 s, generous for
# sanitizer builds) and the JSON.
signal_test() {
  local name="$1" sig="$2" want="$3" count="$4"
  shift 5
  local json="$tmp/$name.json" err="$tmp/$name.err"
  "$apbench" "$@" --json "$json" --quiet >/dev/null 2>"$err" &
  local pid=$!
  pids+=("$pid")
  sleep 1.5 # set-up, warm-up calibration; the run is then inside its op
  local start
  start=$(now)
  kill "-$sig" "$pid"
  if [ "$count" -gt 1 ]; then
    sleep 0.05
    kill "-$sig" "$pid" 2>/dev/null
  fi
  wait "$pid"
  local rc=$?
  local took
  took=$(python3 -c "print($(now) - $start)")
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, want $want"; sed 's/^/  /' "$err"
  elif python3 -c "import sys; sys.exit(0 if $took < 5 else 1)"; then ok
  else fail "$name: took $took s to stop"
  fi
  if json_check "$json" 'd["interrupted"] is True and all(r["interrupted"] for r in d["runs"]) and len(d["runs"]) >= 1'; then
    ok
  else
    fail "$name: JSON missing, invalid or not marked interrupted"
    head -c 600 "$json" 2>/dev/null
  fi
  if grep -q "received" "$err"; then ok; else fail "$name: no acknowledgement on stderr"; fi
}

open_loop=(--filter io.sleep --rate 1 --duration 86400s --set delay=1ms --warmup 0)
long_sleep=(--filter io.sleep --ops 4 --set delay=1h --warmup 0)
signal_test int_open INT 130 1 -- "${open_loop[@]}" --strategy async
signal_test term_open TERM 143 1 -- "${open_loop[@]}" --strategy threads
signal_test hup_open HUP 129 1 -- "${open_loop[@]}" --strategy sequential
signal_test int_sleep INT 130 1 -- "${long_sleep[@]}" --strategy sequential,async,parallel
signal_test term_sleep TERM 143 1 -- "${long_sleep[@]}" --strategy threads,hybrid
signal_test double_int INT 130 2 -- "${long_sleep[@]}" --strategy async
# A run cut during warm-up is interrupted, not failed.
signal_test warmup INT 130 1 -- --filter io.sleep --ops 2 --set delay=1h --strategy async
if json_check "$tmp/warmup.json" 'd["runs"][0]["status"] == "interrupted"'; then ok
else fail "warm-up: status is not interrupted"; fi

# SIGKILL after the first finished run: the file holds it, marked
# interrupted (the process could not say more), and an older file there is
# replaced, never emptied.
echo '{"older": true}' >"$tmp/kill.json"
"$apbench" --filter io.sleep --set delay=1ms --rate 5,10 --duration 2s \
  --strategy async --json "$tmp/kill.json" -q >/dev/null 2>&1 &
pid=$!
pids+=("$pid")
sleep 0.2
if json_check "$tmp/kill.json" 'd.get("older") is True'; then ok
else fail "kill: the older file was touched before a run finished"; fi
# Once the first point (2 s) is in the file, the second is running.
for _ in $(seq 100); do
  json_check "$tmp/kill.json" 'len(d.get("runs", [])) == 1' && break
  sleep 0.05
done
{
  kill -KILL "$pid"
  wait "$pid"
} 2>/dev/null
if json_check "$tmp/kill.json" 'd["interrupted"] is True and len(d["runs"]) == 1 and d["runs"][0]["status"] == "ok"'; then ok
else fail "kill: the first run is not in the file"; head -c 400 "$tmp/kill.json"; fi
if ls -a "$tmp" | grep -q apbench-; then fail "kill: a temporary file was left"; else ok; fi

quick=(--filter io.sleep --ops 2 --set delay=1ms --strategy async --repetitions 1 --warmup 0 -q)
# expect CODE PATTERN -- ARGS...: exit code CODE, output matching PATTERN.
expect() {
  local code="$1" pattern="$2"
  shift 3
  local out rc
  out=$("$apbench" "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$code" ] && grep -qE -- "$pattern" <<<"$out"; then ok
  else
    fail "apbench $* -> exit $rc (want $code), output:"
    echo "$out" | head -10
    echo "  (wanted /$pattern/)"
  fi
}
cd "$tmp" || exit 1
expect 2 "--json and --csv both write" -- "${quick[@]}" --json same.out --csv same.out
expect 2 "--json and --markdown both write" -- "${quick[@]}" --json same.out --markdown ./same.out
# A device other than /dev/null is refused up front (hang_test.sh has the
# rest); a write that fails late is tested with ulimit -f in flags_test.sh.
expect 2 "cannot write --json '/dev/full': it is a character device" -- "${quick[@]}" --json /dev/full
echo '{"keep": 1}' >keep.json
expect 2 "cannot write --csv 'nodir/x.csv'" -- "${quick[@]}" --json keep.json --csv nodir/x.csv
if json_check keep.json 'd == {"keep": 1}'; then ok; else fail "a bad later path emptied keep.json"; fi
expect 2 "cannot write --json '.*': it is a directory" -- "${quick[@]}" --json "$tmp"
expect 2 "--json was given an empty value" -- "${quick[@]}" --json ''
expect 2 "--strategy was given an empty value" -- --filter io.sleep --strategy ''
# A closed stdout (SIGPIPE) does not lose the file.
"$apbench" "${quick[@]}" --json pipe.json | true
if json_check pipe.json 'd["interrupted"] is False and d["runs"][0]["status"] == "ok"'; then ok
else fail "closed stdout: pipe.json missing or incomplete"; fi
# /dev/null is written in place, once (nothing to see).
expect 0 "" -- "${quick[@]}" --json /dev/null

# Every op failed (nothing listens on 127.0.0.1:9): failed, never fastest,
# never advised, never a baseline.
out=$("$apbench" --filter io.tcp_echo --set target=127.0.0.1:9 --ops 50 \
  --strategy sequential,async --repetitions 1 --warmup 0 --no-color \
  --json allfail.json 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q "failed — every op failed (50 errors, mostly connect" <<<"$out" &&
  ! grep -qE "advice:|\*" <<<"$out"; then ok
else fail "all-failed run: exit $rc, output:"; echo "$out" | head -20; fi
if json_check allfail.json 'all(r["status"] == "failed" and r["speedup_vs_sequential"] is None for r in d["runs"]) and d["advice"] == [] and not any("faster" in s for s in d["summary"])'; then ok
else fail "all-failed run: JSON ranks or advises it"; fi

# Smaller input checks: a bind address not of this host, connections past
# ulimit -n, huge or CR/LF input echoed escaped and capped.
expect 2 "'bind': not an address of this host" -- --filter io.tcp_echo --set bind=192.0.2.1 --ops 2
out=$(ulimit -n 80 && "$apbench" --filter io.tcp_echo --set connections=40 --ops 400 --strategy async -q 2>&1)
if [ $? -eq 2 ] && grep -q "open-file limit (ulimit -n) is 80" <<<"$out"; then ok
else fail "connections past ulimit -n: $out"; fi
out=$("$apbench" --filter io.sleep --set "delay=$(printf 'x%.0s' $(seq 5000))" 2>&1 >/dev/null)
if [ ${#out} -lt 1000 ] && grep -q "more bytes" <<<"$out"; then ok
else fail "a 5000-byte value was echoed whole (${#out} bytes)"; fi
out=$("$apbench" --filter io.sleep --set $'delay=1\r\nms' 2>&1 >/dev/null)
if [ "$(wc -l <<<"$out")" -eq 1 ] && grep -qF '1\r\nms' <<<"$out"; then ok
else fail "CR/LF input not escaped: $out"; fi

# SIGKILL during io.file leaves nothing in the temporary folder.
mkdir -p "$tmp/files"
TMPDIR="$tmp/files" "$apbench" --filter io.file --set files=8 --set size=1MiB \
  --ops 100000 --strategy sequential,async -q >/dev/null 2>&1 &
pid=$!
pids+=("$pid")
sleep 1.5
{
  kill -KILL "$pid"
  wait "$pid"
} 2>/dev/null
if [ -z "$(ls -A "$tmp/files")" ]; then ok
else fail "io.file left files behind: $(ls -A "$tmp/files" | head -3)"; fi

# A SIGKILL while io.file writes its files (during set-up): the folder it
# was writing into stays until the next apbench, which removes it (its
# process is gone); a folder of a live process, or of another shape, stays.
mkdir -p "$tmp/setup"
TMPDIR="$tmp/setup" "$apbench" --filter io.file --set files=8 --set size=64MiB \
  --ops 8 --strategy sequential -q >/dev/null 2>&1 &
pid=$!
pids+=("$pid")
for _ in $(seq 100); do
  [ -n "$(ls -A "$tmp/setup")" ] && break
  sleep 0.02
done
{
  kill -KILL "$pid"
  wait "$pid"
} 2>/dev/null
sh -c 'exit 0' &
dead=$!
wait "$dead"
mkdir "$tmp/setup/apbench-charts-$dead-abcdef" "$tmp/setup/apbench-charts-$$-ghijkl" \
  "$tmp/setup/apbench-other"
touch "$tmp/setup/apbench-charts-$dead-abcdef/chart.svg"
TMPDIR="$tmp/setup" "$apbench" --list >/dev/null
left=$(cd "$tmp/setup" && ls -A | sort | tr '\n' ' ')
if [ "$left" = "apbench-charts-$$-ghijkl apbench-other " ]; then ok
else fail "temporary folders after the next apbench: $left"; fi

finish reliability
