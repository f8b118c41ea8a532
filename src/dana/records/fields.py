"""Typed fields from extract columns, parsed once per distinct value (see :mod:`.parse`).

:func:`parse_fields` takes the fields a stage needs - each a column, a Python rule from
the column's value to named outputs, and the outputs' types - and the columns holding
ICD-10 codes. It collects the distinct values of all of them in one engine query per
column type, applies the rules (and :func:`dana.records.codes.normalise_icd10`) in Python,
writes every result into **one** small lookup table, and joins each field's outputs back
(a NULL-safe join on the value, so a missing value gets its rule's outputs too). The
record-level query stays a plain chain of joins, identical on every engine, and the
parsing costs nothing at scale: 18 million episodes have a few hundred distinct dates and
ages, a dozen episode-order codes and a few thousand distinct diagnosis strings.

One lookup table rather than one per field: on Spark each table read costs a fraction of
a second whatever its size, and a stage parses about ten fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from dana.records.codes import CodeListError, normalise_icd10
from dana.records.engines import Engine

_ARROW = {
    "int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64(),
    "bool": pa.bool_(), "date": pa.date32(), "string": pa.string(),
}  # fmt: skip
#: The ``_field`` value of the code-map rows of the lookup table.
CODES = "_codes"


@dataclass(frozen=True)
class Parsed:
    """A stage's table with its fields parsed, and the code map of its code columns."""

    table: ir.Table
    #: ``raw, code, malformed, code_id`` (None without code columns)
    codes: ir.Table | None
    #: code fields (all records, all code columns) that held a malformed code
    malformed: int


@dataclass(frozen=True)
class Field:
    """``rule(value) -> {output: value}`` for one column; ``types``: output -> type name."""

    column: str
    rule: Callable[[object], dict[str, object]]
    types: dict[str, str]


def as_string(column: ir.Value) -> ir.StringValue:
    return column if column.type().is_string() else column.cast("string")


def _canonical(raw: str) -> tuple[str | None, bool]:
    try:
        return normalise_icd10(raw), False
    except CodeListError:
        return None, True


def _distinct_values(engine: Engine, sources: dict[str, tuple[ir.Table, str]]):
    """{type: (field names, values, records)} - one query per value type (``sources``:
    name -> table, column); ``records`` counts the rows holding each value."""
    by_type: dict[str, list[str]] = {}
    for name, (table, column) in sources.items():
        by_type.setdefault(str(table[column].type()).lstrip("!"), []).append(name)
    found = {}
    for kind, names in by_type.items():
        parts = []
        for name in names:
            table, column = sources[name]
            part = table.select(_field=ibis.literal(name), _value=table[column])
            parts.append(part.group_by(["_field", "_value"]).aggregate(_n=part.count()))
        values = engine.collect_arrow(ibis.union(*parts, distinct=False))
        found[kind] = (
            values.column("_field").to_pylist(),
            values.column("_value"),
            values.column("_n").to_pylist(),
        )
    return found


def parse_fields(
    engine: Engine, table: ir.Table, fields: list[Field], *, codes: list[str] = ()
) -> Parsed:
    """``table`` with every field's outputs added, the code map of the ``codes`` columns
    (every distinct non-NULL string, normalised) and the number of malformed code fields.
    See the module docstring."""
    sources = {spec.column: (table, spec.column) for spec in fields}
    if codes:
        # one pseudo-field holding the values of every code column, in the same query
        values = ibis.union(*[table.select(_v=as_string(table[c])) for c in codes], distinct=False)
        sources[CODES] = (values.filter(values._v.notnull()), "_v")
    found = _distinct_values(engine, sources)
    raw_column = {kind: f"_raw_{i}" for i, kind in enumerate(found)}
    # the lookup's columns, in order, and their types
    types: dict[str, pa.DataType] = {"_field": pa.string()}
    for kind in found:
        types[raw_column[kind]] = found[kind][1].type
    for spec in fields:
        for name, kind in spec.types.items():
            types[name] = _ARROW[kind]
    if codes:
        for name, kind in (("raw", pa.string()), ("code", pa.string()),
                           ("malformed", pa.bool_()), ("code_id", pa.int32())):  # fmt: skip
            types[name] = kind

    rows: list[dict[str, object]] = []
    add = rows.append

    by_column = {spec.column: spec for spec in fields}
    source_kind, raw_codes = {}, []
    for kind, (names, values, records) in found.items():
        for name, value, n in zip(names, values.to_pylist(), records, strict=True):
            if name == CODES:
                raw_codes.append((value, n))
                continue
            source_kind[name] = kind
            add({"_field": name, raw_column[kind]: value, **by_column[name].rule(value)})
    malformed_fields = 0
    for i, (raw, n) in enumerate(sorted(raw_codes)):
        code, malformed = _canonical(raw)
        malformed_fields += n if malformed else 0
        add({"_field": CODES, "raw": raw, "code": code, "malformed": malformed, "code_id": i})
    # one list per column at the end (a row holds only its own field's outputs)
    lookup = engine.arrow_table(
        "fields",
        pa.table({n: pa.array([r.get(n) for r in rows], type=t) for n, t in types.items()}),
    )
    for spec in fields:
        raw = raw_column[source_kind[spec.column]] if spec.column in source_kind else None
        if raw is None:  # an empty extract: no values, every output NULL
            table = table.mutate(
                **{n: ibis.null(k if k != "bool" else "boolean") for n, k in spec.types.items()}
            )
            continue
        part = lookup.filter(lookup._field == spec.column).select(*spec.types, _raw=lookup[raw])
        joined = table.left_join(part, table[spec.column].identical_to(part._raw))
        table = joined.drop("_raw")
    code_map = None
    if codes:
        code_map = lookup.filter(lookup._field == CODES).select(
            "raw", "code", "malformed", "code_id"
        )
    return Parsed(table, code_map, malformed_fields)
