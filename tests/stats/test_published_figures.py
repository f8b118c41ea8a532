"""Published figures from the seed needs assessments, recomputed with dana.stats.

Each row of ``dana/data/seed_published_figures.csv`` is a result printed in one of the
seed reports together with the inputs printed beside it (the CSV header cites every
document and defines the columns). Here every row is recomputed with the DANA function
for its calculation and compared with the printed figure at the printed rounding:

* ``reproduces``: DANA gives the printed figure;
* ``does_not_reproduce``: the report's arithmetic is off; DANA gives the value written
  out by hand in ``recomputed`` (and the note says why the report may differ);
* ``input_rounding``: the printed inputs are themselves rounded; DANA gives ``recomputed``
  from them as printed, and the printed figure for inputs within their rounding;
* ``inputs_not_printed``: Bedford Table 5 penetration rates, whose census shares are not
  in the report; the implied shares are checked for summing to 100% instead.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from dana import stats
from dana.data.default import load_published_figures

FIGURES = load_published_figures()
STATUSES = {"reproduces", "does_not_reproduce", "input_rounding", "inputs_not_printed"}
RECOMPUTABLE = FIGURES[FIGURES["status"] != "inputs_not_printed"]


def _rows(frame):
    return [pytest.param(row, id=row.figure_id) for row in frame.itertuples(index=False)]


def _round(value: float, dp: int) -> float:
    """Round half up, as reports print (Python's round() rounds half to even)."""
    step = Decimal(1).scaleb(-dp)  # dp = 1 -> 0.1, dp = -1 -> 10
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _recompute(calculation: str, x: float, n: float, multiplier: float) -> float:
    """The row's calculation, through the DANA function that implements it."""
    if calculation == "rate":
        return stats.rate(x, n, multiplier=multiplier)["value"].item()
    if calculation == "proportion":
        return stats.proportion(x, n, multiplier=multiplier)["value"].item()
    if calculation == "unmet_need":
        # no interval is printed for the estimate: its limits are the estimate itself
        return stats.unmet_need(x, n, n, n, multiplier=multiplier)["value"].item()
    if calculation == "percent_change":
        return stats.percent_change(previous=n, current=x)
    # DANA has no function for these: plain arithmetic
    if calculation == "benefit_cost_ratio":
        return x / n
    if calculation == "net_benefit":
        return x - n
    if calculation == "fraction_of_count":
        return n * multiplier
    raise AssertionError(f"no recomputation for calculation {calculation!r}")


def _dana_value(row) -> float:
    return _recompute(row.calculation, row.x, row.n, row.multiplier)


@pytest.mark.parametrize("row", _rows(RECOMPUTABLE))
def test_published_figure(row):
    dana = _round(_dana_value(row), row.rounding_dp)
    if row.status == "reproduces":
        assert dana == row.published, f"{row.figure_id}: DANA {dana}, printed {row.published}"
        assert math.isnan(row.recomputed)
        return
    # does_not_reproduce / input_rounding: DANA gives the hand-computed value, not the print
    assert dana == row.recomputed, f"{row.figure_id}: DANA {dana}, hand {row.recomputed}"
    assert dana != row.published
    assert row.note
    if row.status == "input_rounding":
        low, high = _range_over_input_rounding(row)
        half = 0.5 * 10.0**-row.rounding_dp
        assert low < row.published + half and high >= row.published - half, (
            f"{row.figure_id}: inputs within their rounding give {low:.4f}-{high:.4f}, "
            f"which never prints as {row.published}"
        )


def _range_over_input_rounding(row) -> tuple[float, float]:
    """Smallest and largest result for inputs anywhere within their printed rounding.

    Every calculation marked input_rounding rises with x and falls with n, so the
    extremes are at the corners (x - h, n + h) and (x + h, n - h).
    """
    assert row.calculation in {"percent_change", "benefit_cost_ratio", "proportion", "rate"}
    h = 0.5 * 10.0 ** -int(row.input_dp)
    low = _recompute(row.calculation, row.x - h, row.n + h, row.multiplier)
    high = _recompute(row.calculation, row.x + h, row.n - h, row.multiplier)
    return low, high


def test_the_input_rounding_ranges_worked_by_hand():
    by_id = FIGURES.set_index("figure_id")
    # Medway: ONS drug poisoning 76.7 -> 79.5 per million, printed +3.8%
    # 79.45 / 76.75 - 1 = 3.518%;  79.55 / 76.65 - 1 = 3.783%
    low, high = _range_over_input_rounding(by_id.loc["002-drug-poisoning-rate-change"])
    assert low == pytest.approx(3.5179, abs=1e-4) and high == pytest.approx(3.7834, abs=1e-4)
    # Bedford VfM: GBP 11.6m benefit / GBP 3.4m cost, printed BCR 3.40
    # 11.55 / 3.45 = 3.3478;  11.65 / 3.35 = 3.4776
    low, high = _range_over_input_rounding(by_id.loc["003-vfm-accrued-bcr"])
    assert low == pytest.approx(3.3478, abs=1e-4) and high == pytest.approx(3.4776, abs=1e-4)


PENETRATION = FIGURES[FIGURES["calculation"] == "penetration_ratio"]


@pytest.mark.parametrize("area", sorted(set(PENETRATION["area"])), ids=lambda a: f"003-t5-{a}")
def test_penetration_rates_imply_resident_shares_summing_to_100(area):
    """Bedford Table 5: penetration = share in treatment (Table 4) / share of residents.

    The census shares are not printed, but each printed rate implies one:
    share / penetration. Across the five ethnic groups (Missing/unknown has no rate) the
    implied shares must total 100% to within the rounding of the printed inputs
    (shares to 0.1%, rates to 1%). Bedford: 80.38 + 4.00 + 11.36 + 3.40 + 0.69 = 99.83.
    """
    rows = PENETRATION[PENETRATION["area"] == area]
    assert len(rows) == 5 and (rows["status"] == "inputs_not_printed").all()
    assert rows["n"].isna().all()  # the census share really is missing
    share, rate = rows["x"].to_numpy(), rows["published"].to_numpy()
    h_share, h_rate = 0.05, 0.5
    low = ((share - h_share) / (rate + h_rate) * 100).sum()
    high = ((share + h_share) / (rate - h_rate) * 100).sum()
    assert low <= 100 <= high, f"{area}: implied resident shares total {low:.2f}-{high:.2f}%"
    assert (share / rate * 100).sum() == pytest.approx(100, abs=0.2)


def test_bedford_table_16_rows_partition_the_prevalence():
    # In treatment now + during the year + known not treated + not known = prevalence,
    # so "not known to treatment" (unmet need) is 1 - known / prevalence: 704 / 1,468 = 48.0%
    unmet = FIGURES[FIGURES["figure_id"].str.match(r"003-t16-.*-not-known-to-treatment")]
    assert len(unmet) == 3
    assert sorted(unmet["n"]) == [638, 1270, 1468]
    ocu = unmet[unmet["figure_id"] == "003-t16-ocu-not-known-to-treatment"].iloc[0]
    assert (ocu["x"], ocu["n"]) == (423 + 183 + 158, 1468)
    assert _round((1 - 764 / 1468) * 100, 1) == ocu["published"] == 48.0


def test_every_row_is_transcribed_with_its_source():
    assert set(FIGURES["status"]) <= STATUSES
    assert FIGURES["figure_id"].is_unique
    assert FIGURES["figure_id"].str[:3].eq(FIGURES["seed"]).all()
    for column in ("document", "locator", "quote", "published_as_printed", "calculation"):
        assert (FIGURES[column].str.len() > 0).all(), column
    # the printed result is quoted as printed (the Medway uplift quotes its two parts)
    printed = FIGURES["published_as_printed"].str.split(" (", regex=False).str[0]
    assert all(p in q for p, q in zip(printed, FIGURES["quote"], strict=True))
    off = FIGURES[FIGURES["status"].isin({"does_not_reproduce", "input_rounding"})]
    assert off["recomputed"].notna().all() and (off["note"].str.len() > 0).all()
    assert FIGURES["seed"].value_counts().to_dict() == {"003": 61, "002": 5, "004": 4, "000": 2}


def test_loader_returns_a_fresh_frame():
    first = load_published_figures()
    first.loc[0, "published"] = -1
    assert load_published_figures().loc[0, "published"] != -1
    assert {"x", "n", "multiplier", "published", "rounding_dp", "status", "note"} <= set(first)


# dana.stats.percent_change ------------------------------------------------------------


def test_percent_change_by_hand():
    # Medway: 1,054 -> 1,174 people in treatment: 120 / 1,054 = 11.3852%
    assert stats.percent_change(1054, 1174) == pytest.approx(11.385199, rel=1e-6)
    # a fall: 200 -> 165 is -35 / 200 = -17.5% (the size of C&P's drop in new presentations)
    assert stats.percent_change(200, 165) == -17.5
    assert stats.percent_change(40, 40) == 0.0
    assert isinstance(stats.percent_change(4, 5), float)


def test_percent_change_arrays_broadcast():
    out = stats.percent_change(np.array([100, 50, 8]), [110, 25, 10])
    np.testing.assert_allclose(out, [10.0, -50.0, 25.0])
    np.testing.assert_allclose(stats.percent_change([10, 20], 30), [200.0, 50.0])


@pytest.mark.parametrize(
    ("previous", "current", "message"),
    [
        (0, 5, "previous at position 0 is 0"),
        ([10, -2], [11, 3], "previous at position 1 is -2"),
        ([10, 20], [11, float("nan")], "current at position 1"),
        (float("inf"), 1, "previous at position 0"),
    ],
)
def test_percent_change_rejects_bad_input(previous, current, message):
    with pytest.raises(stats.StatsInputError, match=message):
        stats.percent_change(previous, current)
