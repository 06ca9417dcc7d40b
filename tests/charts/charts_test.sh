#!/usr/bin/env bash
# Tests of the chart generator: usage: charts_test.sh PATH/TO/tools/apbench-charts
#
# Runs it on tests/charts/sample_results.json, parses every SVG, checks titles
# and legends, and checks that bad input gives exit 2 and a one-line message.
# Exits 77 (skipped in CTest) when no Python with matplotlib is installed.
set -uo pipefail

charts=${1:?usage: charts_test.sh PATH/TO/apbench-charts}
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
sample="$here/sample_results.json"
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '     %s\n' "$2"; }

# Any Python 3 can parse XML; prefer Debian's, which the launcher prefers too.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)

# --- the sample: every chart kind ------------------------------------------
"$charts" "$sample" --out "$tmp/out" --title-prefix "Sample:" \
  >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 0 ] && grep -q "no Python 3 with matplotlib" "$tmp/stderr"; then
  echo "SKIP: $(cat "$tmp/stderr")"
  exit 77
fi
if [ $rc -eq 0 ]; then
  pass "sample: exit 0"
else
  fail "sample: exit $rc" "$(cat "$tmp/stderr")"
fi

# file -> expected title (after the prefix) and legend strategies
expected='
io.sleep-wall.svg|io.sleep: wall time per strategy|sequential,async,async-pool,threads,parallel,hybrid
io.sleep-speedup.svg|io.sleep: speed-up against sequential|sequential,async,async-pool,threads,parallel,hybrid
io.sleep-latency-spectrum.svg|io.sleep: latency distribution per strategy|sequential,async,async-pool,threads,parallel,hybrid
cpu.mandelbrot-wall.svg|cpu.mandelbrot: wall time per strategy|sequential,async,async-pool,threads,parallel,hybrid
cpu.mandelbrot-speedup.svg|cpu.mandelbrot: speed-up against sequential|sequential,async,async-pool,threads,parallel,hybrid
cpu.mandelbrot-latency-spectrum.svg|cpu.mandelbrot: latency distribution per strategy|sequential,async,async-pool,threads,parallel,hybrid
hybrid.fetch_process-wall.svg|hybrid.fetch_process: wall time per strategy|sequential,async,async-pool,threads,parallel,hybrid
hybrid.fetch_process-speedup.svg|hybrid.fetch_process: speed-up against sequential|sequential,async,async-pool,threads,parallel,hybrid
hybrid.fetch_process-latency-spectrum.svg|hybrid.fetch_process: latency distribution per strategy|sequential,async,async-pool,threads,parallel,hybrid
hybrid.fetch_process-stages.svg|hybrid.fetch_process: time per op in each stage|sequential,async,async-pool,threads,parallel,hybrid
io.http-latency-spectrum.svg|io.http: latency distribution per strategy|async,threads
io.http-latency-throughput.svg|io.http: latency against throughput|async,threads
'

# Checks one SVG: well-formed, title, strategies in the legend, extra texts.
# Prints nothing when fine, else one line saying what is wrong.
check_svg() { # file title strategies [extra text...]
  "$py" - "$@" <<'EOF'
import sys
import xml.etree.ElementTree as ET

path, title, strategies, *extra = sys.argv[1:]
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as err:
    print(f"not well-formed: {err}")
    sys.exit(1)
ns = "{http://www.w3.org/2000/svg}"
if root.tag != ns + "svg":
    print(f"root element is {root.tag}, not svg")
    sys.exit(1)
def texts(element):
    return [" ".join("".join(t.itertext()).split())
            for t in element.iter(ns + "text")]
def group(gid):
    return next((g for g in root.iter(ns + "g") if g.get("id") == gid), None)
problems = []
title_group = group("title")
if title_group is None or title not in " ".join(texts(title_group)):
    problems.append(f"title {title!r} missing")
legend = group("legend")
legend_texts = texts(legend) if legend is not None else []
for name in strategies.split(","):
    if name not in legend_texts:
        problems.append(f"strategy {name!r} not in the legend")
everything = " | ".join(texts(root))
for text in extra:
    if text not in everything:
        problems.append(f"text {text!r} missing")
if problems:
    print("; ".join(problems))
    sys.exit(1)
EOF
}

