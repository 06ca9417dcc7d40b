#!/usr/bin/env bash
# The charts of apbench's features, from real runs with tiny settings:
# fork-join per-task cost (a grain sweep, and a --threads sweep), a compare
# forest plot (two io.sleep runs, delay 10 ms vs 12 ms) and merge --by host
# (a threads series across two hosts), plus a synthetic comparison with one
# row of each verdict. Asserts the SVG files, their rows and bars, the
# captions in charts.md, the HTML page's placement, and sizes under 300 KB.
# Usage: feature_charts_test.sh PATH/TO/apbench-charts PATH/TO/apbench
# Exits 77 (skipped) without a Python that has matplotlib.
set -uo pipefail

charts=${1:?usage: feature_charts_test.sh APBENCH-CHARTS APBENCH}
apbench=${2:?usage: feature_charts_test.sh APBENCH-CHARTS APBENCH}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
cd "$tmp" || exit 1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '     %s\n' "$2"; }
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)

# ids(FILE PREFIX): the ids in FILE that start with PREFIX, one a line.
ids() { grep -o "id=\"$2[^\"]*\"" "$1" 2>/dev/null | sed 's/^id="//; s/"$//'; }
texts() { # texts(FILE): every <text> of an SVG, one a line
  "$py" - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
for t in ET.parse(sys.argv[1]).getroot().iter("{http://www.w3.org/2000/svg}text"):
    print(" ".join("".join(t.itertext()).split()))
EOF
}

# --- real inputs, tiny settings ---------------------------------------------
run() { "$apbench" "$@" -q --no-color >/dev/null 2>>"$tmp/apbench.err" ||
  { echo "apbench $* failed: $(tail -3 "$tmp/apbench.err")"; exit 1; }; }
run --filter cpu.fib --set n=22 --set grain=0,15 --strategy sequential,parallel \
  --ops 2 --repetitions 2 --json fib.json
run --filter cpu.fib --set n=22 --set grain=8 --threads 1,2 \
  --strategy sequential,parallel --ops 2 --repetitions 2 --json fib-threads.json
run --filter io.sleep --set delay=10ms --ops 4 --repetitions 4 \
  --strategy sequential,async --json base.json
run --filter io.sleep --set delay=12ms --ops 4 --repetitions 4 \
  --strategy sequential,async --json new.json
"$apbench" compare base.json new.json --ignore-param delay --json compare.json \
  --no-color >/dev/null 2>&1
[ -s compare.json ] || { echo "apbench compare wrote no compare.json"; exit 1; }
run --filter cpu.mandelbrot --set size=64 --threads 1 --strategy parallel,threads \
  --ops 2 --repetitions 2 --json small.json
run --filter cpu.mandelbrot --set size=64 --threads 2 --strategy parallel,threads \
  --ops 2 --repetitions 2 --json big.json
"$apbench" merge --by host --hosts small,big small.json big.json --json hosts.json \
  --no-color >/dev/null 2>&1
[ -s hosts.json ] || { echo "apbench merge wrote no hosts.json"; exit 1; }

"$charts" fib.json fib-threads.json compare.json hosts.json --out out \
  >stdout 2>stderr
rc=$?
if [ $rc -ne 0 ] && grep -q "no Python 3 with matplotlib" stderr; then
  echo "SKIP: $(cat stderr)"
  exit 77
fi
[ $rc -eq 0 ] && pass "real inputs: exit 0" || fail "real inputs: exit $rc" "$(cat stderr)"

# --- fork-join per-task cost -------------------------------------------------
svg=out/cpu.fib-task-cost.svg
bars=$(ids "$svg" task-cost- | sort | tr '\n' ' ')
if [ "$bars" = "task-cost-1-parallel task-cost-1-sequential task-cost-2-parallel task-cost-2-sequential " ]; then
  pass "per-task cost: a bar per strategy in each grain group"
else
  fail "per-task cost bars" "$bars"
fi
t=$(texts "$svg" 2>/dev/null)
missing=""
for want in "cpu.fib: overhead per forked task" "grain=0" "grain=15" \
  "sequential" "parallel" "lowest-highest repetition" "overhead per task ("; do
  grep -qF -- "$want" <<<"$t" || missing+=" '$want'"
done
grep -qE "overhead per task \((ns|µs|ms)" <<<"$t" || missing+=" unit"
[ -z "$missing" ] && pass "per-task cost: title, groups, legend, unit" ||
  fail "per-task cost texts missing:$missing"
svg=out/cpu.fib-task-cost-2.svg
bars=$(ids "$svg" task-cost- | wc -l)
t=$(texts "$svg" 2>/dev/null)  # then grep: grep -q would close a pipe early
if [ "$bars" = 4 ] && grep -qx "1 thread" <<<"$t" && grep -qx "2 threads" <<<"$t"; then
  pass "per-task cost of a --threads sweep: thread counts as groups"
else
  fail "per-task cost of a --threads sweep: $bars bars" "$(tr '\n' '|' <<<"$t")"
fi
if grep -q "^What each forked task of cpu.fib added .* at grain=0 and grain=15: bars from the median wall time, error bars the lowest and highest repetition" out/charts.md; then
  pass "charts.md: the per-task cost chart's sentence"
else
  fail "charts.md: no per-task cost sentence"
fi

