"""Fork-join per-task cost: what each forked task added, per strategy."""

from matplotlib import ticker
from matplotlib.lines import Line2D

from .inputs import num, obj, strategy_sort_key, traits
from .style import (
    Chart, LOG_RATIO, mark_missing, new_figure, outside_legend,
    plain_log_axis, strategy_axis, strategy_handles, value_label)
from .text import (
    chart_filename, describe_load, describe_params, fmt_short_time,
    machine_caption, short_time_unit)


BAR_SPAN = 0.8  # of a group's width, shared by its strategies' bars
OFF_SCALE = 20.0  # serial work per task above this x the bars: not drawn


def repetition_overheads(run):
    """overhead_per_task_s of each repetition (apbench's formula with that
    repetition's wall time in place of the median): the spread the bar's
    error bar shows. Empty when the run lacks what it needs."""
    cost = obj(run.get("fork_join"))
    tasks, serial = num(cost.get("tasks_per_op")), num(cost.get("serial_s"))
    threads, ops = num(cost.get("threads")), num(obj(run.get("load")).get(
        "ops"))
    if not tasks or serial is None or not threads or not ops:
        return []
    walls = [num(obj(r).get("wall_s"))
             for r in run.get("repetition_samples") or []]
    return [(w * threads - ops * serial) / (ops * tasks)
            for w in walls if w is not None]


def overhead(run):
    """The run's overhead per task (s), or None (not ok, null, missing)."""
    if run.get("status") != "ok":
        return None
    return num(obj(run.get("fork_join")).get("overhead_per_task_s"))


def serial_per_task(runs):
    """serial_s / tasks_per_op of a group: the useful work per task, which
    the overhead must stay well under for the grain to pay."""
    for run in runs:
        cost = obj(run.get("fork_join"))
        serial = num(cost.get("serial_s"))
        tasks = num(cost.get("tasks_per_op"))
        if serial is not None and tasks:
            return serial / tasks
    return None


def ordered_strategies(item):
    """The strategies of every group, as apbench lists them."""
    first = {}
    for _, runs in item.groups:
        for run in runs:
            first.setdefault(run["strategy"], (len(first), run))
    return sorted(first, key=lambda n: strategy_sort_key(
        traits(first[n][1]).get("model"), first[n][0]))


