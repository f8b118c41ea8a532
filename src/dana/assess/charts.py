"""Chart specs: the tidy data each chart draws, and alt text written from that data.

Renderers draw :class:`~dana.assess.model.Chart` objects and never compute; so the
funnel limits (:func:`dana.stats.funnel_limits`), the spine chart's quartiles
(:func:`dana.stats.quantiles`) and each bar's comparison (:func:`dana.stats.compare`)
are all worked out here. Values shown come from the disclosure-controlled rows, limits
and quartiles from the unrounded ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.areas import ENGLAND
from dana.assess.comparators import Comparators
from dana.assess.figures import TESTED_METHODS, IndicatorResult, limit_columns, utla_rows
from dana.assess.findings import with_unit
from dana.assess.model import Chart
from dana.formatting import decimals_for
from dana.vocabulary import NOT_COMPARED

#: Funnel plots need enough areas to be meaningful.
MIN_FUNNEL_AREAS = 10
#: Funnel plots use a logarithmic denominator axis when the largest denominator is more
#: than this many times the smallest: on a linear axis most areas bunch at the left.
FUNNEL_LOG_SPAN = 100
_FUNNEL_STATISTIC = {"proportion": "proportion", "crude_rate": "rate"}


def _values(frame: pd.DataFrame, column: str = "value") -> pd.Series:
    return frame[column].astype(float)


def _tally(comparisons: pd.Series) -> str:
    """'3 similar, 1 worse, 1 not compared': how many areas or rows fell in each category."""
    counts = comparisons.value_counts()
    return ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in counts.items())


def compare_bar_chart(result: IndicatorResult, comparators: Comparators) -> Chart | None:
    """The area and its comparators at the reported period, each compared with England."""
    figure = result.figure
    if result.indicator.comparison not in TESTED_METHODS or not comparators.neighbours:
        return None
    england = figure.benchmark(ENGLAND)
    if england is None or england.benchmark_value is None:
        return None
    low, high = limit_columns(result.level)
    codes = [comparators.subject.code] + [a.code for a in comparators.neighbours]
    names = {a.code: a.name for a in (comparators.subject, *comparators.neighbours)}
    at = result.rows[
        result.rows["area_code"].isin(codes) & (result.rows["period_sort"] == result.period_sort)
    ]
    withheld_rows = at[at["value"].isna() & at["suppressed"].astype(bool)]
    at = at[at["value"].notna()]
    if len(at) < 2 or comparators.subject.code not in set(at["area_code"]):
        return None
    judged = stats.compare(
        _values(at).to_numpy(),
        _values(at, low).to_numpy(),
        _values(at, high).to_numpy(),
        england.benchmark_value,
        polarity=figure.polarity,
        confidence=result.level,
    )
    data = (
        pd.DataFrame(
            {
                "area_name": [names[c] for c in at["area_code"]],
                "value": _values(at).to_numpy(),
                "lower": _values(at, low).to_numpy(),
                "upper": _values(at, high).to_numpy(),
                "comparison": judged["comparison"].astype(str).to_numpy(),
                "is_subject": (at["area_code"] == comparators.subject.code).to_numpy(),
                "suppressed": False,
            }
        )
        .sort_values("value", ascending=False, kind="mergesort")
        .reset_index(drop=True)
    )
    top, bottom = data.iloc[0], data.iloc[-1]
    if len(withheld_rows):  # listed last, shown as "*" and not compared
        hidden = pd.DataFrame(
            {
                "area_name": [names[c] for c in withheld_rows["area_code"]],
                "value": np.nan,
                "lower": np.nan,
                "upper": np.nan,
                "comparison": NOT_COMPARED,
                "is_subject": False,
                "suppressed": True,
            }
        )
        data = pd.concat([data, hidden], ignore_index=True)
    tally = _tally(data.loc[~data["suppressed"], "comparison"])
    alt = (
        f"Bar chart of {result.indicator.short_name.lower()} in {figure.period} for "
        f"{comparators.subject.name} and {len(data) - 1} comparator area(s). Values range from "
        f"{with_unit(bottom['value'], figure)} ({bottom['area_name']}) to "
        f"{with_unit(top['value'], figure)} ({top['area_name']}); England "
        f"{with_unit(england.benchmark_value, figure)}. Compared with England: {tally}."
    )
    if len(withheld_rows):
        alt += f" Suppressed (small numbers, shown as *): {', '.join(hidden['area_name'])}."
    return Chart(
        id=f"compare.{figure.indicator_id}",
        kind="compare_bar",
        title=f"{result.indicator.short_name}: {comparators.subject.name} and comparators, {figure.period}",
        alt_text=alt,
        data=data,
        unit=figure.unit,
        notes=f"Error bars: {result.level * 100:g}% confidence intervals; "
        "colours compare each area with England.",
        source=figure.source,
        extra={
            "benchmark_value": england.benchmark_value,
            "benchmark_name": "England",
            "level": result.level,
            "indicator_id": figure.indicator_id,
        },
    )


def funnel_limit_places(centre: float | None, unit: str, value_type: str = "") -> int:
    """Decimal places of a funnel's limits and centre: one more than its values are
    shown with. The one rule for the funnel and for the disclosure pass that checks it
    (:mod:`dana.assess.disclose_model`), so a funnel drawn ahead is never redrawn."""
    return decimals_for(centre, unit, value_type) + 1


def funnel_chart(result: IndicatorResult, comparators: Comparators) -> Chart | None:
    """Every upper-tier authority's published value against its denominator, with limits.

    Disclosure-safe by construction: the centre line is England's *published* value (no
    funnel is drawn without one), never the pool of the areas' raw counts, which with
    every other area's count would give a hidden one back by subtraction; the limit
    curves come from :func:`dana.stats.funnel_limits` on that centre over a grid of
    round denominators spanning the plotted areas only, and are rounded to the precision
    values are shown at; an area whose value disclosure control withheld is not plotted.
    """
    statistic = _FUNNEL_STATISTIC.get(result.figure.value_type)
    if statistic is None or result.figure.value is None:
        return None
    england = result.figure.benchmark(ENGLAND)
    target = None if england is None else england.benchmark_value
    multiplier = float(result.indicator.multiplier)
    if target is None or not target > 0 or (statistic == "proportion" and target >= multiplier):
        return None
    raw = utla_rows(result, raw=True)
    shown = result.rows[result.rows["period_sort"] == result.period_sort].set_index("area_code")[
        "value"
    ]
    raw = raw.assign(_shown=raw["area_code"].map(shown).astype(float))
    # an area disclosure control withheld is not plotted at all
    raw = raw[raw["count"].notna() & (raw["denominator"] > 0) & raw["_shown"].notna()]
    if len(raw) < MIN_FUNNEL_AREAS or comparators.subject.code not in set(raw["area_code"]):
        return None
    raw = raw.reset_index(drop=True)
    kwargs = {"target": target, "multiplier": multiplier}
    classified = stats.funnel_limits(statistic, "count", "denominator", data=raw, **kwargs)
    grid = funnel_grid(raw["denominator"].astype(float).to_numpy())
    curves = stats.funnel_limits(statistic, denominators=grid, **kwargs)
    figure = result.figure
    places = funnel_limit_places(target, figure.unit, figure.value_type)
    data = pd.DataFrame(
        {
            "area_name": raw["area_name"].astype(str).to_numpy(),
            "denominator": raw["denominator"].astype(float).to_numpy(),
            "value": raw["_shown"].to_numpy(),
            "is_subject": (raw["area_code"] == comparators.subject.code).to_numpy(),
            "significance": classified["significance"].astype(str).to_numpy(),
            "suppressed": False,
        }
    )
    denominators = data["denominator"]
    log_x = float(denominators.max()) > FUNNEL_LOG_SPAN * float(denominators.min())
    limits = curves.rename(columns={"denominator": "x"})
    limits["centre"] = target
    columns = ["lower_95", "upper_95", "lower_99_8", "upper_99_8", "centre"]
    limits[columns] = limits[columns].astype(float).round(places)
    limits = limits[["x", *columns]]
    mine = data[data["is_subject"]].iloc[0]
    position = {
        "Not significant": "within the 95% limits",
        "High (0.025)": "above the upper 95% limit",
        "High (0.001)": "above the upper 99.8% limit",
        "Low (0.025)": "below the lower 95% limit",
        "Low (0.001)": "below the lower 99.8% limit",
    }.get(mine["significance"], mine["significance"])
    alt = (
        f"Funnel plot of {result.indicator.short_name.lower()} in {figure.period} for "
        f"{len(data)} upper-tier local authorities against a centre line of "
        f"{with_unit(target, figure)} (England). "
        f"{comparators.subject.name} ({with_unit(figure.value, figure)}) lies {position}."
    )
    return Chart(
        id=f"funnel.{figure.indicator_id}",
        kind="funnel",
        title=f"{result.indicator.short_name}: all upper-tier authorities, {figure.period}",
        alt_text=alt,
        data=data,
        unit=figure.unit,
        notes="Control limits at 95% and 99.8% (Spiegelhalter 2005) around England's value."
        + (
            " The denominator axis is logarithmic (denominators span more than two orders "
            "of magnitude), so the limits curve differently from a linear funnel."
            if log_x
            else ""
        )
        + " Areas whose value is suppressed (small numbers) are not plotted.",
        source=figure.source,
        extra={
            "limits": limits.reset_index(drop=True),
            "indicator_id": figure.indicator_id,
            "centre_name": "England",
            "x_scale": "log" if log_x else "linear",
            "limit_places": places,
        },
    )


#: Points on a funnel's limit curves.
FUNNEL_POINTS = 60


def funnel_grid(denominators: np.ndarray, points: int = FUNNEL_POINTS) -> np.ndarray:
    """Round denominators (2 significant figures) from below the smallest plotted one to
    above the largest, spaced geometrically: the curves reveal no area's denominator."""
    low = _round_significant(float(np.min(denominators)) * 0.9, 2, np.floor)
    high = _round_significant(float(np.max(denominators)) * 1.1, 2, np.ceil)
    grid = np.geomspace(max(low, 1.0), max(high, 2.0), points)
    return np.unique(np.array([_round_significant(x, 2, np.round) for x in grid]))


