"""The data behind each chart, as the renderers read it: checked, reshaped, and as text.

Every chart kind draws ``Chart.data`` (columns documented on
:class:`dana.assess.model.Chart`); nothing here computes a statistic. The only arithmetic
is placement: the spine chart puts each indicator on a 0-1 axis with the benchmark at the
centre (Fingertips "Spine Charts" guide: the half-width is the larger distance from the
benchmark to the worst or best value, best drawn on the right).

Rows with ``suppressed`` true were withheld by disclosure control: every table and
tooltip shows ``*`` for them, never a number.

Numbers follow :mod:`dana.formatting`: a chart's value columns are written at the
precision of its headline (the subject area's value, or a trend's latest value), so a
column of values lines up ("95.3", "105.0", never "95.3" beside "105").
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dana.assess.model import Chart
from dana.formatting import SUPPRESSED, decimals_for, format_count, format_number, format_unit
from dana.render.style import comparison_text
from dana.vocabulary import COMPARISON_MARKERS

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
CHART_KINDS = tuple(REQUIRED_COLUMNS)


class ChartDataError(ValueError):
    """The chart's data does not have the columns or values its kind needs."""


def validate(chart: Chart) -> None:
    """Raise :class:`ChartDataError` naming the chart and what is missing or unknown."""
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
    if chart.kind == "pyramid":
        pyramid_frame(chart)  # checks sexes and repeated cells


def num(x: Any) -> float:
    """A float, NaN for missing (None, pd.NA, NaN)."""
    return float("nan") if x is None or pd.isna(x) else float(x)


def floats(column: pd.Series) -> np.ndarray:
    return column.map(num).to_numpy(float)


def trend_frame(chart: Chart) -> pd.DataFrame:
    """Trend rows in period order."""
    return chart.data.sort_values("period_sort", kind="stable").reset_index(drop=True)


def withheld(data: pd.DataFrame, kind: str) -> np.ndarray:
    """Rows whose value disclosure control withheld (``suppressed`` true). A compare_bar
    row with no value is also withheld: the model lists comparators without one only
    when their value is suppressed."""
    if "suppressed" in data.columns:
        flags = data["suppressed"].fillna(False).astype(bool).to_numpy()
    else:
        flags = np.zeros(len(data), dtype=bool)
    if kind == "compare_bar":
        flags = flags | data["value"].isna().to_numpy()
    return flags


def spine_frame(chart: Chart) -> pd.DataFrame:
    """Positions on a 0-1 axis: benchmark at 0.5, best to the right (presentation only)."""
    d = chart.data.reset_index(drop=True)
    cols = {c: floats(d[c]) for c in ("value", "benchmark_value", "worst", "q25", "q75", "best")}
    bench = cols["benchmark_value"]
    with np.errstate(invalid="ignore"):
        half = np.fmax(np.abs(cols["worst"] - bench), np.abs(cols["best"] - bench))
        orient = np.where(cols["best"] >= cols["worst"], 1.0, -1.0)
        drawable = ~np.isnan(half) & (half > 0)
        out = pd.DataFrame({"name": d["name"], "comparison": d["comparison"]})
        out["drawable"] = drawable
        for c in ("value", "worst", "q25", "q75", "best"):
            out[f"pos_{c}"] = np.where(
                drawable,
                0.5 + orient * (cols[c] - bench) / (2 * np.where(drawable, half, 1)),
                np.nan,
            )
    for c, values in cols.items():
        out[c] = values
    return out


