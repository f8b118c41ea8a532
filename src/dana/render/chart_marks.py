"""Marks shared by the chart kinds: outcome markers in groups (one artist per style,
each named so the HTML layer can attach every point's tooltip), legend sizing and the
interval text of tooltips."""

from __future__ import annotations

import numpy as np

from dana.assess.model import Chart
from dana.formatting import format_level
from dana.render.chart_data import num, value_text
from dana.render.chart_layout import EDGE, legend_layout
from dana.render.chart_style import WIDTH_IN, marker_style, present_outcomes

Tips = dict[str, list[str]]
FULL_WIDTH = WIDTH_IN * 72


def legend(handles):
    """How the legend of ``handles`` wraps across the picture."""
    return legend_layout([h.get_label() for h in handles], FULL_WIDTH - 2 * EDGE)


def scatter_groups(ax, x, y, categories, texts, tips: Tips, *, prefix: str, size: float):
    """One scatter per outcome (one artist per style, not per point), each named by a
    gid so the HTML layer can attach every point's tooltip."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keys = np.array([c if isinstance(c, str) else "" for c in categories], dtype=object)
    keep = ~(np.isnan(x) | np.isnan(y))
    for c in present_outcomes(keys[keep]):
        mask = keep & (keys == c)
        gid = f"{prefix}-{c}"
        ax.scatter(x[mask], y[mask], s=size, zorder=3, gid=gid, **marker_style(c))
        tips[gid] = [texts[i] for i in np.flatnonzero(mask)]


def interval_text(chart: Chart, lo, hi) -> str:
    if np.isnan(num(lo)) or np.isnan(num(hi)):
        return ""
    level = chart.extra.get("level")
    prefix = f"{format_level(float(level))} CI" if level else "CI"
    return f" ({prefix} {value_text(lo, chart)} to {value_text(hi, chart)})"