def _round_significant(x: float, digits: int, how) -> float:
    if x <= 0:
        return 0.0
    scale = 10 ** (np.floor(np.log10(x)) - digits + 1)
    return float(how(x / scale) * scale)


#: Most rows a spine chart should have to stay legible on a page or slide.
MAX_SPINE_ROWS = 14


def spine_chart(
    results: list[IndicatorResult],
    comparators: Comparators,
    *,
    key: str = "all",
    topic: str = "",
) -> Chart | None:
    """One row per indicator with an England value: the area, England and the spread of
    all upper-tier authorities. ``key`` makes the chart id (``spine.<key>``) and ``topic``
    names it; build one chart per topic of at most :data:`MAX_SPINE_ROWS` rows
    (:func:`spine_groups`)."""
    rows = []
    for result, areas in _spine_drawable(results):
        figure = result.figure
        england = figure.benchmark(ENGLAND)
        # The published (disclosure-controlled) values: the worst and best ARE single
        # areas' values, so a value suppressed for small numbers must not appear as one.
        spread = stats.quantiles("value", data=areas, probs=(0.0, 0.25, 0.75, 1.0))
        q = dict(zip(spread["probability"], spread["value"], strict=True))
        low_first = figure.polarity == "low_is_good"
        rows.append(
            {
                "indicator_id": figure.indicator_id,
                "name": result.indicator.short_name,
                "value": figure.value,
                "benchmark_value": england.benchmark_value,
                "worst": q[1.0] if low_first else q[0.0],
                "q25": q[0.25],
                "q75": q[0.75],
                "best": q[0.0] if low_first else q[1.0],
                "comparison": england.comparison,
                "period": figure.period,
            }
        )
    if not rows:
        return None
    data = pd.DataFrame(rows)
    tally = _tally(data["comparison"])
    area = comparators.subject.name
    about = f"{topic}: " if topic else ""
    return Chart(
        id=f"spine.{key}",
        kind="spine",
        title=f"{about}{area} compared with England and all upper-tier authorities",
        alt_text=(
            f"Spine chart of {len(data)} {topic.lower() + ' ' if topic else ''}indicators for "
            f"{area}. Each row shows the range of "
            f"upper-tier local authorities (worst to best, with the middle half shaded), "
            f"England and {area}. Compared with England: {tally}."
        ),
        data=data,
        notes="Range across upper-tier local authorities at each indicator's latest period; "
        "for indicators without a polarity, 'worst' is the lowest value.",
        source="; ".join(sorted({r.figure.source for r in results if r.figure.source})),
    )


