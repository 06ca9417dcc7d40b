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
# Up to 10 s for apbench PID's servers and folders to be gone.
wait_all_gone() {
  for _ in $(seq 100); do
    [ -z "$(servers_of "$1")" ] && [ -z "$(folders_of "$1")" ] && return
    sleep 0.1
  done
}

# Each query kind under every strategy: one checksum per query kind across
# the protocols and pipeline mode, no failed op, the blocking strategies n/a
# with pipeline=on (by name), pipelines deeper than one query per sync
# under `async`. One apbench process per case sweeps the query kinds on
# its one private server; the three run at once (mostly waiting for their
# servers to start). (Only this test's own apbench processes are
# looked at: other jobs on the machine may run private servers of their
# own.)
cases="prepared,off prepared,on extended,on"
declare -A pids
for case in $cases; do
  protocol=${case%,*} pipeline=${case#*,}
  timeout 120 "$apbench" -q --filter io.postgres --ops 12 --concurrency 4 \
    --set query=sleep,lookup,aggregate --set protocol=$protocol \
    --set pipeline=$pipeline --set connections=2 --set delay=2ms \
    --set scan=2000 --set rows=500 --repetitions 1 --warmup 0 \
    --json "$case.json" >"$case.out" 2>"$case.err" &
  pids[$case]=$!
done
for case in $cases; do
  pid=${pids[$case]}
  wait "$pid"
  rc=$?
  [ "$rc" -eq 0 ] && ok || { fail "$case: exit $rc"; head -5 "$case.err"; }
  for _ in $(seq 20); do
    [ -z "$(servers_of "$pid")" ] && [ -z "$(folders_of "$pid")" ] && break
    sleep 0.1
  done
  [ -z "$(servers_of "$pid")" ] && ok || fail "a server outlived apbench $pid: $(pgrep -af "apbench-postgres-$pid-")"
  [ -z "$(folders_of "$pid")" ] && ok || fail "a folder outlived apbench $pid: $(folders_of "$pid")"
done
"$python" - prepared,off.json prepared,on.json extended,on.json <<'EOF' && ok || fail "the runs disagree (above)"
import json, sys
runs = [r for f in sys.argv[1:] for r in json.load(open(f))["runs"]]
problems = []
for query in ("sleep", "lookup", "aggregate"):
    ran = [r for r in runs if r["params"]["query"] == query and r["status"] == "ok"]
    sums = {r["checksum"] for r in ran}
    cases = {(r["params"]["protocol"], r["params"]["pipeline"]) for r in ran}
    if len(sums) != 1 or None in sums or len(cases) != 3:
        problems.append(f"{query}: checksums {sums}, cases {cases}")
    for r in ran:
        if not r["notes"]["server"].startswith("private PostgreSQL"):
            problems.append(f"the notes name no private server: {r['notes']}")
        if r["errors"]:
            problems.append(f"{query} {r['strategy']} {r['params']}: {r['errors_by_message']}")
def ran(pipeline):
    return {r["strategy"] for r in runs if r["params"]["pipeline"] == pipeline and r["status"] == "ok"}
if not {"sequential", "async", "async-pool", "threads", "parallel", "hybrid"} <= ran("off"):
    problems.append(f"pipeline=off ran only {sorted(ran('off'))}")
if ran("on") != {"sequential", "async", "async-pool", "hybrid"}:
    problems.append(f"pipeline=on ran {sorted(ran('on'))}")
for r in runs:
    if r["params"]["pipeline"] == "on" and r["strategy"] in ("threads", "parallel"):
        if r["status"] != "n/a" or "pipeline=on needs the async form" not in r["reason"]:
            problems.append(f"{r['strategy']} with pipeline=on: {r['status']} {r['reason']!r}")
    if r["params"]["pipeline"] == "on" and r["strategy"] == "async" and r["status"] == "ok":
        c = r["counters"]
        # 12 queries a repetition from 4 lanes on 2 connections: several
        # per sync.
        if c["pipeline_queries"] % 12 or c["pipeline_syncs"] >= c["pipeline_queries"]:
            problems.append(f"async pipeline counters {c}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
EOF

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

# The server killed mid-run, under a pipelined run (two ops in flight on
# each connection): they fail by cause, the run ends long before
# op_timeout x ops, and so does the one after it, the results written.
# Killed once ops are in flight (client backends running a query).
"$apbench" -q --filter io.postgres --ops 40 --concurrency 4 --set delay=200ms \
  --set op_timeout=5s --set connections=2 --set pipeline=on \
  --strategy async,async-pool,threads --repetitions 1 --warmup 0 \
  --json killed.json >killed.out 2>killed.err &
pid=$!
server=
for _ in $(seq 600); do # (a loaded machine may take long to get there)
  server=$(pgrep -f "postgres -D ${TMPDIR:-/tmp}/apbench-postgres-$pid-" | head -1)
  [ -n "$server" ] && [ "$(pgrep -P "$server" -f "SELECT" | wc -l)" -ge 2 ] && break
  sleep 0.05
done
start=$SECONDS
[ -n "$server" ] && kill -KILL "$server"
wait "$pid"
rc=$?
elapsed=$((SECONDS - start))
[ -n "$server" ] && ok || fail "found no server of apbench $pid to kill"
[ "$elapsed" -le 15 ] && ok || fail "the runs went on ${elapsed} s after the server died"
"$python" - killed.json <<'EOF' && ok || fail "a killed server: errors by cause (above)"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
causes = {r["strategy"]: r.get("errors_by_cause", {}) for r in runs}
status = {r["strategy"]: (r["status"], r.get("reason", "")) for r in runs}
# In flight when it died: reset; sent after: connect (never timeout here:
# op_timeout is 5 s and everything ended sooner).
if ("reset" not in causes.get("async", {})
        or any(set(c) - {"reset", "connect"} for c in causes.values())
        or not causes.get("async-pool")
        or status.get("threads", ("", ""))[0] != "n/a"):
    print("runs", status, "causes", causes)
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
wait_all_gone "$pid"
[ -z "$(servers_of "$pid")" ] && ok || fail "a server outlived a SIGKILLed apbench: $(pgrep -af "apbench-postgres-$pid-")"
[ -z "$(folders_of "$pid")" ] && ok || fail "a folder outlived a SIGKILLed apbench: $(folders_of "$pid")"
# SIGKILLed while initdb still fills the folder (seen under ASan on a bare
# machine: the folder was refilled after the watchdog removed it): the
# watchdog stops initdb too and removes the folder until it stays gone.
"$apbench" -q --filter io.postgres --ops 2 --set delay=10ms \
  --strategy sequential --repetitions 1 --warmup 0 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do
  pgrep -f "initdb -D .*apbench-postgres-$pid-" >/dev/null && break
  sleep 0.02
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
wait_all_gone "$pid"
[ -z "$(servers_of "$pid")" ] && [ -z "$(folders_of "$pid")" ] && ok ||
  fail "killed during initdb, apbench left: $(servers_of "$pid") $(folders_of "$pid")"

finish postgres
