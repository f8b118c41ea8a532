"""Life expectancy: abridged life tables worked by hand, the Chiang variance checked by
differentiation, and the PHEindicatormethods / PHE calculator rules at their boundaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dana.stats import LIFE_TABLE_AGES, StatsInputError, life_expectancy

Z95 = 1.959963984540054  # Phi^-1(0.975), from normal tables
Z998 = 3.090232306167813

# 20 Fingertips bands (<1, 1-4, 5-9, ..., 85-89, 90+): an illustrative population of about
# 790,000 with deaths rising with age (the shape of the PHEindicatormethods example data)
POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209,
        56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936]  # fmt: skip
DEATHS = [17, 9, 4, 7, 17, 22, 24, 40, 56, 63, 82, 189, 301, 362, 582, 840, 1187, 1447,
          1472, 1452]  # fmt: skip


def hand_life_table(deaths, pops, ages):
    """The PHE life expectancy calculator's columns, one band at a time in plain Python."""
    k = len(ages)
    n = [ages[i + 1] - ages[i] for i in range(k - 1)]
    a = [0.1 if (ages[i] == 0 and n[i] == 1) else 0.5 for i in range(k - 1)]
    m = [d / p for d, p in zip(deaths, pops, strict=True)]
    q = [n[i] * m[i] / (1 + (1 - a[i]) * n[i] * m[i]) for i in range(k - 1)] + [1.0]
    lx = [100_000.0]
    for i in range(k - 1):
        lx.append(lx[i] * (1 - q[i]))
    big_l = [n[i] * (lx[i + 1] + a[i] * (lx[i] - lx[i + 1])) for i in range(k - 1)]
    big_l.append(lx[-1] / m[-1])
    e = [sum(big_l[i:]) / lx[i] for i in range(k)]
    s = []
    for i in range(k - 1):
        var_q = q[i] ** 2 * (1 - q[i]) / deaths[i] if deaths[i] > 0 else 0.0
        s.append(lx[i] ** 2 * ((1 - a[i]) * n[i] + e[i + 1]) ** 2 * var_q)
    s.append(lx[-1] ** 2 / (m[-1] ** 2 * deaths[-1]))
    var = [sum(s[i:]) / lx[i] ** 2 for i in range(k)]
    return e, var


def test_two_band_table_worked_by_hand():
    # Bands 0-4 (n = 5, a = 0.5) and 5+; deaths 20 and 400 in populations 10,000 and 5,000.
    #   M_0 = 0.002; q_0 = 5 x 0.002 / (1 + 0.5 x 5 x 0.002) = 0.01 / 1.005 = 2/201 = 0.0099502
    #   l_0 = 100,000; l_1 = 100,000 x 199/201 = 99,004.975; d_0 = 995.025
    #   L_0 = 5 (99,004.975 + 0.5 x 995.025) = 497,512.438
    #   M_1 = 0.08; L_1 = l_1 / M_1 = 1,237,562.189 (Silcocks: the open band lived at rate M)
    #   e_0 = (497,512.438 + 1,237,562.189) / 100,000 = 17.350746;  e_5 = 1 / M_1 = 12.5
    # Variance: Var(q_0) = q_0^2 (1 - q_0) / 20 = 4.901115e-6
    #   S_0 = l_0^2 ((1 - 0.5) 5 + e_5)^2 Var(q_0) = 1e10 x 15^2 x 4.901115e-6 = 11,027,508.9
    #   S_1 = l_1^2 / (M_1^2 D_1) = 9.80199e9 / (0.0064 x 400) = 3,828,900,429.4
    #   Var(e_0) = (S_0 + S_1) / l_0^2 = 0.3839928;  Var(e_5) = 1 / (M_1^2 D_1) = 1/2.56 = 0.390625
    #   95%: 17.350746 -/+ 1.959964 x 0.619672 = 16.136212 to 18.565280
    #        12.5 -/+ 1.959964 x 0.625 = 11.275023 to 13.724977
    out = life_expectancy([20, 400], [10_000, 5_000], ages=(0, 5))
    assert out["age"].tolist() == [0, 5]
    assert out["count"].tolist() == [420, 400]
    assert out["denominator"].tolist() == [15_000, 5_000]
    assert out["value"].tolist() == pytest.approx([17.350746, 12.5], abs=1e-6)
    assert out["lower_95"].tolist() == pytest.approx([16.136212, 11.275023], abs=1e-6)
    assert out["upper_95"].tolist() == pytest.approx([18.565280, 13.724977], abs=1e-6)
    assert out["value_note"].isna().all()
    assert (out["method"] == "Chiang II, Silcocks final band").all()


