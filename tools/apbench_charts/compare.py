"""A comparison (apbench compare --json, schema apbench.compare/1) as a
forest plot: one row per matched run, its ratio new / base with the 95 %
interval on a log axis, the threshold band, and the verdict."""

import os

from matplotlib import ticker, transforms
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .inputs import num, obj
from .style import Chart, new_figure
from .text import describe_params, fmt_rate


# Verdict -> (colour, label in the right-hand column). Significant changes
# stand out; what the test could not call a change is grey.
VERDICTS = {
    "slower": ("#d62728", "slower"),
    "more errors": ("#8c1c13", "more errors"),
    "faster": ("#2ca02c", "faster"),
    "no change": ("#8c8c8c", "no change"),
    "too few repetitions": ("#b0b0b0", "too few repetitions"),
    "not measured": ("#b0b0b0", "not measured"),
}
GREY = "#8c8c8c"
ROW_INCHES = 0.34  # height of one row
BASE_INCHES = 2.6  # title, subtitle, axis label, legend and caption


class ComparisonItem:
    """One comparison of a compare file (base against one new file)."""

    def __init__(self, source, comparison, index):
        self.source = source
        self.comparison = comparison
        self.index = index  # its position in the file's comparisons
        self.workload = "compare"  # charts.md's heading; file names
        self.number = 1


def describe_compare_load(load):
    """The load of a compared run, as short as it reads."""
    load = obj(load)
    if load.get("mode") == "open":
        rate = num(load.get("rate_ops_s"))
        text = f"open loop at {fmt_rate(rate)}" if rate else "open loop"
    else:
        ops, conc = load.get("ops"), load.get("concurrency")
        text = f"{ops} ops" if isinstance(ops, int) else "closed loop"
        if isinstance(conc, int):
            text += f", {conc} in flight"
    threads = load.get("threads")
    if isinstance(threads, int):
        text += f", {threads} thread{'' if threads == 1 else 's'}"
    return text


def row_labels(rows, ignored):
    """"workload / strategy / point" per row; the point names only what
    tells the rows of one workload apart (parameters, then the load)."""
    labels = []
    for row in rows:
        same = [r for r in rows if r.get("workload") == row.get("workload")]
        params = {k: v for k, v in obj(row.get("params")).items()
                  if k not in ignored and len(
                      {str(obj(r.get("params")).get(k)) for r in same}) > 1}
        point = [describe_params(params)]
        if len({repr(sorted(obj(r.get("load")).items())) for r in same}) > 1:
            point.append(describe_compare_load(row.get("load")))
        point = "; ".join(p for p in point if p)
        labels.append(" / ".join(p for p in [row.get("workload"),
                                             row.get("strategy"), point] if p))
    return labels


def ratio_ticks(low, high):
    """Tick values for a log axis from low to high: 1-2-5 over decades,
    evenly spaced numbers over a narrow range (a few percent each way)."""
    if high / low >= 4:
        return ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)).tick_values(
            low, high)
    return ticker.MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]).tick_values(
        low, high)


def comparison_caption(item, rows, threshold):
    """What was compared, how it was judged, and what was found."""
    comparison, options = item.comparison, obj(item.source.doc.get("options"))
    counts = {}
    for row in rows:
        counts[row.get("verdict")] = counts.get(row.get("verdict"), 0) + 1
    found = ", ".join(f"{n} {v}" for v, n in counts.items())
    adjust = ("Holm-adjusted" if options.get("p_adjust", "holm") == "holm"
              else "unadjusted")
    alpha = num(options.get("alpha")) or 0.05
    metric = "time" if all(r.get("metric") == "wall_s" for r in rows) \
        else "time (open loop: of the throughput, inverted)"
    text = (f"Ratio new / base of each run's median {metric}"
            f" when apbench compare tests {comparison.get('new')} against "
            f"{comparison.get('base')}, with its 95 % interval; shaded: "
            f"within the ±{threshold * 100:g} % threshold; a verdict needs "
            f"{adjust} p < {alpha:g} and a ratio beyond the band: {found}")
    ignored = options.get("ignore_params") or []
    if ignored:
        text += f"; parameters left out of the match: {', '.join(ignored)}"
    series = comparison.get("series") or []
    if series:
        text += (f"; {len(series)} sweep{'s' if len(series) != 1 else ''} "
                 "compared by knee, not drawn")
    for side in ("only_in_base", "only_in_new"):
        if comparison.get(side):
            count = len(comparison[side])
            text += (f"; {count} run{'s' if count != 1 else ''} only in "
                     f"{comparison.get(side[8:])}")
    return text + "."


def files_caption(item):
    """The bottom line: the files and what differs between their machines."""
    comparison = item.comparison
    parts = [f"Compared: {comparison.get('base')} (base) and "
             f"{comparison.get('new')} (new)"]
    if item.source.name:
        parts[0] += f", from {item.source.name}"
    diffs = [f"{obj(d).get('field')} {obj(d).get('base')} vs "
             f"{obj(d).get('new')}"
             for d in comparison.get("context_differences") or []]
    if diffs:
        parts.append("machines differ: " + ", ".join(diffs))
    unfit = comparison.get("unfit") or []
    if unfit:
        parts.append("not fit for timing: " + ", ".join(
            str(u).split(":")[0] for u in unfit))
    return "; ".join(parts)


