#!/usr/bin/env bash
# The HTML report (--html, apbench report --html, and apbench-charts --html
# for saved results): the page parses, has a table per run group and an
# inline <svg> per chart (as many as apbench-charts --out writes for the
# same results), refers to nothing on the network, and its tables hold the
# Markdown report's cells, table by table (one formatting, in C++); a
# --threads sweep is a row per thread count in both. Without matplotlib it
# still has every table, and one line saying what is missing.
# Usage: html_test.sh APBENCH APBENCH-CHARTS
set -u
apbench="$1"
charts="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/checks.sh"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || {
  echo "SKIP: no python3"
  exit 77
}
with_mpl=1
"$py" -c 'import matplotlib' 2>/dev/null || with_mpl=0
export APBENCH="$apbench"  # the apbench that apbench-charts --html runs

fetch=(--filter hybrid.fetch_process --ops 4 --concurrency 2 --repetitions 2
  --warmup 0 --set delay=2ms --set work=4ms --set respond=1ms)
sweep=(--filter cpu.spin --set work=1ms --rate 200,400 --duration 100ms
  --slo p99=50ms --strategy async,parallel)

"$apbench" -q "${fetch[@]}" --html "$tmp/run.html" --json "$tmp/run.json" \
  --markdown "$tmp/run.md" --charts "$tmp/charts" >/dev/null 2>"$tmp/err" &&
  ok || fail "apbench --html exit $?: $(cat "$tmp/err")"
"$apbench" -q "${sweep[@]}" --json "$tmp/sweep.json" >/dev/null 2>&1 &&
  ok || fail "sweep run"
"$charts" "$tmp/run.json" "$tmp/sweep.json" --html "$tmp/saved.html" \
  >/dev/null 2>"$tmp/err" && ok || fail "apbench-charts --html: $(cat "$tmp/err")"

# check_page PAGE SVGS TABLES NOTICE: parses; SVGS inline charts; TABLES
# tables; NOTICE 1 when the charts-missing line must be there.
check_page() {
  local out
  if out=$("$py" - "$@" <<'PY'
import html.parser, re, sys
path, svgs, tables, notice = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
text = open(path, encoding="utf-8").read()
VOID = {"meta", "br", "img", "input", "link", "hr", "col", "wbr", "source"}
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.count, self.problems = [], {}, []
    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()
page = Page()
page.feed(text)
page.close()
errors = page.problems[:3]
if page.stack:
    errors.append(f"unclosed: {page.stack[:5]}")
if page.count.get("svg", 0) != svgs:
    errors.append(f"{page.count.get('svg', 0)} <svg>, want {svgs}")
if page.count.get("table", 0) != tables:
    errors.append(f"{page.count.get('table', 0)} <table>, want {tables}")
if re.search(r"https?://", text):
    errors.append("refers to " + re.search(r"https?://\S{0,40}", text).group(0))
if re.search(r"<(script|link|img|iframe)\b", text):
    errors.append("loads something: " + re.search(r"<(script|link|img|iframe)\b", text).group(0))
has_notice = 'id="charts-missing"' in text
if has_notice != notice:
    errors.append("charts-missing line " + ("missing" if notice else "present"))
if errors:
    print("; ".join(errors))
    sys.exit(1)
PY
  ); then ok; else fail "$1: $out"; fi
}

