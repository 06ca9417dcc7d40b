#!/usr/bin/env bash
# Installs what is missing, builds and runs every test, for each preset:
#   dev   Debug, warnings as errors
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan  ThreadSanitizer (suppressions: tests/tsan.supp)
#   release  the apbench executable as scripts/run.sh builds it (build only)
#   fuzz  the libFuzzer targets of fuzz/ (scripts/fuzz.sh; clang 14, ASan),
#         7 s each from their seed corpora with a fixed seed (about a minute
#         in all, so a run repeats what the last one did); longer hunts with
#         scripts/fuzz.sh 600
# Usage: scripts/test.sh [PRESET...]   (default: dev asan tsan release fuzz, 12-15 min
# on 2 cores; `scripts/test.sh dev` alone takes about 2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
presets=("$@")
[ ${#presets[@]} -eq 0 ] && presets=(dev asan tsan release fuzz)
bash scripts/setup.sh
elapsed() { echo "$((SECONDS / 60))m$((SECONDS % 60))s"; }
has() { [[ " ${presets_line:-${presets[*]}} " == *" $1 "* ]]; }

# The release and fuzz presets only build (then fuzz runs 7 s per target).
# With test presets beside them, their builds start niced in the background
# once the first test preset is built: tests leave about one of two cores
# idle (they sleep, wait on timers and servers), which the builds fill, and
# nice 19 leaves the tests the CPU they ask for. Installing clang for fuzz
# happens first, in the foreground (no second apt-get at the same time).
has fuzz && bash scripts/fuzz.sh --setup
background_builds() {
  if has release; then
    cmake --preset release >/dev/null &&
      nice -n 19 cmake --build --preset release -j "$(nproc)" --target apbench || return 1
  fi
  if has fuzz; then nice -n 19 bash scripts/fuzz.sh --build || return 2; fi
}
background=""
kill_tree() {  # a process and all its descendants (cmake, ninja, compilers)
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
background_log=build/background-builds.log
start_background() {
  [ -z "$background" ] || return 0
  mkdir -p build
  # Same session as the tests: a session of its own (setsid) would be a
  # scheduling group of its own too (autogroup), and nice would no longer
  # put it behind the tests. Should a test fail, kill_tree stops the build.
  export -f background_builds has
  export presets_line="${presets[*]}"
  bash -c background_builds >"$background_log" 2>&1 &
  background=$!
  trap 'if [ -n "$background" ]; then kill_tree "$background"; fi 2>/dev/null' EXIT
  echo "== release and fuzz: building in the background, niced (log: $background_log)" >&2
}
wait_background() {
  [ -n "$background" ] || return 0
  if ! wait "$background"; then
    cat "$background_log" >&2
    echo "== the background build of release/fuzz failed (above)" >&2
    exit 1
  fi
  background=""
  echo "== release and fuzz: built at $(elapsed)" >&2
}

for preset in "${presets[@]}"; do
  if [ "$preset" = release ]; then
    # What scripts/run.sh builds: -O3 finds warnings -Og does not.
    if [ -n "$background" ]; then wait_background; continue; fi
    echo "== release: build apbench (started at $(elapsed))" >&2
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(nproc)" --target apbench
    echo "== release: built at $(elapsed)" >&2
    continue
  fi
  if [ "$preset" = fuzz ]; then
    wait_background
    echo "== fuzz: build and run every target 7 s (started at $(elapsed))" >&2
    FUZZ_SEED=1 bash scripts/fuzz.sh 7
    echo "== fuzz: passed at $(elapsed)" >&2
    continue
  fi
  echo "== $preset: build and test (started at $(elapsed))" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  echo "== $preset: built at $(elapsed)" >&2
  start_background
  ctest --preset "$preset" -j "$(nproc)"
  echo "== $preset: passed at $(elapsed)" >&2
done
wait_background
