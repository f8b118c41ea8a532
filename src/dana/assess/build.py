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
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
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
from dana.vocabulary import IMPROVING_TRENDS, WORSENING_TRENDS

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
    """The indicator table the config names, with DANA's derived indicators added.

    Sources are read in order: ``data.builtin``, the Fingertips cache, ``local_files``,
    then each ``data.sources`` entry (:func:`dana.sources.registry.read_source`). A later
    source takes precedence for the same key (indicator, area, period, sex, age,
    category), so a local file can correct the default; and when a source that is not
    synthetic provides an indicator, every synthetic row of that indicator is dropped, so
    a real area value is never benchmarked against a synthetic England or neighbours.
    Then :func:`dana.assess.derived.add_derived` adds the indicators computed from
    others (crude drug-death rates, adults in drug treatment). A source that cannot be
    read is a :class:`ConfigError` naming its config key and file.
    """
    from dana.assess.derived import add_derived

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
    if config.data.sources:
        from dana.sources.errors import SourceError
        from dana.sources.registry import describe, read_source

        root = config.data_root()
        for position, spec in enumerate(config.data.sources):
            try:
                frames.append((describe(spec), read_source(spec, root)))
            except (SourceError, indicator_table.IndicatorTableError) as exc:
                raise ConfigError(f"data.sources[{position}] ({spec.get('type')}): {exc}") from exc
    if not frames:
        raise ConfigError("data: no data source is configured (builtin: none and no files)")
    key = list(indicator_table.KEY)
    combined: pd.DataFrame | None = None
    for _, frame in frames:
        frame = indicator_table.coerce(frame)
        if combined is None:
            combined = frame
            continue
        keep = combined.merge(frame[key], on=key, how="left", indicator=True)["_merge"]
        keep = (keep == "left_only").to_numpy().copy()
        real = frame[~frame["source"].map(is_synthetic).astype(bool)]
        keep &= ~(
            combined["indicator_id"].isin(set(real["indicator_id"]))
            & combined["source"].map(is_synthetic).astype(bool)
        ).to_numpy()
        combined = pd.concat([combined[keep], frame], ignore_index=True)
    return indicator_table.validate(
        add_derived(combined), where=" + ".join(name for name, _ in frames)
    )


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
        # areas whose codes the hierarchy does not know (e.g. 2019 codes) cannot be named
        # (a boolean array, not a list: an empty list would select no columns, not no rows)
        known = np.array([_known(areas, code) for code in features["area_code"]], dtype=bool)
        features = features.loc[known].reset_index(drop=True)
        if info.code in set(features["area_code"]) and len(features) > 1:
            ranked = nearest_neighbours(info.code, features, k=min(spec.k, len(features) - 1))
            neighbours = tuple(_area(areas, code) for code in ranked["area_code"])
    return Comparators(
        subject=subject,
        england=Area(ENGLAND_CODE, "England", "england") if config.comparators.england else None,
        region=Area(region.code, region.name, "region") if config.comparators.region else None,
        neighbours=neighbours,
    )


def _neighbour_gap(config: AssessmentConfig, comparators: Comparators) -> tuple[DataGap, ...]:
    """A data gap when nearest neighbours were asked for but none could be computed.

    :func:`resolve_comparators` leaves them out when the assessed area lacks a feature
    (:func:`neighbour_features`) or no other area has them all; say so rather than
    silently compare with fewer benchmarks.
    """
    spec = config.comparators.neighbours
    if spec is None or isinstance(spec, list) or comparators.neighbours:
        return ()
    return (
        DataGap(
            "neighbours",
            "Comparator areas (nearest statistical neighbours)",
            "context",
            "missing_for_comparators",
            f"no comparator areas could be computed for {comparators.subject.name}: the data "
            "lacks the IMD score or population features for it or for other upper-tier "
            "authorities; list comparator areas in comparators.neighbours instead",
        ),
    )


def _known(areas, code: str) -> bool:
    try:
        areas.get(code)
    except KeyError:
        return False
    return True


def _area(areas, code: str) -> Area:
    info = areas.get(code)
    try:
        region = areas.region_of(code)
        return Area(info.code, info.name, info.area_type, region.code, region.name)
    except KeyError:
        return Area(info.code, info.name, info.area_type)


