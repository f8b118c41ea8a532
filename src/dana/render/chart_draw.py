"""Static drawing of each chart kind with matplotlib, on a frame computed in advance.

:func:`draw` returns the matplotlib Figure and, for the interactive HTML layer, the
tooltip text of every plotted mark: ``{gid: [text, ...]}``, where ``gid`` names the
artist (a group of markers or one bar) and the texts follow its marks in order. The
texts say what the data table says; the renderers never compute anything for them.
"""

from __future__ import annotations

import numpy as np

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, decimals_for, format_count, format_level, format_number
from dana.render import measure
from dana.render.chart_data import (
    floats,
    num,
    pyramid_frame,
    spine_frame,
    trend_frame,
    validate,
    value_text,
    with_unit,
    withheld,
)
from dana.render.chart_funnel import draw_funnel
from dana.render.chart_layout import (
    EDGE,
    LINE_PT,
    PAD,
    TICK,
    Frame,
    new_figure,
    place_legend,
    rotated_height,
    tick_text,
    value_ticks,
    width_of,
)
from dana.render.chart_marks import Tips, interval_text, legend, scatter_groups
from dana.render.chart_multiples import draw_breakdown, draw_projection
from dana.render.chart_small import draw_small_trends
from dana.render.chart_style import (
    BAND_COLOUR,
    FONT_KEY,
    FONT_PT,
    FULL_PT,
    IQR_GREY,
    RANGE_GREY,
    SEX_COLOURS,
    line_handle,
    outcome_fill_handles,
    outcome_marker_handles,
    patch_handle,
    row_labels,
    style_axes,
)
from dana.render.style import (
    MUTED,
    SERIES_PALETTE,
    TEXT,
    comparison_colour,
    comparison_symbol,
    comparison_text,
)
from dana.vocabulary import BORDER_COLOUR


def draw(chart: Chart):
    """``(figure, tips)`` for ``chart``; raises ChartDataError for unusable data."""
    validate(chart)
    return _KINDS[chart.kind](chart)


# --- trend -------------------------------------------------------------------------------


