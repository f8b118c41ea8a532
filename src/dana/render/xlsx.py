"""A plain XLSX workbook written straight to its XML parts: sheets of values with a bold
header row that stays in view, a filter on it, and set column widths.

The all-areas summary (``dana batch``) is about 275,000 cells; openpyxl makes and
serialises an object per cell, which took longer than computing the summary. A sheet
of plain values needs none of that: this writer streams each row's XML once into the
zip (Office Open XML, ECMA-376: inline strings, numbers, booleans; three cell styles).
Files open in Excel and LibreOffice and read back with openpyxl.
"""

from __future__ import annotations

import math
import numbers
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Cell styles (indices into ``cellXfs`` below).
PLAIN, BOLD, WRAPPED = 0, 1, 2
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _escape(text: str, entities: dict[str, str] | None = None) -> str:
    """``&``, ``<``, ``>`` (and ``entities``) escaped, as :func:`xml.sax.saxutils.escape`
    does: that module imports urllib, http and ssl, a twentieth of ``dana batch``'s time."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


def column_letter(index: int) -> str:
    """``0 -> "A"``, ``25 -> "Z"``, ``26 -> "AA"``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    """One worksheet: ``rows`` of values (None leaves a cell empty), the first row
    styled ``header_style`` and frozen with a filter when ``header``; ``styles`` gives
    a column's style (e.g. ``{1: WRAPPED}``) and ``widths`` its width in characters."""

    name: str
    rows: Sequence[Sequence]
    header: bool = True
    header_style: int = BOLD
    styles: dict[int, int] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)


#: Python type -> :func:`_kind_of` (the same for every value of a type; isinstance against
#: the numbers ABCs is slow once per cell, 275,000 times for the all-areas summary).
_KINDS: dict[type, str] = {}


def _kind_of(kind: type) -> str:
    """How a value of type ``kind`` is written: "empty", "bool", "int", "float" or
    "text" (worked out once per type)."""
    found = _KINDS.get(kind)
    if found is None:
        if kind is type(None):
            found = "empty"
        elif issubclass(kind, bool):
            found = "bool"
        elif issubclass(kind, numbers.Integral):
            found = "int"
        else:
            found = "float" if issubclass(kind, numbers.Real) else "text"
        _KINDS[kind] = found
    return found


@lru_cache(maxsize=65536)
def _text(value: str) -> str:
    # the summary repeats the same names and notes thousands of times: escape each once
    return _escape(_ILLEGAL.sub("", value))


def _cell(value, style: int) -> str:
    """One cell's XML, without its reference: cells are written in column order, every
    column present (an empty cell is ``<c/>``), so the reference is implied (ECMA-376
    Part 1, 18.3.1.4: ``r`` is optional)."""
    s = f' s="{style}"' if style else ""
    kind = _kind_of(type(value))
    if kind == "text":
        return _text_cell(str(value), s)
    if kind == "float":
        number = float(value)
        if not math.isfinite(number):
            return f"<c{s}/>"
        return f"<c{s}><v>{number!r}</v></c>"
    if kind == "int":
        return f"<c{s}><v>{int(value)}</v></c>"
    if kind == "bool":
        return f'<c{s} t="b"><v>{int(value)}</v></c>'
    return f"<c{s}/>"


def _column_cells(values: Sequence, style: int) -> list[str]:
    """:func:`_cell` of every value of a column. A column of one kind of value (some
    cells perhaps empty), as most are, is written in one pass without a call per cell
    (a third of the all-areas workbook's time went on those calls)."""
    kinds = set(map(_kind_of, set(map(type, values)))) - {"empty"}
    if len(kinds) != 1 or kinds == {"bool"}:
        return [_cell(v, style) for v in values]
    s = f' s="{style}"' if style else ""
    empty = f"<c{s}/>"
    (kind,) = kinds
    if kind == "text":
        return [empty if v is None else _text_cell(str(v), s) for v in values]
    if kind == "int":
        return [empty if v is None else f"<c{s}><v>{int(v)}</v></c>" for v in values]
    numbers_ = (math.nan if v is None else float(v) for v in values)
    return [f"<c{s}><v>{n!r}</v></c>" if math.isfinite(n) else empty for n in numbers_]


@lru_cache(maxsize=65536)
def _text_cell(value: str, style: str) -> str:
    # the summary repeats the same names and notes thousands of times: build each once
    return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> Iterable[str]:
    width = max((len(r) for r in sheet.rows), default=1)
    letters = [column_letter(i) for i in range(width)]
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
    if sheet.header:
        yield (
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        )
    if sheet.widths:
        cols = "".join(
            f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
            for c, w in sorted(sheet.widths.items())
        )
        yield f"<cols>{cols}</cols>"
    yield "<sheetData>"
    rows = [list(r) + [None] * (width - len(r)) for r in sheet.rows]
    first = 0
    if sheet.header and rows:
        cells = "".join(_cell(v, sheet.header_style) for v in rows[0])
        yield f'<row r="1">{cells}</row>'
        first = 1
    # column by column (one style per column), then joined row by row
    styles = [sheet.styles.get(c, PLAIN) for c in range(width)]
    body = zip(*rows[first:], strict=True)  # the data's columns (none without data rows)
    columns = [
        _column_cells(values, style)
        for values, style in zip(body, styles, strict=False)  # no data rows: no columns
    ]
    for r, cells in enumerate(zip(*columns, strict=True), first + 1):
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData>"
    if sheet.header and sheet.rows:
        yield f'<autoFilter ref="A1:{letters[-1]}{len(sheet.rows)}"/>'
    yield "</worksheet>"


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` as an XLSX file at ``path`` (sheet names must be unique, at most
    31 characters, without ``[]:*?/\\``)."""
    path = Path(path)
    n = len(sheets)
    names = "".join(
        f'<sheet name="{_escape(s.name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_escape(s.name.replace(chr(39), chr(39) * 2))}'!$A$1:${column_letter(max(len(r) for r in s.rows) - 1)}${len(s.rows)}</definedName>"
        for i, s in enumerate(sheets)
        if s.header and s.rows
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><sheets>{names}</sheets>'
        + (f"<definedNames>{filters}</definedNames>" if filters else "")
        + "</workbook>"
    )
    relations = (
        "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    )
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="'
            'http://schemas.openxmlformats.org/package/2006/content-types"><Default '
            'Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{types}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/workbook.xml", workbook)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">{relations}</Relationships>',
        )
        z.writestr("xl/styles.xml", _STYLES)
        for i, sheet in enumerate(sheets, 1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                for piece in _sheet_xml(sheet):
                    out.write(piece.encode("utf-8"))
    return path
