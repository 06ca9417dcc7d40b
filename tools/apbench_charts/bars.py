"""Per-group bar charts: median wall time and speed-up per strategy."""

from matplotlib.lines import Line2D

from .inputs import is_baseline, load_mode, num, obj
from .style import (
    Chart, LOG_RATIO, mark_missing, new_figure, outside_legend,
    plain_log_axis, reference_lines, strategy_axis, strategy_handles,
    value_label)
from .text import (
    chart_filename, describe_group, fmt_time, machine_caption, time_unit)


def wall_value(run, key):
    """A statistic of wall_s, or None."""
    return num(obj(run.get("wall_s")).get(key))


ERROR_RATE_LIMIT = 0.01  # apb::kErrorRateLimit


def goodput_wall(run):
    """apb::goodput_wall_s: the median over repetitions of wall time x
    finished ops / successful ops (the wall time when none failed), so a
    run that fails fast is not the fastest."""
    wall = num(obj(run.get("wall_s")).get("median")) or 0.0
    if not run.get("errors"):
        return wall
    samples = []
    for rep in run.get("repetition_samples") or []:
        rep = obj(rep)
        ok, errors = rep.get("ops_ok") or 0, rep.get("errors") or 0
        if not errors:
            samples.append(num(rep.get("wall_s")) or 0.0)
        elif ok:
            samples.append((num(rep.get("wall_s")) or 0.0) * (ok + errors)
                           / ok)
    if not samples:
        return 0.0
    samples.sort()
    mid = len(samples) // 2
    return samples[mid] if len(samples) % 2 else \
        (samples[mid - 1] + samples[mid]) / 2


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

    # By goodput, as apbench ranks (goodput_wall).
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
