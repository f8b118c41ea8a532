"""The packaged area hierarchy and boundary-change table."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from dana.areas import (
    FINGERTIPS_AREA_TYPES,
    AreaError,
    fingertips_area_type_for,
    load_areas,
)


@pytest.fixture(scope="module")
def areas():
    return load_areas()


def test_counts_of_current_areas(areas):
    assert areas.get("E92000001").area_type == "england"
    assert len(areas.regions()) == 9
    utlas = areas.utlas()
    # 153 counties & unitary authorities from April 2023 (21 counties, 62 UAs,
    # 36 metropolitan districts, 32 London boroughs + City of London + Isles of Scilly).
    assert len(utlas) == 153
    prefixes = Counter(a.code[:3] for a in utlas)
    assert prefixes == {"E06": 63, "E08": 36, "E09": 33, "E10": 21}
    per_region = Counter(a.parent_code for a in utlas)
    assert per_region["E12000007"] == 33  # London
    assert per_region["E12000006"] == 11  # East of England


def test_cambridgeshire_districts_and_parents(areas):
    assert [a.code for a in areas.children("E10000003")] == [
        "E07000008",
        "E07000009",
        "E07000010",
        "E07000011",
        "E07000012",
    ]
    assert areas.get("E07000008").name == "Cambridge"
    assert areas.parent("E07000011").code == "E10000003"
    assert areas.region_of("E07000011").code == "E12000006"
    assert areas.region_of("E06000031").name == "East of England"
    assert areas.parent("E92000001") is None
    with pytest.raises(AreaError, match="E92000001 is England, which has no region"):
        areas.region_of("E92000001")


def test_resolve_names_and_codes(areas):
    assert areas.resolve("Peterborough").code == "E06000031"
    assert areas.resolve(" e06000031 ").code == "E06000031"
    assert areas.resolve("bristol").code == "E06000023"  # "Bristol, City of"
    assert areas.resolve("St Helens").code == "E08000013"
    assert areas.resolve("Somerset").code == "E06000066"  # current, not the 2023 county
    assert areas.resolve("Northamptonshire").code == "E10000021"  # only a historic area


def test_unknown_area_suggests_close_matches(areas):
    with pytest.raises(
        AreaError, match=r"unknown area 'Peterbrough'; did you mean Peterborough \(E06000031\)"
    ):
        areas.resolve("Peterbrough")
    with pytest.raises(AreaError, match="unknown area 'E06000099'"):
        areas.get("E06000099")


def test_splits_map_both_ways(areas):
    assert areas.current_codes_for("E10000021") == ["E06000061", "E06000062"]
    assert areas.current_codes_for("E10000006") == ["E06000063", "E06000064"]
    assert areas.historic_codes_for("E06000061") == ["E10000021"]
    assert areas.historic_codes_for("E06000064") == ["E10000006"]
    assert not areas.get("E10000021").is_current
    assert areas.get("E10000021").valid_to == date(2021, 3, 31)
    assert areas.get("E06000061").valid_from == date(2021, 4, 1)


def test_recodes_and_merges(areas):
    assert areas.current_codes_for("E10000023") == ["E06000065"]
    assert areas.current_codes_for("E10000027") == ["E06000066"]
    assert areas.current_codes_for("E10000002") == ["E06000060"]
    assert areas.current_codes_for("E08000020") == ["E08000037"]
    assert areas.current_codes_for("E06000048") == ["E06000057"]
    assert areas.current_codes_for("E10000009") == ["E06000058", "E06000059"]
    assert areas.historic_codes_for("E06000058") == ["E06000028", "E06000029", "E10000009"]
    assert areas.current_codes_for("E06000031") == ["E06000031"]
    assert areas.historic_codes_for("E06000031") == []
    kinds = {c.change_type for c in areas.changes_for("E10000009")}
    assert kinds == {"part"}


def test_historic_districts_are_not_current_children(areas):
    assert areas.children("E10000021") == []
    old = [a.code for a in areas.children("E10000021", include_historic=True)]
    assert old == [f"E0700015{i}" for i in range(7)]
    assert all(a.area_type == "utla" for a in areas.utlas(include_historic=True))
    assert len(areas.utlas(include_historic=True)) == 163


def test_fingertips_area_type_vintages():
    assert fingertips_area_type_for("utla") == 502
    assert fingertips_area_type_for("ltla") == 501
    assert fingertips_area_type_for("utla", 2018) == 102
    assert fingertips_area_type_for("utla", 2019) == 202
    assert fingertips_area_type_for("utla", 2020) == 302
    assert fingertips_area_type_for("utla", 2022) == 402
    assert fingertips_area_type_for("ltla", 2021) == 401
    assert fingertips_area_type_for("utla", 2024) == 502
    assert fingertips_area_type_for("region", 2010) == 6
    assert fingertips_area_type_for("england") == 15
    assert set(FINGERTIPS_AREA_TYPES) == {15, 6, 102, 202, 302, 402, 502, 101, 201, 301, 401, 501}
    with pytest.raises(ValueError, match="unknown area type"):
        fingertips_area_type_for("county")


def test_bad_user_table_names_the_row(tmp_path):
    bad = tmp_path / "areas.csv"
    bad.write_text(
        "code,name,area_type,parent_code,valid_from,valid_to\n"
        "E92000001,England,england,,,\nE12000001,North East,region,E92000001,,\n"
        "E06000001,Hartlepool,utla,E12000099,,\n"
    )
    changes = tmp_path / "changes.csv"
    changes.write_text(
        "effective,old_code,old_name,new_code,new_name,change_type,legislation,verification\n"
    )
    with pytest.raises(ValueError, match=r"E06000001 \(Hartlepool\): parent 'E12000099'"):
        load_areas(bad, changes)
    bad.write_text("code,name,area_type,parent_code,valid_from,valid_to\nX1,England,england,,,\n")
    with pytest.raises(ValueError, match="row 1: 'X1' is not an English GSS code"):
        load_areas(bad, changes)


# --- cross-checks against the real ONS / OHID reference files ------------------------------


def _csv_rows(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding) as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared
def test_codes_and_names_agree_with_ons_lad22_lookup(shared_data, areas):
    lookup = _csv_rows(
        shared_data
        / "ons-lad22-rgn22-lookup"
        / "Local_Authority_District_to_Region_Lookup_England.csv"
    )
    assert len(lookup) == 309
    for row in lookup:
        area = areas.get(row["LAD22CD"])
        assert area.name == row["LAD22NM"], row["LAD22CD"]
        assert areas.region_of(area.code).code == row["RGN22CD"], row["LAD22CD"]


@pytest.mark.shared
def test_current_utlas_agree_with_fingertipsnext_hierarchy(shared_data, areas):
    rows = _csv_rows(shared_data / "fingertipsnext-datacreator" / "areas.csv")
    theirs = {
        r["AreaCode"] for r in rows if r["AreaTypeCode"] == "counties-and-unitary-authorities"
    }
    assert theirs == {a.code for a in areas.utlas()}
    for region in (r for r in rows if r["AreaTypeCode"] == "regions"):
        assert {a.code for a in areas.children(region["AreaCode"]) if a.area_type == "utla"} == set(
            region["Children"].split("|")
        )


@pytest.mark.shared
def test_boundary_changes_are_borne_out_by_the_data_files(shared_data, areas):
    def codes_in(relative, column):
        encoding = "cp1252" if "drug_poisoning" in relative else "utf-8-sig"
        return {r[column] for r in _csv_rows(shared_data / relative, encoding)}

    imd2019_utla = codes_in(
        "imd2019-utla/utla_imd_decile.csv", "upper_tier_local_authority_district_code_2019"
    )
    lad10 = codes_in("ons-pop-syoa-la-1997-2020/la_lookup.csv", "LAD10CD")
    lape_pre2019 = codes_in(
        "fingertips-lape-trafford-dashboard/alcohol_related_mortality.csv", "area_code"
    )
    lad22 = codes_in(
        "ons-lad22-rgn22-lookup/Local_Authority_District_to_Region_Lookup_England.csv", "LAD22CD"
    )
    # Old codes were in use before the change ...
    assert {"E10000021", "E10000002", "E10000006", "E10000023", "E10000027"} <= imd2019_utla
    assert {"E08000020", "E06000048", "E06000028", "E06000029"} <= lad10
    # ... and the new ones after it.
    assert {"E06000061", "E06000062", "E06000060", "E06000058", "E06000059"} <= lad22
    assert {"E06000058", "E06000059"} <= imd2019_utla
    # Gateshead / Northumberland: already recoded in Fingertips' pre-April-2019 vintage,
    # so the change is the 2013 boundary order, not 2019.
    assert {"E08000037", "E06000057"} <= lape_pre2019
    assert "E08000020" not in lape_pre2019
    assert all(c.effective == date(2013, 4, 1) for c in areas.changes_for("E08000037"))