def spine_rows(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """The results a spine chart can draw (a value, an England value, not a count)."""
    return [result for result, _ in _spine_drawable(results)]


def _spine_drawable(results: list[IndicatorResult]) -> list[tuple[IndicatorResult, pd.DataFrame]]:
    """The drawable results with their upper-tier authorities' rows (read once each)."""
    out = []
    for result in results:
        figure = result.figure
        england = figure.benchmark(ENGLAND)
        if figure.value is None or england is None or figure.value_type == "count":
            continue
        areas = utla_rows(result)
        if len(areas) >= 5:
            out.append((result, areas))
    return out


def spine_groups(
    groups: list[list[IndicatorResult]], limit: int = MAX_SPINE_ROWS
) -> list[list[IndicatorResult]]:
    """Drawable results in consecutive charts of at most ``limit`` rows.

    ``groups`` are the topic's subsections in order; a chart never splits a subsection
    unless the subsection alone is longer than ``limit``, and neighbouring subsections
    share a chart while they fit.
    """
    charts: list[list[IndicatorResult]] = []
    current: list[IndicatorResult] = []
    for group in groups:
        rows = spine_rows(group)
        while len(rows) > limit:
            if current:
                charts.append(current)
                current = []
            charts.append(rows[:limit])
            rows = rows[limit:]
        if current and len(current) + len(rows) > limit:
            charts.append(current)
            current = []
        current += rows
    if current:
        charts.append(current)
    return charts


def pyramid_chart(
    population: pd.DataFrame, area_name: str, period: str = "", england=None
) -> Chart | None:
    """Population by age band and sex; with England given, each cell's share of the area's
    total population and England's share of its own total (both percentages, 0-100), so
    the two outlines can be compared on one axis."""
    required = {"age", "sex", "population"}
    if population is None or population.empty or not required <= set(population.columns):
        return None
    data = population[["age", "sex", "population"]].copy()
    data["population"] = data["population"].astype(float)
    total = data["population"].sum()
    extra = {}
    if england is not None and required <= set(england.columns):
        share = england.groupby(["age", "sex"], sort=False)["population"].sum()
        share = share / share.sum() * 100
        data["share"] = data["population"] / total * 100
        data["comparator_share"] = [
            float(share.get((a, s), np.nan)) for a, s in zip(data["age"], data["sex"], strict=True)
        ]
        extra["comparator_name"] = "England"
    by_age = data.groupby("age", sort=False)["population"].sum()
    largest = by_age.idxmax()
    alt = (
        f"Population pyramid of {area_name}{f' ({period})' if period else ''}: "
        f"{total:,.0f} residents; the largest age band is {largest} "
        f"({by_age.max() / total:.1%} of residents)."
    )
    if "comparator_share" in data:
        alt += " Outlines show England's share of each age band."
    return Chart(
        id="pyramid.population",
        kind="pyramid",
        title=f"Population of {area_name} by age and sex" + (f", {period}" if period else ""),
        alt_text=alt,
        data=data.reset_index(drop=True),
        unit="% of residents" if "share" in data else "people",
        notes="Bars: each age band's share of all residents; outline: England's share."
        if "share" in data
        else "",
        source="ONS mid-year population estimates",
        extra=extra,
    )
