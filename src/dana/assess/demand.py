"""Future demand and capacity: need projected from population projections, the treatment
journeys a target increase asks for, and the caseworkers they need.

The arithmetic, with every assumption printed beside the figures (:func:`demand_parts`):

* **Projected need** = the base year's estimated need (dependent drinkers: the
  denominator of Fingertips 93532; opiate and/or crack users: of 93517) / the base
  year's adults x the projected adults (18+) of each later year: the prevalence is held
  at its base-year rate, so need grows with the adult population only.
* **Treatment target** (:func:`treatment_target`): additional journeys a year =
  base x ``target_increase`` rounded to a whole journey (half up); target = base +
  additional. Medway's HNA: "treatment capacity will increase by 20% ... an additional
  87 alcohol and 162 drug treatment journeys per annum compared to 2020-21 activity
  levels (Reference commissioning packs)". Its base is **treatment journeys from the
  OHID commissioning packs**, not the 1,054 people in treatment printed in the same
  section (20% of 1,054 is 211, not 87 + 162 = 249): 87 / 0.20 and 162 / 0.20 give
  bases of 435 alcohol and 810 drug journeys (each between 432.5-437.5 and 807.5-812.5
  before rounding), 1,245 in all - more than the 1,054 people, which fits journeys
  counted by substance, a person treated for drugs and alcohol counting in both
  (DANA's reading; the seed does not print the base). The config can give such a base
  (``demand: base:``); otherwise the base is the adults in treatment for alcohol and
  for drugs in the base year (the headline NDTMS counts).
* **Caseworkers** (:func:`caseworkers`) = journeys / caseload: an upper bound, since it
  treats every journey in the year as open at once (with turnover fewer are needed).
  Medway's providers called "at times 60 per worker" too high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dana import table as indicator_table
from dana.assess.findings import finding
from dana.assess.model import Chart, Table
from dana.assess.parts import Parts
from dana.assess.population import ADULTS, projection_frame
from dana.formatting import format_count, format_number

#: Headline counts of adults in treatment, by substance (the base when none is given).
IN_TREATMENT = {
    "alcohol": "ndtms:adults_in_treatment_alcohol",
    "drugs": "ndtms:adults_in_treatment_drug",
}
#: Estimated need: the unmet-need indicators' denominators (the prevalence estimate).
NEED = {
    "alcohol": ("93532", "Estimated dependent drinkers"),
    "drugs": ("93517", "Estimated opiate and/or crack users"),
}
SUBSTANCE_WORDS = {"alcohol": "alcohol", "drugs": "drug", "all": "drug and alcohol"}
#: All substance groups together (a council's printed total), the base when the table has
#: no count by substance and the config gives none.
ALL_IN_TREATMENT = "ndtms:number_in_treatment"


def round_half_up(value: float) -> int:
    """A whole number, halves rounded up (87.5 -> 88), as a person would round journeys."""
    return int(math.floor(value + 0.5))


def treatment_target(base: float, increase: float) -> tuple[int, int]:
    """``(additional, target)`` journeys a year for a ``base`` and a fractional increase.

    Medway 2020-21: ``treatment_target(435, 0.20) == (87, 522)`` and
    ``treatment_target(810, 0.20) == (162, 972)``.
    """
    if base < 0 or increase < 0:
        raise ValueError(f"base ({base}) and increase ({increase}) must not be negative")
    additional = round_half_up(base * increase)
    return additional, round_half_up(base) + additional


def caseworkers(journeys: float, caseload: float) -> float:
    """Caseworkers (full-time equivalents) to hold ``journeys`` at ``caseload`` each."""
    if caseload <= 0:
        raise ValueError(f"caseload must be greater than 0, not {caseload}")
    return journeys / caseload


@dataclass(frozen=True)
class Capacity:
    """The capacity needed for one substance."""

    substance: str
    base_period: str
    base: float
    base_source: str
    increase: float
    additional: int
    target: int
    caseload: float

    @property
    def workers_now(self) -> float:
        return caseworkers(self.base, self.caseload)

    @property
    def workers_needed(self) -> float:
        return caseworkers(self.target, self.caseload)


def capacity(table: pd.DataFrame, area_code: str, spec, target_sort: int | None) -> list[Capacity]:
    """The capacity rows for alcohol and drugs: the config's base where given, else the
    headline adults in treatment at the base year (``spec.base_year``, or the latest)."""
    out = []
    for substance, indicator_id in IN_TREATMENT.items():
        given = (spec.base or {}).get(substance)
        if given is not None:
            base = (float(given), spec.base_year, spec.base_source or "the config")
        else:
            base = _base_from_table(table, area_code, indicator_id, spec, target_sort)
        if base is not None:
            out.append(_capacity(substance, *base, spec))
    if not out and not spec.base:
        base = _base_from_table(table, area_code, ALL_IN_TREATMENT, spec, target_sort)
        if base is not None:
            out.append(_capacity("all", *base, spec))
    return out


def _capacity(substance, base: float, period: str, source: str, spec) -> Capacity:
    additional, target = treatment_target(base, spec.target_increase)
    return Capacity(
        substance, period, base, source, spec.target_increase, additional, target, spec.caseload
    )


def _base_from_table(table, area_code, indicator_id, spec, target_sort):
    """``(count, period, source)`` of the indicator's base-year count, None without one (a
    figure printed as a count, with no count column, counts by its value)."""
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["area_code"] == area_code)
        & (table["category_type"] == "")
    ]
    rows = rows.assign(count=indicator_table.counts_of(rows))
    rows = rows[rows["count"].notna()]
    if spec.base_year != "latest":
        rows = rows[rows["period"] == spec.base_year]
    elif target_sort is not None:
        rows = rows[rows["period_sort"] <= target_sort]
    if rows.empty:
        return None
    row = rows.loc[rows["period_sort"].idxmax()]
    source = f"adults in treatment ({indicator_id}), {row['source']}"
    return float(row["count"]), str(row["period"]), source


def projected_need(table: pd.DataFrame, area_code: str, horizon: int) -> pd.DataFrame:
    """Need by year (``year, series, value``): the base-year prevalence x projected adults."""
    projection = projection_frame(table, area_code)
    adults = projection[projection["series"] == "Adults (18+)"].set_index("year")["value"]
    adults = adults[adults.index <= horizon]
    if adults.empty:
        return pd.DataFrame(columns=["year", "series", "value", "base_year", "rate", "source"])
    pieces = []
    for indicator_id, label in NEED.values():
        rows = table[
            (table["indicator_id"] == indicator_id)
            & (table["area_code"] == area_code)
            & (table["category_type"] == "")
            & table["denominator"].notna()
        ]
        if rows.empty:
            continue
        row = rows.loc[rows["period_sort"].idxmax()]
        year = int(row["period_sort"] // 10000)
        population = table[
            (table["indicator_id"] == ADULTS)
            & (table["area_code"] == area_code)
            & (table["category_type"] == "")
            & (table["period_sort"] // 10000 == year)
        ]
        if population.empty:
            continue
        rate = float(row["denominator"]) / float(population["count"].iloc[0])
        pieces.append(
            pd.DataFrame(
                {
                    "year": adults.index.to_numpy(int),
                    "series": label,
                    "value": adults.to_numpy(float) * rate,
                    "base_year": str(row["period"]),
                    "rate": rate,
                    "source": f"{row['source']}; {projection['source'].iloc[0]}",
                }
            )
        )
    if not pieces:
        return pd.DataFrame(columns=["year", "series", "value", "base_year", "rate", "source"])
    return pd.concat(pieces, ignore_index=True)


def demand_parts(table: pd.DataFrame, area, spec, *, target_sort: int | None) -> Parts:
    """The "Future demand and capacity" tables, chart and findings."""
    rows = capacity(table, area.code, spec, target_sort)
    need = projected_need(table, area.code, spec.horizon)
    if not rows and need.empty:
        return Parts()
    tables, charts, findings = [], [], []
    if rows:
        tables.append(_capacity_table(rows, area.name))
        for row in rows:
            findings.append(finding(f"demand.capacity.{row.substance}", _capacity_sentence(row, area.name), IN_TREATMENT.get(row.substance, ALL_IN_TREATMENT), "demand"))  # fmt: skip
    if not need.empty:
        tables.append(_need_table(need, area.name))
        charts.append(_need_chart(need, area.name))
        for series, values in need.groupby("series", sort=False):
            first, last = values.iloc[0], values.iloc[-1]
            change = (last["value"] - first["value"]) / first["value"] * 100
            findings.append(
                finding(
                    f"demand.need.{'alcohol' if 'drinkers' in series else 'drugs'}",
                    f"If prevalence stays at its {first['base_year']} rate, the "
                    f"{series.lower()} in {area.name} would change by "
                    f"{format_number(change, '%', decimals=1)}%, from "
                    f"{format_count(first['value'])} in {int(first['year'])} to "
                    f"{format_count(last['value'])} by {int(last['year'])}, as the adult "
                    "population is projected to change.",
                    [i for i, label in NEED.values() if label == series],
                    "demand",
                )
            )
    tables.append(_assumptions_table(spec, rows, need))
    return Parts(tuple(tables), tuple(charts), tuple(findings))


def _capacity_sentence(row: Capacity, area_name: str) -> str:
    word = SUBSTANCE_WORDS[row.substance]
    return (
        f"To increase {word} treatment in {area_name} by {format_number(row.increase * 100, '%')}% "
        f"on {row.base_period} ({format_count(row.base)} a year) needs {format_count(row.additional)} "
        f"additional {word} treatment journeys a year, {format_count(row.target)} in all. At a caseload "
        f"of {_caseload(row.caseload)} per worker that is {format_number(row.workers_needed, decimals=1)} "
        f"caseworkers (full-time equivalents), {format_number(row.workers_needed - row.workers_now, decimals=1)} "
        "more than the base needs, an upper bound that treats every journey as open at once."
    )


def _caseload(caseload: float) -> str:
    return format_number(caseload, decimals=0 if float(caseload).is_integer() else 1)


def _capacity_table(rows: list[Capacity], area_name: str) -> Table:
    data = pd.DataFrame(
        {
            "Substance": [SUBSTANCE_WORDS[r.substance].capitalize() for r in rows],
            "Base period": [r.base_period for r in rows],
            "Base (a year)": [r.base for r in rows],
            "Target increase (%)": [r.increase * 100 for r in rows],
            "Additional journeys a year": [float(r.additional) for r in rows],
            "Target (journeys a year)": [float(r.target) for r in rows],
            "Caseload per worker": [r.caseload for r in rows],
            "Caseworkers for the base": [r.workers_now for r in rows],
            "Caseworkers for the target": [r.workers_needed for r in rows],
        }
    )
    return Table(
        id="demand.capacity",
        title=f"Treatment capacity needed to reach the target, {area_name}",
        data=data,
        counts=("Base (a year)",),
        derived=tuple(
            (column, "Base (a year)")
            for column in (
                "Additional journeys a year",
                "Target (journeys a year)",
                "Caseworkers for the base",
                "Caseworkers for the target",
            )
        ),
        not_counts=("Target increase (%)", "Caseload per worker"),
        notes="Additional journeys = base x target increase, rounded half up; caseworkers = "
        "journeys / caseload (an upper bound: every journey counted as open at once). Bases: "
        + "; ".join(f"{SUBSTANCE_WORDS[r.substance]}: {r.base_source}" for r in rows)
        + ".",
        source="; ".join(sorted({r.base_source for r in rows})),
    )


def _need_table(need: pd.DataFrame, area_name: str) -> Table:
    wide = need.pivot_table(index="year", columns="series", values="value", aggfunc="sum")
    wide = wide.reset_index().rename(columns={"year": "Year"})
    wide["Year"] = wide["Year"].astype(str)
    return Table(
        id="demand.need",
        title=f"Projected need, {area_name}",
        data=wide,
        notes="Base-year prevalence (the estimate behind the unmet-need indicator / adults in "
        "the same year) x projected adults (18+): need changes with the adult population only.",
        source="; ".join(dict.fromkeys("; ".join(need["source"]).split("; "))),
    )


def _need_chart(need: pd.DataFrame, area_name: str) -> Chart:
    first = int(need["year"].min())
    return Chart(
        id="demand.need.chart",
        kind="projection",
        title=f"Projected need for treatment, {area_name}",
        alt_text=f"Projected estimated need in {area_name} from {first} to "
        f"{int(need['year'].max())} at the base-year prevalence: "
        + "; ".join(
            f"{s.lower()} from {format_count(v['value'].iloc[0])} to {format_count(v['value'].iloc[-1])}"
            for s, v in need.groupby("series", sort=False)
        )
        + ".",
        data=need[["year", "series", "value"]].reset_index(drop=True),
        unit="people",
        notes="Prevalence held at its base-year rate; projected adults from the population "
        "projections.",
        extra={"base_year": first},
    )


def _assumptions_table(spec, rows: list[Capacity], need: pd.DataFrame) -> Table:
    """Every assumption the figures above rest on, with where it comes from."""
    records = [
        (
            "Target increase in treatment",
            f"{format_number(spec.target_increase * 100, '%')}%",
            "config: demand.target_increase (Medway's HNA: 20%, the From Harm to Hope ambition)",
        ),  # fmt: skip
        (
            "Caseload per worker",
            _caseload(spec.caseload),
            "config: demand.caseload (Medway: 'at times 60 per worker', too high)",
        ),  # fmt: skip
        (
            "Base year",
            spec.base_year,
            "config: demand.base_year ('latest' = each substance's latest period)",
        ),  # fmt: skip
        ("Projection horizon", str(spec.horizon), "config: demand.horizon"),
        (
            "Caseworkers",
            "journeys / caseload",
            "an upper bound: every journey counted as open at once",
        ),  # fmt: skip
    ]
    for series, values in need.groupby("series", sort=False):
        rate = float(values["rate"].iloc[0]) * 100
        records.append((f"Prevalence: {series.lower()}", f"{format_number(rate, '%', decimals=2)}% of adults", f"base year {values['base_year'].iloc[0]}, held constant"))  # fmt: skip
    for row in rows:
        # the count itself is in the capacity table, under disclosure control there
        records.append((f"Base: {SUBSTANCE_WORDS[row.substance]} journeys", "as in the capacity table", row.base_source))  # fmt: skip
    return Table(
        id="demand.assumptions",
        title="Assumptions behind the demand and capacity figures",
        data=pd.DataFrame(records, columns=["Assumption", "Value", "Source"]),
        not_counts=("Value",),  # settings of the model, not counts
        notes="Change any of these in the config's demand: section.",
    )
