#!/usr/bin/env bash
# Installs the Debian packages apbench builds against, only those missing.
# Idempotent and quiet when everything is present; runs apt-get update only
# when something must be installed (a new machine's lists may be empty).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev          # Asio C++20 coroutines + awaitable operators, Beast
  libtbb-dev                # oneTBB
  libfmt-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  libcli11-dev
  zlib1g-dev                # --hlog: HdrHistogram's compressed histograms
  libpq-dev                 # io.postgres: libpq
  liburing-dev              # io.file: Asio's io_uring file support
  postgresql                # io.postgres: its private server (initdb, postgres)
  libhdrhistogram-java      # CTest hlog_tools: HdrHistogram's own log reader,
  default-jre-headless      #   which needs a JRE (the package does not pull one in)
  python3-matplotlib        # tools/apbench-charts (SVG charts)
  valgrind                  # CTest op_instructions: instructions per op (callgrind)
  slurm-wlm munge           # CTest cluster: Slurm across network-namespace hosts
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "apbench setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Installing Debian's postgresql also creates and starts a system-wide
# cluster ("main", port 5432); apbench starts a private server of its own,
# so the cluster this install made is stopped and dropped again.
if [[ " ${missing[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
  pg_lsclusters -h 2>/dev/null | awk '$2 == "main" {print $1}' | while read -r version; do
    "${sudo_cmd[@]}" pg_dropcluster --stop "$version" main || true
  done
fi
# Debian's slurm-wlm and munge enable their services (munged with a fresh
# key; slurmd and slurmctld wait for /etc/slurm/slurm.conf); apbench's
# clusters (scripts/cluster.sh) start daemons of their own, so on a machine
# run by systemd the services this install enabled are stopped and disabled.
if [[ " ${missing[*]} " == *" slurm-wlm "* || " ${missing[*]} " == *" munge "* ]] &&
  [ -d /run/systemd/system ]; then
  "${sudo_cmd[@]}" systemctl disable --now munge slurmd slurmctld >/dev/null 2>&1 || true
fi
