"""Build the assessment model from a config: the pipeline, step by step.

:func:`build_assessment` orchestrates; each step has its own module::

    config -> indicator table                 dana.assess.load
           -> comparators (England, region, neighbours)    dana.assess.comparators
           -> one judged Figure per indicator  dana.assess.figures (calling dana.stats)
           -> key findings                     dana.assess.summary
           -> topic sections: figures, findings, charts    dana.assess.layout
           -> profiles, pathways, population, inequalities, demand, value for money
                                               dana.assess.depth
           -> engagement evidence              dana.assess.engagement
           -> funnel plots, trend tables       dana.assess.appendices
           -> data gaps, recommendations (redacted), provenance
           -> one disclosure pass over the whole model  dana.assess.disclose_model
           -> the disclosure statement of the rule applied

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
from dana.assess.analyst_notes import analyst_notes
from dana.assess.appendices import build_appendices, detailed_tables
from dana.assess.comparators import Comparators, neighbour_gap, resolve_comparators
from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.consistency import BuildFacts, enforce, mixed_sources, run_checks
from dana.assess.count_relations import HEADLINE_RELATIONS, breakdown_relations
from dana.assess.depth import add_depth
from dana.assess.derived import DRUG_DEATHS_CRUDE_RATE, DRUG_TREATMENT_COUNT
from dana.assess.disclose_model import disclose_assessment
from dana.assess.disclosure import disclosure_statement
from dana.assess.engagement import build_engagement_section
from dana.assess.figures import build_indicator_results
from dana.assess.findings import join_and
from dana.assess.gaps import COVERED_BY, find_gaps
from dana.assess.layout import table_indicators, topic_sections
from dana.assess.load import load_population, load_table
from dana.assess.model import Assessment, Chart, DataGap, Section, walk_section_tree
from dana.assess.paragraphs import finding_aliases
from dana.assess.periods import LATEST, period_sort_for
from dana.assess.provenance import attributions, is_synthetic, provenance_entries
from dana.assess.recommendations import load_recommendations
from dana.assess.redact_evidence import redact_engagement, redact_recommendations
from dana.assess.side_by_side import side_by_side
from dana.assess.since import add_previous_edition
from dana.assess.summary import summary_section
from dana.assess.wording import Voice
from dana.catalogue import load_catalogue
from dana.sources.engagement import read_engagement

Progress = Callable[[str], None]
#: Gap reasons that say a measure is absent from the report.
NOT_SHOWN = ("no_data", "not_supplied")

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
    on_results: Callable[[pd.DataFrame, Comparators, list], None] | None = None,
    depth: bool = True,
    validated: bool = False,
    on_charts: Callable[[list[Chart]], None] | None = None,
) -> Assessment:
    """Build the whole assessment model from a validated config.

    ``table`` and ``catalogue`` default to what the config names and the packaged
    catalogue (pass them to build from data already in memory, e.g. in tests).
    ``progress`` is called with a short description at each step. ``on_results`` is
    called with the table, the comparators and the judged indicator results the model
    is made from (the explorer's indicator pages reuse them: no second computation).
    ``depth=False`` leaves out the depth parts (:func:`dana.assess.depth.add_depth`) and the embedded
    default's depth rows: the baseline the depth benchmark measures against. ``validated=True``
    says ``table`` has already passed :func:`dana.table.validate` (``dana batch``
    validates the table once for every area). ``on_charts`` is called with the charts
    made so far, several times as the build goes on and before its disclosure pass
    (``dana report`` starts drawing them meanwhile; whatever uses them must check each
    against the final model's chart, which the disclosure pass may have changed).
    """
    step = progress or (lambda _message: None)
    catalogue = load_catalogue() if catalogue is None else catalogue
    step("Loading data")
    if table is None:
        data = load_table(config, depth=depth)
    else:
        data = table if validated else indicator_table.validate(table, where="table")
    indicators = list(catalogue) + table_indicators(data, catalogue)
    _check_key_indicators(config, indicators)
    step("Choosing comparators")
    comparators = resolve_comparators(config)
    # the pyramid needs no indicator: it starts drawing while the indicators are compared
    population_charts, population_source = _pyramid(config, comparators)
    if on_charts is not None and population_charts:
        on_charts(list(population_charts))
    step("Comparing indicators")
    relations = HEADLINE_RELATIONS + breakdown_relations(catalogue)
    results, missing = build_indicator_results(data, indicators, comparators, config, relations)
    if on_results is not None:
        on_results(data, comparators, results)

    step("Writing findings and charts")
    voice = Voice()
    mixed = mixed_sources(results, comparators)
    # each section's charts start drawing as soon as it is made
    offer = None if on_charts is None else lambda made: _offer_charts(on_charts, [made])
    sections: list[Section] = topic_sections(
        results,
        comparators,
        include=config.include,
        key_indicators=frozenset(config.key_indicators),
        population_charts=population_charts,
        table=data,
        voice=voice,
        mixed=mixed,
        on_section=offer,
    )

    # two areas side by side (one named comparator area), as the C&P summary does
    sections, tabled = side_by_side(
        sections,
        data,
        comparators,
        indicators,
        target_sort=period_sort_for(data, config.period),
        rule=config.suppression,
    )
    _offer_charts(on_charts, sections)
    extra_gaps: list[DataGap] = list(neighbour_gap(config, comparators))
    if depth:
        step("Adding profiles, pathways, population, demand and value for money")
        sections, depth_gaps = add_depth(
            sections, data, results, comparators, config, on_section=offer
        )
        extra_gaps += depth_gaps

    engagement_source = []
    redaction_notes: tuple[str, ...] = ()
    if config.include("engagement"):
        step("Adding engagement evidence")
        section = _engagement_section(config, comparators)
        if section is None:
            extra_gaps.append(
                DataGap(
                    "engagement",
                    "Engagement evidence",
                    "engagement",
                    "not_supplied",
                    "no engagement evidence was supplied for this assessment",
                    how_to_fill="name the files under `engagement:` in the config "
                    "(participants, journey, themes)",
                )
            )
        else:
            sections.append(section[0])
            _offer_charts(on_charts, [section[0]])
            engagement_source.append(section[1])
            redaction_notes = section[2]
    # The introduction is Assessment.introduction (every renderer prints it under its own
    # heading); the first section is the key findings, as in the seeds' summaries.
    introduction = ""
    if config.include("introduction"):
        sources = sorted({r.figure.source for r in results if r.figure.source})
        engaged = any(s.id == "engagement" for s in sections)
        introduction = _introduction(config, comparators, results, sources, engaged=engaged)
        sections.insert(0, summary_section(results, comparators, sections, voice))

    sections, detail_appendix = detailed_tables(sections)
    detail = (detail_appendix,) if detail_appendix is not None else ()
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
        appendices=build_appendices(
            results,
            comparators,
            include=config.include,
            key_indicators=frozenset(config.key_indicators),
        )
        + detail,
    )
    _offer_charts(on_charts, draft.appendices)
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
            catalogue=catalogue,
        ) + tuple(extra_gaps)
        # a measure the side-by-side tables show is not missing from the report
        gaps = tuple(g for g in gaps if g.indicator_id not in tabled or g.reason not in NOT_SHOWN)

    recommendations = ()
    if config.include("recommendations") and config.recommendations:
        step("Linking recommendations")
        every = draft.all_findings()
        recommendations = redact_recommendations(
            load_recommendations(
                config.path(config.recommendations),
                indicator_ids=[f.indicator_id for f in figures] + sorted(tabled),
                finding_ids=[f.id for f in every],
                figures={f.indicator_id: f for f in figures},
                finding_aliases=finding_aliases(results, every),
                finding_figures={f.id: f.indicator_ids for f in every},
            ),
            known_names=tuple(config.engagement.known_names) if config.engagement else (),
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
    # one disclosure pass over everything built, which every renderer then reads
    draft = disclose_assessment(draft, config.suppression, relations=relations)
    figures = draft.all_figures()
    built = replace(
        draft,
        period=period,
        recommendations=recommendations,
        data_gaps=gaps,
        provenance=provenance_entries(figures),
        attributions=attributions(figures, engagement_source),
        # the rule's own setting: secondary suppression on for every preset that has it
        disclosure=disclosure_statement(config.suppression, secondary=None),
        synthetic=synthetic,
    )
    built = add_previous_edition(built, config)
    step("Checking consistency")
    facts = BuildFacts(
        ages={r.figure.indicator_id: r.indicator.age for r in results},
        mixed=mixed,
        population_source=population_source,
        derived=frozenset({DRUG_DEATHS_CRUDE_RATE, DRUG_TREATMENT_COUNT}),
    )
    checks = run_checks(built, facts, covered_by=COVERED_BY)
    enforce(checks)
    return replace(built, analyst_notes=analyst_notes(built, checks, notes=redaction_notes))


def _offer_charts(on_charts, sections) -> None:
    """Give ``on_charts`` every chart of ``sections`` and their subsections, depth first."""
    if on_charts is not None:
        on_charts([chart for s, _, _ in walk_section_tree(sections) for chart in s.charts])


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


def _pyramid(config: AssessmentConfig, comparators: Comparators) -> tuple[tuple[Chart, ...], str]:
    """The population pyramid, when the data carries single-year populations, and the
    population's own source (the chart's "Source:" names it, synthetic or not)."""
    population, period = load_population(config, comparators.subject.code)
    england = None
    if comparators.england is not None:
        england, _ = load_population(config, ENGLAND)
    chart = charts.pyramid_chart(population, comparators.subject.name, period, england=england)
    if chart is None:
        return (), ""
    source = chart.source
    if "source" in population and population["source"].astype(str).str.len().gt(0).any():
        source = "; ".join(sorted(set(population["source"].astype(str)) - {""}))
    return (replace(chart, source=source),), source


def _engagement_section(
    config: AssessmentConfig, comparators: Comparators
) -> tuple[Section, str, tuple[str, ...]] | None:
    """The engagement section, its source line and the notes of what redaction dropped
    (for the analyst notes); None when no evidence was supplied."""
    spec = config.engagement
    if spec is None:
        return None
    paths = {key: str(config.path(name)) for key, name in spec.files().items()}
    inputs = read_engagement({**spec.model_dump(), **paths}, config.base_dir)
    if inputs.is_empty:
        return None
    # redacted here for the notes of what it dropped; the section builder's own redaction
    # of the same text then changes nothing
    inputs, dropped = redact_engagement(inputs)
    covered = tuple(a.name for a in (comparators.subject, *comparators.all()))
    section = build_engagement_section(
        inputs, min_responses=spec.min_responses, suppression=config.suppression, areas=covered
    )
    return section, inputs.source + (" synthetic" if inputs.synthetic else ""), dropped


def _introduction(
    config: AssessmentConfig, comparators: Comparators, results, sources, *, engaged: bool
) -> str:
    """The config's introduction, or one written from what the build contains (it claims
    engagement work only when the report has an engagement section)."""
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
        f"({len(results)} indicators, compared with {join_and(compared) or 'no benchmark'})"
        + (
            " and engagement with people with lived experience and professionals. "
            if engaged
            else ". "
        )
        + f"{POLICY_FRAME} Data sources: {'; '.join(sources) or 'none'}."
    )
