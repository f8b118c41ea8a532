"""The seeded synthetic generator and the packaged default data."""

from __future__ import annotations

import gzip
import math
from importlib import resources

import numpy as np
import pytest

from dana import stats, table
from dana.areas import load_areas
from dana.catalogue import load_catalogue
from dana.data import synthetic
from dana.data.default import (
    CP_SOURCE,
    DEFAULT_AREA,
    INDICATORS_FILE,
    load_cp_example,
    load_default_table,
    load_population,
)
from dana.data.synthetic.anchors import Anchoring, rate_target

REAL_DATA_ONLY_IDS = load_catalogue().real_data_only_ids()


@pytest.fixture(scope="module")
def generated(default_data):
    return default_data.indicators, default_data.population


def test_regenerating_gives_the_packaged_bytes(default_data):
    payloads = synthetic.serialise(default_data)
    for name, payload in payloads.items():
        packaged = resources.files("dana.data").joinpath(name).read_bytes()
        # Compare the decompressed CSV text so a failure is readable.
        assert gzip.decompress(payload) == gzip.decompress(packaged), name
        assert payload == packaged, name
    assert len(payloads[INDICATORS_FILE]) < 2.5 * 1024 * 1024
    assert sum(len(p) for p in payloads.values()) < 6 * 1024 * 1024


def test_table_validates_and_is_labelled(generated):
    indicators, _ = generated
    table.validate(indicators, where="test")
    assert (
        indicators["source"] == "DANA synthetic generator (seed 20230401) - not real data"
    ).all()
    assert indicators["value_note"].str.startswith("Synthetic data, not real").all()


def test_every_catalogue_indicator_every_area_enough_periods(generated):
    indicators, _ = generated
    catalogue, areas = load_catalogue(), load_areas()
    persons = indicators[indicators["category"] == ""]
    expected_areas = (
        {a.code for a in areas.utlas()} | {r.code for r in areas.regions()} | {"E92000001"}
    )
    assert len(expected_areas) == 163
    simulated = [ind for ind in catalogue if ind.id not in REAL_DATA_ONLY_IDS]
    assert len(simulated) >= 42
    for ind in simulated:
        rows = persons[persons["indicator_id"] == ind.id]
        assert set(rows["area_code"]) == expected_areas, ind.id
        periods = rows["period"].nunique()
        assert periods == 1 if ind.period_type == "fixed" else periods >= 6, ind.id
        if ind.period_type != "fixed" and ind.id not in ("91382", "91414"):
            assert periods >= 8, ind.id
        assert (rows["value_type"] == ind.value_type).all() and (rows["unit"] == ind.unit).all()
    assert set(persons.loc[persons["indicator_id"] == "92432", "period"]) >= {
        "2019 - 21",
        "2021 - 23",
    }
    assert "2021/22" in set(persons.loc[persons["indicator_id"] == "92906", "period"])


@pytest.mark.parametrize(
    "indicator_id", ["ndtms:adults_in_treatment_drug", "ndtms:adults_in_treatment_alcohol"]
)
def test_england_and_regions_are_sums_of_utlas(generated, indicator_id):
    # Anchoring rescales UTLA series before summing, so this must still hold exactly.
    indicators, _ = generated
    areas = load_areas()
    rows = indicators[(indicators["indicator_id"] == indicator_id) & (indicators["category"] == "")]
    by_area = rows.set_index(["area_code", "period"])
    utla_codes = [a.code for a in areas.utlas()]
    for period in ("2012/13", "2021/22"):
        utla_total = by_area.loc[(utla_codes, period), ["count", "denominator"]].sum()
        england = by_area.loc[("E92000001", period)]
        assert england["count"] == utla_total["count"]
        assert england["denominator"] == utla_total["denominator"]
        east = [a.code for a in areas.children("E12000006")]
        assert (
            by_area.loc[("E12000006", period), "count"]
            == by_area.loc[(east, period), "count"].sum()
        )


