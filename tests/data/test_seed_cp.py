"""Transcribed Cambridgeshire & Peterborough 2021/22 figures, re-derived from their parts."""

from __future__ import annotations

import math

import pytest

from dana import stats
from dana.data.default import load_cp_example


@pytest.fixture(scope="module")
def cp():
    return load_cp_example()


def _row(cp, indicator_id, area_code):
    return cp[(cp["indicator_id"] == indicator_id) & (cp["area_code"] == area_code)].iloc[0]


# (indicator, area, published count, published rate per 100,000 aged 18+), as printed in
# the summary report (Alcohol > Alcohol service users; Drugs > Drug service users).
PUBLISHED = [
    ("ndtms:adults_in_treatment_drug", "E10000003", 1672, 306),
    ("ndtms:adults_in_treatment_drug", "E06000031", 1147, 705),
    ("ndtms:adults_in_treatment_alcohol", "E10000003", 889, 163),
    ("ndtms:adults_in_treatment_alcohol", "E06000031", 375, 231),
]


@pytest.mark.parametrize(("indicator_id", "area", "count", "rate"), PUBLISHED)
def test_rates_recompute_to_the_published_rounding(cp, indicator_id, area, count, rate):
    row = _row(cp, indicator_id, area)
    assert row["count"] == count and row["value"] == rate  # as printed in the report
    # the backed-out population reproduces the printed rate to its rounding
    assert round(row["count"] / row["denominator"] * 100_000) == rate
    assert row["lower_95"] < rate < row["upper_95"]


def test_peterborough_drug_treatment_limits_are_byar_by_hand(cp):
    row = _row(cp, "ndtms:adults_in_treatment_drug", "E06000031")
    # Printed: 1,147 adults, 705 per 100,000 aged 18+ (summary report, slide 36). The
    # population is backed out as 1147 / 705 x 100,000 = 162,695 (to the nearest person).
    assert (row["count"], row["value"], row["denominator"]) == (1147, 705, 162695)
    # Byar, O = 1147: lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3 / n x 1e5
    #   = 1147 (1 - 1/10323 - 1.959964 / (3 x 33.867388))^3 / 162695 x 1e5 = 664.786
    # upper = 1148 (1 - 1/10332 + 1.959964 / (3 x 33.882149))^3 / 162695 x 1e5 = 747.011
    assert row["lower_95"] == pytest.approx(664.786, abs=5e-4)
    assert row["upper_95"] == pytest.approx(747.011, abs=5e-4)


@pytest.mark.parametrize(("area", "drug", "alcohol"), [("E10000003", 0, 2), ("E06000031", 1, 3)])
def test_one_adult_population_explains_both_published_rates(area, drug, alcohol):
    # Each published rate r (to the nearest whole number) bounds the 18+ population:
    # count / (r + 0.5) * 1e5 < population <= count / (r - 0.5) * 1e5. The drug and the
    # alcohol figures must admit a common population, and at its midpoint both rates
    # must round to the published values.
    _, _, c1, r1 = PUBLISHED[drug]
    _, _, c2, r2 = PUBLISHED[alcohol]
    low = max(c1 / (r1 + 0.5), c2 / (r2 + 0.5)) * 1e5
    high = min(c1 / (r1 - 0.5), c2 / (r2 - 0.5)) * 1e5
    assert low < high
    population = (low + high) / 2
    both = stats.rate([c1, c2], [population, population], multiplier=100_000)
    assert [round(v) for v in both["value"]] == [r1, r2]
    # Cambridgeshire: 545,513 < population <= 547,077 (worked by hand from 1672/306.5 and 889/162.5)
    if area == "E10000003":
        assert math.floor(low) == 545_513 and math.floor(high) == 547_076


def test_england_and_unmet_need_as_published(cp):
    assert _row(cp, "ndtms:adults_in_treatment_drug", "E92000001")["value"] == 457
    assert _row(cp, "ndtms:adults_in_treatment_alcohol", "E92000001")["value"] == 189
    cambs = _row(cp, "93532", "E10000003")
    pboro = _row(cp, "93532", "E06000031")
    assert (cambs["value"], cambs["denominator"]) == (80, 5775)
    assert (pboro["value"], pboro["denominator"]) == (76, 2284)
    assert math.isnan(cambs["lower_95"])  # the report gives no interval


def test_every_row_cites_the_report(cp):
    assert (
        cp["source"]
        .str.startswith("Cambridgeshire and Peterborough Public Health Intelligence Team")
        .all()
    )
    assert cp["source"].str.contains(r"slide \d+").all()
    assert set(cp["period"]) == {"2021/22"}
