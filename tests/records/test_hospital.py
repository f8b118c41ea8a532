"""Known answers: the hand-built HES extract (records_fixtures.HES_ROWS), counted by hand.

Used admission episodes (21 of 32 records) and what each contributes, from the OHID
definitions (DEFINITIONS.md s.2) and the PHE 2020 morbidity AAFs:

=== ============ ========================== ========== =========== ===========
key  sex, age    codes                       specific   narrow      broad
=== ============ ========================== ========== =========== ===========
1   M 45 Fen     K70.3, I10X                 yes        1           1
2   F 30 Fen     W19X (primary), F10.2D      yes        0.01 falls  1
9   F 16 Pet     T40.1                       -          -           -   (drug poisoning, 15-24)
10  F 70 Pet     I48X, I10                   -          0.10 AF     0.10 (I10X F 65-74 0.01)
11  M 30 Cov     S069, Y049, W19X            -          0.05        0.05 tie -> pos 2 assault
12  M 30 Cov     S069, W19X, Y049            -          0.05        0.05 tie -> pos 2 falls
13  M 50 Cov     J189, I48X, K746            -          0.09 pneum. 0.21 AF (K74 0.13)
14  M 60 Cov     "k70.3 ", "i10"             yes        1           1
15  F 45 Cov     F10 (-> F10X), Y90          yes        1           1
16  M 20 Cov     S000, Y91.9 (external)      yes        1           1
17  F 55 Cov     R074, F102 (secondary)      yes        0           1
18  M 15 Pet     T510                        yes (u18)  1           1
19  F 7002 Pet   Q860 (infant, age 0)        yes (u18)  1           1
24  M 10 Pet     G409                        -          0 (under 16: no partial AAFs)
25  M 50 Pet     I251                        -          0 (IHD: negative AAF)
26  F 80 Pet     I10X                        -          0 (hypertension F 75-84: -0.01)
27  M 45 Craven  K703 (retired code)         yes        1           1  -> North Yorkshire
28  M 45 U       K703 (LA unknown)           yes        1           1  -> England only
29  M 45 Pet     ??9 (malformed), K703       yes        0           1
30  F 35 Fen     X45X, date 15/09/2023       yes        1           1
31  M 45 Fen     J440                        -          -           -
=== ============ ========================== ========== =========== ===========

Totals: specific 12; under-18 2; narrow 9 + 0.01 + 0.10 + 0.05 + 0.05 + 0.09 = 9.30 over
14 episodes; broad 12 + 0.10 + 0.05 + 0.05 + 0.21 = 12.41 over 16 episodes.
"""

from __future__ import annotations

import pytest
from records_fixtures import COV, EOE, FEN, HES_SUMMARY, NYORKS, PET, WM, YH, value
from scipy import stats as sp

from dana.records.assemble import DECILE_NOT_KNOWN_TYPE as DECILE_NOT_KNOWN
from dana.records.assemble import LSOA_NOT_IN_LOOKUP


@pytest.fixture(scope="module")
def hes(hand_counts):
    return hand_counts.table[hand_counts.table["source"].str.contains("hes")]


def test_every_record_is_accounted_for(hand_counts):
    summary = hand_counts.summary[hand_counts.summary["extract"] == "hes"]
    got = {(r.outcome, r.reason): r.records for r in summary.itertuples()}
    assert got == HES_SUMMARY
    assert summary["records"].sum() == 32


def test_counts_worked_by_hand(hes):
    assert value(hes, "alcohol_specific_admissions")["count"] == 12
    assert value(hes, "alcohol_specific_admissions_u18")["count"] == 2
    assert value(hes, "alcohol_related_narrow")["count"] == pytest.approx(9.30)
    assert value(hes, "alcohol_related_broad")["count"] == pytest.approx(12.41)
    assert value(hes, "drug_poisoning_admissions")["count"] == 1
    assert value(hes, "substance_misuse_15_24")["count"] == 1


def test_areas_levels_and_code_changes(hes):
    by_area = {a: value(hes, "alcohol_specific_admissions", a)["count"] for a in
               (FEN, "E10000003", PET, EOE, COV, WM, NYORKS, YH)}  # fmt: skip
    # Fenland 1, 2, 30; Peterborough 18, 19, 29; Coventry 14-17; Craven (retired) 27
    assert by_area == {FEN: 3, "E10000003": 3, PET: 3, EOE: 6, COV: 4, WM: 4, NYORKS: 1, YH: 1}
    # record 28 (RESGOR U, an unknown LA code) is in England's 12 but in no LA
    assert sum(by_area[a] for a in (EOE, WM, YH)) == 11


