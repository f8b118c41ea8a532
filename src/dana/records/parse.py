"""Typed values from extract columns, as ibis expressions that behave the same on every engine.

A CSV gives text; a Parquet file may give integers, dates or text for the same field. Each
parser looks at the column's type and returns a typed expression that is NULL where the
value is missing *or* cannot be read, plus, where it matters, a flag telling the two apart
(so a bad value is counted as bad, not as missing).

Dates are read from ``YYYY-MM-DD`` (DARS, ISO; a time part is ignored), ``DD/MM/YYYY``
(warehouse CSVs) and ``YYYYMMDD`` (ONS and PCMD), and checked for a real day of the month
(leap years included) before a date is built, because engines differ in what they do with
2023-02-30 (an error on DuckDB). Integers accept surrounding spaces and leading zeros
(``EPIORDER`` "01").
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"
_UK = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"


def as_string(column: ir.Value) -> ir.StringValue:
    return column if column.type().is_string() else column.cast("string")


def text(column: ir.Value) -> ir.StringValue:
    """Trimmed text; empty -> NULL.

    Trimmed with a regular expression, not ``strip()``: ibis 12 compiles ``strip()`` for
    Spark to ``TRIM(' \t\n\r\v\f' FROM x)``, whose literal Spark reads as including the
    letters t, n, r, v and f, so "f102 " came back as "102" on Spark only.
    """
    value = as_string(column)
    # the regular expression only where an end is blank: most fields need no trimming
    edge = value.substr(0, 1).isin([" ", "\t"]) | value.right(1).isin([" ", "\t"])
    value = ibis.ifelse(edge, value.re_replace(r"^\s+|\s+$", ""), value)
    return ibis.ifelse(value.length() == 0, ibis.null("string"), value)


def integer(column: ir.Value) -> tuple[ir.IntegerValue, ir.BooleanValue]:
    """(integer or NULL, present-but-unreadable)."""
    kind = column.type()
    if kind.is_integer():
        return column.cast("int64"), ibis.literal(False)
    if kind.is_floating() or kind.is_decimal():
        whole = column.notnull() & (column.round(0) == column)
        return ibis.ifelse(whole, column.cast("int64"), ibis.null("int64")), (
            column.notnull() & ~whole
        )
    value = text(column)
    ok = value.re_search(r"^[+-]?\d{1,18}$")
    return ibis.ifelse(ok, value.cast("int64"), ibis.null("int64")), value.notnull() & ~ok


def _valid_date(y: ir.IntegerValue, m: ir.IntegerValue, d: ir.IntegerValue) -> ir.BooleanValue:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = ibis.cases(
        (m == 2, ibis.ifelse(leap, 29, 28)), (m.isin([4, 6, 9, 11]), 30), else_=31
    )
    return (y >= 1800) & (y <= 2200) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days)


def date(column: ir.Value) -> tuple[ir.DateValue, ir.BooleanValue]:
    """(date or NULL, present-but-unreadable) from a date, timestamp or text column."""
    kind = column.type()
    if kind.is_date():
        return column, ibis.literal(False)
    if kind.is_timestamp():
        return column.cast(dt.date), ibis.literal(False)
    if kind.is_integer():
        column = column.cast("string")
    value = text(column)

    def part(pattern: str, group: int) -> ir.IntegerValue:
        piece = value.re_extract(pattern, group)
        return ibis.ifelse(piece.length() > 0, piece.cast("int64"), ibis.null("int64"))

    iso, uk, compact = value.re_search(_ISO), value.re_search(_UK), value.re_search(_COMPACT)
    y = ibis.cases((iso, part(_ISO, 1)), (uk, part(_UK, 3)), (compact, part(_COMPACT, 1)))
    m = ibis.cases((iso, part(_ISO, 2)), (uk, part(_UK, 2)), (compact, part(_COMPACT, 2)))
    d = ibis.cases((iso, part(_ISO, 3)), (uk, part(_UK, 1)), (compact, part(_COMPACT, 3)))
    ok = (iso | uk | compact) & _valid_date(y, m, d)
    ok = ok.fill_null(False)
    built = ibis.ifelse(ok, ibis.date(y, m, d), ibis.null("date"))
    return built, value.notnull() & ~ok
