#!/usr/bin/env bash
# A Slurm cluster of several hosts on this one machine, each host a network
# namespace: N load hosts (slurmd), a control host (slurmctld, munged) and a
# target host (apbench's own HTTP server), joined by a bridge in the control
# host's namespace on the private subnet 10.77.0.0/24. The subnet exists
# only inside these namespaces: no interface of the cluster is in the
# machine's own namespace and no namespace has a default route, so nothing
# the hosts send can leave the machine (a connect() to any other address
# fails with "Network is unreachable").
#
#   scripts/cluster.sh up N [--apbench PATH] [--target-server PATH]
#                           [--cpus L0:L1:...] [--clock-offsets S0:S1:...]
#   scripts/cluster.sh run CMD...        CMD on the control host (sbatch,
#                                        squeue, scontrol; SLURM_CONF set)
#   scripts/cluster.sh exec HOST CMD...  CMD on host HOST (load0, target...)
#   scripts/cluster.sh down              stop everything, remove everything
#
# up N   hosts load0..load{N-1} at 10.77.0.11.., the control host `ctl` at
#        10.77.0.1, the target host `target` at 10.77.0.100, each with that
#        host name (its own UTS namespace) so apbench records it as
#        context.host. Prints, and writes to $dir/cluster.env, the
#        target's URL (CLUSTER_TARGET), SLURM_CONF and APBENCH: apbench as
#        the hosts run it (a wrapper applying the host's clock offset).
#        --cpus pins each load host to CPUs (taskset lists, e.g. 0:1:0-1),
#        so hosts differ in cores; --clock-offsets gives each load host a
#        wall clock off by that many seconds (APBENCH_CLOCK_OFFSET, see
#        docs/many-machines.md), as hosts whose clocks differ.
# down   kills every process in the cluster's namespaces (daemons, jobs),
#        deletes the namespaces and the state folder. A failing or
#        interrupted `up` does the same.
#
# Environment: APBENCH_CLUSTER names the cluster (default apbench; its
# namespaces are NAME-ctl, NAME-load0..., NAME-target, its state folder
# /tmp/NAME-cluster), so two clusters can run side by side.
# Needs root (network namespaces; slurmd runs jobs as their users) and
# Debian's slurm-wlm and munge (scripts/setup.sh installs them). Exits 77,
# with a line saying why, when any of that is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${APBENCH_CLUSTER:-apbench}
dir=/tmp/$name-cluster
subnet=10.77.0
ctl_ip=$subnet.1
target_ip=$subnet.100
say() { echo "cluster: $*" >&2; }
skip() {
  say "skipped: $*"
  exit 77
}

namespaces() {  # ours: NAME-ctl, NAME-loadI, NAME-target
  ip netns list 2>/dev/null | awk '{print $1}' |
    grep -E "^${name}-(ctl|target|load[0-9]+)\$" || true
}

down() {
  local ns pids all killed="" left pid
  all=$(namespaces)
  # Every process in the namespaces: daemons, job steps, apbench, the
  # target, munged. TERM, then KILL what is still there after 5 s.
  for signal in TERM KILL; do
    for ns in $all; do
      pids=$(ip netns pids "$ns" 2>/dev/null || true)
      killed+=" $pids"
      [ -n "$pids" ] && kill -s "$signal" $pids 2>/dev/null || true
    done
    # Gone, not only out of the namespace list (an exiting process leaves
    # that first).
    for _ in $(seq 50); do
      left=""
      for pid in $killed; do kill -0 "$pid" 2>/dev/null && left+=" $pid"; done
      [ -z "$left" ] && break
      sleep 0.1
    done
  done
  for ns in $all; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$dir"
  [ -z "$(namespaces)" ] || { say "could not remove: $(namespaces | xargs)"; return 1; }
}

# in_host HOST CMD...: CMD in HOST's network namespace, with HOST as its
# host name (a UTS namespace of its own). nsenter, not `ip netns exec`: that
# mounts a fresh /sys, without the cgroup file systems slurmd needs.
in_host() {
  local host=$1
  shift
  nsenter --net="/run/netns/$name-$host" unshare --uts \
    sh -c 'hostname "$0" && exec "$@"' "$host" "$@"
}