def pyramid_frame(chart: Chart) -> tuple[pd.DataFrame, bool]:
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
    repeated = d[d.duplicated(["age", "sex"], keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        raise ChartDataError(
            f"chart {chart.id!r} (pyramid): more than one row for age {first['age']!r}, "
            f"sex {first['sex']!r}; the model must give one row per age band and sex"
        )
    has_share = (
        "share" in d.columns
        and "comparator_share" in d.columns
        and d["comparator_share"].notna().any()
    )

    def wide(column: str) -> pd.DataFrame:
        return d.pivot(index="age", columns="sex", values=column).reindex(ages)

    bars = wide("share" if has_share else "population")
    out = pd.DataFrame(
        {
            "age": ages,
            "male": bars["Male"].to_numpy(float),
            "female": bars["Female"].to_numpy(float),
        }
    )
    if has_share:
        outline = wide("comparator_share")
        out["cmp_male"] = outline["Male"].to_numpy(float)
        out["cmp_female"] = outline["Female"].to_numpy(float)
    return out, has_share


# --- text ------------------------------------------------------------------------------------


def headline_decimals(chart: Chart) -> int:
    """Decimal places of the chart's value columns: those of its headline value (the
    subject area's, or the latest period's), by :func:`dana.formatting.decimals_for`."""
    d = chart.data
    if chart.kind == "trend":
        values = floats(trend_frame(chart)["value"])
        shown = values[~np.isnan(values)]
        headline = shown[-1] if len(shown) else None
    elif "is_subject" in d.columns:
        subject = d[d["is_subject"].fillna(False).astype(bool)]
        headline = num(subject["value"].iloc[0]) if len(subject) else None
    else:
        headline = None
    return decimals_for(headline, chart.unit)


def value_text(value: Any, chart: Chart, decimals: int | None = None) -> str:
    """A value of the chart as text, at ``decimals`` (default: the headline's precision)."""
    places = headline_decimals(chart) if decimals is None else decimals
    return format_number(num(value), chart.unit, decimals=places)


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
    the HTML data tables and the appendices of the other renderers)."""
    validate(chart)
    d = trend_frame(chart) if chart.kind == "trend" else chart.data.reset_index(drop=True)
    hidden = withheld(d, chart.kind)
    places = headline_decimals(chart)

    def f(col: str) -> list[str]:
        return [format_number(num(v), chart.unit, decimals=places) for v in d[col]]

    def shown(col: str) -> list[str]:
        return [SUPPRESSED if w else t for w, t in zip(hidden, f(col), strict=True)]

    def cmp(col: str) -> list[str]:
        return [
            "" if w or not isinstance(c, str) else comparison_text(c)
            for w, c in zip(hidden, d[col], strict=True)
        ]

    if chart.kind == "trend":
        out = {
            "Period": [str(p) for p in d["period"]],
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
            "Area": [str(a) for a in d["area_name"]],
            "Value": shown("value"),
            "Lower CI": shown("lower"),
            "Upper CI": shown("upper"),
            "Compared with benchmark": cmp("comparison"),
        }
    elif chart.kind == "spine":
        out = {"Indicator": [str(n) for n in d["name"]]}
        columns = (
            ("Value", "value"),
            ("Benchmark", "benchmark_value"),
            ("Worst / lowest", "worst"),
            ("25th percentile", "q25"),
            ("75th percentile", "q75"),
            ("Best / highest", "best"),
        )
        row_places = [decimals_for(num(v)) for v in d["value"]]
        for header, col in columns:
            out[header] = [
                format_number(num(v), decimals=p) for v, p in zip(d[col], row_places, strict=True)
            ]
        out["Compared with benchmark"] = cmp("comparison")
    elif chart.kind == "funnel":
        out = {
            "Area": [str(a) for a in d["area_name"]],
            "Denominator": [format_count(num(v)) for v in d["denominator"]],
            "Value": shown("value"),
        }
        if "comparison" in d.columns:
            out["Compared with benchmark"] = cmp("comparison")
    else:  # pyramid
        out = {
            "Age": [str(a) for a in d["age"]],
            "Sex": [str(s) for s in d["sex"]],
            "Population": [format_count(num(v)) for v in d["population"]],
        }
        if "share" in d.columns:
            out["Share of residents (%)"] = [format_number(num(v), decimals=1) for v in d["share"]]
        if "comparator_share" in d.columns:
            name = chart.extra.get("comparator_name", "Comparator")
            out[f"{name} share (%)"] = [
                format_number(num(v), decimals=1) for v in d["comparator_share"]
            ]
    return pd.DataFrame(out)


def with_unit(text: str, chart: Chart) -> str:
    """A formatted value with the chart's unit (``"12.1%"``, ``"705 per 100,000"``)."""
    return format_unit(text, chart.unit)
