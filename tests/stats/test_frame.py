"""Input dispatch shared by the stats methods: shapes, grouping, and error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana.stats import StatsInputError, proportion, rate
from dana.stats._bands import band_positions, normalise_band_label
from dana.stats._common import confidence_levels
from dana.stats._frame import check, group_sums, resolve
from dana.stats._output import output


@pytest.fixture
def areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["B", "A", "B", "A", "C"],
            "year": [2020, 2020, 2020, 2021, 2020],
            "x": [1, 2, 3, 4, 5],
            "n": [10, 20, 30, 40, 50],
        }
    )


def test_scalars_give_one_row():
    res = resolve(None, None, x=3, n=10)
    assert len(res) == 1
    assert res["x"].tolist() == [3.0] and res["n"].tolist() == [10.0]


def test_scalar_broadcasts_against_array():
    res = resolve(None, None, x=[1, 2, 3], n=10)
    assert res["n"].tolist() == [10.0, 10.0, 10.0]


def test_group_sums_follow_sorted_keys(areas):
    res = resolve(areas, ["area", "year"], x="x", n="n")
    sums = group_sums(res, "x", "n")
    keys = res.groups.keys
    assert list(keys.itertuples(index=False, name=None)) == [
        ("A", 2020),
        ("A", 2021),
        ("B", 2020),
        ("C", 2020),
    ]
    # B/2020 holds rows 0 and 2: 1 + 3 events, 10 + 30 people
    assert sums["x"].tolist() == [2.0, 4.0, 4.0, 5.0]
    assert sums["n"].tolist() == [20.0, 40.0, 40.0, 50.0]


def test_groupby_object_equals_by_argument(areas):
    via_by = proportion("x", "n", data=areas, by="area")
    via_groupby = proportion("x", "n", data=areas.groupby("area"))
    pd.testing.assert_frame_equal(via_by, via_groupby)


def test_ungrouped_data_columns_are_carried_through(areas):
    out = rate("x", "n", data=areas)
    assert list(out.columns[:4]) == ["area", "year", "x", "n"]
    assert len(out) == len(areas)


def test_output_names_limit_columns():
    res = resolve(None, None, x=[1, 2])
    out = output(res, {"value": [1, 2]}, [(0.95, [0, 1], [2, 3]), (0.998, [0, 0], [4, 5])])
    assert list(out.columns) == ["value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]


def test_error_names_group_and_row(areas):
    res = resolve(areas, ["area", "year"], x="x", n="n")
    with pytest.raises(StatsInputError, match=r"group area='B', year=2020 \(row 2\)"):
        check(res, res["x"] == 3, "bad count")


def test_error_names_row_with_index_label(areas):
    data = areas.set_index("area")
    with pytest.raises(StatsInputError, match=r"row 1 \(index 'A'\)"):
        rate("x", "n", data=data.assign(x=[1, -2, 3, 4, 5]))


def test_error_lists_at_most_three_then_counts():
    with pytest.raises(StatsInputError, match=r"row 0, row 1, row 2 \(and 2 more\)"):
        rate([-1] * 5, 10)


def test_missing_group_key_is_an_error_not_dropped(areas):
    areas.loc[3, "area"] = None
    with pytest.raises(StatsInputError, match=r"by column 'area' is missing at row 3"):
        rate("x", "n", data=areas, by="area")


def test_nan_input_is_an_error(areas):
    areas["x"] = areas["x"].astype(float)
    areas.loc[4, "x"] = np.nan
    with pytest.raises(StatsInputError, match=r"x is missing \(NaN\): group area='C'"):
        rate("x", "n", data=areas, by="area")


def test_non_numeric_input_names_row():
    with pytest.raises(StatsInputError, match=r"value 'ten' at row 1 is not a number"):
        rate([1, 2], [10, "ten"])


def test_unknown_column_and_missing_data():
    with pytest.raises(StatsInputError, match="no such column"):
        rate("deaths", "n", data=pd.DataFrame({"n": [1]}))
    with pytest.raises(StatsInputError, match="no data= DataFrame"):
        rate("deaths", 10)


def test_length_mismatch():
    with pytest.raises(StatsInputError, match="different lengths"):
        rate([1, 2, 3], [10, 20])


def test_empty_input():
    with pytest.raises(StatsInputError, match="empty"):
        rate([], [])


@pytest.mark.parametrize(
    ("label", "canonical"),
    [
        ("0-4", "0-4"),
        ("Aged 00 - 04", "0-4"),
        ("90+", "90+"),
        ("90 and over", "90+"),
        ("85\u201389 years", "85-89"),
    ],
)
def test_normalise_band_label(label, canonical):
    assert normalise_band_label(label) == canonical


def test_band_positions_by_order_and_label():
    data = pd.DataFrame({"g": ["a", "a", "b", "b"], "age": ["old", "young", "young", "old"]})
    res = resolve(data, "g", x=[1, 2, 3, 4])
    assert band_positions(res, None, ["young", "old"], "t").tolist() == [0, 1, 0, 1]
    assert band_positions(res, data["age"], ["young", "old"], "t").tolist() == [1, 0, 0, 1]


def test_allow_missing_keeps_nan_but_rejects_text():
    data = pd.DataFrame({"v": [1.0, None, 3.0], "w": ["1", None, "x"]})
    res = resolve(data, None, allow_missing=True, v="v", w=[1, None, np.nan])
    assert np.isnan(res["v"][1]) and res["v"][[0, 2]].tolist() == [1.0, 3.0]
    assert np.isnan(res["w"][1:]).all()
    with pytest.raises(StatsInputError, match="value 'x' at row 2 is not a number"):
        resolve(data, None, allow_missing=True, w="w")
    with pytest.raises(StatsInputError, match=r"v is missing \(NaN\): row 1"):
        resolve(data, None, v="v")


def test_repeated_confidence_level_gives_one_pair_of_columns():
    assert confidence_levels((0.998, 0.95, 0.998, 0.95)) == [0.998, 0.95]
    out = proportion(65, 100, confidence=(0.95, 0.95))
    assert list(out.columns) == ["count", "denominator", "value", "lower_95", "upper_95", "method"]
    with pytest.raises(StatsInputError, match="would both be written to the columns lower_95"):
        confidence_levels((0.95, 0.95 + 1e-12))
