"""PHE alcohol-dependence estimates and unmet need (DEFINITIONS.md §3.5)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from dana import table
from dana.sources.alcohol_dependence import read_alcohol_dependence_estimates
from dana.sources.errors import SourceFileError
from dana.stats import unmet_need

BAD = Path(__file__).parent / "bad_files"
FILE = "ndtms-sdg-3-5-1/Estimates_of_Alcohol_Dependent_Adults_in_England_for_R.csv"
UNMET = "ndtms-sdg-3-5-1/unmet_alcohol.csv"


@pytest.fixture(scope="module")
def estimates(shared_data):
    return read_alcohol_dependence_estimates(shared_data / FILE)


def _row(frame, code, period):
    row = frame[(frame["area_code"] == code) & (frame["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]


def test_figures_read_by_hand(estimates):
    table.validate(estimates)
    assert len(estimates) == 1211  # every data line of the file
    # line 135: West Midlands,Warwickshire,E10000031,5028,3958,6617,2017/18
    w = _row(estimates, "E10000031", "2017/18")
    assert (w["value"], w["lower_95"], w["upper_95"]) == (5028, 3958, 6617)
    assert (w["period_sort"], w["age"], w["value_type"]) == (20170000, "18+ yrs", "count")
    # line 1153: NA,Warwickshire,E10000031,4880,NA,NA,2010 - no interval published
    old = _row(estimates, "E10000031", "2010")
    assert old["value"] == 4880 and math.isnan(old["lower_95"])
    assert (
        old["value_note"] == "No confidence interval published" and old["period_sort"] == 20100000
    )


def test_placeholder_code_is_replaced_and_reported(estimates):
    # lines 588-592 give "Cornwall & Isles of Scilly" the non-GSS code E0999 (2010-2014)
    assert _row(estimates, "E06000052", "2010")["value"] == 6438
    notes = estimates.attrs["import_summary"].notes
    assert any("'E0999' replaced by 'E06000052' on 5 row(s)" in n for n in notes)
    with pytest.raises(SourceFileError, match=r"row 588, column 'Area_Code_GSS'.*'E0999'"):
        read_alcohol_dependence_estimates(estimates.attrs["import_summary"].path, code_fixes={})


def test_unmet_need_reproduces_fingertips_93532_warwickshire(shared_data, estimates):
    """Fingertips 93532, Warwickshire 2018/19 (unmet_alcohol.csv line 2): value 79.89793213,
    95% CI 74.64258841-84.57822749, Count 4018.333333, Denominator 5029.333333.

    Method: in treatment N_tx = Denominator - Count = 1011. Back-solving the published
    limits with unmet_L = 1 - N_tx / prev_L gives prev_L = 1011 / (1 - 0.7464258841)
    = 3987.0 and prev_U = 1011 / (1 - 0.8457822749) = 6555.67. These are the means of
    the three current-method PHE estimates for Warwickshire (lines 135, 287, 439):
    prev   = (5028 + 5007 + 5053) / 3 = 5029.333
    prev_L = (3958 + 3959 + 4044) / 3 = 3987.0
    prev_U = (6617 + 6480 + 6570) / 3 = 6555.667
    so the published row is reproduced from the two source files alone.
    """
    published = pd.read_csv(shared_data / UNMET).iloc[0]
    assert published["Area Name"] == "Warwickshire" and published["Time period"] == "2018/19"
    n_tx = published["Denominator"] - published["Count"]
    assert n_tx == pytest.approx(1011)
    assert pytest.approx(3987.0, abs=0.01) == 1011 / (1 - 0.7464258841)
    assert pytest.approx(6555.667, abs=0.01) == 1011 / (1 - 0.8457822749)

    current = estimates[
        (estimates["area_code"] == "E10000031")
        & estimates["period"].isin(["2015/16", "2016/17", "2017/18"])
    ]
    result = unmet_need(
        1011, current["value"].mean(), current["lower_95"].mean(), current["upper_95"].mean()
    ).iloc[0]
    assert result["value"] == pytest.approx(79.89793213, abs=1e-6)
    assert result["lower_95"] == pytest.approx(74.64258841, abs=1e-6)
    assert result["upper_95"] == pytest.approx(84.57822749, abs=1e-6)
    assert result["count"] == pytest.approx(4018.333333, abs=1e-5)
    assert result["denominator"] == pytest.approx(5029.333333, abs=1e-5)


def test_unmet_need_arrays_and_errors():
    # hand: 1 - 20/100 = 80%; limits 1 - 20/80 = 75%, 1 - 20/125 = 84%
    out = unmet_need([20, 0], [100, 50], [80, 40], [125, 60])
    assert list(out["value"]) == pytest.approx([80.0, 100.0])
    assert list(out["lower_95"]) == pytest.approx([75.0, 100.0])
    assert list(out["upper_95"]) == pytest.approx([84.0, 100.0])
    with pytest.raises(ValueError, match="position 0.*120 in treatment exceeds the estimate 100"):
        unmet_need(120, 100, 80, 125)
    with pytest.raises(ValueError, match="do not contain"):
        unmet_need(20, 100, 110, 125)
    with pytest.raises(ValueError, match="in_treatment at position 1"):
        unmet_need([1, -1], 100, 80, 125)


def test_interval_not_containing_estimate_named():
    with pytest.raises(
        SourceFileError, match=r"row 3: confidence interval 5100-6617 does not contain"
    ):
        read_alcohol_dependence_estimates(BAD / "alcohol_ci_excludes_estimate.csv")
