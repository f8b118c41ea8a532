"""ONS/Nomis single-year-of-age populations: real figures read by hand, banding, bad files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.ons_population import (
    PopulationError,
    adults,
    all_ages,
    combine_areas,
    population_table,
    read_mye_syoa,
    to_age_bands,
)

BAD = Path(__file__).parent / "bad_files"
MYE2020 = "ons-mye2020-utla-syoa/population20_utla20.csv"
NOMIS = "ons-pop-syoa-la-1997-2020/la_pop_estimates.csv"
CAMBRIDGESHIRE = {
    "E10000003": (
        "Cambridgeshire",
        ["E07000008", "E07000009", "E07000010", "E07000011", "E07000012"],
    )
}
# Line 77 of population20_utla20.csv, Peterborough, columns "0" .. "17", read by hand.
PETERBOROUGH_0_17 = [2768, 2828, 3062, 3126, 3193, 3312, 3337, 3396, 3384, 3068, 3019, 2937,
                     2851, 2769, 2480, 2421, 2411, 2166]  # fmt: skip


@pytest.fixture(scope="module")
def mye(shared_data):
    return read_mye_syoa(shared_data / MYE2020)


@pytest.fixture(scope="module")
def nomis(shared_data):
    return read_mye_syoa(shared_data / NOMIS, combine=CAMBRIDGESHIRE)


def _pop(frame, code, year, age):
    row = frame[(frame["area_code"] == code) & (frame["year"] == year) & (frame["age"] == age)]
    assert len(row) == 1
    return row["population"].iloc[0]


def test_mye2020_cells_read_by_hand(mye):
    assert list(mye.columns) == ["area_code", "area_name", "year", "sex", "age", "population"]
    # line 77: E06000031,Peterborough,202626.0,2768.0 (age 0) ... 1534.0 (90+)
    assert _pop(mye, "E06000031", 2020, 0) == 2768
    assert _pop(mye, "E06000031", 2020, 90) == 1534
    assert mye.groupby("area_code")["population"].sum()["E06000031"] == 202626
    assert len(mye) == 172 * 91 and set(mye["sex"]) == {"Persons"}
    assert mye.attrs["retrieved"] == "2021-06-25"


def test_adults_is_total_minus_children(mye):
    # 202,626 (total_population, line 77) - sum of ages 0-17 read by hand = 150,098
    expected = 202626 - sum(PETERBOROUGH_0_17)
    assert expected == 150098
    out = adults(mye)
    row = out[out["area_code"] == "E06000031"].iloc[0]
    assert row["population"] == expected and row["age"] == "18+ yrs"


def test_all_ages_is_the_published_total(mye):
    # line 77, column total_population: Peterborough 202,626
    row = all_ages(mye).query("area_code == 'E06000031'").iloc[0]
    assert row["population"] == 202626 and row["age"] == "All ages"


def test_esp2013_bands(mye):
    bands = to_age_bands(mye)
    peterborough = bands[bands["area_code"] == "E06000031"]
    assert list(peterborough["age"]) == [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
    # 0-4 = 2768 + 2828 + 3062 + 3126 + 3193 (ages 0-4 on line 77)
    assert peterborough["population"].iloc[0] == 2768 + 2828 + 3062 + 3126 + 3193
    assert peterborough["population"].iloc[-1] == 1534
    assert peterborough["population"].sum() == 202626


def test_nomis_districts_sum_to_the_published_county(nomis, mye):
    # Cambridgeshire made from its five districts equals the ONS county total (line 80 of
    # population20_utla20.csv: 657204.0) - two independent publications agree.
    county = nomis[(nomis["area_code"] == "E10000003") & (nomis["year"] == 2020)]
    assert county["population"].sum() == 657204
    assert county["area_name"].iloc[0] == "Cambridgeshire"
    cambs_mye = mye[mye["area_code"] == "E10000003"].set_index("age")["population"]
    assert (county.set_index("age")["population"] == cambs_mye).all()


def test_nomis_not_available_markers_are_nan_and_reported(nomis):
    # line 142: Peterborough 1997, "Age 0" = 2229; ages 85-89 and 90+ are "-" before 2001
    assert _pop(nomis, "E06000031", 1997, 0) == 2229
    assert math.isnan(_pop(nomis, "E06000031", 1997, 85))
    # line 365: Antrim and Newtownabbey 1997 is "-" in every age
    assert math.isnan(_pop(nomis, "N09000001", 1997, 30))
    notes = nomis.attrs["import_summary"].notes
    assert any("11948 cell(s) marked '-'" in n for n in notes)
    # an unknown age makes the adult total unknown, not an undercount
    adult = adults(nomis)
    assert math.isnan(
        adult.query("area_code == 'E10000003' and year == 1997")["population"].iloc[0]
    )
    everyone = all_ages(nomis).query("area_code == 'E06000031' and year == 1997")
    assert math.isnan(everyone["population"].iloc[0])  # ages 85+ unknown in 1997


def test_combine_areas_refuses_missing_parts(mye):
    # the UTLA file has no districts, so they cannot be summed
    with pytest.raises(PopulationError, match=r"part area\(s\) \['E07000008'\] not found"):
        combine_areas(mye, {"E10000099": ("Test county", ["E06000031", "E07000008"])})
    with pytest.raises(PopulationError, match=r"E10000003 is already in the population frame"):
        combine_areas(mye, CAMBRIDGESHIRE)


def test_population_table_validates(mye):
    out = population_table(mye[mye["area_code"] == "E06000031"])
    table.validate(out)
    assert out.loc[out["age"] == "0-4 yrs", "count"].iloc[0] == 14977
    assert set(out["period_sort"]) == {20200000}


def test_non_numeric_cell_named():
    with pytest.raises(SourceFileError, match=r"row 3, column 'Age 40'.*non-numeric value 'x'"):
        read_mye_syoa(BAD / "population_bad_cell.csv")


def test_missing_age_column_named():
    with pytest.raises(SourceFileError, match=r"row 1.*missing ages \[89\]"):
        read_mye_syoa(BAD / "population_missing_age.csv")
