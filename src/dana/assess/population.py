"""Population context as the seeds give it: ethnicity, projections and variation within
the area, and the adult residents that penetration divides by.

- **Ethnicity** (:func:`ethnicity_parts`): Census 2021 usual residents in the five
  high-level groups NDTMS reports, the area's shares beside England's, and the share
  not "White: English, Welsh, Scottish, Northern Irish or British" (Coventry's 26%).
  Census counts are a full count published with ONS's own disclosure control: shares are
  shown without sampling intervals.
- **Projections** (:func:`projection_parts`): projected residents (all ages, 18+, under
  18) from the table's ``ons:population_projection_*`` rows (ONS subnational population
  projections when imported; the embedded default's stated synthetic growth otherwise),
  the change to the demand horizon (Coventry: "+11% by 2030") and a ``projection`` chart.
- **Within the area** (:func:`district_parts`): the districts of a two-tier county, or
  any smaller areas a local file supplies (rows whose ``parent_code`` is the area):
  population, IMD 2019 score and the share not White British (Cambridgeshire's Fenland
  and Cambridge City).
- :func:`adult_residents_for` gives adult residents by NDTMS age band and sex for
  :mod:`dana.assess.penetration`, from the table's ESP2013 bands (real mid-year
  estimates) or, with the embedded default data, its synthetic population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.areas import ENGLAND
from dana.assess.findings import finding
from dana.assess.model import Chart, Table
from dana.assess.parts import Parts
from dana.assess.penetration import CENSUS_2021, ETHNIC_GROUP, adult_residents
from dana.breakdowns import CATEGORIES_2021, WHITE_BRITISH_2021
from dana.data.default import load_population as load_default_population
from dana.data.default import load_projection as load_default_projection
from dana.formatting import format_count, format_number

PROJECTIONS = {
    "ons:population_projection_all_ages": "All ages",
    "ons:population_projection_18_plus": "Adults (18+)",
    "ons:population_projection_under_18": "Children and young people (under 18)",
}
POPULATION = "ons:population_all_ages"
ADULTS = "ons:population_18_plus"
IMD_2019 = "93553"
BAND_TYPE = "Age band (ESP2013)"
DETAILED_2021 = "Census 2021 ethnic group"


def _census_rows(table: pd.DataFrame, code: str, category_type: str) -> pd.DataFrame:
    return table[
        (table["indicator_id"] == CENSUS_2021)
        & (table["area_code"] == code)
        & (table["category_type"] == category_type)
    ]


def not_white_british_share(table: pd.DataFrame, code: str) -> float | None:
    """The share (%) of Census 2021 residents not White British (None without the rows)."""
    rows = _census_rows(table, code, DETAILED_2021)
    if rows.empty:
        return None
    total = float(rows["count"].sum())
    white_british = float(rows.loc[rows["category"] == WHITE_BRITISH_2021, "count"].sum())
    return None if total <= 0 else (total - white_british) / total * 100


def ethnicity_parts(table: pd.DataFrame, area) -> Parts:
    """Residents by ethnic group (Census 2021) with England's shares."""
    rows = _census_rows(table, area.code, ETHNIC_GROUP)
    if rows.empty:
        return Parts()
    england = _census_rows(table, ENGLAND, ETHNIC_GROUP)
    order = list(CATEGORIES_2021)
    area_counts = rows.groupby("category")["count"].sum().reindex(order)
    total = float(area_counts.sum())
    bench = england.groupby("category")["count"].sum().reindex(order)
    bench_share = bench / bench.sum() * 100 if bench.notna().any() else bench * np.nan
    data = pd.DataFrame(
        {
            "Ethnic group": order,
            "Residents": area_counts.to_numpy(float),
            "Share (%)": (area_counts / total * 100).to_numpy(float),
            "England share (%)": bench_share.to_numpy(float),
        }
    )
    data = pd.concat(
        [
            data,
            pd.DataFrame(
                [{"Ethnic group": "Total", "Residents": total, "Share (%)": 100.0,
                  "England share (%)": 100.0 if bench.notna().any() else np.nan}]
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    source = str(rows["source"].iloc[0])
    period = str(rows["period"].iloc[0])
    table_out = Table(
        id="population.ethnicity",
        title=f"Residents by ethnic group, {area.name}, Census {period}",
        data=data,
        notes="Usual residents, all ages, in the five high-level Census 2021 groups (the "
        "groups NDTMS reports). Census counts are a full count published with ONS's own "
        "disclosure control.",
        source=source,
        total_row="Total",
        # under the report's rule like the population breakdown of the same cells: one
        # count shown in one table and withheld in another would contradict itself
        counts=("Residents",),
        derived=(("Share (%)", "Residents"),),
    )
    chart_data = pd.DataFrame(
        {
            "category": order,
            "share": data["Share (%)"].iloc[:-1].to_numpy(float),
            "lower": np.nan,
            "upper": np.nan,
            "comparator_share": data["England share (%)"].iloc[:-1].to_numpy(float),
            "count": area_counts.to_numpy(float),
            "suppressed": False,  # as the disclosure pass marks it (a chart drawn ahead is kept)
        }
    )
    chart = Chart(
        id="population.ethnicity.chart",
        kind="breakdown",
        title=f"Residents by ethnic group, {area.name} and England, Census {period}",
        alt_text=f"Shares of residents of {area.name} by ethnic group: "
        + "; ".join(
            f"{g} {format_number(s, '%')}%" for g, s in zip(order, chart_data["share"], strict=True)
        )
        + ", with England's shares as markers.",
        data=chart_data,
        unit="%",
        notes="Census counts: no sampling interval. Markers: England's share.",
        source=source,
        extra={"comparator_name": "England"},
    )
    mine, theirs = (
        not_white_british_share(table, area.code),
        not_white_british_share(table, ENGLAND),
    )
    text = f"At the 2021 Census, {format_count(total)} people lived in {area.name}"
    if mine is not None:
        text += f"; {format_number(mine, '%')}% were from an ethnic group other than White British"
        if theirs is not None:
            text += f" (England {format_number(theirs, '%')}%)"
    text += "."
    return Parts(
        (table_out,), (chart,), (finding("population.ethnicity", text, CENSUS_2021, "context"),)
    )


def projection_frame(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """Projected residents by series and year for one area: ``year, series, value``."""
    rows = table[
        table["indicator_id"].isin(list(PROJECTIONS))
        & (table["area_code"] == code)
        & (table["category_type"] == "")
        & (table["sex"] == "Persons")
    ]
    if rows.empty:
        return pd.DataFrame(columns=["year", "series", "value", "source"])
    return pd.DataFrame(
        {
            "year": (rows["period_sort"] // 10000).astype(int).to_numpy(),
            "series": rows["indicator_id"].map(PROJECTIONS).to_numpy(),
            "value": rows["value"].astype(float).to_numpy(),
            "source": rows["source"].astype(str).to_numpy(),
        }
    ).sort_values(["series", "year"], kind="mergesort")


#: Broad age groups of the projection by age and sex (the default's ESP bands).
AGE_GROUPS = ("0-17", "18-64", "65+")
YOUNG, ADULT = "ons:population_projection_under_18", "ons:population_projection_18_plus"


def projection_by_age_and_sex(
    table: pd.DataFrame, code: str, years: tuple[int, int], *, default_data: bool
) -> Table | None:
    """Projected residents by broad age group and sex in the first and last year shown:
    the table's Male and Female rows (ONS SNPP imports: 0-17 and 18+), or with the
    embedded default data its synthetic projection by ESP2013 band."""
    first, last = years
    rows = table[
        table["indicator_id"].isin([YOUNG, ADULT])
        & (table["area_code"] == code)
        & table["sex"].isin(["Male", "Female"])
        & (table["period_sort"] // 10000).isin([first, last])
    ]
    if not rows.empty:
        frame = rows.assign(
            group=rows["indicator_id"].map({YOUNG: "0-17", ADULT: "18+"}),
            year=rows["period_sort"] // 10000,
            population=rows["value"].astype(float),
        )
        source = str(rows["source"].iloc[0])
        note = "ONS subnational population projections by sex."
    elif default_data:
        try:
            projected = load_default_projection(code)
        except KeyError:
            return None
        projected = projected[projected["year"].isin([first, last])]
        start = projected["age_band"].str.replace("+", "-", regex=False).str.split("-").str[0]
        start = start.astype(int)
        frame = projected.assign(
            group=np.select([start < 15, start < 65], [AGE_GROUPS[0], AGE_GROUPS[1]], AGE_GROUPS[2])
        )
        source = str(projected["source"].iloc[0])
        note = (
            "From the embedded default's projection by 5-year band, which does not split at "
            "18: here 0-17 is ages 0-14 and 18-64 is 15-64."
        )
    else:
        return None
    wide = frame.pivot_table(
        index=["group", "sex"], columns="year", values="population", aggfunc="sum"
    )
    if first not in wide.columns or last not in wide.columns:
        return None
    data = wide.reset_index()
    data.columns = ["Age group", "Sex", str(first), str(last)]
    data["Change (%)"] = (data[str(last)] - data[str(first)]) / data[str(first)] * 100
    return Table(
        id="population.projections.age_sex",
        title=f"Projected residents by age group and sex, {first} and {last}",
        data=data,
        notes=note,
        source=source,
        not_counts=(str(first), str(last)),  # projected residents: modelled, not counted
    )


def projection_parts(
    table: pd.DataFrame, area, horizon: int, *, default_data: bool = False
) -> Parts:
    """Projected population to ``horizon`` (a year), its change, a projection chart, and
    the projection by age group and sex."""
    frame = projection_frame(table, area.code)
    if frame.empty:
        return Parts()
    if frame["year"].nunique() == 1:
        return _single_projection(frame, area)
    base_year = int(frame["year"].min())
    last_year = (
        min(int(frame["year"].max()), horizon) if horizon >= base_year else int(frame["year"].max())
    )
    shown = frame[frame["year"] <= last_year]
    source = str(frame["source"].iloc[0])
    years = sorted({base_year, *range(base_year + 5 - base_year % 5, last_year, 5), last_year})
    wide = shown.pivot_table(index="year", columns="series", values="value", aggfunc="sum")
    wide = wide.reindex([y for y in years if y in wide.index])
    columns = [s for s in PROJECTIONS.values() if s in wide.columns]
    data = wide[columns].reset_index().rename(columns={"year": "Year"})
    data["Year"] = data["Year"].astype(str)
    change = []
    for series in columns:
        first, last = wide[series].iloc[0], wide[series].iloc[-1]
        change.append((last - first) / first * 100 if first else np.nan)
    data = pd.concat(
        [data, pd.DataFrame([{"Year": f"Change {base_year}-{last_year} (%)", **dict(zip(columns, change, strict=True))}])],
        ignore_index=True,
    )  # fmt: skip
    table_out = Table(
        id="population.projections",
        title=f"Projected residents, {area.name}, {base_year} to {last_year}",
        data=data,
        notes="Projected mid-year residents; the last row is the percentage change over the "
        "period shown. Projections assume past trends in births, deaths and migration "
        "continue.",
        source=source,
        not_counts=tuple(columns),  # projected residents: modelled, not counted
    )
    chart = Chart(
        id="population.projections.chart",
        kind="projection",
        title=f"Projected residents of {area.name}, {base_year} to {last_year}",
        alt_text=f"Projected residents of {area.name} from {base_year} to {last_year}: "
        + "; ".join(
            f"{s.lower()} {format_number(c, '%', decimals=1)}% change"
            for s, c in zip(columns, change, strict=True)
        )
        + ".",
        data=shown[["year", "series", "value"]].reset_index(drop=True),
        unit="people",
        source=source,
        extra={"base_year": base_year},
    )
    everyone = shown[shown["series"] == "All ages"].set_index("year")["value"]
    text = ""
    if len(everyone) >= 2:
        first, last = float(everyone.iloc[0]), float(everyone.iloc[-1])
        direction = "grow" if last >= first else "fall"
        text = (
            f"The population of {area.name} is projected to {direction} by "
            f"{format_number(abs(last - first) / first * 100, '%')}%, from "
            f"{format_count(first)} in {base_year} to {format_count(last)} by {last_year}"
        )
        adults = shown[shown["series"] == "Adults (18+)"].set_index("year")["value"]
        if len(adults) >= 2:
            text += (
                f"; the adult population by {format_number((adults.iloc[-1] - adults.iloc[0]) / adults.iloc[0] * 100, '%')}%"
            )  # fmt: skip
        text += "."
    findings = (
        (finding("population.projections", text, tuple(PROJECTIONS), "context"),) if text else ()
    )
    by_sex = projection_by_age_and_sex(
        table, area.code, (base_year, last_year), default_data=default_data
    )
    tables = (table_out,) if by_sex is None else (table_out, by_sex)
    return Parts(tables, (chart,), findings)


def _single_projection(frame: pd.DataFrame, area) -> Parts:
    """One projected year (a figure a council printed): its residents, with no change or
    chart, since the base it was projected from is not in the table."""
    year = int(frame["year"].iloc[0])
    data = frame.pivot_table(index="year", columns="series", values="value", aggfunc="sum")
    columns = [s for s in PROJECTIONS.values() if s in data.columns]
    data = data[columns].reset_index().rename(columns={"year": "Year"})
    data["Year"] = data["Year"].astype(str)
    source = str(frame["source"].iloc[0])
    table_out = Table(
        id="population.projections",
        title=f"Projected residents, {area.name}, {year}",
        data=data,
        notes="Projected mid-year residents for one year only, as the source gives them; "
        "with no base year in the data, no change is computed here.",
        source=source,
        not_counts=tuple(columns),
    )
    parts = [f"{format_count(float(data[s].iloc[0]))} ({s.lower()})" for s in columns]
    text = (
        f"{area.name} is projected to have " + "; ".join(parts) + f" residents in {year}, as "
        f"given by {source}."
    )
    return Parts(
        (table_out,), (), (finding("population.projections", text, tuple(PROJECTIONS), "context"),)
    )


def district_parts(table: pd.DataFrame, area) -> Parts:
    """Population, deprivation and ethnicity of the smaller areas within the area."""
    inside = table[(table["parent_code"] == area.code) & (table["area_code"] != area.code)]
    inside = inside[inside["area_type"].isin(["ltla", "other"])]
    if inside.empty:
        return Parts()
    codes = list(dict.fromkeys(inside["area_code"]))
    names = inside.drop_duplicates("area_code").set_index("area_code")["area_name"]

    def latest(indicator_id: str) -> dict[str, float]:
        rows = inside[(inside["indicator_id"] == indicator_id) & (inside["category_type"] == "")]
        rows = rows[rows["period_sort"] == rows["period_sort"].max()] if len(rows) else rows
        return dict(zip(rows["area_code"], rows["value"].astype(float), strict=True))

    population, imd = latest(POPULATION), latest(IMD_2019)
    data = pd.DataFrame(
        {
            "Area": [str(names[c]) for c in codes],
            "Residents": [population.get(c, np.nan) for c in codes],
            "IMD 2019 score": [imd.get(c, np.nan) for c in codes],
            "Not White British (%)": [
                np.nan if (s := not_white_british_share(table, c)) is None else s for c in codes
            ],
        }
    )
    if data[["Residents", "IMD 2019 score", "Not White British (%)"]].isna().all().all():
        return Parts()
    source = "; ".join(sorted(set(inside["source"].astype(str))))
    table_out = Table(
        id="population.districts",
        title=f"Areas within {area.name}: population, deprivation and ethnicity",
        data=data,
        notes="Districts of a two-tier county (or smaller areas supplied in local data). "
        "IMD 2019 average score: higher is more deprived. Not White British: Census 2021.",
        source=source,
        not_counts=("Residents",),  # ONS population estimates
    )
    text = ""
    scored = data.dropna(subset=["IMD 2019 score"])
    if len(scored) >= 2:
        most = scored.loc[scored["IMD 2019 score"].idxmax()]
        least = scored.loc[scored["IMD 2019 score"].idxmin()]
        text = (
            f"Deprivation varies within {area.name}: {most['Area']} is the most deprived of its "
            f"{len(scored)} areas (IMD 2019 score {format_number(most['IMD 2019 score'])}) and "
            f"{least['Area']} the least ({format_number(least['IMD 2019 score'])})."
        )
    findings = (finding("population.districts", text, IMD_2019, "context"),) if text else ()
    return Parts((table_out,), (), findings)


def adult_residents_for(
    table: pd.DataFrame, area_code: str, year: int, *, default_data: bool
) -> tuple[pd.DataFrame | None, str, str]:
    """Adult residents by NDTMS age band and sex for penetration: ``(frame, source, year)``.

    From the table's ESP2013 bands of ``ons:population_all_ages`` (real mid-year
    estimates, persons) at the latest year up to ``year``; else, when the config uses
    the embedded default data, its synthetic population by band and sex. ``(None, "",
    "")`` when neither exists.
    """
    bands = table[
        (table["indicator_id"] == POPULATION)
        & (table["area_code"] == area_code)
        & (table["category_type"] == BAND_TYPE)
    ]
    adults = table[
        (table["indicator_id"] == ADULTS)
        & (table["area_code"] == area_code)
        & (table["category_type"] == "")
        & (table["sex"] == "Persons")
    ]
    if not bands.empty:
        eligible = bands[bands["period_sort"] // 10000 <= year]
        chosen = eligible if not eligible.empty else bands
        sort = int(chosen["period_sort"].max())
        at = chosen[chosen["period_sort"] == sort]
        frame = pd.DataFrame(
            {"age_band": at["category"], "sex": at["sex"], "population": at["count"]}
        )
        total = adults.loc[adults["period_sort"] == sort, "count"]
        residents = adult_residents(frame, float(total.iloc[0]) if len(total) else None)
        return residents, str(at["source"].iloc[0]), str(at["period"].iloc[0])
    if not default_data:
        return None, "", ""
    try:
        population = load_default_population(area_code)
    except KeyError:
        return None, "", ""
    chosen_year = min(year, int(population["year"].max()))
    population = load_default_population(area_code, chosen_year)
    synthetic = adults[adults["source"].str.contains("synthetic", case=False)]
    total = synthetic.loc[synthetic["period_sort"] // 10000 == chosen_year, "count"]
    residents = adult_residents(population, float(total.iloc[0]) if len(total) else None)
    return residents, str(population["source"].iloc[0]), str(chosen_year)
