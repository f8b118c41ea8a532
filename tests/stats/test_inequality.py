"""SII and RII: weighted least squares by hand, PHE's transformed regression, the
closed-form and simulated limits, reproducibility, and the boundary cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, sii

Z95 = 1.959963984540054

# Five quintiles (1 = most deprived): populations, values (e.g. a rate), standard errors
POP = [1000, 2000, 3000, 2000, 2000]
VALUE = [10.0, 8.0, 7.0, 5.0, 4.0]
SE = [1.0, 1.0, 1.0, 1.0, 1.0]
QUINTILE = [1, 2, 3, 4, 5]


def test_five_quintiles_by_hand():
    # weights w = N / 10,000 = 0.1, 0.2, 0.3, 0.2, 0.2
    # midpoint ranks x = cumulative share at the middle of each quintile:
    #   0.05, 0.1 + 0.1 = 0.2, 0.3 + 0.15 = 0.45, 0.6 + 0.1 = 0.7, 0.8 + 0.1 = 0.9
    # xbar = sum w x = 0.005 + 0.04 + 0.135 + 0.14 + 0.18 = 0.5
    # ybar = sum w y = 1.0 + 1.6 + 2.1 + 1.0 + 0.8 = 6.5
    # x - xbar = -0.45, -0.3, -0.05, 0.2, 0.4;  y - ybar = 3.5, 1.5, 0.5, -1.5, -2.5
    # Sxx = 0.1(0.2025) + 0.2(0.09) + 0.3(0.0025) + 0.2(0.04) + 0.2(0.16) = 0.079
    # Sxy = 0.1(-0.45)(3.5) + 0.2(-0.3)(1.5) + 0.3(-0.05)(0.5) + 0.2(0.2)(-1.5)
    #       + 0.2(0.4)(-2.5) = -0.1575 - 0.09 - 0.0075 - 0.06 - 0.2 = -0.515
    # SII = -0.515 / 0.079 = -6.518987;  RII = -6.518987 / 6.5 = -1.002921
    # Closed form: c = w (x - xbar) / Sxx = -0.569620, -0.759494, -0.189873, 0.506329,
    #   1.012658; Var(SII) = sum c^2 x 1 = 2.219196; 95%: -6.518987 -/+ 1.959964 x 1.489697
    #   = -9.438738 to -3.599236
    out = sii(VALUE, POP, QUINTILE, se=SE, interval="closed_form")
    row = out.set_index("statistic")
    assert row.loc["sii", "value"] == pytest.approx(-6.518987, abs=1e-6)
    assert row.loc["sii", "mean"] == pytest.approx(6.5)
    assert row.loc["rii", "value"] == pytest.approx(-6.518987 / 6.5, abs=1e-6)
    assert row.loc["sii", "lower_95"] == pytest.approx(-9.438738, abs=1e-5)
    assert row.loc["sii", "upper_95"] == pytest.approx(-3.599236, abs=1e-5)
    assert row.loc["sii", "quantiles"] == 5 and row.loc["sii", "denominator"] == 10_000


def test_sii_equals_phe_no_intercept_regression_on_sqrt_weights():
    # PHE technical guidance: regress sqrt(w) y on sqrt(w) and sqrt(w) x, no intercept;
    # the coefficient of sqrt(w) x is the SII (numpy least squares, not DANA's code)
    rng = np.random.default_rng(11)
    pops = rng.integers(5_000, 40_000, 10).astype(float)
    values = np.sort(rng.uniform(60, 85, 10))
    w = pops / pops.sum()
    x = (np.cumsum(pops) - pops / 2) / pops.sum()
    design = np.column_stack([np.sqrt(w), np.sqrt(w) * x])
    coef, *_ = np.linalg.lstsq(design, np.sqrt(w) * values, rcond=None)
    out = sii(values, pops, np.arange(1, 11), se=np.ones(10), rii=False)
    assert out.loc[0, "value"] == pytest.approx(coef[1], rel=1e-12)
    assert out.loc[0, "value"] > 0  # values rise from decile 1 to 10


def test_simulation_converges_to_the_closed_form_on_the_value_scale():
    # The SII is linear in the values, so with normal draws its simulated quantiles
    # estimate b -/+ z sd(b). With 400,000 repetitions the 2.5% quantile's standard error
    # is about 0.006 here: the two agree to 0.03.
    closed = sii(VALUE, POP, QUINTILE, se=SE, interval="closed_form", rii=False)
    simulated = sii(VALUE, POP, QUINTILE, se=SE, repetitions=400_000, rii=False)
    assert simulated.loc[0, "value"] == closed.loc[0, "value"]
    for column in ("lower_95", "upper_95"):
        assert simulated.loc[0, column] == pytest.approx(closed.loc[0, column], abs=0.03)
    assert simulated.loc[0, "method"] == "simulation (400,000 repetitions, seed 1)"


def test_simulation_is_reproducible_and_per_group():
    a = sii(VALUE, POP, QUINTILE, se=SE)
    b = sii(VALUE, POP, QUINTILE, se=SE)
    pd.testing.assert_frame_equal(a, b)
    other = sii(VALUE, POP, QUINTILE, se=SE, seed=2)
    assert other.loc[0, "lower_95"] != a.loc[0, "lower_95"]
    # a group's limits do not depend on which other groups are present
    frame = pd.DataFrame({"area": ["A"] * 5 + ["B"] * 5, "q": QUINTILE * 2, "pop": POP * 2,
                          "v": VALUE + [v + 1 for v in VALUE], "se": SE * 2})  # fmt: skip
    both = sii("v", "pop", "q", se="se", data=frame, by="area")
    alone = sii("v", "pop", "q", se="se", data=frame[frame["area"] == "B"], by="area")
    pd.testing.assert_frame_equal(
        both[both["area"] == "B"].reset_index(drop=True), alone.reset_index(drop=True)
    )


def test_rate_limits_and_counts_give_the_same_standard_errors():
    # A rate from O events has se = value / sqrt(O) (Poisson); giving limits that are
    # value -/+ z se instead must give the same closed-form SII interval.
    counts = np.array([400.0, 640.0, 840.0, 400.0, 320.0])
    se = np.array(VALUE) / np.sqrt(counts)
    via_counts = sii(VALUE, POP, QUINTILE, count=counts, value_type="rate", interval="closed_form")
    via_limits = sii(
        VALUE,
        POP,
        QUINTILE,
        lower=np.array(VALUE) - Z95 * se,
        upper=np.array(VALUE) + Z95 * se,
        value_type="rate",
        interval="closed_form",
    )
    pd.testing.assert_frame_equal(via_counts, via_limits)


def test_log_transform_keeps_simulated_rates_positive_and_close_for_small_errors():
    # tiny standard errors: the simulated interval collapses onto the estimate
    out = sii(VALUE, POP, QUINTILE, se=[1e-6] * 5, value_type="rate", transform=True, rii=False)
    assert out.loc[0, "lower_95"] == pytest.approx(out.loc[0, "value"], abs=1e-4)
    assert out.loc[0, "upper_95"] == pytest.approx(out.loc[0, "value"], abs=1e-4)


def test_proportions_on_the_logit_scale():
    pct = [30.0, 25.0, 20.0, 15.0, 10.0]
    lower = [27.0, 22.0, 17.5, 13.0, 8.5]
    upper = [33.2, 28.2, 22.7, 17.2, 11.7]
    out = sii(pct, POP, QUINTILE, lower=lower, upper=upper, value_type="proportion",
              transform=True, multiplier=100)  # fmt: skip
    row = out.set_index("statistic").loc["sii"]
    assert row["lower_95"] < row["value"] < row["upper_95"] < 0


def test_too_few_quantiles_is_a_note_not_an_error():
    frame = pd.DataFrame({"area": ["A"] * 5 + ["B"] * 4, "q": QUINTILE + [1, 2, 3, 4],
                          "pop": POP + POP[:4], "v": VALUE + VALUE[:4], "se": SE + SE[:4]})  # fmt: skip
    out = sii("v", "pop", "q", se="se", data=frame, by="area")
    assert out["area"].tolist() == ["A", "A", "B", "B"]
    assert out["value"].notna().tolist() == [True, True, False, False]
    assert out["value_note"].tolist()[2] == "SII not calculated: fewer than 5 quantiles"
    assert out["quantiles"].tolist() == [5, 5, 4, 4]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": [1000, 0, 3000, 2000, 2000]}, r"population is 0 .*: row 1"),
        ({"quantile": [1, 2, 2, 4, 5]}, r"quantile number appears twice in a group: row 2"),
        ({"se": None}, r"give the values' uncertainty"),
        ({"value": [10.0, np.inf, 7.0, 5.0, 4.0]}, r"value is infinite: row 1"),
        ({"se": [1.0, -1.0, 1.0, 1.0, 1.0]}, r"se is negative: row 1"),
        ({"value_type": "ratio"}, r"value_type must be one of"),
        ({"repetitions": 10}, r"too few"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"value": VALUE, "population": POP, "quantile": QUINTILE, "se": SE, **kwargs}
    with pytest.raises(StatsInputError, match=message):
        sii(**args)


def test_rii_is_sii_over_the_weighted_mean():
    out = sii(VALUE, POP, QUINTILE, se=SE).set_index("statistic")
    assert out.loc["rii", "value"] == pytest.approx(out.loc["sii", "value"] / 6.5, rel=1e-12)
    # the simulated RII limits bracket it and are on the same side of zero
    assert out.loc["rii", "lower_95"] < out.loc["rii", "value"] < out.loc["rii", "upper_95"] < 0
    assert math.isclose(out.loc["rii", "mean"], 6.5)
