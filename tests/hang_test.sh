#!/usr/bin/env bash
# Nothing hangs: inputs of compare and merge that are not regular files
# (a FIFO with no writer, /dev/zero, a directory) or too large are refused
# at once; outputs that could block or mix with the console (a FIFO with
# no reader, a device, standard output) are refused before anything runs;
# a shard that gets no ops ends under every strategy. Each command runs
# under `timeout`: a hang is a failure (exit 124), never a stuck test.
# Usage: hang_test.sh APBENCH
set -u
apbench=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"
cd "$tmp" || exit 1

# expect CODE PATTERN -- ARGS...: apbench ARGS exits CODE within 20 s, its
# stderr matching PATTERN (extended regex) in exactly one line.
expect() {
  local code="$1" pattern="$2"
  shift 3
  timeout 20 "$apbench" "$@" >out 2>err </dev/null
  local rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$pattern" ] || grep -qE -- "$pattern" err; } &&
    { [ "$code" -eq 0 ] || [ "$(wc -l <err)" -eq 1 ]; }; then ok
  else
    fail "apbench $* -> exit $rc (want $code), stderr:"
    head -5 err
    echo "  (wanted /$pattern/)"
  fi
}

quick=(--filter io.sleep --ops 2 --set delay=1ms --strategy async
  --repetitions 1 --warmup 0 -q)
"$apbench" "${quick[@]}" --json good.json >/dev/null || fail "the good run"

# Inputs.
mkfifo fifo
expect 2 "'fifo' is a FIFO \(named pipe\): expected a results file of apbench --json \(a regular file of at most 1 GiB\)" -- compare good.json fifo
expect 2 "'fifo' is a FIFO" -- merge fifo good.json
expect 2 "'/dev/zero' is a character device: expected a results file" -- compare good.json /dev/zero
expect 2 "'/dev/zero' is a character device" -- merge /dev/zero
mkdir adir
expect 2 "'adir' is a directory: expected a results file" -- compare good.json adir
expect 2 "'adir' is a directory" -- merge adir
truncate -s 1073741825 huge.json # sparse: takes no space
expect 2 "'huge.json' is 1073741825 bytes: expected a results file of apbench --json \(a regular file of at most 1 GiB\)" -- compare good.json huge.json
rm -f huge.json
expect 2 "cannot read '/proc/self/mem': Input/output error" -- compare good.json /proc/self/mem
python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('sock')"
expect 2 "'sock' is a socket: expected a results file" -- compare good.json sock
expect 2 "cannot write --json 'sock': it is a socket" -- "${quick[@]}" --json sock
expect 2 "cannot read 'missing.json': No such file or directory" -- merge missing.json

