"""The section tree of an assessment, and which indicator goes where.

Sections follow the Cambridgeshire & Peterborough summary report and the other seeds
(DOMAIN.md "What a needs assessment contains"): Population and context; Alcohol (impact,
patterns and unmet need, service users, service use, outcomes); Drugs (the same plus
continuity of care after prison); Children and young people; Wider determinants. The key
findings come first (:mod:`dana.assess.summary`) and engagement evidence last
(:mod:`dana.assess.engagement`).

Each catalogue section maps to a topic (:data:`CATALOGUE_TO_SECTION`), and within
alcohol and drugs an indicator's name places it in a subsection
(:func:`subsection_key`). Indicators in the data but not in the catalogue (e.g.
transcribed or local measures) are placed by their name ("alcohol", "drug"/"opiate",
else wider determinants) and compared only when they carry limits
(:func:`table_indicators`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dana.areas import ENGLAND
from dana.assess import charts, trend_charts
from dana.assess.comparators import Comparators
from dana.assess.consistency import funnel_disagreement, same_uncertainty_model
from dana.assess.figures import TESTED_METHODS, IndicatorResult
from dana.assess.findings import slug
from dana.assess.model import Chart, Section, Table
from dana.assess.paragraphs import indicator_findings, section_findings, tally
from dana.assess.wording import Voice
from dana.vocabulary import HIGHER, LOWER, WORSE

#: (subsection key, title) per topic section, in the seeds' order.
LAYOUT: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "population": ("Population and context", ()),
    "alcohol": (
        "Alcohol",
        (
            ("alcohol.harms", "The impact of alcohol use (health and health services)"),
            ("alcohol.patterns", "Patterns of alcohol use and unmet need"),
            ("alcohol.treatment", "Alcohol service users"),
            ("alcohol.service_use", "Service use"),
            ("alcohol.outcomes", "Service outcomes"),
        ),
    ),
    "drugs": (
        "Drugs",
        (
            ("drugs.harms", "The impact of drug use (deaths and hospital admissions)"),
            ("drugs.patterns", "Patterns of drug use and unmet need"),
            ("drugs.treatment", "Drug service users"),
            ("drugs.service_use", "Service use"),
            ("drugs.outcomes", "Service outcomes"),
            ("drugs.prison", "Continuity of care after prison"),
        ),
    ),
    "young_people": ("Children and young people", ()),
    "wider_determinants": (
        "Wider determinants (crime, homelessness, hidden harm and deprivation)",
        (),
    ),
}
#: Catalogue section -> topic section.
CATALOGUE_TO_SECTION = {
    "context": "population",
    "alcohol_harms": "alcohol",
    "alcohol_treatment": "alcohol",
    "drug_harms": "drugs",
    "drug_treatment": "drugs",
    "young_people": "young_people",
    "wider_determinants": "wider_determinants",
}
#: The first-column label of a breakdown table's total row.
TOTAL_ROW = "Total"
#: Topic names used in spine chart titles.
SPINE_TOPICS = {
    "population": "Population and context",
    "alcohol": "Alcohol",
    "drugs": "Drugs",
    "young_people": "Children and young people",
    "wider_determinants": "Wider determinants",
}


@dataclass(frozen=True)
class TableIndicator:
    """Catalogue-shaped metadata for an indicator found only in the data."""

    id: str
    name: str
    short_name: str
    section: str
    polarity: str
    value_type: str
    multiplier: float
    unit: str
    age: str
    sex: str
    comparison: str
    method: str


def table_indicators(table: pd.DataFrame, catalogue) -> list[TableIndicator]:
    """The indicators in ``table`` that the catalogue lacks, placed by their names."""
    extra = []
    # breakdown indicators (profiles, pathways, Census, projections) have their own sections
    known = [*catalogue.ids, *(b.id for b in getattr(catalogue, "breakdowns", ()))]
    rest = table[~table["indicator_id"].isin(known) & (table["category_type"] == "")]
    for indicator_id, rows in rest.groupby("indicator_id", sort=False):
        first = rows.iloc[0]
        name = str(first["indicator_name"]) or str(indicator_id)
        section = section_for_name(name)
        has_limits = rows["lower_95"].notna().any()
        extra.append(
            TableIndicator(
                id=str(indicator_id),
                name=name,
                short_name=re.sub(r"\s*\([^)]*\)\s*$", "", name),
                section=section,
                polarity=str(first["polarity"]),
                value_type=str(first["value_type"]),
                multiplier=float(first["multiplier"]),
                unit=str(first["unit"]),
                age=str(first["age"]),
                sex=str(first["sex"]),
                comparison="ci_95" if has_limits else "none",
                method="As published by the source (not in DANA's catalogue).",
            )
        )
    return extra


#: (words in an indicator's name, catalogue section), tried in order for indicators the
#: catalogue lacks: the wider determinants and young people first (hidden harm: parents in
#: treatment, with the children), then harms, then the treatment system (a measure naming
#: alcohol alone is alcohol's, any other drug's, the all-substance ones included), then
#: the population. A council's printed profile shares ("People in treatment who are
#: female") and capacity figures ("Caseload per treatment worker") name no substance, so
#: the treatment words come before the population words ("% of the treatment population").
_NAME_SECTIONS = (
    (("police", "offence", "homeless", "social care", "deprived", "crime and harm"), "wider_determinants"),
    (
        ("young people", "under-18", "under 18", "pupil", "school", "year 10", "children",
         "parents in treatment"),
        "young_people",
    ),
    (("alcohol-related death", "alcohol-specific", "alcohol related death"), "alcohol_harms"),
    (("drug poisoning", "drug misuse", "drug-related death"), "drug_harms"),
    (("alcohol treatment", "alcohol clients", "dependent drinkers", "alcohol-dependent",
      "drinker", "drinking"), "alcohol_treatment"),
    (
        ("drug", "opiate", "crack", "needle", "hepatitis", "prison", "in treatment",
         "treatment population", "penetration", "caseload", "referral", "referred",
         "rehabilitation", "treatment journeys", "treatment capacity", "treatment service",
         "recovery service", "commissioning staff", "entering treatment", "atr ", "drr ",
         "probation", "benefit", "crimes prevented", "spend on"),
        "drug_treatment",
    ),
    (("alcohol",), "alcohol_treatment"),
    (("population", "residents", "census", "ethnic minorit"), "context"),
)  # fmt: skip


def section_for_name(name: str) -> str:
    """The catalogue section an indicator outside the catalogue goes in, by its name."""
    lower = name.lower()
    for words, section in _NAME_SECTIONS:
        if any(word in lower for word in words):
            return section
    return "wider_determinants"


def subsection_key(indicator) -> str:
    """The (sub)section an indicator's figure goes in: a topic of :data:`LAYOUT`, or for
    alcohol and drugs one of its subsections, chosen by the indicator's name."""
    section = CATALOGUE_TO_SECTION[indicator.section]
    if section not in ("alcohol", "drugs"):
        return section
    text = f"{indicator.name} {indicator.short_name}".lower()
    if indicator.section.endswith("_harms"):
        return f"{section}.patterns" if "prevalence" in text else f"{section}.harms"
    if "prison" in text:
        return f"{section}.prison"
    if any(w in text for w in ("unmet", "not in treatment", "prevalence", "dependent drink")):
        return f"{section}.patterns"
    if any(w in text for w in ("complet", "re-present", "represent", "abstinen", "death")):
        return f"{section}.outcomes"
    if any(w in text for w in ("wait", "referr", "length", "days", "years", "new presentation")):
        return f"{section}.service_use"
    return f"{section}.treatment"


