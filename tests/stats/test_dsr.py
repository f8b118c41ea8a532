"""Directly standardised rates (Dobson): a 19-band example computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dana.stats import StatsInputError, dsr
from dana.stats.standards import ESP2013, esp2013

Z95 = 1.959963984540054
LABELS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
          "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89",
          "90+"]  # fmt: skip
# ESP2013, 19 bands (Fingertips), typed here from DEFINITIONS.md section 5
WEIGHTS = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000,
           5500, 5000, 4000, 2500, 1500, 1000]  # fmt: skip
EVENTS = [0, 0, 1, 4, 9, 12, 14, 15, 13, 11, 9, 8, 6, 5, 4, 3, 2, 1, 1]
POP = [5200, 5600, 5900, 6100, 6800, 7400, 7600, 7000, 6500, 6900, 7300, 6800, 6000,
       5400, 4800, 3600, 2500, 1500, 800]  # fmt: skip


def hand_dsr(events, pop, weights, z=Z95, multiplier=100_000):
    """Dobson et al. (1991) written out with plain arithmetic."""
    total_w = sum(weights)
    rate = sum(w * o / n for w, o, n in zip(weights, events, pop, strict=True)) / total_w
    var = sum(w * w * o / (n * n) for w, o, n in zip(weights, events, pop, strict=True))
    var /= total_w**2
    o = sum(events)
    o_lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    o_upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    lower = rate + math.sqrt(var / o) * (o_lower - o)
    upper = rate + math.sqrt(var / o) * (o_upper - o)
    return rate * multiplier, lower * multiplier, upper * multiplier


def test_standard_is_esp2013_19_bands():
    assert [b.label for b in ESP2013] == LABELS
    assert [b.weight for b in ESP2013] == WEIGHTS
    assert sum(WEIGHTS) == 100_000
    assert esp2013(15, 24).to_dict() == {"15-19": 5500.0, "20-24": 6000.0}


def test_19_band_example_by_hand():
    value, lower, upper = hand_dsr(EVENTS, POP, WEIGHTS)
    out = dsr(EVENTS, POP)  # rows in ESP2013 order, no age labels, no groups
    assert len(out) == 1
    assert out.loc[0, "count"] == sum(EVENTS) == 118
    assert out.loc[0, "denominator"] == sum(POP)
    assert out.loc[0, "value"] == pytest.approx(value, rel=1e-12)
    assert out.loc[0, "lower_95"] == pytest.approx(lower, rel=1e-12)
    assert out.loc[0, "upper_95"] == pytest.approx(upper, rel=1e-12)
    assert pd.isna(out.loc[0, "value_note"])


def test_grouped_by_label_in_any_row_order():
    a = pd.DataFrame({"area": "A", "age": LABELS, "deaths": EVENTS, "pop": POP})
    b = a.assign(area="B", deaths=[2 * e for e in EVENTS])
    data = pd.concat([b, a]).sample(frac=1, random_state=3)  # shuffled rows
    out = dsr("deaths", "pop", age="age", data=data, by="area", confidence=(0.95, 0.998))
    assert out["area"].tolist() == ["A", "B"]
    assert out.loc[0, "value"] == pytest.approx(hand_dsr(EVENTS, POP, WEIGHTS)[0], rel=1e-12)
    b_value, b_lower, _ = hand_dsr([2 * e for e in EVENTS], POP, WEIGHTS, z=3.090232306167813)
    assert out.loc[1, "value"] == pytest.approx(b_value, rel=1e-12)
    assert out.loc[1, "lower_99_8"] == pytest.approx(b_lower, rel=1e-12)


def test_constant_rate_gives_that_rate():
    # every band at 1 per 1,000 -> DSR 100 per 100,000 whatever the weights
    out = dsr([p // 1000 for p in [20_000] * 19], [20_000] * 19)
    assert out.loc[0, "value"] == pytest.approx(100.0, rel=1e-12)


def test_small_count_note_not_error():
    events = [0] * 18 + [9]
    out = dsr(events, POP)
    assert out.loc[0, "count"] == 9
    assert pd.isna(out.loc[0, "value"]) and pd.isna(out.loc[0, "lower_95"])
    assert out.loc[0, "value_note"] == "DSR not calculated: total count < 10"


def test_age_restricted_standard():
    out = dsr([12, 20], [6100, 6800], age=["15-19", "20-24"], standard=esp2013(15, 24))
    expected = (5500 * 12 / 6100 + 6000 * 20 / 6800) / 11_500 * 100_000
    assert out.loc[0, "value"] == pytest.approx(expected, rel=1e-12)


def test_custom_standard_sequence():
    out = dsr([10, 30], [1000, 1000], standard=[1, 3], multiplier=1)
    assert out.loc[0, "value"] == pytest.approx((10 / 1000 + 3 * 30 / 1000) / 4, rel=1e-12)


def test_zero_population_without_events_contributes_nothing():
    pop = POP[:-1] + [0]
    events = EVENTS[:-1] + [0]
    assert dsr(events, pop).loc[0, "value"] == pytest.approx(
        hand_dsr(events, POP[:-1] + [1], WEIGHTS)[0], rel=1e-12
    )


def test_missing_band_names_group_and_band():
    data = pd.DataFrame({"area": "A", "age": LABELS, "deaths": EVENTS, "pop": POP})
    data = pd.concat([data, data.assign(area="B")]).reset_index(drop=True)
    data = data.drop(index=19 + 7)  # B's 35-39
    with pytest.raises(StatsInputError, match=r"age band '35-39' is missing for group area='B'"):
        dsr("deaths", "pop", age="age", data=data, by="area")
    with pytest.raises(StatsInputError, match=r"'90\+' is missing for group area='B'"):
        dsr("deaths", "pop", data=data, by="area")


def test_repeated_and_unknown_band():
    with pytest.raises(StatsInputError, match="'0-4' appears more than once"):
        dsr(EVENTS + [1], POP + [100], age=LABELS + ["0-4"])
    with pytest.raises(StatsInputError, match="'95\\+' is not in the standard"):
        dsr(EVENTS, POP, age=LABELS[:-1] + ["95+"])


def test_zero_population_with_events_is_an_error():
    with pytest.raises(StatsInputError, match=r"population n is 0 but the count is not: row 18"):
        dsr(EVENTS, POP[:-1] + [0])


def test_negative_count():
    with pytest.raises(StatsInputError, match="count x is negative: row 0"):
        dsr([-1] + EVENTS[1:], POP)


def test_groupby_object_as_data():
    data = pd.DataFrame({"area": "A", "age": LABELS, "deaths": EVENTS, "pop": POP})
    out = dsr("deaths", "pop", age="age", data=data.groupby("area"))
    assert out["area"].tolist() == ["A"]
    assert out.loc[0, "value"] == pytest.approx(hand_dsr(EVENTS, POP, WEIGHTS)[0], rel=1e-12)


def test_known_answer_at_99_8_percent_written_out():
    # Ages 15-24, ESP2013 weights 5500 and 6000 (sum 11,500); events 12 and 20 in
    # populations 6,100 and 6,800.
    #   sum w O / n   = 5500 * 12 / 6100 + 6000 * 20 / 6800 = 10.819672 + 17.647059 = 28.466731
    #   DSR           = 28.466731 / 11,500 * 100,000 = 247.5368 per 100,000
    #   sum w^2 O/n^2 = 9.755442 + 15.570934 = 25.326376;  var = 25.326376 / 11,500^2
    #                 = 1.915038e-7;  sqrt(var / O) with O = 32: 7.735951e-5
    #   Byar 99.8% (z = 3.090232): O_lower = 32 (1 - 1/288 - z/(3 sqrt 32))^3
    #                 = 32 * 0.814434^3 = 17.286928
    #                 O_upper = 33 (1 - 1/297 + z/(3 sqrt 33))^3 = 33 * 1.175946^3 = 53.663203
    #   lower = (0.00247537 + 7.735951e-5 * (17.286928 - 32)) * 1e5 = 133.7172
    #   upper = (0.00247537 + 7.735951e-5 * (53.663203 - 32)) * 1e5 = 415.1223
    out = dsr(
        [12, 20], [6100, 6800], age=["15-19", "20-24"], standard=esp2013(15, 24), confidence=0.998
    )
    assert out.loc[0, "count"] == 32
    assert out.loc[0, "value"] == pytest.approx(247.5368, abs=1e-4)
    assert out.loc[0, "lower_99_8"] == pytest.approx(133.7172, abs=1e-4)
    assert out.loc[0, "upper_99_8"] == pytest.approx(415.1223, abs=1e-4)


def test_esp2013_is_exported_from_dana_stats():
    import dana.stats

    assert dana.stats.ESP2013 is ESP2013
    assert dana.stats.esp2013().sum() == 100_000
