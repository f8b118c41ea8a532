"""Every method: infinity in any input is an error naming the row (and group), and a
required argument left out (None) is a clear message, never a KeyError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana import stats
from dana.stats import StatsInputError

INF = np.inf
BANDS = 19  # ESP2013 bands, rows in order


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.proportion(5, INF), r"proportion: n is infinite: row 0"),
        (lambda: stats.rate([1, INF], [10, 10]), r"rate: x is infinite: row 1"),
        (
            lambda: stats.dsr([1] * BANDS, [100] * (BANDS - 1) + [INF]),
            r"dsr: n is infinite: row 18",
        ),
        (lambda: stats.smr([3, 4], [100, INF], ref_rate=0.01), r"smr: n is infinite: row 1"),
        (lambda: stats.isr(3, 100, ref_x=INF, ref_n=1000), r"isr: ref_x is infinite: row 0"),
        (lambda: stats.mean([1.0, INF, 3.0]), r"mean: x is infinite: row 1"),
        (lambda: stats.quantiles([1.0, -INF]), r"quantiles: x is infinite: row 1"),
        (lambda: stats.rank([1.0, INF]), r"rank: x is infinite: row 1"),
        (lambda: stats.compare(1.0, 0.0, INF, 1.0), r"compare: upper is infinite: row 0"),
        (
            lambda: stats.funnel_limits("proportion", [1, 2], [10, INF]),
            r"funnel_limits: n is infinite: row 1",
        ),
        (
            lambda: stats.trend(x=[1, 2, 3, 4, INF], n=[10] * 5, period=[1, 2, 3, 4, 5]),
            r"trend: x is infinite: row 4",
        ),
        (
            lambda: stats.suppress(pd.DataFrame({"count": [1.0, INF]})),
            r"count inf at row 1 is infinite",
        ),
        (
            lambda: stats.life_expectancy(INF, 100, ages=(0,)),
            r"life_expectancy: deaths is infinite: row 0",
        ),
        (
            lambda: stats.sii([1.0] * 5, [1, 1, 1, 1, INF], [1, 2, 3, 4, 5], se=[1] * 5),
            r"sii: population is infinite: row 4",
        ),
        (lambda: stats.penetration([1, INF], [1, 1]), r"penetration: treated is infinite: row 1"),
    ],
)
def test_infinity_is_an_error_naming_the_row(call, message):
    with pytest.raises(StatsInputError, match=message):
        call()


def test_infinity_names_the_group():
    frame = pd.DataFrame({"area": ["A", "B"], "x": [1.0, 2.0], "n": [10.0, INF]})
    with pytest.raises(StatsInputError, match=r"rate: n is infinite: group area='B' \(row 1\)"):
        stats.rate("x", "n", data=frame, by="area")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.proportion(None, 10), r"proportion: x= is needed"),
        (lambda: stats.rate(3, None), r"rate: n= is needed"),
        (lambda: stats.dsr(None, [1] * BANDS), r"dsr: x= is needed"),
        (lambda: stats.smr(None, 10, ref_rate=0.1), r"smr: x= is needed"),
        (lambda: stats.mean(None), r"mean: x= is needed"),
        (lambda: stats.quantiles(None), r"quantiles: x= is needed"),
        (lambda: stats.life_expectancy([1], None, ages=(0,)), r"population= is needed"),
        (lambda: stats.penetration(None, [1]), r"penetration: treated= is needed"),
    ],
)
def test_missing_argument_is_named(call, message):
    with pytest.raises(StatsInputError, match=message):
        call()