# start HOST LOG CMD...: a daemon on HOST, out of this script's session so
# it outlives `up` and no terminal signal reaches it.
start() {
  local host=$1 log=$2
  shift 2
  setsid nsenter --net="/run/netns/$name-$host" unshare --uts \
    sh -c 'hostname "$0" && exec "$@"' "$host" "$@" </dev/null >"$log" 2>&1 &
}

up_exit() {  # a failed or interrupted `up` leaves nothing behind
  local status=$?
  trap - EXIT
  if [ $status -ne 0 ]; then
    say "up failed: taking the cluster down"
    down
  fi
  exit $status
}

up() {
  local hosts=${1:-}
  shift || true
  [[ "$hosts" =~ ^[1-9][0-9]?$ ]] && [ "$hosts" -le 50 ] ||
    { say "bad host count '$hosts': expected 1..50 (scripts/cluster.sh up N)"; exit 2; }
  local apbench=$root/build/dev/apbench
  local server=$root/build/dev/tests/cluster_http_target
  local cpus="" offsets=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --apbench) apbench=$2; shift 2 ;;
      --target-server) server=$2; shift 2 ;;
      --cpus) cpus=$2; shift 2 ;;
      --clock-offsets) offsets=$2; shift 2 ;;
      *) say "unknown option '$1' (expected --apbench, --target-server, --cpus, --clock-offsets)"; exit 2 ;;
    esac
  done
  [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, slurmd); run as root or with sudo"
  for tool in ip nsenter unshare setsid runuser taskset; do
    command -v "$tool" >/dev/null || skip "no '$tool' on this machine"
  done
  for tool in slurmctld slurmd sbatch squeue scontrol munged; do
    command -v "$tool" >/dev/null ||
      skip "no '$tool': install Debian's slurm-wlm and munge (scripts/setup.sh)"
  done
  [ -x "$apbench" ] || { say "no apbench at $apbench (build first, or --apbench PATH)"; exit 2; }
  [ -x "$server" ] || { say "no target server at $server (build the target cluster_http_target, or --target-server PATH)"; exit 2; }
  [ -z "$(namespaces)" ] && [ ! -e "$dir" ] ||
    { say "cluster '$name' is up already (scripts/cluster.sh down, or another APBENCH_CLUSTER)"; exit 2; }
  IFS=: read -r -a host_cpus <<<"$cpus"
  IFS=: read -r -a host_offsets <<<"$offsets"
  apbench=$(realpath "$apbench")
  server=$(realpath "$server")

  # From here on, a failure or a signal takes down what was made.
  trap up_exit EXIT
  trap 'exit 130' INT TERM
  if ! ip netns add "$name-ctl" 2>/dev/null; then
    skip "cannot make network namespaces here (ip netns add failed)"
  fi
  mkdir -p "$dir"/{munge,state,spool,hosts,bin}
  chmod 755 "$dir"

  # The switch: a bridge in the control host's namespace, which is also
  # where the control host's address lives.
  ip -n "$name-ctl" link set lo up
  ip -n "$name-ctl" link add br0 type bridge
  ip -n "$name-ctl" addr add "$ctl_ip/24" dev br0
  ip -n "$name-ctl" link set br0 up
  local i nodes=""
  join() {  # join HOST IP: HOST's namespace, a veth pair to the bridge
    ip netns add "$name-$1"
    ip -n "$name-$1" link set lo up
    ip -n "$name-ctl" link add "v-$1" type veth peer name eth0 netns "$name-$1"
    ip -n "$name-ctl" link set "v-$1" master br0 up
    ip -n "$name-$1" addr add "$2/24" dev eth0
    ip -n "$name-$1" link set eth0 up
  }
  for ((i = 0; i < hosts; i++)); do
    join "load$i" "$subnet.$((11 + i))"
  done
  join target "$target_ip"

  # munged (as user munge, as Debian runs it) with the machine's key; its
  # socket, pid, log and seed in our folder.
  chown munge:munge "$dir/munge"
  start ctl "$dir/munge/out.log" runuser -u munge -- /usr/sbin/munged -F \
    --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

  for ((i = 0; i < hosts; i++)); do
    nodes+="NodeName=load$i NodeAddr=$subnet.$((11 + i)) CPUs=1 State=UNKNOWN"$'\n'
  done
  cat >"$dir/slurm.conf" <<CONF
