"""NDTMS ViewIt exports: real cells read by hand, area lookup, bad files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.ndtms import NULL_NOTE, ROUNDED_NOTE, read_viewit_export

BAD = Path(__file__).parent / "bad_files"
LAS = "ndtms-sdg-3-5-1/ViewIt Export Data_LAs.csv"
ENGLAND = "ndtms-sdg-3-5-1/ViewIt Export Data_England.csv"
LOOKUP = "ndtms-dat-lookup/geography_match.csv"


@pytest.fixture(scope="module")
def barnet(shared_data):
    return read_viewit_export(shared_data / LAS, shared_data / LOOKUP)


def _one(frame, **where):
    mask = True
    for column, value in where.items():
        mask = mask & (frame[column] == value)
    row = frame[mask]
    assert len(row) == 1, where
    return row.iloc[0]


def test_la_export_cells_read_by_hand(barnet):
    table.validate(barnet)
    base = dict(area_code="E09000003", period="2019/20", sex="Persons", age="18+ yrs")
    # line 613: 2019/20,Barnet,Total,Total,Total, intreatment_allintx 1105, newpresentation_newtx 585
    total = _one(barnet, indicator_id="ndtms:in_treatment", category_type="", **base)
    assert total["count"] == 1105 and total["value"] == 1105
    assert total["value_note"] == ROUNDED_NOTE and total["area_name"] == "Barnet"
    assert (
        _one(barnet, indicator_id="ndtms:new_presentations", category_type="", **base)["count"]
        == 585
    )
    # same line, eth_white_allintx 730, eth_asian_allintx 110
    white = _one(barnet, indicator_id="ndtms:in_treatment", category="White", **base)
    assert white["count"] == 730 and white["category_type"] == "Ethnic group"
    assert _one(barnet, indicator_id="ndtms:in_treatment", category="Asian", **base)["count"] == 110
    # same line, scnr_intreatment/completion/representation/scrn = 1080, 255, 25, 230
    c19 = [_one(barnet, indicator_id=f"ndtms:{m}", **base)["count"] for m in (
        "successful_completion_window_in_treatment", "successful_completions",
        "successful_completions_representing", "successful_completions_not_representing")]  # fmt: skip
    assert c19 == [1080, 255, 25, 230]
    # line 744: 2021/22,Barnet,F,30-49,Opiate, intreatment_allintx 85, newpresentation_newtx 30
    women = dict(
        area_code="E09000003", period="2021/22", sex="Female", age="30-49 yrs", category_type=""
    )
    assert _one(barnet, indicator_id="ndtms:in_treatment:opiate", **women)["count"] == 85
    assert _one(barnet, indicator_id="ndtms:new_presentations:opiate", **women)["count"] == 30


def test_la_export_nothing_dropped_and_nulls_kept(barnet):
    # 780 data lines x 239 measure columns, every cell a row
    assert len(barnet) == 780 * 239
    nulls = barnet[barnet["value"].isna()]
    assert len(nulls) == 17280 and set(nulls["value_note"]) == {NULL_NOTE}
    assert any("17280 NULL cell(s)" in n for n in barnet.attrs["import_summary"].notes)
    assert (barnet["count"].dropna() % 5 == 0).all()  # rounded to 5, as the note says
    assert set(barnet["period_sort"]) == {y * 10000 for y in range(2009, 2022)}


def test_england_export_not_rounded(shared_data):
    england = read_viewit_export(shared_data / ENGLAND)
    table.validate(england)
    base = dict(area_code="E92000001", period="2009/10", sex="Persons", age="18+ yrs")
    # line 2: 2009/10,England,Total,Total,Total,311668,272788 (in treatment, White)
    total = _one(england, indicator_id="ndtms:in_treatment", category_type="", **base)
    assert total["count"] == 311668 and total["value_note"] == ""
    assert (
        _one(england, indicator_id="ndtms:in_treatment", category="White", **base)["count"]
        == 272788
    )
    assert len(england) == 780 * 6


def test_unknown_area_named(shared_data):
    with pytest.raises(SourceFileError, match=r"row 3, column 'Area'.*'Nowhere' cannot be mapped"):
        read_viewit_export(BAD / "viewit_unknown_area.csv", shared_data / LOOKUP)
    with pytest.raises(SourceFileError, match=r"row 2, column 'Area'.*'Barnet'.*pass lookup="):
        read_viewit_export(BAD / "viewit_unknown_area.csv")
    out = read_viewit_export(
        BAD / "viewit_unknown_area.csv", {"Barnet": "E09000003", "Nowhere": "E09000099"}
    )
    assert set(out["area_code"]) == {"E09000003", "E09000099"}


def test_unknown_column_and_non_numeric_named():
    with pytest.raises(
        SourceFileError, match=r"row 1, column 'mystery_field'.*unrecognised ViewIt"
    ):
        read_viewit_export(BAD / "viewit_unknown_column.csv")
    with pytest.raises(
        SourceFileError,
        match=r"row 3, column 'newpresentation_newtx'.*non-numeric value 'about 200'",
    ):
        read_viewit_export(BAD / "viewit_non_numeric.csv")


def test_suppression_markers_become_nan_with_a_note(tmp_path):
    path = tmp_path / "viewit.csv"
    path.write_text(
        "ReportingPeriod,Area,sex,age_group,drug_group,intreatment_allintx,newpresentation_newtx\n"
        "2021/22,England,Total,Total,Total,1100,*\n"
        "2021/22,England,F,Total,Total,..,NULL\n"
    )
    out = read_viewit_export(path)
    assert len(out) == 4  # 2 rows x 2 measures: nothing dropped
    by = out.set_index(["indicator_id", "sex"])
    new_persons = by.loc[("ndtms:new_presentations", "Persons")]
    assert math.isnan(new_persons["count"]) and "(*)" in new_persons["value_note"]
    assert "(..)" in by.loc[("ndtms:in_treatment", "Female"), "value_note"]
    assert by.loc[("ndtms:new_presentations", "Female"), "value_note"] == NULL_NOTE
    kept = by.loc[("ndtms:in_treatment", "Persons")]
    assert kept["count"] == 1100 and kept["value_note"] == ROUNDED_NOTE
    notes = out.attrs["import_summary"].notes
    assert any("1 NULL cell(s)" in n for n in notes)
    assert any("2 suppressed or not-available cell(s)" in n for n in notes)
