"""Reading field values: one Python rule per kind of value, applied to *distinct* values.

A national extract has 18 million episodes but only a few hundred distinct dates, ages or
codes in a column. So every field is parsed once per distinct value
(:func:`dana.records.fields.parse_fields` collects the distinct values in one engine
query, applies these rules, and joins the results back as a small lookup table): the
rules are plain Python, identical on every engine, and never on the hot path.

* :func:`text` - trimmed; empty -> None.
* :func:`integer` - a whole number (``"01"``, ``" 12 "``, ``12.0``), or None; ``bad`` says
  a value was present but unreadable.
* :func:`date` - ``YYYY-MM-DD`` (a time part is ignored), ``DD/MM/YYYY``, ``YYYYMMDD``, or
  a date/timestamp; a real day of the month (2023-02-30 is unreadable); years 1800-2200.
"""

from __future__ import annotations

import datetime as dt
import math
import re

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    stripped = str(value).strip()
    return stripped or None


def integer(value: object) -> tuple[int | None, bool]:
    """(the whole number or None, present-but-unreadable)."""
    if isinstance(value, bool):
        return None, True
    if isinstance(value, int):
        return value, False
    if isinstance(value, float):
        if math.isnan(value):
            return None, False
        return (int(value), False) if value.is_integer() else (None, True)
    raw = text(value)
    if raw is None:
        return None, False
    match = re.fullmatch(r"([+-]?\d{1,18})(?:\.0*)?", raw)  # "12.0": a float column as text
    if match:
        return int(match[1]), False
    return None, True


def date(value: object) -> tuple[dt.date | None, bool]:
    """(the date or None, present-but-unreadable)."""
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date(), False
    raw = text(value)
    if raw is None:
        return None, False
    for pattern, order in ((_ISO, (1, 2, 3)), (_UK, (3, 2, 1)), (_COMPACT, (1, 2, 3))):
        match = pattern.match(raw)
        if match:
            year, month, day = (int(match[i]) for i in order)
            if not 1800 <= year <= 2200:
                return None, True
            try:
                return dt.date(year, month, day), False
            except ValueError:
                return None, True
    return None, True
