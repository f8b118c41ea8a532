"""The transcriptions of the seed needs assessments in ``dana/data/published/``.

Every file parses with the reader DANA already has for its kind, every row carries its
citation, and the seeds' own arithmetic holds at the printed precision - or, where the
seed's numbers do not add up, the row keeps the printed value and its note says so. The
expected values below are typed from the seeds by hand (section and table named beside
each), not read back from the files under test. These tests read only the packaged files;
tests/published/test_transcriptions_shared.py checks them against the seed texts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources

import pandas as pd
import pytest
import yaml

from dana import table
from dana.assess.engagement import build_engagement_section
from dana.assess.recommendations import (
    RecommendationError,
    load_recommendations,
    parse_recommendations,
)
from dana.assess.redact import contains_personal_details, redact
from dana.catalogue import load_catalogue
from dana.sources.engagement import EngagementInputs, read_participants, read_themes
from dana.sources.local import read_indicator_file

PUBLISHED = resources.files("dana.data") / "published"
SEED_CP_COLUMNS = [
    "indicator_id", "indicator_name", "area_code", "area_name", "period", "age", "count",
    "denominator", "denominator_status", "value", "value_type", "multiplier", "unit", "polarity",
    "section", "quote",
]  # fmt: skip
EXTRA_COLUMNS = [
    "seed", "category_type", "category", "period_as_printed", "value_as_printed", "value_status",
    "note",
]  # fmt: skip
CITATION_COLUMNS = [
    "section", "quote", "seed", "denominator_status", "period_as_printed", "value_as_printed",
    "value_status", "note",
]  # fmt: skip
NUMBERS = ("count", "denominator", "value", "multiplier")


def _round(value: float, dp: int) -> float:
    """Round half up, as the reports print (round() would round half to even)."""
    step = Decimal(1).scaleb(-dp)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for column, wanted in where.items():
        rows = rows[rows[column] == wanted]
    assert len(rows) == 1, (where, len(rows))
    return rows.iloc[0]


def _values(frame: pd.DataFrame, **where) -> dict[str, float]:
    """category -> value for the rows matching ``where``."""
    rows = frame
    for column, wanted in where.items():
        rows = rows[rows[column] == wanted]
    return dict(zip(rows["category"], rows["value_num"], strict=True))


# ---------------------------------------------------------------------------- every file


def test_figures_have_the_seed_cp_columns_then_the_citation_columns(figures, folder):
    assert list(figures[folder].columns[: len(SEED_CP_COLUMNS) + len(EXTRA_COLUMNS)]) == (
        SEED_CP_COLUMNS + EXTRA_COLUMNS
    )


def test_every_figure_cites_its_seed_section_and_words(figures, folder, seed_of_folder):
    frame = figures[folder]
    assert (frame["seed"] == seed_of_folder[folder]).all()
    for column in ("section", "quote", "indicator_name", "period"):
        assert frame[column].str.strip().ne("").all(), column
    assert frame["value_status"].isin(["published", "derived"]).all()
    assert frame["denominator_status"].isin(["published", "derived", ""]).all()
    # a derived denominator is explained, a printed one needs no note
    derived = frame[frame["denominator_status"] == "derived"]
    assert derived["note"].str.contains("derived", case=False).all()


def test_the_value_is_the_number_as_printed(figures, folder):
    frame = figures[folder]
    published = frame[frame["value_status"] == "published"]
    for row in published.itertuples():
        digits = re.findall(r"\d[\d,]*(?:\.\d+)?", row.value_as_printed)
        if not digits:  # printed in words, e.g. "no residential treatments"
            assert row.note, row
            continue
        printed = Decimal(digits[0].replace(",", ""))
        assert abs(Decimal(row.value)) == printed, (
            row.indicator_id,
            row.value,
            row.value_as_printed,
        )
        if "cell:" not in row.section:  # sentences: the printed figure is in the quote
            assert re.sub(r"\s+", " ", row.value_as_printed) in row.quote, row
    derived = frame[frame["value_status"] == "derived"]
    assert derived["value_as_printed"].eq("").all()
    assert derived["note"].str.startswith("Derived by DANA").all()


def test_a_period_the_seed_does_not_print_is_said_to_be_a_label(figures, folder):
    frame = figures[folder]
    unprinted = frame[frame["period_as_printed"] == ""]
    assert unprinted["note"].str.contains("not printed").all()


def test_figures_parse_with_the_local_indicator_reader(figures, folder, tmp_path):
    frame = figures[folder]
    coded = frame[frame["area_code"] != ""]
    # Rows without a code are the documented Bedfordshire partnership rows, nothing else.
    uncoded = frame[frame["area_code"] == ""]
    assert set(uncoded["area_name"]) <= {"Bedfordshire"}
    assert uncoded["note"].str.contains("has no GSS code").all()
    path = tmp_path / f"{folder}.csv"
    indicator_columns = [c for c in table.COLUMNS if c in frame.columns]
    coded[indicator_columns].to_csv(path, index=False)
    read = read_indicator_file(path)
    assert len(read) == len(coded)
    assert set(read.columns) == set(table.COLUMNS)
    assert (read["value"].notna()).all()
    # the reader keeps the transcribed numbers exactly
    merged = read.merge(coded, on=["indicator_id", "area_code", "period", "age", "category"])
    assert len(merged) == len(coded)
    assert (merged["value_x"] == merged["value_num"]).all()


def test_bedfordshire_rows_are_otherwise_valid_indicator_rows(figures, tmp_path):
    uncoded = figures["bedford"][figures["bedford"]["area_code"] == ""].copy()
    assert len(uncoded) == 31  # Table 8 (Bedfordshire column), the VFM summary, police cost
    # With a stand-in code the same rows pass every other check of the reader.
    uncoded["area_code"] = "E06000055"
    path = tmp_path / "bedfordshire.csv"
    uncoded[[c for c in table.COLUMNS if c in uncoded.columns]].to_csv(path, index=False)
    assert len(read_indicator_file(path)) == 31


def test_no_field_holds_a_comment_character(folder):
    # the files are read with comment="#": a "#" in a field would silently cut the row
    text = (PUBLISHED / folder / "figures.csv").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert not any("#" in line for line in body)


# ------------------------------------------------------------- Cambridgeshire & Peterborough


def test_cp_figures_include_the_seed_cp_rows_unchanged(figures, text_csv):
    original = text_csv(resources.files("dana.data") / "seed_cp_2021_22.csv")
    mine = figures["cambridgeshire_peterborough"][SEED_CP_COLUMNS].head(len(original))
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), original[SEED_CP_COLUMNS])
    assert len(original) == 16


def test_cp_has_at_least_forty_figures_for_the_three_areas(figures):
    cp = figures["cambridgeshire_peterborough"]
    assert len(cp) >= 40
    assert {"E10000003", "E06000031", "E92000001", "E47000008"} == set(cp["area_code"])


def test_cp_dependent_drinkers_are_the_unmet_need_denominators(figures):
    cp = figures["cambridgeshire_peterborough"]
    # Alcohol > Patterns of alcohol use (slide 7): 5,775 and 2,284 residents
    for area, need in (("E10000003", 5775), ("E06000031", 2284)):
        assert (
            _one(cp, indicator_id="phe:alcohol_dependent_adults", area_code=area)["value_num"]
            == need
        )
        assert _one(cp, indicator_id="93532", area_code=area)["denominator_num"] == need


def test_cp_derived_populations_reproduce_the_printed_rates(figures):
    cp = figures["cambridgeshire_peterborough"]
    derived = cp[cp["denominator_status"] == "derived"]
    assert len(derived) == 4
    for row in derived.itertuples():
        assert _round(row.count_num / row.denominator_num * 100_000, 0) == row.value_num


def test_cp_printed_percentages_and_changes(figures):
    cp = figures["cambridgeshire_peterborough"]
    # Drugs > Drug service users (slide 40): "a reduction of 17.5%" and "of 3.5%"
    change = cp[cp["indicator_id"] == "ndtms:new_presentations_drug_change"]
    assert dict(zip(change["area_name"], change["value_num"], strict=True)) == {
        "Cambridgeshire": -17.5,
        "Peterborough": -3.5,
    }
    # Young people's completions (slide 79): Peterborough 94%, England 85%, Cambridgeshire 84%
    yp = cp[cp["indicator_id"] == "ndtms:young_people_successful_completion"]
    assert sorted(yp["value_num"]) == [84, 85, 94]
    # Peterborough's services saw more young people (139) than Cambridgeshire's (111)
    seen = cp[cp["indicator_id"] == "ndtms:young_people_in_specialist_services"]
    assert dict(zip(seen["area_name"], seen["value_num"], strict=True)) == {
        "Cambridgeshire": 111,
        "Peterborough": 139,
    }


def test_cp_year_10_figure_printed_without_a_percent_sign_is_noted(figures):
    row = _one(
        figures["cambridgeshire_peterborough"],
        indicator_id="local:school_survey_alcohol_last_week",
        area_code="E06000031",
        age="Year 10 (age 14/15)",
    )
    assert row["value_as_printed"] == "16" and "without a % sign" in row["note"]


# ----------------------------------------------------------------------------------- Medway


def test_medway_england_counts_stay_below_england_and_wales(figures):
    medway = figures["medway"]
    counts = medway[medway["indicator_id"] == "ons:drug_poisoning_deaths_count"]
    by = {(r.area_code, r.period): r.value_num for r in counts.itertuples()}
    assert by[("E92000001", "2020")] == 4312 and by[("K04000001", "2020")] == 4561
    assert by[("E92000001", "2020")] < by[("K04000001", "2020")]
    for year in range(2010, 2021):
        assert by[("E06000035", str(year))] < by[("E92000001", str(year))]
    assert len([k for k in by if k[0] == "E06000035"]) == 11


def test_medway_ethnic_groups_2011_sum_to_100(figures):
    shares = _values(figures["medway"], indicator_id="ons:census_2011_ethnic_group_share")
    assert sum(Decimal(str(v)) for v in shares.values()) == Decimal("100.0")


def test_medway_liaison_and_diversion_totals_do_not_add_up_and_say_so(figures):
    medway = figures["medway"]
    for iid, years, printed_total in (
        ("seed:liaison_diversion_referrals", (77, 143, 142), 454),
        ("seed:liaison_diversion_clients", (74, 140, 132), 412),
    ):
        rows = medway[medway["indicator_id"] == iid]
        yearly = rows[rows["period"] != "2018/19 - 20/21"]
        assert sorted(yearly["value_num"]) == sorted(years)
        total = _one(rows, period="2018/19 - 20/21")
        assert total["value_num"] == printed_total != sum(years)
        assert f"= {sum(years)}" in total["note"] and "not the sum" in total["note"]


def test_medway_capacity_uplift_is_20_percent_of_the_derived_base(figures):
    rows = figures["medway"]
    uplift = rows[rows["indicator_id"] == "seed:treatment_journeys_expected_increase"]
    # 1.3 Capacity: "an additional 87 alcohol and 162 drug treatment journeys"
    assert dict(zip(uplift["category"], uplift["count_num"], strict=True)) == {
        "Alcohol": 87,
        "Drugs": 162,
    }
    for row in uplift.itertuples():
        assert row.value_num == 20 and row.denominator_status == "derived"
        assert row.count_num / row.denominator_num == pytest.approx(0.20)
    # ...which is not 20% of the 1,054 people in treatment in the same section
    people = _one(rows, indicator_id="ndtms:number_in_treatment", period="2020/21")["value_num"]
    assert people == 1054 and round(people * 0.2) == 211 != 87 + 162
    assert uplift["note"].str.contains("211").all()


def test_medway_printed_percentages_reproduce(figures):
    rows = figures["medway"]
    change = _one(rows, indicator_id="seed:number_in_treatment_change")
    assert change["count_num"] == 1174 - 1054  # 120, derived
    assert _round(change["count_num"] / change["denominator_num"] * 100, 0) == 11
    joint = _one(rows, indicator_id="seed:probation_joint_supported_share")
    assert _round(79 / 127 * 100, 0) == joint["value_num"] == 62
    projection = _one(rows, indicator_id="seed:population_projected_change", age="All ages")
    assert projection["denominator_num"] == 290_050 - 11_457
    assert _round(11_457 / (290_050 - 11_457) * 100, 0) == projection["value_num"] == 4
    # 3.8% is printed; the rates as printed (76.7 -> 79.5) give 3.65%
    poisoning = _one(rows, indicator_id="ons:drug_poisoning_deaths_rate_change")
    assert _round((79.5 - 76.7) / 76.7 * 100, 1) == 3.7 != poisoning["value_num"]
    assert "3.65%" in poisoning["note"]


# ---------------------------------------------------------------------------------- Bedford


def test_bedford_table_4_shares_sum_to_100(figures):
    rows = figures["bedford"]
    for area in ("E06000055", "E92000001"):
        shares = _values(
            rows, indicator_id="ndtms:treatment_population_ethnicity_share", area_code=area
        )
        assert len(shares) == 6
        assert sum(Decimal(str(v)) for v in shares.values()) == Decimal("100.0")


def test_bedford_table_5_implies_census_shares_that_sum_to_100(figures):
    # Penetration = treatment share / resident share x 100, so the resident share the
    # rate implies is treatment share / rate x 100. The five groups cover everyone, so the
    # implied shares must sum to 100% within the rounding of the printed figures
    # (shares to 0.1%, rates to 1%).
    rows = figures["bedford"]
    for area in ("E06000055", "E92000001"):
        shares = _values(
            rows, indicator_id="ndtms:treatment_population_ethnicity_share", area_code=area
        )
        rates = _values(
            rows, indicator_id="seed:treatment_penetration_by_ethnicity", area_code=area
        )
        assert len(rates) == 5 and "Missing/unknown" not in rates
        low = sum((shares[g] - 0.05) / (rates[g] + 0.5) * 100 for g in rates)
        high = sum((shares[g] + 0.05) / (rates[g] - 0.5) * 100 for g in rates)
        assert low <= 100 <= high, (area, low, high)
    england = rows[
        (rows["indicator_id"] == "seed:treatment_penetration_by_ethnicity")
        & (rows["area_code"] == "E92000001")
    ]
    assert england["note"].str.contains("does not follow from").all()


def test_bedford_table_8_arithmetic(figures):
    rows = figures["bedford"]
    # Table 8, 2009-11: deaths 16 / 9 / 377; population 1,012,613 / 388,861 / 16,633,050
    printed = {
        "Bedfordshire": (16, 1_012_613, 5.33, 1.58, 22.95, 0.70),
        "Bedford": (9, 388_861, 3.00, 2.31, 8.81, 1.02),
        "East of England": (377, 16_633_050, 125.67, 2.27, 377.00, 1.00),
    }
    eoe_rate = 377 / 16_633_050
    for area, (deaths, population, average, rate, expected, smr) in printed.items():
        got = {
            iid: _one(rows, indicator_id=iid, area_name=area)
            for iid in (
                "seed:drug_related_deaths_emcdda_3_years",
                "seed:drug_related_deaths_emcdda_average",
                "seed:drug_related_deaths_emcdda_rate",
                "seed:drug_related_deaths_emcdda_expected",
                "seed:drug_related_deaths_emcdda_smr",
            )
        }
        assert got["seed:drug_related_deaths_emcdda_3_years"]["value_num"] == deaths
        assert (
            got["seed:drug_related_deaths_emcdda_average"]["value_num"]
            == average
            == _round(deaths / 3, 2)
        )
        rate_row = got["seed:drug_related_deaths_emcdda_rate"]
        assert rate_row["denominator_num"] == population
        assert rate_row["value_num"] == rate == _round(deaths / population * 100_000, 2)
        assert got["seed:drug_related_deaths_emcdda_expected"]["value_num"] == expected
        assert _round(population * eoe_rate, 2) == expected
        assert (
            got["seed:drug_related_deaths_emcdda_smr"]["value_num"]
            == smr
            == _round(deaths / expected, 2)
        )
    # the three years add up to the printed totals where every year is printed
    annual = rows[rows["indicator_id"] == "seed:drug_related_deaths_emcdda"]
    for area, total in (("Bedfordshire", 16), ("East of England", 377)):
        years = annual[
            (annual["area_name"] == area) & annual["period"].isin(["2009", "2010", "2011"])
        ]
        assert years["value_num"].sum() == total


def test_bedford_suppressed_2011_death_count_cannot_be_derived(figures):
    rows = figures["bedford"]
    annual = rows[
        (rows["indicator_id"] == "seed:drug_related_deaths_emcdda")
        & (rows["area_name"] == "Bedford")
    ]
    # 2011 is printed "<3"; 2009 and 2010 with the 2009-11 total (9) would give it away
    assert not set(annual["period"]) & {"2009", "2010", "2011"}
    assert annual["period"].tolist() == [str(y) for y in range(2001, 2009)]
    assert not rows["value_as_printed"].str.contains("<").any()


def test_bedford_table_16_parts_make_the_prevalence(figures):
    rows = figures["bedford"]
    # Table 16: prevalence | in treatment now | during the year | known, not treated | not known
    printed = {
        "seed:ocu_by_treatment_status": (1468, [423, 183, 158, 704], [28.8, 12.5, 10.8, 48.0]),
        "seed:opiate_users_by_treatment_status": (
            1270,
            [416, 175, 149, 530],
            [32.8, 13.8, 11.7, 41.7],
        ),
        "seed:crack_users_by_treatment_status": (
            638,
            [207, 119, 78, 234],
            [32.4, 18.7, 12.2, 36.7],
        ),
    }
    for iid, (prevalence, counts, percents) in printed.items():
        group = rows[rows["indicator_id"] == iid]
        assert group["count_num"].tolist() == counts and sum(counts) == prevalence
        assert (group["denominator_num"] == prevalence).all()
        assert group["value_num"].tolist() == percents
        assert [_round(n / prevalence * 100, 1) for n in counts] == percents
    # Table 1's OCU estimate for Bedford is a different number, and the rows say so
    table_1 = _one(rows, indicator_id="91117", area_code="E06000055")
    assert (
        table_1["count_num"] == 965
        and _round(965 / 103_500 * 1000, 1) == table_1["value_num"] == 9.3
    )
    assert "1,468" in table_1["note"]


def test_bedford_value_for_money_adds_up(figures):
    vfm = figures["bedford"]
    amount = {
        (r.indicator_id, r.category): Decimal(r.value)
        for r in vfm.itertuples()
        if r.indicator_id.startswith("ndtms:vfm_")
    }
    total = amount[("ndtms:vfm_benefits_accrued", "")]
    spend = amount[("ndtms:vfm_spend", "")]
    assert (total, spend) == (Decimal("11.6"), Decimal("3.4"))
    for breakdown in (
        "ndtms:vfm_benefits_by_domain",
        "ndtms:vfm_benefits_by_kind",
        "ndtms:vfm_benefits_by_stage",
    ):
        assert sum(v for (iid, _), v in amount.items() if iid == breakdown) == total
    in_year = amount[("ndtms:vfm_benefits_by_stage", "Clients in effective treatment (in year)")]
    assert amount[("ndtms:vfm_net_benefit_accrued", "")] == total - spend  # 8.2
    assert amount[("ndtms:vfm_net_benefit_in_year", "")] == in_year - spend  # 5 (printed "£5m")
    assert _round(float(in_year / spend), 2) == float(amount[("ndtms:vfm_bcr_in_year", "")]) == 2.47
    # accrued BCR: printed 3.40, 11.6 / 3.4 = 3.41; amounts within their rounding allow it
    accrued = float(amount[("ndtms:vfm_bcr_accrued", "")])
    assert _round(11.6 / 3.4, 2) == 3.41 != accrued
    assert 11.55 / 3.45 <= accrued <= 11.65 / 3.35
    assert "3.41" in _one(vfm, indicator_id="ndtms:vfm_bcr_accrued")["note"]


# --------------------------------------------------------------------------------- Coventry


def test_coventry_headline_figures(figures):
    rows = figures["coventry"]
    parents = _one(rows, indicator_id="seed:parents_in_treatment")
    assert (parents["count_num"], parents["denominator_num"], parents["value_num"]) == (
        327,
        3780,
        9,
    )
    assert _round(327 / 3780 * 100, 0) == 9
    assert _one(rows, indicator_id="ons:population_projection_all_ages")["value_num"] == 419_366
    assert _one(rows, indicator_id="ndtms:in_treatment_minority_ethnic_share")["value_num"] == 15
    assert _one(rows, indicator_id="ons:census_2011_minority_ethnic_share")["value_num"] == 26


@pytest.mark.parametrize(
    ("in_treatment_id", "unmet_id", "period"),
    [
        ("seed:expected_dependent_drinkers_in_treatment", "93532", "2021/22"),
        (
            "seed:expected_opiate_users_in_treatment",
            "fingertips:opiate_users_not_in_treatment",
            "2021/22",
        ),
        (
            "seed:expected_crack_users_in_treatment",
            "fingertips:crack_users_not_in_treatment",
            "2021/22",
        ),
        ("seed:expected_ocu_in_treatment", "93517", "2021/22"),
    ],
)
def test_coventry_unmet_need_is_the_complement_of_the_share_in_treatment(
    figures, in_treatment_id, unmet_id, period
):
    rows = figures["coventry"]
    share = _one(rows, indicator_id=in_treatment_id, area_code="E08000026")["value_num"]
    unmet = _one(rows, indicator_id=unmet_id, area_code="E08000026", period=period)["value_num"]
    assert share + unmet == 100


def test_coventry_england_alcohol_unmet_need_is_derived_from_the_20_percent(figures):
    rows = figures["coventry"]
    england = _one(rows, indicator_id="93532", area_code="E92000001")
    assert england["value_status"] == "derived" and england["value_num"] == 100 - 20
    printed = _one(
        rows, indicator_id="seed:expected_dependent_drinkers_in_treatment", area_code="E92000001"
    )
    assert printed["value_num"] == 20
    assert set(rows.loc[rows["value_status"] == "derived", "indicator_id"]) == {
        "93532",
        "fingertips:opiate_users_not_in_treatment",
        "93517",
    }


def test_coventry_drug_death_figures_that_disagree_are_noted(figures):
    rows = figures["coventry"]
    fall = _one(rows, indicator_id="seed:drug_poisoning_deaths_change", area_code="E08000026")
    misuse = rows[rows["indicator_id"] == "ons:drug_misuse_deaths_count"]
    assert dict(zip(misuse["period"], misuse["value_num"], strict=True)) == {"2020": 24, "2021": 14}
    # 14 misuse deaths in 2021 are also poisoning deaths: an 83% fall needs >= 14 / 0.175
    assert fall["value_num"] == -83
    assert pytest.approx(80) == 14 / (1 - 0.825) and 80 > 3 * 24
    assert "Hard to reconcile" in fall["note"]


def test_coventry_tier_4_target_is_2_percent_of_the_treatment_population(figures):
    rows = figures["coventry"]
    in_treatment = _one(rows, indicator_id="ndtms:number_in_treatment")["value_num"]  # almost 1800
    target = _one(rows, indicator_id="seed:residential_rehab_completion_target_count")
    assert _round(in_treatment * 0.02, -1) == target["value_num"] == 40  # 36, printed "c.40"


# -------------------------------------------------------------------------- recommendations


@pytest.fixture(scope="module")
def cp_register(figures):
    ids = set(figures["cambridgeshire_peterborough"]["indicator_id"])
    return load_recommendations(
        PUBLISHED / "cambridgeshire_peterborough" / "recommendations.yaml", indicator_ids=ids
    )


def test_cp_register_has_all_22_recommendations_with_their_timescales(cp_register):
    assert [r.number for r in cp_register] == list(range(1, 23))
    # the timescales printed after each recommendation, in order (Recommendations section)
    printed = [
        "medium",
        "medium",
        "medium",
        "medium",
        "long",
        "short",
        "medium",
        "short",
        "short",
        "medium",
        "medium",
        "medium",
        "short",
        "medium",
        "medium",
        "short",
        "medium",
        "medium",
        "short",
        "long",
        "medium",
        "medium",
    ]
    assert [r.timescale for r in cp_register] == printed
    themes = {r.number: r.theme for r in cp_register}
    assert {themes[n] for n in (1, 2)} == {"Prevention"}
    assert {themes[n] for n in range(3, 10)} == {"Service design, access and delivery"}
    assert {themes[n] for n in range(10, 15)} == {"Treatment outcomes"}
    assert {themes[n] for n in range(15, 19)} == {"Working with other services"}
    assert {themes[n] for n in range(19, 23)} == {"Other recommendations"}
    for rec in cp_register:
        assert rec.title and rec.key_finding and rec.description and rec.outcome_areas
        assert rec.finding_ids == ()  # assigned by code later


def test_cp_register_links_only_to_transcribed_figures(figures, cp_register):
    ids = set(figures["cambridgeshire_peterborough"]["indicator_id"])
    linked = {i for rec in cp_register for i in rec.indicator_ids}
    assert linked and linked <= ids
    with pytest.raises(RecommendationError, match="not in the assessment"):
        load_recommendations(
            PUBLISHED / "cambridgeshire_peterborough" / "recommendations.yaml",
            indicator_ids=ids - {"93532"},
        )


@pytest.fixture(scope="module")
def coventry_entries():
    text = (PUBLISHED / "coventry" / "recommendations.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["recommendations"]


def test_coventry_register_has_all_19_cards_with_their_fields(coventry_entries, figures):
    assert [e["number"] for e in coventry_entries] == list(range(1, 20))
    catalogue_ids = set(load_catalogue().ids)
    figure_ids = set(figures["coventry"]["indicator_id"])
    for entry in coventry_entries:
        for field in ("title", "key_finding", "impact", "description"):
            assert entry[field].strip(), (entry["number"], field)
        assert entry["title"].startswith("To ")
        # evidence: a catalogue indicator in figures.csv, or the seed's own words
        assert ("indicators" in entry) != ("evidence" in entry), entry["number"]
        for ind in entry.get("indicators", []):
            assert ind in catalogue_ids and ind in figure_ids
        # what the text extraction lost is left out, not guessed
        assert not {"timescale", "population", "outcome_areas"} & set(entry)
    assert [e["number"] for e in coventry_entries if "indicators" in e] == [12]


def test_coventry_cards_are_otherwise_valid_register_entries(coventry_entries):
    missing = {"timescale", "population", "outcome_areas"}
    bare = [{k: v for k, v in e.items() if k != "evidence"} for e in coventry_entries]
    with pytest.raises(RecommendationError) as error:
        parse_recommendations(bare)
    named = set(re.findall(r"\): (\w+): Field required", str(error.value)))
    assert named == missing
    # with stand-ins for exactly those fields every card passes the reader's checks
    stand_ins = {"timescale": "medium", "population": "both", "outcome_areas": ["TREATMENT"]}
    parsed = parse_recommendations([{**e, **stand_ins} for e in bare])
    assert len(parsed) == 19


# ------------------------------------------------------------------------------- engagement

ENGAGEMENT = PUBLISHED / "cambridgeshire_peterborough" / "engagement"


@pytest.fixture(scope="module")
def engagement():
    return EngagementInputs(
        participants=read_participants(ENGAGEMENT / "participants.csv"),
        journey=None,  # the TONIC summary prints no satisfaction counts (README.md)
        themes=read_themes(ENGAGEMENT / "themes.yaml"),
        source="Qualitative findings from the TONIC report (Cambridgeshire and Peterborough, 2023)",
    )


def test_tonic_participants_as_printed(engagement, text_csv):
    people = engagement.participants
    online = people[people["method"] == "Online survey"]
    # Methodology: "196 good quality responses from 129 professionals ..., 54 ... and 13 ..."
    assert dict(zip(online["group"], online["participants"], strict=True)) == {
        "Professionals": 129,
        "Lived experience": 54,
        "On behalf of someone with substance use": 13,
    }
    assert online["participants"].sum() == 196
    assert _one(people, method="Shorter online survey")["participants"] == 104
    in_depth = people[people["method"] == "Interviews, focus groups and other engagement"]
    assert sorted(in_depth["participants"]) == [11, 70, 252]
    cited = text_csv(ENGAGEMENT / "participants.csv")
    assert cited["quote"].str.strip().ne("").all() and (cited["seed"] == "001").all()


def test_tonic_journey_prints_no_counts_so_there_is_no_journey_file():
    # Figure 2 of the TONIC summary is an image with no printed base: nothing to transcribe
    assert not (ENGAGEMENT / "journey.csv").exists()
    assert "journey" in (PUBLISHED / "README.md").read_text(encoding="utf-8").lower()


def test_tonic_themes_carry_no_quotes_and_nothing_personal(engagement):
    assert len(engagement.themes) == 18
    for theme in engagement.themes:
        assert theme.quotes == () and theme.mentions is None
        assert not contains_personal_details(theme.summary), theme.theme
    raw = yaml.safe_load((ENGAGEMENT / "themes.yaml").read_text(encoding="utf-8"))["themes"]
    assert all(t["section"] for t in raw)


def test_tonic_engagement_builds_an_engagement_section(engagement):
    section = build_engagement_section(engagement)
    texts = " ".join(f.text for f in section.findings)
    assert "633" in texts  # 196 + 104 + 252 + 11 + 70 contributions
    assert not any(f.id.startswith("engagement.journey") for f in section.findings)


def _free_text(text_csv):
    for path in PUBLISHED.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.get("recommendations", []) + data.get("themes", []):
            for field in ("title", "key_finding", "impact", "description", "evidence", "summary"):
                if entry.get(field):
                    yield path.name, entry[field]
    for path in PUBLISHED.rglob("*.csv"):
        frame = text_csv(path)
        for column in ("quote", "note"):
            if column in frame:
                yield from ((path.name, text) for text in frame[column])


def test_no_transcribed_text_carries_contact_details(text_csv):
    placeholders = ("[email]", "[phone]", "[postcode]", "[NHS number]")
    seen = 0
    for name, text in _free_text(text_csv):
        seen += 1
        cleaned = redact(text)
        assert not any(p in cleaned for p in placeholders), (name, text[:80])
    assert seen > 300
