"""IoD summaries: File 11 (UTLA, XLSX) and File 10 (LAD, long CSV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.imd import read_imd_lad, read_imd_utla

BAD = Path(__file__).parent / "bad_files"
FILE11 = "imd2019-utla/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx"


def _value(frame, code, indicator):
    row = frame[(frame["area_code"] == code) & (frame["indicator_id"] == indicator)]
    assert len(row) == 1
    return row["value"].iloc[0]


@pytest.fixture(scope="module")
def utla(shared_data):
    return read_imd_utla(shared_data / FILE11)


def test_file11_cells_read_by_hand(utla):
    table.validate(utla)
    # sheet "IMD", row for E10000003 Cambridgeshire: average rank 11426.31, rank 129,
    # average score 13.858, rank of average score 132, extent 0.0471, rank of extent 127
    assert _value(utla, "E10000003", "imd2019:imd:average_rank") == 11426.31
    assert _value(utla, "E10000003", "imd2019:imd:rank_average_rank") == 129
    assert _value(utla, "E10000003", "imd2019:imd:average_score") == 13.858
    assert _value(utla, "E10000003", "imd2019:imd:rank_average_score") == 132
    assert _value(utla, "E10000003", "imd2019:imd:extent") == 0.0471
    assert _value(utla, "E10000003", "imd2019:imd:rank_extent") == 127
    # sheet "IMD", E06000031 Peterborough: average score 27.821
    assert _value(utla, "E06000031", "imd2019:imd:average_score") == 27.821
    # sheet "Health", Cambridgeshire average score -0.595 (scores can be negative)
    assert _value(utla, "E10000003", "imd2019:health:average_score") == -0.595
    # sheet "Income", "Income scale" for Cambridgeshire: 50773
    assert _value(utla, "E10000003", "imd2019:income:scale") == 50773
    row = utla[utla["indicator_id"] == "imd2019:imd:average_score"].iloc[0]
    assert (row["value_type"], row["period"], row["period_sort"]) == ("score", "2019", 20190000)
    assert row["retrieved"] == "2019-09-26"


def test_file11_every_domain_sheet_and_notes_skipped(utla):
    assert utla["area_code"].nunique() == 151
    domains = {i.split(":")[1] for i in utla["indicator_id"]}
    assert domains == {"imd", "income", "employment", "education", "health", "crime",
                       "barriers", "living_environment", "idaci", "idaopi"}  # fmt: skip
    assert utla.attrs["import_summary"].notes == [
        "worksheet 'Notes' is not a domain table; not read"
    ]


def test_file10_lad_2019_and_2025(shared_data):
    lad19 = read_imd_lad(shared_data / "imd-lad-2019-2025/IoD2019.csv")
    # line 30: E06000031,Peterborough,Index of Multiple Deprivation,20858.96,53,27.821...,51,0.1429,65,2019
    assert _value(lad19, "E06000031", "imd2019:imd:average_score") == pytest.approx(27.821)
    assert _value(lad19, "E06000031", "imd2019:imd:rank_average_score") == 51
    assert _value(lad19, "E06000031", "imd2019:imd:proportion_most_deprived_10pc") == 0.1429
    assert set(lad19["area_type"]) == {"ltla"} and len(lad19) == 3170 * 6
    lad25 = read_imd_lad(shared_data / "imd-lad-2019-2025/indices_of_deprivation_2025_lad.csv")
    # E06000031 Peterborough, IMD 2025: average score 27.799, rank of average score 54
    assert _value(lad25, "E06000031", "imd2025:imd:average_score") == 27.799
    assert _value(lad25, "E06000031", "imd2025:imd:rank_average_score") == 54
    assert set(lad25["period"]) == {"2025"}


def test_blank_score_named():
    with pytest.raises(SourceFileError, match=r"row 3, column 'average_score'.*empty cell"):
        read_imd_lad(BAD / "imd_lad_blank_score.csv")


def test_unknown_file11_column_named(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "IMD"
    sheet.append(["Upper Tier code", "Upper Tier name", "IMD - Average score", "IMD - Mystery"])
    sheet.append(["E06000031", "Peterborough", 27.821, 1])
    path = tmp_path / "file11.xlsx"
    book.save(path)
    with pytest.raises(
        SourceFileError, match=r"row 1, column 'IMD - Mystery'.*unrecognised column"
    ):
        read_imd_utla(path)


def test_unknown_lad_domain_names_its_row(tmp_path):
    lines = (BAD / "imd_lad_blank_score.csv").read_text().splitlines()
    header, first = lines[0], lines[1]
    domain_at = header.split(",").index("index_domain")
    cells = first.split(",")
    cells[domain_at] = "Made-up domain"
    path = tmp_path / "lad.csv"
    path.write_text("\n".join([header, first, ",".join(cells)]) + "\n")
    with pytest.raises(SourceFileError, match=r"row 3, column 'index_domain'.*'Made-up domain'"):
        read_imd_lad(path)
