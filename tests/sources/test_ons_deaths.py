"""ONS drug-poisoning deaths by LA: real file figures read by hand, and bad files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.ons_deaths import INDICATOR_ID, read_drug_poisoning_by_la

BAD = Path(__file__).parent / "bad_files"
FILE = "ons-drug-poisoning-la-1993-2020/drug_poisoning_registrations_by_LA.csv"


@pytest.fixture(scope="module")
def deaths(shared_data):
    return read_drug_poisoning_by_la(shared_data / FILE)


def _cell(frame, code, year):
    row = frame[(frame["area_code"] == code) & (frame["period"] == str(year))]
    assert len(row) == 1
    return row.iloc[0]


def test_figures_read_by_hand(deaths):
    table.validate(deaths)
    # line 169: E10000003,Cambridgeshire,32,40,44,35,... (columns 2020, 2019, 2018, 2017)
    assert [_cell(deaths, "E10000003", y)["count"] for y in (2020, 2019, 2018, 2017)] == [
        32,
        40,
        44,
        35,
    ]
    # line 3: E92000001,ENGLAND,4312 (2020) ... 2069 (1993, last column)
    england = _cell(deaths, "E92000001", 2020)
    assert england["value"] == 4312 and england["area_type"] == "england"
    assert _cell(deaths, "E92000001", 1993)["count"] == 2069
    # line 203 (cp1252 byte 0x92 = right single quote): King's Lynn 2020 = 11
    lynn = _cell(deaths, "E07000146", 2020)
    assert lynn["area_name"] == "King\u2019s Lynn and West Norfolk" and lynn["count"] == 11


def test_shape_and_contract_labels(deaths):
    # 375 areas x 28 registration years (1993-2020), nothing dropped
    assert len(deaths) == 375 * 28
    assert set(deaths["indicator_id"]) == {INDICATOR_ID}
    row = _cell(deaths, "E12000006", 2020)  # line 211: EAST, 386
    assert (row["count"], row["area_type"], row["parent_code"]) == (386, "region", "E92000001")
    assert row["period_sort"] == 20200000 and row["value_type"] == "count"
    assert _cell(deaths, "E10000003", 2020)["area_type"] == "utla"
    assert _cell(deaths, "E07000008", 2020)["area_type"] == "ltla"
    assert deaths["retrieved"].iloc[0] == "2021-10-19"


def test_england_only_reports_what_it_leaves_out(shared_data):
    out = read_drug_poisoning_by_la(shared_data / FILE, england_only=True)
    # K04 England and Wales + W92 Wales + 22 Welsh UAs = 24 areas outside England
    assert len(out) == (375 - 24) * 28
    notes = out.attrs["import_summary"].notes
    assert any("24 area(s) outside England" in n and "W92000004 WALES" in n for n in notes)


def test_non_numeric_cell_named():
    with pytest.raises(SourceFileError, match=r"row 3, column '2019'.*non-numeric value 'n/a'"):
        read_drug_poisoning_by_la(BAD / "drug_poisoning_non_numeric.csv")


def test_bad_area_code_named():
    with pytest.raises(SourceFileError, match=r"row 3, column 'code'.*'E0999' is not a GSS"):
        read_drug_poisoning_by_la(BAD / "drug_poisoning_bad_code.csv")


def test_cp1252_file_is_decoded(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        "code,name,2020\nE07000146,King\u2019s Lynn and West Norfolk,11\n".encode("cp1252")
    )
    out = read_drug_poisoning_by_la(path)
    assert out["area_name"].iloc[0] == "King\u2019s Lynn and West Norfolk"
    assert out["retrieved"].iloc[0] == "2021-10-19"


@pytest.mark.parametrize("marker", ["*", "..", ":", "[x]"])
def test_suppression_marker_becomes_no_count_with_a_note(tmp_path, marker):
    path = tmp_path / "marked.csv"
    path.write_text(f"code,name,2020,2019\nE92000001,ENGLAND,4312,4115\nE06000031,P,{marker},18\n")
    out = read_drug_poisoning_by_la(path)
    assert len(out) == 4  # the marked cell is a row, not dropped
    marked = out[(out["area_code"] == "E06000031") & (out["period"] == "2020")].iloc[0]
    assert math.isnan(marked["count"]) and math.isnan(marked["value"])
    assert f"({marker})" in marked["value_note"]
    other = out[(out["area_code"] == "E06000031") & (out["period"] == "2019")].iloc[0]
    assert other["count"] == 18 and other["value_note"] == ""
    assert any("1 cell(s) marked" in n for n in out.attrs["import_summary"].notes)


def test_extra_cell_totals_row_and_blank_line_are_named(tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("code,name,2020\nE92000001,ENGLAND,4,312\n")  # unquoted "4,312"
    with pytest.raises(SourceFileError, match=r"row 2: row has 4 cells but the header names 3"):
        read_drug_poisoning_by_la(extra)
    totals = tmp_path / "totals.csv"
    totals.write_text("code,name,2020\nE92000001,ENGLAND,4312\n,Total,4312\n")
    with pytest.raises(SourceFileError, match=r"row 3, column 'code'.*totals or notes row"):
        read_drug_poisoning_by_la(totals)
    blank = tmp_path / "blank.csv"
    blank.write_text('code,name,2020\nE92000001,ENGLAND,"4,312"\n\nE06000031,P,20\n')
    out = read_drug_poisoning_by_la(blank)
    assert list(out["count"]) == [20.0, 4312.0]  # "4,312" read; rows sorted by area code
    assert "1 empty row(s) ignored (row 3)" in out.attrs["import_summary"].notes
