"""Plain drawings of the ``breakdown`` and ``projection`` chart kinds.

A breakdown is horizontal bars of each category's share (0-100) with its interval and,
when given, the comparator's share as a marker; categories of several panels
(``extra['group']``) are labelled "panel: category". A projection is one line per
series over the years, the last observed year (``extra['base_year']``) marked. Withheld
rows show ``*``. Nothing is computed here: the numbers are the model's.
"""

from __future__ import annotations

import numpy as np

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, format_number
from dana.render.chart_data import floats, withheld
from dana.render.chart_layout import EDGE, LINE_PT, TICK, Frame, new_figure, place_legend, width_of
from dana.render.chart_marks import Tips, legend
from dana.render.chart_style import WIDTH_IN, line_handle, patch_handle, style_axes
from dana.render.style import MUTED, SERIES_PALETTE, TEXT

_BAR = "#5694CA"
_RIGHT = 52.0  # room for the value labels right of the bars


def breakdown_labels(chart: Chart) -> list[str]:
    """Each bar's label: its category, prefixed by its panel when there are several."""
    d = chart.data
    group = chart.extra.get("group")
    if group and group in d.columns:
        return [f"{g}: {c}" for g, c in zip(d[group], d["category"], strict=True)]
    return [str(c) for c in d["category"]]


def draw_breakdown(chart: Chart):
    d = chart.data.reset_index(drop=True)
    n = len(d)
    names = breakdown_labels(chart)
    hidden = withheld(d, "breakdown")
    share = np.where(hidden, np.nan, floats(d["share"]))
    lower, upper = floats(d["lower"]), floats(d["upper"])
    comparator = floats(d["comparator_share"]) if "comparator_share" in d.columns else None
    handles = [patch_handle("Share (%)", _BAR)]
    if comparator is not None:
        handles.append(line_handle(chart.extra.get("comparator_name", "Comparator"), style=":"))
    frame = Frame(
        height=n * 13.5 + 4, left=EDGE + width_of(names) + TICK, right=_RIGHT, top=EDGE,
        bottom=TICK + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax, grid_axis="x")
    y = np.arange(n, dtype=float)[::-1]
    shown = ~np.isnan(share)
    tips: Tips = {}
    bars = ax.barh(y[shown], share[shown], height=0.66, color=_BAR, linewidth=0)
    for bar, i in zip(bars, np.flatnonzero(shown), strict=True):
        bar.set_gid(f"bar-{i}")
        tips[f"bar-{i}"] = [f"{names[i]}: {format_number(share[i], '%')}%"]
    with_ci = shown & ~(np.isnan(lower) | np.isnan(upper))
    if with_ci.any():
        ax.errorbar(
            share[with_ci], y[with_ci], fmt="none", ecolor=TEXT, capsize=2, elinewidth=0.8,
            xerr=np.vstack([share[with_ci] - lower[with_ci], upper[with_ci] - share[with_ci]]),
        )  # fmt: skip
    if comparator is not None:
        ok = ~np.isnan(comparator)
        ax.scatter(comparator[ok], y[ok], marker="|", s=140, color=TEXT, zorder=5)
    for yi, value, h in zip(y, share, hidden, strict=True):
        text = SUPPRESSED if h else format_number(value, "%") + "%"
        at = 0.5 if np.isnan(value) else value
        ax.annotate(text, (at, yi), xytext=(4, 0), textcoords="offset points", va="center", color=MUTED if h else TEXT)  # fmt: skip
    top = np.nanmax(np.concatenate([upper[with_ci], share[shown], [1.0]]))
    ax.set_xlim(0, min(100.0, top * 1.1) if top < 90 else 100.0)
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-0.6, n - 0.4)
    place_legend(fig, frame, handles)
    return fig, tips


def draw_projection(chart: Chart):
    d = chart.data
    series = list(dict.fromkeys(d["series"]))
    handles = [line_handle(str(s), colour=SERIES_PALETTE[i % len(SERIES_PALETTE)]) for i, s in enumerate(series)]  # fmt: skip
    frame = Frame(
        height=WIDTH_IN * 72 * 0.45, left=EDGE + width_of(["1,000,000"]) + TICK, right=EDGE + 12,
        top=EDGE, bottom=TICK + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax, grid_axis="y")
    tips: Tips = {}
    for i, name in enumerate(series):
        rows = d[d["series"] == name].sort_values("year")
        colour = SERIES_PALETTE[i % len(SERIES_PALETTE)]
        (line,) = ax.plot(rows["year"].to_numpy(float), floats(rows["value"]), color=colour, linewidth=1.6, marker="o", markersize=2.5)  # fmt: skip
        line.set_gid(f"line-{i}")
        tips[f"line-{i}"] = [f"{name}, {int(y)}: {format_number(v)}" for y, v in zip(rows["year"], floats(rows["value"]), strict=True)]  # fmt: skip
    base = chart.extra.get("base_year")
    if base is not None:
        ax.axvline(float(base), color=MUTED, linestyle="--", linewidth=0.8)
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    place_legend(fig, frame, handles)
    return fig, tips
