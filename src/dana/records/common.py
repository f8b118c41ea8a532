"""Pieces every extract kind shares: keys, reasons, residence, LSOAs, ethnic groups, bands.

Each record of an extract ends up with exactly one ``reason`` - NULL when it is used, else
the first rule it fails - so the run summary accounts for every record:
``records read = used + sum(excluded and rejected, by reason)``. A reason starting with
``"rejected:"`` is bad data (unreadable or impossible values, duplicate keys); one starting
with ``"excluded:"`` is a record the official definition leaves out.

**Breakdown fields are integers** in the engine (``la_id``, ``lsoa_id``, ``ethnic``,
``condition``): indices into small lookup tables that pandas turns back into codes and
labels after the engine has aggregated. Writing and grouping integers is several times
faster than text at national scale (measured: the 92 million-row long diagnosis table
written in 6 s with integer codes against 45 s with text).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from dana.records.engines import Engine
from dana.records.geography import la_lookup
from dana.records.parse import text

REJECTED = "rejected: "
EXCLUDED = "excluded: "

#: Ethnic category (NHS Data Dictionary, 2001 census categories A-S) -> broad group.
ETHNIC_GROUPS = {
    **dict.fromkeys("ABC", "White"),
    **dict.fromkeys("DEFG", "Mixed"),
    **dict.fromkeys("HJKL", "Asian"),
    **dict.fromkeys("MNP", "Black"),
    **dict.fromkeys("RS", "Other"),
}
ETHNIC_NOT_KNOWN = "Not stated or not known"
#: ``ethnic`` index -> label.
ETHNIC_LABELS = ("White", "Mixed", "Asian", "Black", "Other", ETHNIC_NOT_KNOWN)
#: ``la_status`` index -> label.
LA_STATUS = ("current", "earlier code", "not recognised", "missing")
#: The 19 ESP2013 bands (Fingertips convention): index = min(age // 5, 18).
ESP_BANDS = tuple(f"{lo}-{lo + 4}" for lo in range(0, 90, 5)) + ("90+",)


def key(column: ir.Value) -> ir.Value:
    """A record key as stored (integers stay integers; text is trimmed, empty -> NULL)."""
    return column if column.type().is_integer() else text(column)


def first_reason(*rules: tuple[ir.BooleanValue, str]) -> ir.StringValue:
    """The first reason whose condition holds (NULL conditions count as false)."""
    return ibis.cases(
        *[(condition.fill_null(False), reason) for condition, reason in rules],
        else_=ibis.null("string"),
    )


def duplicated_keys(table: ir.Table, column: str) -> ir.Table:
    """Keys that occur more than once (an aggregation, cheaper than a window at scale)."""
    counts = table.group_by(column).aggregate(copies=table.count())
    return counts.filter((counts.copies > 1) & counts[column].notnull()).select(
        column, duplicated=ibis.literal(True)
    )


def ethnic_group(code: ir.Value) -> ir.IntegerValue:
    """Index into :data:`ETHNIC_LABELS` of an ethnic category code."""
    value = text(code).upper()
    index = {label: i for i, label in enumerate(ETHNIC_LABELS)}
    return ibis.cases(
        *[(value == letter, index[group]) for letter, group in ETHNIC_GROUPS.items()],
        else_=index[ETHNIC_NOT_KNOWN],
    ).cast("int8")


def esp_band(age: ir.IntegerValue) -> ir.IntegerValue:
    """ESP2013 band index 0-18 (0-4 ... 90+)."""
    return ibis.least(age // 5, 18).cast("int16")


def recode(table: ir.Table, column: str, mapper) -> ir.Table:
    """Derive columns from a text column through its *distinct* values.

    ``mapper`` receives a table of the distinct values (column ``_raw``) and returns it
    with the derived columns; they are joined back on a NULL-safe equality. The work of
    parsing (trimming, regular expressions, lookups) is done once per distinct value, not
    once per record: measured on 18 million HES episodes, the ethnic-group mapping took
    0.8 s this way and 6.4 s as a CASE over every row.
    """
    values = table.select(_raw=table[column]).distinct()
    mapped = mapper(values)
    mapped = mapped.rename({f"_key_{column}": "_raw"})
    joined = table.left_join(mapped, table[column].identical_to(mapped[f"_key_{column}"]))
    return joined.drop(f"_key_{column}")


def derive(table: ir.Table, column: str, build) -> ir.Table:
    """Add the columns ``build(value)`` gives (a dict of expressions of one column's value):
    through the distinct values (:func:`recode`) for text, directly for typed columns."""
    if table[column].type().is_string():
        return recode(table, column, lambda values: values.select("_raw", **build(values._raw)))
    return table.mutate(**build(table[column]))


def la_table() -> pd.DataFrame:
    """:func:`dana.records.geography.la_lookup` with ``la_id`` (its row number)."""
    return la_lookup().reset_index(drop=True).assign(la_id=lambda f: f.index.astype("int32"))


def with_residence(engine: Engine, table: ir.Table, column: str = "la") -> ir.Table:
    """Add ``la_id`` (NULL if the code is unknown), ``la_england`` (False for a Welsh,
    Scottish or Northern Irish code or none) and ``la_status`` (index into
    :data:`LA_STATUS`) from the LA code column."""
    frame = la_table()
    status = {label: i for i, label in enumerate(LA_STATUS)}
    lookup = engine.lookup(
        "la",
        pd.DataFrame(
            {
                "_code": frame["code"],
                "la_id": frame["la_id"],
                "_status": frame["status"].map(status).astype("int8"),
            }
        ),
    )

    def mapper(values: ir.Table) -> ir.Table:
        values = values.mutate(_la=text(values._raw).upper())
        joined = values.left_join(lookup, values._la == lookup._code)
        la_status = ibis.cases(
            (joined._la.isnull(), status["missing"]),
            (joined._status.isnull(), status["not recognised"]),
            else_=joined._status,
        ).cast("int8")
        england = joined._la.notnull() & ~outside_england(joined._la)
        return joined.select("_raw", "la_id", la_status=la_status, la_england=england)

    return recode(table, column, mapper)


def with_lsoa(engine: Engine, table: ir.Table, column: str, lookup: pd.DataFrame | None):
    """Add ``lsoa_id`` (row of the LSOA lookup; NULL without a lookup or if unknown)."""
    if lookup is None:
        return table.mutate(lsoa_id=ibis.null("int32"))
    ids = engine.lookup(
        "lsoa_ids",
        pd.DataFrame(
            {"_lsoa": lookup["lsoa"].astype(str).str.upper(), "lsoa_id": range(len(lookup))}
        ),
    )

    def mapper(values: ir.Table) -> ir.Table:
        values = values.mutate(_lsoa=text(values._raw).upper())
        joined = values.left_join(ids, "_lsoa")
        return joined.select("_raw", lsoa_id=joined.lsoa_id.cast("int32"))

    return recode(table, column, mapper)


def outside_england(code: ir.StringValue) -> ir.BooleanValue:
    """A GSS code of Wales, Scotland or Northern Ireland (W/S/N prefixes)."""
    return code.substr(0, 1).isin(["W", "S", "N"])


def attach(left: ir.Table, right: ir.Table, keys: str | list[str]) -> ir.Table:
    """Left join on equal-named keys, keeping one copy of each key column."""
    joined = left.left_join(right, keys)
    return joined.select([c for c in joined.columns if not c.endswith("_right")])
