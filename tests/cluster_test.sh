#!/usr/bin/env bash
# The Slurm recipe of docs/many-machines.md across hosts (scripts/cluster.sh:
# network namespaces on one machine): three load hosts, pinned to different
# CPUs and with clocks 0, +0.5 and -0.5 s off, run deploy/slurm/apbench-array.sbatch
# (io.http, open loop) against apbench's HTTP server on a fourth host, and
# apbench-merge.sbatch merges them. Checks:
#   1. isolation: no namespace has a default route, only 10.77.0.0/24; a
#      connect() elsewhere fails with ENETUNREACH; the machine's own
#      namespace gains no interface;
#   2. the merge: ops = the shards' sum, histograms added bucket by bucket,
#      p50/p99 of the merged histogram, three hosts with their own cores,
#      the starts (each by its host's own clock, --start-at) within the
#      limit though the clocks differ by 1 s, and the load crossed the
#      bridge (the target's interface received the packets);
#   3. the same shards without --start-at: the merge warns that they
#      started about 1 s apart (the clock offsets);
#   4. one load host's apbench killed mid-run: the merge job (afterany)
#      fails with exit status 2 and one line naming the missing shard;
#   5. scripts/cluster.sh down leaves no namespace, process or file.
# Skipped (exit 77) when not root, without network namespaces or without
# slurm-wlm and munge. About 30 s.
# Usage: cluster_test.sh APBENCH_BINARY CLUSTER_HTTP_TARGET [PYTHON3]
set -uo pipefail
apbench=$(realpath "$1")
target_server=$(realpath "$2")
python=${3:-python3}
root=$(cd "$(dirname "$0")/.." && pwd)
cluster=$root/scripts/cluster.sh
export APBENCH_CLUSTER=apbt$$
dir=/tmp/$APBENCH_CLUSTER-cluster
fail() {
  echo "cluster_test: FAIL: $*" >&2
  exit 1
}
note() { echo "cluster_test: $*"; }
[ "$(id -u)" -eq 0 ] || { echo "cluster_test: skipped: needs root (network namespaces, slurmd)"; exit 77; }

trap '"$cluster" down' EXIT
trap 'exit 130' INT TERM
links_before=$(ip -o link | wc -l)
if [ "$(nproc)" -ge 2 ]; then cpus=0:1:0-1; else cpus=0:0:0; fi
"$cluster" up 3 --apbench "$apbench" --target-server "$target_server" \
  --cpus "$cpus" --clock-offsets 0:0.5:-0.5
status=$?
[ $status -eq 77 ] && exit 77
[ $status -eq 0 ] || fail "scripts/cluster.sh up 3: exit $status"
# shellcheck source=/dev/null
. "$dir/cluster.env"
export APBENCH  # the hosts' apbench: their clock offsets applied
in_ctl() { "$cluster" run "$@"; }

