"""A supplied comparator list (e.g. the CIPFA nearest neighbours a council already uses).

A CSV or XLSX with one area per row in a column named ``area_code``, ``code``,
``area_name``, ``name`` or ``neighbour`` (the first found, in that order); an optional
``rank`` column orders the list. Names or GSS codes are accepted. Every entry is checked
against DANA's area table: an unknown area, a duplicate or the assessed area itself is
an error naming the file, row and column. Blank rows are set aside and counted.
"""

from __future__ import annotations

from pathlib import Path

from dana.areas import AreaError, load_areas
from dana.sources import _read
from dana.sources.errors import SourceFileError

_COLUMNS = ("area_code", "code", "area_name", "name", "neighbour")


def read_neighbour_list(path: str | Path, *, area_code: str | None = None) -> list[str]:
    """The comparator areas' GSS codes, in the file's order (or by its ``rank`` column)."""
    path = Path(path)
    raw = _read.read_table(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    folded = {c.strip().casefold(): c for c in raw.columns}
    column = next((folded[c] for c in _COLUMNS if c in folded), None)
    if column is None:
        raise SourceFileError(
            path,
            f"no area column: name one of {list(_COLUMNS)} (the header has {list(raw.columns)})",
            row=1,
        )
    if "rank" in folded:
        ranks = _read.parse_numbers(raw, folded["rank"], path, blank_ok=False)
        raw = raw.assign(_rank=ranks).sort_values("_rank", kind="stable")
    areas = load_areas()
    codes: list[str] = []
    for row, entry in raw[column].items():
        text = str(entry).strip()
        try:
            code = areas.resolve(text).code
        except AreaError as exc:
            raise SourceFileError(path, str(exc), row=int(row), column=column) from None
        if code in codes:
            raise SourceFileError(
                path, f"{text!r} ({code}) is listed twice", row=int(row), column=column
            )
        if area_code is not None and code == area_code:
            raise SourceFileError(
                path, f"{text!r} is the assessed area itself", row=int(row), column=column
            )
        codes.append(code)
    if not codes:
        raise SourceFileError(path, "the neighbour list has no areas")
    return codes
