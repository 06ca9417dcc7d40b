"""Colours, sizes and the figure scaffolding every chart kind shares."""

import math
import re
import textwrap

import matplotlib
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .text import fmt_number

# Legend(alignment=...) is matplotlib 3.6+ (Debian 12 has 3.6.3).
HAS_LEGEND_ALIGNMENT = tuple(
    int(p) for p in re.findall(r"\d+", matplotlib.__version__)[:2]) >= (3, 6)


# Strategies are coloured by their position in the results (first appearance
# over all inputs), so one invocation colours a strategy the same on every
# chart; apbench writes runs in its strategies' order (by execution model,
# baseline first), so the built-ins keep their colours from file to file.
STRATEGY_PALETTE = [
    "#7f7f7f", "#1f77b4", "#17becf", "#ff7f0e", "#2ca02c", "#d62728",
    "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#ad494a",
    "#637939", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354",
]


# Hatches tell the stages of a pipeline apart inside a strategy's colour.
# Line hatches first: dot and circle hatches are drawn as thousands of tiny
# paths in SVG (about 150 KB per bar), which a page with inline charts feels.
STAGE_HATCHES = ["", "///", "xxx", "\\\\\\", "|||", "+++", "---", "..."]


FIG_SIZE = (9.0, 5.0)


SUBTITLE_WIDTH = 100  # characters of 9 pt text that fit over the plot


LOG_RATIO = 20.0  # wall-time bars switch to a log axis above this max/min


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


class Chart:
    """A finished figure with the file name and caption it is published as."""

    def __init__(self, filename, title, caption, fig, workload):
        self.filename = filename
        self.title = title
        self.caption = caption
        self.fig = fig
        self.workload = workload
        self.item = None  # the Group, SeriesGroup or MapItem it shows
        self.svg = None  # its SVG text, once drawn (output.svg_text)


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
