#!/usr/bin/env bash
# apbench's io.postgres lookups against PostgreSQL's own pgbench -S
# (select-only: one primary-key read per transaction), side by side, on the
# same server with the same connection counts.
#
# Starts a throw-away PostgreSQL on 127.0.0.1 (initdb as user postgres when
# run as root; always stopped and removed), fills pgbench's tables at scale
# 1 (100 000 accounts), then for each connection count C, PAIRS times:
#   pgbench -S -M simple   -c C   (the statement's text, parsed each time)
#   pgbench -S -M prepared -c C   (prepared once per connection)
#   apbench --set query=lookup --set protocol=prepared, C connections:
#     pipeline=off with C ops in flight (one per connection, as pgbench's
#     clients), and pipeline=on with C x DEPTH ops in flight on the same C
#     connections (libpq's pipeline mode)
# (target= that server, setup=on, rows=100000, the best of STRATEGIES that
# ran without errors; with pipeline=on only the async ones can), and prints
# transactions (ops) per second and apbench's best against pgbench's
# -M prepared, the like-for-like one.
# Usage: bench/postgres_vs_pgbench.sh [APBENCH] [PAIRS] [SECONDS] [CONNECTIONS] [STRATEGIES] [DEPTH] [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
apbench="$(realpath "${1:-build/release/apbench}")"
pairs="${2:-3}"
seconds="${3:-5}"
connections="${4:-1 8 64}"
strategies="${5:-sequential,async,async-pool,threads}"
depth="${6:-4}"
repetitions="${7:-3}"
[ -x "$apbench" ] || { echo "no apbench binary at $apbench (build the release preset)" >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "no PostgreSQL server programs: run scripts/setup.sh" >&2; exit 2; }

work=$(mktemp -d)
as_server=()
[ "$(id -u)" -eq 0 ] && as_server=(runuser -u postgres --)
chmod 755 "$work"
mkdir "$work/data" "$work/socket"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/data" "$work/socket"
port=$((20000 + RANDOM % 20000))
cleanup() {
  "${as_server[@]}" "$bindir/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_server[@]}" "$bindir/initdb" -D "$work/data" --auth=trust --username=apbench \
  --encoding=UTF8 --locale=C --no-sync >/dev/null
"${as_server[@]}" "$bindir/pg_ctl" -D "$work/data" -l "$work/socket/log" -w -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work/socket \
   -c max_connections=300 -c fsync=off -c synchronous_commit=off -c shared_buffers=64MB" \
  start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=apbench PGDATABASE=postgres
pgbench -i -s 1 -q >/dev/null 2>&1
target="postgresql://apbench@127.0.0.1:$port/postgres"

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port; $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)"
echo "pgbench -S: transactions/s; apbench lookup, protocol=prepared: ops/s, best of $strategies;"
echo "pipelined: pipeline=on, C connections, C x $depth ops in flight; ratio: apbench's best / pgbench -M prepared"
printf '%-6s %-11s %-11s %-24s %-24s %s\n' conns "pg simple" "pg prepared" "apbench (1/conn)" "apbench (pipelined)" ratio

pgbench_tps() { # MODE CLIENTS
  pgbench -S -n -M "$1" -c "$2" -j "$(($2 < 2 ? 1 : 2))" -T "$seconds" 2>/dev/null |
    awk '/^tps = / {print $3; exit}'
}
# apbench_best CONNECTIONS IN_FLIGHT OPS PIPELINE: "OPS/S STRATEGY", or "- -".
apbench_best() {
  "$apbench" -q --filter io.postgres --set query=lookup --set rows=100000 \
    --set target="$target" --set setup=on --set protocol=prepared \
    --set pipeline="$4" --set connections="$1" --concurrency "$2" \
    --ops "$3" --repetitions "$repetitions" --strategy "$strategies" \
    --json "$work/run.json" >/dev/null 2>"$work/run.err" || { echo "- failed"; return; }
  python3 - "$work/run.json" <<'EOF'
import json, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if r["status"] == "ok" and not r["errors"]]
if not runs:
    print("- none")
else:
    best = max(runs, key=lambda r: r["throughput_ops_s"]["median"])
    print(f'{best["throughput_ops_s"]["median"]:.0f} {best["strategy"]}')
EOF
}
for c in $connections; do
  for _ in $(seq "$pairs"); do
    simple=$(pgbench_tps simple "$c")
    prepared=$(pgbench_tps prepared "$c")
    # As many ops as pgbench did in the same time, at least 2000.
    ops=$(awk -v t="$prepared" -v s="$seconds" 'BEGIN { n = int(t * s); print (n < 2000 ? 2000 : n) }')
    one=$(apbench_best "$c" "$c" "$ops" off)
    piped=$(apbench_best "$c" $((c * depth)) "$ops" on)
    best=$(printf '%s\n%s\n' "${one%% *}" "${piped%% *}" | { grep -v '^-' || true; } | sort -n | tail -1)
    printf '%-6s %-11.0f %-11.0f %-24s %-24s %s\n' "$c" "$simple" "$prepared" \
      "${one%% *} (${one#* })" "${piped%% *} (${piped#* })" \
      "$(awk -v a="${best:-0}" -v b="$prepared" 'BEGIN { printf "%.2fx", a / b }')"
  done
done