def _trend(chart: Chart):
    d = trend_frame(chart)
    n = len(d)
    x = np.arange(n, dtype=float)
    value, lower, upper = floats(d["value"]), floats(d["lower"]), floats(d["upper"])
    bench = floats(d["benchmark_value"]) if "benchmark_value" in d.columns else None
    hidden = withheld(d, "trend")
    value = np.where(hidden, np.nan, value)
    lower, upper = np.where(hidden, np.nan, lower), np.where(hidden, np.nan, upper)
    top = np.nanmax(np.concatenate([upper, value, bench if bench is not None else []]), initial=0)
    ticks = value_ticks(top * 1.04 if top > 0 else 1.0)
    labels = tick_text(ticks)
    bench_name = chart.extra.get("benchmark_name", "Benchmark")

    handles = [line_handle(bench_name, style="--")] if bench is not None else []
    handles.append(line_handle("Area value", colour=SERIES_PALETTE[0], width=2))
    level = chart.extra.get("level")
    band = f"{format_level(float(level))} confidence interval" if level else "Confidence interval"
    handles.append(patch_handle(band, BAND_COLOUR))
    has_cmp = "comparison" in d.columns
    if has_cmp:
        handles += outcome_marker_handles(d["comparison"][~hidden])

    periods = [str(p) for p in d["period"]]
    left = EDGE + (LINE_PT + PAD if chart.unit else 0) + width_of(labels) + TICK
    right = EDGE + 10
    slot = (FULL_PT - left - right) / max(n, 1)
    label_w = width_of(periods)
    rotation = 0 if label_w <= slot * 0.9 else 40
    label_h = LINE_PT if rotation == 0 else rotated_height(label_w, rotation)
    frame = Frame(
        height=130,
        left=left,
        right=right,
        top=EDGE + 4,
        bottom=TICK + label_h,
        legend=legend(handles),
    )
    fig, ax = new_figure(frame)
    style_axes(ax)
    if bench is not None:
        ax.plot(x, bench, color=TEXT, linestyle="--", linewidth=1.4, zorder=1)
    ax.fill_between(x, lower, upper, color=BAND_COLOUR, linewidth=0, zorder=1)
    ax.plot(x, value, color=SERIES_PALETTE[0], linewidth=2, zorder=2)
    unit_text = [
        f"{p}: {with_unit(value_text(v, chart), chart)}{interval_text(chart, lo, hi)}"
        + (f"; {bench_name} {value_text(b, chart)}" if bench is not None else "")
        for p, v, lo, hi, b in zip(
            periods, value, lower, upper, bench if bench is not None else value, strict=True
        )
    ]
    tips: Tips = {}
    if has_cmp:
        texts = [
            t + (f"; {comparison_text(c)}" if isinstance(c, str) else "")
            for t, c in zip(unit_text, d["comparison"], strict=True)
        ]
        scatter_groups(ax, x, value, d["comparison"], texts, tips, prefix="pt", size=48)
    else:
        keep = ~np.isnan(value)
        ax.scatter(x[keep], value[keep], s=22, color=SERIES_PALETTE[0], zorder=3, gid="pt-all")
        tips["pt-all"] = [unit_text[i] for i in np.flatnonzero(keep)]
    for i in np.flatnonzero(hidden):
        ax.annotate(SUPPRESSED, (x[i], 0), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=13, color=TEXT)  # fmt: skip
    if rotation:
        ax.set_xticks(x, periods, rotation=rotation, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticks(x, periods)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_yticks(ticks, labels)
    ax.set_ylim(0, ticks[-1])
    if chart.unit:
        ax.set_ylabel(chart.unit, color=TEXT)
    place_legend(fig, frame, handles)
    return fig, tips


# --- compare bar -----------------------------------------------------------------------------


def _compare_bar(chart: Chart):
    d = chart.data.reset_index(drop=True)
    n = len(d)
    y = np.arange(n, dtype=float)[::-1]  # first row at the top
    hidden = withheld(d, "compare_bar")
    value = np.where(hidden, np.nan, floats(d["value"]))
    lower = np.where(hidden, np.nan, floats(d["lower"]))
    upper = np.where(hidden, np.nan, floats(d["upper"]))
    subject = d["is_subject"].fillna(False).astype(bool).to_numpy()
    names = [str(a) for a in d["area_name"]]
    comparisons = list(d["comparison"])
    ends = np.where(np.isnan(upper), value, upper)
    labels = [
        f"{SUPPRESSED} value not available"
        if h
        else f"{value_text(v, chart)}  {comparison_symbol(c) if isinstance(c, str) else ''}".strip()
        for h, v, c in zip(hidden, value, comparisons, strict=True)
    ]
    bench = num(chart.extra.get("benchmark_value"))
    bench_name = chart.extra.get("benchmark_name", "Benchmark")
    handles = []
    if not np.isnan(bench):
        handles.append(line_handle(f"{bench_name}: {value_text(bench, chart)}", style="--"))
    handles += outcome_fill_handles([c for c, h in zip(comparisons, hidden, strict=True) if not h])

    left = (
        EDGE
        + max(width_of(np.array(names)[~subject]), width_of(np.array(names)[subject], bold=True))
        + TICK
    )
    right = EDGE + 4
    for _ in range(2):  # the second pass leaves room for half the last tick label
        axes_w = FULL_PT - left - right
        # The axis reaches far enough that every value label fits to the right of its bar.
        need = [
            e * axes_w / max(axes_w - 6 - measure.text_width(t, FONT_PT, FONT_KEY), axes_w * 0.3)
            for e, t, h in zip(ends, labels, hidden, strict=True)
            if not h and not np.isnan(e)
        ]
        x_max = max([*need, bench * 1.02 if not np.isnan(bench) else 0.0, 0.0])
        x_max = x_max if x_max > 0 else 1.0
        ticks = value_ticks(x_max)
        ticks = ticks[ticks <= x_max + 1e-9]
        right = EDGE + max(4.0, width_of(tick_text(ticks)[-1:]) / 2)
    unit_line = LINE_PT + PAD if chart.unit else 0
    frame = Frame(
        height=n * 13.5 + 4, left=left, right=right, top=EDGE, bottom=TICK + LINE_PT + unit_line,
        legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax, grid_axis="x")
    shown = ~hidden & ~np.isnan(value)
    bars = ax.barh(
        y[shown], value[shown], height=0.66, linewidth=0.7, edgecolor=BORDER_COLOUR,
        color=[comparison_colour(c) for c, s in zip(comparisons, shown, strict=True) if s],
    )  # fmt: skip
    tips: Tips = {}
    for bar, i in zip(bars, np.flatnonzero(shown), strict=True):
        gid = f"bar-{i}"
        bar.set_gid(gid)
        words = f"; {comparison_text(comparisons[i])}" if isinstance(comparisons[i], str) else ""
        tips[gid] = [
            f"{names[i]}: {with_unit(value_text(value[i], chart), chart)}"
            f"{interval_text(chart, lower[i], upper[i])}{words}"
        ]
    with_ci = shown & ~(np.isnan(lower) | np.isnan(upper))
    if with_ci.any():
        ax.errorbar(
            value[with_ci], y[with_ci], fmt="none", ecolor=TEXT, capsize=3, elinewidth=1,
            xerr=np.vstack([value[with_ci] - lower[with_ci], upper[with_ci] - value[with_ci]]),
        )  # fmt: skip
    for yi, end, text, h in zip(y, ends, labels, hidden, strict=True):
        at = x_max * 0.01 if h or np.isnan(end) else end
        ax.annotate(text, (at, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=FONT_PT, color=MUTED if h else TEXT)  # fmt: skip
    if not np.isnan(bench):
        ax.axvline(bench, color=TEXT, linestyle="--", linewidth=1.4, zorder=4)
    row_labels(ax, y, names, bold=np.flatnonzero(subject))
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, x_max)
    ax.set_xticks(ticks, tick_text(ticks))
    if chart.unit:
        ax.set_xlabel(chart.unit, color=TEXT)
    place_legend(fig, frame, handles)
    return fig, tips


# --- spine -----------------------------------------------------------------------------------


def _spine(chart: Chart):
    s = spine_frame(chart)
    bench_name = chart.extra.get("benchmark_name", "England")
    places = [decimals_for(v) for v in s["value"]]
    columns = []
    for header, col in (("Area", "value"), (bench_name, "benchmark_value")):
        texts = [format_number(v, decimals=p) for v, p in zip(s[col], places, strict=True)]
        columns.append((header, texts, width_of(texts) + 12, width_of([header], bold=True) + 12))
    columns = [(h, t, max(w, hw)) for h, t, w, hw in columns]
    values_w = sum(c[2] for c in columns)
    # Labels as wide as they need, on one line where possible, while the spine keeps at
    # least 2.6 inches: a compact chart stays readable when a slide scales it down.
    label_col = min(width_of(s["name"]) + 2, FULL_PT - 2 * EDGE - PAD - values_w - 2.6 * 72)
    wrapped = ["\n".join(measure.wrap(str(nm), FONT_PT, label_col, FONT_KEY)) for nm in s["name"]]
    # Each row as tall as its label (in points, top to bottom), so one long name does not
    # double every row.
    heights = [(w.count("\n") + 1) * LINE_PT + 8 for w in wrapped]
    total = float(sum(heights))
    y = np.array([total - sum(heights[:i]) - h / 2 for i, h in enumerate(heights)], dtype=float)
    handles = outcome_marker_handles(s["comparison"])
    handles += [
        patch_handle("Range of areas", RANGE_GREY),
        patch_handle("25th to 75th percentile", IQR_GREY),
        line_handle(f"{bench_name} value"),
    ]
    frame = Frame(
        height=total, left=EDGE + label_col + PAD, right=EDGE + values_w,
        top=EDGE + LINE_PT + 2, bottom=TICK + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    narrow = frame.axes_width < 3.4 * 72
    ends = ("Worst", "Best") if narrow else ("Worst / lowest", "Best / highest")
    fig, ax = new_figure(frame)
    style_axes(ax, grid_axis="")
    ok = s["drawable"].to_numpy(bool)
    bar = LINE_PT + 2  # the bars' thickness, in points like the rows
    for lo_col, hi_col, colour in (
        ("pos_worst", "pos_best", RANGE_GREY),
        ("pos_q25", "pos_q75", IQR_GREY),
    ):
        lo = np.fmin(s[lo_col], s[hi_col]).to_numpy(float)[ok]
        hi = np.fmax(s[lo_col], s[hi_col]).to_numpy(float)[ok]
        ax.barh(y[ok], hi - lo, left=lo, height=bar, color=colour, edgecolor="none")  # fmt: skip
    texts = [
        f"{nm}: {columns[0][1][i]} ({bench_name} {columns[1][1][i]}); {comparison_text(c)}"
        if isinstance(c, str)
        else f"{nm}: {columns[0][1][i]}"
        for i, (nm, c) in enumerate(zip(s["name"], s["comparison"], strict=True))
    ]
    tips: Tips = {}
    pos = np.where(ok, s["pos_value"].to_numpy(float), np.nan)
    scatter_groups(ax, pos, y, s["comparison"], texts, tips, prefix="pt", size=70)
    for yi, drawable in zip(y, ok, strict=True):
        if not drawable:
            ax.text(0.5, yi, "No comparison available", ha="center", va="center", color=MUTED, zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})  # fmt: skip
    ax.axvline(0.5, color=TEXT, linewidth=1.4, zorder=2)
    # Value columns right of the spine, placed in points from the axes' edge.
    place = {"xycoords": ("axes fraction", "data"), "textcoords": "offset points"}
    offset = 0.0
    for header, values, width in columns:
        offset += width
        ax.annotate(header, (1, total), xytext=(offset, 2), ha="right", va="bottom", fontweight="bold", **place)  # fmt: skip
        for yi, text in zip(y, values, strict=True):
            ax.annotate(text, (1, yi), xytext=(offset, 0), ha="right", va="center", **place)
    row_labels(ax, y, wrapped)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, total)
    ax.set_xticks([0, 0.5, 1], [ends[0], bench_name, ends[1]])
    first, _, last = ax.get_xticklabels()
    first.set_horizontalalignment("left")
    last.set_horizontalalignment("right")
    place_legend(fig, frame, handles)
    return fig, tips


