"""The finding for each indicator result, and the England tally of a group of them.

The wording rules live in :mod:`dana.assess.findings` (pure functions of a
:class:`~dana.assess.model.Figure`); this module feeds them what an
:class:`~dana.assess.figures.IndicatorResult` knows beyond its figure: how each
benchmark is named in a sentence, the comparator group's values for the rank, and the
first and last of the periods the recent trend looks at.
"""

from __future__ import annotations

import re
from collections import Counter

from dana.areas import ENGLAND
from dana.assess import findings
from dana.assess.comparators import Comparators
from dana.assess.figures import TESTED_METHODS, IndicatorResult
from dana.assess.model import BenchmarkResult, Finding
from dana.stats.trend import TREND_POINTS
from dana.vocabulary import NOT_COMPARED


def benchmark_label(bench: BenchmarkResult, comparators: Comparators) -> str:
    """How a benchmark is named in a sentence: 'England', 'the East of England region',
    'Cambridgeshire', 'the average of its 15 comparator areas'."""
    if bench.benchmark_code == ENGLAND:
        return "England"
    region = comparators.region
    if region is not None and bench.benchmark_code == region.code:
        return region.name if region.name == "London" else f"the {region.name} region"
    if bench.benchmark_code == "neighbours":
        found = re.search(r"\d+", bench.benchmark_name)
        count = f"{found.group(0)} " if found else ""
        return f"the average of its {count}comparator areas"
    return bench.benchmark_name


def first_and_last(result: IndicatorResult) -> tuple[tuple[str, float] | None, ...]:
    """The first and last of the (up to five) periods the recent trend looks at."""
    shown = result.series[result.series["value"].notna()].tail(TREND_POINTS)
    if len(shown) < 2:
        return None, None
    return (
        (str(shown["period"].iloc[0]), float(shown["value"].iloc[0])),
        (str(shown["period"].iloc[-1]), float(shown["value"].iloc[-1])),
    )


def _neighbour_values(result: IndicatorResult, comparators: Comparators) -> list[float] | None:
    """Values of the comparator areas at the reported period (the figure's rank group)."""
    if not comparators.neighbours or result.figure.value is None:
        return None
    return [result.values[a.code] for a in comparators.neighbours if a.code in result.values]


def indicator_slug(result: IndicatorResult) -> str:
    """The indicator's stable slug (:func:`dana.assess.findings.slug`)."""
    return findings.slug(result.indicator.id, result.indicator.short_name)


def indicator_findings(result: IndicatorResult, comparators: Comparators) -> list[Finding]:
    """One finding per indicator (id ``<section>.<slug>``): the figure with its tested
    comparisons (England, region, comparator areas), its rank and its recent trend."""
    figure, indicator = result.figure, result.indicator
    tested = indicator.comparison in TESTED_METHODS
    england = figure.benchmark(ENGLAND)
    benchmarks = [(benchmark_label(b, comparators), b) for b in figure.benchmarks] if tested else []
    no_interval = (
        tested
        and england is not None
        and england.comparison == NOT_COMPARED
        and figure.value is not None
        and (figure.lower is None or figure.upper is None)
    )
    first, last = first_and_last(result)
    text = findings.indicator_paragraph(
        figure,
        comparators.subject.name,
        short_name=indicator.short_name,
        indicator_name=indicator.name,
        age=indicator.age,
        benchmarks=benchmarks,
        untested_england=england if no_interval else None,
        quintile=result.quintile,
        neighbour_values=_neighbour_values(result, comparators),
        first=first,
        last=last,
    )
    kind = "unmet_need" if findings.unmet_population(indicator.name) else "comparison"
    finding_id = f"{indicator.section}.{indicator_slug(result)}"
    return [findings.finding(finding_id, text, figure.indicator_id, kind)]


def england_counts(results: list[IndicatorResult]) -> tuple[Counter, int]:
    """Tested England comparisons by category, and how many figures are shown untested."""
    counts, untested = Counter(), 0
    for result in results:
        england = result.figure.benchmark(ENGLAND)
        if england is not None and england.comparison != NOT_COMPARED:
            counts[england.comparison] += 1
        elif result.figure.value is not None:
            untested += 1
    return counts, untested


def tally(results: list[IndicatorResult]) -> str:
    """'Of the 13 indicators tested against England, ...' for a group of results."""
    return findings.tally_sentence(*england_counts(results))
