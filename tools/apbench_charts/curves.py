"""Latency against throughput along a sweep, with knees and the SLO."""

from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.path import Path

from .inputs import num, obj
from .style import Chart, new_figure, outside_legend, plain_log_axis
from .text import (
    chart_filename, describe_params, fmt_ms, fmt_number, fmt_rate,
    machine_caption)


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
