"""Charts for every renderer: static PNG (matplotlib) and interactive JSON (plotly).

Both are drawn from the same ``Chart.data`` (columns documented on
``dana.assess.model.Chart``) and never compute statistics: values, confidence limits,
comparison categories and funnel limits all come from the model. The only arithmetic is
placement on the page: the spine chart puts each indicator on a 0-1 axis with the
benchmark at the centre (Fingertips "Spine Charts" guide: the half-width is the larger
distance from the benchmark to the worst or best value, best drawn on the right), and the
pyramid draws males to the left of zero.

Every category is shown by colour AND shape (``_format.COMPARISON_MARKERS``/symbols), so
the charts read the same in greyscale and for colour-blind readers.

Chart ``extra`` keys read here (all optional):

- ``benchmark_name`` (trend, compare_bar), ``benchmark_value`` (compare_bar)
- ``limits`` (funnel, required), ``centre_name``, ``x_label`` (funnel)
- ``x_scale`` (funnel): ``"log"`` draws the denominator axis logarithmically
- ``comparator_name`` (pyramid); the pyramid draws the model's ``share`` and
  ``comparator_share`` percentages when both are given, otherwise people
- ``level`` (trend): the confidence level of the limits, for the hover text

Rows with ``suppressed`` true are withheld by disclosure control: they are drawn as "*"
and shown as "*" in the data table, never as a number.
"""

from __future__ import annotations

import base64
import io
import json
import textwrap
from collections import OrderedDict
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: renderers run on servers and in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from dana.assess.model import Chart  # noqa: E402
from dana.render._format import (  # noqa: E402
    SERIES_PALETTE,
    SUPPRESSED,
    comparison_colour,
    comparison_label,
    comparison_symbol,
    comparison_text,
    format_number,
)
from dana.vocabulary import BORDER_COLOUR, COMPARISON_MARKERS  # noqa: E402

__all__ = [
    "ChartDataError",
    "caption",
    "chart_table",
    "figure_size",
    "plotly_json",
    "static_png",
]

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "trend": ("period", "period_sort", "value", "lower", "upper"),
    "compare_bar": ("area_name", "value", "lower", "upper", "comparison", "is_subject"),
    "spine": (
        "indicator_id",
        "name",
        "value",
        "benchmark_value",
        "worst",
        "q25",
        "q75",
        "best",
        "comparison",
    ),
    "funnel": ("area_name", "denominator", "value", "is_subject"),
    "pyramid": ("age", "sex", "population"),
}
FUNNEL_LIMIT_COLUMNS = ("x", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "centre")

_FONT = "DejaVu Sans"  # ships with matplotlib and has the ▲▼●△▽○ glyphs
_TEXT = "#0B0C0C"
_MUTED = "#505A5F"  # GOV.UK secondary text, 7:1 on white
_RANGE_GREY = "#DDDDDD"
_IQR_GREY = "#9A9A9A"
_SEX_COLOURS = {"Male": SERIES_PALETTE[0], "Female": SERIES_PALETTE[1]}


class ChartDataError(ValueError):
    """The chart's data does not have the columns its kind needs."""


# --- shared preparation (used by both matplotlib and plotly) -----------------------------


def _validate(chart: Chart) -> None:
    if chart.kind not in REQUIRED_COLUMNS:
        raise ChartDataError(f"chart {chart.id!r}: unknown kind {chart.kind!r}")
    missing = [c for c in REQUIRED_COLUMNS[chart.kind] if c not in chart.data.columns]
    if missing:
        raise ChartDataError(
            f"chart {chart.id!r} ({chart.kind}): data is missing column(s) {', '.join(missing)}"
        )
    if chart.kind == "funnel":
        limits = chart.extra.get("limits")
        if not isinstance(limits, pd.DataFrame):
            raise ChartDataError(
                f"chart {chart.id!r} (funnel): extra['limits'] must be a DataFrame with "
                f"columns {', '.join(FUNNEL_LIMIT_COLUMNS)}"
            )
        missing = [c for c in FUNNEL_LIMIT_COLUMNS if c not in limits.columns]
        if missing:
            raise ChartDataError(
                f"chart {chart.id!r} (funnel): extra['limits'] is missing column(s) "
                f"{', '.join(missing)}"
            )
    if "comparison" in chart.data.columns:
        unknown = sorted(set(chart.data["comparison"].dropna()) - set(COMPARISON_MARKERS))
        if unknown:
            raise ChartDataError(
                f"chart {chart.id!r}: unknown comparison value(s) {', '.join(map(str, unknown))}"
            )


def _num(x: Any) -> float:
    """A float, NaN for missing (None, pd.NA, NaN)."""
    return float("nan") if x is None or pd.isna(x) else float(x)


def _fmt(x: Any, chart: Chart) -> str:
    return format_number(_num(x), chart.unit)


def _trend_frame(chart: Chart) -> pd.DataFrame:
    return chart.data.sort_values("period_sort", kind="stable").reset_index(drop=True)


def _spine_frame(chart: Chart) -> pd.DataFrame:
    """Positions on a 0-1 axis: benchmark at 0.5, best to the right (presentation only)."""
    d = chart.data.reset_index(drop=True)
    cols = {
        c: d[c].map(_num).astype(float)
        for c in ("value", "benchmark_value", "worst", "q25", "q75", "best")
    }
    bench = cols["benchmark_value"]
    half = np.maximum((cols["worst"] - bench).abs(), (cols["best"] - bench).abs())
    orient = np.where(cols["best"] >= cols["worst"], 1.0, -1.0)
    drawable = half.notna() & (half > 0)
    out = pd.DataFrame({"name": d["name"], "comparison": d["comparison"], "drawable": drawable})
    for c in ("value", "worst", "q25", "q75", "best"):
        out[f"pos_{c}"] = np.where(drawable, 0.5 + orient * (cols[c] - bench) / (2 * half), np.nan)
    for c in cols:
        out[c] = cols[c]
    return out


