"""From the indicator table to one judged :class:`Figure` per catalogue indicator.

For each catalogue indicator this module picks the headline rows (the catalogue's sex
and age, no breakdown category), the period to report for the assessed area, applies
disclosure control to the counts shown, and calls :mod:`dana.stats` for every
judgement: :func:`~dana.stats.compare` against England, the region and the neighbours'
mean (at the catalogue's confidence level, or quintiles), :func:`~dana.stats.mean` for
the neighbours' mean and :func:`~dana.stats.trend` over the last five periods. Nothing
statistical is computed here.

Period choice (:mod:`dana.assess.periods`): with ``period: latest`` the area's most
recent period for each indicator; with a label (``2021/22``) the most recent period
starting no later than that label's period (so a pooled ``2019 - 21`` series is still
reported), flagged as out of date by :mod:`dana.assess.gaps` when it is older.

Each figure's ``display_value`` is written by :mod:`dana.formatting`, so every output
prints the same text ("705", "8.6", "*").

Disclosure control (:func:`dana.assess.disclosure.apply_disclosure`) is applied to every headline count
before it is shown, in one pass over all indicators; a value built on a suppressed count
is blanked too (its limits with it), so a small number can never be recovered from a
rate. Secondary suppression (the rule's own, on for every preset that has it) protects
counts that are parts of totals shown beside them: adults in treatment = drugs +
alcohol only, a rate and the number it is built on (:mod:`dana.assess.count_relations`).
Statistics (comparisons, trends) use the unrounded source values, as the HES 2018 rule
requires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dana import stats
from dana.areas import ENGLAND
from dana.assess.comparators import Comparators
from dana.assess.config import AssessmentConfig
from dana.assess.count_relations import HEADLINE_RELATIONS, CountRelation
from dana.assess.disclosure import disclose_related
from dana.assess.model import BenchmarkResult, Figure
from dana.assess.periods import period_sort_for, reported_sort, up_to
from dana.formatting import SUPPRESSED, format_number
from dana.stats.trend import TREND_POINTS
from dana.table import split_rows
from dana.vocabulary import NOT_COMPARED

_LEVELS = {"ci_95": 0.95, "ci_99_8": 0.998}
#: Catalogue comparison methods that test an interval against a benchmark.
TESTED_METHODS = ("ci_95", "ci_99_8")
#: Value types without confidence intervals: no trend can be tested.
NO_TREND_TYPES = ("count", "score")


@dataclass
class IndicatorResult:
    """A figure plus what the charts, findings and gaps need to explain it."""

    indicator: object  # dana.catalogue.Indicator
    figure: Figure
    level: float
    period_sort: int
    #: Headline rows of every area for this indicator (disclosure-controlled values).
    rows: pd.DataFrame
    #: Unrounded headline rows (for funnel limits and other statistics).
    raw_rows: pd.DataFrame
    series: pd.DataFrame  # the area's rows up to the reported period, oldest first
    trend_note: str = ""
    #: area code -> shown value at the reported period (filled by build_indicator_results)
    values: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # benchmark code -> why not compared
    quintile: str = ""  # quintile label when the catalogue compares by quintiles
    #: :func:`utla_rows` worked out once per (rows, period) and reused (spine, funnel, quintile)
    _utla: dict = field(default_factory=dict, repr=False, compare=False)
    #: :func:`england_by_period` worked out once per rows (trend chart, trend table)
    _england: tuple | None = field(default=None, repr=False, compare=False)


def level_for(indicator, confidence="catalogue") -> float:
    """Confidence level of the comparison: ``confidence`` (a config's ``confidence:``)
    when it is a level, else the catalogue's (95% by default)."""
    if confidence != "catalogue":
        return float(confidence)
    return _LEVELS.get(indicator.comparison, 0.95)


def limit_columns(level: float) -> tuple[str, str]:
    return ("lower_99_8", "upper_99_8") if math.isclose(level, 0.998) else ("lower_95", "upper_95")


def headline_rows(table: pd.DataFrame, indicator) -> pd.DataFrame:
    """Rows of one indicator with no breakdown, the catalogue's sex and (if present) age."""
    rows = table[
        (table["indicator_id"] == indicator.id)
        & (table["category_type"] == "")
        & (table["sex"] == indicator.sex)
    ]
    ages = rows["age"].unique()
    if indicator.age in ages:
        rows = rows[rows["age"] == indicator.age]
    elif len(ages) > 1:
        # several ages and none is the catalogue's: no headline row to choose honestly
        return rows.iloc[0:0]
    return rows.reset_index(drop=True)


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _source_suppressed(row) -> bool:
    return pd.isna(row["value"]) and "suppress" in str(row["value_note"]).lower()


def build_indicator_results(
    table: pd.DataFrame,
    catalogue,
    comparators: Comparators,
    config: AssessmentConfig,
    relations: tuple[CountRelation, ...] = HEADLINE_RELATIONS,
) -> tuple[list[IndicatorResult], list[tuple[object, str]]]:
    """Figures for every catalogue indicator the area has, and the ones it lacks.

    ``relations`` link the indicators whose counts are parts of one another's totals
    (:mod:`dana.assess.count_relations`): disclosure control hides a further count
    wherever a hidden one could be worked out from them.

    Returns ``(results, missing)`` where ``missing`` is ``[(indicator, detail), ...]``.
    """
    target = period_sort_for(table, config.period)
    subject = comparators.subject.code
    rule = config.suppression
    results: list[IndicatorResult] = []
    missing: list[tuple[object, str]] = []
    by_indicator = split_rows(table, "indicator_id")
    empty = table.iloc[0:0]
    chosen: list[tuple[object, pd.DataFrame, int]] = []
    for indicator in catalogue:
        raw = headline_rows(by_indicator.get(indicator.id, empty), indicator)
        chosen_sort = reported_sort(raw[raw["area_code"] == subject], target)
        if chosen_sort is None:
            detail = (
                f"no data for {comparators.subject.name}"
                if raw.empty or (raw["area_code"] != subject).all()
                else f"no data for {comparators.subject.name} up to {config.period}"
            )
            missing.append((indicator, detail))
            continue
        chosen.append((indicator, raw, chosen_sort))
    for (indicator, raw, chosen_sort), rows in zip(
        chosen, _disclosed([raw for _, raw, _ in chosen], rule, relations), strict=True
    ):
        result = _result(indicator, rows, raw, chosen_sort, comparators, config)
        at = ((rows["period_sort"] == chosen_sort) & rows["value"].notna()).to_numpy()
        result.values = dict(
            zip(rows["area_code"].to_numpy()[at], rows["value"].to_numpy(float)[at], strict=True)
        )
        results.append(result)
    _add_comparisons(results, comparators)
    for result in results:
        _add_trend(result)
    return results, missing


def _disclosed(raws: list[pd.DataFrame], rule, relations) -> list[pd.DataFrame]:
    """Each indicator's headline rows after one disclosure pass over all of them, so a
    count hidden in one indicator is protected in every related one (same area, period)."""
    if not raws:
        return []
    together = pd.concat(raws, ignore_index=True)
    # row for row (disclosure never drops or moves a row): each indicator's rows are the
    # slice they were concatenated into
    shown = disclose_related(together, rule, relations=relations)
    ends = np.cumsum([len(raw) for raw in raws])
    return [
        shown.iloc[end - len(raw) : end].reset_index(drop=True)
        for raw, end in zip(raws, ends, strict=True)
    ]


def _result(indicator, rows, raw, chosen_sort, comparators, config) -> IndicatorResult:
    level = level_for(indicator, config.confidence)
    low, high = limit_columns(level)
    subject = comparators.subject
    series = up_to(rows[rows["area_code"] == subject.code], chosen_sort)
    series = series.sort_values("period_sort").reset_index(drop=True)
    row = series.iloc[-1]
    suppressed = bool(row["suppressed"]) or _source_suppressed(row)
    value = None if suppressed else _number(row["value"])
    figure = Figure(
        indicator_id=indicator.id,
        name=indicator.name,
        section=indicator.section,
        period=str(row["period"]),
        value=value,
        lower=None if value is None else _number(row[low]),
        upper=None if value is None else _number(row[high]),
        confidence=level,
        count=None if bool(row["suppressed"]) else _number(row["count"]),
        denominator=_number(row["denominator"]),
        unit=indicator.unit,
        value_type=indicator.value_type,
        polarity=indicator.polarity,
        suppressed=suppressed,
        value_note=str(row["value_note"]),
        source=str(row["source"]),
        retrieved=str(row["retrieved"]),
        method=indicator.method,
        display_value=SUPPRESSED
        if suppressed
        else format_number(value, indicator.unit, indicator.value_type)
        if value is not None
        else "",
    )
    return IndicatorResult(
        indicator=indicator,
        figure=figure,
        level=level,
        period_sort=chosen_sort,
        rows=rows,
        raw_rows=raw,
        series=series,
    )


def _add_comparisons(results: list[IndicatorResult], comparators: Comparators) -> None:
    """Benchmarks (England, region, neighbours' mean) and rank, via dana.stats."""
    requests = []  # (result, code, name, benchmark value)
    for result in results:
        if comparators.england is not None:
            requests.append((result, ENGLAND, "England", result.values.get(ENGLAND)))
        if comparators.region is not None:
            region = comparators.region
            requests.append((result, region.code, region.name, result.values.get(region.code)))
        if comparators.neighbours:
            values = [
                v
                for v in (result.values.get(a.code) for a in comparators.neighbours)
                if v is not None
            ]
            if len(comparators.neighbours) == 1:
                only = comparators.neighbours[0]
                code, name = only.code, only.name
            else:
                code, name = (
                    "neighbours",
                    (
                        f"the mean of its {len(values)} neighbours with data"
                        if values
                        else f"its {len(comparators.neighbours)} neighbours (none with data)"
                    ),
                )
            average = float(stats.mean(values)["value"].iloc[0]) if values else None
            requests.append((result, code, name, average))
            _add_rank(result, comparators)

    by_result: dict[int, list[BenchmarkResult]] = {}
    comparable = [r for r in requests if r[0].indicator.comparison in TESTED_METHODS]
    for level in sorted({r[0].level for r in comparable}):
        batch = [r for r in comparable if r[0].level == level]
        frame = pd.DataFrame(
            {
                "value": [_nan(r[0].figure.value) for r in batch],
                "lower": [_nan(r[0].figure.lower) for r in batch],
                "upper": [_nan(r[0].figure.upper) for r in batch],
                "benchmark": [_nan(r[3]) for r in batch],
                "polarity": [r[0].figure.polarity for r in batch],
            }
        )
        judged = stats.compare(
            "value",
            "lower",
            "upper",
            "benchmark",
            data=frame,
            polarity="polarity",
            confidence=level,
        )
        for (result, code, name, bench), label in zip(batch, judged["comparison"], strict=True):
            by_result.setdefault(id(result), []).append(
                BenchmarkResult(code, name, bench, str(label), level)
            )
    for result, code, name, bench in requests:
        if result.indicator.comparison in TESTED_METHODS:
            continue
        reason = (
            "compared by quintiles of all upper-tier authorities, not with a single benchmark"
            if result.indicator.comparison == "quintiles"
            else "this indicator is not benchmarked"
        )
        result.reasons[code] = reason
        by_result.setdefault(id(result), []).append(
            BenchmarkResult(code, name, bench, NOT_COMPARED, result.level)
        )
    for result in results:
        benchmarks = tuple(by_result.get(id(result), ()))
        result.figure = replace(result.figure, benchmarks=benchmarks)
        if result.indicator.comparison == "quintiles":
            result.quintile = _quintile(result, comparators)


def _nan(value) -> float:
    return np.nan if value is None else float(value)


def _add_rank(result: IndicatorResult, comparators: Comparators) -> None:
    if result.figure.value is None:
        return
    codes = [comparators.subject.code] + [a.code for a in comparators.neighbours]
    values = [result.values.get(code) for code in codes]
    ranked = stats.rank([np.nan if v is None else v for v in values])
    mine = ranked.iloc[0]  # the subject area comes first; ties share the lower rank
    result.figure = replace(result.figure, rank=int(mine["rank"]), rank_of=int(mine["rank_of"]))


def utla_rows(result: IndicatorResult, *, raw: bool = False) -> pd.DataFrame:
    """Every upper-tier authority's row at the reported period (values present)."""
    rows = result.raw_rows if raw else result.rows
    kept = result._utla.get(raw)
    if kept is None or kept[0] is not rows or kept[1] != result.period_sort:
        keep = (
            (rows["area_type"] == "utla")
            & (rows["period_sort"] == result.period_sort)
            & rows["value"].notna()
        )
        kept = (rows, result.period_sort, rows[keep.to_numpy()].reset_index(drop=True))
        result._utla[raw] = kept
    return kept[2].copy(deep=False)  # copy-on-write: a caller's change stays its own


def england_by_period(result: IndicatorResult) -> pd.Series:
    """England's shown value at each period: ``period_sort`` -> value (read-only)."""
    kept = result._england
    if kept is None or kept[0] is not result.rows:
        rows = result.rows
        at = (rows["area_code"] == ENGLAND).to_numpy()
        index = pd.Index(rows["period_sort"].to_numpy()[at], name="period_sort")
        kept = (rows, pd.Series(rows["value"].to_numpy()[at], index=index, name="value"))
        result._england = kept
    return kept[1]


def _quintile(result: IndicatorResult, comparators: Comparators) -> str:
    if result.figure.value is None:
        return ""
    areas = utla_rows(result)
    if comparators.subject.code not in set(areas["area_code"]):
        return ""
    judged = stats.compare(data=areas, method="quintiles", polarity=result.figure.polarity)
    mine = judged.loc[judged["area_code"] == comparators.subject.code, "comparison"]
    label = str(mine.iloc[0])
    return "" if label == NOT_COMPARED else label


def _add_trend(result: IndicatorResult) -> None:
    """The Fingertips recent-trend label over the area's last five periods (unrounded data)."""
    raw = result.raw_rows
    if result.figure.value_type in NO_TREND_TYPES:
        result.trend_note = "it has no confidence intervals to test a trend with"
        return
    code = result.series["area_code"].iloc[0]
    series = up_to(raw[raw["area_code"] == code], result.period_sort)
    if len(series) < TREND_POINTS:
        result.trend_note = f"only {len(series)} period(s) of data; five are needed"
        return
    # value type and polarity as constant columns: a bare string could name a data column
    series = series.sort_values("period_sort").reset_index(drop=True)
    series = series.assign(_value_type=result.figure.value_type, _polarity=result.figure.polarity)
    try:
        marked = stats.trend(
            data=series, value_type="_value_type", polarity="_polarity", confidence=0.95
        )
    except stats.StatsInputError as exc:
        result.trend_note = f"the data cannot be used for a trend: {exc}"
        return
    label = str(marked["trend"].iloc[0])
    result.trend_note = str(marked["note"].iloc[0]) if "note" in marked else ""
    result.figure = replace(result.figure, trend=label)
