"""Build the assessment model from a config: data in, judged figures, words, charts, gaps.

:func:`build_assessment` is the whole pipeline::

    config -> indicator table (built-in data, Fingertips cache, local files)
           -> one Figure per indicator (dana.assess.figures, calling dana.stats)
           -> findings in words (dana.assess.findings), charts (dana.assess.charts)
           -> sections mirroring the seeds, data gaps, provenance, recommendations

Sections follow the Cambridgeshire & Peterborough summary report and the other seeds
(DOMAIN.md "What a needs assessment contains"): Introduction; Population and context;
Alcohol (impact, patterns and unmet need, service users, service use, outcomes); Drugs
(the same plus continuity of care after prison); Children and young people; Wider
determinants; Engagement evidence. Data gaps, recommendations and provenance are kept in
the model's own fields, which every renderer shows.

Indicators in the data but not in the catalogue (e.g. transcribed or local measures)
are reported too, with metadata from the table; they are placed by their name ("alcohol",
"drug"/"opiate", else wider determinants) and compared only when they carry limits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dana import table as indicator_table
from dana.areas import load_areas
from dana.assess import charts, findings
from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.figures import (
    ENGLAND_CODE,
    Comparators,
    IndicatorResult,
    build_indicator_results,
    period_sort_for,
)
from dana.assess.gaps import find_gaps
from dana.assess.model import Area, Assessment, DataGap, Finding, Section, Table
from dana.assess.provenance import attributions, is_synthetic, provenance_entries

Progress = Callable[[str], None]

# (subsection key, title) per top-level section, in the seeds' order.
_LAYOUT: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
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
_CATALOGUE_TO_SECTION = {
    "context": "population",
    "alcohol_harms": "alcohol",
    "alcohol_treatment": "alcohol",
    "drug_harms": "drugs",
    "drug_treatment": "drugs",
    "young_people": "young_people",
    "wider_determinants": "wider_determinants",
}
POLICY_FRAME = (
    "It follows the national drug strategy From Harm to Hope (2021) and the Commissioning "
    "Quality Standard (2022), and reports against the National Combating Drugs Outcomes "
    "Framework."
)


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


# --- data ------------------------------------------------------------------------------------


def load_table(config: AssessmentConfig) -> pd.DataFrame:
    """The indicator table the config names: built-in data, Fingertips cache, local files.

    Later sources take precedence for the same key (indicator, area, period, sex, age,
    category): a local file replaces a built-in row, so a team can correct the default.
    """
    frames: list[tuple[str, pd.DataFrame]] = []
    builtin = config.data.builtin
    if builtin == "default":
        from dana.data.default import load_default_table

        frames.append(("the embedded default data", load_default_table()))
    elif builtin == "cambridgeshire-peterborough":
        from dana.data.default import load_cp_example

        frames.append(("the Cambridgeshire & Peterborough example", load_cp_example()))
    if config.data.fingertips_cache:
        from dana.sources.cache import cached_table

        frames.append(("the Fingertips cache", cached_table(cache_dir=config.data.cache_dir)))
    for name in config.data.local_files:
        from dana.sources.local import read_indicator_file

        frames.append((name, read_indicator_file(config.path(name))))
    if not frames:
        raise ConfigError("data: no data source is configured (builtin: none and no files)")
    key = list(indicator_table.KEY)
    combined: pd.DataFrame | None = None
    for _, frame in frames:
        frame = indicator_table.coerce(frame)
        if combined is None:
            combined = frame
            continue
        replaced = combined.merge(frame[key], on=key, how="left", indicator=True)["_merge"]
        combined = pd.concat(
            [combined[(replaced == "left_only").to_numpy()], frame], ignore_index=True
        )
    return indicator_table.validate(combined, where=" + ".join(name for name, _ in frames))


def resolve_comparators(config: AssessmentConfig, table: pd.DataFrame) -> Comparators:
    """The assessed area, England, its region and its neighbours (computed or listed)."""
    areas = load_areas()
    info = areas.resolve(config.area)
    region = areas.region_of(info.code)
    subject = Area(info.code, info.name, info.area_type, region.code, region.name)
    neighbours: tuple[Area, ...] = ()
    spec = config.comparators.neighbours
    if isinstance(spec, list):
        from dana.neighbours import neighbours_from_list

        codes = neighbours_from_list(spec, area_code=info.code, areas=areas)
        neighbours = tuple(_area(areas, code) for code in codes)
    elif spec is not None:
        from dana.neighbours import nearest_neighbours

        features = neighbour_features(table)
        if info.code in set(features["area_code"]) and len(features) > 1:
            ranked = nearest_neighbours(info.code, features, k=min(spec.k, len(features) - 1))
            neighbours = tuple(_area(areas, code) for code in ranked["area_code"])
    return Comparators(
        subject=subject,
        england=Area(ENGLAND_CODE, "England", "england") if config.comparators.england else None,
        region=Area(region.code, region.name, "region") if config.comparators.region else None,
        neighbours=neighbours,
    )


def _area(areas, code: str) -> Area:
    info = areas.get(code)
    try:
        region = areas.region_of(code)
        return Area(info.code, info.name, info.area_type, region.code, region.name)
    except KeyError:
        return Area(info.code, info.name, info.area_type)


#: Context indicators used as neighbour features when the data has them for every area.
NEIGHBOUR_FEATURES = {"94240": "imd_score", "93553": "imd_score_2019"}


def neighbour_features(table: pd.DataFrame) -> pd.DataFrame:
    """Features for :func:`dana.neighbours.nearest_neighbours` from the indicator table.

    Deprivation (IMD score) and the adult share of the population (ONS 18+ / all ages),
    at each one's latest period, for the upper-tier authorities that have all of them.
    """
    utla = table[(table["area_type"] == "utla") & (table["category_type"] == "")]
    utla = utla[utla["sex"] == "Persons"]

    def latest(indicator_id: str) -> pd.Series:
        rows = utla[(utla["indicator_id"] == indicator_id) & utla["value"].notna()]
        if rows.empty:
            return pd.Series(dtype=float)
        rows = rows[rows["period_sort"] == rows["period_sort"].max()]
        return rows.groupby("area_code")["value"].first()

    columns = {name: latest(i) for i, name in NEIGHBOUR_FEATURES.items()}
    adults, everyone = latest("ons:population_18_plus"), latest("ons:population_all_ages")
    if not adults.empty and not everyone.empty:
        columns["pct_18_plus"] = adults / everyone * 100
    columns = {k: v for k, v in columns.items() if not v.empty}
    if not columns:
        return pd.DataFrame({"area_code": []})
    frame = pd.DataFrame(columns).dropna()  # areas lacking a feature cannot be placed
    return frame.reset_index(names="area_code")


def _table_indicators(table: pd.DataFrame, catalogue) -> list[TableIndicator]:
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


# --- sections --------------------------------------------------------------------------------


def _subsection_key(indicator) -> str:
    section = _CATALOGUE_TO_SECTION[indicator.section]
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


def indicator_findings(result: IndicatorResult, comparators: Comparators) -> list[Finding]:
    """The sentences for one figure: England (headline), region, neighbours, trend."""
    figure, indicator = result.figure, result.indicator
    area = comparators.subject.name
    base = f"{indicator.section}.{findings.slug(indicator.id, indicator.short_name)}"
    short = indicator.short_name
    england = figure.benchmark(ENGLAND_CODE)
    text = findings.headline(
        figure,
        area,
        short_name=short,
        indicator_name=indicator.name,
        age=indicator.age,
        england=england,
        england_reason=result.reasons.get(ENGLAND_CODE, ""),
    )
    if result.quintile and figure.value is not None:
        text += (
            f" Among all upper-tier local authorities it is in the {result.quintile} "
            "quintile (fifth)."
        )
    kind = "unmet_need" if findings.unmet_population(indicator.name) else "comparison"
    out = [findings.finding(f"{base}.england", text, figure.indicator_id, kind)]
    benchmarked = indicator.comparison != "none"
    if comparators.region is not None and indicator.comparison in ("ci_95", "ci_99_8"):
        region = figure.benchmark(comparators.region.code)
        if region is not None and figure.value is not None:
            sentence = findings.benchmark_sentence(
                figure,
                area,
                region,
                short_name=short,
                reason=result.reasons.get(region.benchmark_code, ""),
            )
            out.append(
                findings.finding(f"{base}.region", sentence, figure.indicator_id, "comparison")
            )
    if comparators.neighbours and figure.value is not None and benchmarked:
        codes = {"neighbours"} | {a.code for a in comparators.neighbours}
        bench = next((b for b in figure.benchmarks if b.benchmark_code in codes), None)
        sentence = findings.neighbours_sentence(
            figure,
            area,
            bench,
            short_name=short,
            reason="" if bench is None else result.reasons.get(bench.benchmark_code, ""),
        )
        out.append(
            findings.finding(f"{base}.neighbours", sentence, figure.indicator_id, "comparison")
        )
    first = last = None
    shown = result.series[result.series["value"].notna()].tail(5)
    if len(shown) >= 2:
        first = (str(shown["period"].iloc[0]), float(shown["value"].iloc[0]))
        last = (str(shown["period"].iloc[-1]), float(shown["value"].iloc[-1]))
    sentence = findings.trend_sentence(
        figure, area, short_name=short, first=first, last=last, note=result.trend_note
    )
    out.append(findings.finding(f"{base}.trend", sentence, figure.indicator_id, "trend"))
    return out


def _tally(results: list[IndicatorResult]) -> str:
    counts = Counter()
    for result in results:
        england = result.figure.benchmark(ENGLAND_CODE)
        if england is not None and england.comparison != "not_compared":
            counts[england.comparison] += 1
    if not counts:
        return "No indicator here could be compared with England."
    order = ["better", "similar", "worse", "higher", "lower"]
    parts = [f"{counts[c]} {c}" for c in order if counts[c]]
    total = sum(counts.values())
    return f"Of {total} indicator(s) compared with England: {', '.join(parts)}."


def _topic_section(
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
        keys = [r for r in results if r.indicator.comparison in ("ci_95", "ci_99_8")][:1]
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
        _tally(results)
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


def _population_extras(
    results: list[IndicatorResult], table: pd.DataFrame, comparators: Comparators, config
):
    extra_charts, tables = [], []
    if config.data.builtin == "default":
        from dana.data.default import load_population

        population, period = _latest_population(load_population(comparators.subject.code))
        england = None
        if comparators.england is not None:
            england, _ = _latest_population(load_population(ENGLAND_CODE))
        chart = charts.pyramid_chart(population, comparators.subject.name, period, england=england)
        if chart is not None:
            extra_charts.append(chart)
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
                    findings.format_number(v, str(u), str(t))
                    for v, u, t in zip(rows["value"], rows["unit"], rows["value_type"], strict=True)
                ],
            }
        )
        name = str(rows["indicator_name"].iloc[0])
        tables.append(
            Table(
                id=f"breakdown.{indicator_id}.{findings.slug('x:' + category_type.lower(), '')}",
                title=f"{name} by {category_type.lower()}, {comparators.subject.name}, "
                f"{rows['period'].iloc[0]}",
                data=data,
                source=str(rows["source"].iloc[0]),
            )
        )
    return extra_charts, tables


def _latest_population(population: pd.DataFrame | None) -> tuple[pd.DataFrame | None, str]:
    """The latest year of a population table, with ``age`` (from ``age_band`` if needed)."""
    if population is None or population.empty:
        return None, ""
    frame = (
        population.rename(columns={"age_band": "age"}) if "age" not in population else population
    )
    if "year" not in frame:
        return frame, ""
    latest = frame["year"].max()
    return frame[frame["year"] == latest].reset_index(drop=True), str(latest)


def _introduction(config: AssessmentConfig, comparators: Comparators, results, sources) -> str:
    if config.introduction.strip():
        return config.introduction.strip()
    area = comparators.subject.name
    compared = ["England"] if comparators.england else []
    if comparators.region:
        compared.append(f"the {comparators.region.name} region")
    if comparators.neighbours:
        compared.append(f"{len(comparators.neighbours)} comparator area(s)")
    return (
        f"This needs assessment summarises the current data on drug and alcohol use, the "
        f"estimated need for services, and service use in {area}. It is written for people "
        "who commission and design drug and alcohol services, people who work in them, "
        "partners across the public and voluntary sectors, and the public, including people "
        "who use drugs and alcohol and their families. It brings together numeric data "
        f"({len(results)} indicators, compared with {', '.join(compared) or 'no benchmark'}) "
        f"and engagement with people with lived experience and professionals. {POLICY_FRAME} "
        f"Data sources: {'; '.join(sources) or 'none'}."
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
    if catalogue is None:
        from dana.catalogue import load_catalogue

        catalogue = load_catalogue()
    step("Loading data")
    data = load_table(config) if table is None else indicator_table.validate(table, where="table")
    step("Choosing comparators")
    comparators = resolve_comparators(config, data)
    step("Comparing indicators")
    indicators = list(catalogue) + _table_indicators(data, catalogue)
    results, missing = build_indicator_results(data, indicators, comparators, config)

    step("Writing findings and charts")
    grouped: dict[str, list[IndicatorResult]] = {}
    for result in results:
        grouped.setdefault(_subsection_key(result.indicator), []).append(result)
    sections: list[Section] = []
    if config.include("introduction"):
        spine = charts.spine_chart(results, comparators)
        overview = _tally(results)
        sources = sorted({r.figure.source for r in results if r.figure.source})
        sections.append(
            Section(
                id="introduction",
                title="Introduction",
                summary=_introduction(config, comparators, results, sources),
                findings=(Finding("introduction.overview", overview, kind="summary"),),
                charts=(spine,) if spine is not None else (),
            )
        )
    keys = frozenset(config.key_indicators)
    for key, (title, subsections) in _LAYOUT.items():
        if not config.include(key):
            continue
        if not subsections:
            section = _topic_section(key, title, grouped.get(key, []), comparators, keys)
            if key == "population":
                extra_charts, tables = _population_extras(
                    grouped.get(key, []), data, comparators, config
                )
                section = Section(
                    id=section.id,
                    title=section.title,
                    summary=section.summary,
                    figures=section.figures,
                    findings=section.findings,
                    charts=tuple(extra_charts) + section.charts,
                    tables=tuple(tables),
                )
            sections.append(section)
            continue
        children = tuple(
            _topic_section(sub_key, sub_title, grouped.get(sub_key, []), comparators, keys)
            for sub_key, sub_title in subsections
        )
        everything = [r for sub_key, _ in subsections for r in grouped.get(sub_key, [])]
        sections.append(
            Section(id=key, title=title, summary=_tally(everything), subsections=children)
        )

    extra_gaps: list[DataGap] = []
    engagement_source = []
    if config.include("engagement"):
        step("Adding engagement evidence")
        from dana.assess.engagement import build_engagement_section
        from dana.sources.engagement import read_engagement

        spec = dict(config.engagement or {})
        min_responses = int(spec.pop("min_responses", 5))
        inputs = read_engagement(spec, config.base_dir)
        if inputs.is_empty:
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
            sections.append(build_engagement_section(inputs, min_responses=min_responses))
            engagement_source.append(inputs.source + (" synthetic" if inputs.synthetic else ""))

    figures = [f for s in sections for f in _all_figures(s)]
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
        from dana.assess.recommendations import load_recommendations

        finding_ids = [f.id for s in sections for f in _all_findings(s)]
        recommendations = load_recommendations(
            config.path(config.recommendations),
            indicator_ids=[f.indicator_id for f in figures],
            finding_ids=finding_ids,
        )

    periods = Counter(f.period for f in figures if f.value is not None)
    period = (
        config.period
        if config.period != "latest"
        else (periods.most_common(1)[0][0] if periods else "")
    )
    synthetic = any(is_synthetic(f.source) for f in figures) or any(
        is_synthetic(s) for s in engagement_source
    )
    title = config.title or f"Drug and alcohol needs assessment: {comparators.subject.name}"
    return Assessment(
        title=title,
        area=comparators.subject,
        comparators=tuple(
            a for a in (comparators.england, comparators.region, *comparators.neighbours) if a
        ),
        period=period,
        generated=(today or date.today()).isoformat(),
        sections=tuple(sections),
        recommendations=recommendations,
        data_gaps=gaps,
        provenance=provenance_entries(figures),
        attributions=attributions(figures, engagement_source),
        disclosure=config.suppression.describe(),
        synthetic=synthetic,
        introduction=sections[0].summary if sections and sections[0].id == "introduction" else "",
        author=config.author,
    )


def _all_sections(section: Section):
    yield section
    for child in section.subsections:
        yield from _all_sections(child)


def _all_figures(section: Section):
    return [f for s in _all_sections(section) for f in s.figures]


def _all_findings(section: Section):
    return [f for s in _all_sections(section) for f in s.findings]