def _pyramid_frame(chart: Chart) -> tuple[pd.DataFrame, bool]:
    """One row per age band (data order) with male/female values and comparator shares.

    Values are the model's ``share`` percentages when it gives both ``share`` and
    ``comparator_share`` (so the two can be overlaid); otherwise people. Reshaping only.
    """
    d = chart.data
    ages = list(dict.fromkeys(d["age"]))
    sexes = set(d["sex"])
    if not {"Male", "Female"} <= sexes:
        raise ChartDataError(
            f"chart {chart.id!r} (pyramid): sex must include 'Male' and 'Female', got {sorted(sexes)}"
        )
    has_share = (
        "share" in d.columns
        and "comparator_share" in d.columns
        and d["comparator_share"].notna().any()
    )

    repeated = d[d.duplicated(["age", "sex"], keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise ChartDataError(
            f"chart {chart.id!r} (pyramid): more than one row for age {first['age']!r}, "
            f"sex {first['sex']!r}; the model must give one row per age band and sex"
        )

    def wide(column: str) -> pd.DataFrame:
        return d.pivot(index="age", columns="sex", values=column).reindex(ages)

    bars = wide("share" if has_share else "population")
    out = pd.DataFrame(
        {"age": ages, "male": bars["Male"].to_numpy(), "female": bars["Female"].to_numpy()}
    )
    if has_share:
        outline = wide("comparator_share")
        out["cmp_male"] = outline["Male"].to_numpy()
        out["cmp_female"] = outline["Female"].to_numpy()
    return out, has_share


def caption(chart: Chart) -> str:
    """Footnote text: unit, notes and source, as printed under every chart."""
    parts = []
    if chart.unit:
        parts.append(f"Unit: {chart.unit}.")
    if chart.notes:
        parts.append(chart.notes.strip())
    if chart.source:
        parts.append(f"Source: {chart.source.strip()}")
    return " ".join(parts)


def chart_table(chart: Chart) -> pd.DataFrame:
    """The data behind a chart as a display-ready table of strings (for screen readers,
    the HTML ``<details>`` and the appendices of the other renderers)."""
    _validate(chart)
    d = _trend_frame(chart) if chart.kind == "trend" else chart.data.reset_index(drop=True)
    withheld = _withheld(d, chart.kind)

    def f(col: str) -> list[str]:
        return [_fmt(v, chart) for v in d[col]]

    def shown(col: str) -> list[str]:
        """A value column: ``*`` where disclosure control withheld the value."""
        return [SUPPRESSED if w else t for w, t in zip(withheld, f(col), strict=True)]

    def cmp(col: str) -> list[str]:
        return [
            "" if w or not isinstance(c, str) else comparison_text(c)
            for w, c in zip(withheld, d[col], strict=True)
        ]

    if chart.kind == "trend":
        out = {
            "Period": list(d["period"]),
            "Value": shown("value"),
            "Lower CI": shown("lower"),
            "Upper CI": shown("upper"),
        }
        if "benchmark_value" in d.columns:
            out[chart.extra.get("benchmark_name", "Benchmark")] = f("benchmark_value")
        if "comparison" in d.columns:
            out["Compared with benchmark"] = cmp("comparison")
    elif chart.kind == "compare_bar":
        out = {
            "Area": list(d["area_name"]),
            "Value": shown("value"),
            "Lower CI": shown("lower"),
            "Upper CI": shown("upper"),
            "Compared with benchmark": cmp("comparison"),
        }
    elif chart.kind == "spine":
        out = {
            "Indicator": list(d["name"]),
            "Value": f("value"),
            "Benchmark": f("benchmark_value"),
            "Worst / lowest": f("worst"),
            "25th percentile": f("q25"),
            "75th percentile": f("q75"),
            "Best / highest": f("best"),
            "Compared with benchmark": cmp("comparison"),
        }
    elif chart.kind == "funnel":
        out = {
            "Area": list(d["area_name"]),
            "Denominator": [format_number(_num(v), "count") for v in d["denominator"]],
            "Value": shown("value"),
        }
        if "comparison" in d.columns:
            out["Compared with benchmark"] = cmp("comparison")
    else:  # pyramid
        out = {
            "Age": list(d["age"]),
            "Sex": list(d["sex"]),
            "Population": [format_number(_num(v), "count") for v in d["population"]],
        }
        if "share" in d.columns:
            out["Share of residents (%)"] = [
                format_number(_num(v), "", decimals=1) for v in d["share"]
            ]
        if "comparator_share" in d.columns:
            name = chart.extra.get("comparator_name", "Comparator")
            out[f"{name} share (%)"] = [
                format_number(_num(v), "", decimals=1) for v in d["comparator_share"]
            ]
    return pd.DataFrame(out)


def _withheld(d: pd.DataFrame, kind: str) -> np.ndarray:
    """Rows whose value disclosure control withheld (``suppressed`` true). A compare_bar
    row with no value is also withheld: the model lists comparators without one only
    when their value is suppressed."""
    if "suppressed" in d.columns:
        flags = d["suppressed"].fillna(False).astype(bool).to_numpy()
    else:
        flags = np.zeros(len(d), dtype=bool)
    if kind == "compare_bar":
        flags = flags | d["value"].isna().to_numpy()
    return flags


# --- matplotlib ---------------------------------------------------------------------------


def _marker_kwargs(comparison: str, confidence: float = 0.95) -> dict:
    shape, filled = COMPARISON_MARKERS[comparison]
    colour = comparison_colour(comparison, confidence)
    if comparison == "not_compared":
        colour = BORDER_COLOUR
    if filled:
        return {"marker": shape, "facecolor": colour, "edgecolor": BORDER_COLOUR}
    return {"marker": shape, "facecolor": "white", "edgecolor": colour, "linewidths": 2}


def _scatter_by_comparison(ax, x, y, comparisons, *, size: float, zorder: int = 3) -> None:
    """One ``scatter`` call per comparison category (not per point: each call is a
    separate artist, and drawing hundreds of them dominated rendering time)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keys = np.array([c if isinstance(c, str) else "" for c in comparisons], dtype=object)
    keep = ~(np.isnan(x) | np.isnan(y))
    for c in (c for c in COMPARISON_MARKERS if c in set(keys[keep])):
        mask = keep & (keys == c)
        ax.scatter(x[mask], y[mask], s=size, zorder=zorder, **_marker_kwargs(c))


def _comparison_handles(categories) -> list:
    handles = []
    for c in (c for c in COMPARISON_MARKERS if c in set(categories)):
        kw = _marker_kwargs(c)
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=kw["marker"],
                markersize=9,
                markerfacecolor=kw["facecolor"],
                markeredgecolor=kw["edgecolor"],
                markeredgewidth=kw.get("linewidths", 1),
                label=comparison_label(c),  # the marker itself shows the shape
            )
        )
    return handles


def _style_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=_TEXT, labelsize=9)
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)


def _thousands(ax_axis, decimals: int = 0) -> None:
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):,.{decimals}f}"))


def _draw_trend(ax, chart: Chart) -> list:
    d = _trend_frame(chart)
    x = np.arange(len(d))
    value = d["value"].map(_num).to_numpy(float)
    lower = d["lower"].map(_num).to_numpy(float)
    upper = d["upper"].map(_num).to_numpy(float)
    handles = []
    if "benchmark_value" in d.columns:
        name = chart.extra.get("benchmark_name", "Benchmark")
        (line,) = ax.plot(
            x,
            d["benchmark_value"].map(_num).to_numpy(float),
            color=_TEXT,
            linestyle="--",
            linewidth=1.5,
            label=name,
        )
        handles.append(line)
    yerr = np.vstack([value - lower, upper - value])
    ax.errorbar(
        x,
        value,
        yerr=yerr,
        color=SERIES_PALETTE[0],
        ecolor=_MUTED,
        capsize=4,
        linewidth=2,
        zorder=2,
    )
    handles.append(Line2D([], [], color=SERIES_PALETTE[0], linewidth=2, label="Area value"))
    handles.append(
        Line2D(
            [],
            [],
            color=_MUTED,
            marker="|",
            markersize=10,
            linestyle="none",
            label="Confidence interval",
        )
    )
    if "comparison" in d.columns:
        _scatter_by_comparison(ax, x, value, d["comparison"], size=70)
        handles += _comparison_handles(d["comparison"].dropna())
    else:
        ax.scatter(x, value, s=36, color=SERIES_PALETTE[0], zorder=3)
    for i in np.flatnonzero(_withheld(d, "trend")):
        ax.annotate(SUPPRESSED, (x[i], 0), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=14, color=_TEXT)  # fmt: skip
    ax.set_xticks(x, list(d["period"]))
    if max((len(str(p)) for p in d["period"]), default=0) * len(d) > 60:
        plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
    top = np.nanmax(
        np.concatenate(
            [upper, value, d.get("benchmark_value", pd.Series([np.nan])).map(_num).to_numpy(float)]
        )
    )
    ax.set_ylim(0, top * 1.12 if np.isfinite(top) and top > 0 else 1)
    ax.set_ylabel(chart.unit, color=_TEXT)
    return handles


def _draw_compare_bar(ax, chart: Chart) -> list:
    d = chart.data.reset_index(drop=True)
    n = len(d)
    y = np.arange(n)[::-1]  # first row at the top
    value = d["value"].map(_num).to_numpy(float)
    lower = d["lower"].map(_num).to_numpy(float)
    upper = d["upper"].map(_num).to_numpy(float)
    finite_top = np.nanmax(
        np.concatenate([upper, value, [_num(chart.extra.get("benchmark_value"))]])
    )
    span = finite_top if np.isfinite(finite_top) and finite_top > 0 else 1.0
    shown = ~np.isnan(value)
    ax.barh(
        y[shown],
        value[shown],
        height=0.65,
        color=[comparison_colour(c) for c in d["comparison"][shown]],
        edgecolor=BORDER_COLOUR,
        linewidth=0.8,
    )
    with_ci = shown & ~(np.isnan(lower) | np.isnan(upper))
    if with_ci.any():
        ax.errorbar(
            value[with_ci],
            y[with_ci],
            xerr=np.vstack([value[with_ci] - lower[with_ci], upper[with_ci] - value[with_ci]]),
            fmt="none",
            ecolor=_TEXT,
            capsize=4,
            linewidth=1.2,
        )
    for yi, vi, hi, c in zip(y, value, upper, d["comparison"], strict=True):
        if np.isnan(vi):
            ax.text(
                span * 0.01,
                yi,
                f"{SUPPRESSED} value not available",
                va="center",
                fontsize=9,
                color=_MUTED,
            )
            continue
        label_x = (hi if not np.isnan(hi) else vi) + span * 0.015
        ax.text(
            label_x,
            yi,
            f"{_fmt(vi, chart)} {comparison_symbol(c)}",
            va="center",
            fontsize=9,
            color=_TEXT,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
            zorder=4,
        )
    handles = []
    bench = _num(chart.extra.get("benchmark_value"))
    if not np.isnan(bench):
        name = chart.extra.get("benchmark_name", "Benchmark")
        ax.axvline(bench, color=_TEXT, linestyle="--", linewidth=1.5)
        handles.append(
            Line2D([], [], color=_TEXT, linestyle="--", label=f"{name}: {_fmt(bench, chart)}")
        )
    ax.set_yticks(y, list(d["area_name"]))
    for tick, subject in zip(ax.get_yticklabels(), d["is_subject"], strict=True):
        if bool(subject):
            tick.set_fontweight("bold")
    ax.set_xlim(0, span * 1.18)
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.8)
    ax.set_xlabel(chart.unit, color=_TEXT)
    _thousands(ax.xaxis)
    present = [c for c in COMPARISON_MARKERS if c in set(d["comparison"].dropna())]
    handles += [
        Patch(facecolor=comparison_colour(c), edgecolor=BORDER_COLOUR, label=comparison_text(c))
        for c in present
    ]
    return handles


def _draw_spine(ax, chart: Chart) -> list:
    s = _spine_frame(chart)
    n = len(s)
    y = np.arange(n)[::-1]
    ok = s["drawable"].to_numpy(bool)
    for lo_col, hi_col, colour in (
        ("pos_worst", "pos_best", _RANGE_GREY),
        ("pos_q25", "pos_q75", _IQR_GREY),
    ):
        lo = np.fmin(s[lo_col], s[hi_col]).to_numpy(float)[ok]
        hi = np.fmax(s[lo_col], s[hi_col]).to_numpy(float)[ok]
        ax.barh(y[ok], hi - lo, left=lo, height=0.6, color=colour, edgecolor="none")
    _scatter_by_comparison(
        ax, s["pos_value"].to_numpy(float)[ok], y[ok], s["comparison"][ok], size=110
    )
    for yi, row in zip(y, s.itertuples(index=False), strict=True):
        if not row.drawable:
            ax.text(
                0.5,
                yi,
                "No comparison available",
                ha="center",
                va="center",
                fontsize=9,
                color=_MUTED,
                zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
            )
    # Value columns to the right of the spine, so the numbers are readable without hovering.
    # They are placed in points from the axes' right edge (not in axes fractions), so the
    # columns never overlap however narrow the figure.
    right_pt = 0.0
    for header, col in (("Area", "value"), ("England", "benchmark_value")):
        texts = [_fmt(v, chart) for v in s[col]]
        right_pt += 10 + 5.6 * max(len(t) for t in [header, *texts])  # ~9 pt glyph width
        place = {"xycoords": ("axes fraction", "data"), "textcoords": "offset points"}
        ax.annotate(header, (1, n - 0.35), xytext=(right_pt, 0), ha="right", va="bottom", fontsize=9, fontweight="bold", color=_TEXT, **place)  # fmt: skip
        for yi, text in zip(y, texts, strict=True):
            ax.annotate(text, (1, yi), xytext=(right_pt, 0), ha="right", va="center", fontsize=9, color=_TEXT, **place)  # fmt: skip
    ax.axvline(0.5, color=_TEXT, linewidth=1.5, zorder=2)
    # Labels wrap narrower on a narrow figure, so the spine keeps at least half the width.
    narrow = ax.figure.get_figwidth() < 5.5
    wrap = 22 if narrow else 34
    ax.set_yticks(y, ["\n".join(textwrap.wrap(str(nm), wrap)) for nm in s["name"]])
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, n - 0.2)
    ends = ("Worst", "Best") if narrow else ("Worst / lowest", "Best / highest")
    ax.set_xticks([0, 0.5, 1], [ends[0], "England", ends[1]])
    ax.grid(visible=False)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    handles = _comparison_handles(s["comparison"].dropna())
    handles += [
        Patch(facecolor=_RANGE_GREY, label="Range of areas"),
        Patch(facecolor=_IQR_GREY, label="25th to 75th percentile"),
        Line2D([], [], color=_TEXT, linewidth=1.5, label="England value"),
    ]
    return handles


def _draw_funnel(ax, chart: Chart) -> list:
    limits = chart.extra["limits"].sort_values("x")
    lx = limits["x"].to_numpy(float)
    centre_name = chart.extra.get("centre_name", "Centre")
    ax.plot(lx, limits["centre"], color=_TEXT, linewidth=1.5)
    for col in ("lower_99_8", "upper_99_8"):
        ax.plot(lx, limits[col], color=_TEXT, linestyle="-", linewidth=1, alpha=0.8)
    for col in ("lower_95", "upper_95"):
        ax.plot(lx, limits[col], color=_MUTED, linestyle="--", linewidth=1)
    handles = [
        Line2D([], [], color=_TEXT, linewidth=1.5, label=centre_name),
        Line2D([], [], color=_MUTED, linestyle="--", label="95% limits"),
        Line2D([], [], color=_TEXT, linewidth=1, label="99.8% limits"),
    ]
    d = chart.data
    has_cmp = "comparison" in d.columns
    # Points sharing a style are drawn by one scatter call (one artist per style).
    groups: dict[tuple, tuple[dict, list, list]] = {}
    for row in d.itertuples(index=False):
        x, v = _num(row.denominator), _num(row.value)
        if np.isnan(x) or np.isnan(v):
            continue
        subject = bool(row.is_subject)
        category = row.comparison if has_cmp and isinstance(row.comparison, str) else None
        if category is not None:
            kw = _marker_kwargs(category)
        elif subject:
            kw = {"marker": "D", "facecolor": SERIES_PALETTE[1], "edgecolor": BORDER_COLOUR}
        else:
            kw = {"marker": "o", "facecolor": "#B1B4B6", "edgecolor": _MUTED}
        kw = {**kw, "s": 110 if subject else 45, "zorder": 3 if subject else 2}
        _, xs, vs = groups.setdefault((category, subject), (kw, [], []))
        xs.append(x)
        vs.append(v)
        if subject:
            ax.annotate(
                f"{row.area_name} ({_fmt(v, chart)})",
                (x, v),
                xytext=(8, 8),
                textcoords="offset points",
                fontsize=9,
                fontweight="bold",
                color=_TEXT,
            )
    for kw, xs, vs in groups.values():
        ax.scatter(xs, vs, **kw)
    if has_cmp:
        handles += _comparison_handles(d["comparison"].dropna())
    else:
        handles += [
            Line2D([], [], marker="D", linestyle="none", markerfacecolor=SERIES_PALETTE[1], markeredgecolor=BORDER_COLOUR, label="Subject area"),
            Line2D([], [], marker="o", linestyle="none", markerfacecolor="#B1B4B6", markeredgecolor=_MUTED, label="Other areas"),
        ]  # fmt: skip
    ax.set_xlabel(_funnel_x_label(chart), color=_TEXT)
    ax.set_ylabel(chart.unit, color=_TEXT)
    right = max(lx.max(), np.nanmax(d["denominator"].map(_num).to_numpy(float)))
    if _log_x(chart):
        left = min(lx.min(), np.nanmin(d["denominator"].map(_num).to_numpy(float)))
        ax.set_xscale("log")
        ax.set_xlim(left / 1.15, right * 1.15)
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    else:
        ax.set_xlim(0, right * 1.03)
    _thousands(ax.xaxis)
    ymax = np.nanmax(
        np.concatenate([limits["upper_99_8"].to_numpy(float), d["value"].map(_num).to_numpy(float)])
    )
    ax.set_ylim(0, ymax * 1.08)
    return handles


def _log_x(chart: Chart) -> bool:
    return chart.extra.get("x_scale") == "log"


def _funnel_x_label(chart: Chart) -> str:
    label = chart.extra.get("x_label", "Denominator")
    return f"{label} (logarithmic scale)" if _log_x(chart) else label


def _draw_pyramid(ax, chart: Chart) -> list:
    p, has_share = _pyramid_frame(chart)
    y = np.arange(len(p))
    ax.barh(y, -p["male"], height=0.85, color=_SEX_COLOURS["Male"], label="Male")
    ax.barh(y, p["female"], height=0.85, color=_SEX_COLOURS["Female"], label="Female")
    handles = [
        Patch(facecolor=_SEX_COLOURS["Male"], label="Male"),
        Patch(facecolor=_SEX_COLOURS["Female"], label="Female"),
    ]
    if has_share:
        name = chart.extra.get("comparator_name", "Comparator")
        edges = np.append(y - 0.5, y[-1] + 0.5)
        for values, sign in ((p["cmp_male"], -1), (p["cmp_female"], 1)):
            ax.stairs(
                sign * values.to_numpy(float),
                edges,
                orientation="horizontal",
                color=_TEXT,
                linewidth=1.5,
                baseline=None,
            )
        handles.append(Line2D([], [], color=_TEXT, linewidth=1.5, label=name))
        ax.set_xlabel("Percentage of total population", color=_TEXT)
        _thousands(ax.xaxis, 1)
    else:
        ax.set_xlabel(chart.unit or "People", color=_TEXT)
        _thousands(ax.xaxis)
    lim = np.nanmax(np.abs(ax.get_xlim()))
    ax.set_xlim(-lim, lim)
    ax.axvline(0, color=_TEXT, linewidth=0.8)
    ax.set_yticks(y, list(p["age"]))
    ax.set_ylim(-0.6, len(p) - 0.4)
    ax.text(
        0.25,
        1.0,
        "Male",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontweight="bold",
        color=_TEXT,
    )
    ax.text(
        0.75,
        1.0,
        "Female",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontweight="bold",
        color=_TEXT,
    )
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.8)
    return handles


_DRAW = {
    "trend": _draw_trend,
    "compare_bar": _draw_compare_bar,
    "spine": _draw_spine,
    "funnel": _draw_funnel,
    "pyramid": _draw_pyramid,
}


def _height_in(chart: Chart, width_in: float) -> float:
    if chart.kind == "compare_bar":  # one line of label per bar
        return 1.9 + 0.36 * len(chart.data)
    if chart.kind == "spine":  # labels wrap to two lines
        return 1.9 + 0.5 * len(chart.data)
    if chart.kind == "pyramid":
        return max(width_in * 0.7, 1.9 + 0.28 * chart.data["age"].nunique())
    # Not flatter than 3.2 inches: a narrow chart still needs room for its legend rows.
    return max(width_in * 0.62, 3.2)


def figure_size(chart: Chart, width_in: float) -> tuple[float, float]:
    """(width, height) in inches of the figure :func:`static_png` draws at ``width_in``,
    without drawing it. The PNG is cropped to its contents with a small margin, so its
    size is within a few tenths of an inch of this; use the PNG's own size to place it."""
    _validate(chart)
    return width_in, _height_in(chart, width_in)


def _legend_columns(handles: list, width_in: float, fontsize: float = 9) -> int:
    """As many legend columns (at most 4) as fit across ``width_in``, so a narrow figure
    wraps its legend instead of collapsing the axes to make room for it."""
    char_in = fontsize * 0.6 / 72  # a generous average glyph width for DejaVu Sans
    entry_in = max(len(h.get_label()) for h in handles) * char_in + 0.6  # + marker, gaps
    return max(1, min(len(handles), 4, int((width_in - 0.3) // entry_in)))


# Drawn PNGs, most recently used last, so the DOCX, PDF and PPTX renderers of one run
# share a drawing instead of each drawing the same chart again. The key uses id(chart);
# the value holds the chart itself so the id cannot be reused while the entry lives.
_PNG_CACHE: OrderedDict[tuple, tuple[Chart, bytes]] = OrderedDict()
_PNG_CACHE_SIZE = 256


def static_png(
    chart: Chart, *, width_in: float = 8.0, dpi: int = 150, titled: bool = True
) -> bytes:
    """Draw ``chart`` with matplotlib and return PNG bytes.

    With ``titled`` the image carries its title above and the caption (unit, notes,
    source) below, so it stands alone on a slide or page; renderers that print the title
    and caption themselves can pass ``titled=False``. Results are memoised per chart
    object, width (to 0.01 inch), dpi and ``titled`` for the life of the process (charts
    are frozen), so several renderers asking for the same picture draw it once.
    """
    width_in = round(float(width_in), 2)
    key = (id(chart), width_in, int(dpi), bool(titled))
    hit = _PNG_CACHE.get(key)
    if hit is not None and hit[0] is chart:
        _PNG_CACHE.move_to_end(key)
        return hit[1]
    png = _draw_png(chart, width_in, int(dpi), bool(titled))
    _PNG_CACHE[key] = (chart, png)
    while len(_PNG_CACHE) > _PNG_CACHE_SIZE:
        _PNG_CACHE.popitem(last=False)
    return png


def _draw_png(chart: Chart, width_in: float, dpi: int, titled: bool) -> bytes:
    _validate(chart)
    height = _height_in(chart, width_in)
    with plt.rc_context({"font.family": _FONT, "font.size": 10, "axes.edgecolor": _MUTED}):
        # A hairline second row holds the legend and footnote: constrained layout makes
        # room for an axes' legend and annotations, so nothing overlaps however long.
        fig, (ax, footer) = plt.subplots(
            2,
            1,
            figsize=(width_in, height),
            dpi=dpi,
            layout="constrained",
            height_ratios=[1, 0.001],
        )
        try:
            _style_axes(ax)
            footer.axis("off")
            handles = _DRAW[chart.kind](ax, chart)
            legend = None
            if handles:
                legend = footer.legend(
                    handles=handles,
                    loc="upper center",
                    bbox_to_anchor=(0.5, 1.0),
                    ncol=_legend_columns(handles, width_in),
                    frameon=False,
                    fontsize=9,
                )
            wrap = max(30, int(width_in * 8))  # 12 pt bold: about 8 characters an inch
            if titled:
                fig.suptitle(
                    "\n".join(textwrap.wrap(chart.title, wrap)),
                    fontsize=12,
                    fontweight="bold",
                    color=_TEXT,
                    x=0.01,
                    ha="left",
                )
                foot = caption(chart)
                if foot:
                    footer.annotate(
                        "\n".join(textwrap.wrap(foot, int(wrap * 1.5))),
                        xy=(0, 0) if legend is not None else (0, 1),
                        xycoords=("axes fraction", legend)
                        if legend is not None
                        else "axes fraction",
                        xytext=(0, -6),
                        textcoords="offset points",
                        ha="left",
                        va="top",
                        fontsize=8,
                        color=_MUTED,
                    )
            buf = io.BytesIO()
            fig.savefig(
                buf,
                format="png",
                dpi=dpi,
                bbox_inches="tight",
                pad_inches=0.15,
                metadata={"Title": chart.title, "Description": chart.alt_text},
            )
        finally:
            plt.close(fig)
    return buf.getvalue()


# --- plotly -------------------------------------------------------------------------------

_PLOTLY_SYMBOLS = {"^": "triangle-up", "v": "triangle-down", "o": "circle"}


def _plotly_marker(comparison: str, size: int = 12) -> dict:
    shape, filled = COMPARISON_MARKERS[comparison]
    symbol = _PLOTLY_SYMBOLS[shape] + ("" if filled else "-open")
    colour = BORDER_COLOUR if comparison == "not_compared" else comparison_colour(comparison)
    line = {"color": BORDER_COLOUR, "width": 1} if filled else {"color": colour, "width": 2}
    return {"symbol": symbol, "color": colour, "size": size, "line": line}


def _by_comparison(comparisons, values) -> dict[str, list[int]]:
    """Row positions per comparison category (rows with a value), in category order, so
    each category is one trace rather than one trace per point."""
    rows: dict[str, list[int]] = {}
    for i, (c, v) in enumerate(zip(comparisons, values, strict=True)):
        if isinstance(c, str) and not np.isnan(_num(v)):
            rows.setdefault(c, []).append(i)
    return {c: rows[c] for c in COMPARISON_MARKERS if c in rows}


def _plotly_comparison_legend(fig: go.Figure, categories) -> None:
    """Legend-only traces so each category's colour+shape+label is explained."""
    for c in (c for c in COMPARISON_MARKERS if c in set(categories)):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=_plotly_marker(c),
                name=comparison_label(c),
                hoverinfo="skip",
            )
        )


def _plotly_trend(fig: go.Figure, chart: Chart) -> None:
    d = _trend_frame(chart)
    value = d["value"].map(_num)
    periods = [str(p) for p in d["period"]]
    if "benchmark_value" in d.columns:
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=d["benchmark_value"].map(_num),
                mode="lines",
                line={"color": _TEXT, "dash": "dash"},
                name=chart.extra.get("benchmark_name", "Benchmark"),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=value,
            mode="lines+markers",
            line={"color": SERIES_PALETTE[0], "width": 2},
            marker={"color": SERIES_PALETTE[0], "size": 8},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": d["upper"].map(_num) - value,
                "arrayminus": value - d["lower"].map(_num),
                "color": _MUTED,
            },
            customdata=np.column_stack([d["lower"].map(_num), d["upper"].map(_num)]),
            hovertemplate="%{x}: %{y:,.1f} ("
            + _level_text(chart)
            + "CI %{customdata[0]:,.1f} to %{customdata[1]:,.1f})<extra></extra>",
            name="Area value (with confidence interval)",
        )
    )
    if "comparison" in d.columns:
        for c, rows in _by_comparison(d["comparison"], value).items():
            fig.add_trace(
                go.Scatter(
                    x=[periods[i] for i in rows],
                    y=value.iloc[rows],
                    mode="markers",
                    marker=_plotly_marker(c),
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        _plotly_comparison_legend(fig, d["comparison"].dropna())
    for i in np.flatnonzero(_withheld(d, "trend")):
        fig.add_annotation(
            x=periods[i], y=0, yanchor="bottom", text=SUPPRESSED, showarrow=False,
            hovertext="Suppressed (small numbers)", font={"color": _TEXT, "size": 16},
        )  # fmt: skip
    fig.update_yaxes(title_text=chart.unit, rangemode="tozero")


def _level_text(chart: Chart) -> str:
    """``"95% "`` from the chart's ``level``, or nothing when the model gives none."""
    level = chart.extra.get("level")
    return f"{float(level) * 100:g}% " if level else ""


def _plotly_compare_bar(fig: go.Figure, chart: Chart) -> None:
    d = chart.data.reset_index(drop=True)
    value = d["value"].map(_num)
    names = [
        f"<b>{n}</b>" if bool(s) else str(n)
        for n, s in zip(d["area_name"], d["is_subject"], strict=True)
    ]
    fig.add_trace(
        go.Bar(
            y=names,
            x=value,
            orientation="h",
            marker={
                "color": [comparison_colour(c) for c in d["comparison"]],
                "line": {"color": BORDER_COLOUR, "width": 1},
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": d["upper"].map(_num) - value,
                "arrayminus": value - d["lower"].map(_num),
                "color": _TEXT,
            },
            customdata=[comparison_label(c) for c in d["comparison"]],
            hovertemplate="%{y}: %{x:,.1f} (%{customdata})<extra></extra>",
            showlegend=False,
        )
    )
    # Value labels sit past the upper limit so error bars never cross them.
    upper = d["upper"].map(_num)
    fig.add_trace(
        go.Scatter(
            y=names,
            x=[
                0 if np.isnan(v) else (u if not np.isnan(u) else v)
                for v, u in zip(value, upper, strict=True)
            ],
            mode="text",
            text=[
                f"  {SUPPRESSED} value not available"
                if np.isnan(v)
                else f"  {_fmt(v, chart)} {comparison_symbol(c)}"
                for v, c in zip(value, d["comparison"], strict=True)
            ],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    bench = _num(chart.extra.get("benchmark_value"))
    if not np.isnan(bench):
        name = chart.extra.get("benchmark_name", "Benchmark")
        fig.add_vline(x=bench, line={"color": _TEXT, "dash": "dash"})
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                line={"color": _TEXT, "dash": "dash"},
                name=f"{name}: {_fmt(bench, chart)}",
            )
        )
    for c in (c for c in COMPARISON_MARKERS if c in set(d["comparison"].dropna())):
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                marker={
                    "color": comparison_colour(c),
                    "line": {"color": BORDER_COLOUR, "width": 1},
                },
                name=comparison_text(c),
            )
        )
    top = np.nanmax(np.concatenate([upper.to_numpy(float), value.to_numpy(float), [bench]]))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=chart.unit, range=[0, (top if np.isfinite(top) and top > 0 else 1) * 1.2]
    )


