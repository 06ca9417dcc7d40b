#!/usr/bin/env bash
# Results files are checked on reading: each malformed fixture (one value
# made invalid in a copy of ok.json, see fixtures/results/make_fixtures.py)
# is refused by `apbench compare` and `apbench merge` with exit 2 and one
# line naming the file, the key and what is accepted; ok.json itself reads.
# Usage: results_files_test.sh APBENCH FIXTURES
set -u
apbench=$(realpath "$1")
dir="$2/results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"
cd "$dir" || exit 1

if timeout 20 "$apbench" compare ok.json ok.json >/dev/null 2>"$tmp/err"; then ok
else fail "ok.json is refused: $(cat "$tmp/err")"; fi

# case -> what the line must say after "'FILE' is not a valid apbench
# results file: ".
declare -A want=(
  [wall-median-negative]='runs\[0\]\.wall_s\.median is -1, expected a number >= 0'
  [wall-median-inf]='runs\[0\]\.wall_s\.median is not a finite number'
  [sample-wall-zero]='runs\[0\]\.repetition_samples\[0\]\.wall_s is 0, expected a time above 0 for a repetition of [0-9]+ ops'
  [sample-wall-negative]='runs\[0\]\.repetition_samples\[0\]\.wall_s is -0\.5, expected a number >= 0'
  [status-weird]='runs\[0\]\.status is "weird", expected ok, n/a, failed or interrupted'
  [repetitions-minus-one]='runs\[0\]\.repetitions is -1, expected an integer from 0 to 1000'
  [repetitions-zero]='runs\[0\]\.repetitions is 0, but repetition_samples has [0-9]+'
  [repetitions-string]='runs\[0\]\.repetitions is "2", expected an integer from 0 to 1000'
  [repetitions-fraction]='runs\[0\]\.repetitions is 2\.5, expected an integer from 0 to 1000'
  [repetitions-huge]='runs\[0\]\.repetitions is 1e\+30, expected an integer from 0 to 1000'
  [cores-zero]='context\.cores is 0, expected an integer from 1 to 1048576'
  [start-unix-huge]='runs\[0\]\.repetition_samples\[0\]\.start_unix_s is 1e\+300, expected a number from 0 to 9223372036'
  [kind-unknown]='runs\[0\]\.kind is "quantum", expected io, cpu or hybrid'
  [mode-unknown]='runs\[0\]\.load\.mode is "half-open", expected closed or open'
  [percentile-over-100]='runs\[0\]\.latency_spectrum\[0\]\.percentile is 101, expected a number from 0 to 100'
  [cpu-negative]='runs\[0\]\.cpu_time_s is -0\.001, expected a number >= 0'
  [ok-without-samples]='runs\[0\]\.repetition_samples is empty, expected a sample per repetition of an ok run'
)
for name in "${!want[@]}"; do
  file="$name.json"
  [ -f "$file" ] || {
    fail "missing fixture $file"
    continue
  }
  line="'$file' is not a valid apbench results file: ${want[$name]}"
  for cmd in "compare ok.json $file" "merge $file"; do
    # shellcheck disable=SC2086
    timeout 20 "$apbench" $cmd >/dev/null 2>"$tmp/err"
    rc=$?
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
      grep -qE -- "$line" "$tmp/err"; then ok
    else
      fail "apbench $cmd: exit $rc (want 2), stderr:"
      head -3 "$tmp/err"
      echo "  (wanted /$line/)"
    fi
  done
done

finish results_files
