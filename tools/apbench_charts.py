"""Turn apbench results JSON into SVG charts and a Markdown page showing them.

Usage: apbench-charts RESULTS.json [MORE.json...] [--out DIR] [--html FILE]
                      [--title-prefix T]

The results JSON (schema ``apbench.results/1``, docs/results-schema.md) is the
stable interface of apbench, so this tool reads nothing else. Run it through
the ``tools/apbench-charts`` launcher, which finds a Python that can import
matplotlib. docs/charts.md describes each chart.

Output is deterministic (fixed SVG hash salt, no date in the metadata, text
kept as text), so regenerated charts diff cleanly in a repository and their
titles and legends can be searched.
"""

import argparse
import io
import json
import math
import os
import re
import sys
import textwrap

# matplotlib is imported by load_matplotlib(): the HTML page (--html) is
# written without it, with every table and a line saying what is missing.
matplotlib = ticker = FigureCanvasAgg = Figure = Line2D = Patch = Path = None
Rectangle = None
HAS_LEGEND_ALIGNMENT = False

PROG = "apbench-charts"


def load_matplotlib():
    """Import matplotlib; None when it worked, else why it did not."""
    # pylint: disable=global-statement,import-outside-toplevel
    global matplotlib, ticker, FigureCanvasAgg, Figure, Line2D, Patch, Path
    global Rectangle, HAS_LEGEND_ALIGNMENT
    try:
        import matplotlib as mpl
        mpl.use("Agg")
        from matplotlib import ticker as tick
        from matplotlib.backends.backend_agg import FigureCanvasAgg as Canvas
        from matplotlib.figure import Figure as Fig
        from matplotlib.lines import Line2D as Line
        from matplotlib.patches import Patch as Pat
        from matplotlib.patches import Rectangle as Rect
        from matplotlib.path import Path as Pth
    except ImportError as err:
        return str(err) or "matplotlib cannot be imported"
    matplotlib, ticker, FigureCanvasAgg, Figure = mpl, tick, Canvas, Fig
    Line2D, Patch, Path, Rectangle = Line, Pat, Pth, Rect
    # Legend(alignment=...) is matplotlib 3.6+ (Debian 12 has 3.6.3).
    HAS_LEGEND_ALIGNMENT = tuple(
        int(p) for p in re.findall(r"\d+", mpl.__version__)[:2]) >= (3, 6)
    return None


SCHEMA = "apbench.results/1"

# Strategies are coloured by their position in the results (first appearance
# over all inputs), so one invocation colours a strategy the same on every
# chart; apbench writes runs in its strategies' order (by execution model,
# baseline first), so the built-ins keep their colours from file to file.
STRATEGY_PALETTE = [
    "#7f7f7f", "#1f77b4", "#17becf", "#ff7f0e", "#2ca02c", "#d62728",
    "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#ad494a",
    "#637939", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354",
]
# runs[].strategy_traits.model, in the order apbench lists strategies.
MODEL_ORDER = ["calling_thread", "event_loop", "event_loop_pool",
               "thread_per_op", "task_pool", "loop_and_pool", "pipeline",
               "other"]


def traits(run):
    """What the run's strategy declared about itself ({} in old files)."""
    return obj(obj(run).get("strategy_traits"))


def is_baseline(run):
    """The strategy speed-ups are measured against. Files written before
    strategies declared traits: the run whose speed-up is exactly 1."""
    declared = traits(run).get("baseline")
    if isinstance(declared, bool):
        return declared
    return num(obj(run).get("speedup_vs_sequential")) == 1.0


# Hatches tell the stages of a pipeline apart inside a strategy's colour.
# Line hatches first: dot and circle hatches are drawn as thousands of tiny
# paths in SVG (about 150 KB per bar), which a page with inline charts feels.
STAGE_HATCHES = ["", "///", "xxx", "\\\\\\", "|||", "+++", "---", "..."]

FIG_SIZE = (9.0, 5.0)
SUBTITLE_WIDTH = 100  # characters of 9 pt text that fit over the plot
LOG_RATIO = 20.0  # wall-time bars switch to a log axis above this max/min

# Percentile spectrum: x is 1 / (1 - p); the maximum sits one decade right of
# the highest percentile shown (99.99 % at least) on its own tick, since
# 1 / (1 - 1) is infinite.
SPECTRUM_TICKS = [(50.0, "50%"), (90.0, "90%"), (99.0, "99%"),
                  (99.9, "99.9%"), (99.99, "99.99%"), (99.999, "99.999%"),
                  (99.9999, "99.9999%")]
# Ticks up to this percentile always; higher ones only when data reaches them.
SPECTRUM_MIN_LAST = 99.99
SUMMARY_PERCENTILES = [("p50", 50.0), ("p90", 90.0), ("p99", 99.0),
                       ("p999", 99.9)]


class InputError(Exception):
    """A results file that cannot be used; the message names the file."""


# ---------------------------------------------------------------------------
# Reading input
# ---------------------------------------------------------------------------

def load_results(path):
    """Read and check one results file, so later code can trust its shape."""
    try:
        if path == "-":  # apbench gives its results through a pipe
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})") from err
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object with \"schema\": "
                         f"\"{SCHEMA}\", found a JSON {type(doc).__name__}")
    schema = doc.get("schema")
    if schema != SCHEMA:
        found = json.dumps(schema) if schema is not None else "no schema key"
        raise InputError(f"{path}: schema is {found}, expected \"{SCHEMA}\" "
                         "(an apbench --json results file)")
    if not isinstance(doc.get("runs"), list):
        raise InputError(f"{path}: \"runs\" is missing or not an array")
    if doc.get("series") is not None and not isinstance(doc["series"], list):
        raise InputError(f"{path}: \"series\" is not an array")
    if not isinstance(doc.get("context"), dict):
        doc["context"] = {}
    return doc