# Extra texts a chart kind must show: units, references, captions.
extra_for() {
  case $1 in
    io.sleep-wall.svg) echo "log scale|ideal (physical limit)|n/a|Machine: Intel(R) Xeon(R) CPU @ 2.20GHz, 2 cores, Release build" ;;
    *-wall.svg) echo "wall time of one repetition (|95 % interval of the mean|Machine:" ;;
    *-speedup.svg) echo "cores = 2|1x = sequential|ideal speed-up|Machine:" ;;
    io.http-latency-spectrum.svg) echo "service time (no queueing)|5,000 ops/s for 10 s|99.99%" ;;
    *-latency-spectrum.svg) echo "99.9%|99.99%|latency of one op (ms|Machine:" ;;
    *-stages.svg) echo "stage fetch (io)|stage process (cpu)|waiting before a stage|mean time per op (ms)" ;;
    *-latency-throughput.svg) echo "achieved throughput (ops/s)|knee|SLO: p99 ≤ 10 ms|p99 latency|ops dropped or failed" ;;
  esac
}

while IFS='|' read -r file title strategies; do
  [ -n "$file" ] || continue
  if [ ! -f "$tmp/out/$file" ]; then
    fail "$file: not written"
    continue
  fi
  IFS='|' read -r -a extra <<<"$(extra_for "$file")"
  if msg=$(check_svg "$tmp/out/$file" "Sample: $title" "$strategies" "${extra[@]}"); then
    pass "$file: well-formed, title, legend"
  else
    fail "$file" "$msg"
  fi
done <<<"$expected"

# No chart beyond the expected ones, and charts.md embeds each exactly once.
want=$(grep -o '^[^|]*\.svg' <<<"$expected" | sort)
got=$(find "$tmp/out" -maxdepth 1 -name '*.svg' -printf '%f\n' | sort)
if [ "$want" = "$got" ]; then
  pass "exactly the expected SVG files"
else
  fail "SVG files differ from the expected set" "$(diff <(echo "$want") <(echo "$got") | tr '\n' ' ')"
fi
missing=""
for f in $want; do
  [ "$(grep -c "^!\[.*\]($f)\$" "$tmp/out/charts.md" 2>/dev/null)" = 1 ] || missing+=" $f"
done
if [ -z "$missing" ] && grep -q "^## io.sleep" "$tmp/out/charts.md"; then
  pass "charts.md embeds every chart once, by workload"
else
  fail "charts.md does not embed:$missing"
fi
if grep -q "wrote 12 charts and charts.md to" "$tmp/stdout"; then
  pass "summary line on stdout"
else
  fail "summary line on stdout" "$(cat "$tmp/stdout")"
fi

# --- deterministic output: a second run writes identical SVG and Markdown ---
"$charts" "$sample" --out "$tmp/again" --title-prefix "Sample:" >/dev/null 2>&1
if diff -r "$tmp/out" "$tmp/again" >/dev/null; then
  pass "output is deterministic"
else
  fail "two runs differ" "$(diff -rq "$tmp/out" "$tmp/again" | head -3 | tr '\n' ' ')"
fi

# --- two inputs: the second file's groups get -2 file names ----------------
"$charts" "$sample" "$sample" --out "$tmp/two" >/dev/null 2>&1
if [ -f "$tmp/two/io.sleep-wall.svg" ] && [ -f "$tmp/two/io.sleep-wall-2.svg" ] \
    && [ -f "$tmp/two/io.http-latency-throughput-2.svg" ]; then
  pass "two inputs: suffixed file names"
else
  fail "two inputs: suffixed file names" "$(find "$tmp/two" -printf '%f ')"
fi

# --- "group" decides which runs share a chart, not the loads ---------------
"$py" - "$sample" "$tmp/grouped.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
workloads = []
for run in doc["runs"]:
    if run["workload"] not in workloads:
        workloads.append(run["workload"])
    run["group"] = workloads.index(run["workload"])
    # Equal loads, yet apbench put these in a group of their own.
    if run["workload"] == "io.sleep" and run["strategy"] in ("parallel", "hybrid"):
        run["group"] = 99
