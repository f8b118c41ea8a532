"""The appendices: what the main body leaves out to stay short, so that nothing is lost.

The seeds keep their main text to the argument (a summary, key findings, one chart per
idea) and put the detail at the back. DANA's appendices, in order:

- **Funnel plots**: for each topic (population, alcohol, drugs, ...), the funnel plot
  of its first key indicator that has one (every upper-tier authority against its denominator, with control limits;
  :func:`dana.assess.charts.funnel_chart`, unchanged).
- **Trend data**: every indicator's full series for the area, one table each, grouped
  by topic: period, value and confidence limits, count, denominator and England's value.
  Every figure the small-multiple charts draw is written here as a number.

The data sources, methods, disclosure rule and licences follow them in every output
(the renderers' own last appendix, from :attr:`Assessment.provenance`). The tables hold
numbers, not text; a withheld period shows ``*`` in its value, limits and count, and
each table declares its counts (``Table.counts``/``derived``) for disclosure control.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dana.assess import charts, trend_charts
from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult, england_by_period, limit_columns
from dana.assess.layout import LAYOUT, funnel_fits, group_results, headline_results
from dana.assess.model import Chart, Section, Table
from dana.formatting import SUPPRESSED

FUNNELS_ID = "appendix.funnels"
TRENDS_ID = "appendix.trends"


def build_appendices(
    results: list[IndicatorResult],
    comparators: Comparators,
    *,
    include,
    key_indicators: frozenset[str],
) -> tuple[Section, ...]:
    """The funnel-plot and trend-data appendices for the topics ``include(key)`` accepts
    (empty appendices are left out)."""
    grouped = group_results(results)
    funnels: list[Chart] = []
    topics: list[Section] = []
    for key, (title, subsections) in LAYOUT.items():
        if not include(key):
            continue
        parts = [sub for sub, _ in subsections] or [key]
        funnel = _funnel(
            [r for part in parts for r in grouped.get(part, [])], comparators, key_indicators
        )
        if funnel is not None:
            funnels.append(funnel)
        tables = tuple(trend_table(r, comparators) for part in parts for r in grouped.get(part, []))
        if tables:
            topics.append(Section(id=f"{TRENDS_ID}.{key}", title=title, tables=tables))
    out = []
    if funnels:
        out.append(
            Section(
                id=FUNNELS_ID,
                title="Funnel plots",
                summary=(
                    "Each funnel plot shows every upper-tier local authority's value against "
                    "the size of its population (the denominator), with control limits around "
                    "England's value: areas outside the limits differ from England by more "
                    "than chance would explain. One plot per topic, for its first key "
                    "indicator that can be drawn this way (a proportion or a crude rate)."
                ),
                charts=tuple(funnels),
            )
        )
    if topics:
        out.append(
            Section(
                id=TRENDS_ID,
                title="Trend data for every indicator",
                summary=(
                    f"Every period of each indicator for {comparators.subject.name}, with "
                    "its confidence interval, count, denominator and England's value: the "
                    "numbers behind the trend charts. Values shown as * are suppressed."
                ),
                subsections=tuple(topics),
            )
        )
    return tuple(out)


def _funnel(
    results: list[IndicatorResult], comparators: Comparators, key_indicators: frozenset[str]
) -> Chart | None:
    """The funnel of the first key indicator (then any indicator) that has one whose
    uncertainty model and verdict agree with the figure's (:func:`funnel_fits`)."""
    keys = headline_results(results, key_indicators)
    for result in keys + [r for r in results if r not in keys]:
        funnel = charts.funnel_chart(result, comparators)
        if funnel is not None and funnel_fits(funnel, result):
            return funnel
    return None


