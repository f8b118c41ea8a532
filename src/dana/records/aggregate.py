"""From counted events to small tables ("cubes") the engine returns: the only data that
leaves the engine.

Every definition produces *events*: one row per (indicator, counted record) with
``weight_c`` (hundredths: 100 for a whole event, the AAF x 100 for an AAF-weighted one) and
the breakdown fields ``sex, band`` (ESP2013 band index), ``age``, ``district, utla, region,
lsoa, ethnic, condition``. :func:`cubes` sums them four ways, each a single group-by run by
the engine (results are integers, so both engines return identical cubes):

* ``geo`` - by indicator x region x UTLA x district x sex x ESP band x age group x ethnic
  group (every area level, sex, age and ethnicity breakdown is a sum of these cells);
* ``condition`` - by indicator x region x UTLA x condition (the AAF-weighted measures);
* ``decile`` - by indicator x region x UTLA x district x IMD decile x sex x ESP band
  (through the LSOA lookup; records whose LSOA it does not know go to decile 0, "not known");
* ``small_area`` - by indicator x district x small area x sex x ESP band (LSOAs the lookup
  knows only; the lookup's own district is the small area's parent).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from dana.records.engines import Engine
from dana.records.indicators import AGE_GROUPS

GEO = ["indicator", "region", "utla", "district", "sex", "band", "agegroup", "ethnic"]
CONDITION = ["indicator", "region", "utla", "condition"]
DECILE = ["indicator", "region", "utla", "district", "imd_decile", "sex", "band"]
SMALL_AREA = ["indicator", "lsoa_district", "small_area", "sex", "band"]


def age_group(age: ir.IntegerValue, kind: str) -> ir.IntegerValue:
    """Index of the age group (see :data:`dana.records.indicators.AGE_GROUPS`); -1 below."""
    bounds = AGE_GROUPS[kind]
    cases = [(age >= low, i) for i, low in reversed(list(enumerate(bounds)))]
    return ibis.cases(*cases, else_=-1).cast("int16")


def _sum(table: ir.Table, keys: list[str]) -> ir.Table:
    return table.group_by(keys).aggregate(
        n=table.count().cast("int64"), w=table.weight_c.sum().cast("int64")
    )


_TYPES = {
    "indicator": "string", "region": "string", "utla": "string", "district": "string",
    "sex": "int64", "band": "int16", "agegroup": "int16", "ethnic": "string",
    "condition": "string", "imd_decile": "int64", "lsoa_district": "string",
    "small_area": "string",
}  # fmt: skip
_KEYS = {"geo": GEO, "condition": CONDITION, "decile": DECILE, "small_area": SMALL_AREA}


def _branch(table: ir.Table, name: str) -> ir.Table:
    """One cube with every cube's columns (NULL where not its own), tagged ``cube``."""
    summed = _sum(table, _KEYS[name])
    columns = {
        c: (summed[c] if c in _KEYS[name] else ibis.null(kind)).cast(kind)
        for c, kind in _TYPES.items()
    }
    return summed.select(cube=ibis.literal(name), **columns, n=summed.n, w=summed.w)


def cubes(
    engine: Engine, events: ir.Table, *, kind: str, lsoa: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """The four cubes as pandas frames (``decile``/``small_area`` empty without a lookup).

    One query returns all four (a union), so a slow-to-start engine (Spark) runs one job;
    rows come back sorted by key so that the pandas sums which follow add in the same
    order on every engine and give identical values, not just values equal to rounding.
    """
    events = engine.materialise(events.mutate(agegroup=age_group(events.age, kind)), "events")
    branches = [_branch(events, "geo")]
    branches.append(_branch(events.filter(events.condition.notnull()), "condition"))
    if lsoa is not None:
        lookup = engine.lookup(
            "lsoa",
            pd.DataFrame(
                {
                    "lsoa": lsoa["lsoa"].astype(str),
                    "lsoa_district": lsoa["district"].astype(str),
                    "small_area": lsoa["small_area"].astype(object),
                    "lsoa_decile": lsoa["imd_decile"].fillna(0).astype("int64"),
                }
            ),
        )
        joined = events.left_join(lookup, "lsoa")
        joined = joined.mutate(imd_decile=joined.lsoa_decile.fill_null(0))
        branches.append(_branch(joined, "decile"))
        branches.append(_branch(joined.filter(joined.small_area.notnull()), "small_area"))
    frame = engine.collect(ibis.union(*branches, distinct=False))
    result = {}
    for name, keys in _KEYS.items():
        part = frame[frame["cube"] == name][[*keys, "n", "w"]].copy()
        for column in keys:  # the union made integer keys nullable floats
            if _TYPES[column].startswith("int"):
                part[column] = part[column].astype("int64")
        result[name] = part.sort_values(keys, na_position="first", kind="mergesort").reset_index(
            drop=True
        )
    return result
