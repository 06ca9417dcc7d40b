"""Where a pipeline op's time goes: working and waiting per stage."""

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .inputs import num, obj
from .style import (
    Chart, STAGE_HATCHES, new_figure, outside_legend, strategy_handles)
from .text import chart_filename, describe_group, machine_caption, time_unit


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