def test_three_band_table_with_infant_fraction_by_hand():
    # Bands <1 (n = 1, a = 0.1), 1-4 (n = 4, a = 0.5), 5+; deaths 10, 4, 500 in 1,000,
    # 4,000, 10,000.
    #   q_0 = 0.01 / (1 + 0.9 x 0.01) = 0.00991080;  l_1 = 99,008.920
    #   q_1 = 4 x 0.001 / (1 + 0.5 x 0.004) = 0.00399202;  l_2 = 98,613.675
    #   L_0 = 1 x (99,008.920 + 0.1 x 991.080) = 99,108.028
    #   L_1 = 4 x (98,613.675 + 0.5 x 395.245) = 395,245.189
    #   L_2 = 98,613.675 / 0.05 = 1,972,273.491
    #   e_0 = (99,108.028 + 395,245.189 + 1,972,273.491) / 100,000 = 24.666267
    #   e_1 = (395,245.189 + 1,972,273.491) / 99,008.920 = 23.912176;  e_5 = 1 / 0.05 = 20
    out = life_expectancy([10, 4, 500], [1_000, 4_000, 10_000], ages=(0, 1, 5))
    assert out["value"].tolist() == pytest.approx([24.666267, 23.912176, 20.0], abs=1e-6)
    e, var = hand_life_table([10, 4, 500], [1_000, 4_000, 10_000], (0, 1, 5))
    assert out["value"].tolist() == pytest.approx(e, rel=1e-12)
    assert out["upper_95"].tolist() == pytest.approx(
        [v + Z95 * math.sqrt(s) for v, s in zip(e, var, strict=True)], rel=1e-12
    )


def test_fingertips_bands_match_the_calculator_columns_at_two_levels():
    out = life_expectancy(DEATHS, POPS, confidence=(0.95, 0.998))
    e, var = hand_life_table(DEATHS, POPS, LIFE_TABLE_AGES)
    assert out["age"].tolist() == list(LIFE_TABLE_AGES)
    assert out["value"].to_numpy() == pytest.approx(e, rel=1e-12)
    spread = np.sqrt(var)
    assert out["lower_99_8"].to_numpy() == pytest.approx(np.array(e) - Z998 * spread, rel=1e-12)
    assert out["value"].iloc[0] == pytest.approx(81.07, abs=0.01)  # LE at birth
    assert out["value"].iloc[-1] == pytest.approx(11_936 / 1_452, rel=1e-12)  # 90+: 1 / M


def test_chiang_variance_is_the_delta_method_variance():
    """Var(e_0) = sum (de_0/dq_i)^2 Var(q_i) + (de_0/dM_w)^2 Var(M_w), by finite differences.

    The derivatives are taken numerically from a life table written as a function of the
    q_i and M_w, so this checks the closed form (l_i [(1 - a_i) n_i + e_{i+1}] / l_0 and
    the Silcocks term) without reusing it.
    """
    ages = LIFE_TABLE_AGES
    n = np.diff(ages).astype(float)
    a = np.where((np.asarray(ages[:-1]) == 0) & (n == 1), 0.1, 0.5)
    m = np.array(DEATHS) / np.array(POPS)
    q = n * m[:-1] / (1 + (1 - a) * n * m[:-1])

    def e0(q_closed, m_last):
        lx = 100_000 * np.concatenate(([1.0], np.cumprod(1 - q_closed)))
        lived = n * (lx[1:] + a * (lx[:-1] - lx[1:]))
        return (lived.sum() + lx[-1] / m_last) / 100_000

    variance = 0.0
    for i in range(len(q)):
        h = q[i] * 1e-6
        up, down = q.copy(), q.copy()
        up[i] += h
        down[i] -= h
        derivative = (e0(up, m[-1]) - e0(down, m[-1])) / (2 * h)
        variance += derivative**2 * q[i] ** 2 * (1 - q[i]) / DEATHS[i]
    h = m[-1] * 1e-6
    derivative = (e0(q, m[-1] + h) - e0(q, m[-1] - h)) / (2 * h)
    variance += derivative**2 * DEATHS[-1] / POPS[-1] ** 2  # Var(M_w) = D_w / P_w^2
    out = life_expectancy(DEATHS, POPS)
    assert out["upper_95"].iloc[0] - out["value"].iloc[0] == pytest.approx(
        Z95 * math.sqrt(variance), rel=1e-6
    )


def test_zero_deaths_in_a_band_adds_no_variance():
    deaths = DEATHS.copy()
    deaths[2] = 0  # ages 5-9
    out = life_expectancy(deaths, POPS)
    e, var = hand_life_table(deaths, POPS, LIFE_TABLE_AGES)
    assert out["value"].to_numpy() == pytest.approx(e, rel=1e-12)
    assert out["upper_95"].to_numpy() == pytest.approx(np.array(e) + Z95 * np.sqrt(var))
    assert out["value_note"].isna().all()