def chart_forest(item, prefix):
    """The forest plot of one comparison; None when it matched no run."""
    rows = [obj(r) for r in item.comparison.get("runs") or []]
    if not rows:
        return None
    options = obj(item.source.doc.get("options"))
    threshold = num(options.get("threshold"))
    threshold = 0.05 if threshold is None else threshold
    labels = row_labels(rows, options.get("ignore_params") or [])
    base = os.path.basename(str(item.comparison.get("base")))
    new = os.path.basename(str(item.comparison.get("new")))
    title = f"compare: {new} against {base}"
    subtitle = (f"new / base of the median time per run (above 1: slower), "
                f"95 % interval; {len(rows)} run"
                f"{'s' if len(rows) != 1 else ''} matched")
    fig, ax = new_figure(title, subtitle, files_caption(item), prefix)
    fig.set_size_inches(9.0, BASE_INCHES + ROW_INCHES * len(rows))
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_xscale("log")
    band = (1.0 / (1.0 + threshold), 1.0 + threshold)
    ax.axvspan(*band, color="#e8e8e8", zorder=0, linewidth=0,
               gid="threshold-band")
    ax.axvline(1.0, color="#444444", linewidth=1.0, zorder=1)
    extent = list(band) + [1.0]
    verdict_texts = []
    for y, row in enumerate(rows):
        verdict = str(row.get("verdict"))
        colour = VERDICTS.get(verdict, (GREY, verdict))[0]
        ratio = num(row.get("ratio"))
        if ratio is None or ratio <= 0:
            verdict_texts.append((VERDICTS.get(verdict, (GREY, verdict))[1],
                                  colour))
            continue
        low = num(row.get("ci95_low")) or ratio
        high = num(row.get("ci95_high")) or ratio
        low, high = min(low, ratio), max(high, ratio)
        extent += [low, high]
        hollow = verdict == "too few repetitions"
        marks = ax.errorbar(
            ratio, y, xerr=[[ratio - low], [high - ratio]], fmt="o",
            color=colour, ecolor=colour, elinewidth=1.6, capsize=3,
            markersize=6, markerfacecolor="white" if hollow else colour,
            zorder=3)
        # A stable id per row, with its verdict, for tests and styling.
        marks[0].set_gid(f"forest-row-{y + 1}-{verdict.replace(' ', '-')}")
        verdict_texts.append(
            (f"{ratio:.3f}x {VERDICTS.get(verdict, (GREY, verdict))[1]}",
             colour))
    low, high = min(extent), max(extent)
    pad = (high / low) ** 0.08
    ax.set_xlim(low / pad, high * pad)
    ax.xaxis.set_major_locator(ticker.FixedLocator(
        [t for t in ratio_ticks(low / pad, high * pad) if t > 0]))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(
        lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first row on top
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=8.5)
    right = ax.twinx()  # the verdicts, beside their rows
    right.set_ylim(ax.get_ylim())
    right.set_yticks(range(len(rows)))
    right.set_yticklabels([t for t, _ in verdict_texts], fontsize=8.5)
    for tick, (_, colour) in zip(right.get_yticklabels(), verdict_texts):
        tick.set_color(colour)
        if colour not in (GREY, VERDICTS["too few repetitions"][0]):
            tick.set_fontweight("bold")
    right.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        right.spines[side].set_visible(False)
    ax.set_xlabel("new / base (log scale; above 1: slower)")
    handles = [
        Line2D([], [], color="#444444", linewidth=1.0,
               label="1 = no difference"),
        Patch(facecolor="#e8e8e8", edgecolor="none",
              label=f"±{threshold * 100:g} % threshold"),
        Line2D([], [], color=VERDICTS["slower"][0], marker="o",
               label="slower (significant)"),
        Line2D([], [], color=VERDICTS["faster"][0], marker="o",
               label="faster (significant)"),
        Line2D([], [], color=GREY, marker="o", label="no change"),
    ]
    below = transforms.offset_copy(ax.transAxes, fig=fig, y=-34,
                                   units="points")
    legend = ax.legend(handles=handles, loc="upper center",
                       bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                       ncol=len(handles), fontsize=8, frameon=False,
                       handlelength=1.6, columnspacing=1.2)
    legend.set_gid("legend")
    suffix = f"-{item.number}" if item.number > 1 else ""
    return Chart(f"compare-forest{suffix}.svg", title,
                 comparison_caption(item, rows, threshold), fig,
                 item.workload)


def chart_forests(sources, prefix):
    """A forest plot per comparison of every compare file, numbered in
    input order (compare-forest.svg, compare-forest-2.svg, ...)."""
    charts = []
    number = 0
    for source in sources:
        for index, comparison in enumerate(source.doc.get("comparisons")):
            item = ComparisonItem(source, obj(comparison), index)
            number += 1
            item.number = number
            chart = chart_forest(item, prefix)
            if chart is not None:
                chart.item = item
                charts.append(chart)
    return charts