def num(value):
    """Return a finite float, or None for null, missing or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def obj(value):
    """Return value if it is a JSON object, else an empty one (safe reads)."""
    return value if isinstance(value, dict) else {}


def load_mode(load):
    """Closed loop unless the run says otherwise (older files have no mode)."""
    return "open" if obj(load).get("mode") == "open" else "closed"


def load_key(load):
    """For files without "group": the part of a load that must match.

    The actual concurrency differs per strategy for the same requested load
    (sequential runs one op at a time), so it is left out.
    """
    load = obj(load)
    if load_mode(load) == "open":
        keys = ("rate_ops_s", "duration_s", "arrival", "max_in_flight")
    else:
        keys = ("ops", "requested_concurrency")
    return json.dumps([load_mode(load)] + [load.get(k) for k in keys])


def comparison_group(run):
    """Runs with equal comparison keys share "group", written by apbench;
    files from before it are grouped by workload, params and load here."""
    group = run.get("group")
    if isinstance(group, int) and not isinstance(group, bool):
        return group
    return (run.get("workload"), params_key(run.get("params")),
            load_key(run.get("load")))


def params_key(params):
    """A hashable, order-independent form of a params object."""
    return json.dumps(obj(params), sort_keys=True)


class Source:
    """One input file: its name for captions and its machine context."""

    def __init__(self, path, doc):
        self.path = path
        self.name = "results.json" if path == "-" else os.path.basename(path)
        self.doc = doc
        self.context = obj(doc.get("context"))
        # Position of each run in the file, by identity (advice and series
        # points refer to runs by index).
        self.index_of = {id(r): i for i, r in enumerate(doc["runs"])}


class Group:
    """Runs of one workload with the same params and load, from one file.

    Strategies within a group are directly comparable, which is what every
    per-group chart shows.
    """

    def __init__(self, source, workload, params, load):
        self.source = source
        self.workload = workload
        self.params = obj(params)
        self.load = obj(load)
        self.runs = []
        self.number = 1  # position among this workload's groups, 1-based

    def ok_runs(self):
        """Runs with measurements, in strategy display order."""
        return [r for r in self.runs if r.get("status") == "ok"]


def strategy_sort_key(model, first_seen):
    """By execution model, as apbench lists strategies, then by first
    appearance (a file without traits: by first appearance alone)."""
    rank = MODEL_ORDER.index(model) if model in MODEL_ORDER \
        else len(MODEL_ORDER)
    return (rank, first_seen)


def build_groups(sources):
    """Group the runs of all sources; groups keep the order they appear in."""
    groups = {}
    for index, source in enumerate(sources):
        for run in source.doc["runs"]:
            run = obj(run)
            workload = run.get("workload")
            if not isinstance(workload, str) \
                    or not isinstance(run.get("strategy"), str):
                continue
            key = (index, comparison_group(run))
            if key not in groups:
                groups[key] = Group(source, workload, run.get("params"),
                                    run.get("load"))
            group = groups[key]
            if any(r["strategy"] == run["strategy"] for r in group.runs):
                warn(f"{source.name}: {workload}: more than one "
                     f"{run['strategy']} run with the same params and load; "
                     "charting the first")
                continue
            group.runs.append(run)
    result = list(groups.values())
    number_by_workload(result)
    for group in result:
        seen = {r["strategy"]: i for i, r in enumerate(group.runs)}
        group.runs.sort(key=lambda r, s=seen: strategy_sort_key(
            traits(r).get("model"), s[r["strategy"]]))
    return result


def number_by_workload(items):
    """Number items of the same workload 1, 2, ... for file name suffixes."""
    counts = {}
    for item in items:
        counts[item.workload] = counts.get(item.workload, 0) + 1
        item.number = counts[item.workload]


class SeriesGroup:
    """Latency/throughput series of one workload and params, from one file."""

    def __init__(self, source, workload, params, axis):
        self.source = source
        self.workload = workload
        self.params = obj(params)
        self.axis = axis
        self.series = []
        self.number = 1
        self.parameter = None  # axis "parameter": the swept parameter
        self.unit = ""  # its numbers' unit: "s", "B" or ""
        self.load = {}  # axis "parameter": the load of its first point


class MapItem:
    """A regime map of one file (its top-level "maps" entry)."""

    def __init__(self, source, regime_map):
        self.source = source
        self.map = regime_map
        self.workload = regime_map.get("workload")
        self.number = 1


def build_map_items(sources):
    """Every map of every file, numbered per workload."""
    items = []
    for source in sources:
        for regime_map in source.doc.get("maps") or []:
            regime_map = obj(regime_map)
            if isinstance(regime_map.get("workload"), str) \
                    and regime_map.get("cells"):
                items.append(MapItem(source, regime_map))
    number_by_workload(items)
    return items


def build_series_groups(sources):
    """Group the top-level series by (file, workload, params, x axis)."""
    groups = {}
    for index, source in enumerate(sources):
        for series in source.doc.get("series") or []:
            series = obj(series)
            workload = series.get("workload")
            if not isinstance(workload, str) \
                    or not isinstance(series.get("strategy"), str):
                continue
            key = (index, workload, params_key(series.get("params")),
                   series.get("x"))
            load = {}
            if series.get("x") == "parameter":
                # A map's series, one per concurrency, are charts apart.
                points = series.get("points") or []
                first = obj(points[0]).get("run_index") if points else None
                runs = source.doc["runs"]
                if isinstance(first, int) and 0 <= first < len(runs):
                    load = obj(obj(runs[first]).get("load"))
                key += (series.get("parameter"),
                        load.get("requested_concurrency"))
            if key not in groups:
                groups[key] = SeriesGroup(source, workload,
                                          series.get("params"),
                                          series.get("x"))
                groups[key].parameter = series.get("parameter")
                groups[key].unit = series.get("parameter_unit") or ""
                groups[key].load = load
            groups[key].series.append(series)
    result = list(groups.values())
    number_by_workload(result)
    return result


def warn(message):
    """One line on stderr that does not stop the run."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def time_unit(seconds):
    """Pick s, ms or µs so axis numbers stay short for the largest value."""
    if seconds >= 1.0:
        return "s", 1.0
    if seconds >= 1e-3:
        return "ms", 1e3
    return "µs", 1e6


def fmt_time(seconds):
    """Four significant digits with a unit, like apbench's console table."""
    if seconds is None:
        return "n/a"
    if seconds == 0:
        return "0 s"
    unit, scale = time_unit(abs(seconds))
    return f"{seconds * scale:#.4g}".rstrip(".") + f" {unit}"


def fmt_setting(seconds):
    """A time the user set (a duration), as short as it reads: "10 s"."""
    unit, scale = time_unit(abs(seconds))
    return f"{seconds * scale:.6g} {unit}"


def fmt_ms(seconds):
    """A latency in milliseconds, the unit of the latency charts."""
    return f"{seconds * 1e3:.3g} ms"


def fmt_rate(ops_s):
    """Operations per second, with thousands separators when large."""
    if ops_s >= 1e3:
        return f"{ops_s:,.0f} ops/s"
    return f"{ops_s:.4g} ops/s"


def fmt_number(value):
    """A plain number for tick labels: no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else f"{value:.2g}"


def describe_params(params):
    """name=value pairs in the file's order, as the user would type them."""
    return ", ".join(f"{k}={v}" for k, v in params.items())


def describe_load(load, repetitions=None):
    """A short phrase for the load, e.g. "16 ops, 2 in flight"."""
    if load_mode(load) == "open":
        parts = []
        rate = num(load.get("rate_ops_s"))
        if rate is not None:
            parts.append(f"open loop at {fmt_rate(rate)}")
        else:
            parts.append("open loop")
        duration = num(load.get("duration_s"))
        if duration is not None:
            parts.append(f"for {fmt_setting(duration)}")
        text = " ".join(parts)
        if load.get("arrival"):
            text += f", {load['arrival']} arrivals"
        if isinstance(load.get("max_in_flight"), int):
            text += f", at most {load['max_in_flight']} in flight"
    else:
        ops = load.get("ops")
        want = load.get("requested_concurrency")
        text = f"{ops} ops" if isinstance(ops, int) else "closed loop"
        if isinstance(ops, int) and isinstance(want, int):
            text += ", all at once" if want >= ops else f", {want} in flight"
    if isinstance(repetitions, int):
        text += f", {repetitions} repetition{'s' if repetitions != 1 else ''}"
    return text


def describe_group(group):
    """Params and load of a group: the subtitle of its charts."""
    reps = next((r.get("repetitions") for r in group.ok_runs()), None)
    parts = [describe_params(group.params), describe_load(group.load, reps)]
    return "; ".join(p for p in parts if p)


def machine_caption(source):
    """Where the numbers come from: printed at the bottom of every chart."""
    ctx = source.context
    parts = []
    if ctx.get("cpu_model"):
        parts.append(str(ctx["cpu_model"]))
    if isinstance(ctx.get("cores"), int):
        parts.append(f"{ctx['cores']} cores")
    if ctx.get("build_type"):
        parts.append(f"{ctx['build_type']} build")
    if ctx.get("host"):
        parts.append(f"host {ctx['host']}")
    if ctx.get("date"):
        parts.append(str(ctx["date"]))
    if not parts:
        return f"Machine: not recorded in {source.name}"
    parts.append(f"from {source.name}")
    return "Machine: " + ", ".join(parts)


