"""Known answers: the hand-built death and treatment extracts (records_fixtures).

Deaths used (10 of 14 registrations) and what each contributes (ONS definitions,
DEFINITIONS.md s.1; PHE 2020 *mortality* AAFs):

====================== ========= ===========================================================
underlying / mentions  sex, age  counts as
====================== ========= ===========================================================
X42 / T40.1            M 35      drug poisoning, misuse (T40.1 proxy), AAF poisoning M 35-44 0.17
X42 / T39.1            F 35      drug poisoning only (paracetamol), AAF poisoning F 35-44 0.03
F11.2                  M 40      drug poisoning and misuse (an F-code cause)
K70.3                  M 60      alcohol-specific, AAF 1
C15X                   M 70      AAF oesophagus M 65-74 0.54
I10 / T51.0            F 50      AAF 1 (T51.0 counts in any cause field); not alcohol-specific
X65X                   F 45      alcohol-specific, AAF 1
K74.6                  M 50      AAF unspecified liver disease M 45-54 0.69
I25.1                  M 75      nothing (ischaemic heart disease: negative AAF)
F10.2                  M 16      alcohol-specific, AAF 1 (wholly attributable: any age)
====================== ========= ===========================================================

So: drug poisoning 3, drug misuse 2, alcohol-specific 3, alcohol-related
0.17 + 0.03 + 1 + 0.54 + 1 + 1 + 0.69 + 1 = 5.43.

Treatment (2023/24), clients: 1 opiate, completed 30/06/2023, re-presented 30/11/2023
(5 months: not a successful completion); 2 opiate, the same but back 31/01/2024 (7 months:
successful); 3 alcohol only, successful; 4 non-opiate, dropped out after 31 days (early
unplanned exit); 5 opiate since 2016 (over 6 years); 6 alcohol only, transferred and back
after 15 days (one journey), then completed (successful); 7 non-opiate and alcohol (two
concurrent episodes); 11 opiate aged 66. Client 8 (aged 16), 12 (Welsh) and 10 (only before
the year) are not counted; 9's episode ends before it starts (rejected).
"""

from __future__ import annotations

import pytest
from records_fixtures import COV, FEN, PET, value


@pytest.fixture(scope="module")
def deaths(hand_counts):
    return hand_counts.table[hand_counts.table["source"].str.contains("deaths")]


@pytest.fixture(scope="module")
def treatment(hand_counts):
    return hand_counts.table[hand_counts.table["source"].str.contains("treatment")]


def test_deaths_summary(hand_counts):
    rows = hand_counts.summary[hand_counts.summary["extract"] == "deaths"]
    got = {(r.outcome, r.reason): r.records for r in rows.itertuples()}
    assert got == {
        ("rejected", "date of registration not a valid date"): 1,
        ("rejected", "age missing or outside 0-150"): 1,
        ("excluded", "registered outside 2023"): 1,
        ("excluded", "residence outside England or not known"): 1,
        ("used", ""): 10,
    }


def test_death_counts_worked_by_hand(deaths):
    assert value(deaths, "drug_poisoning_deaths")["count"] == 3
    assert value(deaths, "drug_misuse_deaths")["count"] == 2
    assert value(deaths, "alcohol_specific_deaths")["count"] == 3
    assert value(deaths, "alcohol_related_deaths")["count"] == pytest.approx(5.43)
    assert value(deaths, "drug_poisoning_deaths", PET)["count"] == 3
    assert value(deaths, "alcohol_specific_deaths", FEN)["count"] == 2  # X65X, F10.2
    assert value(deaths, "alcohol_related_deaths", COV)["count"] == pytest.approx(2.54)
    note = value(deaths, "drug_misuse_deaths")["value_note"]
    assert "T-code mentions" in note and "not comparable with ONS" in note