# Outputs: refused up front, before anything runs, whatever the flag.
expect 2 "cannot write --json 'fifo': it is a FIFO \(named pipe\), which could block or fail apbench at the end; expected a regular file or /dev/null" -- "${quick[@]}" --json fifo
expect 2 "cannot write --csv 'fifo': it is a FIFO" -- "${quick[@]}" --csv fifo
expect 2 "cannot write --html 'fifo': it is a FIFO" -- "${quick[@]}" --html fifo
expect 2 "cannot write --gbench-json 'fifo': it is a FIFO" -- "${quick[@]}" --gbench-json fifo
expect 2 "cannot write --hlog 'fifo': it is a FIFO" -- "${quick[@]}" --hlog fifo
expect 2 "cannot write --markdown '/dev/zero': it is a character device" -- "${quick[@]}" --markdown /dev/zero
expect 2 "cannot write --json '/dev/full': it is a character device" -- "${quick[@]}" --json /dev/full
expect 2 "cannot write --json 'fifo': it is a FIFO" -- merge good.json --json fifo
expect 2 "cannot write --markdown 'fifo': it is a FIFO" -- compare good.json good.json --markdown fifo
expect 0 "" -- "${quick[@]}" --json /dev/null
if [ ! -s err ]; then ok; else fail "--json /dev/null: $(cat err)"; fi
# /dev/stdout while the console report goes there: as a pipe, and as a
# file standard output was redirected to.
out=$(timeout 20 "$apbench" "${quick[@]}" --json /dev/stdout 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "cannot write --json '/dev/stdout': it is the standard output, where the console report goes too; give a file of its own" <<<"$out"; then ok
else fail "--json /dev/stdout to a pipe: exit $rc: $out"; fi
timeout 20 "$apbench" "${quick[@]}" --csv /dev/stdout >stdout.txt 2>err
rc=$?
if [ "$rc" -eq 2 ] && grep -q "cannot write --csv '/dev/stdout': it is the standard output" err; then ok
else fail "--csv /dev/stdout to a file: exit $rc: $(cat err)"; fi
timeout 20 "$apbench" compare good.json good.json --json /dev/stdout >cmp.txt 2>err
rc=$?
if [ "$rc" -eq 2 ] && grep -q "it is the standard output" err; then ok
else fail "compare --json /dev/stdout: exit $rc: $(cat err)"; fi
# merge --quiet prints no console report: a file standard output goes to
# takes the JSON alone.
timeout 20 "$apbench" merge good.json --quiet --json /dev/stdout >merged.txt 2>err
rc=$?
if [ "$rc" -eq 0 ] && python3 -c "import json,sys; json.load(open('merged.txt'))"; then ok
else fail "merge --quiet --json /dev/stdout: exit $rc: $(cat err)"; fi

# Symbolic links are followed: the file named is replaced, the link kept;
# a link to nothing is refused.
echo '{}' >target.json
ln -s target.json link.json
expect 0 "" -- "${quick[@]}" --json link.json
if [ -L link.json ] && grep -q '"schema"' target.json; then ok
else fail "--json through a link: link or target wrong"; fi
ln -s nowhere.json dangling.json
expect 2 "cannot write --json 'dangling.json': it is a symbolic link to a file that does not exist" -- "${quick[@]}" --json dangling.json

# A shard that gets no ops ends under every strategy: ok, "no ops in this
# shard" (n/a where a strategy cannot run the workload), and it merges.
for shard in "--ops 1 --shard 1/2" "--ops 4 --shard 5/10" \
  "--rate 1 --duration 1s --shard 1/2"; do
  # shellcheck disable=SC2086
  timeout 60 "$apbench" --filter io.sleep --set delay=1ms $shard \
    --repetitions 2 --no-color --json empty.json >out 2>err
  rc=$?
  rows=$(python3 - <<'EOF'
import json
runs = json.load(open("empty.json"))["runs"]
print(sum(r["status"] == "ok" and r["reason"] == "no ops in this shard"
          and r["load"]["ops"] == 0 and r["repetitions"] == 2
          for r in runs),
      sum(r["status"] != "n/a" for r in runs))
EOF
)
  read -r empty measured <<<"$rows"
  lines=$(grep -c "ok — no ops in this shard" out)
  # Nothing ranked: no "fastest", no throughput of 0 ops/s.
  if [ "$rc" -eq 0 ] && [ "${measured:-0}" -ge 3 ] &&
    [ "$empty" = "$measured" ] && [ "$lines" -eq "$measured" ] &&
    ! grep -qE "fastest|highest throughput|advice" out; then ok
  else
    fail "$shard: exit $rc, $empty of $measured runs ok with no ops, $lines lines"
    head -20 out err
  fi
done
run_shard() {
  timeout 60 "$apbench" --filter io.sleep --set delay=1ms --ops 1 \
    --strategy async,threads --repetitions 2 --warmup 0 -q --shard "$1" \
    --json "shard$2.json" >/dev/null 2>&1 || fail "shard $1"
}
run_shard 0/2 0
run_shard 1/2 1
expect 0 "" -- merge shard0.json shard1.json --quiet --json merged.json
if python3 -c "
import json; d = json.load(open('merged.json'))
assert all(r['status'] == 'ok' and r['load']['ops'] == 1 for r in d['runs'])"; then ok
else fail "the shard without ops does not merge"; fi

finish hang
