"""Build the assessment model from a config: the pipeline, step by step.

:func:`build_assessment` orchestrates; each step has its own module::

    config -> indicator table                 dana.assess.load
           -> comparators (England, region, neighbours)    dana.assess.comparators
           -> one judged Figure per indicator  dana.assess.figures (calling dana.stats)
           -> key findings                     dana.assess.summary
           -> topic sections: figures, findings, charts    dana.assess.layout
           -> engagement evidence              dana.assess.engagement
           -> data gaps, recommendations, provenance, disclosure statement

Data gaps, recommendations and provenance are kept in the model's own fields, which
every renderer shows.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pandas as pd

from dana import table as indicator_table
from dana.areas import ENGLAND
from dana.assess import charts
from dana.assess.comparators import Comparators, neighbour_gap, resolve_comparators
from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.disclosure import disclosure_statement
from dana.assess.engagement import build_engagement_section
from dana.assess.figures import build_indicator_results
from dana.assess.findings import join_and
from dana.assess.gaps import find_gaps
from dana.assess.layout import table_indicators, topic_sections
from dana.assess.load import load_population, load_table
from dana.assess.model import Assessment, Chart, DataGap, Section
from dana.assess.periods import LATEST, period_sort_for
from dana.assess.provenance import attributions, is_synthetic, provenance_entries
from dana.assess.recommendations import load_recommendations
from dana.assess.summary import summary_section
from dana.catalogue import load_catalogue
from dana.sources.engagement import read_engagement

Progress = Callable[[str], None]

POLICY_FRAME = (
    "It follows the national drug strategy From Harm to Hope (2021) and the Commissioning "
    "Quality Standard (2022), and reports against the National Combating Drugs Outcomes "
    "Framework."
)


def build_assessment(
    config: AssessmentConfig,
    *,
    table: pd.DataFrame | None = None,
    catalogue=None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Assessment:
    """Build the whole assessment model from a validated config.

    ``table`` and ``catalogue`` default to what the config names and the packaged
    catalogue (pass them to build from data already in memory, e.g. in tests).
    ``progress`` is called with a short description at each step.
    """
    step = progress or (lambda _message: None)
    catalogue = load_catalogue() if catalogue is None else catalogue
    step("Loading data")
    data = load_table(config) if table is None else indicator_table.validate(table, where="table")
    indicators = list(catalogue) + table_indicators(data, catalogue)
    _check_key_indicators(config, indicators)
    step("Choosing comparators")
    comparators = resolve_comparators(config)
    step("Comparing indicators")
    results, missing = build_indicator_results(data, indicators, comparators, config)

    step("Writing findings and charts")
    sections: list[Section] = []
    # The introduction is Assessment.introduction (every renderer prints it under its own
    # heading); the first section is the key findings, as in the seeds' summaries.
    introduction = ""
    if config.include("introduction"):
        sources = sorted({r.figure.source for r in results if r.figure.source})
        introduction = _introduction(config, comparators, results, sources)
        sections.append(summary_section(results, comparators))
    sections += topic_sections(
        results,
        comparators,
        include=config.include,
        key_indicators=frozenset(config.key_indicators),
        population_charts=_pyramid(config, comparators),
        table=data,
    )

    extra_gaps: list[DataGap] = list(neighbour_gap(config, comparators))
    engagement_source = []
    if config.include("engagement"):
        step("Adding engagement evidence")
        section = _engagement_section(config)
        if section is None:
            extra_gaps.append(
                DataGap(
                    "engagement",
                    "Engagement evidence",
                    "engagement",
                    "not_supplied",
                    "no engagement files were named in the config",
                )
            )
        else:
            sections.append(section[0])
            engagement_source.append(section[1])

    title = config.title or f"Drug and alcohol needs assessment: {comparators.subject.name}"
    draft = Assessment(
        title=title,
        area=comparators.subject,
        comparators=comparators.all(),
        period="",
        generated=(today or date.today()).isoformat(),
        sections=tuple(sections),
        introduction=introduction,
        author=config.author,
    )
    figures = draft.all_figures()
    step("Finding data gaps")
    gaps = ()
    if config.include("data_gaps"):
        gaps = find_gaps(
            results,
            missing,
            comparators,
            stale_after_years=config.stale_after_years,
            target_sort=period_sort_for(data, config.period),
        ) + tuple(extra_gaps)

    recommendations = ()
    if config.include("recommendations") and config.recommendations:
        step("Linking recommendations")
        recommendations = load_recommendations(
            config.path(config.recommendations),
            indicator_ids=[f.indicator_id for f in figures],
            finding_ids=[f.id for f in draft.all_findings()],
        )

    periods = Counter(f.period for f in figures if f.value is not None)
    period = (
        config.period
        if config.period != LATEST
        else (periods.most_common(1)[0][0] if periods else "")
    )
    synthetic = any(is_synthetic(f.source) for f in figures) or any(
        is_synthetic(s) for s in engagement_source
    )
    return replace(
        draft,
        period=period,
        recommendations=recommendations,
        data_gaps=gaps,
        provenance=provenance_entries(figures),
        attributions=attributions(figures, engagement_source),
        # the single-area report shows each figure on its own: no secondary suppression
        disclosure=disclosure_statement(config.suppression, secondary=False),
        synthetic=synthetic,
    )


def _check_key_indicators(config: AssessmentConfig, indicators) -> None:
    """Every ``key_indicators`` id a config names must be an indicator of the catalogue or
    the data (DANA's own default list is the seeds' headline measures)."""
    if "key_indicators" not in config.model_fields_set:
        return
    known = [i.id for i in indicators]
    problems = []
    for position, indicator_id in enumerate(config.key_indicators):
        if indicator_id in known:
            continue
        close = difflib.get_close_matches(indicator_id, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(
            f"key_indicators[{position}]: {indicator_id!r} is not an indicator in the "
            f"catalogue or the data{hint}"
        )
    if problems:
        raise ConfigError("; ".join(problems))


def _pyramid(config: AssessmentConfig, comparators: Comparators) -> tuple[Chart, ...]:
    """The population pyramid, when the data carries single-year populations."""
    population, period = load_population(config, comparators.subject.code)
    england = None
    if comparators.england is not None:
        england, _ = load_population(config, ENGLAND)
    chart = charts.pyramid_chart(population, comparators.subject.name, period, england=england)
    return () if chart is None else (chart,)


def _engagement_section(config: AssessmentConfig) -> tuple[Section, str] | None:
    """The engagement section and its source line; None when no evidence was supplied."""
    spec = config.engagement
    if spec is None:
        return None
    paths = {key: str(config.path(name)) for key, name in spec.files().items()}
    inputs = read_engagement({**spec.model_dump(), **paths}, config.base_dir)
    if inputs.is_empty:
        return None
    section = build_engagement_section(inputs, min_responses=spec.min_responses)
    return section, inputs.source + (" synthetic" if inputs.synthetic else "")


def _introduction(config: AssessmentConfig, comparators: Comparators, results, sources) -> str:
    if config.introduction.strip():
        return config.introduction.strip()
    area = comparators.subject.name
    compared = ["England"] if comparators.england else []
    if comparators.region:
        compared.append(f"the {comparators.region.name} region")
    if comparators.neighbours:
        count = len(comparators.neighbours)
        compared.append(f"{count} comparator area{'' if count == 1 else 's'}")
    return (
        f"This needs assessment summarises the current data on drug and alcohol use, the "
        f"estimated need for services, and service use in {area}. It is written for people "
        "who commission and design drug and alcohol services, people who work in them, "
        "partners across the public and voluntary sectors, and the public, including people "
        "who use drugs and alcohol and their families. It brings together numeric data "
        f"({len(results)} indicators, compared with {join_and(compared) or 'no benchmark'}) "
        f"and engagement with people with lived experience and professionals. {POLICY_FRAME} "
        f"Data sources: {'; '.join(sources) or 'none'}."
    )
