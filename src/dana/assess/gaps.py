"""Data gaps, found automatically: the seeds' "areas where data was lacking".

A catalogue indicator is a gap when, for the assessed area, it has

* ``no_data`` - no row at all (or none up to the assessment period);
* ``not_supplied`` - no row, and it is a local measure (``local:...``) the team supplies;
* ``suppressed`` - a value hidden by disclosure control (here or by the publisher);
* ``out_of_date`` - a latest period that starts more than ``stale_after_years`` before
  the assessment period (the config's period, or with ``latest`` the period most
  indicators report), counting a pooled three-year period by its last year, or a latest
  period older than the period the config asked for;
* ``missing_for_comparators`` - a value for the area but none for England, the region or
  any of the neighbours, so it cannot be compared with them.
"""

from __future__ import annotations

from collections import Counter

from dana.areas import ENGLAND
from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult
from dana.assess.model import DataGap
from dana.sources.registry import SOURCE_TYPES_FOR


def _start_year(period_sort: int) -> int:
    return period_sort // 10000


def _end_year(result: IndicatorResult) -> int:
    """Last year a period covers: pooled three-year periods end two years after they start."""
    pooled = str(getattr(result.indicator, "period_type", "")).endswith("_3yr")
    return _start_year(result.period_sort) + (2 if pooled else 0)


def find_gaps(
    results: list[IndicatorResult],
    missing: list[tuple[object, str]],
    comparators: Comparators,
    *,
    stale_after_years: int,
    target_sort: int | None,
) -> tuple[DataGap, ...]:
    """Every gap, in catalogue order of the indicators involved."""
    gaps: list[DataGap] = []
    for indicator, detail in missing:
        local = indicator.id.startswith("local:")
        if local:
            detail += " (a local data source the team supplies)"
        elif indicator.id in SOURCE_TYPES_FOR:
            detail += (
                " (it comes only from published files: list them under `data: sources:`,"
                f" type {SOURCE_TYPES_FOR[indicator.id]})"
            )
        gaps.append(
            DataGap(
                indicator.id,
                indicator.name,
                indicator.section,
                "not_supplied" if local or indicator.id in SOURCE_TYPES_FOR else "no_data",
                detail,
            )
        )
    if not results:
        return tuple(gaps)
    if target_sort is not None:
        reference = target_sort
    else:  # the period most indicators report: one late fixed release must not age the rest
        reference = Counter(r.period_sort for r in results).most_common(1)[0][0]
    reference_year = _start_year(reference)
    reference_label = _label_for(results, reference)
    for result in results:
        figure, indicator = result.figure, result.indicator

        def gap(reason, detail, figure=figure, indicator=indicator):
            gaps.append(
                DataGap(figure.indicator_id, indicator.name, figure.section, reason, detail)
            )

        if figure.suppressed:
            gap("suppressed", f"the {figure.period} value is suppressed: {figure.value_note}")
        elif figure.value is None:
            gap("no_data", f"no value was published for {figure.period}")
        age = reference_year - _end_year(result)
        if target_sort is not None and result.period_sort < target_sort:
            gap(
                "out_of_date",
                f"latest period {figure.period} is older than the assessment period "
                f"{reference_label}",
            )
        elif age > stale_after_years:
            gap(
                "out_of_date",
                f"latest period {figure.period} ends {age} years before {reference_label}, "
                "the period most indicators report",
            )
        if figure.value is not None:
            absent = [b.benchmark_name for b in figure.benchmarks if b.benchmark_value is None]
            expected = _expected_benchmarks(comparators)
            present = {b.benchmark_code for b in figure.benchmarks}
            absent += [name for code, name in expected if code not in present]
            if absent:
                gap(
                    "missing_for_comparators",
                    f"no {figure.period} value for {', '.join(dict.fromkeys(absent))}",
                )
    return tuple(gaps)


def _expected_benchmarks(comparators: Comparators) -> list[tuple[str, str]]:
    expected = []
    if comparators.england is not None:
        expected.append((ENGLAND, "England"))
    if comparators.region is not None:
        expected.append((comparators.region.code, comparators.region.name))
    return expected


def _label_for(results: list[IndicatorResult], period_sort: int) -> str:
    for result in results:
        if result.period_sort == period_sort:
            return result.figure.period
    return str(period_sort // 10000)
