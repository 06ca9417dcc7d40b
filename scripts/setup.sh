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
  libhdrhistogram-java      # CTest hlog_tools: HdrHistogram's own log reader,
  default-jre-headless      #   which needs a JRE (the package does not pull one in)
  python3-matplotlib        # tools/apbench-charts (SVG charts)
  valgrind                  # CTest op_instructions: instructions per op (callgrind)
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
