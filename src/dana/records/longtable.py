"""The canonical long code table of an extract: one row per (record, position, code).

Wide extracts carry codes in numbered columns (HES ``DIAG_01..DIAG_20``, deaths
``FIC10MEN1..15`` plus the underlying cause). The code map
(:func:`dana.records.fields.parse_fields`) normalises every *distinct* value written in
those columns once (:func:`dana.records.codes.normalise_icd10`) and gives it an integer
``code_id``; :func:`long_table` unpivots the columns (a union of one select per position)
and keeps ``key, pos, code_id``. Each table is materialised once per extract and
every code-based definition reads it, joined to its code lookup through ``code_id``.

Why integers and a union: at national scale (92 million HES diagnosis fields) DuckDB writes
the integer table in about 6 s against about 45 s with the code text, and the union of
per-position selects counted faster than unnesting an array of structs (RECORDS.md B also
found the struct unpivot the slowest form). Normalising about 7,000 distinct strings instead
of 92 million values takes the regular expressions off the hot path (the code map is
built in Python from the distinct values, so the rule is the one in
:func:`dana.records.codes.normalise_icd10`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from dana.records.fields import as_string


def long_table(table: ir.Table, key: str, positions: dict[int, str], codes: ir.Table) -> ir.Table:
    """``key, pos, code_id`` for every non-empty code field (``positions``: pos -> column)."""
    parts = [
        table.select(key, pos=ibis.literal(pos, "int16"), raw=as_string(table[column])).filter(
            ibis._.raw.notnull()
        )
        for pos, column in sorted(positions.items())
    ]
    long = ibis.union(*parts, distinct=False)
    return long.inner_join(codes.select("raw", "code_id"), "raw").select(key, "pos", "code_id")