# scripts/cluster.sh: cluster '$name', one slurmd per load host namespace.
ClusterName=${name//[^a-z0-9]/}
SlurmctldHost=ctl($ctl_ip)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# A job whose host fails is not run again elsewhere: its shard is missing.
JobRequeue=0
KillWait=2
# One CPU per load host: an array task per host.
${nodes}PartitionName=hosts Nodes=load[0-$((hosts - 1))] Default=YES MaxTime=INFINITE State=UP
CONF
  for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
  [ -S "$dir/munge/munge.socket" ] || { say "munged did not start: $(tail -n 3 "$dir/munge/"*.log)"; exit 1; }
  start ctl "$dir/slurmctld.out" slurmctld -D -i -f "$dir/slurm.conf"
  for ((i = 0; i < hosts; i++)); do
    local pin=()
    [ -n "${host_cpus[$i]:-}" ] && pin=(taskset -c "${host_cpus[$i]}")
    mkdir -p "$dir/spool/load$i"
    start "load$i" "$dir/slurmd-load$i.out" "${pin[@]}" slurmd -D -N "load$i" -f "$dir/slurm.conf"
    echo "${host_offsets[$i]:-0}" >"$dir/hosts/load$i.clock-offset"
  done
  # apbench as the hosts run it: with the clock offset of the host it runs
  # on (its host name says which).
  cat >"$dir/bin/apbench" <<WRAP
#!/bin/sh
offset=\$(cat "$dir/hosts/\$(hostname).clock-offset" 2>/dev/null || echo 0)
APBENCH_CLOCK_OFFSET=\$offset exec "$apbench" "\$@"
WRAP
  chmod 755 "$dir/bin/apbench"
  start target "$dir/target.log" "$server" "$target_ip" "$dir/target.address"

  export SLURM_CONF=$dir/slurm.conf
  local idle=0
  for _ in $(seq 120); do
    idle=$(ip netns exec "$name-ctl" sinfo -h -N -o '%N %T' 2>/dev/null | grep -c ' idle$' || true)
    [ "$idle" -eq "$hosts" ] && [ -s "$dir/target.address" ] && break
    sleep 0.25
  done
  if [ "$idle" -ne "$hosts" ]; then
    say "only $idle of $hosts load hosts idle after 30 s:"
    ip netns exec "$name-ctl" sinfo -N >&2 || true
    tail -n 4 "$dir"/slurmctld.log "$dir"/slurmctld.out "$dir"/slurmd-load0.log \
      "$dir"/slurmd-load0.out >&2 || true
    exit 1
  fi
  [ -s "$dir/target.address" ] || { say "the target server did not start: $(cat "$dir/target.log")"; exit 1; }
  cat >"$dir/cluster.env" <<ENV
CLUSTER_NAME=$name
CLUSTER_DIR=$dir
CLUSTER_HOSTS=$hosts
CLUSTER_TARGET=http://$(cat "$dir/target.address")/
SLURM_CONF=$dir/slurm.conf
APBENCH=$dir/bin/apbench
ENV
  trap - EXIT INT TERM
  say "up: $hosts load hosts (load0..load$((hosts - 1)), $subnet.11..), control host ctl ($ctl_ip), target $(cat "$dir/target.address")"
  cat "$dir/cluster.env"
}

command=${1:-}
shift || true
case "$command" in
  up) up "$@" ;;
  down)
    [ "$(id -u)" -eq 0 ] || skip "needs root"
    down
    ;;
  run)
    [ -f "$dir/cluster.env" ] || { say "cluster '$name' is not up"; exit 2; }
    exec ip netns exec "$name-ctl" env SLURM_CONF="$dir/slurm.conf" "$@"
    ;;
  exec)
    [ -f "$dir/cluster.env" ] || { say "cluster '$name' is not up"; exit 2; }
    host=${1:?scripts/cluster.sh exec HOST CMD...}
    shift
    in_host "$host" "$@"
    ;;
  *)
    say "usage: scripts/cluster.sh up N [options] | run CMD... | exec HOST CMD... | down"
    exit 2
    ;;
esac
