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
    # no real counts by substance, projections by year or spend in the example: the gaps
    # say so, nothing is made up
    gaps = {g.indicator_id: g.reason for g in coventry_assessment.data_gaps}
    assert "demand.capacity" not in gaps  # from the printed all-substance total
    assert gaps["demand.need"] == "no_data"
    assert gaps["demand.value_for_money"] == "no_data"
    assert gaps["demand.value_for_money.spend"] == "not_supplied"
    assert gaps["drugs.profile.breakdowns"] == "no_data"


def _wilson(x: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score limits, written out (Newcombe 1998, method 3)."""
    p = x / n
    centre = p + z * z / (2 * n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_coventry_penetration_from_its_printed_share_and_the_real_census(coventry_assessment):
    """Coventry printed 15% of "almost 1800" in treatment in 2021-22 from a Black or minority
    ethnic group. Census 2021 (TS021, the shared file): 345,321 residents, 226,246 White
    (190,889 British + 5,662 Irish + 294 Gypsy or Irish Traveller + 1,116 Roma + 28,285
    Other White), so 119,075 (34.48%) not White. 270 of 1,800 = 15%; penetration =
    15 / 34.483 = 43.5%; Wilson 95% limits of 270/1800 are 13.42% and 16.72%, over
    34.483% give 38.9% and 48.5%: under-penetrated (the upper limit is below 100%)."""
    sections = with_details(coventry_assessment)
    profile = sections["drugs.profile"]
    table = next(t for t in profile.tables if t.id == "printed.penetration").data
    row = table[table["Ethnic group"] == "Not White"].iloc[0]
    share = 119_075 / 345_321 * 100
    lower, upper = _wilson(270, 1800)
    assert row["People in treatment"] == 270
    assert row["Share of residents (%)"] == pytest.approx(share, abs=1e-9)
    assert row["Penetration (%)"] == pytest.approx(15 / share * 100, abs=1e-9)
    assert row["Lower 95% CI (%)"] == pytest.approx(lower * 100 / share * 100, abs=1e-9)
    assert row["Upper 95% CI (%)"] == pytest.approx(upper * 100 / share * 100, abs=1e-9)
    assert row["Assessment"] == "Under-penetrated"
    text = " ".join(f.text for f in profile.findings)
    assert "a penetration of 44% (approximate 95% CI 39% to 49%)" in text
    assert "33% of people in treatment were female (29% in 2018/19)" in text
    printed = next(t for t in profile.tables if t.id == "printed.profile").data
    assert list(printed["Share (%)"]) == [33, 29, 15, 75, 67]


def test_coventry_capacity_from_its_printed_total(coventry_assessment):
    """Base 1,800 people in treatment (2021/22, all substances) + 20% = 360 more journeys,
    2,160 in all; at 50 per worker 1,800 / 50 = 36 and 2,160 / 50 = 43.2 caseworkers."""
    sections = with_details(coventry_assessment)
    capacity = sections["demand.capacity"]
    data = next(t for t in capacity.tables if t.id == "demand.capacity").data.iloc[0]
    assert data["Substance"] == "Drug and alcohol"
    assert (data["Base (a year)"], data["Additional journeys a year"]) == (1800, 360)
    assert data["Target (journeys a year)"] == 2160
    assert data["Caseworkers for the base"] == pytest.approx(36)
    assert data["Caseworkers for the target"] == pytest.approx(43.2)
    assert "need is not projected" in capacity.summary
    harm = sections["young_people.hidden_harm"].findings[0].text
    assert "327 parents with a drug or alcohol need were in treatment" in harm
    assert "out of an estimated 3,780 (9.0%)" in harm


def test_coventry_prison_figure_reads_the_same_in_its_figure_and_its_pathway_table(
    coventry_assessment,
):
    """Coventry printed 13% (92544, 2021) with no count: the pathway table must show the
    13%, not withhold it as if the missing count were a suppressed one."""
    sections = with_details(coventry_assessment)
    table = next(
        t
        for t in sections["drugs.service_use"].tables
        if t.id == "drugs.service_use.harm_reduction"
    ).data
    row = table[table["Indicator"].str.contains("release from prison")].iloc[0]
    assert row["Value"] == 13
    figure = next(f for s in sections.values() for f in s.figures if f.indicator_id == "92544")
    assert figure.value == 13 and not figure.suppressed
