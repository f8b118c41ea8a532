"""Open statistical-neighbour method: hand-computed distances on a tiny example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dana.neighbours import (
    NeighbourError,
    features_from_tables,
    nearest_neighbours,
    neighbours_from_list,
    standardise,
)

# Four areas, two features.
#   x = [0, 2, 4, 2]: mean 2, population SD sqrt((4+0+4+0)/4) = sqrt(2) -> z = [-sqrt2, 0, sqrt2, 0]
#   y = [10, 10, 30, 30]: mean 20, SD 10                             -> z = [-1, -1, 1, 1]
FEATURES = pd.DataFrame(
    {
        "area_code": ["E06000001", "E06000002", "E06000003", "E06000004"],
        "x": [0, 2, 4, 2],
        "y": [10, 10, 30, 30],
    }
)
R2 = math.sqrt(2)


def test_standardise_by_hand():
    z = standardise(FEATURES)
    assert z["x"].tolist() == pytest.approx([-R2, 0, R2, 0])
    assert z["y"].tolist() == pytest.approx([-1, -1, 1, 1])


def test_distances_by_hand():
    result = nearest_neighbours("E06000001", FEATURES, k=3)
    # d(A,B) = sqrt(2 + 0) = 1.41421; d(A,D) = sqrt(2 + 4) = 2.44949; d(A,C) = sqrt(8 + 4) = 3.46410
    assert result["area_code"].tolist() == ["E06000002", "E06000004", "E06000003"]
    assert result["distance"].tolist() == pytest.approx([R2, math.sqrt(6), math.sqrt(12)])
    assert result["rank"].tolist() == [1, 2, 3]


def test_weights_and_tie_break_by_code():
    only_x = nearest_neighbours("E06000001", FEATURES, k=3, weights={"x": 1})
    # B and D are both sqrt(2) away on x alone: the lower code comes first.
    assert only_x["area_code"].tolist() == ["E06000002", "E06000004", "E06000003"]
    assert only_x["distance"].tolist() == pytest.approx([R2, R2, 2 * R2])
    y_weighted = nearest_neighbours("E06000001", FEATURES, k=2, weights={"x": 0, "y": 4})
    # d = sqrt(4 * (dz_y)^2): B 0, C and D sqrt(4 * 4) = 4 (tie -> C first); k=2 keeps two.
    assert y_weighted["area_code"].tolist() == ["E06000002", "E06000003"]
    assert y_weighted["distance"].tolist() == pytest.approx([0.0, 4.0])


def test_constant_feature_is_ignored():
    with_constant = FEATURES.assign(c=5.0)
    pd.testing.assert_frame_equal(
        nearest_neighbours("E06000001", with_constant), nearest_neighbours("E06000001", FEATURES)
    )


def test_errors_name_the_problem():
    with pytest.raises(NeighbourError, match=r"missing value for E06000003, column 'y'"):
        nearest_neighbours("E06000001", FEATURES.assign(y=[10, 10, None, 30]))
    with pytest.raises(NeighbourError, match="not in the features table"):
        nearest_neighbours("E06000009", FEATURES)
    with pytest.raises(NeighbourError, match="unknown feature"):
        nearest_neighbours("E06000001", FEATURES, weights={"z": 1})
    with pytest.raises(NeighbourError, match="more than once"):
        nearest_neighbours("E06000001", pd.concat([FEATURES, FEATURES.head(1)]))


def test_user_list_is_validated_against_hierarchy():
    assert neighbours_from_list(["Peterborough", "E06000032"], area_code="E06000055") == [
        "E06000031",
        "E06000032",
    ]
    with pytest.raises(NeighbourError, match="item 2: unknown area 'Lutonn'"):
        neighbours_from_list(["Peterborough", "Lutonn"])
    with pytest.raises(NeighbourError, match="listed twice"):
        neighbours_from_list(["E06000031", "peterborough"])
    with pytest.raises(NeighbourError, match="assessed area itself"):
        neighbours_from_list(["E06000031"], area_code="E06000031")


def test_features_from_tables_by_hand():
    population = pd.DataFrame(
        {
            "area_code": ["A"] * 4 + ["B"] * 4,
            "age": [10, 20, 40, 70] * 2,
            "population": [100, 50, 250, 100, 200, 100, 100, 100],
        }
    )
    imd = pd.DataFrame({"area_code": ["A", "B"], "imd_score": [21.5, 30.0]})
    hectares = pd.DataFrame({"area_code": ["A", "B"], "hectares": [250.0, 50.0]})
    out = features_from_tables(population, imd, area_hectares=hectares).set_index("area_code")
    # A: total 500, 65+ = 100 -> 20%, 18-24 = 50 -> 10%, density 500/250 = 2
    # B: total 500, 65+ = 100 -> 20%, 18-24 = 100 -> 20%, density 500/50 = 10
    assert out.loc["A"].to_dict() == pytest.approx(
        {"pct_65_plus": 20, "pct_18_24": 10, "imd_score": 21.5, "density": 2}
    )
    assert out.loc["B", "pct_18_24"] == pytest.approx(20)
    assert out.loc["B", "density"] == pytest.approx(10)
    with pytest.raises(NeighbourError, match=r"imd_score: no value for area\(s\) \['B'\]"):
        features_from_tables(population, imd.head(1))
