"""The packaged default data is coherent with itself: checks over the whole packaged tables.

These read the packaged files (not the generator) and check, with plain pandas, the rules
an assessment relies on: every row labelled synthetic; one population denominator per
area, period and age; breakdowns summing to their totals; shares consistent with counts;
substance groups summing to all adults; subsets never above supersets; the depth table
agreeing with the headline indicators; districts summing to their county; projections
starting from the population they project.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dana.breakdowns import BREAKDOWNS, COMPLETE, DISJOINT, OVERLAPPING
from dana.data.default import load_default_table, load_depth_table, load_projection

GROUPS = ("opiate", "non_opiate_only", "non_opiate_and_alcohol", "alcohol_only")
LATEST = "2023/24"
PERSONS_18 = {"sex": "Persons", "age": "18+ yrs"}


@pytest.fixture(scope="module")
def main():
    return load_default_table(overlays=False)


@pytest.fixture(scope="module")
def depth():
    return load_depth_table()


def _headline(frame, indicator_id, period=None, **where) -> pd.Series:
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["category_type"] == "")]
    if period is not None:
        rows = rows[rows["period"] == period]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert rows["area_code"].is_unique if period is not None else True
    return rows.set_index("area_code")["count"] if period is not None else rows


def _category(frame, indicator_id, category_type, category, period=LATEST) -> pd.Series:
    rows = frame[
        (frame["indicator_id"] == indicator_id)
        & (frame["category_type"] == category_type)
        & (frame["category"] == category)
        & (frame["period"] == period)
    ]
    assert not rows.empty, (indicator_id, category_type, category)
    return rows.set_index("area_code")["count"]


def test_every_row_is_labelled_synthetic(main, depth):
    for frame in (main, depth):
        assert frame["source"].str.endswith("not real data").all()
        assert frame["value_note"].str.startswith("Synthetic data, not real").all()
    projection = load_projection("E06000031")
    assert projection["source"].str.endswith("not real data").all()


def test_one_population_denominator_per_area_period_and_age(main):
    rates = main[(main["value_type"] == "crude_rate") & (main["category_type"] == "")]
    single_year = rates[~rates["period"].str.contains(" - ")]
    spread = single_year.groupby(["area_code", "period", "age"])["denominator"].nunique()
    adults = spread.xs("18+ yrs", level="age")
    assert (adults == 1).all()  # every 18+ rate of a year shares one population
    # and that population is the published adult population of the year
    population = _headline(main, "ons:population_18_plus")
    population = population.assign(year=population["period"]).set_index(["area_code", "year"])
    treated = _headline(main, "ndtms:adults_in_treatment_drug")
    treated = treated.assign(year=treated["period"].str[:4]).set_index(["area_code", "year"])
    joined = treated[["denominator"]].join(population["count"], how="inner")
    assert len(joined) == len(treated)
    assert (joined["denominator"] == joined["count"]).all()


def test_breakdowns_sum_to_their_totals_and_shares_match_counts(depth):
    parts = depth[depth["category_type"] != ""]
    headline = depth[depth["category_type"] == ""].set_index(
        ["indicator_id", "area_code", "period", "sex", "age"]
    )["count"]
    keys = ["indicator_id", "area_code", "period", "sex", "age"]
    total = parts.join(headline.rename("total"), on=keys)["total"]
    assert total.notna().all()  # every breakdown has its headline row
    assert (parts["denominator"] == total).all()  # shares = count / denominator = of the total
    assert ((parts["value"] == parts["count"]) & (parts["count"] >= 0)).all()
    sums = parts.groupby([*keys, "category_type"])["count"].agg(["sum", "max"])
    whole = parts.groupby([*keys, "category_type"])["denominator"].first()
    kinds = sums.index.get_level_values("category_type").map(lambda t: BREAKDOWNS[t].kind)
    complete = np.asarray(kinds == COMPLETE)
    disjoint = np.asarray(kinds == DISJOINT)
    assert (sums["sum"][complete] == whole[complete]).all()
    assert (sums["sum"][disjoint] <= whole[disjoint]).all()
    assert (sums["max"] <= whole).all()  # overlapping categories: each at most the total
    assert set(kinds) == {COMPLETE, DISJOINT, OVERLAPPING}


def test_categories_are_the_published_names(depth):
    for category_type, rows in depth[depth["category_type"] != ""].groupby("category_type"):
        listed = BREAKDOWNS[category_type].categories
        if listed and category_type != "Age band":  # young people have their own bands
            assert set(rows["category"]) <= set(listed), category_type
    exits = depth[depth["category_type"] == "Exit reason"]["category"]
    assert {"Successful completion", "Died", "Dropped out"} <= set(exits)


@pytest.mark.parametrize("measure", ["in_treatment", "new_presentations", "exits"])
def test_substance_groups_sum_to_all_adults(depth, measure):
    rows = depth[depth["indicator_id"].str.fullmatch(f"ndtms:{measure}(:.+)?")]
    rows = rows.assign(group=rows["indicator_id"].str.split(":").str[2].fillna("all"))
    keys = ["area_code", "period", "category_type", "category"]
    wide = rows.pivot_table(index=keys, columns="group", values="count", aggfunc="sum")
    assert set(wide.columns) == {"all", *GROUPS}
    assert (wide[list(GROUPS)].sum(axis=1) == wide["all"]).all()


def test_subsets_never_exceed_supersets(main, depth):
    for group in ("", *(":" + g for g in GROUPS)):
        treated = _headline(depth, f"ndtms:in_treatment{group}", LATEST)
        new = _headline(depth, f"ndtms:new_presentations{group}", LATEST)
        leaving = _headline(depth, f"ndtms:exits{group}", LATEST)
        assert (new <= treated).all() and (leaving <= treated).all()
        for kind, category in (("Sex", "Female"), ("Ethnic group", "Asian"),
                               ("Parental status", "Parent living with children")):  # fmt: skip
            assert (
                _category(depth, f"ndtms:new_presentations{group}", kind, category)
                <= _category(depth, f"ndtms:in_treatment{group}", kind, category)
            ).all()
    # PHOF C19: completions not re-presenting <= completions <= exits <= in treatment
    c19 = _headline(main, "90244", "2023")
    completed = _category(depth, "ndtms:exits:opiate", "Exit reason", "Successful completion")
    assert (c19 <= completed).all()
    assert (completed <= _headline(depth, "ndtms:exits:opiate", LATEST)).all()
    # drug-misuse deaths are a subset of drug-poisoning deaths (same pooled periods)
    misuse, poisoning = _headline(main, "92432"), _headline(main, "ons:drug_poisoning_deaths")
    pair = misuse.merge(poisoning, on=["area_code", "period"], suffixes=("_m", "_p"))
    assert len(pair) == len(misuse) and (pair["count_m"] <= pair["count_p"]).all()


def test_in_treatment_never_exceeds_estimated_need(main):
    rows = main[main["category_type"] == ""].set_index(["indicator_id", "area_code", "period"])
    rows = rows.sort_index()
    for unmet in ("93532", "93517", "ndtms:unmet_need_opiates", "ndtms:unmet_need_crack"):
        need = rows.loc[unmet]
        assert (need["count"] >= 0).all() and (need["count"] <= need["denominator"]).all()
    ocu = rows.loc["93517", "denominator"]
    opiate = rows.loc["ndtms:unmet_need_opiates", "denominator"]
    crack = rows.loc["ndtms:unmet_need_crack", "denominator"]
    tolerance = 0.11  # prevalences are stored to 0.1
    assert (opiate <= ocu + tolerance).all() and (crack <= ocu + tolerance).all()
    assert (opiate + crack >= ocu - tolerance).all()  # the two overlap; together all OCU
    parents = rows.loc["ndtms:dependent_parents_in_treatment"]
    assert (parents["count"] <= parents["denominator"]).all()


def test_depth_agrees_with_the_headline_indicators(main, depth):
    def main_count(indicator_id, period=LATEST):
        return _headline(main, indicator_id, period)

    drug = sum(_headline(depth, f"ndtms:in_treatment:{g}", LATEST) for g in GROUPS[:3])
    assert drug.equals(main_count("ndtms:adults_in_treatment_drug"))
    assert _headline(depth, "ndtms:in_treatment:opiate", LATEST).equals(
        main_count("ndtms:adults_in_treatment_opiate")
    )
    assert _headline(depth, "ndtms:in_treatment:alcohol_only", LATEST).equals(
        main_count("ndtms:adults_in_treatment_alcohol")
    )
    new_drug = sum(_headline(depth, f"ndtms:new_presentations:{g}", LATEST) for g in GROUPS[:3])
    assert new_drug.equals(main_count("ndtms:new_presentations_drug"))
    # waits over 3 weeks = the two longer wait bands of the drug groups
    longer = sum(
        _category(depth, f"ndtms:first_interventions:{g}", "Wait for first intervention", band)
        for g in GROUPS[:3]
        for band in ("over 3 to 6 weeks", "over 6 weeks")
    )
    assert longer.equals(main_count("ndtms:waiting_over_3_weeks_drug"))
    died = _category(depth, "ndtms:exits", "Exit reason", "Died")
    assert died.equals(main_count("ndtms:deaths_in_treatment"))
    parents = _category(depth, "ndtms:in_treatment", "Parental status",
                        "Parent living with children")  # fmt: skip
    assert parents.equals(main_count("ndtms:dependent_parents_in_treatment"))
    six = _category(depth, "ndtms:in_treatment:opiate", "Time in treatment", "over 6 years")
    assert six.equals(main_count("ndtms:opiate_in_treatment_6_years_plus"))
    young = _headline(depth, "ndtms:yp_in_treatment", LATEST)
    assert young.equals(main_count("ndtms:young_people_in_treatment"))
    # ethnic groups: NDTMS White = the existing White British + White other split
    white = sum(_category(depth, f"ndtms:in_treatment:{g}", "Ethnic group", "White")
                for g in GROUPS[:3])  # fmt: skip
    existing = (
        main[
            (main["indicator_id"] == "ndtms:adults_in_treatment_drug")
            & main["category"].isin(["White British", "White other"])
        ]
        .groupby("area_code")["count"]
        .sum()
    )
    assert white.equals(existing.reindex(white.index))


def test_census_matches_the_population_and_districts_sum_to_counties(main, depth):
    census = depth[depth["indicator_id"] == "ons:census2021_usual_residents"]
    total = census[census["category_type"] == ""].set_index("area_code")["count"]
    population = _headline(main, "ons:population_all_ages", "2021")
    assert total.reindex(population.index).equals(population)  # one 2021 denominator
    districts = depth[depth["area_type"] == "ltla"]
    assert districts["area_code"].str.startswith("E07").all()
    keyed = districts.assign(county=districts["parent_code"])
    for ident in ("ons:population_all_ages", "ons:population_18_plus",
                  "ons:census2021_usual_residents"):  # fmt: skip
        rows = keyed[keyed["indicator_id"] == ident]
        summed = rows.groupby(["county", "period", "category_type", "category"])["count"].sum()
        source = main if ident.startswith("ons:population") else depth
        county = source[(source["indicator_id"] == ident) & source["area_code"].isin(
            rows["county"])].set_index(["area_code", "period", "category_type", "category"])["count"]  # fmt: skip
        assert summed.equals(county.reindex(summed.index).rename_axis(summed.index.names))
    # Cambridgeshire's districts are the five real ones, Fenland and Cambridge among them
    names = set(districts.loc[districts["parent_code"] == "E10000003", "area_name"])
    assert {"Cambridge", "Fenland"} <= names and len(names) == 5
    # IMD 2019: the population-weighted mean of the districts is the county's score
    imd = keyed[keyed["indicator_id"] == "93553"].set_index("area_code")["value"]
    weights = keyed[(keyed["indicator_id"] == "ons:population_all_ages")
                    & (keyed["period"] == "2019")].set_index("area_code")  # fmt: skip
    county_score = main[main["indicator_id"] == "93553"].set_index("area_code")["value"]
    for county, rows in weights.groupby("county"):
        mean = (imd[rows.index] * rows["count"]).sum() / rows["count"].sum()
        assert mean == pytest.approx(county_score[county], abs=0.002)


def test_projections_start_from_the_population_they_project(main, depth):
    for ident, base in (("ons:population_projection_all_ages", "ons:population_all_ages"),
                        ("ons:population_projection_18_plus", "ons:population_18_plus")):  # fmt: skip
        projected = _headline(depth, ident, "2023")
        assert projected.equals(_headline(main, base, "2023").reindex(projected.index))
    under = _headline(depth, "ons:population_projection_under_18", "2035")
    adults = _headline(depth, "ons:population_projection_18_plus", "2035")
    everyone = _headline(depth, "ons:population_projection_all_ages", "2035")
    assert ((under + adults - everyone).abs() <= 1).all()  # each rounded separately
    banded = load_projection("E06000031")
    by_year = banded.groupby("year")["population"].sum()
    assert by_year[2035] == everyone["E06000031"]
    assert set(banded["base_year"]) == {2023} and by_year.index.max() == 2043
