"""SMR and ISR: the Bedford drug-related deaths table (2009-11), and hand calculations."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import chi2

from dana.stats import StatsInputError, isr, smr

Z95 = 1.959963984540054


def test_bedford_table_8():
    """Seed 003 (Bedford Borough needs assessment), Table 8: drug-related deaths 2009-11.

    Bedford: 9 deaths, population 15+ 388,861; East of England: 377 deaths in 16,633,050.
    Expected = 388,861 x 377 / 16,633,050 = 8.8138 (published 8.81); SMR = 9 / 8.8138 =
    1.0211 (published 1.02). Bedfordshire: 16 deaths, 1,012,613 people: expected 22.95,
    SMR 0.70. Rate per 100,000 (ISR with one band = crude): 9 / 388,861 = 2.31.
    """
    out = smr([9, 16], [388_861, 1_012_613], ref_x=377, ref_n=16_633_050)
    expected = 388_861 * 377 / 16_633_050
    assert expected == pytest.approx(8.8138, abs=1e-4)
    assert out["expected"].round(2).tolist() == [8.81, 22.95]
    assert out["value"].round(2).tolist() == [1.02, 0.70]
    # O = 9 < 10: exact limits chi2(0.025; 18)/2 / E and chi2(0.975; 20)/2 / E
    assert out.loc[0, "lower_95"] == pytest.approx(chi2.ppf(0.025, 18) / 2 / expected, rel=1e-9)
    assert out.loc[0, "upper_95"] == pytest.approx(chi2.ppf(0.975, 20) / 2 / expected, rel=1e-9)
    # ... which are 4.1154 and 17.0848 events (Poisson tables), i.e. 0.4669 to 1.9384
    assert out.loc[0, "lower_95"] == pytest.approx(4.115373 / expected, rel=1e-6)
    assert out.loc[0, "upper_95"] == pytest.approx(17.084803 / expected, rel=1e-6)
    # O = 16 >= 10: Byar
    e16 = 1_012_613 * 377 / 16_633_050
    byar_upper = 17 * (1 - 1 / (9 * 17) + Z95 / (3 * math.sqrt(17))) ** 3
    assert out.loc[1, "upper_95"] == pytest.approx(byar_upper / e16, rel=1e-12)
    assert out["method"].tolist() == ["exact", "Byar"]

    rates = isr([9, 16], [388_861, 1_012_613], ref_x=377, ref_n=16_633_050)
    assert rates["value"].round(2).tolist() == [2.31, 1.58]


def test_refvalue_100():
    out = smr(9, 388_861, ref_x=377, ref_n=16_633_050, refvalue=100)
    assert out.loc[0, "value"] == pytest.approx(9 / (388_861 * 377 / 16_633_050) * 100)


AGE = ["0-39", "40-64", "65+"]
REF_X = [200, 1_500, 8_000]
REF_N = [2_000_000, 1_500_000, 500_000]
LOCAL = pd.DataFrame(
    {
        "area": ["A", "A", "A", "B", "B", "B"],
        "age": AGE * 2,
        "deaths": [3, 20, 90, 1, 10, 40],
        "pop": [40_000, 25_000, 6_000, 20_000, 9_000, 3_000],
    }
)


def test_three_band_example_by_hand():
    # area A: E = 40,000*0.0001 + 25,000*0.001 + 6,000*0.016 = 4 + 25 + 96 = 125
    #         O = 113, SMR = 0.904; crude ref = 9,700 / 4,000,000 = 0.002425
    #         ISR = 0.904 * 0.002425 * 100,000 = 219.22 per 100,000
    out = smr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=LOCAL, by="area")
    assert out.loc[0, "expected"] == pytest.approx(125.0)
    assert out.loc[0, "value"] == pytest.approx(0.904)
    rates = isr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=LOCAL, by="area")
    assert rates.loc[0, "value"] == pytest.approx(0.904 * 0.002425 * 100_000)
    # area B: E = 2 + 9 + 48 = 59, O = 51
    assert out.loc[1, "expected"] == pytest.approx(59.0)
    assert out.loc[1, "value"] == pytest.approx(51 / 59)


def test_reference_forms_agree():
    by_order = smr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=LOCAL, by="area")
    by_label = smr(
        "deaths",
        "pop",
        ref_rate=dict(zip(AGE, [x / n for x, n in zip(REF_X, REF_N, strict=True)], strict=True)),
        age="age",
        data=LOCAL.iloc[::-1],
        by="area",
    )
    per_row = smr(
        "deaths",
        "pop",
        ref_x=REF_X * 2,
        ref_n=REF_N * 2,
        data=LOCAL,
        by="area",
    )
    for other in (by_label, per_row):
        pd.testing.assert_series_equal(by_order["value"], other["value"])
        pd.testing.assert_series_equal(by_order["upper_95"], other["upper_95"])


def test_local_rates_equal_reference_give_smr_1():
    pop = [10_000, 20_000, 30_000]
    deaths = [n * x / r for n, x, r in zip(pop, REF_X, REF_N, strict=True)]  # 1, 20, 480
    out = smr(deaths, pop, ref_x=REF_X, ref_n=REF_N, data=None, by=None)
    # ungrouped: one ratio per row, each exactly 1
    assert out["value"].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_isr_needs_crude_rate_with_ref_rate():
    with pytest.raises(StatsInputError, match="ref_crude_rate"):
        isr(9, 388_861, ref_rate=377 / 16_633_050)
    out = isr(9, 388_861, ref_rate=377 / 16_633_050, ref_crude_rate=377 / 16_633_050)
    assert out.loc[0, "value"] == pytest.approx(9 / 388_861 * 100_000)


def test_errors():
    with pytest.raises(StatsInputError, match=r"expected count is 0 .*: row 0"):
        smr(3, 0, ref_x=1, ref_n=10)
    with pytest.raises(StatsInputError, match="either ref_rate or ref_x"):
        smr(3, 10, ref_x=1, ref_n=10, ref_rate=0.1)
    with pytest.raises(StatsInputError, match="give the reference"):
        smr(3, 10)
    short = LOCAL.drop(index=5)
    with pytest.raises(StatsInputError, match=r"age band 'band 3' is missing for group area='B'"):
        smr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=short, by="area")
    ref_x = dict(zip(AGE, REF_X, strict=True))
    ref_n = dict(zip(AGE, REF_N, strict=True))
    with pytest.raises(StatsInputError, match=r"age band '65\+' is missing for group area='B'"):
        smr("deaths", "pop", ref_x=ref_x, ref_n=ref_n, age="age", data=short, by="area")


def test_isr_limits_from_reference_counts_written_out():
    # Area A of LOCAL with the reference counts REF_X / REF_N: O = 113, E = 125,
    # reference crude rate 9,700 / 4,000,000 = 0.002425 per person.
    # ISR = 113 / 125 * 0.002425 * 100,000 = 219.22 per 100,000.
    # O >= 10, so Byar at 95% (z = 1.959964):
    #   O_lower = 113 (1 - 1/1017 - z/(3 sqrt 113))^3 = 113 * 0.937557^3 = 93.126239
    #   O_upper = 114 (1 - 1/1026 + z/(3 sqrt 114))^3 = 114 * 1.060214^3 = 135.858263
    #   lower = 93.126239 / 125 * 242.5 = 180.6649;  upper = 135.858263 / 125 * 242.5 = 263.5650
    out = isr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=LOCAL, by="area")
    assert out.loc[0, "value"] == pytest.approx(219.22, abs=1e-9)
    assert out.loc[0, "lower_95"] == pytest.approx(180.6649, abs=1e-4)
    assert out.loc[0, "upper_95"] == pytest.approx(263.5650, abs=1e-4)
    assert out.loc[0, "method"] == "Byar"
    # the SMR's limits are the same counts over E: 93.126239 / 125 = 0.745010
    ratio = smr("deaths", "pop", ref_x=REF_X, ref_n=REF_N, data=LOCAL, by="area")
    assert ratio.loc[0, "lower_95"] == pytest.approx(0.745010, abs=1e-6)
