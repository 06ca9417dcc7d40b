#!/usr/bin/env bash
# Nothing finished is lost, whatever the moment apbench dies. A group of six
# runs (io.sleep, every strategy that runs it, two interleaved repetitions)
# writes every output format; SIGKILL lands at 20 random moments spread over
# a whole run (measuring, writing, drawing the page). After each kill:
# every run the --verbose log showed as done (a run is logged once its files
# are written) is in every file, each file is whole, nothing is left in
# $TMPDIR, and the output folder holds only the outputs (a temporary file of
# the killed process at most, which the next apbench removes). Then the same
# with Ctrl-C in the middle of the group: exit within 2 s (asserted with a
# margin: 6 s), every run kept, the page written (without charts when the
# chart tool could not finish in time, and one line saying so); a second
# Ctrl-C exits at once with the page without charts.
# Usage: kill_test.sh APBENCH PYTHON3
set -u
apbench="$1"
python="${2:-python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp/t"
mkdir -p "$TMPDIR" "$tmp/out"
. "$(dirname "$0")/checks.sh"

strategies=sequential,async,async-pool,threads,parallel,hybrid
out="$tmp/out"
args=(--filter io.sleep --set delay=40ms --ops 2 --repetitions 2 --warmup 0
  --strategy "$strategies" --verbose --no-color
  --json "$out/r.json" --csv "$out/r.csv" --markdown "$out/r.md"
  --gbench-json "$out/r.gbench.json" --hlog "$out/r.hlog" --html "$out/r.html")
outputs="r.csv r.gbench.json r.hlog r.html r.json r.md"

now_ms() { date +%s%3N; }

# check_files LOG [FILE...]: every strategy LOG shows done is in every file
# (of those named; default: all five but the page) there is; prints "K"
# (runs done) or a reason, exit 1.
check_files() {
  "$python" - "$out" "$@" <<'PY'
import json, os, re, sys
out, log = sys.argv[1], sys.argv[2]
names = sys.argv[3:] or ["r.json", "r.csv", "r.md", "r.gbench.json", "r.hlog"]
done = re.findall(r"^\[\d+/\d+\] io\.sleep · ([a-z-]+): ", open(log).read(), re.M)
problems = []
def named(text, s):
    return re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text)
for name in names:
    path = os.path.join(out, name)
    if not os.path.exists(path):
        if done:
            problems.append(f"{name} missing after {len(done)} runs done")
        continue
    text = open(path).read()
    if name.endswith(".json"):
        try:
            doc = json.loads(text)
        except ValueError as err:
            problems.append(f"{name} is not whole: {err}")
            continue
        if name == "r.json":
            have = {r["strategy"] for r in doc["runs"]}
        else:
            have = {b["name"].split("/")[1] for b in doc["benchmarks"]}
        missing = [s for s in done if s not in have]
    else:
        missing = [s for s in done if not named(text, s)]
    if missing:
        problems.append(f"{name} lacks {missing}")
page = os.path.join(out, "r.html")
if os.path.exists(page) and not open(page).read().rstrip().endswith("</html>"):
    problems.append("r.html is not whole")
if problems:
    print("; ".join(problems))
    sys.exit(1)
print(len(done))
PY
}

# A whole run first: how long it takes, and files that hold all six.
start=$(now_ms)
"$apbench" "${args[@]}" >/dev/null 2>"$tmp/full.log"
rc=$?
total=$(($(now_ms) - start))
if [ "$rc" -eq 0 ] && n=$(check_files "$tmp/full.log") && [ "$n" -eq 6 ] &&
  grep -q '<svg' "$out/r.html"; then
  ok
else
  fail "a whole run: exit $rc, ${n:-}: $(tail -3 "$tmp/full.log")"
fi
echo "a whole run takes $total ms"