#: IMD average score indicators, newest release first: a neighbour feature uses the first
#: one the data has (releases are not mixed, their scores are not comparable).
NEIGHBOUR_IMD = ("94240", "93553")
#: Age-structure features: name -> "Age group" categories of ons:population_all_ages.
NEIGHBOUR_AGE_GROUPS = {
    "pct_0_17": ("0-17 yrs",),
    "pct_18_24": ("18-24 yrs",),
    "pct_65_plus": ("65+ yrs",),
}


def neighbour_features(table: pd.DataFrame) -> pd.DataFrame:
    """Features for :func:`dana.neighbours.nearest_neighbours` from the indicator table.

    One row per upper-tier local authority (``area_type`` "utla"), persons, each
    indicator at its latest period:

    * ``imd_score`` - IMD average score (population-weighted mean of LSOA scores):
      Fingertips 94240 (IMD 2025) if the data has it, else 93553 (IMD 2019; e.g. IoD
      File 11 via the ``imd_utla`` source);
    * ``pct_0_17``, ``pct_18_24``, ``pct_65_plus`` - share of residents in each age group,
      ``100 x group / all ages``, from the "Age group" breakdown of
      ``ons:population_all_ages`` (ONS mid-year estimates via the ``ons_population``
      source);
    * ``log_population`` - natural log of the all-ages population (size matters for
      service models; the log stops the largest counties dominating the distance).

    When the data has no age-group breakdown (e.g. the embedded default), the adult share
    ``pct_18_plus = 100 x ons:population_18_plus / ons:population_all_ages`` is used
    instead. A feature no area has is left out; areas lacking any remaining feature are
    left out (they cannot be placed), and an empty frame means no neighbours.
    """
    utla = table[(table["area_type"] == "utla") & (table["sex"] == "Persons")]

    def latest(indicator_id: str, category_type: str = "", category: str = "") -> pd.Series:
        rows = utla[
            (utla["indicator_id"] == indicator_id)
            & (utla["category_type"] == category_type)
            & (utla["category"] == category)
            & utla["value"].notna()
        ]
        if rows.empty:
            return pd.Series(dtype=float)
        rows = rows[rows["period_sort"] == rows["period_sort"].max()]
        return rows.groupby("area_code")["value"].first()

    columns: dict[str, pd.Series] = {}
    imd = next((s for s in map(latest, NEIGHBOUR_IMD) if not s.empty), pd.Series(dtype=float))
    columns["imd_score"] = imd
    everyone = latest("ons:population_all_ages")
    everyone = everyone[everyone > 0]
    groups = {
        name: sum(latest("ons:population_all_ages", "Age group", c) for c in categories)
        for name, categories in NEIGHBOUR_AGE_GROUPS.items()
    }
    if not everyone.empty and all(not g.empty for g in groups.values()):
        for name, group in groups.items():
            columns[name] = group / everyone * 100
        columns["log_population"] = np.log(everyone)
    else:
        adults = latest("ons:population_18_plus")
        if not adults.empty and not everyone.empty:
            columns["pct_18_plus"] = adults / everyone * 100
    columns = {k: v for k, v in columns.items() if not v.empty}
    if not columns:
        return pd.DataFrame({"area_code": []})
    frame = pd.DataFrame(columns).dropna()  # areas lacking a feature cannot be placed
    return frame.rename_axis("area_code").reset_index()


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


def _benchmark_label(bench, comparators: Comparators) -> str:
    """How a benchmark is named in a sentence: 'England', 'the East of England region',
    'Cambridgeshire', 'the average of its 15 comparator areas'."""
    if bench.benchmark_code == ENGLAND_CODE:
        return "England"
    region = comparators.region
    if region is not None and bench.benchmark_code == region.code:
        return region.name if region.name == "London" else f"the {region.name} region"
    if bench.benchmark_code == "neighbours":
        found = re.search(r"\d+", bench.benchmark_name)
        count = f"{found.group(0)} " if found else ""
        return f"the average of its {count}comparator areas"
    return bench.benchmark_name


