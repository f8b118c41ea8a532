"""The look of every chart: size, type, colours, marker shapes and legend entries.

Every comparison outcome is drawn by colour AND shape (:data:`dana.vocabulary.
COMPARISON_MARKERS`), so the charts read the same in greyscale and for colour-blind
readers; every legend entry says the outcome in words.

One picture serves every format: it is drawn :data:`WIDTH_IN` wide with
:data:`FONT_PT` type, printed at that size in the Word and PDF reports (text width 6.69
inches) and scaled up on slides, where the same type reads at 10-14 points.

The legend entries load matplotlib when first made, so a renderer reading the sizes
(:data:`WIDTH_IN`) loads no plotting library.
"""

from __future__ import annotations

from dana.render.style import (
    MUTED,
    SERIES_PALETTE,
    TEXT,
    comparison_colour,
    comparison_label,
    comparison_text,
)
from dana.vocabulary import BORDER_COLOUR, COMPARISON_MARKERS, NOT_COMPARED

WIDTH_IN = 6.5
#: The full chart width in points.
FULL_PT = WIDTH_IN * 72
#: The confidence band: a pale tint of the series blue (trends and small multiples).
BAND_COLOUR = "#C6DBEF"
#: Gaps between the panels of a small-multiple chart, in points.
PANEL_COLUMN_GAP = 16.0
PANEL_ROW_GAP = 12.0
DPI = 150  # 975 pixels across: sharp in print at 6.5 inches and on a projector
FONT = "DejaVu Sans"  # ships with matplotlib and has the ▲▼●△▽○ glyphs
FONT_KEY = "sans"  # the same face in dana.render.measure
FONT_PT = 9.0
BOLD_PT = 9.0
LINE_PT = FONT_PT * 1.3  # one line of chart text with its leading
RANGE_GREY = "#DDDDDD"
IQR_GREY = "#9A9A9A"
GRID_GREY = "#EEEEEE"
OTHER_AREA_FILL = "#B1B4B6"
SUBJECT_FILL = SERIES_PALETTE[1]
SEX_COLOURS = {"Male": SERIES_PALETTE[0], "Female": SERIES_PALETTE[1]}

RC_PARAMS = {
    "font.family": FONT,
    "font.size": FONT_PT,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.8,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "text.color": TEXT,
    "text.parse_math": False,  # a "$" in an area name is text, not mathtext
    "svg.fonttype": "none",  # SVG keeps text as text: searchable, selectable, small
    "svg.hashsalt": "dana",  # stable ids, so the same chart gives the same SVG
    "path.simplify": True,
    "text.hinting": "no_hinting",  # a fifth less drawing time; at 150 dpi it looks the same
}


def marker_style(comparison: str, confidence: float = 0.95) -> dict:
    """scatter() keywords for an outcome: filled shapes for a judgement, hollow for a
    polarity-free difference, a black outline on every fill."""
    shape, filled = COMPARISON_MARKERS[comparison]
    colour = comparison_colour(comparison, confidence)
    if comparison == NOT_COMPARED:
        colour = BORDER_COLOUR
    if filled:
        return {"marker": shape, "facecolor": colour, "edgecolor": BORDER_COLOUR, "linewidths": 0.8}
    return {"marker": shape, "facecolor": "white", "edgecolor": colour, "linewidths": 1.6}


def present_outcomes(categories) -> list[str]:
    """The outcomes among ``categories``, in the vocabulary's order."""
    found = {c for c in categories if isinstance(c, str)}
    return [c for c in COMPARISON_MARKERS if c in found]


def outcome_marker_handles(categories) -> list:
    """Legend entries for outcome markers: the shape and colour, and the word."""
    from matplotlib.lines import Line2D  # deferred: see the module docstring

    handles = []
    for c in present_outcomes(categories):
        kw = marker_style(c)
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=kw["marker"],
                markersize=8,
                markerfacecolor=kw["facecolor"],
                markeredgecolor=kw["edgecolor"],
                markeredgewidth=kw["linewidths"],
                label=comparison_label(c),
            )
        )
    return handles


def outcome_fill_handles(categories) -> list:
    """Legend entries for outcome-coloured bars: the swatch and ``"▼ Worse"``."""
    from matplotlib.patches import Patch  # deferred: see the module docstring

    return [
        Patch(facecolor=comparison_colour(c), edgecolor=BORDER_COLOUR, label=comparison_text(c))
        for c in present_outcomes(categories)
    ]


def line_handle(label: str, *, colour: str = TEXT, style: str = "-", width: float = 1.5):
    from matplotlib.lines import Line2D  # deferred: see the module docstring

    return Line2D([], [], color=colour, linestyle=style, linewidth=width, label=label)


def patch_handle(label: str, colour: str):
    from matplotlib.patches import Patch  # deferred: see the module docstring

    return Patch(facecolor=colour, label=label)


def style_axes(ax, *, grid_axis: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=FONT_PT, length=3)
    if grid_axis:
        ax.grid(axis=grid_axis, color=GRID_GREY, linewidth=0.8)
    ax.set_axisbelow(True)


#: matplotlib's gap between an axis and its tick labels (``ytick.major.pad``), in points
LABEL_PAD_PT = 3.5


def row_labels(ax, positions, labels, *, bold=()) -> None:
    """Label the rows of a horizontal bar or spine chart at ``positions`` (data y) as
    plain text left of the axes, where ``set_yticks(positions, labels)`` with ticks of
    length 0 puts them. Without matplotlib's tick objects (five artists made per label,
    most never drawn): about 6% less drawing for the bar and spine charts. ``bold`` names the
    positions (indices) whose label is bold."""
    from matplotlib.transforms import offset_copy  # deferred: see the module docstring

    ax.set_yticks([])
    place = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, x=-LABEL_PAD_PT, units="points")
    heavy = set(bold)
    for i, (y, label) in enumerate(zip(positions, labels, strict=True)):
        ax.text(
            0, y, label, transform=place, ha="right", va="center_baseline", color=TEXT,
            fontsize=FONT_PT, fontweight="bold" if i in heavy else "normal", clip_on=False,
        )  # fmt: skip
