#!/usr/bin/env bash
# Installs what is missing, builds (debug, warnings as errors) and runs
# every test. Usage: scripts/test.sh [preset]   (dev, release, asan, tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
bash scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)"
