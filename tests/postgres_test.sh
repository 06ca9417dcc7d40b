#!/usr/bin/env bash
# io.postgres against its private PostgreSQL (started as user postgres when
# this runs as root): every strategy that can run it gives the same checked
# answer for each query kind; a server killed mid-run fails the ops by
# cause and the run still ends with its results; a bad target is one line
# and exit 2; nothing is left behind, not even by a SIGKILLed apbench.
# Skipped (exit 77) without PostgreSQL's server programs.
# Usage: postgres_test.sh APBENCH PYTHON
set -u
apbench=$(realpath "$1")
python="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"
cd "$tmp" || exit 1

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${APBENCH_PG_BINDIR:-}" ]; then
  echo "skipped: no PostgreSQL server programs (Debian's postgresql)"
  exit 77
fi

# servers_of PID: the private servers apbench PID started (still running).
servers_of() { pgrep -f "apbench-postgres-$1-" || true; }
folders_of() { ls -d "${TMPDIR:-/tmp}"/apbench-postgres-"$1"-* 2>/dev/null || true; }

# Each query kind under every strategy: one checksum, no failed op.
# (Only this test's own apbench processes are looked at: other jobs on the
# machine may run private servers of their own.)
for query in sleep lookup aggregate; do
  timeout 120 "$apbench" -q --filter io.postgres --ops 12 --concurrency 4 \
    --set query=$query --set delay=20ms --set scan=2000 --set rows=500 \
    --repetitions 1 --warmup 0 --json "$query.json" >"$query.out" 2>"$query.err" &
  pid=$!
  wait "$pid"
  rc=$?
  [ "$rc" -eq 0 ] && ok || { fail "query=$query: exit $rc"; head -5 "$query.err"; }
  for _ in $(seq 20); do
    [ -z "$(servers_of "$pid")" ] && [ -z "$(folders_of "$pid")" ] && break
    sleep 0.1
  done
  [ -z "$(servers_of "$pid")" ] && ok || fail "a server outlived apbench $pid: $(pgrep -af "apbench-postgres-$pid-")"
  [ -z "$(folders_of "$pid")" ] && ok || fail "a folder outlived apbench $pid: $(folders_of "$pid")"
  "$python" - "$query.json" "$query" <<'EOF' && ok || fail "query=$query: the runs disagree (above)"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
ran = [r for r in runs if r["status"] == "ok"]
bad = [f"{r['strategy']}: {r['errors']} errors {r['errors_by_message']}" for r in ran if r["errors"]]
sums = {r["checksum"] for r in ran}
if len(ran) < 5 or bad or len(sums) != 1 or None in sums:
    print(sys.argv[2], "ran", [r["strategy"] for r in ran], bad, sums)
    sys.exit(1)
EOF
done
grep -q "private PostgreSQL" lookup.out && ok || fail "the console names the private server"

# A bad target: one line, exit 2.
expect_usage() {
  timeout 30 "$apbench" -q --filter io.postgres --ops 2 "$@" >out 2>err </dev/null
  local rc=$?
  if [ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && [ ! -s out ]; then ok
  else fail "apbench $* -> exit $rc, stdout $(wc -c <out) bytes, stderr:"; head -3 err; fi
}
expect_usage --set target=mysql://localhost/db
expect_usage --set target=postgresql://apbench@127.0.0.1:1/postgres
expect_usage --set query=lookup --set target=postgresql://x@127.0.0.1:1/db
expect_usage --set connections=251

# The server killed mid-run: ops fail by cause, the run ends long before
# op_timeout x ops, the results are written.
"$apbench" -q --filter io.postgres --ops 40 --concurrency 4 --set delay=200ms \
  --set op_timeout=5s --strategy async,threads --repetitions 1 --warmup 0 \
  --json killed.json >killed.out 2>killed.err &
pid=$!
for _ in $(seq 100); do
  server=$(pgrep -f "postgres -D ${TMPDIR:-/tmp}/apbench-postgres-$pid-" | head -1)
  [ -n "$server" ] && break
  sleep 0.1
done
sleep 1.5 # the server answers and the first ops are waiting
start=$SECONDS
[ -n "$server" ] && kill -KILL "$server"
wait "$pid"
rc=$?
elapsed=$((SECONDS - start))
[ -n "$server" ] && ok || fail "found no server of apbench $pid to kill"
[ "$elapsed" -le 15 ] && ok || fail "the run went on ${elapsed} s after the server died"
"$python" - killed.json <<'EOF' && ok || fail "a killed server: errors by cause (above)"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
causes = {}
for r in runs:
    for cause, n in r.get("errors_by_cause", {}).items():
        causes[cause] = causes.get(cause, 0) + n
if not runs or not set(causes) & {"reset", "connect"} or set(causes) - {"reset", "connect", "timeout"}:
    print("runs", [(r["strategy"], r["status"]) for r in runs], "causes", causes)
    sys.exit(1)
EOF
[ "$rc" -le 1 ] && ok || fail "exit $rc after the server died: $(head -3 killed.err)"

# A SIGKILLed apbench: its watchdog stops the server and removes the folder.
"$apbench" -q --filter io.postgres --ops 20 --concurrency 2 --set delay=1s \
  --strategy sequential --repetitions 1 --warmup 0 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  [ -n "$(servers_of "$pid")" ] && break
  sleep 0.1
done
[ -n "$(servers_of "$pid")" ] && ok || fail "no server started by apbench $pid"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 100); do
  [ -z "$(servers_of "$pid")" ] && [ -z "$(folders_of "$pid")" ] && break
  sleep 0.1
done
[ -z "$(servers_of "$pid")" ] && ok || fail "a server outlived a SIGKILLed apbench: $(pgrep -af "apbench-postgres-$pid-")"
[ -z "$(folders_of "$pid")" ] && ok || fail "a folder outlived a SIGKILLed apbench: $(folders_of "$pid")"

finish postgres
