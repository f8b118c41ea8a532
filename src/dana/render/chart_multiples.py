"""Drawing of the chart kinds that show a whole distribution or several series:
``breakdown`` (shares of a total by category, optionally in panels) and ``projection``
(lines over future years); small multiples are :mod:`dana.render.chart_small`.

Like :mod:`dana.render.chart_draw`, every frame is computed from measured text, never
searched for, and :func:`draw_breakdown` and :func:`draw_projection` return
``(figure, tips)``. Nothing here computes a statistic:
the panels, shares, intervals and projections are the model's.
"""

from __future__ import annotations

import math

import numpy as np

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, format_number, format_unit
from dana.render import measure
from dana.render.chart_data import (
    floats,
    headline_decimals,
    value_text,
    withheld,
)
from dana.render.chart_layout import (
    EDGE,
    LINE_PT,
    PAD,
    TICK,
    Frame,
    new_figure,
    place_legend,
    tick_text,
    value_ticks,
    width_of,
)
from dana.render.chart_marks import Tips, legend
from dana.render.chart_style import (
    FONT_KEY,
    FONT_PT,
    FULL_PT,
    PANEL_ROW_GAP,
    line_handle,
    patch_handle,
    row_labels,
    style_axes,
)
from dana.render.style import MUTED, SERIES_PALETTE, TEXT
from dana.vocabulary import BORDER_COLOUR


def _columns(n: int) -> int:
    """Panels across: one alone is full width, two and four sit in pairs, else threes."""
    return 1 if n == 1 else 2 if n in (2, 4) else 3


def _wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    return measure.wrap(text, FONT_PT, width, FONT_KEY + ("-bold" if bold else ""))


# --- breakdown -------------------------------------------------------------------------------


def draw_breakdown(chart: Chart):
    """Horizontal bars of each category's share (%) with its interval, the comparator's
    share as a black tick, and the share written at the end of each bar; split into
    titled panels by ``extra['group']`` when given."""
    d = chart.data.reset_index(drop=True)
    group = chart.extra.get("group")
    keys = list(dict.fromkeys(d[group])) if group else [None]
    hidden = withheld(d, "breakdown")
    share = np.where(hidden, np.nan, floats(d["share"]))
    lower = np.where(hidden, np.nan, floats(d["lower"]))
    upper = np.where(hidden, np.nan, floats(d["upper"]))
    has_cmp = "comparator_share" in d.columns and d["comparator_share"].notna().any()
    comparator = floats(d["comparator_share"]) if has_cmp else np.full(len(d), np.nan)
    places = headline_decimals(chart)
    labels = [
        f"{SUPPRESSED} suppressed" if h else f"{format_number(v, '%', decimals=places)}%"
        for h, v in zip(hidden, share, strict=True)
    ]
    names = [str(c) for c in d["category"]]
    label_w = min(width_of(names) + 2, FULL_PT * 0.42)
    wrapped = ["\n".join(_wrap(n, label_w)) for n in names]
    ends = np.fmax(np.where(np.isnan(upper), share, upper), np.nan_to_num(comparator))
    x_max = max(float(np.nanmax(ends, initial=0)) * 1.12 + 4, 5.0)
    ticks = value_ticks(min(x_max, 100.0) if x_max <= 100 else x_max)
    x_max = float(ticks[-1])
    handles = [patch_handle("Share of the total", SERIES_PALETTE[0])]
    if has_cmp:
        name = chart.extra.get("comparator_name", "Comparator")
        handles.append(line_handle(f"{name} share", width=2))
    row_pt = [(w.count("\n") + 1) * LINE_PT + 3 for w in wrapped]
    blocks = []  # (key, row indices, panel height)
    for key in keys:
        idx = [i for i in range(len(d)) if key is None or d[group].iloc[i] == key]
        blocks.append((key, idx, sum(row_pt[i] for i in idx) + 4))
    heading = LINE_PT + PAD if group else 0.0
    gap = TICK + LINE_PT + PANEL_ROW_GAP
    total = sum(h for _, _, h in blocks) + len(blocks) * heading + (len(blocks) - 1) * gap
    left = EDGE + label_w + TICK
    frame = Frame(
        height=total, left=left, right=EDGE + 10, top=EDGE, bottom=TICK + LINE_PT + PAD + LINE_PT,
        legend=legend(handles),
    )  # fmt: skip
    fig, first_ax = new_figure(frame)
    H = frame.figure_height
    tips: Tips = {}
    y_top = EDGE
    for n, (key, idx, height) in enumerate(blocks):
        if group:
            fig.text(
                EDGE / FULL_PT, (H - y_top) / H, str(key), fontweight="bold", va="top", color=TEXT
            )
            y_top += heading
        if n == 0:
            ax = first_ax
            ax.set_position(
                (left / FULL_PT, (H - y_top - height) / H, frame.axes_width / FULL_PT, height / H)
            )
        else:
            ax = fig.add_axes(
                (left / FULL_PT, (H - y_top - height) / H, frame.axes_width / FULL_PT, height / H)
            )
        _breakdown_panel(ax, idx, row_pt, wrapped, share, lower, upper, comparator, labels, hidden,
                         names, tips, x_max, ticks, last=n == len(blocks) - 1)  # fmt: skip
        y_top += height + gap
    place_legend(fig, frame, handles)
    return fig, tips


