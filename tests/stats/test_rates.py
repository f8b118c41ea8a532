"""Crude rates: exact chi-square limits below 10 events, Byar's at 10 or more."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, rate

Z95 = 1.959963984540054
Z998 = 3.090232306167813


def test_byar_100_events_by_hand():
    # Byar (Breslow & Day 1987): O = 100, z = 1.959964
    o = 100
    lower = o * (1 - 1 / (9 * o) - Z95 / (3 * math.sqrt(o))) ** 3  # 100 * 0.933556^3 = 81.3621
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z95 / (3 * math.sqrt(o + 1))) ** 3  # 121.6279
    assert lower == pytest.approx(81.3621, abs=1e-4)
    assert upper == pytest.approx(121.6279, abs=1e-4)
    out = rate(100, 50_000)  # per 100,000: value 200, limits doubled
    assert out.loc[0, "value"] == 200
    assert out.loc[0, "lower_95"] == pytest.approx(lower * 2, rel=1e-12)
    assert out.loc[0, "upper_95"] == pytest.approx(upper * 2, rel=1e-12)
    assert out.loc[0, "method"] == "Byar"


def test_exact_5_events_published_table():
    # Exact Poisson limits for O = 5 at 95% (chi2(0.025; 10)/2, chi2(0.975; 12)/2), as in
    # standard tables of Poisson confidence limits: 1.6235 and 11.6683.
    out = rate(5, 100_000)
    assert out.loc[0, "lower_95"] == pytest.approx(1.623486, abs=1e-6)
    assert out.loc[0, "upper_95"] == pytest.approx(11.668332, abs=1e-6)
    assert out.loc[0, "method"] == "exact"


def test_zero_and_one_event_closed_form():
    # chi-square with 2 df has quantile -2 ln(1 - q), so the O = 0 upper limit is
    # -ln(alpha/2) (3.689 at 95%, DEFINITIONS.md 4.2) and the O = 1 lower limit is
    # -ln(1 - alpha/2).
    out = rate([0, 1], [1, 1], multiplier=1, confidence=(0.95, 0.998))
    assert out.loc[0, "value"] == 0 and out.loc[0, "lower_95"] == 0
    assert out.loc[0, "upper_95"] == pytest.approx(math.log(40), rel=1e-9)  # 3.688879
    assert out.loc[0, "upper_95"] == pytest.approx(3.689, abs=5e-4)
    assert out.loc[0, "upper_99_8"] == pytest.approx(math.log(1000), rel=1e-9)  # 6.907755
    assert out.loc[1, "lower_95"] == pytest.approx(-math.log(0.975), rel=1e-9)  # 0.025318


def test_byar_within_0_2_percent_of_exact_from_10():
    # PHE Technical Guide - Confidence Intervals: "for 95% confidence intervals, Byar's
    # method is within 0.2% of the exact value for numerators of 10 or more".
    from scipy.stats import chi2

    for o in (10, 11, 25, 100, 1000):
        out = rate(o, 1, multiplier=1)
        assert out.loc[0, "lower_95"] == pytest.approx(chi2.ppf(0.025, 2 * o) / 2, rel=2e-3)
        assert out.loc[0, "upper_95"] == pytest.approx(chi2.ppf(0.975, 2 * o + 2) / 2, rel=2e-3)


def test_99_8_byar_by_hand():
    o = 400
    lower = o * (1 - 1 / (9 * o) - Z998 / (3 * math.sqrt(o))) ** 3
    out = rate(o, 200_000, confidence=0.998)
    assert out.loc[0, "lower_99_8"] == pytest.approx(lower / 2, rel=1e-12)


def test_grouped():
    data = pd.DataFrame(
        {"area": ["A", "A", "B"], "deaths": [60, 40, 3], "pop": [20_000, 30_000, 1_000]}
    )
    out = rate("deaths", "pop", data=data, by="area")
    assert out["count"].tolist() == [100, 3]
    assert out["value"].tolist() == [200, 300]
    assert out["method"].tolist() == ["Byar", "exact"]


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        ([-1], [10], "count x is negative"),
        ([1], [-10], "population n is negative"),
        ([1], [0], "population is 0: row 0"),
    ],
)
def test_bad_input(x, n, message):
    with pytest.raises(StatsInputError, match=message):
        rate(x, n)


def test_bad_multiplier():
    with pytest.raises(StatsInputError, match="multiplier"):
        rate(1, 10, multiplier=0)


def test_exact_below_10_byar_from_10_by_hand():
    # Fingertips: exact limits for O < 10, Byar's for O >= 10.
    # O = 10, Byar (z = 1.959964): z / (3 sqrt 10) = 0.206598
    #   lower = 10 (1 - 1/90 - 0.206598)^3 = 10 x 0.782291^3 = 4.787450
    #   upper = 11 (1 - 1/99 + z / (3 sqrt 11))^3 = 11 x 1.186883^3 = 18.391459
    #   (the exact limits would be 4.795389 and 18.390356)
    # O = 9, exact: chi2_inv(0.025; 18) / 2 = 4.115373, chi2_inv(0.975; 20) / 2 = 17.084803
    #   (Byar would give 9 x (1 - 1/81 - 0.217774)^3 = 4.106885 and 17.085781)
    out = rate([9, 10], [1, 1], multiplier=1)
    assert out["method"].tolist() == ["exact", "Byar"]
    assert out.loc[1, "lower_95"] == pytest.approx(4.787450, abs=1e-6)
    assert out.loc[1, "upper_95"] == pytest.approx(18.391459, abs=1e-6)
    assert out.loc[0, "lower_95"] == pytest.approx(4.115373, abs=1e-6)
    assert out.loc[0, "upper_95"] == pytest.approx(17.084803, abs=1e-6)


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        ([5, np.inf], [10, 10], r"rate: x is infinite: row 1"),
        ([5, 1], [np.inf, 10], r"rate: n is infinite: row 0"),
        (None, 10, r"rate: x= is needed"),
        ([1, None], [10, 10], r"rate: x is missing \(NaN\): row 1"),
    ],
)
def test_infinite_and_missing_inputs(x, n, message):
    with pytest.raises(StatsInputError, match=message):
        rate(x, n)