# --- compare: a forest plot --------------------------------------------------
svg=out/compare-forest.svg
rows=$(ids "$svg" forest-row- | wc -l)
want=$("$py" -c 'import json,sys; print(len(json.load(open("compare.json"))["comparisons"][0]["runs"]))')
t=$(texts "$svg" 2>/dev/null)
if [ "$rows" = "$want" ] && [ "$rows" = 2 ] && [ -n "$(ids "$svg" threshold-band)" ] \
    && grep -qF "compare: new.json against base.json" <<<"$t" \
    && grep -qF "io.sleep / sequential" <<<"$t" && grep -qF "io.sleep / async" <<<"$t" \
    && grep -qF "±5 % threshold" <<<"$t" && grep -qF "Compared: base.json (base) and new.json (new)" <<<"$t"; then
  pass "compare: a row per run, band, files named"
else
  fail "compare forest: $rows rows (want $want)" "$(tr '\n' '|' <<<"$t")"
fi
if grep -q "^Ratio new / base .* tests new.json against base.json.*parameters left out of the match: delay" out/charts.md; then
  pass "charts.md: the forest plot's sentence names the files"
else
  fail "charts.md: no forest sentence"
fi

# --- merge --by host: a threads series across the hosts ----------------------
svg=out/cpu.mandelbrot-scaling.svg
t=$(texts "$svg" 2>/dev/null)
if grep -qx "small" <<<"$t" && grep -qx "big" <<<"$t" \
    && grep -qF "Machines: merged by host: small (" <<<"$t" \
    && grep -qF "each on its own host" <<<"$t"; then
  pass "merge --by host: scaling chart with the hosts on the axis"
else
  fail "merge --by host scaling chart" "$(tr '\n' '|' <<<"$t")"
fi

# --- synthetic comparison: one row per verdict, marked as such ---------------
"$py" - compare.json verdicts.json <<'EOF'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
comparison = doc["comparisons"][0]
row = comparison["runs"][0]
rows = []
for verdict, ratio in (("slower", 1.3), ("faster", 0.7), ("no change", 1.01),
                       ("too few repetitions", 1.1), ("more errors", 0.98),
                       ("not measured", None)):
    r = copy.deepcopy(row)
    r["strategy"] = verdict.replace(" ", "_")
    r["verdict"], r["ratio"] = verdict, ratio
    r["ci95_low"] = ratio / 1.02 if ratio else None
    r["ci95_high"] = ratio * 1.02 if ratio else None
    rows.append(r)
comparison["runs"] = rows
comparison["base"], comparison["new"] = "before.json", "after.json"
json.dump(doc, open(sys.argv[2], "w"))
EOF
"$charts" verdicts.json --out verdicts --quiet 2>verdicts.err
svg=verdicts/compare-forest.svg
got=$(ids "$svg" forest-row- | tr '\n' ' ')
t=$(texts "$svg" 2>/dev/null)
if [ "$got" = "forest-row-1-slower forest-row-2-faster forest-row-3-no-change forest-row-4-too-few-repetitions forest-row-5-more-errors " ] \
    && grep -qx "1.300x slower" <<<"$t" && grep -qx "0.700x faster" <<<"$t" \
    && grep -qx "not measured" <<<"$t" \
    && grep -q 'fill: #d62728' "$svg" && grep -q 'fill: #2ca02c' "$svg"; then
  pass "verdicts: marked by colour and label, unmeasured row named"
else
  fail "verdicts" "$got | $(tr '\n' '|' <<<"$t") $(cat verdicts.err)"
fi

# --- the HTML page: the per-task cost chart under the grain sweep ------------
if "$apbench" report fib.json --html page.html -q 2>page.err; then
  if "$py" - page.html <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
heading = re.search(r"<h2[^>]*>[^<]*sweep of grain", page)
sweep = heading.start() if heading else -1
chart = page.find("overhead per forked task", sweep + 1)
nxt = page.find("<h2", sweep + 1)
ok = 0 <= sweep < chart and (nxt < 0 or chart < nxt)
sys.exit(0 if ok else 1)
EOF
  then pass "HTML page: per-task cost chart under the grain sweep"
  else fail "HTML page: per-task cost chart not under the grain sweep"
  fi
else
  fail "apbench report --html" "$(cat page.err)"
fi

# --- sizes and bad input -----------------------------------------------------
big=$(find out verdicts -name '*.svg' -size +300k -printf '%f ')
n=$(find out -name '*.svg' | wc -l)
[ -z "$big" ] && [ "$n" -ge 5 ] && pass "$n charts, none over 300 KB" || fail "charts over 300 KB: $big ($n charts)"

printf '{"schema": "apbench.compare/1", "comparisons": 3}\n' >bad.json
"$charts" bad.json --out bad >bad.out 2>bad.err
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <bad.err)" = 1 ] && grep -q '"comparisons" is missing or not an array' bad.err \
    && [ ! -e bad ]; then
  pass "a broken comparison: exit 2, one line"
else
  fail "a broken comparison: exit $rc" "$(cat bad.err)"
fi
"$charts" compare.json --html page2.html >html.out 2>html.err
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <html.err)" = 1 ] && grep -q "is a comparison" html.err; then
  pass "--html of a comparison alone: exit 2, one line"
else
  fail "--html of a comparison: exit $rc" "$(cat html.err)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