def _first_and_last(result: IndicatorResult) -> tuple[tuple[str, float] | None, ...]:
    """The first and last of the (up to five) periods the recent trend looks at."""
    shown = result.series[result.series["value"].notna()].tail(5)
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


def _finding_id(result: IndicatorResult) -> str:
    indicator = result.indicator
    return f"{indicator.section}.{findings.slug(indicator.id, indicator.short_name)}"


def indicator_findings(result: IndicatorResult, comparators: Comparators) -> list[Finding]:
    """One finding per indicator (id ``<section>.<slug>``): the figure with its tested
    comparisons (England, region, comparator areas), its rank and its recent trend."""
    figure, indicator = result.figure, result.indicator
    tested = indicator.comparison in ("ci_95", "ci_99_8")
    england = figure.benchmark(ENGLAND_CODE)
    benchmarks = (
        [(_benchmark_label(b, comparators), b) for b in figure.benchmarks] if tested else []
    )
    no_interval = (
        tested
        and england is not None
        and england.comparison == "not_compared"
        and figure.value is not None
        and (figure.lower is None or figure.upper is None)
    )
    first, last = _first_and_last(result)
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
    return [findings.finding(_finding_id(result), text, figure.indicator_id, kind)]


def _england_counts(results: list[IndicatorResult]) -> tuple[Counter, int]:
    """Tested England comparisons by category, and how many figures are shown untested."""
    counts, untested = Counter(), 0
    for result in results:
        england = result.figure.benchmark(ENGLAND_CODE)
        if england is not None and england.comparison != "not_compared":
            counts[england.comparison] += 1
        elif result.figure.value is not None:
            untested += 1
    return counts, untested


def _tally(results: list[IndicatorResult]) -> str:
    return findings.tally_sentence(*_england_counts(results))


_IMPROVING = IMPROVING_TRENDS
_WORSENING = WORSENING_TRENDS


def _summary_section(results: list[IndicatorResult], comparators: Comparators) -> Section:
    """'Key findings at a glance': the England tally, unmet need, and each indicator that is
    significantly worse than England or getting worse, then those getting better.

    Every item is a finding pointing at its indicators, so renderers can link it to the
    evidence; the wording reuses the indicator paragraphs' (so it says no more than they do).
    """
    area = comparators.subject.name
    items = [
        findings.finding(
            "summary.england",
            findings.tally_sentence(*_england_counts(results)),
            (),  # about every indicator: listing them all as evidence would say nothing
            "summary",
        )
    ]
    for result in results:
        figure, indicator = result.figure, result.indicator
        england = figure.benchmark(ENGLAND_CODE)
        if figure.value is None or not findings.unmet_population(indicator.name):
            continue
        opening = findings.statement(
            figure, area, short_name=indicator.short_name, indicator_name=indicator.name, age=""
        )
        clause = "" if england is None else findings.comparison_phrase(england, figure)
        text = f"{opening}: {clause}." if clause else f"{opening}."
        if figure.trend in _WORSENING + _IMPROVING:
            text += " " + findings.trend_sentence(figure, *_first_and_last(result))
        slug = findings.slug(indicator.id, indicator.short_name)
        items.append(
            findings.finding(f"summary.unmet_need.{slug}", text, figure.indicator_id, "unmet_need")
        )
    for result in results:
        figure, indicator = result.figure, result.indicator
        england = figure.benchmark(ENGLAND_CODE)
        worse = england is not None and england.comparison == "worse"
        worsening = figure.trend in _WORSENING
        unmet = findings.unmet_population(indicator.name)  # already given above
        if figure.value is None or unmet or not (worse or worsening):
            continue
        value = findings.with_unit(figure.value, figure, age=indicator.age)
        parts = [f"{indicator.short_name} was {value} in {figure.period}"]
        if worse:
            parts.append(findings.comparison_phrase(england, figure))
        if worsening:
            first, last = _first_and_last(result)
            trend = findings.trend_sentence(figure, first, last)
            parts.append("and " + trend.removeprefix("It ").rstrip("."))
        label = (
            "Worse than England and getting worse"
            if worse and worsening
            else "Worse than England"
            if worse
            else "Getting worse"
        )
        slug = findings.slug(indicator.id, indicator.short_name)
        items.append(
            findings.finding(
                f"summary.worse.{slug}",
                f"{label}: {', '.join(parts)}.",
                figure.indicator_id,
                "summary",
            )
        )
    for result in results:
        figure, indicator = result.figure, result.indicator
        unmet = findings.unmet_population(indicator.name)
        if figure.value is None or unmet or figure.trend not in _IMPROVING:
            continue
        first, last = _first_and_last(result)
        trend = findings.trend_sentence(figure, first, last).removeprefix("It ")
        slug = findings.slug(indicator.id, indicator.short_name)
        items.append(
            findings.finding(
                f"summary.improving.{slug}",
                f"Getting better: {indicator.short_name} {trend}",
                figure.indicator_id,
                "summary",
            )
        )
    return Section(
        id="summary",
        title="Key findings at a glance",
        summary=(
            f"The main points from the data for {area}. The sections that follow give each "
            "figure in full, with its comparisons, rank and trend."
        ),
        findings=tuple(items),
    )


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


