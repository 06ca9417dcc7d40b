#!/usr/bin/env bash
# Flags that used to be taken wrong: --start-at past the supported range or
# on a day that does not exist; --charts '' , in a missing folder, or on a
# file; compare's options before its files; merge --help's examples; a
# `threads` load above its thread bound; a descriptor limit that leaves no
# connection; a file size limit (SIGXFSZ) while writing an output.
# Usage: flags_test.sh APBENCH
set -u
apbench=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"
cd "$tmp" || exit 1

# expect CODE PATTERN -- ARGS...: exit CODE within 60 s, stderr matching
# PATTERN (extended regex).
expect() {
  local code="$1" pattern="$2"
  shift 3
  timeout 60 "$apbench" "$@" >out 2>err </dev/null
  local rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$pattern" ] || grep -qE -- "$pattern" err; }; then ok
  else
    fail "apbench $* -> exit $rc (want $code), stderr:"
    head -5 err
    echo "  (wanted /$pattern/)"
  fi
}
quick=(--filter io.sleep --ops 2 --set delay=1ms --strategy async
  --repetitions 1 --warmup 0 -q)

# --start-at.
expect 2 "bad value '2026-02-30T00:00:00Z' for --start-at \(2026-02 has no day 30\)" -- "${quick[@]}" --start-at 2026-02-30T00:00:00Z
expect 2 "bad value '2025-04-31T00:00:00Z' for --start-at \(2025-04 has no day 31\)" -- "${quick[@]}" --start-at 2025-04-31T00:00:00Z
expect 2 "bad value '1e10' for --start-at \(too far in the future\): .*before 2262-01-01T00:00:00Z" -- "${quick[@]}" --start-at 1e10
expect 2 "bad value '9999-12-31T23:59:59Z' for --start-at \(too far in the future\)" -- "${quick[@]}" --start-at 9999-12-31T23:59:59Z
expect 2 "bad value '2262-01-01T00:00:00Z' for --start-at \(too far" -- "${quick[@]}" --start-at 2262-01-01T00:00:00Z
expect 2 "bad value '-1' for --start-at" -- "${quick[@]}" --start-at -1
# The epoch, as a number or a date, is a time in the past: start at once.
expect 0 "" -- "${quick[@]}" --start-at 0
expect 0 "" -- "${quick[@]}" --start-at 1970-01-01T00:00:00Z
expect 0 "" -- "${quick[@]}" --start-at 2024-02-29T12:00:00Z
# APBENCH_CLOCK_OFFSET plays a host whose clock is off (for tests): a bad
# value is one line and exit 2; an hour ahead, --start-at an hour from now
# is due at once, and the start is stamped an hour ahead.
export APBENCH_CLOCK_OFFSET=soon
expect 2 "environment variable APBENCH_CLOCK_OFFSET='soon' is not an offset: expected seconds" -- "${quick[@]}"
export APBENCH_CLOCK_OFFSET=3600
due=$(($(date +%s) + 3600))
expect 0 "" -- "${quick[@]}" --start-at "$due" --json clock.json
unset APBENCH_CLOCK_OFFSET
stamped=$(grep -oE '"start_unix_s": *[0-9]+' clock.json | head -n 1 | grep -oE '[0-9]+$')
if [ "${stamped:-0}" -ge "$due" ] && [ "$stamped" -lt $((due + 60)) ]; then ok
else fail "APBENCH_CLOCK_OFFSET=3600: start stamped ${stamped:-nothing}, want $due.."; fi

# --charts, checked before anything runs.
expect 2 "--charts was given an empty value: expected a directory name" -- "${quick[@]}" --charts ''
expect 2 "cannot write --charts '$tmp/nonexistent/dir/x': the folder '$tmp/nonexistent/dir' it would be created in does not exist" -- "${quick[@]}" --charts "$tmp/nonexistent/dir/x"
if [ ! -e "$tmp/nonexistent" ]; then ok; else fail "--charts created its parents"; fi
echo text >afile
expect 2 "cannot write --charts 'afile': it exists and is not a directory" -- "${quick[@]}" --charts afile
if [ "$(cat afile)" = text ]; then ok; else fail "--charts touched afile"; fi

# compare: options before, between or after the files.
"$apbench" --filter io.sleep --ops 2 --set delay=1ms --strategy async \
  --repetitions 1 --warmup 0 -q --json d1.json >/dev/null || fail "run d1"
"$apbench" --filter io.sleep --ops 2 --set delay=2ms --strategy async \
  --repetitions 1 --warmup 0 -q --json d2.json >/dev/null || fail "run d2"
