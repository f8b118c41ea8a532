"""Means with t limits; type-7 quantiles; quantile-group assignment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, mean, quantiles


def test_mean_by_hand():
    # x = 2 4 4 4 5 5 7 9: mean 5, sum of squares 32, sd = sqrt(32/7) = 2.138090
    # t(0.975; 7) = 2.364624 (t tables), half-width = 2.364624 * 2.138090 / sqrt(8)
    out = mean([2, 4, 4, 4, 5, 5, 7, 9])
    half = 2.364624 * math.sqrt(32 / 7) / math.sqrt(8)  # 1.787494
    assert out.loc[0, "n"] == 8
    assert out.loc[0, "value"] == 5
    assert out.loc[0, "sd"] == pytest.approx(2.138090, abs=1e-6)
    assert out.loc[0, "lower_95"] == pytest.approx(5 - half, abs=1e-5)
    assert out.loc[0, "upper_95"] == pytest.approx(5 + half, abs=1e-5)


def test_mean_grouped_and_single_observation():
    data = pd.DataFrame({"g": ["a", "a", "b"], "v": [1.0, 3.0, 7.0]})
    out = mean("v", data=data, by="g", confidence=(0.95, 0.998))
    assert out["value"].tolist() == [2.0, 7.0]
    # a: sd = sqrt(2), t(0.999; 1) = 318.309 (t tables): half-width 318.309 * sqrt(2)/sqrt(2)
    assert out.loc[0, "upper_99_8"] == pytest.approx(2 + 318.3088, abs=1e-3)
    assert np.isnan(out.loc[1, "sd"]) and np.isnan(out.loc[1, "lower_95"])


def test_mean_nan_is_error():
    with pytest.raises(StatsInputError, match=r"x is missing \(NaN\): row 1"):
        mean([1, np.nan, 3])


def test_mean_of_many_rows_spans_blocks_and_matches_the_closed_form():
    # 1, 2, ..., k: mean (k + 1) / 2 and variance k (k + 1) / 12 (sum of squares
    # identities); sum(x^2) is about 4 times the sum of squared deviations here, so
    # the one-pass identity is used
    k = 300_001
    out = mean(np.arange(1, k + 1))
    assert out.loc[0, "value"] == (k + 1) / 2
    assert out.loc[0, "sd"] == pytest.approx(math.sqrt(k * (k + 1) / 12), rel=1e-12)


def test_mean_far_from_zero_against_its_spread_falls_back_to_two_passes():
    # 1e9 + (2 4 4 4 5 5 7 9) repeated 10,000 times: mean 1e9 + 5, squared deviations
    # 32 per repeat, so sd = sqrt(320,000 / 79,999) exactly. The one-pass identity
    # sum(x^2) - sum(x)^2 / k would cancel 17 of 16 digits; the two-pass result is exact
    # (every deviation is a small integer)
    values = 1e9 + np.tile([2.0, 4, 4, 4, 5, 5, 7, 9], 10_000)
    out = mean(values)
    assert out.loc[0, "value"] == 1e9 + 5
    assert out.loc[0, "sd"] == pytest.approx(math.sqrt(320_000 / 79_999), rel=1e-13)
    assert mean(np.full(1_000, 3.25)).loc[0, "sd"] == 0.0


@pytest.mark.parametrize("centre", [0.0, 1.0, 3.5, 3.9, 50.0])
def test_mean_sd_agrees_with_an_exactly_summed_two_pass_at_and_past_the_one_pass_limit(centre):
    # the one-pass identity is kept while the mean is within about 3.9 sds of zero:
    # at, near and past that limit the sd matches the two-pass formula summed exactly
    # (math.fsum) to 1e-12
    rng = np.random.default_rng(7)
    values = rng.normal(centre, 1.0, 400_000)
    average = math.fsum(values) / len(values)
    exact = math.sqrt(math.fsum((values - average) ** 2) / (len(values) - 1))
    assert mean(values).loc[0, "sd"] == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("by", [None, "g"])
def test_mean_names_the_infinite_or_missing_row_in_a_large_input(by):
    values = np.ones(200_000)
    values[150_123] = np.inf
    data = pd.DataFrame({"g": np.arange(200_000) % 7, "v": values})
    with pytest.raises(StatsInputError, match=r"mean: x is infinite: .*row 150123"):
        mean("v", data=data, by=by)
    data.loc[150_124, "v"] = np.nan
    data.loc[150_123, "v"] = 1.0
    with pytest.raises(StatsInputError, match=r"x is missing \(NaN\): .*row 150124"):
        mean("v", data=data, by=by)


def test_quantiles_type7_by_hand():
    # v = 10 20 30 40: h = (4-1) p; p = 0.25 -> h = 0.75 -> 10 + 0.75 * 10 = 17.5
    out = quantiles([40, 10, 30, 20])
    assert out["probability"].tolist() == [0.25, 0.5, 0.75]
    assert out["value"].tolist() == [17.5, 25.0, 32.5]


def test_quantiles_grouped_match_numpy_linear():
    rng = np.random.default_rng(7)
    data = pd.DataFrame({"g": rng.integers(0, 5, 200), "v": rng.normal(size=200)})
    probs = (0, 0.1, 0.5, 0.9, 1)
    out = quantiles("v", data=data, by="g", probs=probs)
    for g, sub in out.groupby("g"):
        expect = np.quantile(data.loc[data["g"] == g, "v"], probs)  # numpy "linear" = type 7
        assert sub["value"].to_numpy() == pytest.approx(expect, rel=1e-12)


def test_quintiles_equal_groups_and_ties():
    out = quantiles(list(range(10, 0, -1)), assign=5)  # 10 distinct values
    assert out["quantile"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    tied = quantiles([1, 1, 1, 2, 3], assign=5)
    # ranks 1 1 1 4 5 -> floor((r-1)*5/5)+1 = 1 1 1 4 5
    assert tied["quantile"].tolist() == [1, 1, 1, 4, 5]


def test_quintiles_keep_rows_and_group():
    data = pd.DataFrame({"region": ["N", "N", "S", "S"], "area": list("wxyz"), "v": [1, 2, 4, 3]})
    out = quantiles("v", data=data, by="region", assign=2)
    assert out["area"].tolist() == ["w", "x", "y", "z"]
    assert out["quantile"].tolist() == [1, 2, 2, 1]


def test_bad_probs_and_assign():
    with pytest.raises(StatsInputError, match="probs"):
        quantiles([1, 2], probs=(1.5,))
    with pytest.raises(StatsInputError, match="assign"):
        quantiles([1, 2], assign=1)


def test_mean_t_interval_n5_by_hand():
    # x = 1, 2, 3, 4, 10: mean 20 / 5 = 4; deviations -3 -2 -1 0 6, squares sum to 50;
    # sd = sqrt(50 / 4) = 3.535534; standard error = sd / sqrt 5 = sqrt(2.5) = 1.581139;
    # t(0.975; 4 df) = 2.776445 (t tables); half-width = 2.776445 * 1.581139 = 4.389945
    out = mean([1, 2, 3, 4, 10])
    assert out.loc[0, "n"] == 5 and out.loc[0, "value"] == 4
    assert out.loc[0, "sd"] == pytest.approx(3.535534, abs=1e-6)
    assert out.loc[0, "lower_95"] == pytest.approx(4 - 4.389945, abs=1e-6)
    assert out.loc[0, "upper_95"] == pytest.approx(4 + 4.389945, abs=1e-6)


def test_quintile_groups_number_from_the_lowest_value():
    # DANA's convention: quintile 1 = lowest values (Fingertips "Lowest"); 10 values ->
    # two per quintile. PHEindicatormethods' default numbers from the highest: negate x.
    values = [7.0, 1.0, 9.0, 3.0, 5.0, 2.0, 10.0, 4.0, 8.0, 6.0]
    assert quantiles(values, assign=5)["quantile"].tolist() == [4, 1, 5, 2, 3, 1, 5, 2, 4, 3]
    flipped = quantiles([-v for v in values], assign=5)["quantile"].tolist()
    assert flipped == [2, 5, 1, 4, 3, 5, 1, 4, 2, 3]


def test_rank_is_competition_ranking_within_groups_with_missing_values_unranked():
    import numpy as np

    from dana.stats import rank

    # Six areas with rates 30, 10, 20, 20, 50, 40 (and one missing): by hand, sorted
    # 10 < 20 = 20 < 30 < 40 < 50, so ranks are 4, 1, 2, 2, 6, 5 (the tie shares 2 and
    # rank 3 is skipped); the missing value gets no rank and is not counted.
    out = rank([30, 10, 20, 20, 50, np.nan, 40])
    assert out["rank"].tolist()[:5] == [4, 1, 2, 2, 6]
    assert out["rank"].isna().tolist() == [False] * 5 + [True, False]
    assert out["rank"].iloc[6] == 5
    assert (out["rank_of"] == 6).all()

    frame = pd.DataFrame({"indicator": ["a", "a", "a", "b", "b"], "v": [3, 1, 3, 5, np.nan]})
    grouped = rank("v", data=frame, by="indicator")
    assert grouped["indicator"].tolist() == ["a", "a", "a", "b", "b"]
    assert grouped["rank"].tolist()[:4] == [2, 1, 2, 1]
    assert grouped["rank_of"].tolist() == [3, 3, 3, 1, 1]
