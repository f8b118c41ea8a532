"""SII across deprivation deciles, life expectancy gaps, quartiles among comparators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana.assess.comparators import Comparators, coverage_gaps, quartile_position, quartile_words
from dana.assess.figures import IndicatorResult
from dana.assess.inequality import decile_number, life_expectancy_parts, sii_frame
from dana.assess.model import Area, Figure

AREA = Area("E06000031", "Peterborough", "utla")


def test_decile_labels_give_their_number():
    assert [decile_number(x) for x in ("1 (most deprived)", "2", "Decile 10 (least deprived)")] == [1, 2, 10]  # fmt: skip
    with pytest.raises(ValueError, match="no decile number"):
        decile_number("most deprived")


def test_sii_of_a_straight_line_across_equal_deciles():
    # Equal populations put decile q's midpoint rank at x = (q - 0.5) / 10; a rate of
    # 100 - 5 (q - 1) is then 102.5 - 50 x, so the SII (value at x = 1 minus x = 0) is
    # -50 and the RII -50 / 77.5 (the mean rate) = -0.645.
    q = np.arange(1, 11)
    rows = pd.DataFrame(
        {
            "quantile": q, "value": 100 - 5.0 * (q - 1), "denominator": 10_000.0,
            "lower_95": 100 - 5.0 * (q - 1) - 2, "upper_95": 100 - 5.0 * (q - 1) + 2,
            "count": 50.0, "value_type": "crude_rate", "multiplier": 1e5,
        }
    )  # fmt: skip
    result = sii_frame(rows).set_index("statistic")
    assert result.at["sii", "value"] == pytest.approx(-50)
    assert result.at["rii", "value"] == pytest.approx(-50 / 77.5)
    assert result.at["sii", "lower_95"] < -50 < result.at["sii", "upper_95"]


def _le_rows(area_code, value, sex="Male"):
    return {
        "indicator_id": "90366", "indicator_name": "Life expectancy at birth",
        "area_code": area_code, "area_name": area_code, "period": "2021 - 23",
        "period_sort": 20210000, "sex": sex, "category_type": "", "value": value,
        "lower_95": value - 0.5, "upper_95": value + 0.5, "source": "test",
    }  # fmt: skip


def test_published_life_expectancy_and_its_gap_to_england():
    table = pd.DataFrame(
        [
            _le_rows(AREA.code, 77.0),
            _le_rows("E92000001", 79.0),
            _le_rows(AREA.code, 81.5, "Female"),
            _le_rows("E92000001", 83.0, "Female"),
        ]  # fmt: skip
    )
    parts = life_expectancy_parts(table, AREA)
    data = parts.tables[0].data.set_index("Sex")
    assert data.at["Male", "Gap to England (years)"] == pytest.approx(-2.0)
    assert data.at["Female", "Gap to England (years)"] == pytest.approx(-1.5)
    assert "2.0 years shorter than England's 79.0" in parts.findings[0].text


def test_computed_life_expectancy_is_equal_where_death_rates_are():
    rows = []
    for code, scale in ((AREA.code, 1), ("E92000001", 200)):
        for start in (0, *range(5, 95, 5)):
            label = f"{start}+" if start == 90 else f"{start}-{start + 4}"
            deaths = 0.0002 * np.exp(0.07 * start)
            for indicator, count in (("ons:deaths_all_causes", deaths * 1000), ("ons:population_all_ages", 1000)):  # fmt: skip
                rows.append(
                    {"indicator_id": indicator, "indicator_name": "x", "area_code": code,
                     "area_name": code, "period": "2021", "period_sort": 20210000, "sex": "Persons",
                     "category_type": "Age band (ESP2013)", "category": label,
                     "count": count * scale, "value": np.nan, "source": "test"}
                )  # fmt: skip
    parts = life_expectancy_parts(pd.DataFrame(rows), AREA)
    data = parts.tables[0].data
    # the same death rate at every age (the populations differ in size only): no gap
    assert data["Gap to England (years)"].iloc[0] == pytest.approx(0, abs=1e-9)
    assert 60 < data["Life expectancy (years)"].iloc[0] < 100


def _result(values: dict[str, float], polarity="low_is_good") -> IndicatorResult:
    figure = Figure(
        "x", "X", "context", "2023", values.get(AREA.code), None, None, 0.95, None, None, "%",
        "proportion", polarity,
    )  # fmt: skip
    return IndicatorResult(None, figure, 0.95, 0, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), values=values)  # fmt: skip


def test_quartile_among_comparators_by_hand():
    neighbours = tuple(Area(f"E0600{i:04d}", f"N{i}", "utla") for i in range(1, 16))
    comparators = Comparators(AREA, None, None, neighbours)
    values = {a.code: float(i) for i, a in enumerate(neighbours, start=1)}  # 1 ... 15
    values[AREA.code] = 10.0
    # 16 areas; 10 ties with neighbour 10 and takes the lower rank, 10:
    # quartile = floor((10 - 1) x 4 / 16) + 1 = floor(2.25) + 1 = 3
    assert quartile_position(_result(values), comparators) == (3, 16)
    assert quartile_words(3, "low_is_good") == "second worst quartile"
    assert quartile_words(4, "high_is_good") == "best quartile"
    del values[neighbours[0].code]
    gaps = coverage_gaps([_result(values)], comparators, supplied=False)
    assert len(gaps) == 1 and "1 has no value: Hartlepool (E06000001)" in gaps[0].detail
    assert "15 nearest statistical neighbours" in gaps[0].detail
    assert gaps[0].reason == "missing_for_comparators"
    few = {AREA.code: 1.0, neighbours[0].code: 2.0}
    assert quartile_position(_result(few), comparators) is None  # too few for quartiles


def test_the_worst_quartile_finding_names_the_indicators_or_says_how_many_more(
    default_assessment,
):
    """Never cut off with "...": up to four are named, else three and how many more."""
    finding = next(
        f for s in default_assessment.all_sections() for f in s.findings
        if f.id == "comparators.quartiles"
    )  # fmt: skip
    assert "..." not in finding.text
    worst = int(finding.text.split("worst quartile for ")[1].split(" ")[0])
    named = finding.text.split(" (", 1)[1].rsplit(")", 1)[0].split("; ")
    if worst <= 4:
        assert len(named) == worst
    else:
        assert named[-1].startswith(f"and {worst - 3} more:") and len(named) == 4
