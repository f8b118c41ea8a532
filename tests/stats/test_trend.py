"""Recent trend: Armitage chi-square by hand, weighted regression vs lstsq, edge rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, trend

Z95 = 1.959963984540054
YEARS = [2016, 2017, 2018, 2019, 2020]


def test_threshold_is_chi_square_1df_at_99_8():
    from dana.stats.trend import TREND_THRESHOLD as threshold

    assert threshold == pytest.approx(3.090232306167813**2)  # 9.5495
    assert round(threshold, 4) == 9.5495


def test_armitage_by_hand_increasing():
    # r = 10,15,20,25,30 of n = 100 each; x = 1..5, xbar = 3, p = 100/500 = 0.2
    # T = 10(-2) + 15(-1) + 20(0) + 25(1) + 30(2) = 50
    # sum n (x - xbar)^2 = 100 (4 + 1 + 0 + 1 + 4) = 1000
    # chi2 = 50^2 / (0.2 * 0.8 * 1000) = 2500 / 160 = 15.625 > 9.5495; slope = 50/1000 = 0.05
    out = trend(x=[10, 15, 20, 25, 30], n=[100] * 5, period=YEARS, polarity="low_is_good")
    assert out.loc[0, "statistic"] == pytest.approx(15.625)
    assert out.loc[0, "slope"] == pytest.approx(0.05)
    assert out.loc[0, "trend"] == "Increasing and getting worse"
    assert out.loc[0, "period_from"] == 2016 and out.loc[0, "period_to"] == 2020


def test_armitage_by_hand_not_significant_and_unequal_denominators():
    # r = 10,12,11,13,12 of 100: T = -20 - 12 + 0 + 13 + 24 = 5, p = 58/500 = 0.116
    # chi2 = 25 / (0.116 * 0.884 * 1000) = 25 / 102.544 = 0.24380
    out = trend(x=[10, 12, 11, 13, 12], n=[100] * 5, period=YEARS)
    assert out.loc[0, "statistic"] == pytest.approx(0.243797, abs=1e-6)
    assert out.loc[0, "trend"] == "No significant change"
    # unequal n: r = 5, 8, 20, 30, 50; n = 50, 80, 100, 120, 150 (N = 500, R = 113)
    # xbar = (50 + 160 + 300 + 480 + 750)/500 = 3.48
    # T = 5(-2.48) + 8(-1.48) + 20(-0.48) + 30(0.52) + 50(1.52) = -12.4 - 11.84 - 9.6 + 15.6 + 76 = 57.76
    # Sxx = 50(6.1504) + 80(2.1904) + 100(0.2304) + 120(0.2704) + 150(2.3104)
    #     = 307.52 + 175.232 + 23.04 + 32.448 + 346.56 = 884.8
    # p = 0.226, chi2 = 57.76^2 / (0.226 * 0.774 * 884.8) = 3336.2176 / 154.77276 = 21.55559
    out = trend(
        x=[5, 8, 20, 30, 50], n=[50, 80, 100, 120, 150], period=YEARS, polarity="high_is_good"
    )
    assert out.loc[0, "statistic"] == pytest.approx(21.55559, abs=1e-5)
    assert out.loc[0, "trend"] == "Increasing and getting better"


def test_leave_one_out_sign_flip_means_no_significant_change():
    # r = 12,10,10,10,60: full T = -24 - 10 + 0 + 10 + 120 = 96 (chi2 = 9216/162.384 = 56.75)
    # without the last point (x = 1..4, xbar 2.5): T = 12(-1.5) + 10(-0.5) + 10(0.5) + 10(1.5) = -3
    out = trend(x=[12, 10, 10, 10, 60], n=[100] * 5, period=YEARS)
    assert out.loc[0, "statistic"] == pytest.approx(9216 / (0.204 * 0.796 * 1000))
    assert out.loc[0, "trend"] == "No significant change"
    assert "leaving one point out" in out.loc[0, "note"]


def test_weighted_regression_by_hand():
    # y = 10,12,14,16,18 with limits y -/+ z, so var = ((2z)/(2z))^2 = 1 and w = 1:
    # Sxx = 10, Sxy = (-2)(-4) + (-1)(-2) + 0 + 1(2) + 2(4) = 20, slope = 2, chi2 = 400/10 = 40
    y = np.array([10, 12, 14, 16, 18.0])
    out = trend(y, y - Z95, y + Z95, period=YEARS, value_type="dsr", polarity="high_is_good")
    assert out.loc[0, "slope"] == pytest.approx(2)
    assert out.loc[0, "statistic"] == pytest.approx(40)
    assert out.loc[0, "trend"] == "Increasing and getting better"
    assert out.loc[0, "method"] == "weighted_regression"


def test_weighted_regression_matches_lstsq():
    rng = np.random.default_rng(11)
    y = np.array([50.0, 47.0, 45.5, 41.0, 40.0])
    half = rng.uniform(1.0, 4.0, size=5)
    lower, upper = y - half * 0.8, y + half * 1.2  # asymmetric, as rate limits are
    out = trend(y, lower, upper, period=YEARS, value_type="crude_rate", polarity="low_is_good")
    # independent: scale rows by sqrt(w) and solve least squares; Var(slope) = (X'WX)^-1[1,1]
    sd = (upper - lower) / (2 * Z95)
    w = 1 / sd**2
    design = np.column_stack([np.ones(5), np.arange(1.0, 6.0)])
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(design * sw[:, None], y * sw, rcond=None)
    cov = np.linalg.inv(design.T @ (design * w[:, None]))
    assert out.loc[0, "slope"] == pytest.approx(coef[1], rel=1e-10)
    assert out.loc[0, "statistic"] == pytest.approx(coef[1] ** 2 / cov[1, 1], rel=1e-10)
    assert out.loc[0, "trend"] == "Decreasing and getting better"


def test_many_groups_at_once_use_last_five_points_and_edge_rules():
    rows = []
    for g, counts in {
        "up": [99, 1, 10, 15, 20, 25, 30],  # 7 points: only the last 5 are used
        "short": [10, 20, 30, 40],
        "gap": [10, 15, None, 25, 30],
        "zero": [0, 0, 0, 0, 0],
    }.items():
        for i, c in enumerate(counts):
            rows.append({"area": g, "period_sort": 2010 + i, "count": c, "denominator": 100.0})
    rows.append({"area": "dup", "period_sort": 2010, "count": 5, "denominator": 100.0})
    for i in range(5):
        rows.append({"area": "dup", "period_sort": 2010 + i, "count": 5, "denominator": 100.0})
    df = pd.DataFrame(rows)
    out = trend(data=df, by="area").set_index("area")
    assert out.loc["up", "statistic"] == pytest.approx(15.625)
    assert out.loc["up", "period_from"] == 2012 and out.loc["up", "n_points"] == 5
    assert out.loc["short", "trend"] == "Cannot be calculated"
    assert out.loc["short", "note"] == "fewer than 5 time points"
    assert out.loc["gap", "trend"] == "Cannot be calculated"
    assert "missing" in out.loc["gap", "note"]
    assert out.loc["dup", "trend"] == "Cannot be calculated"
    assert "more than once" in out.loc["dup", "note"]
    assert out.loc["zero", "trend"] == "No significant change"


def test_string_periods_sort_in_time_order():
    periods = ["2019/20", "2015/16", "2016/17", "2018/19", "2017/18"]
    counts = [30, 10, 15, 25, 20]  # in time order 10, 15, 20, 25, 30
    out = trend(x=counts, n=[100] * 5, period=periods)
    assert out.loc[0, "statistic"] == pytest.approx(15.625)
    assert out.loc[0, "period_to"] == "2019/20"


def test_bad_input_names_the_series():
    df = pd.DataFrame(
        {
            "area": ["A"] * 5,
            "period_sort": range(5),
            "count": [1, 2, 3, 4, 200],
            "denominator": 100.0,
        }
    )
    with pytest.raises(StatsInputError, match="count x is greater than denominator n.*area='A'"):
        trend(data=df, by="area")
    with pytest.raises(StatsInputError, match="polarity 'up'"):
        trend(x=[1] * 5, n=[10] * 5, period=YEARS, polarity="up")
    with pytest.raises(StatsInputError, match="period="):
        trend(x=[1] * 5, n=[10] * 5)
    y = np.ones(5)
    with pytest.raises(StatsInputError, match="upper limit must be greater"):
        trend(y, y, y, period=YEARS, value_type="dsr")
