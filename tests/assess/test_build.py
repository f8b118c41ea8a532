"""The builder, data gaps, provenance, the C&P example, config errors and atomic output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _tables import AREA, ENGLAND, Catalogue, fy, indicator, make_table, rows
from click.testing import CliRunner

from dana import cli_report, report
from dana.assess import ConfigError, Figure, build_assessment, load_config
from dana.assess.config import AssessmentConfig
from dana.assess.provenance import (
    LOCAL_ATTRIBUTION,
    OGL_ATTRIBUTION,
    SYNTHETIC_ATTRIBUTION,
    attributions,
    provenance_entries,
)
from dana.catalogue import load_catalogue
from dana.cli import main
from dana.report import write_outputs

CONFIG = dict(
    area="Peterborough",
    comparators={"england": True, "region": False, "neighbours": None},
    data={"builtin": "none"},
    sections=["drugs", "wider_determinants", "data_gaps"],
)


# --- the Cambridgeshire & Peterborough example reproduces the published report ----------------


@pytest.fixture
def cp(cp_assessment):
    return cp_assessment


def test_cp_example_matches_the_seed_treatment_rates(cp):
    # Seed 000, "Drug service users": Peterborough 705, Cambridgeshire 306, England 457 per
    # 100,000 aged 18+ (2021/22); "Alcohol service users": 231, 163 and 189.
    for indicator_id, area, neighbour, england in (
        ("ndtms:adults_in_treatment_drug", 705, 306, 457),
        ("ndtms:adults_in_treatment_alcohol", 231, 163, 189),
    ):
        (figure,) = [f for f in cp.all_figures() if f.indicator_id == indicator_id]
        assert figure.period == "2021/22" and figure.value == area
        assert figure.benchmark("England").benchmark_value == england
        assert figure.benchmark("Cambridgeshire").benchmark_value == neighbour
        # CI wholly above England; the catalogue gives treatment rates no polarity (more in
        # treatment may mean more need or better access), so "higher", as the seed says
        assert figure.benchmark("England").comparison == "higher"
    texts = {f.id: f.text for f in cp.all_findings()}
    drug = texts["drug_treatment.adults_in_treatment_drug"]
    assert drug.startswith(
        "Peterborough had 1,147 adults in drug treatment in 2021/22, a rate of 705 per 100,000 "
        "aged 18+"
    )
    assert "significantly higher than England (457) and Cambridgeshire (306)." in drug
    # one paragraph per indicator, and the introduction is said once, not also as a section
    assert len(texts) == len({f.id for f in cp.all_findings()})
    assert cp.introduction and "introduction" not in [s.id for s in cp.sections]
    assert not cp.synthetic and cp.attributions == (OGL_ATTRIBUTION,)


def test_cp_example_lists_what_the_summary_report_lacks(cp):
    gaps = {g.indicator_id: g.reason for g in cp.data_gaps}
    assert gaps["92432"] == "no_data"  # drug misuse deaths: not transcribed
    assert gaps["local:police_drug_offences"] == "not_supplied"
    assert "ndtms:adults_in_treatment_drug" not in gaps


# --- data gaps and provenance --------------------------------------------------------------


def test_gaps_cover_missing_old_and_uncomparable_indicators():
    current = indicator("local:current", short_name="Current")
    old = indicator("local:old", short_name="Old")
    no_england = indicator("local:no_england", short_name="No England")
    absent = indicator("fingertips:absent", short_name="Absent")
    records = (
        rows(current, AREA, [fy(2022)], value=10.0, lower=8.0, upper=12.0)
        + rows(current, ENGLAND, [fy(2022)], value=11.0)
        + rows(old, AREA, [fy(2016)], value=10.0, lower=8.0, upper=12.0)
        + rows(old, ENGLAND, [fy(2016)], value=11.0)
        + rows(no_england, AREA, [fy(2022)], value=10.0, lower=8.0, upper=12.0)
    )
    assessment = build_assessment(
        AssessmentConfig(**CONFIG),
        table=make_table(records),
        catalogue=Catalogue([current, old, no_england, absent]),
    )
    gaps = {(g.indicator_id, g.reason) for g in assessment.data_gaps}
    assert gaps == {
        ("fingertips:absent", "no_data"),
        ("local:old", "out_of_date"),  # 2016/17 ends 6 years before 2022/23 (> 3)
        ("local:no_england", "missing_for_comparators"),
    }
    # asking for an older period reports each indicator's latest period up to it
    back = build_assessment(
        AssessmentConfig(**{**CONFIG, "period": "2016/17"}),
        table=make_table(records),
        catalogue=Catalogue([current, old, no_england, absent]),
    )
    assert [f.indicator_id for f in back.all_figures()] == ["local:old"]


def test_neighbours_that_cannot_be_computed_are_a_gap_not_silently_absent():
    current = indicator("local:current", short_name="Current")
    # a district: DANA's neighbour features cover upper-tier areas only
    fenland = ("E07000010", "Fenland", "ltla", "E10000003")
    records = rows(current, fenland, [fy(2022)], value=10.0, lower=8.0, upper=12.0) + rows(
        current, ENGLAND, [fy(2022)], value=11.0
    )
    config = {**CONFIG, "area": "Fenland", "comparators": {"england": True, "region": False}}
    asked = build_assessment(
        AssessmentConfig(**config), table=make_table(records), catalogue=Catalogue([current])
    )
    assert [a.code for a in asked.comparators] == ["E92000001"]
    (gap,) = [g for g in asked.data_gaps if g.indicator_id == "neighbours"]
    assert gap.reason == "missing_for_comparators" and "Fenland" in gap.detail
    config["comparators"] = {"england": True, "region": False, "neighbours": None}
    not_asked = build_assessment(
        AssessmentConfig(**config), table=make_table(records), catalogue=Catalogue([current])
    )
    assert "neighbours" not in {g.indicator_id for g in not_asked.data_gaps}


def test_provenance_has_one_entry_per_figure_and_synthetic_statement():
    ind = indicator()
    records = rows(
        ind, AREA, [fy(2022)], value=10.0, lower=8.0, upper=12.0, source="DANA synthetic generator"
    ) + rows(ind, ENGLAND, [fy(2022)], value=11.0)
    assessment = build_assessment(
        AssessmentConfig(**CONFIG), table=make_table(records), catalogue=Catalogue([ind])
    )
    (entry,) = assessment.provenance
    assert (entry.indicator_id, entry.period, entry.confidence) == (ind.id, "2022/23", 0.95)
    assert entry.retrieved == "2024-01-01" and entry.method == ind.method
    assert assessment.synthetic
    assert assessment.attributions == (OGL_ATTRIBUTION, SYNTHETIC_ATTRIBUTION)


@pytest.mark.parametrize(
    ("indicator_id", "source", "licence", "statements"),
    [
        (
            "local:waits",
            "Local data: waits.csv",
            "Local data",
            (OGL_ATTRIBUTION, LOCAL_ATTRIBUTION),
        ),
        # "Local" in a published profile's name is not local data: OGL, no local statement
        (
            "91380",
            "Local Alcohol Profiles for England (Fingertips)",
            "Open Government",
            (OGL_ATTRIBUTION,),
        ),
        (
            "local:waits",
            "DANA synthetic generator",
            "Synthetic",
            (OGL_ATTRIBUTION, SYNTHETIC_ATTRIBUTION),
        ),
    ],
)
def test_licence_and_attributions_agree_on_what_is_local(indicator_id, source, licence, statements):
    figure = Figure(
        indicator_id,
        "Waits",
        "drug_treatment",
        "2022/23",
        1.0,
        None,
        None,
        0.95,
        None,
        None,
        "count",
        "count",
        "no_judgement",
        source=source,
    )
    (entry,) = provenance_entries([figure])
    assert entry.licence.startswith(licence)
    assert attributions([figure]) == statements


# --- config errors: clear, naming the key, and nothing written -----------------------------


def _write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assessment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("area: Peterbrough\n", "area: unknown area 'Peterbrough'; did you mean Peterborough"),
        ("area: Peterborough\nsections: [alcohol, drugz]\n", "sections[1]"),
        ("area: Peterborough\nsuppression: nhs\n", "suppression.preset"),
        ("area: Peterborough\nrecommendations: missing.yaml\n", "recommendations: file not found"),
        (
            "area: Peterborough\ndata: {local_files: [nope.csv]}\n",
            "data.local_files[0]: file not found",
        ),
        ("area: Peterborough\ncolour: blue\n", "colour: unknown key"),
        ("area: Peterborough\ncomparators: {neighbours: {k: 0}}\n", "comparators.neighbours.k"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_config(_write_config(tmp_path, text))
    assert message in str(error.value)
    assert str(tmp_path / "assessment.yaml") in str(error.value)


def test_bad_config_writes_nothing(tmp_path):
    out = tmp_path / "out"
    path = _write_config(tmp_path, "area: Nowhere\n")
    result = CliRunner().invoke(main, ["report", "--config", str(path), "--out", str(out)])
    assert result.exit_code != 0 and "unknown area 'Nowhere'" in result.output
    assert not out.exists()


def test_broken_recommendation_link_is_an_error_and_writes_nothing(tmp_path):
    (tmp_path / "recs.yaml").write_text(
        "- number: 1\n  title: T\n  key_finding: K\n  description: D\n  timescale: short\n"
        "  population: adult\n  outcome_areas: [HARM]\n  findings: [drugs.not_a_finding]\n",
        encoding="utf-8",
    )
    path = _write_config(
        tmp_path,
        "area: Peterborough\ndata: {builtin: cambridgeshire-peterborough}\n"
        "comparators: {neighbours: null}\nrecommendations: recs.yaml\n",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", "--config", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert (
        f"Error: {tmp_path / 'recs.yaml'}: entry 1 (number 1): links to finding "
        "'drugs.not_a_finding', which is not in the assessment" in result.output
    )
    assert "Traceback" not in result.output
    assert not out.exists()


# --- all-or-nothing output -----------------------------------------------------------------


def test_write_outputs_moves_files_only_when_every_format_succeeds(tmp_path, monkeypatch, cp):
    def fake(fmt, fail=False):
        def render(assessment, path, **_):
            if fail:
                raise RuntimeError(f"{fmt} renderer broke")
            Path(path).write_text(fmt, encoding="utf-8")
            return Path(path)

        return render

    out = tmp_path / "out"
    for fmt in ("html", "docx", "pdf"):
        monkeypatch.setitem(report.RENDERERS, fmt, fake(fmt, fail=(fmt == "pdf")))
    with pytest.raises(RuntimeError, match="pdf renderer broke"):
        write_outputs(cp, out, ["html", "docx", "pdf"])
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # staging folder removed

    paths = write_outputs(cp, out, ["html", "docx"])
    assert [p.name for p in paths] == [
        "dana-needs-assessment-peterborough.html",
        "dana-needs-assessment-peterborough.docx",
        "dana-needs-assessment-peterborough-analyst-notes.md",  # the team's notes, beside it
    ]
    assert (out / "dana-needs-assessment-peterborough.docx").read_text() == "docx"


def _reuse_build(monkeypatch, built, **expected):
    """Let the CLI run for real but hand it an already-built assessment (no build is
    repeated in the suite), after checking the config it loaded."""

    def build(config, *, progress=None, **_):
        for key, value in expected.items():
            assert getattr(config, key)() == value, key
        assert config.area in (built.area.name, built.area.code)
        return built

    monkeypatch.setattr(cli_report, "build_assessment", build)


def test_cli_example_writes_html(tmp_path, monkeypatch, cp):
    _reuse_build(monkeypatch, cp)
    out = tmp_path / "cp"
    result = CliRunner().invoke(main, ["example", "cp", "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    (html,) = out.glob("*.html")
    assert html.suffix == ".html" and "705" in html.read_text(encoding="utf-8")
    assert [p.name for p in out.glob("*-analyst-notes.md")]
    assert str(html) in result.output


def test_default_config_builds_the_seed_sections_with_every_chart_kind(default_assessment):
    assessment = default_assessment
    assert [s.id for s in assessment.sections] == [
        "summary",
        "population",
        "alcohol",
        "drugs",
        "young_people",
        "wider_determinants",
        "demand",
        "engagement",
    ]
    drugs = assessment.sections[3]
    assert [s.id for s in drugs.subsections] == [
        "drugs.harms",
        "drugs.patterns",
        "drugs.treatment",
        "drugs.profile",
        "drugs.service_use",
        "drugs.outcomes",
        "drugs.prison",
    ]
    charts = [c for s in assessment.all_sections() for c in s.charts]
    # the body: small multiples, spines and the pyramid, compare bars only where the area
    # is significantly worse (or higher/lower) than England; funnels in the appendix
    assert {c.kind for c in charts} == {"spine", "pyramid", "small_trends", "compare_bar"}
    # funnels in their appendix; breakdowns and projections with the detailed tables
    appendix = [c for s, _, _ in assessment.walk_sections(appendices=True) for c in s.charts]
    appendix = [c for c in appendix if c not in charts]
    assert {c.kind for c in appendix} == {"funnel", "breakdown", "projection"}
    assert all(c.alt_text and not c.data.empty for c in charts + appendix)
    assert assessment.recommendations and assessment.synthetic
    assert len(assessment.provenance) == len(assessment.all_figures())
    ids = [f.id for f in assessment.all_findings()]
    assert len(ids) == len(set(ids))
    # every figure is stated by exactly one finding of its own section (its own paragraph
    # <catalogue section>.<slug>, or a group: "<section>.similar", ".better", ".context");
    # the depth parts' tables add findings of their own (profile, pathway, ...)
    for section in assessment.all_sections():
        if section.id == "summary":
            continue
        own = {f.indicator_id for f in section.figures}
        stated = [i for f in section.findings for i in f.indicator_ids if i in own]
        assert sorted(stated) == sorted(f.indicator_id for f in section.figures), section.id
    # a spine chart in each topic, none longer than a page can show
    spines = {s.id: c for s in assessment.all_sections() for c in s.charts if c.kind == "spine"}
    assert set(spines) >= {"alcohol", "drugs", "young_people", "wider_determinants"}
    assert all(len(c.data) <= 14 for c in spines.values())
    # the default register links to the one-per-indicator finding ids
    assert any(r.finding_ids for r in assessment.recommendations)
    assert all(set(r.finding_ids) <= set(ids) for r in assessment.recommendations)


def test_key_findings_come_first_and_match_the_comparisons(default_assessment):
    assessment = default_assessment
    summary = assessment.sections[0]
    assert summary.id == "summary" and summary.title == "Key findings at a glance"
    figures = {f.indicator_id: f for f in assessment.all_figures()}
    tested = [
        f.benchmark("England").comparison
        for f in figures.values()
        if f.benchmark("England") is not None
        and f.benchmark("England").comparison != "not_compared"
    ]
    tally = summary.summary
    assert f"Of the {len(tested)} indicators tested against England, " in tally
    assert f"{tested.count('worse')} significantly worse" in tally
    # 5 to 10 findings, the significantly worse ones first, each pointing to its evidence
    assert 5 <= len(summary.findings) <= 10
    worse = [
        i
        for i, f in enumerate(summary.findings)
        if figures[f.indicator_ids[0]].benchmark("England").comparison == "worse"
    ]
    assert worse == list(range(len(worse))) and worse
    every_worse = [f for f in figures.values() if f.benchmark("England")]
    every_worse = [f for f in every_worse if f.benchmark("England").comparison == "worse"]
    assert len(worse) == min(len(every_worse), 10)
    for finding in summary.findings:
        (indicator_id,) = finding.indicator_ids
        # where its evidence is, in one of the summary's turns of phrase
        assert finding.section_id and re.search(r"(evidence is in|[Ss]ee) '", finding.text)
        section = next(s for s in assessment.all_sections() if s.id == finding.section_id)
        assert indicator_id in [f.indicator_id for f in section.figures]


def test_real_data_example_needs_its_data_root_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("DANA_SHARED_DATA", raising=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["example", "coventry", "--out", str(out), "--format", "html"]
    )
    assert result.exit_code != 0
    assert "DANA_SHARED_DATA is not set" in result.output and "--data-root" in result.output
    assert not out.exists()


@pytest.mark.shared
def test_real_data_example_builds_from_the_shared_folder(
    tmp_path, shared_data, coventry_assessment, monkeypatch
):
    monkeypatch.delenv("DANA_SHARED_DATA", raising=False)
    _reuse_build(monkeypatch, coventry_assessment, data_root=shared_data.resolve())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "example",
            "coventry",
            "--data-root",
            str(shared_data),
            "--out",
            str(out),
            "--format",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    html = (out / "dana-needs-assessment-coventry.html").read_text(encoding="utf-8")
    # ONS deaths related to drug poisoning, Coventry 2020 registrations: 33 (read by hand
    # from drug_poisoning_registrations_by_LA.csv, row E08000026, column 2020).
    assert "drug poisoning deaths (number) (33, 2020)" in html
    # ... and the crude rate 33 / 379,387 (ONS mid-2020) x 100,000 = 8.7 per 100,000.
    # (shown for context with the count: no England value to test it against)
    assert "drug poisoning deaths (crude rate) (8.7 per 100,000, 2020)" in html


def test_real_data_only_indicators_are_gaps_that_say_which_source_supplies_them(
    default_assessment,
):
    gaps = {g.indicator_id: g for g in default_assessment.data_gaps}
    shown = {f.indicator_id for f in default_assessment.all_figures() if f.value is not None}
    # a measure the report already shows (as a count or denominator) is not a gap
    carried = {"phe:alcohol_dependent_adults": "93532"}
    carried["ndtms:number_in_treatment_drug"] = "ndtms:adults_in_treatment_drug"
    carried["ndtms:number_in_treatment_alcohol"] = "ndtms:adults_in_treatment_alcohol"
    carried["ndtms:number_in_treatment"] = "ndtms:adults_in_treatment_drug"
    for indicator_id in load_catalogue().real_data_only_ids():
        if carried.get(indicator_id) in shown:
            assert indicator_id not in gaps
        else:
            assert gaps[indicator_id].reason == "not_supplied"
    gap = gaps["ons:drug_poisoning_deaths_count"]
    # the reader is told what is missing; the config key goes to the analyst notes
    assert "data: sources" not in gap.detail and "`" not in gap.detail
    assert (
        gap.how_to_fill
        == "list the published file under `data: sources:` with type ons_drug_poisoning"
    )


def test_each_topic_sections_charts_are_offered_as_soon_as_it_is_made():
    """``on_charts`` hears of a topic section's charts before the next section is made
    (dana report starts drawing them), and of every chart the sections end up with."""
    drug = indicator("local:drug_rate", section="drug_treatment")
    crime = indicator("local:crime_rate", section="wider_determinants", short_name="Crime")
    years = [fy(y) for y in range(2016, 2023)]
    records = []
    for ind in (drug, crime):
        records += rows(ind, AREA, years, value=10.0, lower=8.0, upper=12.0)
        records += rows(ind, ENGLAND, years, value=11.0)
    offers: list[list[str]] = []
    assessment = build_assessment(
        AssessmentConfig(**CONFIG),
        table=make_table(records),
        catalogue=Catalogue([drug, crime]),
        on_charts=lambda charts: offers.append([c.id for c in charts]),
    )
    by_section = {
        s.id: [c.id for c in s.charts] + [c.id for sub in s.subsections for c in sub.charts]
        for s in assessment.sections
        if s.id in ("drugs", "wider_determinants")
    }
    assert by_section["drugs"] and by_section["wider_determinants"]
    # the first offer is the drugs section's alone, the second the wider determinants'
    assert offers[0] == by_section["drugs"]
    assert offers[1] == by_section["wider_determinants"]
    offered = {chart_id for offer in offers for chart_id in offer}
    assert offered >= {c for ids in by_section.values() for c in ids}


def test_the_default_build_offers_each_chart_when_it_is_made_not_after_the_build():
    """The pyramid comes first (before the indicators are compared), each section's depth
    charts and the engagement chart are offered before the appendices are made, and
    every chart of the final assessment was offered."""
    from dana.assess.model import walk_section_tree

    offers: list[list[str]] = []
    assessment = build_assessment(
        load_config(), on_charts=lambda charts: offers.append([c.id for c in charts])
    )
    assert offers[0] == ["pyramid.population"]
    first_offer = {}
    for position, offer in enumerate(offers):
        for chart_id in offer:
            first_offer.setdefault(chart_id, position)
    appendix_charts = [
        c.id for s, _, _ in walk_section_tree(assessment.appendices) for c in s.charts
    ]
    body_charts = [c.id for s, _, _ in walk_section_tree(assessment.sections) for c in s.charts]
    assert set(first_offer) >= set(body_charts) | set(appendix_charts)
    # the funnels are made with the appendices, after every section (other appendix
    # charts are moved there from the sections they were made in)
    appendices_offered = min(first_offer[c] for c in appendix_charts if c.startswith("funnel."))
    assert "engagement.journey.peterborough" in body_charts
    # every chart of the sections (depth and engagement ones included) before the funnels
    assert max(first_offer[c] for c in body_charts) < appendices_offered
    # depth charts are offered section by section: the population's before the young
    # people's (one offer after all the depth would give them the same position)
    assert first_offer["inequalities.91380.chart"] < first_offer["young_people.profile.chart"]


def test_every_chart_the_default_build_offers_is_the_chart_it_publishes():
    """A chart offered ahead is drawn once only if the disclosure pass leaves it as it
    was: in the default build (nothing it offers is withheld) every published chart is
    the same chart as its last offer, so no picture is drawn twice."""
    from dana.assess.model import walk_section_tree
    from dana.render.chart_pictures import same_chart

    offered = {}
    assessment = build_assessment(
        load_config(), on_charts=lambda charts: offered.update({c.id: c for c in charts})
    )
    published = [
        c
        for tree in (assessment.sections, assessment.appendices)
        for s, _, _ in walk_section_tree(tree)
        for c in s.charts
    ]
    assert len(published) >= 30
    changed = [c.id for c in published if not same_chart(offered[c.id], c)]
    assert changed == []
