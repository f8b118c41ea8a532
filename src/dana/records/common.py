"""Pieces every extract kind shares: keys, residence, ethnic groups, age bands, reasons.

Each record of an extract ends up with exactly one ``reason`` - NULL when it is used, else
the first rule it fails - so the run summary accounts for every record:
``records read = used + sum(excluded and rejected, by reason)``. A reason starting with
``"rejected:"`` is bad data (unreadable or impossible values, duplicate keys); one starting
with ``"excluded:"`` is a record the official definition leaves out (an unfinished
episode, a registration outside the period...).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

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


def ethnic_group(code: ir.Value) -> ir.StringValue:
    value = text(code).upper()
    return ibis.cases(
        *[(value == letter, group) for letter, group in ETHNIC_GROUPS.items()],
        else_=ETHNIC_NOT_KNOWN,
    )


def esp_band(age: ir.IntegerValue) -> ir.IntegerValue:
    """ESP2013 band index 0-18 (0-4 ... 90+)."""
    return ibis.least(age // 5, 18).cast("int16")


def with_residence(engine: Engine, table: ir.Table, la: ir.Value) -> ir.Table:
    """Add ``district``, ``utla``, ``region`` (NULL if the code is unknown) and
    ``la_status`` ("current", "earlier code", "not recognised", "missing") for a code."""
    lookup = engine.lookup("la", la_lookup())
    code = text(la).upper()
    table = table.mutate(_la=code)
    joined = table.left_join(lookup, table._la == lookup.code)
    status = ibis.cases(
        (joined._la.isnull(), "missing"),
        (joined.status.isnull(), "not recognised"),
        else_=joined.status,
    )
    return joined.mutate(la_status=status).drop("code", "status")


def outside_england(code: ir.StringValue) -> ir.BooleanValue:
    """A GSS code of Wales, Scotland or Northern Ireland (W/S/N prefixes)."""
    return code.substr(0, 1).isin(["W", "S", "N"])


def attach(left: ir.Table, right: ir.Table, keys: str | list[str]) -> ir.Table:
    """Left join on equal-named keys, keeping one copy of each key column."""
    joined = left.left_join(right, keys)
    return joined.select([c for c in joined.columns if not c.endswith("_right")])