def group_results(results: list[IndicatorResult]) -> dict[str, list[IndicatorResult]]:
    """The results by the (sub)section key of :data:`LAYOUT` they belong to."""
    grouped: dict[str, list[IndicatorResult]] = {}
    for result in results:
        grouped.setdefault(subsection_key(result.indicator), []).append(result)
    return grouped


def layout_keys() -> list[tuple[str, str]]:
    """Every (sub)section key that holds figures, with its title, in reading order."""
    return [
        pair
        for key, (title, subsections) in LAYOUT.items()
        for pair in (subsections or ((key, title),))
    ]


def topic_sections(
    results: list[IndicatorResult],
    comparators: Comparators,
    *,
    include,
    key_indicators: frozenset[str],
    population_charts: tuple[Chart, ...] = (),
    table: pd.DataFrame | None = None,
    voice: Voice | None = None,
    mixed: frozenset[str] = frozenset(),
    on_section: Callable[[Section], None] | None = None,
) -> list[Section]:
    """The topic sections of :data:`LAYOUT` that ``include(key)`` accepts, in order.

    ``population_charts`` (the pyramid) and the breakdown tables of ``table`` go in the
    population section. With a ``voice`` each subsection's findings are written as the
    seeds' argument (:func:`dana.assess.paragraphs.section_findings`); ``mixed`` names
    the figures whose benchmarks mix real and synthetic data. ``on_section`` is called
    with each section as soon as it is made (the build offers its charts for drawing).
    """
    sections: list[Section] = []
    for section in _topic_sections(
        results, comparators, include, key_indicators, population_charts, table, voice, mixed
    ):
        sections.append(section)
        if on_section is not None:
            on_section(section)
    return sections


