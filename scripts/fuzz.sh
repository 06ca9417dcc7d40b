#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, the `fuzz` preset: clang 14 with
# ASan; clang 14 cannot build the coroutines with UBSan) and runs each for
# SECONDS (default 10) on a copy of its seed corpus in fuzz/corpus/<name>;
# new inputs it finds stay in build/fuzz/corpus. FUZZ_SEED=N fixes
# libFuzzer's random seed (CI uses 1 so a run repeats what the last one did).
# A crash, leak or sanitizer report stops the script with the reproducer's
# path. Runs of up to 60 s build at -O0, longer ones at -O1 (below).
# Usage: scripts/fuzz.sh [--setup | --build] [SECONDS] [TARGET...]
#   FUZZ_SEED=1 scripts/fuzz.sh 7   # CI's share: every target, 7 s each
#   scripts/fuzz.sh 600 units    # one target for 10 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
# --setup: install clang only; --build: install and build, run nothing.
mode=run
case "${1:-}" in
  --setup) mode=setup; shift ;;
  --build) mode=build; shift ;;
esac
seconds="${1:-10}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(units value_lists settings params slo cli targets results_json)

# clang-14 alone cannot link -fsanitize=fuzzer,address: its runtimes
# (libclang_rt.*.a) are in libclang-rt-14-dev, only a recommendation of clang-14.
# The openmp strategy needs clang's OpenMP runtime and omp.h: libomp-14-dev
# (g++ has its own libgomp).
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if ! command -v clang++-14 >/dev/null || ! installed libclang-rt-14-dev || ! installed libomp-14-dev; then
  echo "fuzz: installing clang-14 and its runtimes (libFuzzer, ASan, OpenMP)" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev libomp-14-dev >/dev/null
fi
[ "$mode" = setup ] && exit 0
# A short run (CI's 7 s per target) is mostly build: -O0 builds in half the
# time of the preset's -O1 (85 s against 169 s on 2 cores). A longer hunt
# is mostly run, where -O1 executes more inputs per second.
optimize=-O1
[ "$seconds" -le 60 ] && optimize=-O0
cmake --preset fuzz -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$optimize -g1" >/dev/null
cmake --build --preset fuzz -j2 --target "${targets[@]/#/fuzz_}"
[ "$mode" = build ] && exit 0

# One target: its corpus copy, its run, its findings; output to its log.
fuzz_one() {
  local t="$1" work="build/fuzz/corpus/$1" max_len=4096
  mkdir -p "$work" "build/fuzz/crashes/$t"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  # Results files are larger than command-line inputs.
  [ "$t" = results_json ] && max_len=16384
  echo "fuzz: $t for ${seconds} s"
  ASAN_OPTIONS=detect_leaks=1 "build/fuzz/fuzz/fuzz_$t" "$work" \
    -max_total_time="$seconds" -max_len="$max_len" -seed="${FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="build/fuzz/crashes/$t/" -print_final_stats=1 2>&1 |
    grep -E "^(INFO: seed corpus|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY|crash-|leak-|timeout-" || true
}

# As many targets at once as there are cores (each runs on one).
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
jobs_at_once=$(nproc)
for ((i = 0; i < ${#targets[@]}; i += jobs_at_once)); do
  batch=("${targets[@]:i:jobs_at_once}")
  for t in "${batch[@]}"; do fuzz_one "$t" >"$logs/$t" 2>&1 & done
  wait
  for t in "${batch[@]}"; do
    cat "$logs/$t" >&2
    if ls "build/fuzz/crashes/$t/" | grep -q .; then
      echo "fuzz: $t found a problem: $(ls build/fuzz/crashes/"$t"/)" >&2
      exit 1
    fi
  done
done
echo "fuzz: every target ran ${seconds} s without a finding" >&2
