"""One self-contained HTML page from apbench results JSON.

The page holds the machine context, every run group's table (the console's
columns, all of them), the stage breakdown, diagnoses, errors, notes, the
advice and the summary, and the charts of ``apbench_charts`` inline as SVG
under the group they show. It loads nothing: no scripts, fonts or images
from anywhere, so it reads offline, prints, and narrows to a phone's width
(tables scroll sideways inside their section).

This module needs no matplotlib: without it the page is written with every
table and one line saying what is missing. Numbers are written the way
apbench's console and Markdown write them (src/text/units.cpp,
src/report/cells.cpp); tests/html_test.sh checks that they agree.
"""

import html
import math
import re

# --------------------------------------------------------------------------
# Numbers, as apbench writes them
# --------------------------------------------------------------------------


def _num(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _obj(value):
    return value if isinstance(value, dict) else {}


def _decimals_for(value, sig):
    decimals = sig - 1
    limit = 10.0
    while decimals > 0 and value >= limit:
        decimals -= 1
        limit *= 10
    return decimals


def _scaled(value, units, sig, first_unit_decimals=-1):
    """The largest unit not above value, about sig significant digits; moves
    up a unit when rounding reaches the next one ("999.97 us" -> 1.000 ms)."""
    u = 0
    while u + 1 < len(units) and value >= units[u + 1][1]:
        u += 1
    while True:
        scaled = value / units[u][1]
        dec = _decimals_for(scaled, sig)
        if u == 0 and first_unit_decimals >= 0:
            dec = first_unit_decimals
        if u + 1 < len(units) and float(f"{scaled:.{dec}f}") >= round(
                units[u + 1][1] / units[u][1]):
            u += 1
            continue
        return f"{scaled:.{dec}f} {units[u][0]}"


def duration(seconds):
    """"500.3 ms", "5.002 s", "85.0 ns"; "-" when unknown."""
    seconds = _num(seconds)
    if seconds is None or seconds < 0:
        return "-"
    if seconds == 0:
        return "0 s"
    return _scaled(seconds, [("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3),
                             ("s", 1.0)], 4, 1)


def size(value):
    value = _num(value)
    if value is None or value <= 0:
        return "-"
    return _scaled(value, [("B", 1.0), ("KiB", 1024.0), ("MiB", 1024.0**2),
                           ("GiB", 1024.0**3), ("TiB", 1024.0**4)], 3, 0)


def ops_rate(per_second):
    per_second = _num(per_second)
    if per_second is None or per_second < 0:
        return "-"
    text = _scaled(per_second, [("/s", 1.0), ("k/s", 1e3), ("M/s", 1e6),
                                ("G/s", 1e9), ("T/s", 1e12)], 4)
    return text.replace("/s", "ops/s")


def percent(fraction):
    fraction = _num(fraction)
    return "-" if fraction is None else f"{fraction * 100:.1f} %"


def ratio(value):
    value = _num(value)
    return "-" if value is None else f"{value:.2f}x"


def count(value):
    value = _num(value)
    if value is None:
        return "-"
    return f"{value:.0f}" if value == math.floor(value) else f"{value:.1f}"


# --------------------------------------------------------------------------
# Tables (the console's cells, every column)
# --------------------------------------------------------------------------

CLOSED_TITLES = ["strategy", "wall median", "95% CI", "speed-up",
                 "efficiency", "throughput", "p50", "p99", "max", "CPU",
                 "ctx sw vol/inv", "peak mem", "errors"]
OPEN_TITLES = ["strategy", "offered", "achieved", "p50", "p99", "p99.9",
               "max", "service p50", "service p99", "dropped", "CPU",
               "errors"]


def measured(run):
    return run.get("status") == "ok" and (run.get("repetitions") or 0) > 0


def error_rate_text(fraction):
    """The console's share of failed ops: never "0.0 %" when some failed."""
    fraction = _num(fraction)
    if fraction is None:
        return "-"
    if 0 < fraction < 0.001:
        return f"{fraction * 100:.2g} %"
    return percent(fraction)


def errors_cell(run):
    """ "48 (12.0 %)": failed ops and their share of the finished ops."""
    errors = run.get("errors") or 0
    if not errors:
        return "0"
    return f"{errors} ({error_rate_text(run.get('error_rate'))})"


def goodput_wall(run):
    """apb::goodput_wall_s: the median over repetitions of wall time x
    finished ops / successful ops (the wall time when none failed), so a
    run that fails fast is not the fastest."""
    wall = _num(_obj(run.get("wall_s")).get("median")) or 0.0
    if not run.get("errors"):
        return wall
    samples = []
    for rep in run.get("repetition_samples") or []:
        rep = _obj(rep)
        ok, errors = rep.get("ops_ok") or 0, rep.get("errors") or 0
        if not errors:
            samples.append(_num(rep.get("wall_s")) or 0.0)
        elif ok:
            samples.append((_num(rep.get("wall_s")) or 0.0) * (ok + errors) / ok)
    if not samples:
        return 0.0
    samples.sort()
    mid = len(samples) // 2
    return samples[mid] if len(samples) % 2 else \
        (samples[mid - 1] + samples[mid]) / 2


def errors_beside_speed(order, speed, errors):
    """Column order with the errors moved right after the speed."""
    order = [c for c in order if c != errors]
    at = order.index(speed) + 1 if speed in order else len(order)
    return order[:at] + [errors] + order[at:]


def is_open(run):
    return _obj(run.get("load")).get("mode") == "open"


def closed_cells(run):
    wall = _obj(run.get("wall_s"))
    lat = _obj(run.get("latency_s"))
    has_latency = (lat.get("count") or 0) > 0
    switches = _obj(run.get("context_switches"))

    def latency(key):
        return duration(lat.get(key)) if has_latency else "-"
    low = _num(wall.get("ci95_low"))
    return [
        duration(wall.get("median")),
        f"{duration(max(0.0, low) if low is not None else None)} \u2013 "
        f"{duration(wall.get('ci95_high'))}",
        ratio(run.get("speedup_vs_sequential")),
        percent(run.get("efficiency")),
        ops_rate(_obj(run.get("throughput_ops_s")).get("median")),
        latency("p50"), latency("p99"), latency("max"),
        percent(run.get("cpu_utilization")),
        f"{count(switches.get('voluntary'))} / "
        f"{count(switches.get('involuntary'))}",
        size(run.get("peak_rss_bytes")),
        errors_cell(run),
    ]


def open_cells(run):
    lat = _obj(run.get("latency_s"))
    service = _obj(run.get("service_time_s"))
    has_latency = (lat.get("count") or 0) > 0

    def latency(obj, key):
        return duration(obj.get(key)) if has_latency and obj else "-"
    return [
        ops_rate(_obj(run.get("load")).get("rate_ops_s")),
        ops_rate(_obj(run.get("throughput_ops_s")).get("median")),
        latency(lat, "p50"), latency(lat, "p99"), latency(lat, "p999"),
        latency(lat, "max"), latency(service, "p50"),
        latency(service, "p99"),
        str(run.get("dropped", 0)), percent(run.get("cpu_utilization")),
        errors_cell(run),
    ]


def stages_text(run):
    """The console's "stages per op" line."""
    stages = [_obj(s) for s in run.get("stages") or []]
    if not stages:
        return ""
    parts, bound = [], None
    for stage in stages:
        kind = stage.get("kind")
        if kind == "cpu_whole":  # as the console says it
            kind = "cpu (unsplittable)"
        text = f"{stage.get('name')} {kind} " \
               f"{duration(stage.get('time_s'))}"
        queued = _num(stage.get("queue_s")) or 0.0
        if queued >= 1e-4:
            text += f" (+{duration(queued)} queued)"
        parts.append(text)
        total = (_num(stage.get("time_s")) or 0.0) + queued
        if bound is None or total > bound[0]:
            bound = (total, stage.get("name"))
    text = ", ".join(parts)
    overlap = run.get("stage_overlap")
    if isinstance(overlap, dict):
        text += (f"; CPU busy {percent(overlap.get('cpu_busy'))}, I/O "
                 f"waiting {percent(overlap.get('io_wait'))}, both "
                 f"{percent(overlap.get('both'))} of the wall")
    if len(stages) > 1:
        text += f"; bound by {bound[1]}"
    return text


def fork_join_text(runs):
    """The console's fork-join lines: one op's tree, then each strategy's
    overhead per task; "" without a fork-join run."""
    text = ""
    per_task = []
    for run in runs:
        fork_join = run.get("fork_join")
        if not isinstance(fork_join, dict):
            continue
        if not text:
            text = (f"fork-join: {count(fork_join.get('tasks_per_op'))} "
                    f"tasks, {count(fork_join.get('leaves_per_op'))} leaves "
                    f"per op; serial {duration(fork_join.get('serial_s'))}, "
                    f"critical path "
                    f"{duration(fork_join.get('critical_path_s'))} per op")
        overhead = _num(fork_join.get("overhead_per_task_s"))
        if run.get("status") != "ok" or overhead is None:
            continue
        threads = fork_join.get("threads")
        per_task.append(f"{run['strategy']} "
                        f"{'-' if overhead < 0 else ''}{duration(abs(overhead))}"
                        f" ({threads} thread{'' if threads == 1 else 's'})")
    if text and per_task:
        text += "; overhead per task: " + ", ".join(per_task)
    return text


def group_facts(runs):
    """The line over a table: load, repetitions, params, ideal, checksum."""
    first = runs[0]
    load = _obj(first.get("load"))
    facts = [f"{load.get('ops')} ops"]
    if is_open(first):
        facts.append(
            f"open loop at {ops_rate(load.get('rate_ops_s'))} for "
            f"{duration(load.get('duration_s'))} ({load.get('arrival')} "
            f"arrivals, at most {load.get('max_in_flight')} in flight)")
    else:
        want = load.get("requested_concurrency") or 0
        facts.append("concurrency " + (
            "all" if want in (0, load.get("ops")) else str(want)))
    sample = next((r for r in runs if measured(r)), None)
    if sample:
        reps = sample.get("repetitions")
        text = f"{reps} repetition{'s' if reps != 1 else ''}"
        if sample.get("warmup"):
            text += f" + {sample['warmup']} warm-up"
        facts.append(text)
    params = _obj(first.get("params"))
    if params:
        facts.append(" ".join(f"{k}={v}" for k, v in params.items()))
    ideal = next((r.get("ideal_s") for r in runs
                  if _num(r.get("ideal_s")) is not None), None)
    if ideal is not None:
        facts.append(f"ideal {duration(ideal)}")
    sums = {r.get("checksum") for r in runs if r.get("checksum")}
    if len(sums) == 1:
        facts.append(f"checksum {sums.pop()}")
    return facts


def fastest(runs):
    """Most successful ops per second, among the runs that failed at most
    1 % of their ops when there are any (apbench's ranking)."""
    candidates = [r for r in runs if measured(r) and goodput_wall(r) > 0]
    if len(candidates) < 2:
        return None
    within = [r for r in candidates
              if (_num(r.get("error_rate")) or 0.0) <= 0.01]
    return min(within or candidates, key=goodput_wall)


# --------------------------------------------------------------------------
# Markup
# --------------------------------------------------------------------------

STYLE = """
:root { --fg: #1b1b1b; --dim: #5b5b5b; --rule: #d8d8d8; --best: #1a7f37;
  --warn: #9a6700; --fail: #cf222e; --bg-head: #f3f4f6; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto,
  "DejaVu Sans", sans-serif; color: var(--fg); margin: 0 auto;
  padding: 1rem; max-width: 84rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.3rem; padding-top: 0.6rem;
  border-top: 2px solid var(--rule); }
h3 { font-size: 1rem; margin: 1rem 0 0.3rem; }
.facts, .context, .legend { color: var(--dim); font-size: 0.9rem; }
.context dl { display: grid; grid-template-columns: max-content 1fr;
  gap: 0.1rem 0.8rem; margin: 0.3rem 0; }
.context dt { font-weight: 600; }
.context dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", ui-monospace, monospace;
  font-size: 0.85em; overflow-wrap: anywhere; }
.notice { border-left: 4px solid var(--warn); background: #fff8e5;
  padding: 0.4rem 0.7rem; margin: 0.8rem 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.84rem; margin: 0.4rem 0;
  font-variant-numeric: tabular-nums; }
th, td { padding: 0.25rem 0.45rem; border-bottom: 1px solid var(--rule);
  white-space: nowrap; text-align: right; }
th { background: var(--bg-head); font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
tr.best td { color: var(--best); font-weight: 600; }
td.status { text-align: left; white-space: normal; }
.failed { color: var(--fail); } .na { color: var(--warn); }
ul.items { padding-left: 1.2rem; margin: 0.4rem 0; }
ul.items li { margin: 0.15rem 0; }
li.diagnosis, li.warning { color: var(--warn); }
li.error { color: var(--fail); }
.advice { border-left: 4px solid var(--best); background: #eef8f0;
  padding: 0.4rem 0.7rem; margin: 0.6rem 0; }
figure { margin: 0.8rem 0; }
figure svg { width: 100%; max-width: 54rem; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 0.85rem; }
nav ol { columns: 2 18rem; padding-left: 1.4rem; margin: 0.3rem 0; }
.summary li ul { margin: 0.2rem 0; }
@media (max-width: 40rem) {
  body { padding: 0.6rem; }
  table { font-size: 0.8rem; }
}
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-inside: auto; }
  figure, table, .advice { break-inside: avoid; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


_UNIT = re.compile(r"(\d) (%|ns|us|ms|s|x|B|KiB|MiB|GiB|[kMG]?ops/s)(?![\w/])")


def esc(text):
    return html.escape(str(text), quote=True)


def prose(text):
    """Escaped running text: a number and its unit never part at a line
    break ("88.8 %" is not split after "88.8")."""
    return _UNIT.sub("\\1\u00a0\\2", esc(text))


def table(titles, rows, row_classes=None):
    """rows: lists of cells (already escaped markup)."""
    out = ['<div class="scroll"><table><thead><tr>']
    out += [f'<th scope="col">{esc(t)}</th>' for t in titles]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        cls = (row_classes or {}).get(i)
        out.append(f'<tr class="{cls}">' if cls else "<tr>")
        out += [f"<td{attrs}>{cell}</td>" for cell, attrs in row]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def run_rows(runs):
    open_loop = is_open(runs[0])
    best = None if open_loop else fastest(runs)
    titles = OPEN_TITLES if open_loop else CLOSED_TITLES
    order = list(range(len(titles)))
    if any(measured(r) and r.get("errors") for r in runs):
        # Failed ops weigh on the speed: their share is read beside it.
        order = errors_beside_speed(
            order, 2 if open_loop else 5, len(titles) - 1)
        titles = [titles[i] for i in order]
    rows, classes = [], {}
    for run in runs:
        name = esc(run.get("strategy"))
        if measured(run):
            cells = open_cells(run) if open_loop else closed_cells(run)
            if run is best:
                name += " (fastest)"
                classes[len(rows)] = "best"
            cells = [name] + [esc(c) for c in cells]
            rows.append([(cells[i], "") for i in order])
        else:
            status = run.get("status", "")
            text = f"<strong>{esc(status)}</strong>"
            if run.get("reason"):
                text += " \u2014 " + esc(run["reason"])
            cls = "failed" if status == "failed" else "na"
            rows.append([(name, ""), (
                text, f' class="status {cls}" colspan="{len(titles) - 1}"')])
    return table(titles, rows, classes)


def run_items(runs):
    """Warnings, stages, diagnoses, errors and notes under a table."""
    items = []
    sums = [(r["strategy"], r["checksum"]) for r in runs if r.get("checksum")]
    if len({s for _, s in sums}) > 1:
        items.append(("warning", "warning: strategies computed different "
                      "checksums: " + ", ".join(f"{n} {s}" for n, s in sums)))
    for run in runs:
        if run.get("checksum_mismatch"):
            items.append(("warning", f"warning: {run['strategy']}: "
                          "repetitions computed different checksums"))
    for run in runs:
        text = stages_text(run)
        if text:
            items.append(("stages", f"stages per op, {run['strategy']}: "
                          f"{text}"))
    text = fork_join_text(runs)
    if text:
        items.append(("stages", text))
    for run in runs:
        for diagnosis in run.get("diagnoses") or []:
            diagnosis = _obj(diagnosis)
            items.append(("diagnosis", f"{run['strategy']}: "
                          f"{diagnosis.get('kind')}: "
                          f"{diagnosis.get('message')}"))
    for run in runs:
        messages = _obj(run.get("errors_by_message"))
        if not run.get("errors") and not messages:
            continue
        causes = _obj(run.get("errors_by_cause"))
        text = f"errors in {run['strategy']}: {run.get('errors', 0)} failed " \
               f"op{'' if run.get('errors') == 1 else 's'}"
        if run.get("errors"):
            finished = run["errors"] + sum(
                _obj(r).get("ops_ok") or 0
                for r in run.get("repetition_samples") or [])
            text += f", {error_rate_text(run.get('error_rate'))} of {finished}"
        if causes:
            text += " (" + ", ".join(f"{k} {v}" for k, v in causes.items()) \
                + ")"
        ordered = sorted(messages.items(), key=lambda kv: -kv[1])
        if ordered:
            text += ": " + "; ".join(f"{n} x {m}" for m, n in ordered[:5])
        if len(ordered) > 5:
            text += f"; and {len(ordered) - 5} more"
        items.append(("error", text))
    values_by_name = {}
    for run in runs:
        for name, value in _obj(run.get("notes")).items():
            values = values_by_name.setdefault(name, [])
            if value not in values:
                values.append(value)
    notes, seen = [], set()
    for run in runs:
        for name, value in _obj(run.get("notes")).items():
            if (name, value) not in seen:
                seen.add((name, value))
                # Which strategy it is from, when they differ (the console's
                # "note: ..." line says so too).
                which = f" ({run['strategy']})" \
                    if len(values_by_name[name]) > 1 else ""
                notes.append(f"{name}={value}{which}")
    if notes:
        items.append(("note", "note: " + "; ".join(notes)))
    for run in runs:
        counts = [f"{name}={n}" for name, n in
                  _obj(run.get("counters")).items()
                  if isinstance(n, (int, float)) and n > 0]
        if counts:
            items.append(("note", f"note: {run['strategy']}: "
                          + ", ".join(counts)))
    if not items:
        return ""
    return '<ul class="items">' + "".join(
        f'<li class="{cls}">{prose(text)}</li>' for cls, text in items) + \
        "</ul>"


def parameter_section(sgroup):
    """A --set sweep: a row per parameter value, a column per strategy,
    each cell "median wall · efficiency against the ideal"."""
    series = sgroup.series
    values = []
    for s in series:
        for p in s.get("points") or []:
            p = _obj(p)
            key = (_num(p.get("parameter_number")), p.get("parameter_value"))
            if key not in values:
                values.append(key)
    values.sort(key=lambda v: (v[0] is None, v[0] or 0))
    runs = sgroup.source.doc["runs"]
    rows = []
    for number, text in values:
        row = [(esc(str(text)), "")]
        for s in series:
            point = next((_obj(p) for p in s.get("points") or []
                          if _obj(p).get("parameter_value") == text), None)
            index = point.get("run_index") if point else None
            if not isinstance(index, int) or not 0 <= index < len(runs):
                row.append(("-", ""))
                continue
            run = _obj(runs[index])
            cell = duration(_obj(run.get("wall_s")).get("median"))
            if _num(run.get("efficiency")) is not None:
                cell += f" \u00b7 {percent(run['efficiency'])} ideal"
            row.append((esc(cell), ""))
        rows.append(row)
    titles = [sgroup.parameter or "parameter"] + \
        [s.get("strategy") for s in series]
    return table(titles, rows)


def map_section(item):
    """A regime map: its grid (winner and speed-up, or tie, per cell), the
    legend and the map's advice."""
    regime_map = item.map
    xa, ya = _obj(regime_map.get("x")), _obj(regime_map.get("y"))
    xs, ys = xa.get("values") or [], ya.get("values") or []
    cells = {}
    for cell in regime_map.get("cells") or []:
        cell = _obj(cell)
        cells[(cell.get("x"), cell.get("y"))] = cell
    rows = []
    for y, y_value in enumerate(ys):
        row = [(esc(str(y_value)), "")]
        for x in range(len(xs)):
            cell = cells.get((x, y))
            if cell is None or not isinstance(cell.get("runner_up"), str):
                row.append(("-", ""))
            elif isinstance(cell.get("winner"), str):
                row.append((esc(f"{cell['winner']} "
                                f"{ratio(cell.get('speedup'))}"), ""))
            else:
                row.append(("tie", ""))
        rows.append(row)
    titles = [f"{ya.get('name')} \\ {xa.get('name')}"] + \
        [str(v) for v in xs]
    out = table(titles, rows)
    notes = [f"a name wins its cell: faster than the runner-up by more than "
             f"{100 * (_num(regime_map.get('threshold')) or 0):g} % with "
             f"Mann-Whitney p < {_num(regime_map.get('alpha')) or 0:g} after "
             f"Holm's adjustment over {regime_map.get('tests')} tested "
             f"cells; tie: no significant leader"]
    out += '<ul class="items">' + "".join(
        f'<li class="note">{prose(n)}</li>' for n in notes) + "</ul>"
    if regime_map.get("advice"):
        out += (f'<p class="advice"><strong>map:</strong> '
                f'{prose(regime_map["advice"])}</p>')
    return out


def curve_section(sgroup, slo):
    """A sweep: a row per offered rate (or concurrency), a column per
    strategy, each cell "achieved · p99"; then max achieved and knees."""
    if sgroup.axis == "parameter":
        return parameter_section(sgroup)
    series = sgroup.series
    rate_axis = sgroup.axis == "offered_rate"

    def x_of(point):
        return _num(point.get("offered_rate_ops_s")) if rate_axis \
            else _num(point.get("concurrency"))
    xs = sorted({x_of(_obj(p)) for s in series for p in s.get("points") or []
                 if x_of(_obj(p)) is not None})
    rows = []
    for x in xs:
        row = [(esc(ops_rate(x) if rate_axis else count(x)), "")]
        for s in series:
            point = next((_obj(p) for p in s.get("points") or []
                          if x_of(_obj(p)) == x), None)
            if point is None:
                row.append(("-", ""))
                continue
            cell = f"{ops_rate(point.get('throughput_ops_s'))} \u00b7 p99 " \
                   f"{duration(_obj(point.get('latency_s')).get('p99'))}"
            if point.get("dropped"):
                cell += f" \u00b7 {point['dropped']} dropped"
            if slo and point.get("meets_slo") is False:
                cell += " !"
            row.append((esc(cell), ""))
        rows.append(row)
    rows.append([("max achieved", "")] + [
        (esc(ops_rate(s.get("max_throughput_ops_s"))), "") for s in series])
    if slo:
        knees = []
        for s in series:
            knee = s.get("knee")
            if isinstance(knee, dict):
                knees.append((esc(
                    f"{ops_rate(knee.get('throughput_ops_s'))} \u00b7 "
                    f"p{knee.get('percentile'):g} "
                    f"{duration(knee.get('latency_s'))}"), ""))
            else:
                knees.append(("none meets the SLO", ""))
        rows.append([("knee", "")] + knees)
    titles = ["offered" if rate_axis else "concurrency"] + \
        [s.get("strategy") for s in series]
    out = table(titles, rows)
    notes = [f"{s['strategy']} stopped early: {s['stopped_early']}"
             for s in series if s.get("stopped_early")]
    if notes:
        out += '<ul class="items">' + "".join(
            f'<li class="note">{prose(n)}</li>' for n in notes) + "</ul>"
    return out


_ID = re.compile(r'id="([^"]+)"')


def inline_svg(svg_text, prefix):
    """An SVG file's text made fit to sit in a page: no XML prolog, scaled
    by CSS, and ids made unique to the chart (two charts of the same
    geometry would otherwise share clip-path ids)."""
    start = svg_text.find("<svg")
    svg = svg_text[start:] if start >= 0 else svg_text
    # The RDF metadata names its vocabularies by URL; a page shows none.
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    head_end = svg.find(">")
    # HTML gives an inline <svg> its namespaces (xlink:href included), so
    # the xmlns attributes, URLs too, go; CSS sizes the chart.
    head = re.sub(r'\s(width|height|xmlns(:\w+)?)="[^"]*"', "",
                  svg[:head_end])
    svg = head + ' role="img"' + svg[head_end:]
    ids = set(_ID.findall(svg))
    if ids:
        svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
        svg = re.sub(r'url\(#([^)]+)\)',
                     lambda m: f"url(#{prefix}-{m.group(1)})"
                     if m.group(1) in ids else m.group(0), svg)
        svg = re.sub(r'href="#([^"]+)"',
                     lambda m: f'href="#{prefix}-{m.group(1)}"'
                     if m.group(1) in ids else m.group(0), svg)
    return svg


def figure(chart, svg_text, number):
    return (f'<figure id="chart-{number}">'
            f"{inline_svg(svg_text, f'c{number}')}"
            f"<figcaption>{prose(chart.caption)}</figcaption></figure>")


def context_block(source):
    ctx = source.context
    rows = []
    for key, label in (("date", "date"), ("host", "host"), ("cores", "cores"),
                       ("cpu_model", "CPU"), ("os", "OS"),
                       ("compiler", "compiler"), ("build_type", "build"),
                       ("apbench_version", "apbench")):
        if ctx.get(key) not in (None, ""):
            rows.append(f"<dt>{esc(label)}</dt><dd>{esc(ctx[key])}</dd>")
    libraries = _obj(ctx.get("libraries"))
    if libraries:
        rows.append("<dt>libraries</dt><dd>" + esc(", ".join(
            f"{k} {v}" for k, v in libraries.items())) + "</dd>")
    if ctx.get("command_line"):
        rows.append(f"<dt>command</dt><dd><code>{esc(ctx['command_line'])}"
                    "</code></dd>")
    return f'<div class="context"><dl>{"".join(rows)}</dl></div>'


LEGEND = ("wall: median over repetitions; 95% CI: of the mean wall time; "
          "speed-up: against sequential; efficiency: ideal / wall; CPU: "
          "share of all cores; p50/p99/max: latency of one op (open loop: "
          "from when the op was due; service: from when it started); ctx sw: "
          "voluntary / involuntary context switches per repetition; errors: "
          "failed ops (share of the ops that finished). Throughput, "
          "speed-up and fastest count only the ops that succeeded.")


def page(sources, sections_of, charts_by_item, svg_of, notice):
    """The whole page. sections_of(source) yields ("runs", [runs], item) or
    ("curve", sgroup, item) in the order the runs appear; charts_by_item maps
    id(item) to its charts; svg_of(chart) gives a chart's SVG text."""
    body, nav = [], []
    chart_number = 0
    section_number = 0
    for source in sources:
        if len(sources) > 1:
            body.append(f"<h2>{esc(source.name)}</h2>")
        body.append(context_block(source))
        doc = source.doc
        slo = doc.get("slo") if isinstance(doc.get("slo"), dict) else None
        advice = [_obj(a) for a in doc.get("advice") or []]
        for kind, content, item in sections_of(source):
            section_number += 1
            anchor = f"group-{section_number}"
            if kind == "runs":
                runs = content
                first = runs[0]
                title = f"{first.get('workload')} ({first.get('kind')})"
                facts = group_facts(runs)
                inner = run_rows(runs) + run_items(runs)
                first_index = source.index_of[id(first)]
                for a in advice:
                    if a.get("run_index") == first_index and a.get("text"):
                        inner += (f'<p class="advice"><strong>advice:</strong>'
                                  f" {prose(a['text'])}</p>")
            elif kind == "map":
                regime_map = content.map
                title = (f"{content.workload}: regime map of "
                         f"{_obj(regime_map.get('x')).get('name')} x "
                         f"{_obj(regime_map.get('y')).get('name')}")
                facts = [", ".join(f"{k}={v}" for k, v in
                                   _obj(regime_map.get("params")).items())]
                inner = map_section(content)
            else:
                sgroup = content
                title = f"{sgroup.workload}: " + (
                    "open-loop sweep" if sgroup.axis == "offered_rate"
                    else f"sweep of {sgroup.parameter}"
                    if sgroup.axis == "parameter"
                    else "closed-loop concurrency sweep")
                facts = [", ".join(f"{k}={v}" for k, v in
                                   sgroup.params.items())]
                if slo and _num(slo.get("limit_s")) is not None:
                    facts.append(f"SLO p{slo.get('percentile'):g} <= "
                                 f"{duration(slo['limit_s'])}")
                inner = curve_section(sgroup, slo)
            for chart in charts_by_item.get(id(item), []):
                chart_number += 1
                inner += figure(chart, svg_of(chart), chart_number)
            # Two groups of one workload differ in their load: say it.
            nav_text = title + (f": {facts[0]}, {facts[1]}"
                                if kind == "runs" else "")
            nav.append(f'<li><a href="#{anchor}">{prose(nav_text)}</a></li>')
            facts_html = " \u00b7 ".join(prose(f) for f in facts if f)
            body.append(f'<section id="{anchor}"><h2>{esc(title)}</h2>'
                        f'<p class="facts">{facts_html}</p>{inner}</section>')
        summary = [s for s in doc.get("summary") or [] if isinstance(s, str)]
        if summary:
            body.append('<section id="summary"><h2>Summary</h2>'
                        + summary_list(summary) + "</section>")
    head = ['<!DOCTYPE html>', '<html lang="en">', "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, '
            'initial-scale=1">',
            "<title>apbench results</title>",
            f"<style>{STYLE}</style>", "</head>", "<body>",
            "<header><h1>apbench results</h1>"]
    if notice:
        head.append(f'<p class="notice" id="charts-missing">{esc(notice)}</p>')
    head.append(f'<p class="legend">{esc(LEGEND)}</p>')
    if nav:
        head.append("<nav><ol>" + "".join(nav) + "</ol></nav>")
    head.append("</header><main>")
    return "\n".join(head + body + ["</main>", "</body>", "</html>", ""])


def summary_list(lines):
    """Lines indented by apbench's analysis are points about the line above
    them: a nested list."""
    out, open_nested = ["<ul class=\"summary\">"], False
    for i, line in enumerate(lines):
        nested = line.startswith("  ") and i > 0
        text = prose(line.strip())
        if nested and not open_nested:
            out[-1] = out[-1][:-len("</li>")] + "<ul>"
            open_nested = True
        elif not nested and open_nested:
            out.append("</ul></li>")
            open_nested = False
        out.append(f"<li>{text}</li>")
    if open_nested:
        out.append("</ul></li>")
    out.append("</ul>")
    return "".join(out)
