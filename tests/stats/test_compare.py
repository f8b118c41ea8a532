"""Benchmark comparison: the FingertipsNext rule, polarity, quintiles, missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, compare


def test_ci_rule_against_the_benchmark_point_value():
    # benchmark 20: CI (8, 12) entirely below -> lower; (25, 35) above -> higher;
    # (15, 25) straddles -> similar; (20, 30) touches -> similar (strict inequalities)
    out = compare([10, 30, 20, 25], [8, 25, 15, 20], [12, 35, 25, 30], 20)
    assert out["comparison"].tolist() == ["lower", "higher", "similar", "similar"]
    assert out["benchmark"].tolist() == [20] * 4
    assert out["confidence"].tolist() == [0.95] * 4
    assert (out["method"] == "confidence_interval").all()


@pytest.mark.parametrize(
    ("polarity", "expected"),
    [
        ("low_is_good", ["better", "worse", "similar"]),
        ("high_is_good", ["worse", "better", "similar"]),
        ("no_judgement", ["lower", "higher", "similar"]),
    ],
)
def test_polarity_maps_direction_to_judgement(polarity, expected):
    out = compare([10, 30, 20], [8, 25, 15], [12, 35, 25], 20, polarity=polarity)
    assert out["comparison"].tolist() == expected


def test_benchmark_ci_is_not_used_only_its_point_value():
    # England 20.0 (19.5, 20.5); area 18 (16, 19.8): its CI overlaps England's CI but
    # lies wholly below England's value -> lower (Fingertips compares with the point).
    out = compare(18, 16, 19.8, 20.0)
    assert out["comparison"].tolist() == ["lower"]


def test_missing_value_limits_or_benchmark_are_not_compared():
    out = compare(
        [np.nan, 10, 10, 10], [1, np.nan, 8, 8], [2, 12, np.nan, 12], [20, 20, 20, np.nan]
    )
    assert out["comparison"].tolist() == ["not_compared"] * 4


def test_tidy_table_defaults_and_polarity_column():
    df = pd.DataFrame(
        {
            "area_code": ["E1", "E2", "E3"],
            "value": [5.0, 9.0, 7.0],
            "lower_99_8": [4.0, 8.0, 5.0],
            "upper_99_8": [6.0, 10.0, 9.0],
            "polarity": ["high_is_good", "low_is_good", "no_judgement"],
            "england": [7.0, 7.0, 7.0],
        }
    )
    out = compare(benchmark="england", data=df, confidence=0.998, polarity="polarity")
    assert out["comparison"].tolist() == ["worse", "worse", "similar"]
    assert out["area_code"].tolist() == ["E1", "E2", "E3"]
    assert out["confidence"].tolist() == [0.998] * 3


def test_quintiles_by_rank_with_polarity_and_groups():
    # 10 values per group: positions 0..9 -> floor(5 i / 10) + 1 = 1,1,2,2,3,3,4,4,5,5
    df = pd.DataFrame({"g": ["a"] * 10 + ["b"] * 10, "value": list(range(10, 0, -1)) * 2})
    out = compare(data=df, by="g", method="quintiles")
    # values 10..1: value 10 is position 9 -> highest; value 1 is position 0 -> lowest
    expected = ["highest"] * 2 + ["high"] * 2 + ["middle"] * 2 + ["low"] * 2 + ["lowest"] * 2
    assert out["comparison"].tolist() == expected * 2
    good = compare(data=df, by="g", method="quintiles", polarity="low_is_good")
    assert good["comparison"].tolist()[:10] == (
        ["worst"] * 2 + ["worse"] * 2 + ["middle"] * 2 + ["better"] * 2 + ["best"] * 2
    )
    assert good["confidence"].isna().all()


def test_quintiles_ties_share_a_quintile_and_small_groups_are_not_compared():
    # values [1, 2, 2, 2, 3]: 2s are at positions 1-3, all take position 1 -> floor(5/5)+1 = 2
    out = compare([1, 2, 2, 2, 3, np.nan], method="quintiles")
    assert out["comparison"].tolist() == ["lowest", "low", "low", "low", "highest", "not_compared"]
    few = compare([1, 2, 3, 4], method="quintiles")
    assert (few["comparison"] == "not_compared").all()


def test_bad_input():
    with pytest.raises(StatsInputError, match="lower limit is greater than upper limit: row 1"):
        compare([1, 2], [0, 3], [2, 1], 1)
    with pytest.raises(StatsInputError, match="polarity='bad'"):
        compare(1, 0, 2, 1, polarity="bad")
    with pytest.raises(StatsInputError, match="method must be one of"):
        compare(1, 0, 2, 1, method="rag")
    with pytest.raises(StatsInputError, match="benchmark="):
        compare(1, 0, 2)
    df = pd.DataFrame({"value": [1.0], "lower_95": [0.0], "upper_95": [2.0], "pol": ["good"]})
    with pytest.raises(StatsInputError, match="polarity 'good' at row 0"):
        compare(data=df, benchmark=1, polarity="pol")


def test_quintiles_by_hand_with_ties_across_two_groups():
    # group a, 10 values 3 1 4 1 5 9 2 6 5 3: ranks (ties share the lowest) 4 1 6 1 7 10
    # 3 9 7 4; quintile = floor(5 (r - 1) / 10) + 1 = 2 1 3 1 4 5 2 5 4 2
    # group b, 5 values 8 8 2 7 1: ranks 4 4 2 3 1; quintile = floor((r - 1)) + 1 = 4 4 2 3 1
    df = pd.DataFrame(
        {"g": ["a"] * 10 + ["b"] * 5, "value": [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 8, 8, 2, 7, 1]}
    )
    names = ["lowest", "low", "middle", "high", "highest"]
    expected = [names[q - 1] for q in [2, 1, 3, 1, 4, 5, 2, 5, 4, 2, 4, 4, 2, 3, 1]]
    assert compare(data=df, by="g", method="quintiles")["comparison"].tolist() == expected
    via_groupby = compare(data=df.groupby("g"), method="quintiles")["comparison"].tolist()
    assert via_groupby == expected
    from dana.stats import quantiles  # the same numbering, stated once for both

    assert quantiles("value", data=df, by="g", assign=5)["quantile"].tolist() == [
        2, 1, 3, 1, 4, 5, 2, 5, 4, 2, 4, 4, 2, 3, 1
    ]  # fmt: skip


def test_an_interval_touching_the_benchmark_is_similar():
    # Fingertips: significantly different only when the interval excludes the benchmark
    # point. Upper limit exactly equal to the benchmark (8 to 20 vs 20), lower limit
    # exactly equal (20 to 30 vs 20), and a hair either side of each.
    out = compare(
        [15, 25, 15, 25],
        [8, 20, 8, 20.000001],
        [20, 30, 19.999999, 30],
        20,
        polarity="low_is_good",
    )
    assert out["comparison"].tolist() == ["similar", "similar", "better", "worse"]


def test_missing_values_are_kept_but_text_is_still_an_error():
    out = compare([10.0, None], [8.0, None], [12.0, None], 20)
    assert out["comparison"].tolist() == ["lower", "not_compared"]
    with pytest.raises(StatsInputError, match="value 'n/a' at row 1 is not a number"):
        compare([10, "n/a"], [8, 1], [12, 2], 20)
