#!/usr/bin/env bash
# Charts stay small enough to inline and to keep in a repository: no file in
# docs/charts/ over 300 KB; the chart tool redraws a chart that would be
# larger (tens of thousands of marks) under the limit, its marks as one
# embedded image; and no Python file of the tool is over 500 lines.
# Usage: chart_sizes_test.sh SOURCE_DIR
set -u
root=${1:?usage: chart_sizes_test.sh SOURCE_DIR}
limit=$((300 * 1000))
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

big=$(find "$root/docs/charts" -type f -size +"$((limit / 1000))"k -printf '%f (%s bytes)\n' 2>/dev/null)
[ -z "$big" ] && pass || fail "docs/charts/ files over 300 KB (regenerate them with tools/make-docs):
$big"

long=$(find "$root/tools" -name '*.py' -exec awk -v f={} 'END { if (NR > 500) print f " (" NR " lines)" }' {} \;)
[ -z "$long" ] && pass || fail "Python files over 500 lines: $long"

py=/usr/bin/python3
[ -x "$py" ] || py=python3
if "$py" -c 'import matplotlib' 2>/dev/null; then
  if out=$(PYTHONPATH="$root/tools" "$py" - <<'PY'
import random
from apbench_charts.output import MAX_SVG_BYTES, svg_text
from apbench_charts.style import Chart, configure_matplotlib, new_figure
configure_matplotlib()
fig, ax = new_figure("dense", "every op a mark", "Machine: test", "")
rng = random.Random(1)
ax.scatter([rng.random() for _ in range(40000)], [rng.random() for _ in range(40000)], s=2)
chart = Chart("dense.svg", "dense", "caption", fig, "w")
size = len(svg_text(chart).encode("utf-8"))
if size > MAX_SVG_BYTES:
    raise SystemExit(f"a dense chart is {size} bytes, over {MAX_SVG_BYTES}")
print(size)
PY
  ); then pass; else fail "$out"; fi
else
  echo "note: no matplotlib; the dense chart is not drawn"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
