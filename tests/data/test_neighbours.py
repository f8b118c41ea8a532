"""Open statistical-neighbour method: hand-computed distances on a tiny example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dana.neighbours import (
    FEATURE_WEIGHTS,
    NeighbourError,
    describe_comparators,
    features_from_tables,
    load_neighbour_features,
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


# --- the packaged real feature table --------------------------------------------------


@pytest.fixture(scope="module")
def packaged():
    return load_neighbour_features()


def test_packaged_features_cover_every_current_utla(packaged):
    from dana.areas import load_areas

    utlas = sorted(a.code for a in load_areas().utlas())
    assert packaged["area_code"].tolist() == utlas  # 153, in code order, none dropped
    assert set(packaged.columns[2:]) == set(FEATURE_WEIGHTS)
    assert not packaged.isna().any().any()
    by_code = packaged.set_index("area_code")
    # values checked by hand against the published files:
    # IoD2019 File 11 sheet IMD, E06000031 Peterborough, "IMD - Average score" 27.821
    assert by_code.at["E06000031", "imd_score"] == 27.821
    # Census 2021 line 1078: Peterborough White British 128,353 of 215,670 (sum of 19 counts)
    assert by_code.at["E06000031", "pct_not_white_british"] == pytest.approx(
        100 * (215670 - 128353) / 215670, abs=1e-4
    )
    # RUC2021: every London borough is "Urban: nearer"; Isles of Scilly majority rural
    assert by_code.loc[by_code["london_borough"] == 1, "rurality"].eq(0).all()
    assert by_code.at["E06000053", "rurality"] == 3
    assert int(by_code["london_borough"].sum()) == 33


def _london_count(codes) -> int:
    return sum(code.startswith("E09") for code in codes)


@pytest.mark.parametrize("area", ["E06000031", "E08000026"])  # Peterborough, Coventry
def test_peterborough_and_coventry_have_at_most_one_london_neighbour(area):
    ranked = nearest_neighbours(area)  # packaged features, documented weights
    assert len(ranked) == 15
    assert _london_count(ranked["area_code"]) <= 1


def test_london_boroughs_still_find_london_neighbours():
    # Camden's nearest are other inner London boroughs (the London term is soft, not a wall)
    assert _london_count(nearest_neighbours("E09000007")["area_code"]) >= 12


def test_describe_comparators_names_those_without_data():
    text = describe_comparators(["E06000031", "E06000017"], supplied=True, have_data=["E06000031"])
    assert text == "2 comparator areas supplied by the user; 1 has no value: Rutland (E06000017)"
    assert describe_comparators(["E06000031"], supplied=False).startswith(
        "1 nearest statistical neighbour (DANA open method"
    )


def test_list_errors_name_the_config_key():
    with pytest.raises(
        NeighbourError, match=r"^my.yaml: comparators.neighbours item 2: unknown area 'Lutonn'"
    ):
        neighbours_from_list(["Peterborough", "Lutonn"], where="my.yaml: comparators.neighbours")


def test_quartile_position_among_comparators_uses_dana_stats():
    from dana.stats import quantiles

    # 8 values: ranks 1-2 -> quartile 1, 3-4 -> 2, 5-6 -> 3, 7-8 -> 4 (floor((r-1)*4/8)+1)
    groups = quantiles([5.0, 1.0, 7.0, 3.0, 2.0, 8.0, 4.0, 6.0], assign=4)["quantile"].tolist()
    assert groups == [3, 1, 4, 2, 1, 4, 2, 3]


@pytest.mark.shared
def test_packaged_features_rederive_identically(shared_data):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_neighbour_features.py"
    spec = importlib.util.spec_from_file_location("build_neighbour_features", script)
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    text = builder.render(builder.derive(shared_data))
    assert text == builder.OUTPUT.read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in text
