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

A gap's ``detail`` is for the reader (what is missing, in words); ``how_to_fill`` is for
the analyst notes (the config keys, source types and tools that would fill it), never
printed in the report. A measure the report already shows under another indicator (the
number of adults in drug treatment is the count of the drug-treatment rate; the estimated
dependent drinkers are the denominator of alcohol unmet need) is not a gap:
:data:`COVERED_BY`.
"""

from __future__ import annotations

from collections import Counter

from dana.areas import ENGLAND
from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult
from dana.assess.model import DataGap
from dana.catalogue import load_catalogue

#: A measure -> the shown figures that already carry it (as their count or denominator).
COVERED_BY: dict[str, tuple[str, ...]] = {
    "ndtms:number_in_treatment_drug": ("ndtms:adults_in_treatment_drug",),
    "ndtms:number_in_treatment_alcohol": ("ndtms:adults_in_treatment_alcohol",),
    "phe:alcohol_dependent_adults": ("93532",),
}
#: Measures of all substance groups together: carried when every part is shown.
COVERED_BY_ALL: dict[str, tuple[str, ...]] = {
    "ndtms:number_in_treatment": (
        "ndtms:adults_in_treatment_drug",
        "ndtms:adults_in_treatment_alcohol",
    ),
}
#: A gap's reason, said once to the reader.
_FOR_THE_TEAM = "a local data source the assessment team supplies"


def _covered(indicator_id: str, shown: set[str]) -> bool:
    if any(i in shown for i in COVERED_BY.get(indicator_id, ())):
        return True
    parts = COVERED_BY_ALL.get(indicator_id)
    return bool(parts) and all(i in shown for i in parts)


def _start_year(period_sort: int) -> int:
    return period_sort // 10000


def _end_year(result: IndicatorResult) -> int:
    """Last year a period covers: pooled three-year periods end two years after they start."""
    pooled = str(getattr(result.indicator, "period_type", "")).endswith("_3yr")
    return _start_year(result.period_sort) + (2 if pooled else 0)


def _source_types() -> dict[str, str]:
    """Indicator id -> the source type that publishes it (catalogue metadata)."""
    return load_catalogue().provided_by()


def find_gaps(
    results: list[IndicatorResult],
    missing: list[tuple[object, str]],
    comparators: Comparators,
    *,
    stale_after_years: int,
    target_sort: int | None,
    catalogue=None,
) -> tuple[DataGap, ...]:
    """Every gap, in catalogue order of the indicators involved (``catalogue``: the one
    the build read, else the packaged one, for which source type publishes what)."""
    gaps: list[DataGap] = []
    shown = {
        r.figure.indicator_id
        for r in results
        if r.figure.value is not None and (r.figure.count is not None or r.figure.denominator)
    }
    source_types = {}
    if missing:
        source_types = catalogue.provided_by() if catalogue is not None else _source_types()
    for indicator, detail in missing:
        if _covered(indicator.id, shown):
            continue
        local = indicator.id.startswith("local:")
        published = indicator.id in source_types
        if local:
            detail += f" ({_FOR_THE_TEAM})"
            how = "add the team's file under `data: local_files:` (template: `dana data template`)"
        elif published:
            detail += " (it is published only in files that were not part of this build)"
            how = (
                "list the published file under `data: sources:` with "
                f"type {source_types[indicator.id]}"
            )
        else:
            how = (
                "run `dana fetch` and set `data: fingertips_cache: true`, or supply the "
                "indicator in a local file under `data: local_files:`"
            )
        gaps.append(
            DataGap(
                indicator.id,
                indicator.name,
                indicator.section,
                "not_supplied" if local or published else "no_data",
                detail,
                how_to_fill=how,
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

        def gap(reason, detail, how="", figure=figure, indicator=indicator):
            gaps.append(
                DataGap(figure.indicator_id, indicator.name, figure.section, reason, detail, how)
            )

        if figure.suppressed:
            gap(
                "suppressed",
                f"the {figure.period} value is withheld because it rests on a small number",
                f"source note: {figure.value_note}" if figure.value_note else "",
            )
        elif figure.value is None:
            gap("no_data", f"no value was published for {figure.period}")
        age = reference_year - _end_year(result)
        if target_sort is not None and result.period_sort < target_sort:
            gap(
                "out_of_date",
                f"latest period {figure.period} is older than the assessment period "
                f"{reference_label}",
                "a newer release may be on Fingertips: `dana fetch` refreshes the cache",
            )
        elif age > stale_after_years:
            gap(
                "out_of_date",
                f"latest period {figure.period} ends {age} years before {reference_label}, "
                "the period most indicators report",
                "check the publisher for a newer release; `stale_after_years` in the config "
                "sets how old is out of date",
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