def trend_table(result: IndicatorResult, comparators: Comparators) -> Table:
    """Every period of the area's series for one indicator, oldest first."""
    series = result.series
    low, high = limit_columns(result.level)
    hidden = trend_charts.withheld_periods(series).to_numpy()
    england = england_by_period(result)

    def shown(column: str) -> pd.Series:
        values = series[column].astype(float)
        return values.astype(object).where(~hidden, SUPPRESSED)

    figure = result.figure
    # a percentage's columns say so, so every output writes them by the percentage rule
    mark = " (%)" if figure.unit == "%" else ""
    value, lower, upper, bench = (
        f"{c}{mark}" for c in ("Value", "Lower CI", "Upper CI", "England")
    )
    data = pd.DataFrame(
        {
            "Period": series["period"].astype(str).to_numpy(),
            value: shown("value").to_numpy(),
            lower: shown(low).to_numpy(),
            upper: shown(high).to_numpy(),
            "Count": shown("count").to_numpy(),
            "Denominator": series["denominator"].astype(float).to_numpy(),
            bench: series["period_sort"].map(england).astype(float).to_numpy(),
        }
    )
    empty = [c for c in ("Count", "Denominator", bench) if _blank(data[c])]
    data = data.drop(columns=empty)
    # the unit in the title, unless the columns already say it (%)
    unit = f" ({figure.unit})" if figure.unit not in ("", "%", "count", "score") else ""
    level = f"{result.level:.1%}".replace(".0%", "%")
    has_count = "Count" in data.columns
    return Table(
        id=f"trend_data.{figure.indicator_id}",
        title=f"{result.indicator.short_name}{unit}: {comparators.subject.name}, "
        f"{data['Period'].iloc[0]} to {data['Period'].iloc[-1]}",
        data=data,
        notes=f"Lower and upper CI: {level} confidence limits. Method: {figure.method}".strip(),
        source=figure.source,
        series_of=figure.indicator_id,
        **_declared(data, figure, (value, lower, upper), bench, has_count),
    )


def _declared(data, figure, measures: tuple[str, str, str], bench: str, has_count: bool) -> dict:
    """What the disclosure pass reads: the counts, what is built on them, and what is no
    count (England's value; a rate or share with no count beside it)."""
    present = [c for c in measures if c in data.columns]
    if has_count:  # the value and its limits are built on the count: withheld with it
        counts = tuple(c for c in ("Count", "Denominator") if c in data.columns)
        return {"counts": counts, "derived": tuple((c, "Count") for c in present), "not_counts": (bench,)}  # fmt: skip
    if figure.value_type == "count":  # the value is itself a count of people or events
        value, *limits = present
        return {"counts": (value,), "derived": tuple((c, value) for c in limits), "not_counts": (bench,)}  # fmt: skip
    return {"not_counts": (*present, bench, "Denominator")}


def _blank(column: pd.Series) -> bool:
    numbers = pd.to_numeric(column, errors="coerce")
    return bool(numbers.isna().all()) and not bool((column.astype(str) == SUPPRESSED).any())


DETAIL_ID = "appendix.detail"
DETAIL_TITLE = "Detailed tables"
_READ_WITH_TABLES = frozenset({"summary", "engagement"})
#: Charts of one breakdown or projection each: detail beside their tables.
_DETAIL_CHARTS = frozenset({"breakdown", "projection"})


def detailed_tables(sections: list[Section]) -> tuple[list[Section], Section | None]:
    """The body without its detailed tables and breakdown and projection charts, and an
    appendix holding them by chapter.

    The body keeps the findings and charts that say what each table shows (profiles,
    pathways, population, inequalities, demand, value for money, breakdowns), as the
    seeds keep their detailed tables out of the narrative; a table of the report's own
    figures side by side (``figures_only``) stays where it is read.
    """
    moved: list[Section] = []

    def strip(section: Section, chapter: str) -> Section:
        kept = tuple(t for t in section.tables if t.figures_only)
        gone = tuple(t for t in section.tables if not t.figures_only)
        drawn = tuple(c for c in section.charts if c.kind not in _DETAIL_CHARTS)
        detail = tuple(c for c in section.charts if c.kind in _DETAIL_CHARTS)
        children = tuple(strip(s, chapter or section.title) for s in section.subsections)
        if not gone and not detail:
            return replace(section, subsections=children)
        title = section.title if not chapter else f"{chapter}: {section.title}"
        moved.append(
            Section(id=f"{DETAIL_ID}.{section.id}", title=title, tables=gone, charts=detail)
        )
        return replace(section, tables=kept, charts=drawn, subsections=children)

    # the key findings and the engagement evidence are read with their tables
    body = []
    for section in sections:
        if section.id in _READ_WITH_TABLES:
            body.append(section)
            continue
        before = len(moved)
        stripped = strip(section, "")
        if len(moved) > before:  # said once per chapter, naming it
            pointer = (
                f"The detailed tables and charts of {section.title[0].lower()}"
                f"{section.title[1:]} are in the appendix '{DETAIL_TITLE}'."
            )
            stripped = replace(stripped, summary=f"{stripped.summary} {pointer}".strip())
        body.append(stripped)
    if not moved:
        return body, None
    appendix = Section(
        id=DETAIL_ID,
        title=DETAIL_TITLE,
        summary="The tables behind each section's findings and charts, in the order of the "
        "report. Values shown as * are suppressed.",
        subsections=tuple(moved),
    )
    return body, appendix