def safe_name(text):
    """A file-name-safe form of a workload name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "workload"


def chart_filename(item, kind):
    """<workload>-<kind>.svg, with -N for the N-th group of a workload."""
    suffix = f"-{item.number}" if item.number > 1 else ""
    return f"{safe_name(item.workload)}-{kind}{suffix}.svg"


# ---------------------------------------------------------------------------
# Colours and figure scaffolding
# ---------------------------------------------------------------------------

class Palette:
    """Strategy -> colour, by position of first appearance in the inputs."""

    def __init__(self, names):
        self.colours = {}
        for name in names:
            if name not in self.colours:
                self.colours[name] = STRATEGY_PALETTE[
                    len(self.colours) % len(STRATEGY_PALETTE)]

    def __call__(self, name):
        return self.colours.get(name, "#000000")


def new_figure(title, subtitle, caption, prefix):
    """A figure with title, subtitle and machine caption laid out to fit.

    Constrained layout reserves room for the title and subtitle (both tied to
    the axes), the caption (drawn as the figure's supxlabel) and a legend
    placed outside the axes, so no text overlaps the plot or another label.
    """
    fig = Figure(figsize=FIG_SIZE, layout="constrained")
    ax = fig.add_subplot()
    full_title = f"{prefix} {title}".strip() if prefix else title
    # Title and subtitle both belong to the axes, so they centre over the
    # plot rather than over plot + legend, and the layout makes room for them.
    lines = textwrap.wrap(subtitle or "", SUBTITLE_WIDTH,
                          break_on_hyphens=False)
    ax.set_title("\n".join(lines), fontsize=9, color="#444444", pad=8,
                 linespacing=1.3)
    ax.annotate(full_title, (0.5, 1.0), xycoords="axes fraction",
                xytext=(0, 12 + 12 * len(lines)), textcoords="offset points",
                ha="center", va="bottom", fontsize=13, fontweight="bold",
                annotation_clip=False, gid="title")
    fig.supxlabel(caption, fontsize=7.5, color="#555555")
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def outside_legend(ax, handles, title=None):
    """Legend to the right of the axes, so it can never hide data."""
    options = {"alignment": "left"} if HAS_LEGEND_ALIGNMENT else {}
    legend = ax.legend(handles=handles, loc="upper left",
                       bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                       fontsize=8.5, title=title, title_fontsize=8.5,
                       frameon=False, **options)
    legend.set_gid("legend")  # a stable id for tests and for SVG styling
    return legend


def strategy_handles(names, palette):
    """Legend patches naming each strategy in its colour."""
    return [Patch(facecolor=palette(n), edgecolor="none", label=n)
            for n in names]


def plain_log_axis(axis):
    """Log axis with 1-2-5 ticks written as plain numbers, not 10^x."""
    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(ticker.FuncFormatter(
        lambda v, _pos: fmt_number(v)))
    axis.set_minor_formatter(ticker.NullFormatter())


def strategy_axis(ax, names):
    """Strategy names under their bars, slanted only when they are many."""
    ax.set_xticks(range(len(names)))
    if len(names) > 8:
        ax.set_xticklabels(names, rotation=25, ha="right",
                           rotation_mode="anchor", fontsize=9)
    else:
        ax.set_xticklabels(names, fontsize=9 if len(names) > 6 else 10)
    ax.set_xlim(-0.6, len(names) - 0.4)


def mark_missing(ax, runs, values):
    """Write "n/a", "failed" or "no data" where a strategy has no bar.

    The word sits half-way up the axes, clear of the reference lines that
    run near the bottom (1x, cores) and of the value labels on the bars.
    """
    where = ax.get_xaxis_transform()  # x in data, y in axes fraction
    for i, (run, value) in enumerate(zip(runs, values)):
        if value is None:
            status = run.get("status")
            ax.text(i, 0.5, "no data" if status == "ok" else str(status),
                    transform=where, ha="center", va="center", fontsize=9,
                    color="#666666", style="italic")


def value_label(ax, x, y, text, inside=False):
    """A value above a bar, or just inside its top when reference lines run
    near the bar tops; a white backing keeps it legible over either."""
    ax.annotate(text, (x, y), xytext=(0, -4 if inside else 3),
                textcoords="offset points", ha="center",
                va="top" if inside else "bottom", fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                      "ec": "none", "alpha": 0.85})


def reference_lines(ax, values, label, style):
    """One dashed line when all runs share a value, else one per bar.

    Returns a legend handle, or None when no run has the value.
    """
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if not known:
        return None
    first = known[0][1]
    if all(math.isclose(v, first, rel_tol=1e-9) for _, v in known):
        ax.axhline(first, **style)
    else:
        for i, value in known:
            ax.hlines(value, i - 0.45, i + 0.45, **style)
    return Line2D([], [], label=label, **style)


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------

class Chart:
    """A finished figure with the file name and caption it is published as."""

    def __init__(self, filename, title, caption, fig, workload):
        self.filename = filename
        self.title = title
        self.caption = caption
        self.fig = fig
        self.workload = workload
        self.item = None  # the Group or SeriesGroup it shows


def wall_value(run, key):
    """A statistic of wall_s, or None."""
    return num(obj(run.get("wall_s")).get(key))


ERROR_RATE_LIMIT = 0.01  # apb::kErrorRateLimit


def error_rate(run):
    """The share of the run's finished ops that failed (0.0 when unknown)."""
    return num(run.get("error_rate")) or 0.0


def failed_text(run):
    """ "12.0 % failed", never "0.0 %" when some op failed; "" when none."""
    rate = error_rate(run)
    if rate <= 0:
        return ""
    return (f"{rate * 100:.2g} %" if rate < 0.001
            else f"{rate * 100:.1f} %") + " failed"


def fastest_ok(runs, values, better):
    """(value, strategy) of the best of `values` among the runs within the
    error limit, or among all when none is: apbench's ranking, so a run that
    failed many ops is not called fastest."""
    known = [(v, r) for v, r in zip(values, runs) if v is not None]
    within = [(v, r) for v, r in known if error_rate(r) <= ERROR_RATE_LIMIT]
    value, run = better(within or known, key=lambda vr: vr[0])
    return value, run["strategy"]


def errors_caption(runs):
    """"; async failed 12.0 % of its ops" for the runs that failed ops."""
    failed = [f"{r['strategy']} failed {failed_text(r)[:-len(' failed')]} "
              f"of its ops" for r in runs
              if r.get("status") == "ok" and failed_text(r)]
    if not failed:
        return ""
    return ("; " + ", ".join(failed) +
            " (speeds count only the ops that succeeded)")


def chart_wall(group, palette, prefix):
    """Median wall time per strategy, 95 % interval, ideal as a reference.

    Only closed-loop groups: an open-loop run lasts its duration whatever the
    strategy, so its wall time says nothing.
    """
    if load_mode(group.load) != "closed":
        return None
    runs = group.runs
    medians = [wall_value(r, "median") if r.get("status") == "ok" else None
               for r in runs]
    if not any(m is not None for m in medians):
        return None
    names = [r["strategy"] for r in runs]
    ideals = [num(r.get("ideal_s")) if r.get("status") == "ok" else None
              for r in runs]
    highs = [max(m, wall_value(r, "ci95_high") or m) if m is not None
             else None for r, m in zip(runs, medians)]
    values = [v for v in medians + ideals if v is not None]
    top = max(v for v in highs + ideals if v is not None)
    unit, scale = time_unit(top)
    log = max(values) / min(values) > LOG_RATIO if min(values) > 0 else False

    title = f"{group.workload}: wall time per strategy"
    fig, ax = new_figure(title, describe_group(group),
                         machine_caption(group.source), prefix)
    if log:
        ax.set_yscale("log")
        bottom = min(values) * scale / 3.0
        ax.set_ylim(bottom, top * scale * 1.8)
        plain_log_axis(ax.yaxis)
    else:
        bottom = 0.0
        ax.set_ylim(0.0, top * scale * 1.18)
    for i, (run, median) in enumerate(zip(runs, medians)):
        if median is None:
            continue
        low = wall_value(run, "ci95_low")
        low = median if low is None else max(min(low, median) * scale,
                                             bottom) / scale
        ax.bar(i, median * scale, width=0.7, color=palette(run["strategy"]),
               # max(0, ...): low went through * scale / scale, which
               # can leave it a rounding above a one-repetition median.
               yerr=[[max(0.0, (median - low) * scale)],
                     [max(0.0, (highs[i] - median) * scale)]],
               error_kw={"ecolor": "#222222", "capsize": 4,
                         "elinewidth": 1})
        failed = failed_text(run)
        value_label(ax, i, highs[i] * scale,
                    fmt_time(median) + (f"\n{failed}" if failed else ""))
    mark_missing(ax, runs, medians)
    strategy_axis(ax, names)
    ax.set_xlabel("strategy")
    ax.set_ylabel(f"wall time of one repetition ({unit}, "
                  f"{'log scale' if log else 'median'})")
    handles = strategy_handles([n for n, m in zip(names, medians)
                                if m is not None], palette)
    ideal = reference_lines(
        ax, [v * scale if v is not None else None for v in ideals],
        "ideal (physical limit)",
        {"color": "black", "linestyle": "--", "linewidth": 1.1})
    if ideal is not None:
        handles.append(ideal)
    handles.append(Line2D([], [], color="#222222", marker="_",
                          markersize=10, linewidth=1,
                          label="95 % interval of the mean"))
    outside_legend(ax, handles, title="strategy")

    # By goodput, as apbench ranks (apbench_html.goodput_wall).
    from apbench_html import goodput_wall  # pylint: disable=import-outside-toplevel
    best = fastest_ok(runs, [goodput_wall(r) or None if m is not None
                             else None for r, m in zip(runs, medians)], min)
    best = (medians[names.index(best[1])], best[1])
    caption = (f"Median wall time of one repetition of {group.workload} "
               f"({describe_group(group)}) per strategy, with the 95 % "
               f"interval of the mean as error bars"
               f"{' and the ideal as a dashed line' if ideal else ''}; "
               f"{best[1]} is fastest at {fmt_time(best[0])}")
    ideal_best = ideals[names.index(best[1])]
    if ideal_best:
        caption += f", {ideal_best / best[0] * 100:.0f} % of the ideal"
    caption += errors_caption(runs)
    missing = [f"{r['strategy']} ({r.get('status')}"
               f"{': ' + r['reason'] if r.get('reason') else ''})"
               for r in runs if r.get("status") != "ok"]
    if missing:
        caption += f"; not run: {', '.join(missing)}"
    return Chart(chart_filename(group, "wall"), title, caption + ".", fig,
                 group.workload)


def chart_speedup(group, palette, prefix):
    """Speed-up against the baseline, with 1x, the core count and the ideal.

    Lines at the core count and the ideal speed-up show whether a strategy
    is limited by the cores (CPU work) or by the workload itself (waits).
    """
    if load_mode(group.load) != "closed":
        return None
    runs = group.runs
    speedups = [num(r.get("speedup_vs_sequential"))
                if r.get("status") == "ok" else None for r in runs]
    if not any(s is not None for s in speedups):
        return None
    names = [r["strategy"] for r in runs]
    sequential = next((r for r in runs if is_baseline(r)
                       and r.get("status") == "ok"), None)
    seq_wall = wall_value(sequential, "median") if sequential else None
    # The baseline's own name (a run's speed-up is against it).
    base = sequential["strategy"] if sequential else "the baseline"
    ideal_speedups = []
    for run in runs:
        ideal = num(run.get("ideal_s")) if run.get("status") == "ok" else None
        ideal_speedups.append(seq_wall / ideal if seq_wall and ideal
                              else None)
    cores = group.source.context.get("cores")
    cores = cores if isinstance(cores, int) and cores > 0 else None

    title = f"{group.workload}: speed-up against {base}"
    fig, ax = new_figure(title, describe_group(group),
                         machine_caption(group.source), prefix)
    top = max(v for v in speedups + ideal_speedups + [cores or 1, 1.0]
              if v is not None)
    ax.set_ylim(0.0, top * 1.15)
    for i, (run, speedup) in enumerate(zip(runs, speedups)):
        if speedup is None:
            continue
        ax.bar(i, speedup, width=0.7, color=palette(run["strategy"]))
        failed = failed_text(run)
        value_label(ax, i, speedup,
                    f"{speedup:.2f}x" + (f"\n{failed}" if failed else ""),
                    inside=speedup > top * 0.12)
    mark_missing(ax, runs, speedups)
    strategy_axis(ax, names)
    ax.set_xlabel("strategy")
    ax.set_ylabel(f"speed-up vs {base} (×)")
    handles = strategy_handles([n for n, s in zip(names, speedups)
                                if s is not None], palette)
    ax.axhline(1.0, color="#444444", linewidth=0.9, linestyle="-")
    handles.append(Line2D([], [], color="#444444", linewidth=0.9,
                          label=f"1x = {base}"))
    if cores:
        style = {"color": "#7a3d9a", "linestyle": ":", "linewidth": 1.6}
        ax.axhline(cores, **style)
        handles.append(Line2D([], [], label=f"cores = {cores}", **style))
    distinct = {round(v, 9) for v in ideal_speedups if v is not None}
    ideal = reference_lines(
        ax, ideal_speedups,
        "ideal speed-up" + (f" = {distinct.pop():.2f}x" if len(distinct) == 1
                            else " (per strategy)"),
        {"color": "black", "linestyle": "--", "linewidth": 1.1})
    if ideal is not None:
        handles.append(ideal)
    outside_legend(ax, handles, title="strategy")

    best = fastest_ok(runs, speedups, max)
    caption = (f"Speed-up of each strategy over {base} for "
               f"{group.workload} ({describe_group(group)}); {best[1]} "
               f"reaches {best[0]:.2f}x")
    if cores:
        caption += f" on {cores} cores"
    known_ideal = [v for v in ideal_speedups if v]
    if known_ideal:
        caption += f", against an ideal of {max(known_ideal):.2f}x"
    caption += errors_caption(runs)
    return Chart(chart_filename(group, "speedup"), title, caption + ".",
                 fig, group.workload)


def spectrum_x(percentile):
    """Position of a percentile on the 1 / (1 - p) axis; inf for the max."""
    if percentile >= 100.0:
        return math.inf
    return 1.0 / (1.0 - percentile / 100.0)


def spectrum_points(run, key="latency_s"):
    """(x, latency in ms) points of a run's latency distribution.

    Prefers the full latency_spectrum when the run has one; otherwise uses
    the summary percentiles and the maximum of latency_s (or service_time_s).
    The maximum has x = inf until the chart knows where to put it; zero
    latencies are left out, as a log axis cannot show them.
    """
    points = []
    if key == "latency_s" and isinstance(run.get("latency_spectrum"), list):
        for point in run["latency_spectrum"]:
            point = obj(point)
            pct = num(point.get("percentile"))
            lat = num(point.get("latency_s"))
            if pct is not None and lat is not None and lat > 0 \
                    and 0.0 <= pct <= 100.0:
                points.append((spectrum_x(pct), lat * 1e3))
        if points:
            return sorted(points)
    stats = obj(run.get(key))
    for name, pct in SUMMARY_PERCENTILES:
        value = num(stats.get(name))
        if value is not None and value > 0:
            points.append((spectrum_x(pct), value * 1e3))
    value = num(stats.get("max"))
    if value is not None and value > 0:
        points.append((math.inf, value * 1e3))
    return points


def spectrum_axis(ax, lines):
    """Percentile ticks up to the data's highest, then "max" a decade on.

    Returns where the max points go. Percentiles below 50 % (a full
    spectrum starts at 0 %) are drawn but not labelled: 0 % and 50 % are too
    close on this axis for two labels.
    """
    finite = [x for _, pts, svc in lines for x, _ in pts + svc
              if math.isfinite(x)] or [spectrum_x(50.0)]
    ticks = [(p, label) for p, label in SPECTRUM_TICKS
             if p <= SPECTRUM_MIN_LAST or spectrum_x(p) <= max(finite) * 1.01]
    max_x = spectrum_x(ticks[-1][0]) * 10.0
    ax.set_xticks([spectrum_x(p) for p, _ in ticks] + [max_x])
    ax.set_xticklabels([label for _, label in ticks] + ["max"])
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_xlim(min(min(finite), spectrum_x(50.0)) / 1.15, max_x * 1.6)
    return max_x


def chart_spectrum(group, palette, prefix):
    """Latency percentile spectrum per strategy for one group.

    The 1 / (1 - p) axis spreads the tail, where strategies differ most;
    service time (without queueing) is dotted when the run has it, so the
    queueing share of the latency is visible.
    """
    lines = []
    for run in group.ok_runs():
        points = spectrum_points(run)
        if points:
            lines.append((run, points, spectrum_points(run,
                                                       "service_time_s")))
    if not lines:
        return None
    title = f"{group.workload}: latency distribution per strategy"
    fig, ax = new_figure(title, describe_group(group),
                         machine_caption(group.source), prefix)
    ax.set_xscale("log")
    ax.set_yscale("log")
    max_x = spectrum_axis(ax, lines)
    has_service = False
    for run, points, service in lines:
        colour = palette(run["strategy"])
        xs, ys = zip(*[(min(x, max_x), y) for x, y in points])
        ax.plot(xs, ys, color=colour, linewidth=1.8, marker="o",
                markersize=3.5 if len(points) <= 12 else 0)
        if service:
            has_service = True
            sx, sy = zip(*[(min(x, max_x), y) for x, y in service])
            ax.plot(sx, sy, color=colour, linewidth=1.2, linestyle=":")
    plain_log_axis(ax.yaxis)
    all_y = [y for _, pts, svc in lines for _, y in pts + svc]
    ax.set_ylim(min(all_y) / 1.5, max(all_y) * 1.5)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_xlabel("percentile (log scale of 1 / (1 − p); max at the right)")
    ax.set_ylabel("latency of one op (ms, log scale)")
    handles = [Line2D([], [], color=palette(r["strategy"]), linewidth=1.8,
                      label=r["strategy"]) for r, _, _ in lines]
    if has_service:
        handles.append(Line2D([], [], color="#444444", linewidth=1.2,
                              linestyle=":",
                              label="service time (no queueing)"))
    outside_legend(ax, handles, title="strategy")
    source = ("full latency spectrum"
              if any(isinstance(r.get("latency_spectrum"), list)
                     and r["latency_spectrum"] for r, _, _ in lines)
              else "p50, p90, p99, p99.9 and max")
    caption = (f"Latency of one {group.workload} op at each percentile "
               f"({describe_group(group)}), one line per strategy from the "
               f"{source}, so tails can be compared")
    return Chart(chart_filename(group, "latency-spectrum"), title,
                 caption + ".", fig, group.workload)


def run_stages(run):
    """The run's well-formed stages as (name, kind, time_s, queue_s)."""
    result = []
    for stage in run.get("stages") or []:
        stage = obj(stage)
        name = stage.get("name")
        if not isinstance(name, str):
            continue
        result.append((name, stage.get("kind") or "",
                       num(stage.get("time_s")) or 0.0,
                       num(stage.get("queue_s")) or 0.0))
    return result


def chart_stages(group, palette, prefix):
    """Where an op's time goes in a pipeline: per stage, working vs waiting.

    One horizontal bar per strategy, in its colour; stages are told apart by
    hatching, and the lighter part before each stage is the time the op
    waited for it (queue), which is what a better strategy removes.
    """
    rows = [(r, run_stages(r)) for r in group.ok_runs()]
    rows = [(r, s) for r, s in rows if s]
    if not rows:
        return None
    stage_names = []
    kinds = {}
    for _, stages in rows:
        for name, kind, _, _ in stages:
            if name not in stage_names:
                stage_names.append(name)
                kinds[name] = kind
    totals = [sum(t + q for _, _, t, q in s) for _, s in rows]
    means = [num(obj(r.get("latency_s")).get("mean")) for r, _ in rows]
    top = max(totals + [m for m in means if m is not None])
    unit, scale = time_unit(top)

    title = f"{group.workload}: time per op in each stage"
    fig, ax = new_figure(title, describe_group(group),
                         machine_caption(group.source), prefix)
    ax.grid(False)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    height = 0.6
    for i, (run, stages) in enumerate(rows):
        colour = palette(run["strategy"])
        left = 0.0
        for name, _, time_s, queue_s in stages:
            hatch = STAGE_HATCHES[stage_names.index(name)
                                  % len(STAGE_HATCHES)]
            if queue_s > 0:
                ax.barh(i, queue_s * scale, left=left, height=height,
                        color=colour, alpha=0.3, edgecolor=colour,
                        hatch=hatch, linewidth=0.8)
                left += queue_s * scale
            ax.barh(i, time_s * scale, left=left, height=height,
                    color=colour, edgecolor="white", hatch=hatch,
                    linewidth=0.8)
            if time_s * scale > top * scale * 0.07:
                ax.text(left + time_s * scale / 2, i, name, ha="center",
                        va="center", fontsize=7.5, color="black",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                              "ec": "none", "alpha": 0.85})
            left += time_s * scale
        if means[i] is not None:
            ax.plot([means[i] * scale], [i], marker="D", color="black",
                    markersize=5, linestyle="none")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["strategy"] for r, _ in rows])
    for label, (run, _) in zip(ax.get_yticklabels(), rows):
        label.set_color(palette(run["strategy"]))
    ax.invert_yaxis()
    ax.set_xlim(0.0, top * scale * 1.08)
    ax.set_xlabel(f"mean time per op ({unit}): waiting (light) + working "
                  "(solid) in each stage")
    ax.set_ylabel("strategy")
    ax.spines["left"].set_visible(True)
    handles = strategy_handles([r["strategy"] for r, _ in rows], palette)
    for name in stage_names:
        hatch = STAGE_HATCHES[stage_names.index(name) % len(STAGE_HATCHES)]
        kind = f" ({kinds[name]})" if kinds[name] else ""
        handles.append(Patch(facecolor="#bbbbbb", edgecolor="white",
                             hatch=hatch, label=f"stage {name}{kind}"))
    handles.append(Patch(facecolor="#bbbbbb", alpha=0.3,
                         edgecolor="#888888",
                         label="waiting before a stage"))
    if any(m is not None for m in means):
        handles.append(Line2D([], [], marker="D", color="black",
                              linestyle="none", markersize=5,
                              label="measured mean latency"))
    outside_legend(ax, handles, title="strategy / stage")
    caption = (f"Mean time one {group.workload} op spends in each stage "
               f"({', '.join(stage_names)}) and waiting before it, per "
               f"strategy ({describe_group(group)})")
    return Chart(chart_filename(group, "stages"), title, caption + ".", fig,
                 group.workload)


