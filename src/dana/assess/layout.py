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
from dataclasses import dataclass, replace

import pandas as pd

from dana.assess import charts
from dana.assess.comparators import Comparators
from dana.assess.figures import TESTED_METHODS, IndicatorResult
from dana.assess.findings import slug
from dana.assess.model import Chart, Section, Table
from dana.assess.paragraphs import indicator_findings, tally
from dana.formatting import format_number

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
    rest = table[~table["indicator_id"].isin(catalogue.ids) & (table["category_type"] == "")]
    for indicator_id, rows in rest.groupby("indicator_id", sort=False):
        first = rows.iloc[0]
        name = str(first["indicator_name"]) or str(indicator_id)
        lower = name.lower()
        if "alcohol" in lower or "drinker" in lower:
            section = "alcohol_treatment"
        elif "drug" in lower or "opiate" in lower or "crack" in lower:
            section = "drug_treatment"
        else:
            section = "wider_determinants"
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


def topic_sections(
    results: list[IndicatorResult],
    comparators: Comparators,
    *,
    include,
    key_indicators: frozenset[str],
    population_charts: tuple[Chart, ...] = (),
    table: pd.DataFrame | None = None,
) -> list[Section]:
    """The topic sections of :data:`LAYOUT` that ``include(key)`` accepts, in order.

    ``population_charts`` (the pyramid) and the breakdown tables of ``table`` go in the
    population section.
    """
    grouped: dict[str, list[IndicatorResult]] = {}
    for result in results:
        grouped.setdefault(subsection_key(result.indicator), []).append(result)
    sections: list[Section] = []
    for key, (title, subsections) in LAYOUT.items():
        if not include(key):
            continue
        parts = [sub_key for sub_key, _ in subsections] or [key]
        spines = _spine_charts(key, [grouped.get(p, []) for p in parts], comparators)
        if not subsections:
            section = topic_section(key, title, grouped.get(key, []), comparators, key_indicators)
            extra_charts, tables = (), ()
            if key == "population":
                extra_charts = population_charts
                tables = breakdown_tables(grouped.get(key, []), table, comparators)
            charts_shown = (*extra_charts, *section.charts, *spines)
            sections.append(replace(section, charts=charts_shown, tables=tuple(tables)))
            continue
        children = tuple(
            topic_section(sub_key, sub_title, grouped.get(sub_key, []), comparators, key_indicators)
            for sub_key, sub_title in subsections
        )
        everything = [r for sub_key, _ in subsections for r in grouped.get(sub_key, [])]
        sections.append(
            Section(
                id=key, title=title, summary=tally(everything), charts=spines, subsections=children
            )
        )
    return sections


def topic_section(
    key: str,
    title: str,
    results: list[IndicatorResult],
    comparators: Comparators,
    key_indicators: frozenset[str],
) -> Section:
    """A topic's figures and findings; trend and comparison charts for its key indicators
    (or, when it has none, its first comparable one) and one funnel plot."""
    figures, sentences, drawn = [], [], []
    keys = [r for r in results if r.figure.indicator_id in key_indicators]
    if not keys:
        keys = [r for r in results if r.indicator.comparison in TESTED_METHODS][:1]
    for result in results:
        figures.append(result.figure)
        sentences.extend(indicator_findings(result, comparators))
    for result in keys:
        for make in (charts.trend_chart, charts.compare_bar_chart):
            chart = make(result, comparators)
            if chart is not None:
                drawn.append(chart)
    for result in keys + [r for r in results if r not in keys]:
        funnel = charts.funnel_chart(result, comparators)
        if funnel is not None:
            drawn.append(funnel)
            break
    summary = (
        tally(results)
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
    the assessed area, at the breakdown's latest period."""
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
        data = pd.DataFrame(
            {
                "Category": rows["category"].astype(str).to_numpy(),
                "Value": [
                    format_number(v, str(u), str(t))
                    for v, u, t in zip(rows["value"], rows["unit"], rows["value_type"], strict=True)
                ],
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
            )
        )
    return tables
