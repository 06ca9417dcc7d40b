#!/usr/bin/env bash
# The Slurm recipe of docs/many-machines.md on a one-node cluster started
# here: installs slurm-wlm and munge from Debian if missing, starts munged
# (as user munge), slurmctld and slurmd (as root) on 127.0.0.1 with
# non-default ports, no cgroups, and every state, spool, pid and log file
# under a temporary folder; submits deploy/slurm/apbench-array.sbatch as a
# 4-task array (io.http against its in-process loopback server) and
# apbench-merge.sbatch as a dependent job; checks the merged file; stops
# every daemon it started, always. Needs root (or sudo) and about a minute:
# not part of scripts/test.sh.
# Usage: scripts/test-slurm.sh [APBENCH_BINARY]   (default build/dev/apbench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
apbench=$(realpath "${1:-$root/build/dev/apbench}")
[ -x "$apbench" ] || { echo "test-slurm: no apbench at $apbench (build first)" >&2; exit 2; }
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "test-slurm: installing slurm-wlm and munge from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

tmp=$(mktemp -d /tmp/apbench-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do "${as_root[@]}" kill "$pid" 2>/dev/null || true; done
  if [ -f "$tmp/munge/munged.pid" ]; then
    "${as_root[@]}" kill "$(cat "$tmp/munge/munged.pid")" 2>/dev/null || true
  fi
  sleep 1
  for pid in "${pids[@]}"; do
    "${as_root[@]}" kill -9 "$pid" 2>/dev/null || true
  done
  "${as_root[@]}" rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT INT TERM

# munged as user munge, its socket in our folder.
"${as_root[@]}" mkdir -p "$tmp/munge"
"${as_root[@]}" chown munge:munge "$tmp/munge"
"${as_root[@]}" chmod 755 "$tmp/munge"
"${as_root[@]}" runuser -u munge -- /usr/sbin/munged \
  --socket="$tmp/munge/munge.socket" --pid-file="$tmp/munge/munged.pid" \
  --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed"

mkdir -p "$tmp/state" "$tmp/spool" "$tmp/work" "$tmp/results"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=apbtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"
"${as_root[@]}" env SLURM_CONF="$SLURM_CONF" slurmctld -D -i >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
"${as_root[@]}" env SLURM_CONF="$SLURM_CONF" slurmd -D -N localhost >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
  sleep 0.5
done
sinfo -h -o '%P %T %c' | sed 's/^/test-slurm: node: /'

# Four shards of 400 ops/s for 1 s against the in-process HTTP server on
# 127.0.0.1, then the merge once all four succeeded.
export APBENCH="$apbench" APBENCH_RESULTS="$tmp/results"
array=$(sbatch --parsable --array=0-3 --chdir="$tmp/work" \
  "$root/deploy/slurm/apbench-array.sbatch" --filter io.http \
  --strategy async --rate 400 --duration 1s --repetitions 1 --warmup 0)
merge=$(sbatch --parsable --dependency=afterok:"$array" --chdir="$tmp/work" \
  "$root/deploy/slurm/apbench-merge.sbatch")
echo "test-slurm: submitted array $array (4 shards) and merge $merge"
for _ in $(seq 240); do
  [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
if [ -n "$(squeue -h -o %i)" ]; then
  echo "test-slurm: FAIL: jobs still queued after 2 minutes" >&2
  squeue >&2
  exit 1
fi
if [ ! -f "$tmp/results/merged.json" ]; then
  echo "test-slurm: FAIL: no merged.json; job outputs:" >&2
  tail -n 5 "$tmp"/work/*.out >&2 || true
  exit 1
fi
python3 - "$tmp/results/merged.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
shards = doc["context"]["shards"]
run = doc["runs"][0]
ops, ok = run["load"]["ops"], run["repetition_samples"][0]["ops_ok"]
hist = run["latency_histogram_ns"]["count"]
print(f"test-slurm: merged {len(shards)} shards "
      f"({', '.join(str(s['index']) for s in shards)}): {ops} ops, {ok} ok, "
      f"histogram count {hist}, p99 {run['latency_s']['p99'] * 1e3:.3f} ms, "
      f"throughput {run['throughput_ops_s']['median']:.1f} ops/s")
assert doc["context"]["merged_by"] == "shard"
assert sorted(s["index"] for s in shards) == [0, 1, 2, 3], shards
assert ops == 400 and ok + run["errors"] + run["dropped"] == 400, (ops, ok)
assert hist == ok
PY
tail -n 3 "$tmp/work/apbench-merge.out" | sed 's/^/test-slurm: merge job: /'
echo "test-slurm: PASS"