def series_points(series):
    """(throughput, p50 ms, p99 ms, troubled) per point, by throughput.

    A point is troubled when ops were dropped or failed there: the load is
    past what the strategy sustains.
    """
    result = []
    for point in series.get("points") or []:
        point = obj(point)
        rate = num(point.get("throughput_ops_s"))
        lat = obj(point.get("latency_s"))
        p50, p99 = num(lat.get("p50")), num(lat.get("p99"))
        if rate is None or (p50 is None and p99 is None):
            continue
        troubled = bool(point.get("dropped")) or bool(point.get("errors"))
        result.append((rate, p50 * 1e3 if p50 is not None else None,
                       p99 * 1e3 if p99 is not None else None, troubled))
    return result


def plot_knee(ax, knee, colour):
    """Star a knee; returns its annotation (point, text) to place later."""
    rate = num(knee.get("throughput_ops_s"))
    lat = num(knee.get("latency_s"))
    if rate is None or lat is None:
        return None
    pct = num(knee.get("percentile"))
    ax.plot([rate], [lat * 1e3], marker="*", markersize=14, color=colour,
            markeredgecolor="black", markeredgewidth=0.7, linestyle="none",
            zorder=5)
    which = f"p{pct:g} " if pct is not None else ""
    return ((rate, lat * 1e3), f"knee: {fmt_rate(rate)}\n{which}{fmt_ms(lat)}",
            colour)


