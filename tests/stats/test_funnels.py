"""Funnel-plot limits: PHE sigma_adjustment by hand, exact Poisson limits, labels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from dana.stats import StatsInputError, funnel_limits

Z95 = 1.959963984540054  # Phi^-1(0.975)
Z998 = 3.090232306167813  # Phi^-1(0.999)


def _phe_sigma_adjustment(a, n, z, side):
    """PHEindicatormethods R/utils.R sigma_adjustment, typed out literally (multiplier 1)."""
    first = a * (n / z**2 + 1)
    adj = math.sqrt(
        (-8 * a * (n / z**2 + 1)) ** 2
        - 64 * (1 / z**2 + 1 / n) * a * (n * (a * (n / z**2 + 2) - 1) + z**2 * (a - 1))
    )
    last = 1 / z**2 + 1 / n
    return ((first - adj / 8) / last if side == "low" else (first + adj / 8) / last) / n


def test_proportion_limits_by_hand_and_phe_formula():
    # a = 0.2, N = 100: a -/+ z sqrt(a(1-a)/N) = 0.2 -/+ 1.959964 * 0.04 = 0.121601, 0.278399
    # 99.8%: 0.2 -/+ 3.090232 * 0.04 = 0.076391, 0.323609
    out = funnel_limits("proportion", target=20, denominators=[100])
    assert out.loc[0, "value"] == 20
    assert out.loc[0, "lower_95"] == pytest.approx(12.16014, abs=1e-5)
    assert out.loc[0, "upper_95"] == pytest.approx(27.83986, abs=1e-5)
    assert out.loc[0, "lower_99_8"] == pytest.approx(7.63907, abs=1e-5)
    assert out.loc[0, "upper_99_8"] == pytest.approx(32.36093, abs=1e-5)
    # and the same as PHE's literal formula, at several (a, N)
    for a, n in [(0.2, 100), (0.5, 20), (0.07, 3000), (0.9, 400)]:
        got = funnel_limits("proportion", target=a * 100, denominators=[n], confidence=0.998)
        assert got.loc[0, "lower_99_8"] == pytest.approx(
            100 * _phe_sigma_adjustment(a, n, Z998, "low"), rel=1e-9
        )
        assert got.loc[0, "upper_99_8"] == pytest.approx(
            100 * _phe_sigma_adjustment(a, n, Z998, "high"), rel=1e-9
        )


def test_proportion_limits_clamped_to_the_multiplier_not_to_100():
    # per 1,000 with a = 0.98, N = 10: a + z sqrt(a(1-a)/N) = 1.0668 > 1 -> clamp at 1000
    # (PHE's 0-100 clamp would put the upper limit at 100, below the centre of 980)
    out = funnel_limits("proportion", target=980, denominators=[10], multiplier=1000)
    assert out.loc[0, "upper_95"] == 1000
    assert out.loc[0, "lower_95"] == pytest.approx(
        1000 * (0.98 - Z95 * math.sqrt(0.98 * 0.02 / 10))
    )
    low = funnel_limits("proportion", target=20, denominators=[10], multiplier=1000)
    assert low.loc[0, "lower_95"] == 0  # 0.02 - 0.0868 < 0


def test_poisson_limits_where_they_are_known_in_closed_form():
    # P(X <= 0 | E) = exp(-E) = 0.025  <=>  E = ln 40 = 3.688879: the lower limit leaves 0 there.
    # P(X >= 1 | E) = 1 - exp(-E) = 0.025  <=>  E = -ln 0.975 = 0.025318: upper count 1.
    e_low, e_one = math.log(40), -math.log(0.975)
    out = funnel_limits("ratio", denominators=[0.99 * e_low, e_one, 1.01 * e_low], confidence=0.95)
    assert out["lower_95"].iloc[0] == 0
    assert out["upper_95"].iloc[1] == pytest.approx(1 / e_one, rel=1e-9)  # 39.4979 as a ratio
    assert 0 < out["lower_95"].iloc[2] < 0.05
    # 99.8%: E = ln 1000 = 6.907755 and E = -ln 0.999 = 0.0010005
    e_one = -math.log(0.999)
    out = funnel_limits("ratio", denominators=[e_one, 0.999 * math.log(1000)], confidence=0.998)
    assert out["upper_99_8"].iloc[0] == pytest.approx(1 / e_one, rel=1e-9)
    assert out["lower_99_8"].iloc[1] == 0


@pytest.mark.parametrize("level", [0.95, 0.998, 0.9])
def test_poisson_funnel_limit_is_the_count_whose_exact_interval_touches_e(level):
    # U at E has exact lower limit chi2_inv(alpha/2; 2U)/2 = E; L has exact upper limit E.
    expected = np.array([4.0, 12.5, 50.0, 333.3, 2500.0])
    out = funnel_limits("ratio", denominators=expected, confidence=level)
    lo_name, hi_name = out.columns[-2:]
    upper_count = out[hi_name].to_numpy() * expected
    lower_count = out[lo_name].to_numpy() * expected
    alpha = 1 - level
    # checked with scipy's chi-square directly, not with the module's own exact_poisson_limits
    assert stats.chi2.ppf(alpha / 2, 2 * upper_count) / 2 == pytest.approx(expected, rel=1e-9)
    positive = lower_count > 0
    assert stats.chi2.ppf(1 - alpha / 2, 2 * lower_count[positive] + 2) / 2 == pytest.approx(
        expected[positive], rel=1e-9
    )
    # large E: close to the normal approximation E -/+ z sqrt(E)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    assert upper_count[-1] == pytest.approx(2500 + z * 50, abs=3)


def test_rate_limits_use_the_derived_expected_count():
    # centre 200 per 100,000 and n = 5,000 people: E = 5000 * 200 / 1e5 = 10 events
    out = funnel_limits("rate", target=200, denominators=[5000], confidence=0.95)
    ratio = funnel_limits("ratio", denominators=[10.0], confidence=0.95)
    assert out.loc[0, "upper_95"] == pytest.approx(200 * ratio.loc[0, "upper_95"], rel=1e-12)
    assert out.loc[0, "lower_95"] == pytest.approx(200 * ratio.loc[0, "lower_95"], rel=1e-12)


def test_ratio_labels_follow_the_areas_exact_or_byar_limits():
    # O = 9, E = 3: exact lower chi2_inv(0.025; 18)/2 = 4.1154 > 3 and chi2_inv(0.001; 18)/2 =
    # 2.4524 < 3 -> High (0.025). O = 30, E = 15: Byar lower(30) at 99.8% =
    # 30 (1 - 1/270 - 3.090232/(3 sqrt 30))^3 = 30 * 0.808230^3 = 15.839 > 15
    # -> High (0.001). O = 2, E = 9: exact upper 7.2247 < 9 at 95%, 11.23 > 9 -> Low (0.025).
    out = funnel_limits("ratio", [9, 30, 2, 10], [3, 15, 9, 10])
    assert out["significance"].tolist() == [
        "High (0.025)",
        "High (0.001)",
        "Low (0.025)",
        "Not significant",
    ]
    assert out["outlier"].tolist() == ["none", "high", "none", "none"]
    assert out["value"].tolist() == [3, 2, pytest.approx(2 / 9), 1]
    assert (out["centre"] == 1).all()
    byar_lower_30 = 30 * (1 - 1 / 270 - Z998 / (3 * math.sqrt(30))) ** 3
    assert byar_lower_30 == pytest.approx(15.839, abs=0.001)


def test_proportion_labels_agree_with_wilson_intervals():
    rng = np.random.default_rng(7)
    n = rng.integers(20, 2000, size=200)
    x = rng.binomial(n, rng.uniform(0.05, 0.4, size=200))
    out = funnel_limits("proportion", x, n, confidence=0.95)
    a = x.sum() / n.sum()
    assert out["centre"].iloc[0] == pytest.approx(100 * a)
    # Wilson score interval typed out (Newcombe 1998, method 3), not the module's own helper:
    # (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))
    root = Z95 * np.sqrt(Z95**2 + 4 * x * (1 - x / n))
    wl = (2 * x + Z95**2 - root) / (2 * (n + Z95**2))
    wu = (2 * x + Z95**2 + root) / (2 * (n + Z95**2))
    expected = np.where(wl > a, "High (0.025)", np.where(wu < a, "Low (0.025)", "Not significant"))
    assert out["significance"].tolist() == expected.tolist()


def test_grouped_funnels_have_their_own_centres_and_keep_rows():
    df = pd.DataFrame(
        {
            "indicator": ["a", "a", "b", "b", "b"],
            "deaths": [10, 30, 1, 2, 3],
            "pop": [10_000, 20_000, 1_000, 1_000, 2_000],
        }
    )
    out = funnel_limits("rate", "deaths", "pop", data=df, by="indicator")
    # a: 40 / 30,000 * 1e5 = 133.33; b: 6 / 4,000 * 1e5 = 150
    assert out["centre"].tolist() == pytest.approx([133.3333333, 133.3333333, 150, 150, 150])
    assert out["indicator"].tolist() == df["indicator"].tolist()
    curves = funnel_limits("rate", "deaths", "pop", data=df, by="indicator", n_points=4)
    assert len(curves) == 8 and curves["indicator"].tolist() == ["a"] * 4 + ["b"] * 4
    assert curves["denominator"].iloc[0] == 10_000
    assert curves["denominator"].iloc[3] == pytest.approx(22_000)


def test_value_derives_the_denominator_for_dsr_like_rates():
    # rate 250 per 100,000 from 50 events -> derived n = 1e5 * 50 / 250 = 20,000
    out = funnel_limits("rate", [50], value=[250.0], target=200)
    assert out.loc[0, "denominator"] == pytest.approx(20_000)
    assert out.loc[0, "value"] == 250


def test_dsr_funnels_are_not_applicable_below_10_events():
    # PHE: "Not applicable for events less than 10 for dsrs"; they are kept, never dropped,
    # and left out of the pooled centre: (50 + 200) / (20,000 + 100,000) * 1e5 = 208.33
    out = funnel_limits("rate", [0, 9, 50, 200], value=[0.0, 900.0, 250.0, 200.0])
    assert out["outlier"].tolist()[:2] == ["not_applicable", "not_applicable"]
    assert out["significance"].iloc[1] == "Not applicable: fewer than 10 events"
    assert out["centre"].iloc[0] == pytest.approx(250 / 120_000 * 1e5)
    assert np.isnan(out.loc[0, "denominator"])


def test_overdispersion_widens_limits_by_sqrt_phi():
    rng = np.random.default_rng(3)
    n = rng.integers(500, 5000, size=40)
    x = rng.binomial(n, rng.uniform(0.1, 0.3, size=40))  # deliberately over-dispersed
    plain = funnel_limits("proportion", x, n, confidence=0.95)
    adjusted = funnel_limits("proportion", x, n, confidence=0.95, overdispersion=True)
    a = x.sum() / n.sum()
    z = (x / n - a) / np.sqrt(a * (1 - a) / n)
    lo, hi = np.percentile(z, [10, 90])  # Spiegelhalter's 10%/90% winsorising
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    assert phi > 1
    assert adjusted["phi"].iloc[0] == pytest.approx(phi, rel=1e-9)
    half_plain = plain["upper_95"] - plain["centre"]
    half_adjusted = adjusted["upper_95"] - adjusted["centre"]
    assert (half_adjusted / half_plain).to_numpy() == pytest.approx(math.sqrt(phi), rel=1e-9)
    assert (adjusted["outlier"] != "none").sum() < (plain["outlier"] != "none").sum()


@settings(max_examples=60, deadline=None)
@given(
    statistic=st.sampled_from(["proportion", "rate", "ratio"]),
    centre_fraction=st.floats(0.01, 0.9),
    n=st.floats(5, 1e6),
)
def test_limits_widen_with_confidence_and_narrow_with_denominator(statistic, centre_fraction, n):
    multiplier = {"proportion": 100, "rate": 100_000, "ratio": 1}[statistic]
    target = centre_fraction * multiplier if statistic != "ratio" else 1
    out = funnel_limits(
        statistic, target=target, denominators=[n, 4 * n], confidence=(0.9, 0.95, 0.998)
    )
    for small, big in [("90", "95"), ("95", "99_8")]:
        assert (out[f"lower_{big}"] <= out[f"lower_{small}"] + 1e-9).all()
        assert (out[f"upper_{big}"] >= out[f"upper_{small}"] - 1e-9).all()
    width = out["upper_95"] - out["lower_95"]
    assert width.iloc[1] <= width.iloc[0] + 1e-9
    assert (out["lower_95"] <= target + 1e-9).all() and (out["upper_95"] >= target - 1e-9).all()


def test_bad_input_names_the_row_or_asks_clearly():
    with pytest.raises(StatsInputError, match="statistic must be one of"):
        funnel_limits("odds", [1], [2])
    with pytest.raises(StatsInputError, match="count x is greater than denominator n.*row 1"):
        funnel_limits("proportion", [1, 5], [10, 4])
    with pytest.raises(StatsInputError, match="denominator n must be greater than zero.*row 0"):
        funnel_limits("rate", [1, 5], [0, 4])
    df = pd.DataFrame({"g": ["a", "b"], "x": [0, 1], "n": [10, 10]})
    with pytest.raises(StatsInputError, match="centre proportion.*g='a'"):
        funnel_limits("proportion", "x", "n", data=df, by="g")
    with pytest.raises(StatsInputError, match="target="):
        funnel_limits("proportion", denominators=[10])
    with pytest.raises(StatsInputError, match="below the multiplier 100"):
        funnel_limits("proportion", target=120, denominators=[10])
    with pytest.raises(StatsInputError, match="not both"):
        funnel_limits("ratio", denominators=[10], n_points=3)


def test_proportion_area_classified_against_limits_by_hand():
    # centre 20%, N = 100: limits 20 -/+ 100 z sqrt(0.2 * 0.8 / 100) = 20 -/+ 4 z
    #   95%:   12.1601 .. 27.8399;  99.8%: 7.6391 .. 32.3609
    # 30 of 100 -> above 27.84 but below 32.36: "High (0.025)"; 35 -> "High (0.001)";
    # 10 -> below 12.16, above 7.64: "Low (0.025)"; 20 -> "Not significant"
    out = funnel_limits("proportion", [30, 35, 10, 20], [100] * 4, target=20)
    assert out["upper_95"].tolist() == pytest.approx([20 + 4 * Z95] * 4, abs=1e-12)
    assert out["lower_99_8"].tolist() == pytest.approx([20 - 4 * Z998] * 4, abs=1e-12)
    assert out["significance"].tolist() == [
        "High (0.025)",
        "High (0.001)",
        "Low (0.025)",
        "Not significant",
    ]
    assert out["outlier"].tolist() == ["none", "high", "none", "none"]


def test_ratio_limit_exactly_at_the_expected_count_is_not_significant():
    # O = 9 with E equal to its own exact 95% lower limit chi2_inv(0.025; 18)/2 = 4.115373:
    # the interval touches E, it does not exclude it. Compared as O_lower > E on the count
    # scale there is no rounding; O_lower / E > 1 could come out either way.
    e = stats.chi2.ppf(0.025, 18) / 2
    out = funnel_limits("ratio", [9], [e], confidence=0.95)
    assert out.loc[0, "significance"] == "Not significant"
    nudged = funnel_limits("ratio", [9], [e * (1 - 1e-9)], confidence=0.95)
    assert nudged.loc[0, "significance"] == "High (0.025)"
