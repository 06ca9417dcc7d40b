"""The latency percentile spectrum of a group's runs."""

import math

from matplotlib import ticker
from matplotlib.lines import Line2D

from .inputs import num, obj
from .style import Chart, new_figure, outside_legend, plain_log_axis
from .text import chart_filename, describe_group, machine_caption


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
