"""Thread scaling: speed-up against the fewest threads, with the ideal."""

from matplotlib import ticker
from matplotlib.lines import Line2D

from .inputs import num, obj
from .style import Chart, new_figure, outside_legend
from .text import chart_filename, describe_params, fmt_number, machine_caption


def run_host(source, point):
    """The host of a point's run (runs[].host, set by apbench merge --by
    host), or None."""
    runs = source.doc.get("runs") or []
    index = point.get("run_index")
    if isinstance(index, int) and 0 <= index < len(runs):
        host = obj(runs[index]).get("host")
        return host if isinstance(host, str) and host else None
    return None


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
                points.append((t, sp, num(p.get("ideal_speedup")),
                               run_host(sgroup.source, p)))
        if points:
            drawn.append((series, sorted(points, key=lambda p: p[:2])))
    if not drawn:
        return None
    # apbench merge --by host: each thread count is another machine's.
    hosts = {p[0]: p[3] for _, pts in drawn for p in pts if p[3]}
    title = f"{sgroup.workload}: speed-up against threads"
    subtitle = "; ".join(p for p in [
        describe_params(sgroup.params),
        "strong scaling: the same work at each thread count" +
        (", each on its own host (apbench merge --by host)" if hosts
         else "")] if p)
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
    if hosts:  # each host's own cores: the points' ideal (the largest)
        known = {}
        for _, pts in drawn:
            for p in pts:
                if p[2] is not None:
                    known[p[0]] = max(known.get(p[0], 0.0), p[2])
        if len(known) == len(xs):
            ideal = sorted(known.items())
    style = {"color": "black", "linestyle": "--", "linewidth": 1.1}
    ax.plot([p[0] for p in ideal], [p[1] for p in ideal], **style)
    handles.append(Line2D([], [], label="ideal (threads, up to the cores"
                          + (" of each host)" if hosts else ")"), **style))
    handles.append(Line2D([], [], color="#444444", linewidth=1.0,
                          linestyle=":", label="Amdahl fit"))
    top = max([p[1] for _, pts in drawn for p in pts] +
              [p[1] for p in ideal] + [1.0])
    ax.set_ylim(0.0, top * 1.15)
    ax.set_xticks(xs)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(
        lambda v, _pos: fmt_number(v) + (f"\n{hosts[v]}" if v in hosts
                                         else "")))
    ax.set_xlabel("threads (--threads)" + (", host" if hosts else ""))
    ax.set_ylabel(f"speed-up vs {fmt_number(base)} thread"
                  f"{'' if base == 1 else 's'} (×)")
    outside_legend(ax, handles, title="strategy")
    best = max((p[1], s["strategy"], p[0]) for s, pts in drawn for p in pts)
    where = f" on {cores} cores" if cores else ""
    if hosts:
        where = f" (host {hosts.get(best[2], '?')})"
    across = (" across hosts " + ", ".join(dict.fromkeys(hosts.values()))
              if hosts else "")
    caption = (f"Strong scaling of {sgroup.workload}{across}: {best[1]} "
               f"reaches {best[0]:.2f}x at {fmt_number(best[2])} "
               f"threads{where}, against the ideal "
               f"and each strategy's fitted Amdahl curve")
    return Chart(chart_filename(sgroup, "scaling"), title, caption + ".",
                 fig, sgroup.workload)
