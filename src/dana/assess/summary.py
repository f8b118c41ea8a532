"""The key-findings section ('Key findings at a glance'), the first of every report.

As in the seeds' summaries: the England tally, then the unmet need, then each indicator
that is significantly worse than England or getting worse, then those getting better.
Every item is a finding pointing at its indicators, so renderers can link it to the
evidence; the wording reuses the indicator paragraphs' (so it says no more than they do).
"""

from __future__ import annotations

from dana.areas import ENGLAND
from dana.assess import findings
from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult
from dana.assess.model import Finding, Section
from dana.assess.paragraphs import england_counts, first_and_last, indicator_slug
from dana.vocabulary import IMPROVING_TRENDS, WORSE, WORSENING_TRENDS

SECTION_ID = "summary"
TITLE = "Key findings at a glance"


def summary_section(results: list[IndicatorResult], comparators: Comparators) -> Section:
    """'Key findings at a glance' for the assessed area (see the module docstring)."""
    area = comparators.subject.name
    items = [
        findings.finding(
            "summary.england",
            findings.tally_sentence(*england_counts(results)),
            (),  # about every indicator: listing them all as evidence would say nothing
            "summary",
        )
    ]
    items += _unmet_need(results, area)
    items += _worse(results)
    items += _improving(results)
    return Section(
        id=SECTION_ID,
        title=TITLE,
        summary=(
            f"The main points from the data for {area}. The sections that follow give each "
            "figure in full, with its comparisons, rank and trend."
        ),
        findings=tuple(items),
    )


def _unmet_need(results: list[IndicatorResult], area: str) -> list[Finding]:
    items = []
    for result in results:
        figure, indicator = result.figure, result.indicator
        england = figure.benchmark(ENGLAND)
        if figure.value is None or not findings.unmet_population(indicator.name):
            continue
        opening = findings.statement(
            figure, area, short_name=indicator.short_name, indicator_name=indicator.name, age=""
        )
        clause = "" if england is None else findings.comparison_phrase(figure, england)
        text = f"{opening}: {clause}." if clause else f"{opening}."
        if figure.trend in WORSENING_TRENDS + IMPROVING_TRENDS:
            text += " " + findings.trend_sentence(figure, *first_and_last(result))
        items.append(
            findings.finding(
                f"summary.unmet_need.{indicator_slug(result)}",
                text,
                figure.indicator_id,
                "unmet_need",
            )
        )
    return items


def _worse(results: list[IndicatorResult]) -> list[Finding]:
    """Significantly worse than England, getting worse, or both (unmet need is given
    above)."""
    items = []
    for result in results:
        figure, indicator = result.figure, result.indicator
        england = figure.benchmark(ENGLAND)
        worse = england is not None and england.comparison == WORSE
        worsening = figure.trend in WORSENING_TRENDS
        unmet = findings.unmet_population(indicator.name)
        if figure.value is None or unmet or not (worse or worsening):
            continue
        value = findings.with_unit(figure.value, figure, age=indicator.age)
        parts = [f"{indicator.short_name} was {value} in {figure.period}"]
        if worse:
            parts.append(findings.comparison_phrase(figure, england))
        if worsening:
            trend = findings.trend_sentence(figure, *first_and_last(result))
            parts.append("and " + trend.removeprefix("It ").rstrip("."))
        label = (
            "Worse than England and getting worse"
            if worse and worsening
            else "Worse than England"
            if worse
            else "Getting worse"
        )
        items.append(
            findings.finding(
                f"summary.worse.{indicator_slug(result)}",
                f"{label}: {', '.join(parts)}.",
                figure.indicator_id,
                "summary",
            )
        )
    return items


def _improving(results: list[IndicatorResult]) -> list[Finding]:
    items = []
    for result in results:
        figure, indicator = result.figure, result.indicator
        unmet = findings.unmet_population(indicator.name)
        if figure.value is None or unmet or figure.trend not in IMPROVING_TRENDS:
            continue
        trend = findings.trend_sentence(figure, *first_and_last(result)).removeprefix("It ")
        items.append(
            findings.finding(
                f"summary.improving.{indicator_slug(result)}",
                f"Getting better: {indicator.short_name} {trend}",
                figure.indicator_id,
                "summary",
            )
        )
    return items