def _topic_sections(
    results, comparators, include, key_indicators, population_charts, table, voice, mixed
) -> Iterator[Section]:
    write = {"voice": voice, "mixed": mixed}
    grouped = group_results(results)
    for key, (title, subsections) in LAYOUT.items():
        if not include(key):
            continue
        parts = [sub_key for sub_key, _ in subsections] or [key]
        spines = _spine_charts(key, [grouped.get(p, []) for p in parts], comparators)
        if not subsections:
            section = topic_section(
                key, title, grouped.get(key, []), comparators, key_indicators, **write
            )
            extra_charts, tables = (), ()
            if key == "population":
                extra_charts = population_charts
                tables = breakdown_tables(grouped.get(key, []), table, comparators)
            charts_shown = (*extra_charts, *section.charts, *spines)
            yield replace(section, charts=charts_shown, tables=tuple(tables))
            continue
        children = tuple(
            topic_section(
                sub_key, sub_title, grouped.get(sub_key, []), comparators, key_indicators, **write
            )
            for sub_key, sub_title in subsections
        )
        everything = [r for sub_key, _ in subsections for r in grouped.get(sub_key, [])]
        yield Section(
            id=key,
            title=title,
            summary=tally(everything, voice),
            charts=spines,
            subsections=children,
        )


def headline_results(
    results: list[IndicatorResult], key_indicators: frozenset[str]
) -> list[IndicatorResult]:
    """A topic's key indicators, or (when it has none) its first comparable one."""
    keys = [r for r in results if r.figure.indicator_id in key_indicators]
    return keys or [r for r in results if r.indicator.comparison in TESTED_METHODS][:1]


def carries_the_point(result: IndicatorResult) -> bool:
    """Whether a comparator bar chart carries a point the key figures and the spine do
    not: the area is significantly worse than England (or, with no good direction,
    significantly higher or lower), so where it sits among its neighbours matters to the
    argument about need. A similar or better figure is said by the table and the spine."""
    england = result.figure.benchmark(ENGLAND)
    return england is not None and england.comparison in (WORSE, HIGHER, LOWER)


