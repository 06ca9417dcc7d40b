"""A parameter sweep: wall time per value of the swept parameter."""

from matplotlib.lines import Line2D

from .inputs import num, obj
from .style import Chart, LOG_RATIO, new_figure, outside_legend, plain_log_axis
from .text import (
    chart_filename, describe_load, describe_params, fmt_parameter,
    machine_caption, safe_name, time_unit)


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
