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


def _dsr_grid(events, population, by_cell, pop_row: np.ndarray, keep: np.ndarray):
    """The population rows of the cells in ``keep`` (rows of the population's cell sums),
    each with its cell's events in the same band (0 where none), in population order.

    What ``population.merge(cells).merge(events, on=[*CELL_KEY, "band"], how="left")``
    gives (events hold one row per cell and band), found through integer cell numbers
    instead of six text keys. ``pop_row``: the population-sum row of each events cell
    (NaN where the cell has no population)."""
    cell_of_population = by_cell.ngroup().to_numpy()
    rows = keep[cell_of_population]
    grid = population[rows].reset_index(drop=True)
    # bands run from 0 to 18; one slot more keeps the numbers apart
    slots = int(max(events["band"].max(), grid["band"].max())) + 2
    cell_of_event = pop_row[events.groupby(CELL_KEY, sort=False).ngroup().to_numpy()]
    found = ~np.isnan(cell_of_event)
    event_key = cell_of_event[found].astype(np.int64) * slots + events["band"].to_numpy()[found]
    index = pd.Index(event_key)
    if not index.is_unique:  # event_cells sums each cell by band: one row per cell and band
        raise AssertionError("event cells repeat a cell and band")
    grid_key = cell_of_population[rows].astype(np.int64) * slots + grid["band"].to_numpy()
    position = index.get_indexer(grid_key)
    x = events["x"].to_numpy()[found]
    grid["x"] = np.where(position >= 0, x[position], 0.0)
    return grid


def _rates(events: pd.DataFrame, population: pd.DataFrame, definition, dsr: bool) -> pd.DataFrame:
    """Rate rows for the cells that have a population; others keep a note."""
    counts = _totals(events)
    by_cell = population.groupby(CELL_KEY, as_index=False, sort=False)
    pop = by_cell["population"].sum()
    pop["_pop_row"] = np.arange(len(pop), dtype=float)
    merged = counts.merge(pop, on=CELL_KEY, how="left")
    has_pop = merged["population"].fillna(0) > 0
    rows = merged[~has_pop].assign(count=lambda d: d["x"], value_note=NO_POPULATION)
    parts = [rows.drop(columns=["x", "population", "_pop_row"])]
    if has_pop.any():
        if dsr:
            keep = np.zeros(len(pop), dtype=bool)
            keep[merged.loc[has_pop, "_pop_row"].to_numpy().astype(np.int64)] = True
            pop_row = merged["_pop_row"].to_numpy()
            grid = _dsr_grid(events, population, by_cell, pop_row, keep)
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
            frame = merged[has_pop].drop(columns="_pop_row")
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
