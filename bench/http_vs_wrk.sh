#!/usr/bin/env bash
# apbench's HTTP client against wrk, side by side, on the same nginx.
#
# Installs Debian's nginx-light and wrk if missing, serves a 120-byte file
# from nginx (one worker) on 127.0.0.1, and alternates wrk and
# `apbench --filter io.http --set target=... --strategy async` for PAIRS
# pairs, at 64 connections and at 1 connection. nginx is always stopped.
# Usage: bench/http_vs_wrk.sh [APBENCH_BINARY] [PAIRS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
apbench="${1:-build/release/apbench}"
pairs="${2:-3}"
seconds="${3:-10}"
port=18080

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
fi
[ -x "$apbench" ] || { echo "no apbench binary at $apbench (build the release preset)" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/www" "$work/logs"
chmod 755 "$work" "$work/www"  # nginx workers run as www-data
head -c 120 /dev/zero | tr '\0' 'x' >"$work/www/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3
target="http://127.0.0.1:$port/index.html"
curl -fs "$target" >/dev/null 2>&1 || true

# wrk: requests/s and p50 latency (us)
run_wrk() {
  local conns=$1 out
  out=$(wrk -t1 -c"$conns" -d"${seconds}s" --latency "$target")
  local rps p50
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  echo "$rps $p50"
}
# apbench: requests/s and p50 (seconds) from its JSON
run_apbench() {
  local conns=$1 ops=$2
  "$apbench" --filter io.http --set "target=$target" --set "connections=$conns" \
    --strategy async --ops "$ops" --repetitions 1 --warmup 0 --quiet \
    --json "$work/r.json" >/dev/null
  python3 - "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
if r["errors"]:
    sys.exit(f"apbench: {r['errors']} failed ops: {r['errors_by_message']}")
print(r["throughput_ops_s"]["median"], r["latency_s"]["p50"] * 1e6)
PY
}

for conns in 64 1; do
  echo "== $conns connection(s), $seconds s per run, $pairs pairs"
  # Size apbench's op count from wrk's first rate so it also runs ~$seconds s.
  for ((i = 1; i <= pairs; i++)); do
    read -r wrk_rps wrk_p50 < <(run_wrk "$conns")
    ops=$(python3 -c "print(max(1000, int(float('$wrk_rps') * $seconds)))")
    read -r apb_rps apb_p50 < <(run_apbench "$conns" "$ops")
    python3 - "$wrk_rps" "$wrk_p50" "$apb_rps" "$apb_p50" <<'PY'
import sys
wrk_rps, wrk_p50, apb_rps, apb_p50 = sys.argv[1:]
def us(text):  # wrk prints 1.23ms / 456.00us
    for unit, f in (("us", 1), ("ms", 1e3), ("s", 1e6)):
        if text.endswith(unit): return float(text[:-len(unit)]) * f
    return float(text)
w, a = float(wrk_rps), float(apb_rps)
print(f"  wrk {w:10.0f} req/s p50 {us(wrk_p50):8.1f} us | apbench {a:10.0f} req/s "
      f"p50 {float(apb_p50):8.1f} us | apbench/wrk {a / w:.3f}")
PY
  done
done
