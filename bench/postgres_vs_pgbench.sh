#!/usr/bin/env bash
# apbench's io.postgres lookups against PostgreSQL's own pgbench -S
# (select-only: one primary-key read per transaction), side by side, on the
# same server with the same connection counts.
#
# Starts a throw-away PostgreSQL on 127.0.0.1 (initdb as user postgres when
# run as root; always stopped and removed), fills pgbench's tables at scale
# 1 (100 000 accounts), then for each connection count alternates
# `pgbench -S -c C` and `apbench --filter io.postgres --set query=lookup`
# (target= that server, setup=on, rows=100000, --concurrency C, for
# STRATEGIES) for PAIRS pairs, and prints transactions per second.
# Usage: bench/postgres_vs_pgbench.sh [APBENCH] [PAIRS] [SECONDS] [CONNECTIONS] [STRATEGIES]
set -euo pipefail
cd "$(dirname "$0")/.."
apbench="$(realpath "${1:-build/release/apbench}")"
pairs="${2:-3}"
seconds="${3:-5}"
connections="${4:-1 8 64}"
strategies="${5:-sequential,async,threads}"
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
printf '%-6s %-14s %-16s %-24s %s\n' conns "pgbench tps" "apbench ops/s" "(best of $strategies)" "ratio"
for c in $connections; do
  for _ in $(seq "$pairs"); do
    tps=$(pgbench -S -n -c "$c" -j "$(( c < 2 ? 1 : 2 ))" -T "$seconds" 2>/dev/null |
      awk '/^tps = / {print $3; exit}')
    # As many ops as pgbench did in the same time, at least 2000.
    ops=$(awk -v t="$tps" -v s="$seconds" 'BEGIN { n = int(t * s); print (n < 2000 ? 2000 : n) }')
    best=$("$apbench" -q --filter io.postgres --set query=lookup --set rows=100000 \
      --set target="$target" --set setup=on --set connections="$c" --concurrency "$c" \
      --ops "$ops" --repetitions 3 --strategy "$strategies" --json "$work/run.json" >/dev/null 2>&1 &&
      python3 - "$work/run.json" <<'EOF'
import json, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if r["status"] == "ok" and not r["errors"]]
best = max(runs, key=lambda r: r["throughput_ops_s"]["median"])
print(f'{best["throughput_ops_s"]["median"]:.0f} {best["strategy"]}')
EOF
)
    printf '%-6s %-14.0f %-16s %-24s %.2fx\n' "$c" "$tps" "${best%% *}" "${best#* }" \
      "$(awk -v a="${best%% *}" -v b="$tps" 'BEGIN { print a / b }')"
  done
done
