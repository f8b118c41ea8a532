"""Future demand and capacity: Medway's +20% journeys, caseworkers, projected need."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from dana.assess import ConfigError, load_config
from dana.assess.config import DemandConfig
from dana.assess.demand import (
    capacity,
    caseworkers,
    projected_need,
    round_half_up,
    treatment_target,
)

AREA = "E06000035"  # Medway


@pytest.fixture(scope="module")
def medway():
    path = resources.files("dana.data").joinpath("published/medway/figures.csv")
    return pd.read_csv(path, comment="#", keep_default_na=False)


def test_medway_base_and_20_percent_give_87_alcohol_and_162_drug_journeys(medway):
    # Medway HNA (seed 002, "1.3 Capacity"): "treatment capacity will increase by 20% ...
    # an additional 87 alcohol and 162 drug treatment journeys per annum compared to
    # 2020-21 activity levels (Reference commissioning packs)". The base is the
    # commissioning packs' journeys transcribed as the denominators: 435 and 810.
    rows = medway[medway["indicator_id"] == "seed:treatment_journeys_expected_increase"]
    base = dict(zip(rows["category"], rows["denominator"].astype(float), strict=True))
    assert base == {"Alcohol": 435, "Drugs": 810}
    assert set(rows["value"].astype(float)) == {20}  # the printed 20%
    assert treatment_target(base["Alcohol"], 0.20) == (87, 522)  # 435 x 0.2 = 87
    assert treatment_target(base["Drugs"], 0.20) == (162, 972)  # 810 x 0.2 = 162
    # not the 1,054 people in treatment printed in the same section: 20% of it is 211
    people = medway[
        (medway["indicator_id"] == "ndtms:number_in_treatment") & (medway["period"] == "2020/21")
    ]
    assert float(people["count"].iloc[0]) == 1054
    assert treatment_target(1054, 0.20)[0] == 211 != 87 + 162


def test_every_base_that_rounds_to_the_seed_gives_the_same_journeys():
    # 87 journeys = 20% of a base in [432.5, 437.5): 432.5 x 0.2 = 86.5 -> 87 (half up),
    # 437.49 x 0.2 = 87.498 -> 87
    assert {treatment_target(b, 0.2)[0] for b in (432.5, 435, 437.49)} == {87}
    assert round_half_up(86.5) == 87 and round_half_up(86.49) == 86


def test_caseworkers_are_journeys_over_caseload():
    assert caseworkers(1273, 50) == pytest.approx(25.46)  # 1,273 / 50
    assert caseworkers(60, 60) == 1
    with pytest.raises(ValueError, match="caseload"):
        caseworkers(10, 0)


def _rows(**columns):
    base = dict(
        indicator_name="x", area_name="Medway", area_type="utla", parent_code="E12000008",
        sex="Persons", category_type="", category="", value_note="", polarity="no_judgement",
        value_type="count", multiplier=1.0, unit="count", source="test", retrieved="",
        lower_95=float("nan"), upper_95=float("nan"), lower_99_8=float("nan"),
        upper_99_8=float("nan"), area_code=AREA,
    )  # fmt: skip
    return pd.DataFrame([{**base, **columns}])


@pytest.fixture(scope="module")
def small_table():
    nan = float("nan")
    frames = [
        _rows(
            indicator_id=ident,
            period=period,
            period_sort=20200000,
            age="18+ yrs",
            count=count,
            denominator=denominator,
            value=value,
        )  # fmt: skip
        for ident, period, count, denominator, value in (
            ("ndtms:adults_in_treatment_drug", "2020/21", 810.0, 200000.0, 405.0),
            ("ndtms:adults_in_treatment_alcohol", "2020/21", 435.0, 200000.0, 217.5),
            ("ons:population_18_plus", "2020", 200000.0, nan, 200000.0),
            ("93532", "2020/21", 3565.0, 4000.0, 89.1),
        )
    ]
    for year, adults in ((2020, 200000.0), (2025, 210000.0), (2030, 220000.0)):
        frames.append(_rows(indicator_id="ons:population_projection_18_plus", period=str(year), period_sort=year * 10000, age="18+ yrs", count=adults, value=adults, denominator=float("nan")))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def test_capacity_from_the_table_and_from_the_config(small_table):
    from_table = {c.substance: c for c in capacity(small_table, AREA, DemandConfig(), None)}
    assert (from_table["alcohol"].additional, from_table["drugs"].additional) == (87, 162)
    assert from_table["drugs"].base_period == "2020/21"
    assert from_table["drugs"].workers_needed == pytest.approx(972 / 50)
    given = DemandConfig(base={"alcohol": 100, "drugs": 200}, target_increase=0.5, caseload=40)
    rows = {c.substance: c for c in capacity(small_table, AREA, given, None)}
    assert (rows["alcohol"].additional, rows["drugs"].target) == (50, 300)
    assert rows["drugs"].base_source == "the config"
    assert rows["drugs"].workers_now == pytest.approx(200 / 40)


def test_need_follows_the_adult_projection_at_the_base_prevalence(small_table):
    need = projected_need(small_table, AREA, horizon=2030)
    drinkers = need[need["series"] == "Estimated dependent drinkers"].set_index("year")["value"]
    # prevalence 4,000 / 200,000 = 2% of adults; 2% x 210,000 = 4,200; x 220,000 = 4,400
    assert drinkers.to_dict() == pytest.approx({2020: 4000, 2025: 4200, 2030: 4400})
    assert projected_need(small_table, AREA, horizon=2025)["year"].max() == 2025


def test_bad_demand_settings_name_the_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("area: Medway\ndemand: {caseload: 0, base: {drugs: -5}}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "demand.caseload" in message and "demand.base" in message