# Where a knee's label may go, in points from the knee: nearest first.
LABEL_OFFSETS = [(60, -40), (-60, 40), (60, 40), (-60, -40), (0, -55),
                 (0, 55), (110, -30), (-110, 30), (110, 30), (-110, -30),
                 (0, -90), (0, 90), (150, -70), (-150, 70)]


def place_labels(fig, ax, labels):
    """Annotate each point where its label crosses the fewest lines.

    Knees sit on the curves, so a fixed offset often hides another
    strategy's line; trying offsets against the drawn lines (in display
    coordinates, after layout) keeps the labels off the data and apart.
    """
    if not labels:
        return
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    paths, points = [], []
    for line in ax.get_lines():
        xy = ax.transData.transform(line.get_xydata())
        if line.get_linestyle() not in ("None", "none", "", " ") \
                and len(xy) > 1:
            paths.append(Path(xy))
        points.extend(xy)
    placed = []
    for xy, text, colour in labels:
        best = None
        for rank, offset in enumerate(LABEL_OFFSETS):
            note = knee_annotation(ax, xy, text, colour, offset)
            box = note.get_window_extent(renderer).padded(4)
            score = rank
            score += 100 * sum(p.intersects_bbox(box, filled=False)
                               for p in paths)
            score += 100 * sum(box.contains(x, y) for x, y in points)
            score += 1000 * sum(box.overlaps(b) for b in placed)
            if not (axes_box.contains(box.x0, box.y0)
                    and axes_box.contains(box.x1, box.y1)):
                score += 10000
            note.remove()
            if best is None or score < best[0]:
                best = (score, offset, box)
        knee_annotation(ax, xy, text, colour, best[1])
        placed.append(best[2])


def knee_annotation(ax, xy, text, colour, offset):
    """The boxed label of a knee, tied to its star by a thin line."""
    return ax.annotate(text, xy, xytext=offset, textcoords="offset points",
                       fontsize=7.5, color="black", ha="center", va="center",
                       bbox={"boxstyle": "round,pad=0.25", "fc": "white",
                             "ec": colour, "lw": 0.8},
                       arrowprops={"arrowstyle": "-", "color": colour,
                                   "lw": 0.8, "shrinkA": 0, "shrinkB": 6})


