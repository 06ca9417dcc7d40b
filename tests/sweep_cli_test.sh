#!/usr/bin/env bash
# Parameter sweeps and regime maps end to end: bad lists are one line and
# exit 2; a sweep of io.sleep's delay gives a series whose ideal follows the
# delay; a map of io.sleep's delay x concurrency, sequential vs async,
# where async wins every cell with 4 ops in flight, ties are labelled as
# ties with their reason, the p-values are Holm-adjusted over the cells and
# clear cells keep their first repetitions (adaptive);
# the console grid fits 100 columns; the HTML page has the heatmap inline.
# Usage: sweep_cli_test.sh APBENCH APBENCH-CHARTS
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

# refused ARGS...: exit 2 with exactly one line naming --set.
refused() {
  local out rc
  out=$("$apbench" "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq 2 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
    grep -q -- "--set\|sweep\|axes" <<<"$out"; then
    ok
  else
    fail "apbench $* -> exit $rc, want 2 and one line: $out"
  fi
}
refused --filter cpu.spin --set work=1ms..
# --refine bisects a map's borders, not a one-axis series.
refused --filter cpu.spin --set work=1ms,2ms --refine 2
refused --filter cpu.spin --set work=0..64ms
refused --filter cpu.spin --set work=64ms..1ms
refused --filter cpu.spin --set work=1ms,,2ms
refused --filter cpu.spin --set work=1ms,2parsecs
refused --filter cpu.spin --set work=1ms..64ms:1
refused --filter hybrid.fetch_process --set work=1ms,2ms --set delay=1ms,2ms \
  --concurrency 1,2
refused --filter cpu.spin --set work=1ms,2ms --rate 10,20
refused --filter hybrid.fetch_process --set work=1ms,2ms --set delay=1ms,2ms --threads 1,2

# A sweep of io.sleep's delay: one series per strategy along the delay, its
# ideal the delay itself (all ops at once), the curve table on the console.
"$apbench" --filter io.sleep --set delay=2ms..8ms:3 --ops 2 \
  --strategy sequential,async --no-color --json "$tmp/delay.json" \
  >"$tmp/delay.txt" 2>"$tmp/err" && ok || fail "delay sweep: $(cat "$tmp/err")"
grep -q "sweep of delay" "$tmp/delay.txt" && ok ||
  fail "no curve table: $(cat "$tmp/delay.txt")"
"$py" - "$tmp/delay.json" <<'PY' && ok || fail "delay series"
import json, sys
doc = json.load(open(sys.argv[1]))
series = [s for s in doc["series"] if s["x"] == "parameter"]
assert len(series) == 2, series
for s in series:
    assert s["parameter"] == "delay" and s["parameter_unit"] == "s", s
    xs = [p["parameter_number"] for p in s["points"]]
    assert xs == sorted(xs) and len(xs) == 3, xs
    assert abs(xs[0] - 0.002) < 1e-12 and abs(xs[-1] - 0.008) < 1e-12, xs
    for p in s["points"]:
        run = doc["runs"][p["run_index"]]
        assert run["params"]["delay"] == p["parameter_value"], (run, p)
        assert run["load"]["sweep_axes"] == ["delay"], run["load"]
        ideal = p["ideal_s"]
        # async: all ops at once, the ideal is one delay; sequential's
        # wall is about ops x delay, never below the ideal.
        assert ideal is not None and abs(ideal - p["parameter_number"]) < 1e-9, p
        assert run["wall_s"]["median"] >= ideal * 0.98, (run["wall_s"], ideal)
assert doc["maps"] == [], doc["maps"]
PY

# A map: io.sleep's delay x concurrency, sequential vs async. Waits do not
# need cores, so at concurrency 8 async waits for 8 at once and wins, about
# 8x ahead (above 1.5x asked; with a load average of 12 on 2 cores timers
# wake late by milliseconds, so the delays are 5 and 10 ms), significantly
# even after Holm's adjustment over the 4 cells (5 vs 5 repetitions apart:
# p 0.008, x4 = 0.032 < 0.05), busy machine or not. At concurrency 1 both
# wait one op at a time: usually a tie, but a busy machine wakes them up
# late by different amounts (seen: async 1.35x ahead, significantly), so
# that row is only checked for its labels. About 2 s.
"$apbench" --filter io.sleep --set delay=5ms,10ms --concurrency 1,8 --ops 8 \
  --strategy sequential,async --repetitions 5 --refine 2 --no-color \
  --json "$tmp/map.json" --markdown "$tmp/map.md" >"$tmp/map.txt" \
  2>"$tmp/err" && ok || fail "map: $(cat "$tmp/err")"
"$py" - "$tmp/map.json" <<'PY' && ok || fail "map JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert len(doc["maps"]) == 1, doc["maps"]
m = doc["maps"][0]
assert m["x"]["name"] == "delay" and m["x"]["values"] == ["5ms", "10ms"], m["x"]
assert m["y"]["name"] == "concurrency" and m["y"]["values"] == ["1", "8"], m["y"]
assert m["p_adjust"] == "holm" and m["test"] == "mann_whitney_u", m
assert len(m["cells"]) == 4, m["cells"]
tested = [c for c in m["cells"] if c["p_value"] is not None]
assert m["tests"] == len(tested) == 4, (m["tests"], tested)
# Holm over the tested cells, recomputed here.
ps = sorted((c["p_value"], i) for i, c in enumerate(tested))
running, adjusted = 0.0, {}
for rank, (p, i) in enumerate(ps):
    running = max(running, min(1.0, (len(ps) - rank) * p))
    adjusted[i] = running
for i, c in enumerate(tested):
    assert abs(c["p_adjusted"] - adjusted[i]) < 1e-12, (c, adjusted[i])
    assert c["p_adjusted"] >= c["p_value"], c
for c in m["cells"]:
    concurrency = m["y"]["values"][c["y"]]
    assert c["winner"] != "sequential", c
    assert c["tie"] == (c["winner"] is None), c
    if c["tie"]:
        assert c["note"], c
    if concurrency == "8":
        assert c["winner"] == "async" and c["speedup"] > 1.5, c
        assert c["p_adjusted"] < m["alpha"], c
    # Adaptive: a settled cell keeps its 5 repetitions, an unsettled one
    # gets 2 more per round (2 rounds at most); the clear cells (async 8x
    # ahead at concurrency 8) are settled at once.
    assert c["repetitions"] in (5, 7, 9), c
    if concurrency == "8":
        assert c["repetitions"] == 5, c
    for i in c["runs"]:
        assert doc["runs"][i]["load"]["sweep_axes"] == ["delay", "concurrency"]
        assert doc["runs"][i]["repetitions"] == c["repetitions"], c
assert m["advice"].startswith("async wins"), m["advice"]
# --refine 2: each border (neighbouring cells with different verdicts) was
# probed, off the grid, by its two strategies; the verdict changes within
# [low, high], inside the cells' values.
probe_runs = {i for i, r in enumerate(doc["runs"]) if r["load"]["border_probe"]}
in_cells = {i for c in m["cells"] for i in c["runs"]}
assert not probe_runs & in_cells, (probe_runs, in_cells)
seen = set()
for b in m["borders"]:
    assert b["below"] != b["above"], b
    assert b["probes"], b
    for i in b["probes"]:
        seen.add(i)
        assert doc["runs"][i]["strategy"] in b["probed"], (b, i)
    lo, hi = int(b["low"]), int(b["high"])
    assert int(b["from"]) <= lo <= hi <= int(b["to"]), b
    assert lo < hi or b["even"], b
assert seen == probe_runs, (seen, probe_runs)
if any(c["tie"] for c in m["cells"] if m["y"]["values"][c["y"]] == "1"):
    assert m["borders"], "a tie beside async's wins is a border"
ties = sum(c["tie"] for c in m["cells"])
if ties:
    assert f"{ties} of 4 cells" in m["advice"], m["advice"]
PY
grep -q "regime map of delay (columns) x concurrency (rows)" "$tmp/map.txt" &&
  ok || fail "no map grid on the console: $(cat "$tmp/map.txt")"
grep -qE "S sequential, A async" "$tmp/map.txt" &&
  ok || fail "no legend: $(cat "$tmp/map.txt")"
wide=$(awk 'length($0) > 100' "$tmp/map.txt")
[ -z "$wide" ] && ok || fail "lines over 100 columns: $wide"
grep -q "regime map of delay" "$tmp/map.md" && ok || fail "no map in Markdown"

# The HTML page: the map's grid and its heatmap inline.
if "$py" -c 'import matplotlib' 2>/dev/null; then
  "$charts" "$tmp/map.json" "$tmp/delay.json" --html "$tmp/map.html" \
    --out "$tmp/charts" --quiet 2>"$tmp/err" && ok ||
    fail "apbench-charts: $(cat "$tmp/err")"
  "$py" - "$tmp/map.html" "$tmp/charts" <<'PY' && ok || fail "heatmap"
import os, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
section = page[page.index("<h2>io.sleep: regime map of delay"):]
section = section[:section.index("</section>")]
assert "<svg" in section, "no inline heatmap"
assert "which strategy wins" in section, "not the heatmap"
files = os.listdir(sys.argv[2])
assert "io.sleep-map.svg" in files, files
assert "io.sleep-delay-sweep.svg" in files, files
PY
fi
# A --threads list as the map's second axis: one map, its rows the threads.
"$apbench" --filter cpu.fib --set n=16 --set grain=4,8 --threads 1,2 --ops 1 \
  --strategy sequential,parallel --repetitions 2 --warmup 0 -q \
  --json "$tmp/threads.json" >/dev/null 2>"$tmp/err" && ok ||
  fail "threads map: $(cat "$tmp/err")"
"$py" - "$tmp/threads.json" <<'PY' && ok || fail "threads map JSON"
import json, sys
maps = json.load(open(sys.argv[1]))["maps"]
assert len(maps) == 1, [(m["x"], m["y"]) for m in maps]
m = maps[0]
assert (m["x"]["name"], m["y"]["name"]) == ("grain", "threads"), (m["x"], m["y"])
assert m["y"]["values"] == ["1", "2"], m["y"]
assert len(m["cells"]) == 4, len(m["cells"])
PY
finish sweep_cli
