"""Client profile shares, penetration and their disclosure control, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dana.assess.config import SuppressionConfig
from dana.assess.penetration import adult_residents, penetration_frame
from dana.assess.shares import counts_by_category, disclose, shares, shares_table
from dana.vocabulary import HIGHER, NOT_COMPARED, SIMILAR

AREA, ENGLAND = "E06000031", "E92000001"


def _wilson(x, n, z=1.959963984540054):
    # Wilson (1927): (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)) * 100, (2 * x + z * z + root) / (2 * (n + z * z)) * 100  # fmt: skip


def _row(indicator_id, area, category_type, category, count):
    return {
        "indicator_id": indicator_id, "area_code": area, "period": "2023/24",
        "period_sort": 20230000, "sex": "Persons", "category_type": category_type,
        "category": category, "count": float(count), "source": "test",
    }  # fmt: skip


@pytest.fixture
def table():
    rows = []
    for area, groups in (
        (AREA, {"opiate": (60, 40, 10), "non_opiate_only": (20, 30, 2)}),
        (ENGLAND, {"opiate": (5000, 5000, 100), "non_opiate_only": (3000, 1000, 50)}),
    ):
        for group, (male, female, asian) in groups.items():
            ident = f"ndtms:in_treatment:{group}"
            rows.append(_row(ident, area, "", "", male + female))
            rows.append(_row(ident, area, "Sex", "Male", male))
            rows.append(_row(ident, area, "Sex", "Female", female))
            rows.append(_row(ident, area, "Ethnic group", "Asian", asian))
    return pd.DataFrame(rows)


def test_groups_read_as_one_population_with_wilson_shares_and_england(table):
    ids = ["ndtms:in_treatment:opiate", "ndtms:in_treatment:non_opiate_only"]
    area = counts_by_category(table, ids, AREA, 20230000, ["Sex", "Ethnic group"])
    england = counts_by_category(table, ids, ENGLAND, 20230000, ["Sex", "Ethnic group"])
    frame = shares(area, england).set_index("category")
    # Male: 60 + 20 = 80 of 150 people; England 8,000 of 14,000 = 57.1%
    assert frame.at["Male", "count"] == 80 and frame.at["Male", "total"] == 150
    assert frame.at["Male", "share"] == pytest.approx(80 / 150 * 100)
    low, high = _wilson(80, 150)
    assert (frame.at["Male", "lower"], frame.at["Male", "upper"]) == pytest.approx((low, high))
    assert frame.at["Male", "benchmark_share"] == pytest.approx(8000 / 14000 * 100)
    assert frame.at["Male", "comparison"] == SIMILAR  # 45.3 to 61.2 includes 57.1
    # Asian: 12 of 150 = 8.0% (Wilson 4.6 to 13.5) against England 150 / 14,000 = 1.1%
    assert frame.at["Asian", "comparison"] == HIGHER
    assert frame.at["Female", "comparison"] == SIMILAR
    assert list(frame.index) == ["Male", "Female", "Asian"]  # the breakdowns' own order


def test_small_counts_are_withheld_with_their_shares_and_a_second_cell(table):
    ids = ["ndtms:in_treatment:non_opiate_only"]
    area = counts_by_category(table, ids, AREA, 20230000, ["Sex", "Ethnic group"])
    frame = disclose(shares(area), SuppressionConfig(preset=None, threshold=4))
    by = frame.set_index("category")
    # Asian 2 (of 50) is hidden; it is alone in its breakdown, so nothing else is
    assert by.at["Asian", "suppressed"] and np.isnan(by.at["Asian", "count"])
    assert np.isnan(by.at["Asian", "share"]) and by.at["Asian", "comparison"] == NOT_COMPARED
    assert not by.loc[["Male", "Female"], "suppressed"].any()
    two = pd.DataFrame(
        {
            "category_type": "Sex",
            "category": ["Male", "Female", "Other"],
            "count": [3.0, 40.0, 7.0],
            "total": 50.0,
        }  # fmt: skip
    )
    hidden = disclose(shares(two), SuppressionConfig(preset=None, threshold=4))
    # 3 is hidden, and the next smallest (7) too: 50 - 40 would give it away
    assert hidden["suppressed"].tolist() == [True, False, True]


def test_shares_table_says_what_disclosure_control_must_read(table):
    ids = ["ndtms:in_treatment:opiate"]
    frame = shares(counts_by_category(table, ids, AREA, 20230000, ["Sex"]))
    made = shares_table(frame, table_id="t", title="T", count_label="People", total_label="All")
    assert made.counts == ("People",)
    assert ("Share (%)", "People") in made.derived
    assert made.total_row == "Total: All"
    assert made.data["People"].iloc[-1] == 100  # 60 + 40
    assert made.data["People"].dtype.kind == "f"  # numbers, not text


def test_penetration_by_hand_and_unknown_clients_count_in_the_total():
    treated = pd.DataFrame(
        {
            "category_type": "Ethnic group",
            "category": ["White", "Asian", "Not stated or missing"],
            "count": [90.0, 5.0, 5.0],
            "total": 100.0,
        }
    )
    residents = pd.DataFrame(
        {
            "category_type": "Ethnic group",
            "category": ["White", "Asian"],
            "residents": [800.0, 200.0],
        }  # fmt: skip
    )
    result = penetration_frame(treated, residents).set_index("category")
    # White: 90/100 over 800/1000 = 112.5%; Asian: 5% over 20% = 25%
    assert result.at["White", "value"] == pytest.approx(112.5)
    assert result.at["Asian", "value"] == pytest.approx(25.0)
    low, high = _wilson(5, 100)
    assert result.at["Asian", "lower_95"] == pytest.approx(low / 20 * 100)
    assert result.at["Asian", "upper_95"] == pytest.approx(high / 20 * 100)
    assert result.at["Asian", "flag"] == "under-penetrated"
    assert np.isnan(result.at["Not stated or missing", "value"])


def test_adult_residents_from_esp_bands_and_the_adult_total():
    bands = pd.DataFrame(
        [
            (band, sex, people)
            for band, people in (
                ("10-14", 100),
                ("15-19", 100),
                ("20-24", 100),
                ("25-29", 100),
                ("30-34", 100),
                ("45-49", 100),
                ("50-54", 100),
                ("90+", 10),
            )
            for sex in ("Male", "Female")
        ],  # fmt: skip
        columns=["age_band", "sex", "population"],
    )
    # from 20: 2 x (100 x 5 + 10) = 1,020; the 18+ total 1,200 leaves 180 aged 18-19,
    # split as the 15-19 band (half each)
    out = adult_residents(bands, adults=1200).set_index(["category_type", "category"])["residents"]
    assert out[("Age band", "18-29 yrs")] == 180 + 400  # 18-19 + 20-24 + 25-29
    assert out[("Age band", "30-49 yrs")] == 400  # 30-34 and 45-49
    assert out[("Age band", "50+ yrs")] == 220
    assert out[("Sex", "Male")] == 510 + 90
    # without the adult total: two fifths of the 15-19 band (an even spread)
    spread = adult_residents(bands).set_index(["category_type", "category"])["residents"]
    assert spread[("Age band", "18-29 yrs")] == 2 * 40 + 400  # 2/5 of 200 = 80
    persons = adult_residents(bands[bands["sex"] == "Male"].assign(sex="Persons"))
    assert set(persons["category_type"]) == {"Age band"}  # no sex split without sexes
