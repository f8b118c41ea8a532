"""Chart geometry computed, not searched for: margins from measured text, a legend that
wraps to the width, and the figure that holds them.

matplotlib's constrained and tight layouts find margins by drawing a chart repeatedly;
for DANA's five chart kinds the text is known before drawing (tick labels, area names,
legend labels), so margins are measured once with :mod:`dana.render.measure` and the
axes placed exactly. All lengths here are points (1/72 inch) unless named ``_in``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from dana.render import measure
from dana.render.chart_style import DPI, FONT_KEY, FONT_PT, LABEL_PAD_PT, LINE_PT, WIDTH_IN

PAD = 6.0  # space between a label and what it labels
EDGE = 8.0  # blank margin at the picture's edge
TICK = 3.0 + LABEL_PAD_PT  # tick length plus matplotlib's tick-label pad
# Legend metrics in units of the font size (matplotlib's defaults, set explicitly below).
_HANDLE_EM, _HANDLE_PAD_EM, _COLUMN_GAP_EM, _ROW_EM = 1.8, 0.5, 1.4, 1.65


def width_of(texts, *, bold: bool = False, size: float = FONT_PT) -> float:
    """Widest of ``texts`` in points (0 for none)."""
    font = FONT_KEY + ("-bold" if bold else "")
    return max((measure.text_width(str(t), size, font) for t in texts), default=0.0)


@dataclass(frozen=True)
class Legend:
    """How a legend wraps across the picture: columns, rows and height in points."""

    columns: int
    rows: int
    height: float


def legend_layout(labels: list[str], width: float) -> Legend:
    """The most columns (matplotlib fills them top to bottom) whose widths fit ``width``."""
    if not labels:
        return Legend(0, 0, 0.0)
    entry = [
        measure.text_width(t, FONT_PT, FONT_KEY) + (_HANDLE_EM + _HANDLE_PAD_EM) * FONT_PT
        for t in labels
    ]
    for columns in range(len(labels), 0, -1):
        rows = math.ceil(len(labels) / columns)
        # matplotlib splits the entries as numpy.array_split does: the first columns
        # take one more entry than the rest
        split = np.array_split(np.arange(len(labels)), columns)
        widths = [max((entry[i] for i in part), default=0.0) for part in split]
        total = sum(widths) + (columns - 1) * _COLUMN_GAP_EM * FONT_PT
        if total <= width or columns == 1:
            return Legend(columns, rows, rows * _ROW_EM * FONT_PT)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Frame:
    """The picture and its axes box: margins in points around the axes."""

    height: float  # the axes' height
    left: float
    right: float
    top: float
    bottom: float  # below the axes, down to the legend
    legend: Legend
    width: float = WIDTH_IN * 72

    @property
    def axes_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def figure_height(self) -> float:
        """The picture's height in points, on the pixel grid (so the PNG is exactly the
        picture's size at :data:`DPI`)."""
        below = self.bottom + (self.legend.height + PAD if self.legend.rows else 0.0)
        raw = self.top + self.height + below + EDGE
        return round(raw / 72 * DPI) * 72 / DPI

    def size_in(self) -> tuple[float, float]:
        return self.width / 72, self.figure_height / 72


def new_figure(frame: Frame):
    """A matplotlib Figure (no pyplot state) and its axes, placed by ``frame``."""
    w, h = frame.size_in()
    fig = Figure(figsize=(w, h), dpi=DPI)
    H = frame.figure_height
    ax = fig.add_axes(
        (
            frame.left / frame.width,
            (H - frame.top - frame.height) / H,
            frame.axes_width / frame.width,
            frame.height / H,
        )
    )
    return fig, ax


def place_legend(fig, frame: Frame, handles: list) -> None:
    """The legend under the axes and their labels, wrapped as :func:`legend_layout` says."""
    if not handles:
        return
    H = frame.figure_height
    top = H - frame.top - frame.height - frame.bottom - PAD
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(EDGE / frame.width, top / H),
        ncol=frame.legend.columns,
        frameon=False,
        fontsize=FONT_PT,
        handlelength=_HANDLE_EM - 0.2,
        handletextpad=_HANDLE_PAD_EM,
        columnspacing=_COLUMN_GAP_EM,
        labelspacing=_ROW_EM - 1.25,
        borderaxespad=0,
        borderpad=0,
    )


def value_ticks(top: float, *, bottom: float = 0.0, bins: int = 5) -> np.ndarray:
    """Round tick positions from ``bottom`` to ``top`` (matplotlib's MaxNLocator)."""
    if not np.isfinite(top) or top <= bottom:
        top = bottom + 1.0
    ticks = MaxNLocator(bins).tick_values(bottom, top)
    ticks = ticks[ticks >= bottom - 1e-9]
    inside = ticks[ticks <= top + 1e-9]
    # the last tick is at or above the top, so the axis (ending there) clips nothing
    return (
        inside
        if len(inside) == len(ticks) or inside[-1] >= top - 1e-9
        else ticks[: len(inside) + 1]
    )


def tick_text(ticks) -> list[str]:
    """Tick labels with thousands separators and just enough decimals for the step."""
    ticks = np.asarray(ticks, float)
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    places = 0 if step >= 1 else min(3, math.ceil(-math.log10(step) - 1e-9))
    return [f"{abs(t):,.{places}f}" for t in ticks]


def rotated_height(width: float, degrees: float) -> float:
    """Vertical extent of a one-line label of ``width`` rotated by ``degrees``."""
    a = math.radians(degrees)
    return width * math.sin(a) + LINE_PT * math.cos(a)
