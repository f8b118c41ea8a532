"""Generic local-data template: the shipped template, CSV and XLSX, and every error kind."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.local import read_indicator_file

BAD = Path(__file__).parent / "bad_files"


def _template() -> Path:
    return Path(
        str(resources.files("dana") / "data" / "templates" / "local_indicator_template.csv")
    )


def test_shipped_template_reads_and_fills_defaults():
    out = read_indicator_file(_template())
    table.validate(out)
    police = out[out["indicator_id"] == "local:police_drug_offences"].iloc[0]
    # a count alone is its own value; defaults: multiplier 1, unit "count", area type from code
    assert (police["value"], police["multiplier"], police["unit"]) == (123, 1, "count")
    assert (police["area_type"], police["period_sort"]) == ("utla", 20210000)
    survey = out[out["indicator_id"] == "local:school_survey_drank_last_week"].iloc[0]
    assert survey["value"] == 5.0 and survey["unit"] == "%" and survey["period_sort"] == 20220000


def test_count_and_denominator_give_wilson_proportion():
    out = read_indicator_file(_template())
    hclic = out[out["indicator_id"] == "local:hclic_drug_dependency_support_need"].iloc[0]
    # 45 / 900 = 5%. Wilson 95% by hand, z = 1.959964:
    #   (2*45 + z^2 -/+ z*sqrt(z^2 + 4*45*(1 - 45/900))) / (2*(900 + z^2))
    z = 1.959964
    root = z * math.sqrt(z**2 + 4 * 45 * (1 - 45 / 900))
    lower = (2 * 45 + z**2 - root) / (2 * (900 + z**2)) * 100
    upper = (2 * 45 + z**2 + root) / (2 * (900 + z**2)) * 100
    assert hclic["value"] == pytest.approx(5.0)
    assert hclic["lower_95"] == pytest.approx(lower, rel=1e-5)  # 3.7576
    assert hclic["upper_95"] == pytest.approx(upper, rel=1e-5)  # 6.6249
    assert hclic["multiplier"] == 100


def test_xlsx_rows_are_numbered_as_in_excel(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator_id", "area_code", "period", "count", "sex", "age"])
    sheet.append(["local:offences", "E06000031", "2020", 12, "M", "18+ yrs"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["local:offences", "E06000031", "2020", "twelve", "F", "18+ yrs"])
    path = tmp_path / "local.xlsx"
    book.save(path)
    with pytest.raises(SourceFileError, match=r"local.xlsx, row 4, column 'count'.*'twelve'"):
        read_indicator_file(path)
    sheet["D4"] = 7
    book.save(path)
    out = read_indicator_file(path)
    assert list(out["sex"]) == ["Male", "Female"] and list(out["count"]) == [12, 7]
    assert any("1 empty row(s) ignored (row 3)" in n for n in out.attrs["import_summary"].notes)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("local_bad_indicator_id.csv", r"row 3, column 'indicator_id'.*'Police Offences' is not"),
        (
            "local_bad_area_code.csv",
            r"row 3, column 'area_code'.*'Peterborough' is not a GSS area code",
        ),
        ("local_count_above_denominator.csv", r"row 3, column 'count'.*above the denominator"),
        ("local_negative_count.csv", r"row 2, column 'count'.*negative count"),
        ("local_non_numeric.csv", r"row 3, column 'count'.*non-numeric value 'twelve'"),
        (
            "local_duplicate_rows.csv",
            r"row 2:.*duplicate row.*area_code='E06000031'.*also on row\(s\) 4",
        ),
        ("local_missing_area_code.csv", r"row 1:.*missing required column\(s\) \['area_code'\]"),
        (
            "local_bad_period.csv",
            r"row 2, column 'period'.*financial year '2021/23' should end in 22",
        ),
    ],
)
def test_bad_files_name_the_place(name, message):
    with pytest.raises(SourceFileError, match=message) as info:
        read_indicator_file(BAD / name)
    assert name in str(info.value)


def test_denominator_without_value_type_is_an_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        "indicator_id,area_code,period,count,denominator\nlocal:x,E06000031,2020,1,10\n"
    )
    with pytest.raises(SourceFileError, match=r"row 2, column 'value_type'.*required"):
        read_indicator_file(path)


def test_suppressed_count_is_kept_with_a_note_and_extra_cell_is_named(tmp_path):
    header = "indicator_id,area_code,period,count,denominator,value_type\n"
    path = tmp_path / "local.csv"
    path.write_text(
        header + "local:x,E06000031,2021/22,*,100,proportion\n"
        'local:x,E06000031,2020/21,"1,234","10,000",proportion\n'
    )
    out = read_indicator_file(path).set_index("period")
    assert math.isnan(out.loc["2021/22", "count"]) and math.isnan(out.loc["2021/22", "value"])
    assert "(*)" in out.loc["2021/22", "value_note"]
    assert out.loc["2020/21", "value"] == pytest.approx(12.34)  # 1,234 / 10,000 * 100
    extra = tmp_path / "extra.csv"
    extra.write_text(header + "local:x,E06000031,2021/22,10,100,proportion,oops\n")
    with pytest.raises(SourceFileError, match=r"row 2: row has 7 cells but the header names 6"):
        read_indicator_file(extra)
