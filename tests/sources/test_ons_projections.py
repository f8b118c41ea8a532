"""ONS SNPP importer on a fixture authored in the published layout (invented values)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dana import table
from dana.sources.errors import SourceFileError
from dana.sources.ons_projections import projection_table, read_snpp

FIXTURE = Path(__file__).parent / "fixtures" / "snpp_2018_population.csv"


@pytest.fixture(scope="module")
def projection():
    return read_snpp(FIXTURE, area_code="E06000031", base_year=2018)


def test_layout_read_cell_by_cell(projection):
    # fixture line 2: E06000031,Peterborough,Population,males,0,811,818,...
    first = projection[
        (projection["area_code"] == "E06000031")
        & (projection["sex"] == "Male")
        & (projection["age"] == 0)
    ].set_index("year")["population"]
    assert (first[2018], first[2019]) == (811, 818)
    assert set(projection["base_year"]) == {2018}
    assert projection["year"].min() == 2018 and projection["year"].max() == 2043
    assert sorted(projection["age"].unique()) == list(range(91))  # 90 = 90 and over
    # 2 areas x 2 sexes x 91 single ages x 26 years; the All ages rows are checked, not kept
    assert len(projection) == 2 * 2 * 91 * 26


def test_indicator_rows_sum_single_ages(projection):
    rows = projection_table(projection)
    table.validate(rows)
    men = rows[(rows["area_code"] == "E06000031") & (rows["sex"] == "Male")].set_index(
        ["indicator_id", "period"]
    )["value"]
    ages = projection[(projection["area_code"] == "E06000031") & (projection["sex"] == "Male")]
    y2030 = ages[ages["year"] == 2030]
    assert men[("ons:population_projection_all_ages", "2030")] == y2030["population"].sum()
    assert men[("ons:population_projection_18_plus", "2030")] == (
        y2030.loc[y2030["age"] >= 18, "population"].sum()
    )
    # parts and whole agree: under 18 + 18+ = all ages, every year
    assert (
        men[("ons:population_projection_under_18", "2030")]
        + men[("ons:population_projection_18_plus", "2030")]
        == men[("ons:population_projection_all_ages", "2030")]
    )


def test_all_ages_row_must_be_the_sum(tmp_path):
    text = FIXTURE.read_text().splitlines()
    # line 93 is Peterborough males "All ages"; change its 2020 figure
    cells = text[92].split(",")
    assert cells[4] == "All ages"
    cells[7] = str(int(cells[7]) + 10)
    text[92] = ",".join(cells)
    bad = tmp_path / "snpp.csv"
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(SourceFileError, match=r"row 93, column '2020': 'All ages' \d+ is not"):
        read_snpp(bad)


def test_components_file_refused(tmp_path):
    bad = tmp_path / "births.csv"
    bad.write_text(
        "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2018,2019\n"
        "E06000031,Peterborough,Births,males,0,1500,1490\n"
    )
    with pytest.raises(SourceFileError, match=r"row 2, column 'COMPONENT'.*'Births'"):
        read_snpp(bad)
