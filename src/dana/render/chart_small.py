"""Small multiples (``small_trends``): one small line chart per indicator, on one canvas.

A grid of nine matplotlib Axes cost nine sets of ticks, spines, transforms and grid
artists (about 0.4 s a chart). Here the whole grid is ONE axes whose units are the
picture's own points: each panel's box is computed from measured text, and its lines,
bands, grid and tick marks are drawn into that box as a handful of collections shared by
every panel, so a nine-panel chart costs little more than one line chart. What the
reader sees is the same: each panel on its own scale from zero (or below, for negative
values), the value with its confidence band, the benchmark dashed, withheld periods
marked ``*``, the first and last period under it, and above it the indicator with its
latest value and unit.

Nothing here computes a statistic: the panels' values come from the model.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, format_level, format_number, format_unit
from dana.render import measure
from dana.render.chart_data import floats, num, panel_decimals, panels, withheld
from dana.render.chart_layout import (
    EDGE,
    LINE_PT,
    PAD,
    TICK,
    Frame,
    legend_layout,
    place_legend,
    tick_text,
    value_ticks,
    width_of,
)
from dana.render.chart_style import (
    BAND_COLOUR,
    DPI,
    FONT_KEY,
    FONT_PT,
    FULL_PT,
    GRID_GREY,
    PANEL_COLUMN_GAP,
    PANEL_ROW_GAP,
    line_handle,
    patch_handle,
)
from dana.render.style import MUTED, SERIES_PALETTE, TEXT

_TICK_LEN = 3.0
_INSET = 0.15  # the first and last period sit this many steps inside the panel's edges


def _columns(n: int) -> int:
    """Panels across: one alone, two and four in pairs, else threes."""
    return 1 if n == 1 else 2 if n in (2, 4) else 3


def _wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    return measure.wrap(text, FONT_PT, width, FONT_KEY + ("-bold" if bold else ""))


def _runs(x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The unbroken stretches of a series (NaN splits it), as (k, 2) point arrays."""
    ok = ~np.isnan(y)
    out, start = [], None
    for i in range(len(y) + 1):
        if i < len(y) and ok[i]:
            start = i if start is None else start
        elif start is not None:
            out.append(np.column_stack([x[start:i], y[start:i]]))
            start = None
    return out


class _Marks:
    """Everything the panels draw, gathered so each kind is one artist."""

    def __init__(self):
        self.grid, self.axes, self.ticks = [], [], []
        self.bench, self.lines, self.bands = [], [], []
        self.points: list[tuple[float, float]] = []
        self.tips: list[str] = []
        self.texts: list[tuple[float, float, str, dict]] = []


def draw_small_trends(chart: Chart):
    """``(figure, tips)`` for a small_trends chart (see the module docstring)."""
    items = panels(chart)
    n = len(items)
    cols = _columns(n)
    rows_n = math.ceil(n / cols)
    # one panel alone is as wide as one of a pair: a single series needs no page width
    cell_w = (FULL_PT - 2 * EDGE - (max(cols, 2) - 1) * PANEL_COLUMN_GAP) / max(cols, 2)
    W = FULL_PT if cols > 1 else cell_w + 2 * EDGE
    box_h = {1: 80.0, 2: 72.0, 3: 62.0}[cols]
    bench_name = chart.extra.get("benchmark_name", "Benchmark")
    level = chart.extra.get("level")

    heads = []
    for _, name, unit, rows in items:
        places = panel_decimals(rows, unit)
        values = floats(rows["value"])
        shown = np.flatnonzero(~withheld(rows, "trend") & ~np.isnan(values))
        # the latest value with its unit: the panel's scale has no unit label of its own
        sub = (
            f"{rows['period'].iloc[shown[-1]]}: "
            + format_unit(format_number(values[shown[-1]], unit, decimals=places), unit)
            if len(shown)
            else (unit if unit not in ("count", "score") else "")
        )
        heads.append((_wrap(name, cell_w, bold=True), _wrap(sub, cell_w), places))
    # every panel of a row starts its box at the same height
    title_h = [
        max(len(t) + len(s) for t, s, _ in heads[r * cols : (r + 1) * cols]) * LINE_PT
        for r in range(rows_n)
    ]
    row_h = [h + PAD + box_h + TICK + LINE_PT + PANEL_ROW_GAP for h in title_h]
    handles = [
        line_handle(bench_name, style="--"),
        line_handle("Area value", colour=SERIES_PALETTE[0], width=2),
        patch_handle(
            f"{format_level(float(level))} confidence interval" if level else "Confidence interval",
            BAND_COLOUR,
        ),
    ]
    frame = Frame(
        height=sum(row_h) - PANEL_ROW_GAP, left=EDGE, right=EDGE, top=EDGE, bottom=0,
        legend=legend_layout([h.get_label() for h in handles], W - 2 * EDGE), width=W,
    )  # fmt: skip
    fig = Figure(figsize=frame.size_in(), dpi=DPI)
    H = frame.figure_height
    canvas = fig.add_axes((0, 0, 1, 1))  # in points, y up: the whole picture
    canvas.set_axis_off()
    canvas.set_xlim(0, W)
    canvas.set_ylim(0, H)
    marks = _Marks()
    for i, ((_, _, unit, rows), (title, sub, places)) in enumerate(zip(items, heads, strict=True)):
        r, c = divmod(i, cols)
        top = H - EDGE - sum(row_h[:r])  # the cell's top edge
        left = EDGE + c * (cell_w + PANEL_COLUMN_GAP)
        marks.texts.append((left, top, "\n".join(title), {"fontweight": "bold", "color": TEXT}))
        if sub:
            y = top - len(title) * LINE_PT
            marks.texts.append((left, y, "\n".join(sub), {"color": MUTED}))
        box_top = top - title_h[r] - PAD
        _panel(marks, rows, unit, places, bench_name, level,
               left=left, top=box_top, width=cell_w, height=box_h)  # fmt: skip
    _draw(canvas, marks)
    place_legend(fig, frame, handles)
    return fig, {"pt-all": marks.tips} if marks.tips else {}