# 1. Isolation.
for ns in ctl load0 load1 load2 target; do
  routes=$(ip -n "$APBENCH_CLUSTER-$ns" route show)
  { [ "$routes" = "$(ip -n "$APBENCH_CLUSTER-$ns" route show 10.77.0.0/24)" ] &&
    [ "$(echo "$routes" | wc -l)" -eq 1 ]; } ||
    fail "host $ns has routes other than 10.77.0.0/24: $routes"
  unreachable=$(ip netns exec "$APBENCH_CLUSTER-$ns" "$python" -c '
import errno, socket
s = socket.socket()
try:
    s.connect(("192.0.2.1", 80))
    print("connected")
except OSError as e:
    print("ENETUNREACH" if e.errno == errno.ENETUNREACH else e)')
  [ "$unreachable" = ENETUNREACH ] ||
    fail "host $ns: connect to 192.0.2.1:80 gave '$unreachable', not ENETUNREACH"
done
[ "$(ip -o link | wc -l)" -eq "$links_before" ] ||
  fail "the machine's own namespace gained interfaces: $(ip -o link | awk '{print $2}' | xargs)"
note "isolation: 5 hosts, each with the one route 10.77.0.0/24; connect() elsewhere: Network is unreachable"

# submit RESULTS START_AT DEPENDENCY ARGS...: the array (3 shards, io.http
# open loop against the target) and the merge after it; sets $array, $merge.
submit() {
  local results=$1 start_at=$2 dependency=$3
  shift 3
  local start=()
  [ -n "$start_at" ] && start=(--start-at "$start_at")
  mkdir -p "$results/work"
  array=$(in_ctl env APBENCH_RESULTS="$results" sbatch --parsable --array=0-2 \
    --chdir="$results/work" "$root/deploy/slurm/apbench-array.sbatch" \
    --filter io.http --strategy async --set target="$CLUSTER_TARGET" \
    --threads 1 --repetitions 1 --warmup 0 --no-color "${start[@]}" "$@") ||
    fail "sbatch of the array"
  merge=$(in_ctl env APBENCH_RESULTS="$results" sbatch --parsable \
    --dependency="$dependency:$array" --chdir="$results/work" \
    "$root/deploy/slurm/apbench-merge.sbatch") || fail "sbatch of the merge"
}
wait_for_jobs() {
  for _ in $(seq 240); do
    [ -z "$(in_ctl squeue -h -o %i)" ] && return 0
    sleep 0.25
  done
  in_ctl squeue >&2
  fail "jobs still queued after 60 s"
}
rx_packets() {
  ip -n "$APBENCH_CLUSTER-target" -s -j link show eth0 | "$python" -c '
import json, sys
print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}
cpu_count() {  # cpu_count PID: the CPUs PID may run on
  taskset -pc "$1" | "$python" -c '
import sys
cpus = sys.stdin.read().split(":")[1].strip()
print(sum(int(r.partition("-")[2] or r) - int(r.partition("-")[0]) + 1
          for r in cpus.split(",")))'
}

# 2. Three shards from three hosts, started together by --start-at 5 s
# ahead (the host whose clock is 0.5 s ahead must be running 4.5 s after
# the submission, with time to spare on a busy machine).
started=$SECONDS
rx_before=$(rx_packets)
submit "$dir/together" $(($(date +%s) + 5)) afterok --rate 300 --duration 2s
wait_for_jobs
rx_after=$(rx_packets)
[ -f "$dir/together/merged.json" ] || {
  tail -n 5 "$dir"/together/work/*.out >&2
  fail "no merged.json after the array and the merge job"
}
out=$dir/together/work/apbench-merge.out
! grep -q 'warning: the shards' "$out" ||
  fail "merge of shards started together warned: $(grep 'warning: the shards' "$out")"
grep -qE '^apbench merge: 3 shards from 3 hosts \(load0, load1, load2\) started within 0\.[0-9]+ s' "$out" ||
  fail "no spread line in the merge's output: $(head -n 2 "$out")"
cores=()
for host in 0 1 2; do
  cores+=("$(cpu_count "$(cat "$dir/slurmd-load$host.pid")")")
done
"$python" - "$dir/together" "$rx_before" "$rx_after" "${cores[@]}" <<'PY' || fail "the merged result (above)"
import json, sys
folder, rx_before, rx_after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cores = [int(c) for c in sys.argv[4:]]
merged = json.load(open(f"{folder}/merged.json"))
shards = [json.load(open(f"{folder}/shard-{i}.json")) for i in range(3)]
run = merged["runs"][0]
parts = [s["runs"][0] for s in shards]


def buckets(h):  # {bucket index: count}; the JSON has (step, count) pairs
    out, index, b = {}, 0, h["buckets"]
    for i in range(0, len(b), 2):
        index += b[i]
        out[index] = b[i + 1]
    return out


shard_ops = [p["load"]["ops"] for p in parts]
hist = run["latency_histogram_ns"]
summed = {}
for p in parts:
    for step, n in buckets(p["latency_histogram_ns"]).items():
        summed[step] = summed.get(step, 0) + n
lat = run["latency_s"]
records = merged["context"]["shards"]
hosts = [r["host"] for r in records]
starts = [r["start_unix_s"] for r in records]
spread = max(starts) - min(starts)
wall = run["repetition_samples"][0]["wall_s"]
shard_p99 = ", ".join(f"{p['latency_s']['p99'] * 1e3:.3f}" for p in parts)
host_cores = ", ".join(f"{r['host']} ({r['cores']} cores)" for r in records)
print(f"cluster_test: merged {run['load']['ops']} ops = shards "
      f"{' + '.join(map(str, shard_ops))}; histogram count {hist['count']}; "
      f"p50 {lat['p50'] * 1e3:.3f} ms, p99 {lat['p99'] * 1e3:.3f} ms (shards' p99 "
      f"{shard_p99} ms); hosts {host_cores}; starts within {spread * 1e3:.1f} ms; "
      f"merged wall {wall:.3f} s; the target received {rx_after - rx_before} packets")
assert merged["context"]["merged_by"] == "shard"
assert run["load"]["ops"] == sum(shard_ops) == 600, shard_ops
assert all(n == 200 for n in shard_ops), shard_ops
assert run["errors"] == 0 and run["dropped"] == 0, (run["errors"], run["dropped"])
assert hist["count"] == sum(p["latency_histogram_ns"]["count"] for p in parts) == 600
assert buckets(hist) == summed, "merged buckets are not the shards' sum"
assert hist["max_ns"] == max(p["latency_histogram_ns"]["max_ns"] for p in parts)
# The union's percentile lies between the shards' (it is no average).
for q in ("p50", "p99"):
    qs = [p["latency_s"][q] for p in parts]
    assert min(qs) <= lat[q] <= max(qs), (q, lat[q], qs)
assert hosts == ["load0", "load1", "load2"], hosts
assert [s["context"]["host"] for s in shards] == hosts
assert [r["cores"] for r in records] == cores, ([r["cores"] for r in records], cores)
# Each by its own clock: together (within --max-start-spread, 1 s), though
# the clocks are 1 s apart; the merged repetition spans the 2 s load.
assert spread < 1.0, spread
assert 1.9 < wall < 3.0, wall
# Every request crossed the bridge (at least one packet each).
assert rx_after - rx_before >= 600, (rx_before, rx_after)
PY
note "array + merge of shards started together: $((SECONDS - started)) s"

# 3. The same without --start-at: each host's clock stamps its start, so
# the offsets (+0.5 s, -0.5 s) show as a spread of about 1 s, and a warning
# past --max-start-spread 0.5s.
started=$SECONDS
mkdir -p "$dir/apart"
for host in 0 1 2; do
  "$cluster" exec "load$host" "$APBENCH" --shard "$host/3" --filter io.http \
    --strategy async --set target="$CLUSTER_TARGET" --threads 1 --rate 150 \
    --duration 1s --repetitions 1 --warmup 0 --quiet --no-color \
    --json "$dir/apart/shard-$host.json" >"$dir/apart/shard-$host.out" 2>&1 &
done
wait
"$apbench" merge "$dir"/apart/shard-*.json --max-start-spread 0.5s --quiet \
  --json "$dir/apart/merged.json" \
  2>"$dir/apart/err" || fail "merge of shards started apart: $(cat "$dir/apart/err" "$dir"/apart/*.out)"
spread_warning=$(grep -E '^apbench merge: warning: the shards started [0-9.]+ s apart \(more than 0.5 s\)' "$dir/apart/err") ||
  fail "no start-spread warning for clocks 1 s apart: $(cat "$dir/apart/err")"
"$python" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [r["start_unix_s"] for r in d["context"]["shards"]]
assert 0.6 < max(s) - min(s) < 2.0, max(s) - min(s)
assert d["runs"][0]["load"]["ops"] == 150' "$dir/apart/merged.json" ||
  fail "shards started apart: spread or ops wrong"
note "no --start-at, clocks 0/+0.5/-0.5 s: '${spread_warning#apbench merge: warning: }' ($((SECONDS - started)) s)"

# 4. A load host fails mid-run: its apbench killed (SIGKILL) 1.5 s into the
# load; the merge, run whatever the array's outcome (afterany), refuses.
started=$SECONDS
start_at=$(($(date +%s) + 3))
submit "$dir/killed" "$start_at" afterany --rate 150 --duration 4s
sleep "$("$python" -c "import time; print(max(0, $start_at + 1.5 - time.time()))")"
victim=""
for _ in $(seq 20); do  # (its launch may be late on a busy machine)
  for pid in $(ip netns pids "$APBENCH_CLUSTER-load1"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = apbench ] && victim=$pid
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] || fail "no apbench running on load1 mid-run"
kill -KILL "$victim"
wait_for_jobs
[ ! -e "$dir/killed/shard-1.json" ] || fail "the killed shard wrote its file"
out=$dir/killed/work/apbench-merge.out
{ [ "$(grep -c error "$out")" -eq 1 ] &&
  grep -qx "apbench merge: error: 2 of 3 shards given; missing shard 1: merge all shards of the load" "$out"; } ||
  fail "merge with a shard missing: want one error line naming shard 1, got: $(cat "$out")"
job_state() { in_ctl scontrol -o show job "$1" | grep -oE 'JobState=[A-Z_]+|ExitCode=[0-9:]+' | xargs; }
merge_state=$(job_state "$merge")
[ "$merge_state" = "JobState=FAILED ExitCode=2:0" ] ||
  fail "the merge job: '$merge_state', want JobState=FAILED ExitCode=2:0"
task_state=$(job_state "${array}_1")
[ "$task_state" = "JobState=FAILED ExitCode=0:9" ] ||
  fail "the killed task: '$task_state', want JobState=FAILED ExitCode=0:9"
note "load1 killed mid-run: its task $task_state; the merge job $merge_state: '$(grep error "$out")' ($((SECONDS - started)) s)"

# 5. Down: nothing left.
trap - EXIT
"$cluster" down || fail "scripts/cluster.sh down"
[ -z "$(ip netns list | grep "^$APBENCH_CLUSTER-")" ] ||
  fail "namespaces left: $(ip netns list | grep "^$APBENCH_CLUSTER-" | xargs)"
[ ! -e "$dir" ] || fail "$dir left behind"
left=$(pgrep -f "$dir/" || true)
[ -z "$left" ] || fail "processes left: $(ps -o pid,args -p "$(echo $left | tr ' ' ,)")"
[ "$(ip -o link | wc -l)" -eq "$links_before" ] || fail "interfaces left in the machine's namespace"
note "down: no namespace, process or file left"
note "PASS in ${SECONDS} s"