def chart_latency_throughput(sgroup, palette, slo, prefix):
    """Latency against achieved throughput, one line per strategy.

    Achieved throughput (not offered rate) is on x so a saturated strategy
    bends back instead of running off to the right; the knee is where the
    latency starts to climb, the most load worth offering.
    """
    drawn = []
    for series in sgroup.series:
        points = series_points(series)
        if points:
            drawn.append((series, points))
    if not drawn:
        return None
    title = f"{sgroup.workload}: latency against throughput"
    axis = {"offered_rate": "offered rate", "concurrency": "concurrency"}
    subtitle = "; ".join(p for p in [
        describe_params(sgroup.params),
        f"{axis.get(sgroup.axis, 'load')} stepped up; p50 solid, p99 dashed"]
        if p)
    fig, ax = new_figure(title, subtitle, machine_caption(sgroup.source),
                         prefix)
    ax.set_yscale("log")
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    knees = []
    troubled_any = False
    for series, points in drawn:
        colour = palette(series["strategy"])
        xs = [p[0] for p in points]
        for col, style in ((1, "-"), (2, "--")):
            pairs = [(x, p[col]) for x, p in zip(xs, points)
                     if p[col] is not None and p[col] > 0]
            if pairs:
                ax.plot(*zip(*pairs), color=colour, linestyle=style,
                        linewidth=1.8, marker="o", markersize=3.5)
        bad = [(p[0], p[2] if p[2] is not None else p[1]) for p in points
               if p[3]]
        if bad:
            troubled_any = True
            ax.plot(*zip(*bad), linestyle="none", marker="o",
                    markersize=8, markerfacecolor="none",
                    markeredgecolor=colour, markeredgewidth=1.2)
        knee = series.get("knee")
        label = plot_knee(ax, knee, colour) if isinstance(knee, dict) \
            else None
        if label:
            knees.append(label)
    handles = [Line2D([], [], color=palette(s["strategy"]), linewidth=1.8,
                      label=s["strategy"]) for s, _ in drawn]
    handles.append(Line2D([], [], color="#444444", linewidth=1.4,
                          label="p50 latency"))
    handles.append(Line2D([], [], color="#444444", linewidth=1.4,
                          linestyle="--", label="p99 latency"))
    if knees:
        handles.append(Line2D([], [], marker="*", markersize=11,
                              color="#bbbbbb", markeredgecolor="black",
                              linestyle="none", label="knee"))
    if troubled_any:
        handles.append(Line2D([], [], marker="o", markersize=8,
                              markerfacecolor="none",
                              markeredgecolor="#444444", linestyle="none",
                              label="ops dropped or failed"))
    slo_text = ""
    limit = num(obj(slo).get("limit_s"))
    if limit is not None:
        pct = num(obj(slo).get("percentile"))
        slo_text = f"SLO: p{pct:g} ≤ {fmt_ms(limit)}" if pct is not None \
            else f"SLO: {fmt_ms(limit)}"
        style = {"color": "#b22222", "linestyle": "-.", "linewidth": 1.3}
        ax.axhline(limit * 1e3, **style)
        handles.append(Line2D([], [], label=slo_text, **style))
    plain_log_axis(ax.yaxis)
    ys = [v for _, pts in drawn for p in pts for v in p[1:3]
          if v is not None and v > 0]
    if limit is not None:
        ys.append(limit * 1e3)
    ax.set_ylim(min(ys) / 2.0, max(ys) * 3.0)
    xs = [p[0] for _, pts in drawn for p in pts]
    ax.set_xlim(0.0, max(xs) * 1.08)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(
        lambda v, _pos: fmt_number(v)))
    ax.set_xlabel("achieved throughput (ops/s)")
    ax.set_ylabel("latency of one op (ms, log scale)")
    outside_legend(ax, handles, title="strategy")
    place_labels(fig, ax, knees)
    caption = (f"p50 and p99 latency of {sgroup.workload} against the "
               f"throughput each strategy achieved as the "
               f"{axis.get(sgroup.axis, 'load')} rose"
               f"{', knees starred' if knees else ''}"
               f"{', with the ' + slo_text if slo_text else ''}")
    return Chart(chart_filename(sgroup, "latency-throughput"), title,
                 caption + ".", fig, sgroup.workload)


def chart_scaling(sgroup, palette, prefix):
    """Speed-up against threads (strong scaling), one line per strategy.

    The dashed line is the ideal (speed-up = threads, up to the cores); a
    dotted curve in a strategy's colour is its fitted Amdahl's law, whose
    serial fraction (with its 95 % interval) is in the legend.
    """
    drawn = []
    for series in sgroup.series:
        points = []
        for p in series.get("points") or []:
            p = obj(p)
            t, sp = num(p.get("threads")), num(p.get("speedup"))
            if t is not None and sp is not None:
                points.append((t, sp, num(p.get("ideal_speedup"))))
        if points:
            drawn.append((series, sorted(points)))
    if not drawn:
        return None
    title = f"{sgroup.workload}: speed-up against threads"
    subtitle = "; ".join(p for p in [
        describe_params(sgroup.params),
        "strong scaling: the same work at each thread count"] if p)
    fig, ax = new_figure(title, subtitle, machine_caption(sgroup.source),
                         prefix)
    cores = sgroup.source.context.get("cores")
    cores = cores if isinstance(cores, int) and cores > 0 else None
    xs = sorted({p[0] for _, pts in drawn for p in pts})
    base = xs[0]
    handles = []
    for series, points in drawn:
        colour = palette(series["strategy"])
        ax.plot([p[0] for p in points], [p[1] for p in points],
                color=colour, linewidth=1.8, marker="o", markersize=4)
        label = series["strategy"]
        fit = obj(series.get("amdahl"))
        s_fit = num(fit.get("serial_fraction"))
        if s_fit is not None:
            grid = [base + (xs[-1] - base) * i / 40.0 for i in range(41)]
            ax.plot(grid, [1.0 / (s_fit + (1.0 - s_fit) * base / t)
                           for t in grid],
                    color=colour, linewidth=1.0, linestyle=":")
            low, high = num(fit.get("ci95_low")), num(fit.get("ci95_high"))
            label += f" (serial {s_fit:.2f}"
            if low is not None and high is not None:
                label += f", 95 % CI {low:.2f}-{high:.2f}"
            label += ")"
        handles.append(Line2D([], [], color=colour, linewidth=1.8,
                              marker="o", markersize=4, label=label))
    ideal = [(t, min(t, cores or t) / min(base, cores or base)) for t in xs]
    style = {"color": "black", "linestyle": "--", "linewidth": 1.1}
    ax.plot([p[0] for p in ideal], [p[1] for p in ideal], **style)
    handles.append(Line2D([], [], label="ideal (threads, up to the cores)",
                          **style))
    handles.append(Line2D([], [], color="#444444", linewidth=1.0,
                          linestyle=":", label="Amdahl fit"))
    top = max([p[1] for _, pts in drawn for p in pts] +
              [p[1] for p in ideal] + [1.0])
    ax.set_ylim(0.0, top * 1.15)
    ax.set_xticks(xs)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(
        lambda v, _pos: fmt_number(v)))
    ax.set_xlabel("threads (--threads)")
    ax.set_ylabel(f"speed-up vs {fmt_number(base)} thread"
                  f"{'' if base == 1 else 's'} (×)")
    outside_legend(ax, handles, title="strategy")
    best = max((p[1], s["strategy"], p[0]) for s, pts in drawn for p in pts)
    caption = (f"Strong scaling of {sgroup.workload}: {best[1]} reaches "
               f"{best[0]:.2f}x at {fmt_number(best[2])} threads"
               f"{f' on {cores} cores' if cores else ''}, against the ideal "
               f"and each strategy's fitted Amdahl curve")
    return Chart(chart_filename(sgroup, "scaling"), title, caption + ".",
                 fig, sgroup.workload)


def fmt_parameter(value, unit):
    """A parameter's number with its unit: 0.004 "s" -> "4 ms"."""
    if unit == "s":
        return fmt_time(value) if value > 0 else "0"
    if unit == "B":
        for factor, suffix in ((1 << 30, "GiB"), (1 << 20, "MiB"),
                               (1 << 10, "KiB")):
            if value >= factor:
                return f"{value / factor:g} {suffix}"
        return f"{value:g} B"
    return fmt_number(value)