if [ "$with_mpl" = 1 ]; then
  nsvg=$(ls "$tmp/charts"/*.svg | wc -l)
  [ "$nsvg" -ge 3 ] && ok || fail "--charts wrote $nsvg SVG files"
  check_page "$tmp/run.html" "$nsvg" 1 0
  "$charts" "$tmp/run.json" "$tmp/sweep.json" --out "$tmp/both" >/dev/null
  check_page "$tmp/saved.html" "$(ls "$tmp/both"/*.svg | wc -l)" 2 0
else
  echo "note: no matplotlib; the pages are checked without charts"
  check_page "$tmp/run.html" 0 1 1
  check_page "$tmp/saved.html" 0 2 1
fi

# The same cells as the Markdown report, table by table: the page's tables
# are the Markdown reporter's cells in HTML (markup and the "fastest" mark
# aside).
same_cells() {
  "$py" - "$1" "$2" <<'PY'
import html, re, sys
md = open(sys.argv[1], encoding="utf-8").read()
page = open(sys.argv[2], encoding="utf-8").read()
def clean(cell):
    cell = cell.replace("**", "").replace(" (fastest)", "")
    cell = re.sub(r"\\(.)", r"\1", cell)  # Markdown's escapes
    return cell.replace("`", "").strip()
md_tables, rows = [], None
for line in md.splitlines():
    if line.startswith("|"):
        cells = [clean(c) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if rows is None:
            rows = []
            md_tables.append(rows)
        if not all(re.fullmatch(r":?-+:?", c) for c in cells):
            rows.append(cells)
    else:
        rows = None
page_tables = []
for table in re.findall(r"<table>.*?</table>", page, re.S):
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([clean(html.unescape(re.sub("<[^>]+>", "", c))) for c in cells])
    page_tables.append(rows)
if not md_tables:
    print("no tables in the Markdown report"); sys.exit(1)
if len(md_tables) != len(page_tables):
    print(f"{len(page_tables)} tables in the page, {len(md_tables)} in the Markdown"); sys.exit(1)
for t, (want, got) in enumerate(zip(md_tables, page_tables)):
    for r, (w, g) in enumerate(zip(want[1:], got[1:])):  # titles differ in length
        w = [c for c in w if c]  # a failed run's status spans the row
        if w != g:
            print(f"table {t + 1} row {r + 1}: page {g} vs Markdown {w}"); sys.exit(1)
    if len(want) != len(got):
        print(f"table {t + 1}: {len(got)} rows in the page, {len(want)} in the Markdown"); sys.exit(1)
PY
}
if out=$(same_cells "$tmp/run.md" "$tmp/run.html"); then ok; else fail "run cells: $out"; fi
"$apbench" report "$tmp/sweep.json" -q --markdown "$tmp/sweep.md" --html "$tmp/sweep.html" \
  2>"$tmp/err" && ok || fail "apbench report: $(cat "$tmp/err")"
if out=$(same_cells "$tmp/sweep.md" "$tmp/sweep.html"); then ok; else fail "sweep cells: $out"; fi

# A thread sweep: titled as one, a row per thread count, in both reports.
"$apbench" -q --filter cpu.spin --set work=1ms --ops 4 --threads 1,2 \
  --repetitions 1 --warmup 0 --strategy sequential,parallel \
  --markdown "$tmp/threads.md" --html "$tmp/threads.html" >/dev/null 2>"$tmp/err" ||
  fail "--threads 1,2: $(cat "$tmp/err")"
if out=$(same_cells "$tmp/threads.md" "$tmp/threads.html"); then ok; else fail "thread sweep cells: $out"; fi
for f in threads.md threads.html; do
  if grep -q 'threads sweep' "$tmp/$f" && ! grep -q 'concurrency sweep' "$tmp/$f" &&
    grep -qE '^\| 1 \| .*x of|<tr><td>1</td>' "$tmp/$f" &&
    grep -qE '^\| 2 \| .*x of|<tr><td>2</td>' "$tmp/$f"; then
    ok
  else
    fail "$f: not a thread sweep with a row per thread count"
  fi
done

# Every block the console has: the fork-join line, word for word.
"$apbench" -q --filter cpu.fib --set n=22 --set grain=12 --ops 2 \
  --repetitions 1 --warmup 0 --strategy sequential,parallel --no-color \
  --html "$tmp/fib.html" >"$tmp/fib.txt" 2>&1 || fail "cpu.fib --html"
tree=$(grep -o 'fork-join: .* per op' "$tmp/fib.txt" | head -1)
# (The page keeps a number and its unit together with a no-break space.)
sed 's/\xc2\xa0/ /g' "$tmp/fib.html" >"$tmp/fib.text"
if [ -n "$tree" ] && grep -qF "$tree" "$tmp/fib.text" &&
  grep -q 'overhead per task: sequential .* (1 thread), parallel' "$tmp/fib.text"; then
  ok
else
  fail "the page lacks the console's fork-join block ('$tree')"
fi

# A run of about a second: --html draws the page once, at the end, and
# adds the chart tool's one run (under 10 s wanted; 30 s asserted, for a
# loaded machine).
one=(--filter io.sleep --set delay=100ms --ops 2 --repetitions 2 --warmup 1
  --strategy sequential,async,threads --no-color)
start=$(date +%s%3N)
"$apbench" "${one[@]}" -q >/dev/null 2>&1 || fail "the 1 s run"
plain=$(($(date +%s%3N) - start))
start=$(date +%s%3N)
"$apbench" "${one[@]}" --verbose --html "$tmp/one.html" >/dev/null \
  2>"$tmp/one.err" || fail "the 1 s run with --html"
with=$(($(date +%s%3N) - start))
ran=$(grep -c 'the chart tool .* ran once' "$tmp/one.err")
echo "a $plain ms run: --html adds $((with - plain)) ms; the chart tool ran $ran time(s)"
[ "$ran" -eq 1 ] && ok || fail "the chart tool ran $ran times: $(cat "$tmp/one.err")"
[ $((with - plain)) -lt 30000 ] && ok || fail "--html added $((with - plain)) ms"
if [ "$with_mpl" = 1 ]; then
  grep -q '<svg' "$tmp/one.html" && ok || fail "the 1 s run's page has no chart"
fi

# Without matplotlib: every table, and the one line.
cat >"$tmp/python-without-matplotlib" <<EOF
#!/bin/sh
PYTHONPATH="$tmp/hide" exec "$py" "\$@"
EOF
chmod +x "$tmp/python-without-matplotlib"
mkdir -p "$tmp/hide/matplotlib"
echo 'raise ImportError("No module named matplotlib")' >"$tmp/hide/matplotlib/__init__.py"
APBENCH_PYTHON="$tmp/python-without-matplotlib" "$apbench" -q "${fetch[@]}" \
  --html "$tmp/plain.html" >/dev/null 2>&1 && ok || fail "--html without matplotlib"
check_page "$tmp/plain.html" 0 1 1
grep -q "python3-matplotlib" "$tmp/plain.html" && ok || fail "the notice names no package"
APBENCH_PYTHON="$tmp/python-without-matplotlib" "$charts" "$tmp/run.json" \
  "$tmp/sweep.json" --html "$tmp/plain-saved.html" >/dev/null 2>&1 &&
  ok || fail "apbench-charts --html without matplotlib"
check_page "$tmp/plain-saved.html" 0 2 1

# No chart tool at all: every table, and why.
APBENCH_CHARTS=/nonexistent "$apbench" -q "${fetch[@]}" --html "$tmp/bare.html" \
  >/dev/null 2>&1 && ok || fail "--html without the chart tool"
check_page "$tmp/bare.html" 0 1 1
grep -q 'APBENCH_CHARTS' "$tmp/bare.html" && ok || fail "--html without the chart tool: no reason"

# Captions name the results file the user gave (--json), or none: never a
# temporary file.
if [ "$with_mpl" = 1 ]; then
  grep -q 'from run\.json' "$tmp/run.html" && ok || fail "run.html: captions do not name run.json"
  ! grep -q 'from results\.json' "$tmp/run.html" "$tmp/one.html" && ok ||
    fail "a caption names results.json"
fi

finish