def test_ons_controlled_drug_flag_replaces_the_proxy(tmp_path, duckdb_engine, fixture_files):
    # the same deaths with the ONS drugs-database flag: the X42/T40.1 death is flagged N
    from dana.records import compute_indicators

    text = fixture_files["deaths"].read_text().splitlines()
    flagged = [text[0] + ",controlled_drug"] + [line + ",N" for line in text[1:]]
    path = tmp_path / "deaths_flag.csv"
    path.write_text("\n".join(flagged) + "\n")
    result = compute_indicators(deaths=path, year=2023, engine=duckdb_engine, disclosure=False)
    table = result.table
    # misuse now only the F11.2 death (an F-code cause needs no flag)
    assert value(table, "drug_misuse_deaths")["count"] == 1
    assert "T-code" not in value(table, "drug_misuse_deaths")["value_note"]


def test_treatment_summary(hand_counts):
    rows = hand_counts.summary[hand_counts.summary["extract"] == "treatment"]
    got = {(r.outcome, r.reason): r.records for r in rows.itertuples()}
    assert got == {
        ("rejected", "episode ends before it starts"): 1,
        ("excluded", "aged under 18 (young people's treatment)"): 1,
        ("excluded", "residence outside England or not known"): 1,
        ("excluded", "episode not open in the period (used only to link journeys)"): 1,
        ("used", ""): 12,
    }


def test_numbers_in_treatment_and_new_presentations(treatment):
    counts = {name: value(treatment, name)["count"] for name in (
        "in_treatment", "in_treatment_opiate", "in_treatment_non_opiate",
        "in_treatment_alcohol", "new_presentations", "penetration_opiate_18_64",
        "penetration_alcohol_18_plus",
    )}  # fmt: skip
    assert counts == {
        "in_treatment": 8,  # clients 1-7 and 11
        "in_treatment_opiate": 4,  # 1, 2, 5, 11
        "in_treatment_non_opiate": 2,  # 4, 7 (non-opiate and alcohol)
        "in_treatment_alcohol": 2,  # 3, 6
        "new_presentations": 7,  # all but 5 (1 and 2 start a new journey in the year)
        "penetration_opiate_18_64": 3,  # not 11 (aged 66)
        "penetration_alcohol_18_plus": 3,  # 3, 6 and 7
    }


def test_completions_with_re_presentation_at_5_and_7_months(treatment):
    opiate = value(treatment, "successful_completion_opiate")
    assert (opiate["count"], opiate["denominator"]) == (1, 4)  # client 2 only
    assert opiate["value"] == pytest.approx(25.0)
    alcohol = value(treatment, "successful_completion_alcohol")
    assert (alcohol["count"], alcohol["denominator"]) == (2, 2)  # 3, and 6 across two episodes
    non_opiate = value(treatment, "successful_completion_non_opiate")
    assert (non_opiate["count"], non_opiate["denominator"]) == (0, 2)


def test_early_exits_and_long_journeys(treatment):
    early = value(treatment, "early_unplanned_exits")
    assert (early["count"], early["denominator"]) == (1, 7)  # client 4 of 7 new
    long = value(treatment, "in_treatment_over_6_years")
    assert (long["count"], long["denominator"]) == (1, 8)  # client 5
    # Wilson limits of 1/7 (Newcombe & Altman): z = 1.959964
    z = 1.959963984540054
    centre, spread = 2 * 1 + z**2, z * (z**2 + 4 * 1 * (1 - 1 / 7)) ** 0.5
    assert early["lower_95"] == pytest.approx((centre - spread) / (2 * (7 + z**2)) * 100)
    assert early["upper_95"] == pytest.approx((centre + spread) / (2 * (7 + z**2)) * 100)


def test_treatment_by_area(treatment):
    assert value(treatment, "in_treatment", PET)["count"] == 2  # 1, 2
    assert value(treatment, "in_treatment", FEN)["count"] == 3  # 3, 4, 5
    assert value(treatment, "in_treatment", COV)["count"] == 3  # 6, 7, 11
    assert value(treatment, "in_treatment", "E10000003")["count"] == 3