def _one(frame, indicator_id, area_code, period):
    rows = frame[
        (frame["indicator_id"] == indicator_id)
        & (frame["area_code"] == area_code)
        & (frame["period"] == period)
        & (frame["category"] == "")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


Z95 = 1.959963984540054  # standard normal 97.5th percentile


def test_rate_limits_are_byar_by_hand(generated):
    indicators, _ = generated
    row = _one(indicators, "ndtms:adults_in_treatment_alcohol", "E06000031", "2020/21")
    # Peterborough 2020/21: 325 adults in alcohol treatment of 164,316 aged 18+.
    assert (row["count"], row["denominator"]) == (325, 164316)
    assert row["value"] == pytest.approx(325 / 164316 * 1e5, abs=5e-4)  # 197.790
    # Byar (PHE technical guide), O = 325, n = 164,316, per 100,000:
    #   lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3 / n
    #         = 325 (1 - 1/2925 - 1.959964 / (3 x 18.027756))^3 / 164316 = 176.8676
    #   upper = (O + 1) (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))^3 / n
    #         = 326 (1 - 1/2934 + 1.959964 / (3 x 18.055470))^3 / 164316 = 220.5057
    lower = 325 * (1 - 1 / 2925 - Z95 / (3 * math.sqrt(325))) ** 3 / 164316 * 1e5
    upper = 326 * (1 - 1 / 2934 + Z95 / (3 * math.sqrt(326))) ** 3 / 164316 * 1e5
    assert (round(lower, 2), round(upper, 2)) == (176.87, 220.51)
    assert (row["lower_95"], row["upper_95"]) == (176.87, 220.51)  # stored to 2 dp


def test_proportion_limits_are_wilson_by_hand(generated):
    indicators, _ = generated
    row = _one(indicators, "90245", "E06000031", "2023")
    # Peterborough 2023: 154 non-opiate completions not re-presenting, of 465 in treatment.
    assert (row["count"], row["denominator"]) == (154, 465)
    # Wilson: (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - p))) / (2 (n + z^2)), p = 154/465 = 0.331183
    #   = (308 + 3.841459 -/+ 1.959964 x sqrt(3.841459 + 411.991)) / (2 x 468.841459)
    #   = 271.8737 / 937.6829 = 0.289944 and 351.8093 / 937.6829 = 0.375190
    root = math.sqrt(Z95**2 + 4 * 154 * (1 - 154 / 465))
    lower = (2 * 154 + Z95**2 - Z95 * root) / (2 * (465 + Z95**2)) * 100
    upper = (2 * 154 + Z95**2 + Z95 * root) / (2 * (465 + Z95**2)) * 100
    assert (round(lower, 2), round(upper, 2)) == (28.99, 37.52)
    assert (row["value"], row["lower_95"], row["upper_95"]) == (33.118, 28.99, 37.52)


def test_unmet_need_is_one_minus_treated_over_prevalence(generated):
    indicators, _ = generated
    unmet = indicators[indicators["indicator_id"] == "93532"]
    # count and prevalence are stored to 0.1 (each up to 0.05 off), so the ratio may be off by
    # 100 x 0.05 x (1/n + x/n^2): a few tenths in the Isles of Scilly, far less elsewhere
    x, n = unmet["count"], unmet["denominator"]
    slack = 100 * 0.05 * (1 / n + x / n**2) + 1e-3
    assert ((unmet["value"] - x / n * 100).abs() <= slack).all()
    assert (unmet["lower_95"] <= unmet["value"]).all() and (
        unmet["value"] <= unmet["upper_95"]
    ).all()


def test_small_dsr_counts_are_suppressed(generated):
    indicators, _ = generated
    scilly = indicators[
        (indicators["indicator_id"] == "92432") & (indicators["area_code"] == "E06000053")
    ]
    assert scilly["value"].isna().all()
    assert scilly["value_note"].str.contains("DSR not calculated: total count < 10").all()


@pytest.mark.parametrize(
    ("indicator_id", "period", "target", "tolerance"),
    [
        ("ndtms:adults_in_treatment_drug", "2021/22", 457, 0.05),  # C&P seed, England 2021/22
        ("ndtms:adults_in_treatment_alcohol", "2021/22", 189, 0.05),  # same seed
        ("93532", "2021/22", 80, 0.04),  # unmet need alcohol
        ("93517", "2021/22", 53, 0.10),  # unmet need OCU
        ("92432", "2021 - 23", 5.8, 0.08),  # Fingertips England 2022-24 = 5.8
        ("92906", "2023/24", 611.7, 0.03),  # England 2023/24 = 611.7
        ("93553", "2019", 21.7, 0.03),  # IMD 2019 England average score
    ],
)
def test_england_calibration(generated, indicator_id, period, target, tolerance):
    indicators, _ = generated
    row = indicators[
        (indicators["indicator_id"] == indicator_id)
        & (indicators["area_code"] == "E92000001")
        & (indicators["period"] == period)
        & (indicators["category"] == "")
    ]
    assert row["value"].item() == pytest.approx(target, rel=tolerance)


def test_ethnicity_breakdown_sums_to_total(generated):
    indicators, _ = generated
    rows = indicators[
        (indicators["indicator_id"] == "ndtms:adults_in_treatment_drug")
        & (indicators["area_code"] == DEFAULT_AREA)
        & (indicators["category_type"] == "Ethnic groups")
    ]
    assert set(rows["category"]) == set(synthetic.ETHNIC_GROUPS)
    assert rows["period"].nunique() == 1
    total = indicators[
        (indicators["indicator_id"] == "ndtms:adults_in_treatment_drug")
        & (indicators["area_code"] == DEFAULT_AREA)
        & (indicators["period"] == rows["period"].iloc[0])
        & (indicators["category"] == "")
    ]
    assert rows["count"].sum() == total["count"].item()


def test_population_for_pyramid(generated):
    _, population = generated
    area = population[(population["area_code"] == "E92000001") & (population["year"] == 2021)]
    assert area["population"].sum() == pytest.approx(synthetic.ENGLAND_POPULATION_2021, rel=0.001)
    pyramid = load_population(DEFAULT_AREA)
    assert len(pyramid) == 19 * 2 and pyramid["year"].unique().tolist() == [2023]
    assert pyramid["age_band"].tolist()[:2] == ["0-4", "0-4"]
    with pytest.raises(KeyError, match="no default population"):
        load_population("E07000008")


def test_default_table_overlays_real_figures():
    plain = load_default_table(overlays=False)
    overlaid = load_default_table()
    assert len(plain) == len(overlaid)
    real = overlaid[
        (overlaid["indicator_id"] == "ndtms:adults_in_treatment_drug")
        & (overlaid["area_code"] == "E06000031")
        & (overlaid["period"] == "2021/22")
        & (overlaid["category"] == "")
    ].iloc[0]
    assert real["value"] == 705 and real["count"] == 1147
    assert "summary report (March 2023)" in real["source"]
    # "a fresh copy; safe to modify": changing one result leaves the next load untouched
    plain.loc[:, "value"] = -1.0
    assert (load_default_table(overlays=False)["value"] != -1.0).any()


# ------------------------------------------------------------------ real-figure anchors


def _series(frame, indicator_id, area_code):
    rows = frame[
        (frame["indicator_id"] == indicator_id)
        & (frame["area_code"] == area_code)
        & (frame["category"] == "")
    ]
    return rows.sort_values("period_sort").set_index("period")


def test_anchors_are_exactly_the_overlaid_real_rows():
    real = load_cp_example()
    real = real[real["indicator_id"].isin(load_catalogue().ids)]
    anchors = synthetic.default_anchors()
    assert {(a.indicator_id, a.area_code, a.period, a.value) for a in anchors} == set(
        zip(real["indicator_id"], real["area_code"], real["period"], real["value"], strict=True)
    )
    # The seed's catalogue figures: drug and alcohol treatment (C, P, England), unmet need (C, P).
    assert len(anchors) == 8


@pytest.mark.parametrize(
    ("indicator_id", "area_code", "published"),
    [
        # C&P needs assessment summary report 2023, slides 36, 12 and 7 (2021/22)
        ("ndtms:adults_in_treatment_drug", "E06000031", 705),
        ("ndtms:adults_in_treatment_drug", "E10000003", 306),
        ("ndtms:adults_in_treatment_drug", "E92000001", 457),
        ("ndtms:adults_in_treatment_alcohol", "E06000031", 231),
        ("ndtms:adults_in_treatment_alcohol", "E10000003", 163),
        ("ndtms:adults_in_treatment_alcohol", "E92000001", 189),
        ("93532", "E06000031", 76),
        ("93532", "E10000003", 80),
    ],
)
def test_synthetic_series_passes_through_the_real_figure(indicator_id, area_code, published):
    plain = load_default_table(overlays=False)
    row = _series(plain, indicator_id, area_code).loc["2021/22"]
    assert row["source"] == synthetic.SOURCE  # before overlay: still the synthetic row
    # published to the nearest whole number, so the synthetic value rounds to it
    assert abs(row["value"] - published) <= 0.5
    if indicator_id != "93532":  # whole counts consistent with the denominator
        assert row["count"] == round(row["count"])
        assert row["value"] == pytest.approx(row["count"] / row["denominator"] * 1e5, abs=5e-4)


def test_peterborough_trend_is_not_driven_by_the_real_point():
    overlaid = load_default_table()
    plain = load_default_table(overlays=False)
    key = ("ndtms:adults_in_treatment_drug", DEFAULT_AREA)
    real, synthetic_series = _series(overlaid, *key), _series(plain, *key)
    assert real.loc["2021/22", "value"] == 705 and "slide 36" in real.loc["2021/22", "source"]
    # The step into the real point is an ordinary synthetic year-to-year step.
    ratios = (synthetic_series["value"] / synthetic_series["value"].shift()).dropna()
    others = ratios.drop("2021/22")
    step = real.loc["2021/22", "value"] / real.loc["2020/21", "value"]
    assert others.min() <= step <= others.max()
    assert 0.85 < step < 1.15
    # Level: the real point sits within the spread of the rest of its own series.
    rest = real["value"].drop("2021/22")
    assert rest.min() <= 705 <= rest.max()
    # And the recent-trend verdict is the same with and without the real figure.
    verdicts = [
        stats.trend(data=frame, value_type="crude_rate")["trend"].item()
        for frame in (real.reset_index(), synthetic_series.reset_index())
    ]
    assert verdicts[0] == verdicts[1]
    assert not verdicts[0].startswith("Increasing")


def test_every_row_is_labelled_real_or_synthetic():
    overlaid = load_default_table()
    is_synthetic = overlaid["source"] == synthetic.SOURCE
    assert overlaid.loc[is_synthetic, "value_note"].str.startswith("Synthetic data, not real").all()
    real = overlaid[~is_synthetic]
    assert real["source"].str.startswith(CP_SOURCE).all()
    assert real["source"].str.contains(r"slide \d+").all()
    assert not real["value_note"].str.contains("Synthetic").any()
    anchored = {(a.indicator_id, a.area_code, a.period) for a in synthetic.default_anchors()}
    assert set(zip(real["indicator_id"], real["area_code"], real["period"], strict=True)) == (
        anchored
    )


def test_anchor_factors_by_hand():
    # Two years, three UTLAs, every denominator 100, rate per 100.
    counts = np.array([[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]])
    denominator = np.full((3, 2), 100.0)
    anchoring = Anchoring(utla_targets=((0, 1, 50.0),), england_target=(1, 30.0))
    k = anchoring.factors(counts, rate_target(denominator, 100))
    # UTLA 0 must show 50 of 100 in year 1: k = 50 / 20 = 2.5.
    # England must show 30 per 100 of 300 = 90; the other two supply 90 - 50 = 40 of
    # their 40 + 60 = 100: k = 0.4.
    assert k == pytest.approx([2.5, 0.4, 0.4])
    scaled = counts * k[:, None]
    assert scaled[:, 1].sum() == pytest.approx(90)
    assert scaled[:, 0] == pytest.approx([25, 12, 20])  # the other year keeps its shape


def test_anchor_the_generator_cannot_honour_is_refused():
    bad = synthetic.Anchor("92432", "E06000031", "2019 - 21", 5.0)
    with pytest.raises(ValueError, match="cannot calibrate indicator '92432'"):
        synthetic.generate(anchors=(bad,))
    wrong_period = synthetic.Anchor("93532", "E06000031", "2031/32", 70.0)
    with pytest.raises(ValueError, match="period '2031/32' is not a simulated"):
        synthetic.generate(anchors=(wrong_period,))