expect 0 "" -- compare --ignore-param delay d1.json d2.json
expect 0 "" -- compare --ignore-param=delay d1.json d2.json
expect 0 "" -- compare d1.json --ignore-param delay d2.json
expect 0 "" -- compare d1.json d2.json --ignore-param delay
expect 2 "add --ignore-param delay" -- compare d1.json d2.json

# merge --help's examples run as shown (with files of these names).
"$apbench" merge --help >help.txt
for i in 0 1 2 3; do
  "$apbench" --filter io.sleep --ops 8 --set delay=1ms --strategy async \
    --repetitions 1 --warmup 0 -q --shard "$i/4" --json "shard-$i.json" \
    >/dev/null || fail "shard $i"
done
# Two machines' files: the same run, the second from another host.
cp d1.json small.json
python3 -c "
import json; d = json.load(open('d1.json')); d['context']['host'] = 'big'
json.dump(d, open('big.json', 'w'))"
examples=0
while read -r line; do
  read -r -a words <<<"${line#apbench }"
  expect 0 "" -- "${words[@]}" --quiet
  examples=$((examples + 1))
done < <(grep -E '^  apbench merge ' help.txt | sed 's/^  //')
if [ "$examples" -eq 2 ] && [ -s all.json ] && [ -s hosts.json ]; then ok
else fail "merge --help: $examples examples run"; fi

# threads: a load above the bound fails before any thread is created.
out=$(APBENCH_MAX_THREADS=50 timeout 60 "$apbench" --filter io.sleep \
  --set delay=1ms --ops 200 --strategy threads --repetitions 1 --warmup 0 \
  --no-color --json threads.json 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q "failed — 200 ops in flight need 200 threads, above the bound of 50" <<<"$out" &&
  python3 -c "
import json; r = json.load(open('threads.json'))['runs'][0]
assert r['status'] == 'failed' and r['reason'].endswith(
    'above the bound of 50 (set by APBENCH_MAX_THREADS): lower --concurrency')"; then ok
else fail "threads above the bound: exit $rc: $out"; fi
# The default bound: 4096, or ulimit -u when lower.
bound=$(ulimit -u)
if [ "$bound" = unlimited ] || [ "$bound" -gt 4096 ]; then bound=4096; fi
out=$(timeout 60 "$apbench" --filter io.sleep --set delay=1ms --ops 5000 \
  --strategy threads --repetitions 1 --warmup 0 --no-color 2>&1)
if grep -q "failed — 5000 ops in flight need 5000 threads, above the bound of $bound " <<<"$out"; then ok
else fail "threads, 5000 ops: $out"; fi
# Below it, as before.
out=$(APBENCH_MAX_THREADS=50 timeout 60 "$apbench" --filter io.sleep \
  --set delay=1ms --ops 50 --strategy threads --repetitions 1 --warmup 0 \
  --no-color 2>&1)
if grep -q "failed" <<<"$out"; then fail "threads at the bound: $out"; else ok; fi

# A descriptor limit that leaves no connection says what to do.
out=$(ulimit -n 64 && timeout 60 "$apbench" --filter io.http \
  --set connections=200 --ops 10 --strategy async -q 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "the open-file limit (ulimit -n) is 64, which leaves none for connections: raise it (ulimit -n [0-9]* or more" <<<"$out"; then ok
else fail "ulimit -n 64: exit $rc: $out"; fi

# A file size limit: the write fails with an error line and exit 1 (the
# signal SIGXFSZ is ignored), the earlier file is kept.
echo '{"keep": 1}' >limited.json
out=$(ulimit -f 1 && timeout 60 "$apbench" "${quick[@]}" --json limited.json 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q "writing --json 'limited.json' failed: File too large" <<<"$out" &&
  [ "$(cat limited.json)" = '{"keep": 1}' ]; then ok
else fail "ulimit -f: exit $rc: $out"; fi

# io.file past the file size limit: the run fails with the reason (the
# process died of SIGXFSZ, exit 153, without a word) and its folder goes.
mkdir files
out=$(ulimit -f 4096 && TMPDIR="$tmp/files" timeout 60 "$apbench" \
  --filter io.file --set size=12MiB --ops 4 --strategy sequential \
  --repetitions 1 --warmup 0 --no-color --json iofile.json 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && python3 -c "
import json, re; r = json.load(open('iofile.json'))['runs'][0]
assert r['status'] == 'failed' and re.match(
    'setup failed: cannot write .*/0.bin: File too large', r['reason'])" &&
  [ -z "$(ls -A files)" ]; then ok
else fail "io.file past ulimit -f: exit $rc: $out; left: $(ls -A files)"; fi

finish flags