#: Topic names used in spine chart titles.
_SPINE_TOPICS = {
    "population": "Population and context",
    "alcohol": "Alcohol",
    "drugs": "Drugs",
    "young_people": "Children and young people",
    "wider_determinants": "Wider determinants",
}


def _spine_charts(key: str, groups: list[list[IndicatorResult]], comparators: Comparators) -> tuple:
    """The topic's spine chart(s): one per topic, split (at subsection boundaries) only
    when it would have more than ``charts.MAX_SPINE_ROWS`` rows."""
    chunks = charts.spine_groups(groups)
    topic = _SPINE_TOPICS.get(key, key)
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
        count = len(comparators.neighbours)
        compared.append(f"{count} comparator area{'' if count == 1 else 's'}")
    return (
        f"This needs assessment summarises the current data on drug and alcohol use, the "
        f"estimated need for services, and service use in {area}. It is written for people "
        "who commission and design drug and alcohol services, people who work in them, "
        "partners across the public and voluntary sectors, and the public, including people "
        "who use drugs and alcohol and their families. It brings together numeric data "
        f"({len(results)} indicators, compared with {findings.join_and(compared) or 'no benchmark'}) "
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
    # The introduction is Assessment.introduction (every renderer prints it under its own
    # heading); the first section is the key findings, as in the seeds' summaries.
    introduction = ""
    if config.include("introduction"):
        sources = sorted({r.figure.source for r in results if r.figure.source})
        introduction = _introduction(config, comparators, results, sources)
        sections.append(_summary_section(results, comparators))
    keys = frozenset(config.key_indicators)
    for key, (title, subsections) in _LAYOUT.items():
        if not config.include(key):
            continue
        parts = [sub_key for sub_key, _ in subsections] or [key]
        spines = _spine_charts(key, [grouped.get(p, []) for p in parts], comparators)
        if not subsections:
            section = _topic_section(key, title, grouped.get(key, []), comparators, keys)
            extra_charts, tables = (), ()
            if key == "population":
                extra_charts, tables = _population_extras(
                    grouped.get(key, []), data, comparators, config
                )
            sections.append(
                replace(
                    section,
                    charts=(*extra_charts, *section.charts, *spines),
                    tables=tuple(tables),
                )
            )
            continue
        children = tuple(
            _topic_section(sub_key, sub_title, grouped.get(sub_key, []), comparators, keys)
            for sub_key, sub_title in subsections
        )
        everything = [r for sub_key, _ in subsections for r in grouped.get(sub_key, [])]
        sections.append(
            Section(
                id=key,
                title=title,
                summary=_tally(everything),
                charts=spines,
                subsections=children,
            )
        )

    extra_gaps: list[DataGap] = list(_neighbour_gap(config, comparators))
    engagement_source = []
    if config.include("engagement"):
        step("Adding engagement evidence")
        from dana.assess.engagement import build_engagement_section
        from dana.sources.engagement import read_engagement

        spec = dict(config.engagement or {})
        min_responses = int(spec.pop("min_responses", 5))
        for key in ("participants", "journey", "themes"):
            if spec.get(key):
                spec[key] = str(config.path(str(spec[key])))
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
        disclosure=config.suppression.describe(secondary=False),
        synthetic=synthetic,
        introduction=introduction,
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