# --- pyramid ---------------------------------------------------------------------------------


def _pyramid(chart: Chart):
    p, has_share = pyramid_frame(chart)
    n = len(p)
    ages = [str(a) for a in p["age"]]
    handles = [
        patch_handle("Male", SEX_COLOURS["Male"]),
        patch_handle("Female", SEX_COLOURS["Female"]),
    ]
    comparator = chart.extra.get("comparator_name", "Comparator")
    if has_share:
        handles.append(line_handle(comparator))
    values = p[[c for c in p.columns if c != "age"]].to_numpy(float)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    half = value_ticks(top * 1.02, bins=4)
    ticks = np.concatenate([-half[:0:-1], half])
    places = 1 if has_share else 0
    labels = [f"{abs(t):,.{places}f}" for t in ticks]
    frame = Frame(
        height=n * 12 + 4, left=EDGE + width_of(ages) + TICK, right=EDGE + 10,
        top=EDGE + LINE_PT + 2, bottom=TICK + LINE_PT + PAD + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax, grid_axis="x")
    y = np.arange(n, dtype=float)
    tips: Tips = {}
    unit = "%" if has_share else ""
    for sex, col, sign in (("Male", "male", -1), ("Female", "female", 1)):
        bars = ax.barh(
            y, sign * p[col].to_numpy(float), height=0.85, color=SEX_COLOURS[sex], linewidth=0
        )
        for i, bar in enumerate(bars):
            gid = f"bar-{col}-{i}"
            bar.set_gid(gid)
            shown = (
                format_number(p[col].iloc[i], decimals=places)
                if has_share
                else format_count(p[col].iloc[i])
            )
            tips[gid] = [f"{sex}, {ages[i]}: {shown}{unit}"]
    if has_share:
        edges = np.append(y - 0.5, y[-1] + 0.5) if n else np.array([0.0])
        for col, sign in (("cmp_male", -1), ("cmp_female", 1)):
            ax.stairs(sign * p[col].to_numpy(float), edges, orientation="horizontal", color=TEXT, linewidth=1.3, baseline=None)  # fmt: skip
    ax.axvline(0, color=TEXT, linewidth=0.8)
    ax.set_xlim(ticks[0], ticks[-1])
    ax.set_xticks(ticks, labels)
    ax.set_yticks(y, ages)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlabel(
        "Percentage of total population" if has_share else (chart.unit or "People"), color=TEXT
    )
    for x_frac, sex in ((0.25, "Male"), (0.75, "Female")):
        ax.text(x_frac, 1.0, sex, transform=ax.transAxes, ha="center", va="bottom", fontweight="bold", color=TEXT)  # fmt: skip
    place_legend(fig, frame, handles)
    return fig, tips


_KINDS = {
    "trend": _trend,
    "compare_bar": _compare_bar,
    "spine": _spine,
    "funnel": draw_funnel,
    "pyramid": _pyramid,
    "small_trends": draw_small_trends,
    "breakdown": draw_breakdown,
    "projection": draw_projection,
}