def test_no_deaths_in_the_final_band_gives_no_life_expectancy():
    deaths = DEATHS[:-1] + [0]
    out = life_expectancy(deaths, POPS)
    assert out["value"].isna().all() and out["lower_95"].isna().all()
    assert (out["value_note"] == "LE not calculated: no deaths in the final band 90+").all()


def test_deaths_above_population_and_zero_population_are_named():
    deaths = DEATHS.copy()
    deaths[6] = POPS[6] + 1  # 25-29
    out = life_expectancy(deaths, POPS)
    assert out["value"].isna().all()
    assert (out["value_note"] == "LE not calculated: deaths exceed population in band 25-29").all()
    pops = POPS.copy()
    pops[4], deaths = 0, DEATHS.copy()
    deaths[4] = 0  # 15-19
    out = life_expectancy(deaths, pops)
    assert (out["value_note"] == "LE not calculated: population is 0 in band 15-19").all()


def test_population_below_5000_from_that_age_up():
    # 2-band table of the hand example: the population aged 5+ is 5,000 exactly (not
    # below 5,000: calculated); 4,999 is below, so LE at 5 is withheld, LE at 0 is not
    # (15,000 - 1 people aged 0+).
    assert life_expectancy([20, 400], [10_000, 5_000], ages=(0, 5))["value"].notna().all()
    out = life_expectancy([20, 400], [10_000, 4_999], ages=(0, 5))
    assert out["value"].notna().tolist() == [True, False]
    assert out.loc[1, "value_note"] == ("LE not calculated: population aged x and over below 5,000")
    # a whole area below 5,000: nothing at all
    small = life_expectancy([2, 40], [3_000, 1_500], ages=(0, 5))
    assert small["value"].isna().all()


def test_interval_wider_than_20_years_is_not_reported():
    # One open band: e = 1 / M and Var(e) = 1 / (M^2 D). D = 3, P = 6,000: e = 2,000
    # years, 95% half-width 1.96 x 2,000 / sqrt 3 = 2,263 years: far wider than 20.
    out = life_expectancy(3, 6_000, ages=(0,))
    assert np.isnan(out.loc[0, "value"])
    assert out.loc[0, "value_note"].startswith("LE not calculated: 95% confidence interval")
    # D = 6,400, P = 8,000: e = 1.25, half-width 1.96 x 1.25 / 80 = 0.0306: reported
    assert life_expectancy(6_400, 8_000, ages=(0,))["value"].tolist() == [1.25]


def test_grouped_frame_by_label_in_any_order():
    labels = ["<1", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
    a = pd.DataFrame({"area": "A", "age": labels, "deaths": DEATHS, "pops": POPS})
    b = a.assign(area="B", deaths=[2 * d for d in DEATHS], pops=[2 * p for p in POPS])
    frame = pd.concat([b, a]).sample(frac=1, random_state=7)
    out = life_expectancy("deaths", "pops", age="age", data=frame, by="area", at=[0, 65])
    assert out["area"].tolist() == ["A", "A", "B", "B"]
    assert out["age"].tolist() == [0, 65, 0, 65]
    e, _ = hand_life_table(DEATHS, POPS, LIFE_TABLE_AGES)
    # B has the same rates as A, so the same LE, with narrower limits (twice the deaths)
    assert out["value"].to_numpy() == pytest.approx([e[0], e[14], e[0], e[14]], rel=1e-12)
    assert out.loc[2, "upper_95"] - out.loc[2, "value"] < out.loc[0, "upper_95"] - e[0]
    by_start_age = life_expectancy(DEATHS, POPS, age=list(LIFE_TABLE_AGES), at=65)
    assert by_start_age["value"].tolist() == pytest.approx([e[14]], rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"deaths": [-1] + DEATHS[1:]}, r"deaths is negative: row 0"),
        ({"population": POPS[:-1] + [np.inf]}, r"population is infinite: row 19"),
        ({"deaths": DEATHS[:-1] + [np.nan]}, r"deaths is missing \(NaN\): row 19"),
        ({"deaths": None}, r"life_expectancy: deaths= is needed"),
        ({"deaths": DEATHS[:-1], "population": POPS[:-1]}, r"age band '90\+' is missing"),
        ({"at": 3}, r"at=3"),
        ({"ages": (0, 5, 5)}, r"increasing"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"deaths": DEATHS, "population": POPS, **kwargs}
    with pytest.raises(StatsInputError, match=message):
        life_expectancy(**args)


def test_unknown_band_label_is_named():
    labels = ["0-4"] + ["1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
    with pytest.raises(StatsInputError, match=r"age band '0-4' is not in the life-table bands"):
        life_expectancy(DEATHS, POPS, age=labels)