def test_sex_age_and_ethnic_breakdowns(hes):
    name = "alcohol_specific_admissions"
    assert value(hes, name, sex="Male")["count"] == 7  # 1, 14, 16, 18, 27, 28, 29
    assert value(hes, name, sex="Female")["count"] == 5  # 2, 15, 17, 19, 30
    ages = {a: value(hes, name, ctype="Age band", cat=a)["count"] for a in
            ("<18 yrs", "18-24 yrs", "25-39 yrs", "40-64 yrs")}  # fmt: skip
    assert ages == {"<18 yrs": 2, "18-24 yrs": 1, "25-39 yrs": 2, "40-64 yrs": 7}
    assert value(hes, name, ctype="Age band", cat="65+ yrs")["count"] == 0  # none aged 65+
    eth = "Ethnic group"
    assert value(hes, name, ctype=eth, cat="White")["count"] == 10
    assert value(hes, name, ctype=eth, cat="Black")["count"] == 1  # 15 (M)
    assert value(hes, name, ctype=eth, cat="Not stated or not known")["count"] == 1  # 17 (Z)


def test_largest_aaf_with_ties_to_the_lowest_position(hes):
    condition = "Condition (largest alcohol-attributable fraction)"

    def share(indicator, cat):
        return value(hes, indicator, ctype=condition, cat=cat)["count"]

    # 11: assault (pos 2) ties falls (pos 3); 12: falls (pos 2) ties assault (pos 3)
    assert share("alcohol_related_broad", "Assault") == pytest.approx(0.05)
    assert share("alcohol_related_broad", "Fall injuries") == pytest.approx(0.05)
    # 13: broad takes AF 0.21 over the primary pneumonia 0.09; narrow keeps the primary
    assert share("alcohol_related_broad", "Cardiac arrhythmias") == pytest.approx(0.10 + 0.21)
    assert share("alcohol_related_narrow", "Pneumonia") == pytest.approx(0.09)
    # narrow falls: 12 (0.05) and the primary W19X of record 2 (F 25-34: 0.01)
    assert share("alcohol_related_narrow", "Fall injuries") == pytest.approx(0.06)


def test_rates_worked_by_hand(hes):
    # uniform population: 1,000 per sex per single year -> 10,000 per 5-year band
    # (2,000 aged 90+). DSR = sum(w_i O_i / n_i) / sum(w_i) x 100,000 with ESP2013 weights:
    # 0-4 (1 event) 5000, 15-19 (1) 5500, 20-24 (1) 6000, 30-34 (1) 6500, 35-39 (1) 7000,
    # 45-49 (5) 7000, 55-59 (1) 6500, 60-64 (1) 6000.
    weighted = (5000 + 5500 + 6000 + 6500 + 7000 + 5 * 7000 + 6500 + 6000) / 10_000
    row = value(hes, "alcohol_specific_admissions")
    assert row["value"] == pytest.approx(weighted / 100_000 * 100_000)  # 7.75
    assert row["denominator"] == 18 * 10_000 + 2_000
    # under-18s: crude rate, 2 events in 36,000 (18 ages x 2 sexes x 1,000), exact limits
    u18 = value(hes, "alcohol_specific_admissions_u18")
    assert u18["value"] == pytest.approx(2 / 36_000 * 100_000)
    assert u18["lower_95"] == pytest.approx(sp.chi2.ppf(0.025, 4) / 2 / 36_000 * 100_000)
    assert u18["upper_95"] == pytest.approx(sp.chi2.ppf(0.975, 6) / 2 / 36_000 * 100_000)


def test_deprivation_and_small_areas(hes):
    decile = "Deprivation decile"
    name = "alcohol_specific_admissions"
    assert value(hes, name, ctype=decile, cat="1 (most deprived)")["count"] == 1  # record 1
    assert value(hes, name, ctype=decile, cat="10 (least deprived)")["count"] == 1  # record 2
    # no record in deciles 2-9: published zeros, not missing strata
    assert [value(hes, name, ctype=decile, cat=str(d))["count"] for d in range(2, 10)] == [0] * 8
    assert value(hes, name, ctype=DECILE_NOT_KNOWN, cat=LSOA_NOT_IN_LOOKUP)["count"] == 10
    # small area E02000001 = both Fenland LSOAs: records 1 and 2
    assert value(hes, name, "E02000001")["count"] == 2
    assert value(hes, "alcohol_related_broad", "E02000002")["count"] == pytest.approx(0.10)


def test_run_notes_count_codes_and_vintages(hand_counts):
    notes = "\n".join(hand_counts.notes)
    assert "hes: 1 diagnosis field(s) held a malformed ICD-10 code" in notes
    assert "hes: 1 used records had an LA code of an earlier vintage" in notes
    assert "hes: 1 used records had an LA code not recognised" in notes