def chart_task_cost(item, palette, prefix):
    """Overhead per forked task per strategy; a group of bars per point of
    a one-axis sweep (grain, threads). Bars are from the median wall time
    (apbench's figure), error bars span the lowest and highest repetition;
    a dashed line over each group is the serial work per task."""
    names = ordered_strategies(item)
    cells = []  # (x, run, value, low, high) for every strategy of a group
    one = len(item.groups) == 1
    width = BAR_SPAN / len(names) if not one else 0.7
    for g, (_, runs) in enumerate(item.groups):
        by_name = {r["strategy"]: r for r in runs}
        for s, name in enumerate(names):
            run = by_name.get(name)
            x = s if one else g - BAR_SPAN / 2 + width * (s + 0.5)
            value = overhead(run) if run else None
            spread = repetition_overheads(run) if value is not None else []
            cells.append((x, run, value,
                          min(spread + [value]) if spread else value,
                          max(spread + [value]) if spread else value))
    values = [c[2] for c in cells if c[2] is not None]
    if not values:
        return None
    extent = [abs(v) for c in cells if c[2] is not None for v in c[2:]]
    # Serial work per task far above every bar would flatten them: it is
    # then named in the legend instead of drawn.
    references = [serial_per_task(runs) for _, runs in item.groups]
    off_scale = [r for r in references
                 if r is not None and r > OFF_SCALE * max(extent)]
    references = [None if r in off_scale else r for r in references]
    unit, scale = short_time_unit(max(extent) or 1e-9)
    lows = [c[3] for c in cells if c[2] is not None]
    log = min(lows) > 0 and max(extent) / min(lows) > LOG_RATIO

    axis_name = "" if one else item.groups[0][0].split("=")[0]
    title = f"{item.workload}: overhead per forked task"
    reps = next((r.get("repetitions") for _, runs in item.groups
                 for r in runs if r.get("status") == "ok"), None)
    subtitle = "; ".join(p for p in [
        describe_params(item.params),
        describe_load(item.load, reps) if item.load.get("ops") else "",
        "(wall x threads - ops x serial) / (ops x tasks)"] if p)
    fig, ax = new_figure(title, subtitle, machine_caption(item.source),
                         prefix)
    if log:
        ax.set_yscale("log")
        plain_log_axis(ax.yaxis)
    else:
        ax.axhline(0.0, color="#444444", linewidth=0.8)
    for number, (x, run, value, low, high) in enumerate(cells):
        if value is None:
            continue
        group = number // len(names) + 1
        ax.bar(x, value * scale, width=width * 0.92,
               color=palette(run["strategy"]),
               gid=f"task-cost-{group}-{run['strategy']}",  # for tests
               yerr=[[max(0.0, (value - low) * scale)],
                     [max(0.0, (high - value) * scale)]],
               error_kw={"ecolor": "#222222", "capsize": 3,
                         "elinewidth": 1})
        value_label(ax, x, max(high, value) * scale, fmt_short_time(value))
    if one:
        runs = [c[1] or {} for c in cells]
        mark_missing(ax, runs, [c[2] for c in cells])
        strategy_axis(ax, names)
        ax.set_xlabel("strategy")
    else:
        ax.set_xticks(range(len(item.groups)))
        ax.set_xticklabels([label for label, _ in item.groups], fontsize=9)
        ax.set_xlim(-0.6, len(item.groups) - 0.4)
        ax.set_xlabel(axis_name if "=" in item.groups[0][0] else "threads")
        where = ax.get_xaxis_transform()
        for x, run, value, _, _ in cells:
            if value is None and run is not None:
                ax.text(x, 0.03, "n/a", transform=where, ha="center",
                        fontsize=7.5, color="#666666", style="italic")
    ax.set_ylabel(f"overhead per task ({unit}"
                  f"{', log scale' if log else ''})")
    style = {"color": "black", "linestyle": "--", "linewidth": 1.1}
    for g, reference in enumerate(references):
        if reference is not None and (reference > 0 or not log):
            left, right = (-0.45, len(names) - 0.55) if one else \
                (g - BAR_SPAN / 2, g + BAR_SPAN / 2)
            ax.hlines(reference * scale, left, right, **style)
    top = max([c[4] for c in cells if c[2] is not None] +
              [r for r in references if r is not None]) * scale
    bottom = min([c[3] for c in cells if c[2] is not None] + [0.0]) * scale
    if log:
        floor = min(lows + [r for r in references if r and r > 0])
        ax.set_ylim(floor * scale / 3.0, top * 2.5)
        if top * 2.5 / (floor * scale / 3.0) > 1e4:  # 1-2-5 would crowd
            ax.yaxis.set_major_locator(ticker.LogLocator(base=10,
                                                         subs=(1.0,)))
    else:
        ax.set_ylim(bottom * 1.15 if bottom < 0 else 0.0, top * 1.2)
    handles = strategy_handles(
        [n for n in names if any(c[1] and c[1]["strategy"] == n
                                 and c[2] is not None for c in cells)],
        palette)
    if any(r is not None for r in references):
        handles.append(Line2D([], [], label="serial work per task", **style))
    if off_scale:
        values = ", ".join(fmt_short_time(r) for r in dict.fromkeys(off_scale))
        handles.append(Line2D(
            [], [], label=f"serial work per task: {values}\n(off the scale)",
            **{**style, "linestyle": "none"}))
    handles.append(Line2D([], [], color="#222222", marker="_",
                          markersize=10, linewidth=1,
                          label="lowest-highest repetition"))
    outside_legend(ax, handles, title="strategy")
    if any(r is not None for r in references):
        reference = "dashed the serial work per task"
    elif off_scale:
        reference = ("the serial work per task, " + ", ".join(
            fmt_short_time(r) for r in dict.fromkeys(off_scale)) +
            ", is off the scale")
    else:
        reference = ""
    return Chart(chart_filename(item, "task-cost"), title,
                 task_cost_caption(item, cells, names, one, reference), fig,
                 item.workload)


def task_cost_caption(item, cells, names, one, reference):
    """What the chart shows, and each group's cheapest strategy."""
    per_group = len(names)
    cheapest = []
    for g, (label, _) in enumerate(item.groups):
        known = [c for c in cells[g * per_group:(g + 1) * per_group]
                 if c[2] is not None]
        if known:
            best = min(known, key=lambda c: c[2])
            adds = "adds least" if best[2] > 0 else \
                "adds nothing measurable"  # negative: within the noise
            cheapest.append(f"{'' if one else f'at {label} '}"
                            f"{best[1]['strategy']} {adds} "
                            f"({fmt_short_time(best[2])})")
    groups = "" if one else \
        " at " + " and ".join(label for label, _ in item.groups)
    return (f"What each forked task of {item.workload} added to the wall "
            f"time (spawning, joining, idle threads) per strategy{groups}: "
            f"bars from the median wall time, error bars the lowest and "
            f"highest repetition{', ' + reference if reference else ''}; "
            + "; ".join(cheapest) + ".")
