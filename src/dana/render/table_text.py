"""A display table's cells as text: the model's tables hold numbers, the renderers write them.

:func:`display_cells` is the one place a :class:`~dana.assess.model.Table` becomes text,
for every format, by :mod:`dana.formatting`'s rule:

- a column of counts (named in ``Table.counts``, or holding only whole numbers) is
  written whole with thousands separators ("1,147"); a column of years ("Year", "Base
  year") as the year itself ("2023");
- any other numeric column at one precision for the whole column, the most decimals
  :func:`~dana.formatting.decimals_for` gives any of its values (a column headed with
  "%" by the percentage rule), so its numbers line up ("95.3", "105.0");
- text as it is: the disclosure mark ``*`` stays ``*``; a missing number is ``-``.

Nothing here computes: it only writes the numbers the model holds.
"""

from __future__ import annotations

import math
import numbers

from dana.assess.model import Table
from dana.formatting import MISSING, decimals_for, format_count, format_number
from dana.render.content import xml_safe


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _missing(value) -> bool:
    return value is None or (_is_number(value) and math.isnan(float(value)))


def column_text(header: str, values: list, *, count: bool = False) -> tuple[list[str], bool]:
    """One column's cells as text and whether it is numeric (see the module docstring)."""
    found = [float(v) for v in values if _is_number(v) and not math.isnan(float(v))]
    if not found:
        return [MISSING if _missing(v) else xml_safe(v) for v in values], False
    whole = all(v.is_integer() for v in found)
    if whole and "year" in header.lower():
        write = lambda v: str(int(v))  # noqa: E731 - a year is not a count
    elif count or whole:
        write = format_count
    else:
        unit = "%" if "%" in header else ""
        places = max(decimals_for(v, unit) for v in found)
        write = lambda v: format_number(v, decimals=places)  # noqa: E731
    out = []
    for v in values:
        if _missing(v):
            out.append(MISSING)
        elif isinstance(v, bool):
            out.append("Yes" if v else "No")
        elif _is_number(v):
            out.append(write(float(v)))
        else:
            out.append(xml_safe(v))
    return out, True


def display_cells(table: Table) -> tuple[list[str], list[list[str]], set[int]]:
    """``(headers, rows, numeric)``: the table's headers and cells as text, and the
    indices of its numeric columns (renderers align those right)."""
    headers = [xml_safe(c) for c in table.data.columns]
    columns, numeric = [], set()
    for i, name in enumerate(table.data.columns):
        text, is_numeric = column_text(
            str(name), table.data.iloc[:, i].tolist(), count=name in table.counts
        )
        columns.append(text)
        if is_numeric:
            numeric.add(i)
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    return headers, rows, numeric