def chart_parameter(sgroup, palette, prefix):
    """Median wall time against a swept parameter (--set work=1ms..64ms),
    one line per strategy with its 95 % intervals, and the ideal line: the
    workload's own limit at each value."""
    runs = sgroup.source.doc["runs"]
    open_loop = sgroup.load.get("mode") == "open"
    drawn, ideal, labels = [], {}, {}
    for series in sgroup.series:
        points = []
        for p in series.get("points") or []:
            p = obj(p)
            x, index = num(p.get("parameter_number")), p.get("run_index")
            if x is None or not isinstance(index, int) \
                    or not 0 <= index < len(runs):
                continue
            if isinstance(p.get("parameter_value"), str):
                labels.setdefault(x, p["parameter_value"])  # as typed
            if open_loop:  # the schedule sets the wall: p99 says more
                median = num(obj(p.get("latency_s")).get("p99"))
                low = high = median
            else:
                wall = obj(obj(runs[index]).get("wall_s"))
                median = num(wall.get("median"))
                low = num(wall.get("ci95_low"))
                high = num(wall.get("ci95_high"))
            if median is None or median <= 0:
                continue
            points.append((x, median, low if low is not None else median,
                           high if high is not None else median))
            limit = None if open_loop else num(p.get("ideal_s"))
            if limit is not None and limit > 0:
                ideal.setdefault(x, limit)
        if points:
            drawn.append((series, sorted(points)))
    if not drawn:
        return None
    name = sgroup.parameter or "parameter"
    what = "p99 latency" if open_loop else "wall time"
    title = f"{sgroup.workload}: {what} against {name}"
    concurrency = sgroup.load.get("requested_concurrency")
    load_text = describe_load(sgroup.load) if sgroup.load else ""
    subtitle = "; ".join(p for p in [
        describe_params(sgroup.params), load_text,
        "p99 latency of the ops" if open_loop else
        "median wall with its 95 % interval; dashed: the ideal"] if p)
    fig, ax = new_figure(title, subtitle, machine_caption(sgroup.source),
                         prefix)
    xs = sorted({p[0] for _, pts in drawn for p in pts})
    walls = [v for _, pts in drawn for p in pts for v in p[1:]
             if v is not None and v > 0] + list(ideal.values())
    scale_name, scale = time_unit(max(walls))
    handles = []
    for series, points in drawn:
        colour = palette(series["strategy"])
        x = [p[0] for p in points]
        y = [p[1] * scale for p in points]
        err = [[max(0.0, (p[1] - p[2]) * scale) for p in points],
               [max(0.0, (p[3] - p[1]) * scale) for p in points]]
        ax.errorbar(x, y, yerr=err, color=colour, linewidth=1.8,
                    marker="o", markersize=4, capsize=3)
        handles.append(Line2D([], [], color=colour, linewidth=1.8,
                              marker="o", markersize=4,
                              label=series["strategy"]))
    if ideal:
        style = {"color": "black", "linestyle": "--", "linewidth": 1.1}
        ix = sorted(ideal)
        ax.plot(ix, [ideal[v] * scale for v in ix], **style)
        handles.append(Line2D([], [], label="ideal", **style))
    if xs[0] > 0 and xs[-1] / xs[0] >= 8:
        ax.set_xscale("log")
        plain_log_axis(ax.xaxis)
    if min(walls) > 0 and max(walls) / min(walls) >= LOG_RATIO:
        ax.set_yscale("log")
        plain_log_axis(ax.yaxis)
    else:
        ax.set_ylim(bottom=0)  # an interval of the mean may reach below
    ax.set_xticks(xs)
    ax.set_xticklabels([labels.get(v, fmt_parameter(v, sgroup.unit))
                        for v in xs], fontsize=8)
    ax.minorticks_off()
    ax.set_xlabel(f"{name} (--set {name}=...)")
    ax.set_ylabel(f"p99 latency of one op ({scale_name})" if open_loop
                  else f"wall time of a repetition ({scale_name})")
    outside_legend(ax, handles, title="strategy")
    best = min((p[1], s["strategy"], p[0]) for s, pts in drawn for p in pts)
    caption = (f"p99 latency of {sgroup.workload} against {name} in an "
               f"open loop, per strategy; the lowest is {best[1]} at "
               f"{name}={labels.get(best[2], best[2])}" if open_loop else
               f"Median wall time of {sgroup.workload} against {name}"
               f"{f' at concurrency {concurrency}' if concurrency else ''}, "
               f"per strategy with 95 % intervals and the ideal; the fastest "
               f"point is {best[1]} at {name}="
               f"{labels.get(best[2], fmt_parameter(best[2], sgroup.unit))}")
    return Chart(chart_filename(sgroup, f"{safe_name(name)}-sweep"), title,
                 caption + ".", fig, sgroup.workload)


def map_cells(regime_map):
    """(x, y) -> cell of a map."""
    cells = {}
    for cell in regime_map.get("cells") or []:
        cell = obj(cell)
        x, y = cell.get("x"), cell.get("y")
        if isinstance(x, int) and isinstance(y, int):
            cells[(x, y)] = cell
    return cells


def map_label(cell):
    """The winner, "tie", or None (not compared)."""
    if cell is None or not isinstance(cell.get("runner_up"), str):
        return None
    return cell["winner"] if isinstance(cell.get("winner"), str) else "tie"


def chart_map(item, palette, prefix):
    """A regime map as a heatmap: each cell in its winner's colour with the
    winner's speed-up over the runner-up, pale and hatched where no strategy
    leads significantly (a tie), and a thick line where the winner changes
    between neighbouring cells (the crossover)."""
    regime_map = item.map
    xa, ya = obj(regime_map.get("x")), obj(regime_map.get("y"))
    xs = [str(v) for v in xa.get("values") or []]
    ys = [str(v) for v in ya.get("values") or []]
    if not xs or not ys:
        return None
    cells = map_cells(regime_map)
    title = (f"{item.workload}: which strategy wins, by "
             f"{xa.get('name')} and {ya.get('name')}")
    subtitle = "; ".join(p for p in [
        describe_params(regime_map.get("params")),
        "winner's speed-up over the runner-up in each cell; hatched: a tie "
        f"(no lead beyond {100 * (num(regime_map.get('threshold')) or 0):g} "
        f"% with Holm-adjusted Mann-Whitney p < "
        f"{num(regime_map.get('alpha')) or 0:g})"] if p)
    fig, ax = new_figure(title, subtitle, machine_caption(item.source),
                         prefix)
    ax.grid(False)
    winners = []
    any_tie = False
    for (x, y), cell in cells.items():
        label = map_label(cell)
        if label is None:
            continue
        speedup = num(cell.get("speedup"))
        ratio_text = f"{speedup:.2f}×" if speedup is not None else ""
        if label == "tie":
            any_tie = True
            leader = cell.get("leader")
            ax.add_patch(Rectangle(
                (x - 0.5, y - 0.5), 1, 1, facecolor=palette(leader),
                alpha=0.18, edgecolor="#999999", hatch="///",
                linewidth=0.5))
            text = f"tie\n({leader} {ratio_text})"
            colour = "#333333"
        else:
            if label not in winners:
                winners.append(label)
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1,
                                   facecolor=palette(label),
                                   edgecolor="white", linewidth=1.0))
            text = f"{label}\n{ratio_text}"
            colour = "white"
        ax.text(x, y, text, ha="center", va="center", fontsize=7.5,
                color=colour, fontweight="bold" if label != "tie" else None)
    # The crossover: between neighbours with different winners (solid), or
    # a winner beside a tie (dotted).
    crossed = False
    for (x, y), cell in cells.items():
        here = map_label(cell)
        for dx, dy in ((1, 0), (0, 1)):
            there = map_label(cells.get((x + dx, y + dy)))
            if here is None or there is None or here == there:
                continue
            style = "-" if "tie" not in (here, there) else ":"
            width = 3.0 if style == "-" else 1.4
            crossed = crossed or style == "-"
            if dx:
                ax.plot([x + 0.5, x + 0.5], [y - 0.5, y + 0.5], color="black",
                        linewidth=width, linestyle=style,
                        solid_capstyle="butt")
            else:
                ax.plot([x - 0.5, x + 0.5], [y + 0.5, y + 0.5], color="black",
                        linewidth=width, linestyle=style,
                        solid_capstyle="butt")
    ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.set_ylim(-0.5, len(ys) - 0.5)
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels(xs)
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels(ys)
    ax.set_xlabel(str(xa.get("name")))
    ax.set_ylabel(str(ya.get("name")))
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    handles = strategy_handles(winners, palette)
    if any_tie:
        handles.append(Patch(facecolor="#dddddd", edgecolor="#999999",
                             hatch="///", label="tie"))
    if crossed:
        handles.append(Line2D([], [], color="black", linewidth=3.0,
                              label="crossover"))
    outside_legend(ax, handles, title="winner")
    significant = sum(1 for c in cells.values()
                      if map_label(c) not in (None, "tie"))
    advice = regime_map.get("advice")
    caption = (f"Regime map of {item.workload} over {xa.get('name')} and "
               f"{ya.get('name')}: {significant} of {len(cells)} cells have "
               f"a significant winner"
               f"{'. ' + advice.rstrip('.') if isinstance(advice, str) and advice else ''}")
    return Chart(chart_filename(item, "map"), title, caption + ".", fig,
                 item.workload)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def configure_matplotlib():
    """Deterministic SVG with real text: output diffs and can be searched."""
    matplotlib.rcParams.update({
        "svg.hashsalt": "apbench-charts",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "path.simplify": True,
    })
    if "text.parse_math" in matplotlib.rcParams:  # matplotlib 3.6+
        # Names and parameters are the user's text: a "$" is not math.
        matplotlib.rcParams["text.parse_math"] = False


