#!/usr/bin/env bash
# Installs what is missing, builds a Release apbench and runs it. With no
# arguments: the default suite. Any arguments go to apbench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target apbench >&2
exec ./build/release/apbench "$@"
