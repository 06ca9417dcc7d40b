#!/usr/bin/env bash
# Installs what is missing, builds and runs every test, for each preset:
#   dev   Debug, warnings as errors
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan  ThreadSanitizer (suppressions: tests/tsan.supp)
#   release  the apbench executable as scripts/run.sh builds it (build only)
#   fuzz  the libFuzzer targets of fuzz/ (scripts/fuzz.sh; clang 14, ASan),
#         7 s each from their seed corpora with a fixed seed, one per core
#         (about 30 s in all, so a run repeats what the last one did);
#         longer hunts with scripts/fuzz.sh 600
# Usage: scripts/test.sh [PRESET...]   (default: dev asan tsan release fuzz, about 20 min
# on 2 cores; `scripts/test.sh dev` alone about 6 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(dev asan tsan release fuzz)
bash scripts/setup.sh
elapsed() { echo "$((SECONDS / 60))m$((SECONDS % 60))s"; }
for preset in "${presets[@]}"; do
  if [ "$preset" = release ]; then
    # What scripts/run.sh builds: -O3 finds warnings -Og does not.
    echo "== release: build apbench (started at $(elapsed))" >&2
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(nproc)" --target apbench
    echo "== release: built at $(elapsed)" >&2
    continue
  fi
  if [ "$preset" = fuzz ]; then
    echo "== fuzz: build and run every target 7 s (started at $(elapsed))" >&2
    FUZZ_SEED=1 bash scripts/fuzz.sh 7
    echo "== fuzz: passed at $(elapsed)" >&2
    continue
  fi
  echo "== $preset: build and test (started at $(elapsed))" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  echo "== $preset: built at $(elapsed)" >&2
  ctest --preset "$preset" -j "$(nproc)"
  echo "== $preset: passed at $(elapsed)" >&2
done