def _panel(marks: _Marks, rows, unit, places, bench_name, level, *, left, top, width, height):
    values, lower, upper = floats(rows["value"]), floats(rows["lower"]), floats(rows["upper"])
    hidden = withheld(rows, "trend")
    values = np.where(hidden, np.nan, values)
    lower, upper = np.where(hidden, np.nan, lower), np.where(hidden, np.nan, upper)
    bench = floats(rows["benchmark_value"]) if "benchmark_value" in rows.columns else None
    drawn = np.concatenate([values, upper, lower] + ([bench] if bench is not None else []))
    high = float(np.nanmax(drawn, initial=0))
    low = min(0.0, float(np.nanmin(drawn, initial=0)))
    ticks = value_ticks(high * 1.04 if high > 0 else 1.0, bottom=low, bins=3)
    if low < 0 and ticks[0] > low:
        ticks = np.concatenate([[low], ticks])
    labels = tick_text(ticks)
    box_left = left + width_of(labels) + TICK
    box_w = left + width - box_left - 4
    bottom = top - height
    count = len(rows)
    span = max(count - 1, 1) + 2 * _INSET
    x = box_left + (np.arange(count) + (_INSET if count > 1 else span / 2)) / span * box_w
    y_low, y_high = float(ticks[0]), float(ticks[-1])

    def to_y(v):
        return bottom + (np.asarray(v, float) - y_low) / (y_high - y_low) * height

    for t, label in zip(ticks, labels, strict=True):
        ty = float(to_y(t))
        if t != y_low:
            marks.grid.append([(box_left, ty), (box_left + box_w, ty)])
        marks.ticks.append([(box_left - _TICK_LEN, ty), (box_left, ty)])
        marks.texts.append((box_left - TICK, ty, label, {"ha": "right", "va": "center"}))
    marks.axes.append([(box_left, top), (box_left, bottom), (box_left + box_w, bottom)])
    if bench is not None:
        marks.bench += _runs(x, to_y(bench))
    for run_lo, run_hi in zip(_runs(x, to_y(lower)), _runs(x, to_y(upper)), strict=False):
        if len(run_lo) == len(run_hi) and len(run_lo) > 1:
            marks.bands.append(np.vstack([run_hi, run_lo[::-1]]))
    marks.lines += _runs(x, to_y(values))
    periods = [str(p) for p in rows["period"]]

    def number(v) -> str:
        return format_number(num(v), unit, decimals=places)

    def text(v) -> str:
        return format_unit(number(v), unit)

    name = str(rows["name"].iloc[0])
    prefix = f"{format_level(float(level))} " if level else ""
    for j in np.flatnonzero(~np.isnan(values)):
        marks.points.append((float(x[j]), float(to_y(values[j]))))
        tip = f"{name}, {periods[j]}: {text(values[j])}"
        if not (np.isnan(lower[j]) or np.isnan(upper[j])):
            tip += f" ({prefix}CI {number(lower[j])} to {number(upper[j])})"
        if bench is not None and not np.isnan(bench[j]):
            tip += f"; {bench_name} {text(bench[j])}"
        marks.tips.append(tip)
    for j in np.flatnonzero(hidden):
        marks.texts.append((float(x[j]), bottom + 2, SUPPRESSED, {"ha": "center", "va": "bottom", "fontsize": 12}))  # fmt: skip
    ends = [0, count - 1] if count > 1 else [0]
    if len(ends) == 2 and width_of([periods[0]]) + width_of([periods[-1]]) + PAD > box_w:
        ends = ends[1:]  # two long period labels would run into each other: the latest only
    for j in ends:
        marks.ticks.append([(float(x[j]), bottom), (float(x[j]), bottom - _TICK_LEN)])
        align = "center" if len(ends) == 1 else ("left" if j == 0 else "right")
        at = box_left if align == "left" else box_left + box_w if align == "right" else x[j]
        marks.texts.append((float(at), bottom - TICK, periods[j], {"ha": align, "va": "top"}))


def _draw(ax, marks: _Marks) -> None:
    """Each kind of mark as one artist, in drawing order (grid under everything)."""
    ax.add_collection(LineCollection(marks.grid, colors=GRID_GREY, linewidths=0.8, zorder=0))
    ax.add_collection(PolyCollection(marks.bands, facecolors=BAND_COLOUR, linewidths=0, zorder=1))
    ax.add_collection(
        LineCollection(marks.bench, colors=TEXT, linewidths=1.2, linestyles="--", zorder=2)
    )
    ax.add_collection(
        LineCollection(marks.axes, colors=MUTED, linewidths=0.8, zorder=2, capstyle="projecting")
    )
    ax.add_collection(LineCollection(marks.ticks, colors=TEXT, linewidths=0.8, zorder=2))
    ax.add_collection(
        LineCollection(marks.lines, colors=SERIES_PALETTE[0], linewidths=1.8, zorder=3)
    )
    if marks.points:
        px, py = zip(*marks.points, strict=True)
        ax.scatter(px, py, s=12, color=SERIES_PALETTE[0], zorder=4, gid="pt-all")
    for x, y, text, style in marks.texts:
        ax.text(x, y, text, va=style.pop("va", "top"), linespacing=LINE_PT / FONT_PT, **style)