def save(chart, out_dir, png):
    """Write the SVG (and a PNG twin for a visual check when asked)."""
    path = os.path.join(out_dir, chart.filename)
    chart.fig.savefig(path, format="svg", metadata={"Date": None})
    if png:
        chart.fig.savefig(path[:-4] + ".png", format="png", dpi=110,
                          metadata={"Software": None})


def markdown(charts, sources, prefix):
    """charts.md: every chart under its workload, with a one-line caption."""
    lines = ["# apbench charts", ""]
    names = ", ".join(f"`{s.name}`" for s in sources)
    lines.append(f"Generated by `apbench-charts` from {names}; "
                 "docs/charts.md explains each chart.")
    lines.append("")
    for source in sources:
        lines.append(f"- {machine_caption(source)}.")
    lines.append("")
    if not charts:
        lines.append("The results hold no successful runs or series to "
                     "chart.")
        lines.append("")
    workloads = []
    for chart in charts:
        if chart.workload not in workloads:
            workloads.append(chart.workload)
    for workload in workloads:
        lines.append(f"## {workload}")
        lines.append("")
        for chart in charts:
            if chart.workload == workload:
                alt = f"{prefix} {chart.title}".strip()
                lines.append(f"![{alt}]({chart.filename})")
                lines.append("")
                lines.append(chart.caption)
                lines.append("")
    return "\n".join(lines)


def make_charts(sources, prefix, groups=None, sgroups=None, maps=None):
    """Every chart the inputs support, grouped by workload in input order;
    groups and sgroups: build_groups() and build_series_groups() of the
    sources when the caller has them already."""
    names = [obj(r).get("strategy") for s in sources for r in s.doc["runs"]]
    names += [obj(x).get("strategy") for s in sources
              for x in s.doc.get("series") or []]
    palette = Palette(n for n in names if isinstance(n, str))
    charts = []
    for group in groups if groups is not None else build_groups(sources):
        # One point of a sweep is drawn on its latency-throughput chart;
        # a chart per point would bury it.
        if any(obj(obj(r).get("load")).get("swept") is True
               for r in group.runs):
            continue
        for maker in (chart_wall, chart_speedup, chart_spectrum,
                      chart_stages):
            chart = maker(group, palette, prefix)
            if chart is not None:
                chart.item = group
                charts.append(chart)
    for sgroup in sgroups if sgroups is not None \
            else build_series_groups(sources):
        if sgroup.axis == "threads":
            chart = chart_scaling(sgroup, palette, prefix)
        elif sgroup.axis == "parameter":
            chart = chart_parameter(sgroup, palette, prefix)
        else:
            chart = chart_latency_throughput(sgroup, palette,
                                             sgroup.source.doc.get("slo"),
                                             prefix)
        if chart is not None:
            chart.item = sgroup
            charts.append(chart)
    for item in maps if maps is not None else build_map_items(sources):
        chart = chart_map(item, palette, prefix)
        if chart is not None:
            chart.item = item
            charts.append(chart)
    order = []
    for chart in charts:
        if chart.workload not in order:
            order.append(chart.workload)
    charts.sort(key=lambda c: order.index(c.workload))
    return charts


def page_sections(groups, sgroups, maps=()):
    """For the HTML page: per source, its run groups in the order their
    runs appear, a sweep's groups replaced by the one series group that
    shows them, where the sweep first appears."""
    series_of_run = {}
    for sgroup in sgroups:
        # A single point is an ordinary table, as on the console.
        if max(len(s.get("points") or []) for s in sgroup.series) < 2:
            continue
        for series in sgroup.series:
            for point in series.get("points") or []:
                index = obj(point).get("run_index")
                if isinstance(index, int):
                    series_of_run[(id(sgroup.source), index)] = sgroup
    by_source = {}
    for group in groups:
        by_source.setdefault(id(group.source), []).append(group)

    def sections_of(source):
        shown = set()
        mine = by_source.get(id(source), [])
        for group in sorted(mine, key=lambda g: min(
                source.index_of[id(r)] for r in g.runs)):
            runs = sorted(group.runs, key=lambda r: source.index_of[id(r)])
            sgroup = series_of_run.get((id(source),
                                        source.index_of[id(runs[0])]))
            if sgroup is not None:
                if id(sgroup) not in shown:
                    shown.add(id(sgroup))
                    yield ("curve", sgroup, sgroup)
                continue
            yield ("runs", runs, group)
        for item in maps:
            if item.source is source:
                yield ("map", item, item)
    return sections_of


def svg_text(chart):
    """A chart as SVG text, for inlining."""
    stream = io.StringIO()
    chart.fig.savefig(stream, format="svg", metadata={"Date": None})
    return stream.getvalue()


MATPLOTLIB_HINT = ("install the Debian package python3-matplotlib "
                   "(scripts/setup.sh does) or pip install matplotlib")


def write_html(path, sources, prefix, missing):
    """The one-page report; charts when matplotlib is there (missing is
    None), else every table and a line saying what is missing. Returns the
    charts drawn, for --out to save without drawing them again."""
    # pylint: disable=import-outside-toplevel
    import apbench_html
    groups, sgroups = build_groups(sources), build_series_groups(sources)
    maps = build_map_items(sources)
    charts = [] if missing else make_charts(sources, prefix, groups, sgroups,
                                            maps)
    by_item = {}
    for chart in charts:
        by_item.setdefault(id(chart.item), []).append(chart)
    notice = None
    if missing:
        notice = (f"Charts are left out: this Python cannot import "
                  f"matplotlib ({missing}); {MATPLOTLIB_HINT}, then run "
                  f"again. Every table is here.")
    text = apbench_html.page(sources, page_sections(groups, sgroups, maps),
                             by_item, svg_text, notice)
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    return charts


def parse_args(argv):
    """Command line; argparse exits 2 with its usage on bad arguments."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write SVG charts and a Markdown page (charts.md) from "
                    "apbench results JSON (apbench --json FILE).")
    parser.add_argument("results", nargs="+", metavar="RESULTS.json",
                        help="apbench results files (schema "
                             f"{SCHEMA}); each file's runs are charted "
                             "with its own machine caption; - reads one "
                             "from standard input")
    parser.add_argument("--out", metavar="DIR",
                        help="folder for the SVG files and charts.md "
                             "(created if missing)")
    parser.add_argument("--html", metavar="FILE",
                        help="write one self-contained HTML page: context, "
                             "every table, diagnoses, advice, summary and "
                             "the charts inline (- for stdout); without "
                             "matplotlib, the page without charts")
    parser.add_argument("--title-prefix", default="", metavar="TEXT",
                        help="text put before every chart title, e.g. a "
                             "machine name")
    parser.add_argument("--png", action="store_true",
                        help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true",
                        help="no \"wrote ...\" lines")
    args = parser.parse_args(argv)
    if not args.out and not args.html:
        parser.error("give --out DIR (SVG charts), --html FILE (a page), "
                     "or both")
    return args


def main(argv=None):
    """Read every input first: a bad file fails before anything is written."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sources = []
    try:
        for path in args.results:
            sources.append(Source(path, load_results(path)))
    except InputError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    missing = load_matplotlib()
    if missing and args.out:
        print(f"{PROG}: no matplotlib ({missing}): {MATPLOTLIB_HINT}",
              file=sys.stderr)
        return 2
    if not missing:
        configure_matplotlib()
    charts = None
    if args.html:
        try:
            charts = write_html(args.html, sources, args.title_prefix,
                                missing)
        except OSError as err:
            print(f"{PROG}: {err.filename or args.html}: "
                  f"{err.strerror or err}", file=sys.stderr)
            return 1
        if args.html != "-" and not args.quiet:
            print(f"{PROG}: wrote {args.html}"
                  f"{' without charts (no matplotlib)' if missing else ''}")
    if not args.out:
        return 0
    if charts is None:
        charts = make_charts(sources, args.title_prefix)
    try:
        os.makedirs(args.out, exist_ok=True)
        for chart in charts:
            save(chart, args.out, args.png)
        with open(os.path.join(args.out, "charts.md"), "w",
                  encoding="utf-8") as stream:
            stream.write(markdown(charts, sources, args.title_prefix))
    except OSError as err:
        where = err.filename or args.out
        print(f"{PROG}: {where}: {err.strerror or err}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{PROG}: wrote {len(charts)} "
              f"chart{'s' if len(charts) != 1 else ''} and charts.md to "
              f"{args.out}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader is gone (apbench killed while the page was drawn):
        # nothing to say, nobody to say it to.
        os._exit(1)  # pylint: disable=protected-access
