"""A regime map: two swept axes as a heatmap of winners."""

from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from .inputs import num, obj
from .style import Chart, new_figure, outside_legend, strategy_handles
from .text import chart_filename, describe_params, machine_caption


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
