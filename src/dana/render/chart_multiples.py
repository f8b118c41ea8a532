"""Drawing of the chart kinds that show many series at once: ``small_trends`` (one small
panel per indicator), ``breakdown`` (shares of a total by category, optionally in panels)
and ``projection`` (lines over future years).

Like :mod:`dana.render.chart_draw`, every frame is computed from measured text, never
searched for, and :func:`draw_small_trends`, :func:`draw_breakdown` and
:func:`draw_projection` return ``(figure, tips)``. Nothing here computes a statistic:
the panels, shares, intervals and projections are the model's.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, format_level, format_number, format_unit
from dana.render import measure
from dana.render.chart_data import (
    floats,
    headline_decimals,
    num,
    panel_decimals,
    panels,
    value_text,
    withheld,
)
from dana.render.chart_layout import (
    EDGE,
    LINE_PT,
    PAD,
    TICK,
    Frame,
    legend_layout,
    new_figure,
    place_legend,
    tick_text,
    value_ticks,
    width_of,
)
from dana.render.chart_marks import Tips, legend
from dana.render.chart_style import (
    DPI,
    FONT_KEY,
    FONT_PT,
    WIDTH_IN,
    line_handle,
    patch_handle,
    style_axes,
)
from dana.render.style import MUTED, SERIES_PALETTE, TEXT
from dana.vocabulary import BORDER_COLOUR

_FULL = WIDTH_IN * 72
_BAND = "#C6DBEF"  # the confidence band: a pale tint of the series blue (as the trend's)
_COLUMN_GAP = 16.0
_ROW_GAP = 12.0


def _columns(n: int) -> int:
    """Panels across: one alone is full width, two and four sit in pairs, else threes."""
    return 1 if n == 1 else 2 if n in (2, 4) else 3


def _wrap(text: str, width: float, *, bold: bool = False) -> list[str]:
    return measure.wrap(text, FONT_PT, width, FONT_KEY + ("-bold" if bold else ""))


# --- small trends ----------------------------------------------------------------------------


def draw_small_trends(chart: Chart):
    """A grid of small line charts, one per indicator, each on its own scale from zero:
    the value with its confidence band and the benchmark dashed. Each panel is titled
    with the indicator, and under it the unit and latest value, so the grid reads in
    print without the data table."""
    items = panels(chart)
    n = len(items)
    cols = _columns(n)
    rows_n = math.ceil(n / cols)
    # one panel alone is as wide as two of a pair: a single series needs no full page width
    cell_w = (_FULL - 2 * EDGE - (max(cols, 2) - 1) * _COLUMN_GAP) / max(cols, 2)
    W = _FULL if cols > 1 else cell_w + 2 * EDGE
    axes_h = {1: 80.0, 2: 72.0, 3: 62.0}[cols]
    bench_name = chart.extra.get("benchmark_name", "Benchmark")
    level = chart.extra.get("level")

    heads = []
    for _, name, unit, rows in items:
        places = panel_decimals(rows, unit)
        values = floats(rows["value"])
        hidden = withheld(rows, "trend")
        shown = np.flatnonzero(~hidden & ~np.isnan(values))
        # the latest value with its unit: the panel's scale has no unit label of its own
        sub = (
            f"{rows['period'].iloc[shown[-1]]}: "
            + format_unit(format_number(values[shown[-1]], unit, decimals=places), unit)
            if len(shown)
            else (unit if unit not in ("count", "score") else "")
        )
        heads.append((_wrap(name, cell_w, bold=True), _wrap(sub, cell_w), places))
    # every panel of a row starts its axes at the same height
    title_h = [
        max(len(t) + len(s) for t, s, _ in heads[r * cols : (r + 1) * cols]) * LINE_PT
        for r in range(rows_n)
    ]
    row_h = [h + PAD + axes_h + TICK + LINE_PT + _ROW_GAP for h in title_h]
    handles = [
        line_handle(bench_name, style="--"),
        line_handle("Area value", colour=SERIES_PALETTE[0], width=2),
        patch_handle(
            f"{format_level(float(level))} confidence interval" if level else "Confidence interval",
            _BAND,
        ),
    ]
    grid_h = sum(row_h) - _ROW_GAP
    frame = Frame(
        height=grid_h, left=EDGE, right=EDGE, top=EDGE, bottom=0,
        legend=legend_layout([h.get_label() for h in handles], W - 2 * EDGE), width=W,
    )  # fmt: skip
    fig = Figure(figsize=frame.size_in(), dpi=DPI)
    H = frame.figure_height
    tips: Tips = {}
    for i, ((_, _, unit, rows), (title, sub, places)) in enumerate(zip(items, heads, strict=True)):
        r, c = divmod(i, cols)
        cell_top = EDGE + sum(row_h[:r])
        cell_left = EDGE + c * (cell_w + _COLUMN_GAP)
        text_y = H - cell_top
        for line in title:
            fig.text(cell_left / W, text_y / H, line, fontweight="bold", va="top", color=TEXT)
            text_y -= LINE_PT
        for line in sub:
            fig.text(cell_left / W, text_y / H, line, va="top", color=MUTED)
            text_y -= LINE_PT
        _panel(fig, rows, unit, places, i, tips, bench_name, level, H, W,
               top=cell_top + title_h[r] + PAD, left=cell_left, width=cell_w, height=axes_h)  # fmt: skip
    place_legend(fig, frame, handles)
    return fig, tips


def _panel(
    fig, rows, unit, places, index, tips, bench_name, level, H, W, *, top, left, width, height
):
    values, lower, upper = floats(rows["value"]), floats(rows["lower"]), floats(rows["upper"])
    hidden = withheld(rows, "trend")
    values = np.where(hidden, np.nan, values)
    lower, upper = np.where(hidden, np.nan, lower), np.where(hidden, np.nan, upper)
    bench = floats(rows["benchmark_value"]) if "benchmark_value" in rows.columns else None
    parts = [values, upper] + ([bench] if bench is not None else [])
    top_value = np.nanmax(np.concatenate(parts), initial=0)
    ticks = value_ticks(top_value * 1.04 if top_value > 0 else 1.0, bins=3)
    labels = tick_text(ticks)
    axes_left = left + width_of(labels) + TICK
    axes_w = left + width - axes_left - 4
    ax = fig.add_axes((axes_left / W, (H - top - height) / H, axes_w / W, height / H))
    style_axes(ax)
    x = np.arange(len(rows), dtype=float)
    if bench is not None:
        ax.plot(x, bench, color=TEXT, linestyle="--", linewidth=1.2, zorder=1)
    ax.fill_between(x, lower, upper, color=_BAND, linewidth=0, zorder=1)
    ax.plot(x, values, color=SERIES_PALETTE[0], linewidth=1.8, zorder=2)
    keep = ~np.isnan(values)
    gid = f"pt-{index}"
    ax.scatter(x[keep], values[keep], s=12, color=SERIES_PALETTE[0], zorder=3, gid=gid)
    periods = [str(p) for p in rows["period"]]

    def number(v) -> str:
        return format_number(num(v), unit, decimals=places)

    def text(v) -> str:
        return format_unit(number(v), unit)

    tips[gid] = [
        f"{rows['name'].iloc[0]}, {periods[j]}: {text(values[j])}"
        + (
            f" ({format_level(float(level)) + ' ' if level else ''}CI {number(lower[j])} to "
            f"{number(upper[j])})"
            if not (np.isnan(lower[j]) or np.isnan(upper[j]))
            else ""
        )
        + (
            f"; {bench_name} {text(bench[j])}"
            if bench is not None and not np.isnan(bench[j])
            else ""
        )
        for j in np.flatnonzero(keep)
    ]
    for j in np.flatnonzero(hidden):
        ax.annotate(SUPPRESSED, (x[j], 0), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=12, color=TEXT)  # fmt: skip
    ends = [0, len(rows) - 1] if len(rows) > 1 else [0]
    if len(ends) == 2 and width_of([periods[0]]) + width_of([periods[-1]]) + PAD > axes_w:
        ends = ends[1:]  # two long period labels would run into each other: the latest only
    ax.set_xticks([x[j] for j in ends], [periods[j] for j in ends])
    if len(ends) == 2:
        first, last = ax.get_xticklabels()
        first.set_horizontalalignment("left")
        last.set_horizontalalignment("right")
    ax.set_xlim(-0.15, max(len(rows) - 1, 0) + 0.15)
    ax.set_yticks(ticks, labels)
    ax.set_ylim(0, ticks[-1])


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
    label_w = min(width_of(names) + 2, _FULL * 0.42)
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
    gap = TICK + LINE_PT + _ROW_GAP
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
                EDGE / _FULL, (H - y_top) / H, str(key), fontweight="bold", va="top", color=TEXT
            )
            y_top += heading
        if n == 0:
            ax = first_ax
            ax.set_position(
                (left / _FULL, (H - y_top - height) / H, frame.axes_width / _FULL, height / H)
            )
        else:
            ax = fig.add_axes(
                (left / _FULL, (H - y_top - height) / H, frame.axes_width / _FULL, height / H)
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
    ax.set_yticks(y, [wrapped[i] for i in idx])
    ax.tick_params(axis="y", length=0)
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