def _breakdown_panel(ax, idx, row_pt, wrapped, share, lower, upper, comparator, labels, hidden,
                     names, tips, x_max, ticks, *, last):  # fmt: skip
    style_axes(ax, grid_axis="x")
    heights = [row_pt[i] for i in idx]
    total = sum(heights) + 4
    y = np.array([total - 2 - sum(heights[:k]) - h / 2 for k, h in enumerate(heights)])
    s, lo, hi, cmp = share[idx], lower[idx], upper[idx], comparator[idx]
    shown = ~np.isnan(s)
    bars = ax.barh(y[shown], s[shown], height=LINE_PT * 0.8, color=SERIES_PALETTE[0], linewidth=0.6, edgecolor=BORDER_COLOUR)  # fmt: skip
    for bar, k in zip(bars, np.flatnonzero(shown), strict=True):
        gid = f"bar-{idx[k]}"
        bar.set_gid(gid)
        tips[gid] = [f"{names[idx[k]]}: {labels[idx[k]]}"]
    ci = shown & ~(np.isnan(lo) | np.isnan(hi))
    if ci.any():
        ax.errorbar(s[ci], y[ci], xerr=np.clip(np.vstack([s[ci] - lo[ci], hi[ci] - s[ci]]), 0, None), fmt="none", ecolor=TEXT, capsize=2, elinewidth=0.9)  # fmt: skip
    has = ~np.isnan(cmp)
    if has.any():
        ax.scatter(cmp[has], y[has], marker="|", s=140, linewidths=2, color=TEXT, zorder=4)
    for k, i in enumerate(idx):
        # the label sits right of everything drawn on its row: bar, interval, comparator
        end = float(np.nanmax([0.0, s[k], hi[k], cmp[k]]))
        ax.annotate(labels[i], (end, y[k]), xytext=(4, 0), textcoords="offset points", va="center", color=MUTED if hidden[i] else TEXT)  # fmt: skip
    row_labels(ax, y, [wrapped[i] for i in idx])
    ax.set_ylim(0, total)
    ax.set_xlim(0, x_max)
    ax.set_xticks(ticks, tick_text(ticks) if last else [""] * len(ticks))
    if last:
        ax.set_xlabel("Percentage of the total", color=TEXT)


# --- projection ------------------------------------------------------------------------------


def draw_projection(chart: Chart):
    """One line per series over the years, its band when the model gives limits, and a
    dotted line after the last observed year; each line's last value written at its end."""
    d = chart.data.reset_index(drop=True)
    series = list(dict.fromkeys(d["series"]))
    years = sorted({int(y) for y in d["year"]})
    value = floats(d["value"])
    has_band = "lower" in d.columns and "upper" in d.columns
    top = float(np.nanmax(floats(d["upper"]) if has_band else value, initial=0))
    top = max(top, float(np.nanmax(value, initial=0)))
    ticks = value_ticks(top * 1.06 if top > 0 else 1.0)
    labels = tick_text(ticks)
    handles = [
        line_handle(str(s), colour=SERIES_PALETTE[i % len(SERIES_PALETTE)], width=2)
        for i, s in enumerate(series)
    ]
    base = chart.extra.get("base_year")
    if base is not None:
        handles.append(
            line_handle(f"Last observed year ({base})", colour=MUTED, style=":", width=1.2)
        )
    ends = [value_text(value[(d["series"] == s).to_numpy()][-1], chart) for s in series]
    right = EDGE + width_of(ends) + PAD
    frame = Frame(
        height=150, left=EDGE + (LINE_PT + PAD if chart.unit else 0) + width_of(labels) + TICK,
        right=right, top=EDGE + 4, bottom=TICK + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax)
    tips: Tips = {}
    for i, name in enumerate(series):
        rows = d[d["series"] == name].sort_values("year", kind="stable")
        x = rows["year"].astype(int).to_numpy()
        y = floats(rows["value"])
        colour = SERIES_PALETTE[i % len(SERIES_PALETTE)]
        if has_band:
            ax.fill_between(x, floats(rows["lower"]), floats(rows["upper"]), color=colour, alpha=0.15, linewidth=0)  # fmt: skip
        ax.plot(x, y, color=colour, linewidth=2, zorder=2)
        gid = f"pt-{i}"
        ax.scatter(x, y, s=10, color=colour, zorder=3, gid=gid)
        tips[gid] = [
            f"{name}, {yr}: {format_unit(value_text(v, chart), chart.unit)}"
            for yr, v in zip(x, y, strict=True)
        ]
        ax.annotate(value_text(y[-1], chart), (x[-1], y[-1]), xytext=(PAD, 0), textcoords="offset points", va="center", color=colour)  # fmt: skip
    if base is not None:
        ax.axvline(int(base), color=MUTED, linestyle=":", linewidth=1.2)
    step = max(1, math.ceil(len(years) / 8))
    ax.set_xticks(years[::step], [str(y) for y in years[::step]])
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    ax.set_yticks(ticks, labels)
    ax.set_ylim(0, ticks[-1])
    if chart.unit:
        ax.set_ylabel(chart.unit, color=TEXT)
    place_legend(fig, frame, handles)
    return fig, tips
