"""The depth of an assessment, placed in the layout's sections: who is in treatment, how
people move through it, the population, inequalities, future demand and value for money.

:func:`add_depth` takes the topic sections of :func:`dana.assess.layout.topic_sections`
and adds, where the data allow (each part says nothing when its data are absent, and
:func:`add_depth` lists that as a data gap):

========================== ==========================================================
section                    parts (module)
========================== ==========================================================
Population and context     Comparator areas (:mod:`.comparators`); Ethnicity,
                           Population projections, Variation within the area
                           (:mod:`.population`); Health inequalities (:mod:`.inequality`)
Alcohol, Drugs             "Who is in treatment": client profile (:mod:`.profile`) and
                           penetration (:mod:`.penetration`); service use and outcomes
                           breakdowns and grouped figures, unmet need (:mod:`.pathways`)
Children and young people  Young people in specialist services (:mod:`.young_people`);
                           hidden harm (:mod:`.pathways`)
Future demand, capacity    Future demand and capacity (:mod:`.demand`); Value for money
and value for money        (:mod:`.value_for_money`)
========================== ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from dana.areas import ENGLAND
from dana.assess import (
    demand,
    inequality,
    pathways,
    penetration,
    population,
    printed_profile,
    profile,
    young_people,
)
from dana.assess.comparators import Comparators, comparator_parts, coverage_gaps
from dana.assess.config import AssessmentConfig
from dana.assess.load import uses_default_data
from dana.assess.model import DataGap, Section
from dana.assess.parts import Parts
from dana.assess.periods import period_sort_for
from dana.assess.profile import TOPICS
from dana.assess.provenance import is_synthetic
from dana.assess.shares import group_ids, latest_sort
from dana.assess.unit_values import read_unit_values
from dana.assess.value_for_money import value_for_money_parts

DEMAND_SECTION = ("demand", "Future demand, capacity and value for money")


def provenance_note(parts: Parts, title: str = "") -> str:
    """Which of a part's sources are real and which synthetic, said plainly (naming the
    part, so the sentence does not read the same in every section)."""
    sources = {
        piece
        for item in (*parts.tables, *parts.charts)
        for piece in str(item.source).split("; ")
        if piece.strip()
    }
    fake = sorted(s for s in sources if is_synthetic(s))
    real = sorted(s for s in sources if not is_synthetic(s) and not s.startswith("DANA"))
    if fake and real:
        return (
            " Mixed sources: real data (" + "; ".join(real) + ") and DANA's embedded "
            "synthetic default data (not real); each table's source and notes say which."
        )
    if fake:
        what = f"The figures on {title[0].lower() + title[1:]}" if title else "These figures"
        return f" {what} come from DANA's embedded synthetic default data, not real data."
    return ""


def _section(key: str, title: str, parts: Parts, summary: str) -> Section:
    return Section(
        id=key,
        title=title,
        summary=summary + provenance_note(parts, title),
        findings=parts.findings,
        charts=parts.charts,
        tables=parts.tables,
    )


def _with(section: Section, parts: Parts) -> Section:
    return replace(
        section,
        findings=section.findings + parts.findings,
        charts=section.charts + parts.charts,
        tables=section.tables + parts.tables,
    )


def _gap(key: str, name: str, section: str, detail: str, reason: str = "no_data") -> DataGap:
    return DataGap(key, name, section, reason, detail)


def local_rows(table: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """The rows every depth part reads: the area's, England's and those of the smaller
    areas within it (one pass over the table; the parts then filter a few thousand rows)."""
    keep = table["area_code"].isin([area_code, ENGLAND]) | (table["parent_code"] == area_code)
    return table[keep.to_numpy()]


def _present(table: pd.DataFrame, ids) -> bool:
    """True when some area has rows of the indicators (the part's data were loaded)."""
    return bool(table["indicator_id"].isin(list(ids)).any())


def add_depth(
    sections: list[Section],
    table: pd.DataFrame,
    results,
    comparators: Comparators,
    config: AssessmentConfig,
    on_section: Callable[[Section], None] | None = None,
) -> tuple[list[Section], list[DataGap]]:
    """The sections with their depth parts added, and the gaps where data were lacking.

    A part without data for the assessed area is a data gap when the table has that part's
    data for other areas (the source was loaded but does not cover the area); a table
    with no such data at all (a source not loaded) adds no gap for it. ``on_section`` is
    given each section as soon as its depth is added (its charts can start drawing).
    """
    target = period_sort_for(table, config.period)
    rule = config.suppression
    area = comparators.subject
    table = local_rows(table, area.code)
    supplied = isinstance(config.comparators.neighbours, list)
    gaps: list[DataGap] = list(coverage_gaps(results, comparators, supplied=supplied))
    out: list[Section] = []

    def made(section: Section) -> None:
        out.append(section)
        if on_section is not None:
            on_section(section)

    for section in sections:
        if section.id == "population":
            section = _population(section, table, results, comparators, config, target, gaps)
        elif section.id in TOPICS:
            section = _topic(section, table, results, comparators, config, target, rule, gaps)
        elif section.id == "young_people":
            section = _young_people(section, table, results, comparators, target, rule, gaps)
        made(section)
        if section.id == "wider_determinants" and config.include(DEMAND_SECTION[0]):
            made(_demand(table, area, config, target, gaps, results))
    if config.include(DEMAND_SECTION[0]) and not any(s.id == DEMAND_SECTION[0] for s in out):
        made(_demand(table, area, config, target, gaps, results))
    return out, gaps


def _population(section, table, results, comparators, config, target, gaps) -> Section:
    area = comparators.subject
    tables, findings = comparator_parts(config, comparators, results)
    children = [
        _section(
            "population.comparators",
            "Comparator areas",
            Parts(tuple(tables), (), tuple(findings)),
            "The areas this assessment compares with, and the area's position among them.",
        )
    ]
    present = {
        "population.ethnicity": _present(table, [population.CENSUS_2021]),
        "population.projections": _present(table, list(population.PROJECTIONS)),
        "population.inequalities": bool(table["category_type"].eq(inequality.DECILE_TYPE).any()),
    }
    for key, title, parts, summary, gap in (
        ("population.ethnicity", "Ethnicity", population.ethnicity_parts(table, area),
         "Residents by ethnic group (Census 2021).", "Census 2021 ethnic group"),
        ("population.projections", "Population projections",
         population.projection_parts(
             table, area, config.demand.horizon, default_data=uses_default_data(config)
         ),
         "How the population is projected to change.", "population projections"),
        ("population.districts", "Variation within the area", population.district_parts(table, area),
         "Population, deprivation and ethnicity of the districts or smaller areas.", ""),
        ("population.inequalities", "Health inequalities",
         inequality.decile_parts(table, area, target=target, rule=config.suppression)
         + inequality.life_expectancy_parts(table, area),
         "Inequality by deprivation within the area (SII, RII) and life expectancy.",
         "deprivation-decile rows or life expectancy"),
    ):  # fmt: skip
        if parts:
            children.append(_section(key, title, parts, summary))
        elif gap and present.get(key):
            gaps.append(_gap(key, title, "context", f"no {gap} data for {area.name}"))
    return replace(section, subsections=section.subsections + tuple(children))


def _adults(table, area_code, ids, config, target):
    sort = latest_sort(table, ids, area_code, target)
    if sort is None:
        return None, "", ""
    return population.adult_residents_for(
        table, area_code, sort // 10000, default_data=uses_default_data(config)
    )


def _topic(section, table, results, comparators, config, target, rule, gaps) -> Section:
    topic = TOPICS[section.id]
    area = comparators.subject
    adults, source, period = _adults(
        table, area.code, group_ids("in_treatment", topic.groups), config, target
    )
    # a chapter's treatment total the report withholds (a small part beside it, say) is
    # withheld here too: every profile, penetration and pathway table would print it
    headline = demand.IN_TREATMENT[topic.key]  # the total its profiles share
    if any(r.figure.suppressed for r in results if r.indicator.id == headline):
        gaps.append(_gap(f"{topic.key}.profile", "Who is in treatment (client profile)", section.id, f"not shown: the number of adults in treatment for {topic.noun} is withheld by disclosure control, and every profile and pathway table would give it", "suppressed"))  # fmt: skip
        return section
    who = profile.adult_profile(table, topic, comparators, target=target, rule=rule)
    who += penetration.topic_penetration(
        table, topic, area, target=target, rule=rule, adults=adults, adults_source=source,
        adults_period=period,
    )  # fmt: skip
    summary = (
        f"The people in treatment for {topic.noun} and those starting it, compared with "
        "England and with the resident population."
    )
    if not who and printed_profile.printed_topic(results) == topic.key:
        who = printed_profile.printed_profile_parts(table, area)
        summary = (
            "The people in treatment for all substance groups as the council's needs "
            "assessment printed them, and the penetration of treatment they allow."
        )
        gaps.append(_gap(f"{topic.key}.profile.breakdowns", "Client profile by substance group", section.id, f"the printed figures give shares for all substance groups only; no NDTMS breakdown rows (age, disability, employment, housing, parental status, referral source, new presentations) for {area.name} were loaded"))  # fmt: skip
    elif not who and _present(table, group_ids("in_treatment", topic.groups)):
        gaps.append(_gap(f"{topic.key}.profile", "Who is in treatment (client profile)", section.id, f"no NDTMS breakdown rows for {area.name}"))  # fmt: skip
    grouped = pathways.grouped_figures(results, topic.key, area.name)
    extra = {
        f"{topic.key}.service_use": pathways.breakdown_parts(
            table, topic, area, pathways.SERVICE_USE, subsection="service_use", target=target, rule=rule
        ),
        f"{topic.key}.outcomes": pathways.breakdown_parts(
            table, topic, area, pathways.OUTCOMES, subsection="outcomes", target=target, rule=rule
        ),
    }  # fmt: skip
    if topic.key == "drugs":
        extra["drugs.service_use"] += pathways.breakdown_parts(
            table, topic, area, pathways.INJECTING, subsection="service_use", target=target, rule=rule
        )  # fmt: skip
    for key, made in grouped.items():
        subsection = ".".join(key.split(".")[:2])
        extra[subsection] = extra.get(subsection, Parts()) + Parts((made,))
    children = []
    for child in section.subsections:
        children.append(_with(child, extra.get(child.id, Parts())))
        if child.id == f"{topic.key}.treatment" and who:
            children.append(_section(f"{topic.key}.profile", "Who is in treatment", who, summary))
    return replace(section, subsections=tuple(children))


def _young_people(section, table, results, comparators, target, rule, gaps) -> Section:
    area = comparators.subject
    children = []
    young = young_people.young_people_profile(table, comparators, target=target, rule=rule)
    if young:
        children.append(_section("young_people.profile", "Young people in specialist services", young, "Who the young people in treatment are, how they came, what they use."))  # fmt: skip
    elif _present(table, [young_people.YOUNG_PEOPLE_ID]):
        gaps.append(_gap("young_people.profile", "Young people in specialist services (profile)", "young_people", f"no NDTMS young people's breakdown rows for {area.name}"))  # fmt: skip
    harm = pathways.hidden_harm(results, area.name)
    if harm:
        children.append(_section("young_people.hidden_harm", "Hidden harm", harm, "Parents in treatment against the estimated number of dependent parents."))  # fmt: skip
    return replace(section, subsections=section.subsections + tuple(children))


def _demand(table, area, config, target, gaps, results) -> Section:
    key, title = DEMAND_SECTION
    children = []
    capacity = demand.demand_parts(table, area, config.demand, target_sort=target)
    unprojected = (
        bool(capacity) and demand.projected_need(table, area.code, config.demand.horizon).empty
    )
    if capacity:
        what = (
            "The treatment and caseworkers a target asks for (need is not projected: see the data gaps)."
            if unprojected
            else "Need projected with the population, and the treatment and caseworkers a target asks for."
        )
        children.append(_section("demand.capacity", "Future demand and capacity", capacity, what))
    else:
        gaps.append(_gap("demand.capacity", "Future demand and capacity", key, f"no treatment counts or projections for {area.name}"))  # fmt: skip
    if unprojected:
        gaps.append(_gap("demand.need", "Projected need", key, f"no yearly projection of adults (18+) with a prevalence estimate for {area.name} (ONS subnational projections), so need is not projected"))  # fmt: skip
    spec = config.value_for_money
    path = config.path(spec.unit_values)
    units = read_unit_values(path)
    shown = spec.unit_values if spec.unit_values.startswith("dana:") else str(path)
    withheld = {r.indicator.id for r in results if r.figure.suppressed}
    value = value_for_money_parts(
        table, area, spec, units, shown, target=target, withheld=withheld, rule=config.suppression
    )
    if value:
        children.append(_section("demand.value_for_money", "Value for money", value, "A benefit-cost model of treatment with cited, replaceable unit values."))  # fmt: skip
    else:
        only_total = _present(table[table["area_code"] == area.code], [demand.ALL_IN_TREATMENT])
        why = (
            "the only treatment count is for all substance groups together, and the unit "
            "values apply to drug and to alcohol treatment separately"
            if only_total
            else "no activity the unit values apply to"
        )
        gaps.append(_gap("demand.value_for_money", "Value for money", key, why))
    if spec.spend is None:
        gaps.append(_gap("demand.value_for_money.spend", "Spend on treatment", key, "no spend was given (value_for_money.spend), so no net benefit or benefit-cost ratio", "not_supplied"))  # fmt: skip
    summary = (
        "What the future demands and whether treatment pays."
        if children
        else "No data were available for this section; see the data gaps."
    )
    return Section(id=key, title=title, summary=summary, subsections=tuple(children))
