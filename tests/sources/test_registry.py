"""dana.sources.registry: typed source entries -> indicator tables with catalogue ids."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from dana.assess.derived import add_derived, drug_death_crude_rates, drug_treatment_counts
from dana.catalogue import load_catalogue
from dana.sources.errors import SourceFileError
from dana.sources.registry import (
    CATALOGUE_IDS,
    check_spec,
    population_rows,
    read_source,
    resolve_path,
)

DEATHS_CSV = "code,name,2020,2019\nE92000001,ENGLAND,4312,4115\nE08000026,Coventry,33,17\n"


def test_resolve_path_expands_variables_home_and_relative(tmp_path, monkeypatch):
    monkeypatch.setenv("DANA_TEST_ROOT", str(tmp_path))
    assert resolve_path("${DANA_TEST_ROOT}/a.csv", "/elsewhere") == tmp_path / "a.csv"
    assert resolve_path("$DANA_TEST_ROOT/a.csv", "/elsewhere") == tmp_path / "a.csv"
    assert resolve_path("sub/a.csv", tmp_path) == tmp_path / "sub" / "a.csv"
    assert resolve_path("~/a.csv", tmp_path) == Path.home() / "a.csv"
    monkeypatch.delenv("DANA_TEST_UNSET", raising=False)
    with pytest.raises(ValueError, match="DANA_TEST_UNSET is not set"):
        resolve_path("${DANA_TEST_UNSET}/a.csv", tmp_path)


def test_check_spec_names_the_key(tmp_path):
    assert check_spec({"type": "nonsense"}, tmp_path)[0][0] == "type"
    assert "unknown source type 'nonsense'" in check_spec({"type": "nonsense"}, tmp_path)[0][1]
    assert check_spec({"type": "imd_utla"}, tmp_path) == [("path", "required for type imd_utla")]
    problems = dict(check_spec({"type": "default", "path": "x.csv"}, tmp_path))
    assert problems == {"path": "unknown key for type default"}
    ((key, problem),) = check_spec({"type": "ons_drug_poisoning", "path": "gone.csv"}, tmp_path)
    assert key == "path" and str(tmp_path / "gone.csv") in problem
    assert check_spec({"type": "default"}, tmp_path) == []


def test_drug_poisoning_counts_get_their_own_catalogue_id(tmp_path):
    (tmp_path / "deaths.csv").write_text(DEATHS_CSV)
    rows = read_source({"type": "ons_drug_poisoning", "path": "deaths.csv"}, tmp_path)
    assert set(rows["indicator_id"]) == {"ons:drug_poisoning_deaths_count"}
    coventry = rows[(rows["area_code"] == "E08000026") & (rows["period"] == "2020")].iloc[0]
    assert (coventry["count"], coventry["value"], coventry["value_type"]) == (33.0, 33.0, "count")
    assert coventry["indicator_name"] == load_catalogue().get(coventry["indicator_id"]).name
    # every mapped id is a catalogue indicator
    assert set(CATALOGUE_IDS.values()) <= set(load_catalogue().ids)


def test_a_file_of_the_wrong_kind_names_the_file_and_type(tmp_path):
    wrong = tmp_path / "dependence.csv"
    wrong.write_text(
        "PHE_Centre,Local_Authority,Area_Code_GSS,Alcohol_dependent\nx,y,E08000026,1\n"
    )
    with pytest.raises(SourceFileError, match=r"dependence\.csv"):
        read_source({"type": "ons_drug_poisoning", "path": "dependence.csv"}, tmp_path)
    with pytest.raises(SourceFileError, match=r"dependence\.csv.*IoD File 11"):
        read_source({"type": "imd_utla", "path": "dependence.csv"}, tmp_path)


def _population(total_by_age: dict[int, float], code="E08000026", name="Coventry"):
    ages = range(91)
    return pd.DataFrame(
        {
            "area_code": code,
            "area_name": name,
            "year": 2020,
            "sex": "Persons",
            "age": list(ages),
            "population": [float(total_by_age.get(a, 0.0)) for a in ages],
        }
    )


def test_population_rows_totals_and_age_groups():
    # 10 people at each of ages 0, 17, 18, 24, 25, 64, 65 and 90: 80 in all, 60 aged 18+.
    pop = _population({a: 10 for a in (0, 17, 18, 24, 25, 64, 65, 90)})
    rows = population_rows(pop)
    headline = rows[rows["category_type"] == ""].set_index("indicator_id")["value"]
    assert headline["ons:population_all_ages"] == 80
    assert headline["ons:population_18_plus"] == 60
    groups = rows[rows["category_type"] == "Age group"].set_index("category")["value"]
    assert groups.to_dict() == {"0-17 yrs": 20, "18-24 yrs": 20, "25-64 yrs": 20, "65+ yrs": 20}
    bands = rows[rows["category_type"] == "Age band (ESP2013)"].set_index("category")["value"]
    assert bands["15-19 yrs"] == 20 and bands["90+ yrs"] == 10 and bands.sum() == 80


def test_crude_rate_from_real_counts_and_population():
    count = {
        "indicator_id": "ons:drug_poisoning_deaths_count",
        "count": 33.0,
        "value": 33.0,
        "value_type": "count",
        "multiplier": 1.0,
        "source": "ONS deaths",
    }
    population = {
        "indicator_id": "ons:population_all_ages",
        "count": 379387.0,
        "value": 379387.0,
        "value_type": "count",
        "multiplier": 1.0,
        "source": "ONS mid-year population estimates",
    }
    synthetic = {**population, "area_code": "E06000031", "source": "DANA synthetic generator"}
    frame = pd.DataFrame(
        [
            {**count, "area_code": "E08000026"},
            {**population, "area_code": "E08000026"},
            {**count, "area_code": "E06000031"},
            synthetic,  # a synthetic population is never a real rate's denominator
        ]
    ).assign(period="2020", period_sort=20200000, area_type="utla")
    from dana import table

    frame = table.coerce(frame)
    rates = drug_death_crude_rates(frame)
    assert list(rates["area_code"]) == ["E08000026"]
    rate = rates.iloc[0]
    # 33 / 379,387 x 100,000 = 8.6982
    assert rate["value"] == pytest.approx(33 / 379387 * 1e5) and round(rate["value"], 3) == 8.698
    # Byar, 95%: 33 (1 - 1/297 - 1.96/(3 sqrt 33))^3 = 22.712 deaths -> 5.986 per 100,000
    lower = 33 * (1 - 1 / (9 * 33) - 1.959964 / (3 * math.sqrt(33))) ** 3
    upper = 34 * (1 - 1 / (9 * 34) + 1.959964 / (3 * math.sqrt(34))) ** 3
    assert rate["lower_95"] == pytest.approx(lower / 379387 * 1e5, rel=1e-6)
    assert rate["upper_95"] == pytest.approx(upper / 379387 * 1e5, rel=1e-6)
    assert round(rate["lower_95"], 2) == 5.99 and round(rate["upper_95"], 2) == 12.22
    assert "ONS deaths" in rate["source"] and "population" in rate["source"]
    assert len(add_derived(frame)) == len(frame) + 1


def test_drug_treatment_is_the_sum_of_the_three_drug_groups():
    from dana import table

    base = {
        "area_code": "E09000003",
        "period": "2021/22",
        "period_sort": 20210000,
        "age": "18+ yrs",
        "value_type": "count",
        "multiplier": 1.0,
        "source": "ViewIt",
    }
    groups = {"opiate": 1200.0, "non_opiate_only": 300.0, "non_opiate_and_alcohol": 255.0}
    frame = table.coerce(
        pd.DataFrame(
            [
                {**base, "indicator_id": f"ndtms:in_treatment:{g}", "count": n, "value": n}
                for g, n in groups.items()
            ]
            + [
                {
                    **base,
                    "area_code": "E09000004",
                    "indicator_id": "ndtms:in_treatment:opiate",
                    "count": 5.0,
                    "value": 5.0,
                }
            ]
        )
    )
    derived = drug_treatment_counts(frame).set_index("area_code")
    summed = derived["value"]
    assert summed["E09000003"] == 1200 + 300 + 255
    assert math.isnan(summed["E09000004"])  # two groups missing: unknown, not 5
    assert derived.loc["E09000003", "value_note"].startswith("Sum of the NDTMS")
    assert derived.loc["E09000004", "value_note"].startswith("Not available")  # said why


def test_real_imd_file_maps_to_93553(shared_data):
    rows = read_source(
        {
            "type": "imd_utla",
            "path": "imd2019-utla/File_11_-_IoD2019_Local_Authority_District_Summaries__upper-tier__.xlsx",
        },
        shared_data,
    )
    assert set(rows["indicator_id"]) == {"93553"}  # other measures left out by default
    # utla_imd_decile.csv (same release) gives Coventry 25.613
    assert rows.set_index("area_code").loc["E08000026", "value"] == pytest.approx(25.613)
    assert rows["polarity"].eq("low_is_good").all()


def test_census_and_projection_entries(shared_data, tmp_path):
    census = read_source(
        {
            "type": "census_ethnic_group",
            "path": str(shared_data / "ons-census2021-ethnic-group-ltla21/ethnicity21_ltla21.csv"),
        }
    )
    assert set(census["indicator_id"]) == {"ons:census2021_usual_residents"}
    fixture = Path(__file__).parent / "fixtures" / "snpp_2018_population.csv"
    projected = read_source(
        {"type": "ons_projections", "path": str(fixture), "area": "E06000031", "base_year": 2018}
    )
    assert set(projected["period"]) == {str(y) for y in range(2018, 2044)}
    with pytest.raises(SourceFileError, match="assessed area E08000026 is not in the projection"):
        read_source({"type": "ons_projections", "path": str(fixture), "area": "E08000026"})
