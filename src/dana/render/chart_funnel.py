"""Funnel plots: each area's value against its denominator, inside control limits the
model computed (``extra['limits']``), drawn with matplotlib on a computed frame."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from dana.assess.model import Chart
from dana.formatting import format_count
from dana.render.chart_data import floats, value_text, with_unit, withheld
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
    OTHER_AREA_FILL,
    SUBJECT_FILL,
    line_handle,
    marker_style,
    outcome_marker_handles,
    style_axes,
)
from dana.render.style import MUTED, TEXT, comparison_text
from dana.vocabulary import BORDER_COLOUR


def _funnel_x_label(chart: Chart) -> str:
    label = chart.extra.get("x_label", "Denominator")
    return f"{label} (logarithmic scale)" if chart.extra.get("x_scale") == "log" else label


def draw_funnel(chart: Chart):
    limits = chart.extra["limits"].sort_values("x")
    lx = floats(limits["x"])
    d = chart.data.reset_index(drop=True)
    hidden = withheld(d, "funnel")
    den = floats(d["denominator"])
    val = np.where(hidden, np.nan, floats(d["value"]))
    subject = d["is_subject"].fillna(False).astype(bool).to_numpy()
    has_cmp = "comparison" in d.columns
    centre_name = chart.extra.get("centre_name", "Centre")
    handles = [
        line_handle(centre_name),
        line_handle("95% limits", colour=MUTED, style="--", width=1),
        line_handle("99.8% limits", width=1),
    ]
    if has_cmp:
        handles += outcome_marker_handles(d["comparison"][~hidden])
    else:
        handles += [
            _marker_handle("Subject area", "D", SUBJECT_FILL, BORDER_COLOUR),
            _marker_handle("Other areas", "o", OTHER_AREA_FILL, MUTED),
        ]
    top = np.nanmax(np.concatenate([floats(limits["upper_99_8"]), val]), initial=0)
    ticks = value_ticks(top * 1.04 if top > 0 else 1.0)
    labels = tick_text(ticks)
    frame = Frame(
        height=145, left=EDGE + (LINE_PT + PAD if chart.unit else 0) + width_of(labels) + TICK,
        right=EDGE + 10, top=EDGE + 4, bottom=TICK + LINE_PT + PAD + LINE_PT, legend=legend(handles),
    )  # fmt: skip
    fig, ax = new_figure(frame)
    style_axes(ax)
    ax.plot(lx, floats(limits["centre"]), color=TEXT, linewidth=1.4)
    for col in ("lower_99_8", "upper_99_8"):
        ax.plot(lx, floats(limits[col]), color=TEXT, linewidth=1)
    for col in ("lower_95", "upper_95"):
        ax.plot(lx, floats(limits[col]), color=MUTED, linestyle="--", linewidth=1)
    names = [str(a) for a in d["area_name"]]
    cats = list(d["comparison"]) if has_cmp else [None] * len(d)
    texts = [
        f"{nm}: {with_unit(value_text(v, chart), chart)} (denominator {format_count(x)})"
        + (f"; {comparison_text(c)}" if isinstance(c, str) else "")
        for nm, v, x, c in zip(names, val, den, cats, strict=True)
    ]
    tips: Tips = {}
    keep = ~(np.isnan(den) | np.isnan(val))
    for is_subject in (False, True):
        rows = keep & (subject == is_subject)
        size, z = (95, 4) if is_subject else (32, 3)
        groups = {c for c, r in zip(cats, rows, strict=True) if r}
        for c in sorted(groups, key=lambda k: "" if k is None else str(k)):
            mask = rows & np.array([k == c for k in cats])
            if isinstance(c, str):
                style = marker_style(c)
            elif is_subject:
                style = {
                    "marker": "D",
                    "facecolor": SUBJECT_FILL,
                    "edgecolor": BORDER_COLOUR,
                    "linewidths": 0.8,
                }
            else:
                style = {"marker": "o", "facecolor": OTHER_AREA_FILL, "edgecolor": MUTED, "linewidths": 0.6}  # fmt: skip
            gid = f"pt-{'s' if is_subject else 'o'}-{c or 'all'}"
            ax.scatter(den[mask], val[mask], s=size, zorder=z, gid=gid, **style)
            tips[gid] = [texts[i] for i in np.flatnonzero(mask)]
    log = chart.extra.get("x_scale") == "log"
    all_x = np.concatenate([lx, den[keep]])
    right_x = float(np.nanmax(all_x)) if len(all_x) else 1.0
    if log:
        left_x = float(np.nanmin(all_x[all_x > 0])) if (all_x > 0).any() else 1.0
        ax.set_xscale("log")
        ax.set_xlim(left_x / 1.15, right_x * 1.15)
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    else:
        ax.set_xlim(0, right_x * 1.03)
        xt = value_ticks(right_x * 1.03)
        ax.set_xticks(xt, tick_text(xt))
    for i in np.flatnonzero(keep & subject):
        label = f"{names[i]} ({value_text(val[i], chart)})"
        frac = ax.transLimits.transform((den[i], val[i]))[0] if not log else 0.0
        flip = frac > 0.62
        ax.annotate(label, (den[i], val[i]), xytext=(-7 if flip else 7, 7), textcoords="offset points", ha="right" if flip else "left", fontweight="bold", zorder=5, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})  # fmt: skip
    ax.set_yticks(ticks, labels)
    ax.set_ylim(0, ticks[-1])
    ax.set_xlabel(_funnel_x_label(chart), color=TEXT)
    if chart.unit:
        ax.set_ylabel(chart.unit, color=TEXT)
    place_legend(fig, frame, handles)
    return fig, tips


def _marker_handle(label, marker, face, edge):
    return Line2D([], [], marker=marker, linestyle="none", markersize=7, markerfacecolor=face, markeredgecolor=edge, label=label)  # fmt: skip