def topic_section(
    key: str,
    title: str,
    results: list[IndicatorResult],
    comparators: Comparators,
    key_indicators: frozenset[str],
    *,
    voice: Voice | None = None,
    mixed: frozenset[str] = frozenset(),
) -> Section:
    """A topic's figures and findings, one small-multiples chart of their trends (the
    seeds' one chart per idea) and a comparator bar chart for each key indicator that
    differs significantly from England. Funnel plots (each drawn only where the funnel's
    uncertainty model and verdict agree with the figure's, :func:`funnel_fits`) and each
    indicator's full series are in the appendices (:mod:`dana.assess.appendices`)."""
    figures = [result.figure for result in results]
    sentences = []
    if voice is None:
        for result in results:
            sentences.extend(indicator_findings(result, comparators))
    else:
        sentences.extend(section_findings(key, results, comparators, voice, mixed=mixed)[0])
    drawn = list(trend_charts.small_trends_charts(results, comparators, key=key, topic=title))
    for result in headline_results(results, key_indicators):
        if carries_the_point(result):
            chart = charts.compare_bar_chart(result, comparators)
            if chart is not None:
                drawn.append(chart)
    summary = (
        tally(results, voice)
        if results
        else "No indicators were available for this topic; see the data gaps."
    )
    return Section(
        id=key,
        title=title,
        summary=summary,
        figures=tuple(figures),
        findings=tuple(sentences),
        charts=tuple(drawn),
    )


def funnel_fits(funnel: Chart, result: IndicatorResult) -> bool:
    """True when a funnel plot may be shown beside the figure: its interval uses the
    funnel's own uncertainty model and the two verdicts agree (:mod:`dana.assess.consistency`)."""
    statistic = "proportion" if result.figure.value_type == "proportion" else "rate"
    multiplier = float(result.indicator.multiplier)
    if not same_uncertainty_model(result.figure, statistic, multiplier):
        return False
    return not funnel_disagreement(funnel, result.figure)


def _spine_charts(key: str, groups: list[list[IndicatorResult]], comparators: Comparators) -> tuple:
    """The topic's spine chart(s): one per topic, split (at subsection boundaries) only
    when it would have more than ``charts.MAX_SPINE_ROWS`` rows."""
    chunks = charts.spine_groups(groups)
    topic = SPINE_TOPICS.get(key, key)
    out = []
    for number, chunk in enumerate(chunks, 1):
        suffix = f" (part {number} of {len(chunks)})" if len(chunks) > 1 else ""
        chart = charts.spine_chart(
            chunk,
            comparators,
            key=key if len(chunks) == 1 else f"{key}.{number}",
            topic=topic + suffix,
        )
        if chart is not None:
            out.append(chart)
    return tuple(out)


def breakdown_tables(
    results: list[IndicatorResult], table: pd.DataFrame | None, comparators: Comparators
) -> list[Table]:
    """A display table per breakdown (e.g. ethnic group) of the results' indicators for
    the assessed area, at the breakdown's latest period: each category's count and share
    of the total, and the total row. Raw numbers: disclosure control is applied to them
    by the pass over the whole model (:mod:`dana.assess.disclose_model`), which reads
    the table's ``counts``, ``derived`` and ``total_row``."""
    if table is None:
        return []
    tables = []
    breakdown = table[
        (table["area_code"] == comparators.subject.code)
        & (table["category_type"] != "")
        & table["indicator_id"].isin([r.figure.indicator_id for r in results])
    ]
    for (indicator_id, category_type), rows in breakdown.groupby(
        ["indicator_id", "category_type"], sort=False
    ):
        rows = rows[rows["period_sort"] == rows["period_sort"].max()]
        counts = rows["count"].where(rows["count"].notna(), rows["value"]).astype(float)
        total = float(rows["denominator"].max()) if rows["denominator"].notna().any() else np.nan
        if np.isnan(total):
            total = float(counts.sum())
        data = pd.DataFrame(
            {
                "Category": [*rows["category"].astype(str), TOTAL_ROW],
                "Count": [*counts.to_numpy(), total],
                "Share (%)": [*(counts / total * 100).round(1).to_numpy(), 100.0],
            }
        )
        name = str(rows["indicator_name"].iloc[0])
        tables.append(
            Table(
                id=f"breakdown.{indicator_id}.{slug('x:' + category_type.lower(), '')}",
                title=f"{name} by {category_type.lower()}, {comparators.subject.name}, "
                f"{rows['period'].iloc[0]}",
                data=data,
                source=str(rows["source"].iloc[0]),
                counts=("Count",),
                derived=(("Share (%)", "Count"),),
                total_row=TOTAL_ROW,
            )
        )
    return tables