json.dump(doc, open(sys.argv[2], "w"))
EOF
"$charts" "$tmp/grouped.json" --out "$tmp/grouped" >/dev/null 2>&1
if [ -f "$tmp/grouped/io.sleep-wall.svg" ] && [ -f "$tmp/grouped/io.sleep-wall-2.svg" ] \
    && [ ! -e "$tmp/grouped/cpu.mandelbrot-wall-2.svg" ]; then
  pass "runs grouped by their \"group\""
else
  fail "runs grouped by their \"group\"" "$(find "$tmp/grouped" -printf '%f ')"
fi

# --- a file without the newer keys (no series, stages, spectrum, slo) -------
"$py" - "$sample" "$tmp/old.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for key in ("series", "slo"):
    doc.pop(key)
for run in doc["runs"]:
    for key in ("stages", "latency_spectrum", "service_time_s", "dropped"):
        run.pop(key)
    run["load"] = {k: v for k, v in run["load"].items()
                   if k in ("ops", "concurrency", "requested_concurrency",
                            "threads")}
doc["runs"] = [r for r in doc["runs"] if r["workload"] != "io.http"]
json.dump(doc, open(sys.argv[2], "w"))
EOF
"$charts" "$tmp/old.json" --out "$tmp/old" >/dev/null 2>"$tmp/old.err"
rc=$?
n=$(find "$tmp/old" -maxdepth 1 -name '*.svg' 2>/dev/null | wc -l)
if [ $rc -eq 0 ] && [ "$n" = 9 ] && [ ! -e "$tmp/old/hybrid.fetch_process-stages.svg" ]; then
  pass "file without series/stages: 9 charts"
else
  fail "file without series/stages: exit $rc, $n charts" "$(cat "$tmp/old.err")"
fi

# --- bad input: exit 2, one line naming the file, nothing written -----------
printf 'this is not JSON\n' >"$tmp/not.json"
printf '{"schema": "other.results/3", "runs": []}\n' >"$tmp/schema.json"
printf '[1, 2]\n' >"$tmp/array.json"

expect_error() { # name pattern args...
  local name=$1 pattern=$2
  shift 2
  "$charts" "$@" >"$tmp/err.out" 2>"$tmp/err.err"
  local rc=$? lines
  lines=$(wc -l <"$tmp/err.err")
  if [ $rc -eq 2 ] && [ "$lines" = 1 ] && grep -qE -- "$pattern" "$tmp/err.err" \
      && [ ! -s "$tmp/err.out" ]; then
    pass "$name: exit 2, one line"
  else
    fail "$name: exit $rc, $lines lines on stderr" "$(head -3 "$tmp/err.err" | tr '\n' ' ')"
  fi
}
expect_error "missing file" "^apbench-charts: $tmp/nope.json: No such file or directory\$" \
  "$tmp/nope.json" --out "$tmp/bad1"
expect_error "not JSON" "^apbench-charts: $tmp/not.json: not valid JSON: " \
  "$tmp/not.json" --out "$tmp/bad2"
expect_error "wrong schema" "^apbench-charts: $tmp/schema.json: schema is \"other.results/3\", expected \"apbench.results/1\" .* or \"apbench.compare/1\"" \
  "$tmp/schema.json" --out "$tmp/bad3"
expect_error "JSON array" "^apbench-charts: $tmp/array.json: expected a JSON object" \
  "$tmp/array.json" --out "$tmp/bad4"
expect_error "good file then bad file" "^apbench-charts: $tmp/not.json: " \
  "$sample" "$tmp/not.json" --out "$tmp/bad5"
if [ ! -e "$tmp/bad1" ] && [ ! -e "$tmp/bad5" ]; then
  pass "bad input writes nothing"
else
  fail "bad input created the output folder"
fi

# Bad arguments: argparse's usage and exit 2.
"$charts" "$sample" >"$tmp/args.out" 2>"$tmp/args.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^usage: apbench-charts" "$tmp/args.err" \
    && grep -q "give --out DIR (SVG charts), --html FILE" "$tmp/args.err"; then
  pass "missing --out and --html: usage, exit 2"
else
  fail "missing --out: exit $rc" "$(tr '\n' ' ' <"$tmp/args.err")"
fi
"$charts" --help >"$tmp/help.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q -- "--title-prefix" "$tmp/help.out" && ! grep -q -- "--png" "$tmp/help.out"; then
  pass "--help"
else
  fail "--help: exit $rc"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
