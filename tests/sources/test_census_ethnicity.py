"""Census ethnic group importers on the real ONS files (cells read by hand)."""

from __future__ import annotations

import pytest

from dana import table
from dana.breakdowns import breakdown_problems
from dana.sources.census_ethnicity import read_census_ethnic_group, share_not_white_british

C2021 = "ons-census2021-ethnic-group-ltla21/ethnicity21_ltla21.csv"
C2011 = "ons-census2011-ethnic-group-lad11/la-ethnic-groups.csv"
pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def census2021(shared_data):
    return read_census_ethnic_group(shared_data / C2021)


def _cell(frame, area, category_type, category):
    rows = frame[
        (frame["area_code"] == area)
        & (frame["category_type"] == category_type)
        & (frame["category"] == category)
    ]
    assert len(rows) == 1, (area, category_type, category)
    return rows.iloc[0]


def test_2021_cells_and_county_sums_by_hand(census2021):
    table.validate(census2021)
    # line 2256: Cambridge White British 77,195; line 2246: Cambridge Indian 5,916
    wb = "English, Welsh, Scottish, Northern Irish or British"
    assert _cell(census2021, "E07000008", "Census 2021 ethnic group", wb)["count"] == 77195
    # Cambridgeshire = its five districts; PROVENANCE: the 19 counts sum to 678,847
    county = _cell(census2021, "E10000003", "", "")
    assert county["count"] == 678847 and county["area_type"] == "utla"
    # Indian: Cambridge 5,916 + East Cambs 537 + Fenland 387 + Hunts 1,779 + South Cambs 4,205
    indian = _cell(census2021, "E10000003", "Census 2021 ethnic group", "Indian")
    assert indian["count"] == 5916 + 537 + 387 + 1779 + 4205
    assert indian["denominator"] == 678847
    # Peterborough (PROVENANCE): 19 counts sum to 215,670
    assert _cell(census2021, "E06000031", "", "")["count"] == 215670


def test_2021_broad_groups_are_parts_of_the_total(census2021):
    assert breakdown_problems(census2021) == []  # both breakdowns sum exactly to the total
    broad = census2021[
        (census2021["area_code"] == "E92000001") & (census2021["category_type"] == "Ethnic group")
    ]
    assert sorted(broad["category"]) == ["Asian", "Black", "Mixed", "Other", "White"]
    assert broad["count"].sum() == _cell(census2021, "E92000001", "", "")["count"]
    # England 2021 usual residents: 56,490,048 published; the 19 counts differ slightly
    assert _cell(census2021, "E92000001", "", "")["count"] == pytest.approx(56_490_048, abs=50)


def test_share_not_white_british(census2021):
    share = share_not_white_british(census2021)
    # Peterborough: line 1078 White British 128,353 of 215,670
    assert share["E06000031"] == pytest.approx(100 * (215670 - 128353) / 215670)


def test_2011_nomis_layout_and_former_districts(shared_data):
    frame = read_census_ethnic_group(shared_data / C2011)
    table.validate(frame)
    assert breakdown_problems(frame) == []
    # line 147: Peterborough all 183,631; Asian subtotal 21,492; Pakistani 12,078
    assert _cell(frame, "E06000031", "", "")["count"] == 183631
    assert _cell(frame, "E06000031", "Ethnic group", "Asian")["count"] == 21492
    assert _cell(frame, "E06000031", "Census 2011 ethnic group", "Pakistani")["count"] == 12078
    # PROVENANCE: Cambridgeshire = E07000008-12 = 621,210 usual residents
    assert _cell(frame, "E10000003", "", "")["count"] == 621210
    # 2011 codes summed to today's authorities: Bournemouth + Poole + Christchurch -> BCP
    bcp = _cell(frame, "E06000058", "", "")["count"]
    parts = [_cell(frame, c, "", "")["count"] for c in ("E06000028", "E06000029", "E07000048")]
    assert bcp == sum(parts)


def test_2011_subtotal_not_the_sum_of_its_categories_is_named(shared_data, tmp_path):
    from dana.sources.errors import SourceFileError

    lines = (shared_data / C2011).read_text(encoding="utf-8").splitlines()
    # line 2 (Darlington): Asian subtotal 2,205 = 726 + 145 + 523 + 349 + 462; make it 2,305
    assert ",2205," in lines[1]
    lines[1] = lines[1].replace(",2205,", ",2305,")
    bad = tmp_path / "la-ethnic-groups.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as caught:
        read_census_ethnic_group(bad)
    assert str(caught.value) == (
        f"{bad}, row 2, column 'Ethnic Group: Asian; measures: Value': the Asian categories"
        " add up to 2205, not the Asian subtotal 2305"
    )
