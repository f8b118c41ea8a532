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


def test_la_export_breakdown_convention_read_by_hand(barnet):
    base = dict(area_code="E09000003", period="2019/20", sex="Persons", age="18+ yrs")
    # line 613 (2019/20, Total, Total, Total): eth_*_allintx 730, 55, 110, 90, 80 over 1105
    eth = barnet[
        (barnet["indicator_id"] == "ndtms:in_treatment")
        & (barnet["category_type"] == "Ethnic group")
        & (barnet["area_code"] == "E09000003")
        & (barnet["period"] == "2019/20")
        & (barnet["sex"] == "Persons")
        & (barnet["age"] == "18+ yrs")
    ].set_index("category")
    assert eth["count"].to_dict() == {"White": 730, "Mixed": 55, "Asian": 110, "Black": 90,
                                      "Other": 80}  # fmt: skip
    assert set(eth["denominator"]) == {1105}  # the headline, so shares are count / 1105
    # exits: ViewIt has no total; DANA sums the 14 reasons on line 613:
    # 265 successful + 10 died + 180 dropped out + 5 prison + 30 + 15 transferred + 5 declined
    exits = _one(barnet, indicator_id="ndtms:exits", category_type="", **base)
    assert exits["count"] == 510 and "Sum of the 14 published exit reason" in exits["value_note"]
    died = _one(barnet, indicator_id="ndtms:exits", category="Died", **base)
    assert died["count"] == 10 and died["denominator"] == 510
    # waits to first intervention, line 613: 670 + 0 + 0 (their own total, not the 585 new)
    waits = _one(barnet, indicator_id="ndtms:first_interventions", category_type="", **base)
    assert waits["count"] == 670
    # Sex breakdown from lines 605 (F, Total) and 609 (M, Total): 295 and 810 of 1105
    women = _one(barnet, indicator_id="ndtms:in_treatment", category_type="Sex",
                 category="Female", **base)  # fmt: skip
    assert (women["count"], women["denominator"]) == (295, 1105)
    men = _one(barnet, indicator_id="ndtms:new_presentations", category_type="Sex",
               category="Male", **base)  # fmt: skip
    assert (men["count"], men["denominator"]) == (430, 585)
    # injecting status of new presentations, line 613: never 495 of 585
    never = _one(barnet, indicator_id="ndtms:new_presentations", category="Never injected", **base)
    assert never["category_type"] == "Injecting status" and never["denominator"] == 585


def test_la_export_nothing_dropped_and_nulls_kept(barnet):
    # 780 data lines x 239 measure columns, every cell a row; plus the headlines ViewIt
    # leaves out (exits, first and subsequent interventions: 3 x 780) and the Sex and Age
    # band rows (13 years x 5 drug groups x 2 measures x (2 sexes + 3 age bands) = 650)
    assert len(barnet) == 780 * 239 + 3 * 780 + 650
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
    # 780 lines x 6 measures, plus Sex and Age band rows of the in-treatment headline
    # (13 years x 5 drug groups x (2 + 3))
    assert len(england) == 780 * 6 + 13 * 5 * 5


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
    # 2 rows x 2 measures (nothing dropped) + the women's Sex rows (NaN: their cells are)
    assert len(out) == 6
    sex_rows = out[out["category_type"] == "Sex"]
    assert sex_rows["category"].tolist() == ["Female", "Female"]
    assert sex_rows["count"].isna().all() and (sex_rows["denominator"] == [1100, None]).iloc[0]
    by = out[out["category_type"] == ""].set_index(["indicator_id", "sex"])
    new_persons = by.loc[("ndtms:new_presentations", "Persons")]
    assert math.isnan(new_persons["count"]) and "(*)" in new_persons["value_note"]
    assert "(..)" in by.loc[("ndtms:in_treatment", "Female"), "value_note"]
    assert by.loc[("ndtms:new_presentations", "Female"), "value_note"] == NULL_NOTE
    kept = by.loc[("ndtms:in_treatment", "Persons")]
    assert kept["count"] == 1100 and kept["value_note"] == ROUNDED_NOTE
    notes = out.attrs["import_summary"].notes
    assert any("1 NULL cell(s)" in n for n in notes)
    assert any("2 suppressed or not-available cell(s)" in n for n in notes)