def _plotly_spine(fig: go.Figure, chart: Chart) -> None:
    s = _spine_frame(chart)
    names = [str(n) for n in s["name"]]
    ok = s[s["drawable"]]
    ok_names = [str(n) for n in ok["name"]]
    lo = np.minimum(ok["pos_worst"], ok["pos_best"])
    qlo = np.minimum(ok["pos_q25"], ok["pos_q75"])
    fig.add_trace(
        go.Bar(
            y=ok_names,
            x=(ok["pos_worst"] - ok["pos_best"]).abs(),
            base=lo,
            orientation="h",
            marker={"color": _RANGE_GREY},
            name="Range of areas",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Bar(
            y=ok_names,
            x=(ok["pos_q25"] - ok["pos_q75"]).abs(),
            base=qlo,
            orientation="h",
            marker={"color": _IQR_GREY},
            name="25th to 75th percentile",
            hoverinfo="skip",
        )
    )
    ok = ok.reset_index(drop=True)
    for c, rows in _by_comparison(ok["comparison"], ok["pos_value"]).items():
        part = ok.iloc[rows]
        fig.add_trace(
            go.Scatter(
                x=part["pos_value"],
                y=[str(n) for n in part["name"]],
                mode="markers",
                marker=_plotly_marker(c, 16),
                showlegend=False,
                text=[
                    f"{r.name}: {_fmt(r.value, chart)} (England {_fmt(r.benchmark_value, chart)}; "
                    f"{comparison_label(c)})"
                    for r in part.itertuples(index=False)
                ],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    for row in s[~s["drawable"]].itertuples(index=False):
        fig.add_annotation(
            x=0.5,
            y=str(row.name),
            text="No comparison available",
            showarrow=False,
            bgcolor="white",
            font={"color": _MUTED},
        )
    _plotly_comparison_legend(fig, s["comparison"].dropna())
    fig.add_vline(x=0.5, line={"color": _TEXT, "width": 2}, layer="above")
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(categoryorder="array", categoryarray=names, range=[len(names) - 0.5, -0.5])
    fig.update_xaxes(
        range=[-0.02, 1.02],
        tickvals=[0, 0.5, 1],
        ticktext=["Worst / lowest", "England", "Best / highest"],
    )


def _plotly_funnel(fig: go.Figure, chart: Chart) -> None:
    limits = chart.extra["limits"].sort_values("x")
    fig.add_trace(
        go.Scatter(
            x=limits["x"],
            y=limits["centre"],
            mode="lines",
            line={"color": _TEXT},
            name=chart.extra.get("centre_name", "Centre"),
        )
    )
    for lo, hi, name, dash, colour in (
        ("lower_95", "upper_95", "95% limits", "dash", _MUTED),
        ("lower_99_8", "upper_99_8", "99.8% limits", "solid", _TEXT),
    ):
        for i, col in enumerate((lo, hi)):
            fig.add_trace(
                go.Scatter(
                    x=limits["x"],
                    y=limits[col],
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": 1},
                    name=name,
                    legendgroup=name,
                    showlegend=i == 0,
                    hoverinfo="skip",
                )
            )
    d = chart.data
    has_cmp = "comparison" in d.columns
    # One trace per marker style (not per area): hundreds of traces made the figure slow
    # to build here and to draw in the browser.
    groups: dict[tuple, tuple[dict, list]] = {}
    for row in d.itertuples(index=False):
        subject = bool(row.is_subject)
        category = row.comparison if has_cmp and isinstance(row.comparison, str) else None
        if category is not None:
            marker = _plotly_marker(category, 14 if subject else 10)
        elif subject:
            marker = {
                "symbol": "diamond",
                "color": SERIES_PALETTE[1],
                "size": 14,
                "line": {"color": BORDER_COLOUR, "width": 1},
            }
        else:
            marker = {
                "symbol": "circle",
                "color": "#B1B4B6",
                "size": 9,
                "line": {"color": _MUTED, "width": 1},
            }
        groups.setdefault((category, subject), (marker, []))[1].append(row)
    for (_, subject), (marker, rows) in groups.items():
        fig.add_trace(
            go.Scatter(
                x=[_num(r.denominator) for r in rows],
                y=[_num(r.value) for r in rows],
                mode="markers+text" if subject else "markers",
                text=[f"<b>{r.area_name}</b>" if subject else str(r.area_name) for r in rows],
                textposition="top right",
                marker=marker,
                name=", ".join(str(r.area_name) for r in rows) if subject else "Other areas",
                showlegend=False,
                hovertemplate="%{text}: %{y:,.1f} (denominator %{x:,.0f})<extra></extra>",
            )
        )
    if has_cmp:
        _plotly_comparison_legend(fig, d["comparison"].dropna())
    if _log_x(chart):
        fig.update_xaxes(title_text=_funnel_x_label(chart), type="log")
    else:
        fig.update_xaxes(title_text=_funnel_x_label(chart), rangemode="tozero")
    fig.update_yaxes(title_text=chart.unit, rangemode="tozero")


def _plotly_pyramid(fig: go.Figure, chart: Chart) -> None:
    p, has_share = _pyramid_frame(chart)
    ages = list(p["age"])
    fmt = ",.1f" if has_share else ",.0f"
    for sex, col, sign in (("Male", "male", -1), ("Female", "female", 1)):
        fig.add_trace(
            go.Bar(
                y=ages,
                x=sign * p[col],
                orientation="h",
                name=sex,
                marker={"color": _SEX_COLOURS[sex]},
                customdata=p[col],
                hovertemplate=f"{sex} %{{y}}: %{{customdata:{fmt}}}<extra></extra>",
            )
        )
    if has_share:
        name = chart.extra.get("comparator_name", "Comparator")
        for i, (col, sign) in enumerate((("cmp_male", -1), ("cmp_female", 1))):
            fig.add_trace(
                go.Scatter(
                    y=ages,
                    x=sign * p[col],
                    mode="lines",
                    line={"color": _TEXT, "shape": "vhv", "width": 1.5},
                    name=name,
                    legendgroup=name,
                    showlegend=i == 0,
                )
            )
    # Males are drawn left of zero; label the ticks with magnitudes, not negatives.
    top = float(np.nanmax(p[[c for c in p.columns if c != "age"]].to_numpy(float)))
    ticks = [t for t in MaxNLocator(4).tick_values(0, top) if 0 <= t <= top * 1.05]
    tick_vals = [-t for t in ticks[:0:-1]] + ticks
    fig.update_layout(barmode="overlay", bargap=0.1)
    fig.update_xaxes(
        title_text="Percentage of total population" if has_share else (chart.unit or "People"),
        tickvals=tick_vals,
        ticktext=[f"{abs(t):{fmt}}" for t in tick_vals],
        range=[-top * 1.08, top * 1.08],
    )
    fig.update_yaxes(categoryorder="array", categoryarray=ages)


_PLOTLY = {
    "trend": _plotly_trend,
    "compare_bar": _plotly_compare_bar,
    "spine": _plotly_spine,
    "funnel": _plotly_funnel,
    "pyramid": _plotly_pyramid,
}


def plotly_json(chart: Chart) -> dict:
    """The chart as a plain-JSON plotly figure (``{"data": [...], "layout": {...}}``)."""
    _validate(chart)
    fig = go.Figure()
    _PLOTLY[chart.kind](fig, chart)
    rows = len(chart.data) if chart.kind in ("compare_bar", "spine") else 0
    fig.update_layout(
        template="simple_white",
        font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": _TEXT},
        title={"text": chart.title, "font": {"size": 16}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        margin={"l": 10, "r": 80 if chart.kind == "spine" else 20, "t": 60, "b": 10},
        height=max(420, 160 + 48 * rows) if rows else 460,
        meta={"chart_id": chart.id, "alt_text": chart.alt_text},
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return _plain(json.loads(fig.to_json()))


_JSON_DIGITS = 6  # significant figures kept in the drawing spec


def _compact(v: float) -> float | None:
    """A float for drawing: NaN becomes None, and binary noise (0.30000000000000004) is
    cut to ``_JSON_DIGITS`` significant figures, far finer than a pixel or a hover label.
    Only the drawing spec is rounded; data tables are formatted from the model's values."""
    if np.isnan(v):
        return None
    return float(f"{v:.{_JSON_DIGITS}g}")


def _plain(obj: Any) -> Any:
    """Replace plotly's base64 typed arrays (``{"dtype", "bdata"}``) with plain lists, so
    the spec is readable, diffable and usable by any consumer; NaN becomes None and floats
    are compacted (:func:`_compact`)."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                shape = obj["shape"]
                arr = arr.reshape(
                    [int(n) for n in str(shape).split(",")] if isinstance(shape, str) else shape
                )
            return _plain(arr.tolist())
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, float):
        return _compact(obj)
    return obj
