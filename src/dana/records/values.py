"""Cells -> values and confidence limits, all by :mod:`dana.stats` (no formula written here).

Per definition (:mod:`dana.records.indicators`) and breakdown:

================= ============================== ==========================================
value type        headline, decile, small area    age group            ethnic / condition
================= ============================== ==========================================
dsr               ``stats.dsr`` (Dobson, ESP2013   ``stats.rate``       count
                  bands within the ages)           (age-specific)
crude_rate        ``stats.rate`` (exact < 10,      ``stats.rate``       count
                  Byar)
proportion        ``stats.proportion`` (Wilson), numerator over the denominator
                  definition's count in the same cell (every breakdown)
count             the count                        the count            the count
================= ============================== ==========================================

Rates use unrounded, unsuppressed counts (disclosure control comes after, in
:mod:`dana.records.disclosure`). A rate cell with no population (an area the denominators
lack, LSOAs not in the lookup) keeps its count with no value and a note saying why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.records.cells import CELL_KEY, esp_label
from dana.records.indicators import Definition

CONFIDENCE = (0.95, 0.998)
NO_POPULATION = "no population denominator for this area or group"
LIMITS = ["lower_95", "upper_95", "lower_99_8", "upper_99_8"]


def _empty(cells: pd.DataFrame) -> pd.DataFrame:
    out = cells[CELL_KEY].drop_duplicates().reset_index(drop=True)
    for column in ("count", "denominator", "value", *LIMITS):
        out[column] = np.nan
    out["value_type"] = ""
    out["value_note"] = ""
    return out


def _totals(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.groupby(CELL_KEY, as_index=False, sort=False)["x"].sum()


def _rates(events: pd.DataFrame, population: pd.DataFrame, definition, dsr: bool) -> pd.DataFrame:
    """Rate rows for the cells that have a population; others keep a note."""
    counts = _totals(events)
    pop = population.groupby(CELL_KEY, as_index=False, sort=False)["population"].sum()
    merged = counts.merge(pop, on=CELL_KEY, how="left")
    has_pop = merged["population"].fillna(0) > 0
    rows = merged[~has_pop].assign(count=lambda d: d["x"], value_note=NO_POPULATION)
    parts = [rows.drop(columns=["x", "population"])]
    if has_pop.any():
        keys = merged[has_pop][CELL_KEY]
        if dsr:
            grid = population.merge(keys, on=CELL_KEY).merge(
                events[[*CELL_KEY, "band", "x"]], on=[*CELL_KEY, "band"], how="left"
            )
            grid["x"] = grid["x"].fillna(0.0)
            grid["age_band"] = esp_label(grid["band"])
            low, high = definition.ages
            standard = stats.esp2013(low or 0, high)
            grid = grid[grid["age_band"].isin(standard.index)]
            result = stats.dsr(
                "x", "population", age="age_band", data=grid, by=CELL_KEY,
                standard=standard, confidence=CONFIDENCE,
            )  # fmt: skip
            result["value_note"] = result["value_note"].fillna("").astype(str)
        else:
            frame = merged[has_pop]
            result = stats.rate(
                "x", "population", data=frame, by=CELL_KEY, confidence=CONFIDENCE,
                multiplier=definition.multiplier,
            )  # fmt: skip
            result["value_note"] = ""
        parts.append(result[[*CELL_KEY, "count", "denominator", "value", *LIMITS, "value_note"]])
    return pd.concat(parts, ignore_index=True)


def _counts(events: pd.DataFrame) -> pd.DataFrame:
    totals = _totals(events)
    return totals.assign(count=totals["x"], value=totals["x"], value_note="").drop(columns="x")


def _proportions(events: pd.DataFrame, denominator_events: pd.DataFrame) -> pd.DataFrame:
    x = _totals(events)
    n = _totals(denominator_events).rename(columns={"x": "n"})
    n["indicator"] = x["indicator"].iloc[0] if not x.empty else ""
    merged = n.merge(x, on=CELL_KEY, how="left").fillna({"x": 0.0})
    usable = merged["n"] > 0
    result = stats.proportion(
        "x", "n", data=merged[usable].reset_index(drop=True), by=CELL_KEY, confidence=CONFIDENCE
    )
    result["value_note"] = ""
    return result[[*CELL_KEY, "count", "denominator", "value", *LIMITS, "value_note"]]


def values(
    definition: Definition,
    events: pd.DataFrame,
    population: pd.DataFrame,
    denominator_events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per cell: count, denominator, value, limits, value_type, value_note."""
    if events.empty and denominator_events is None:
        return _empty(events).iloc[0:0]
    counted = events["category_type"].isin(
        ["Ethnic group", "Condition (largest alcohol-attributable fraction)"]
    )
    vt = definition.value_type
    if vt == "proportion":
        result = _proportions(events, denominator_events).assign(value_type="proportion")
    elif vt == "count":
        result = _counts(events).assign(value_type="count")
    else:
        by_group = events["age"] != definition.age_label
        plain = events[~counted & ~by_group]
        groups = events[~counted & by_group]
        parts = []
        if not plain.empty:
            parts.append(_rates(plain, population, definition, vt == "dsr").assign(value_type=vt))
        if not groups.empty:
            parts.append(
                _rates(groups, population, definition, False).assign(value_type="crude_rate")
            )
        if counted.any():
            parts.append(_counts(events[counted]).assign(value_type="count"))
        result = pd.concat(parts, ignore_index=True)
    return result.reset_index(drop=True)
