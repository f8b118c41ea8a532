"""From counted events to small tables ("cubes") the engine returns: the only data that
leaves the engine.

Every definition produces *events*: one row per (indicator, counted record) with
``weight_c`` (hundredths: 100 for a whole event, the AAF x 100 for an AAF-weighted one) and
integer breakdown fields ``sex, band`` (ESP2013 band index), ``age``, ``la_id``,
``lsoa_id``, ``ethnic``, ``condition`` (see :mod:`dana.records.common`). :func:`cubes` sums
them four ways in **one** query (a union, so a slow-to-start engine runs one job):

* ``geo`` - indicator x LA x sex x ESP band x age group x ethnic group (every area level,
  sex, age and ethnicity breakdown is a sum of these cells);
* ``condition`` - indicator x LA x condition (the AAF-weighted measures);
* ``decile`` - indicator x LA x IMD decile x sex x ESP band (decile 0 = LSOA not known);
* ``small_area`` - indicator x small area x sex x ESP band (known LSOAs only).

The results are integers, so both engines return identical cubes; :func:`cubes` sorts them
by key and decodes the integers (LA, ethnic group, condition, small area) back into codes
and labels, so the pandas sums that follow add in the same order on every engine and give
identical values, not just values equal to rounding.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from dana.records.common import ETHNIC_LABELS, la_table
from dana.records.engines import Engine
from dana.records.indicators import AGE_GROUPS, DEFINITIONS
from dana.records.reference import condition_labels

GEO = ["indicator", "la_id", "sex", "band", "agegroup", "ethnic"]
CONDITION = ["indicator", "la_id", "condition"]
DECILE = ["indicator", "la_id", "imd_decile", "sex", "band"]
SMALL_AREA = ["indicator", "small_area_id", "sex", "band"]
_KEYS = {"geo": GEO, "condition": CONDITION, "decile": DECILE, "small_area": SMALL_AREA}
_TYPES = {
    "indicator": "int8", "la_id": "int32", "sex": "int8", "band": "int16",
    "agegroup": "int16", "ethnic": "int8", "condition": "int16", "imd_decile": "int16",
    "small_area_id": "int32",
}  # fmt: skip


def age_group(age: ir.IntegerValue, kind: str) -> ir.IntegerValue:
    """Index of the age group (see :data:`dana.records.indicators.AGE_GROUPS`); -1 below."""
    bounds = AGE_GROUPS[kind]
    cases = [(age >= low, i) for i, low in reversed(list(enumerate(bounds)))]
    return ibis.cases(*cases, else_=-1).cast("int16")


def _branch(table: ir.Table, name: str) -> ir.Table:
    """One cube with every cube's columns (NULL where not its own), tagged ``cube``."""
    keys = _KEYS[name]
    summed = table.group_by(keys).aggregate(
        n=table.count().cast("int64"), w=table.weight_c.sum().cast("int64")
    )
    columns = {
        c: (summed[c] if c in keys else ibis.null(kind)).cast(kind) for c, kind in _TYPES.items()
    }
    return summed.select(cube=ibis.literal(name), **columns, n=summed.n, w=summed.w)


def _small_areas(lsoa: pd.DataFrame) -> pd.DataFrame:
    """Small area id -> code and the district it belongs to (from the LSOA lookup)."""
    areas = lsoa[lsoa["small_area"].notna()].drop_duplicates("small_area")
    return pd.DataFrame(
        {"small_area": areas["small_area"].astype(str), "lsoa_district": areas["district"]}
    ).reset_index(drop=True)


def cubes(
    engine: Engine, events: ir.Table, *, kind: str, lsoa: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """The four cubes as pandas frames with codes and labels (decile and small-area cubes
    are empty without an LSOA lookup)."""
    events = events.mutate(agegroup=age_group(events.age, kind))
    branches = [_branch(events, "geo")]
    branches.append(_branch(events.filter(events.condition.notnull()), "condition"))
    small = None
    if lsoa is not None:
        small = _small_areas(lsoa)
        index = {code: i for i, code in enumerate(small["small_area"])}
        lookup = engine.lookup(
            "lsoa_attributes",
            pd.DataFrame(
                {
                    "lsoa_id": np.arange(len(lsoa), dtype=np.int32),
                    "lsoa_decile": lsoa["imd_decile"].fillna(0).astype("int16").to_numpy(),
                    "small_area_id": lsoa["small_area"].map(index).astype("Int32"),
                }
            ),
        )
        joined = events.left_join(lookup, "lsoa_id")
        joined = joined.mutate(imd_decile=joined.lsoa_decile.fill_null(0))
        branches.append(_branch(joined, "decile"))
        branches.append(_branch(joined.filter(joined.small_area_id.notnull()), "small_area"))
    frame = engine.collect(ibis.union(*branches, distinct=False))
    # split once (rows keep their order within each cube)
    by_cube = dict(iter(frame.groupby("cube", sort=False)))
    empty = frame.iloc[0:0]
    return {name: _decode(by_cube.get(name, empty), name, small) for name in _KEYS}


def _decode(frame: pd.DataFrame, name: str, small: pd.DataFrame | None) -> pd.DataFrame:
    keys = _KEYS[name]
    part = frame[[*keys, "n", "w"]].copy()
    for column in keys:
        if column != "la_id":  # the union made integer keys nullable
            part[column] = part[column].astype("int64")
    part = part.sort_values(keys, na_position="first", kind="mergesort").reset_index(drop=True)
    names = pd.Series([d.name for d in DEFINITIONS])
    part["indicator"] = names.iloc[part["indicator"].to_numpy()].reset_index(drop=True)
    if "la_id" in part:
        areas = la_table().set_index("la_id")
        ids = part.pop("la_id")
        for column in ("region", "utla", "district"):
            part[column] = ids.map(areas[column]).astype(object).to_numpy()
    if "ethnic" in part:
        part["ethnic"] = part["ethnic"].map(dict(enumerate(ETHNIC_LABELS)))
    if "condition" in part:
        part["condition"] = part["condition"].map(dict(enumerate(condition_labels())))
    if "small_area_id" in part:
        ids = part.pop("small_area_id")
        part["small_area"] = ids.map(small["small_area"]) if small is not None else None
        part["lsoa_district"] = ids.map(small["lsoa_district"]) if small is not None else None
    return part