# 20 kills, the k-th at a random moment of the k-th twentieth of the run.
kills=0 kept="" leftovers=0
for k in $(seq 0 19); do
  (cd "$out" && rm -f $outputs)
  at=$(((k * total + RANDOM % total) / 20))
  "$apbench" "${args[@]}" >/dev/null 2>"$tmp/kill.log" &
  pid=$!
  sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  kills=$((kills + 1))
  if n=$(check_files "$tmp/kill.log"); then
    ok
    kept="$kept $n"
  else
    fail "killed at $at ms: $n"
    kept="$kept ?"
  fi
  left=$(ls -A "$TMPDIR")
  [ -z "$left" ] && ok || fail "killed at $at ms: left in TMPDIR: $left"
  rm -rf "${TMPDIR:?}"/* "${TMPDIR:?}"/.[!.]* 2>/dev/null
  # Only outputs, or the killed process's temporary file.
  stray=$(cd "$out" && ls -A | grep -vxE "r\.(csv|gbench\.json|hlog|html|json|md)" |
    grep -vE "^\.r\..*\.apbench-$pid-......$")
  temps=$(cd "$out" && ls -A | grep -cE "^\.r\..*\.apbench-$pid-......$")
  leftovers=$((leftovers + temps))
  [ -z "$stray" ] && ok || fail "killed at $at ms: in the output folder: $stray"
done
echo "$kills kills; runs kept per kill:$kept; temporary files of a killed" \
  "process in the output folder: $leftovers (removed by the next run)"

# The next apbench removes what a killed one left beside its outputs.
"$apbench" "${args[@]}" >/dev/null 2>&1 || fail "the run after the kills"
left=$(cd "$out" && ls -A | grep -vxE "r\.(csv|gbench\.json|hlog|html|json|md)")
[ -z "$left" ] && ok || fail "after a whole run, the output folder has: $left"

# Ctrl-C in the middle of a 7-run group (tbb-pipeline is n/a for io.sleep):
# once four runs are done, in the second round of repetitions.
(cd "$out" && rm -f $outputs)
"$apbench" --filter io.sleep --set delay=300ms --ops 2 --repetitions 2 \
  --strategy sequential,async,async-pool,threads,parallel,hybrid,tbb-pipeline \
  --warmup 0 --verbose --no-color --json "$out/r.json" --csv "$out/r.csv" \
  --html "$out/r.html" >/dev/null 2>"$tmp/int.log" &
pid=$!
for _ in $(seq 600); do
  [ "$(grep -c '^\[' "$tmp/int.log")" -ge 4 ] && break
  sleep 0.05
done
before=$(grep -c '^\[' "$tmp/int.log")
start=$(now_ms)
kill -INT "$pid"
wait "$pid"
rc=$?
took=$(($(now_ms) - start))
echo "Ctrl-C after $before of 7 runs done: exit $rc after $took ms"
[ "$rc" -eq 130 ] && ok || fail "Ctrl-C: exit $rc (want 130)"
[ "$took" -lt 6000 ] && ok || fail "Ctrl-C: exit after $took ms (want 2 s)"
if n=$(check_files "$tmp/int.log" r.json r.csv) && [ "$n" -eq 7 ]; then ok; else
  fail "Ctrl-C: ${n:-} runs logged or a file lacks one: $(cat "$tmp/int.log")"
fi
"$python" - "$out/r.json" "$before" <<'PY' && ok || fail "Ctrl-C: the JSON"
import json, sys
doc, before = json.load(open(sys.argv[1])), int(sys.argv[2])
runs = doc["runs"]
whole = [r for r in runs if r["status"] == "ok" and not r["interrupted"]]
assert len(runs) == 7 and doc["interrupted"] is True, (len(runs), doc["interrupted"])
# Runs done before the signal have both repetitions; the n/a one is one of them.
assert len(whole) >= before - 1, (len(whole), before)
PY
rows=$(grep -c '^io\.sleep,' "$out/r.csv")
[ "$rows" -eq 7 ] && ok || fail "Ctrl-C: $rows CSV rows (want 7)"
# The page: with its charts, or without and one line saying how to draw it.
lines=$(grep -c "written without charts" "$tmp/int.log")
if grep -q '<svg' "$out/r.html" && [ "$lines" -eq 0 ]; then
  echo "Ctrl-C: the page has its charts"
  ok
elif grep -q 'id="charts-missing"' "$out/r.html" && [ "$lines" -eq 1 ] &&
  grep -q -- "--html $out/r.html" "$tmp/int.log"; then
  echo "Ctrl-C: $(grep 'written without charts' "$tmp/int.log")"
  ok
else
  fail "Ctrl-C: the page: $(head -c 300 "$out/r.html"); log: $(cat "$tmp/int.log")"
fi
left=$(ls -A "$TMPDIR")
[ -z "$left" ] && ok || fail "Ctrl-C: left in TMPDIR: $left"

# A second Ctrl-C exits at once: the files, and the page without charts.
(cd "$out" && rm -f $outputs)
"$apbench" --filter io.sleep --set delay=300ms --ops 2 --repetitions 2 \
  --warmup 0 --verbose --no-color --json "$out/r.json" --html "$out/r.html" \
  >/dev/null 2>"$tmp/twice.log" &
pid=$!
for _ in $(seq 600); do
  [ "$(grep -c '^\[' "$tmp/twice.log")" -ge 2 ] && break
  sleep 0.05
done
kill -INT "$pid"
sleep 0.1
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ] && grep -q 'again: exiting at once' "$tmp/twice.log" &&
  grep -q 'id="charts-missing"' "$out/r.html" &&
  [ "$(grep -c 'written without charts' "$tmp/twice.log")" -eq 1 ] &&
  n=$(check_files "$tmp/twice.log" r.json) && [ "$n" -ge 2 ]; then
  ok
else
  fail "Ctrl-C twice: exit $rc, ${n:-}: $(cat "$tmp/twice.log")"
fi

finish kill
