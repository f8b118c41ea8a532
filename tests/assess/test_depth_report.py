"""The depth parts in the default report and the Coventry real-data example."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from dana.assess.appendices import DETAIL_ID
from dana.formatting import SUPPRESSED

DEPTH_SECTIONS = (
    "population.comparators",
    "population.ethnicity",
    "population.projections",
    "population.inequalities",
    "alcohol.profile",
    "drugs.profile",
    "young_people.profile",
    "young_people.hidden_harm",
    "demand.capacity",
    "demand.value_for_money",
)


def with_details(assessment) -> dict:
    """Each section by id with the tables and charts the appendix 'Detailed tables'
    holds for it (:func:`dana.assess.appendices.detailed_tables`)."""
    prefix = DETAIL_ID + "."
    details = {
        s.id[len(prefix) :]: s
        for s, _, _ in assessment.walk_sections(appendices=True)
        if s.id.startswith(prefix)
    }
    out = {}
    for section in assessment.all_sections():
        extra = details.get(section.id)
        if extra is not None:
            section = replace(
                section, tables=section.tables + extra.tables, charts=section.charts + extra.charts
            )
        out[section.id] = section
    return out


@pytest.fixture(scope="module")
def sections(default_assessment):
    return with_details(default_assessment)


def test_default_report_has_every_depth_part_with_its_evidence(sections):
    for key in DEPTH_SECTIONS:
        section = sections[key]
        assert section.findings and section.tables, key
        if key != "population.comparators":  # positions of figures, each with provenance
            assert "synthetic" in section.summary, key  # says plainly the data are not real
    kinds = {c.kind for s in sections.values() for c in s.charts}
    assert {"breakdown", "projection"} <= kinds
    service = {t.id for t in sections["drugs.service_use"].tables}
    outcomes = {t.id for t in sections["drugs.outcomes"].tables}
    assert {"drugs.service_use.first_interventions", "drugs.service_use.in_treatment"} <= service
    assert {"drugs.outcomes.exits", "drugs.outcomes.by_group"} <= outcomes
    assert "drugs.patterns.unmet_need" in {t.id for t in sections["drugs.patterns"].tables}


def test_every_depth_table_says_which_columns_are_counts_and_withholds_small_ones(sections):
    for key in DEPTH_SECTIONS + ("drugs.service_use", "drugs.outcomes", "alcohol.outcomes"):
        for table in sections[key].tables:
            for count, of in table.derived:
                assert count in table.data and of in table.counts, table.id
            for column in table.counts:
                cells = table.data[column]
                hidden = (cells.astype(str) == SUPPRESSED).to_numpy() | cells.isna().to_numpy()
                shown = pd.to_numeric(cells[~hidden]).to_numpy(float)
                # the NDTMS rule: counts of 0 to 4 are never shown
                assert (shown >= 5).all(), (table.id, column)
                for derived, of in table.derived:
                    if of == column:
                        values = table.data[derived][hidden]
                        assert (values.isna() | (values.astype(str) == SUPPRESSED)).all()


def test_penetration_names_under_penetrated_groups_with_the_seed_caveat(sections):
    (text,) = [f.text for f in sections["drugs.profile"].findings if f.id == "drugs.penetration"]
    assert "under-penetrating" in text and "assuming substance use is the same" in text
    assert "the numbers of clients smaller" in text  # Bedford's small-numbers caveat
    table = {t.id: t for t in sections["drugs.profile"].tables}["drugs.penetration"]
    flagged = table.data[table.data["Assessment"] == "Under-penetrated"]
    assert (flagged["Upper 95% CI (%)"] < 100).all()
    for group in flagged["Group"]:
        assert group.replace(" yrs", "") in text or group.lower() in text


def test_comparators_are_stated_with_their_size_and_gaps_name_missing_areas(
    default_assessment, sections
):
    statement = sections["population.comparators"].findings[0].text
    assert "15 nearest statistical neighbours" in statement
    named = [g for g in default_assessment.data_gaps if g.reason == "missing_for_comparators"]
    assert named and all("has no value" in g.detail or "have no value" in g.detail for g in named)


def test_inequality_section_reports_sii_for_the_decile_indicators(sections):
    section = sections["population.inequalities"]
    summary = {t.id: t for t in section.tables}["inequalities.sii"].data
    assert set(summary["Indicator"]) == {
        "Alcohol-specific mortality",
        "Admission episodes for alcohol-specific conditions",
    }
    assert (summary["Deciles"] == 10).all()
    assert all("slope index of inequality" in f.text for f in section.findings)


def test_depth_parts_appear_in_every_format(default_outputs):
    words = ("Who is in treatment", "Penetration", "Value for money", "slope index of inequality")
    html = default_outputs["html"].read_text(encoding="utf-8")
    for word in words:
        assert word in html
    with zipfile.ZipFile(default_outputs["docx"]) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    with zipfile.ZipFile(default_outputs["pptx"]) as pptx:
        slides = " ".join(
            pptx.read(n).decode("utf-8")
            for n in pptx.namelist()
            if n.startswith("ppt/slides/slide")
        )
    for word in ("Who is in treatment", "Value for money"):
        assert word in document and word in slides
    assert default_outputs["pdf"].stat().st_size > 0


def test_coventry_uses_real_census_for_residents_and_mixes_in_no_synthetic_data(
    coventry_assessment,
):
    sections = with_details(coventry_assessment)
    ethnicity = sections["population.ethnicity"]
    assert "Census 2021" in ethnicity.tables[0].source
    assert not coventry_assessment.synthetic
    for section in sections.values():
        for item in (*section.tables, *section.charts):
            assert "synthetic" not in item.source.lower(), item.id
    # no real treatment counts or spend in the example: the gaps say so, nothing is made up
    gaps = {g.indicator_id: g.reason for g in coventry_assessment.data_gaps}
    assert gaps["demand.capacity"] == "no_data"
    assert gaps["demand.value_for_money.spend"] == "not_supplied"
