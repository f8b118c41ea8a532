"""File-reading helpers shared by the importers in :mod:`dana.sources`.

Every reader here returns text cells (never guessed dtypes) in a frame whose **index
is the row number a person sees** in a spreadsheet or editor (the header is row 1), so
any later check can name the exact row with :class:`~dana.sources.errors.SourceFileError`.
Numbers are parsed with :func:`parse_numbers`, which names the first bad cell.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dana import table
from dana.sources.errors import SourceFileError

log = logging.getLogger("dana.sources")

#: GSS area code: a country letter and eight digits (E06000031, W06000001, K04000001).
GSS_PATTERN = re.compile(r"^[EWSNK]\d{8}$")

#: Contract attribution for every figure derived from these publications.
OGL = "Contains public sector information licensed under the Open Government Licence v3.0"

_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass
class ImportSummary:
    """What an importer read and anything it deliberately did not turn into rows.

    Attached to the returned frame as ``frame.attrs["import_summary"]`` and logged, so
    nothing is dropped silently: each entry of ``notes`` says what was set aside and why.
    """

    path: str
    rows_read: int = 0
    rows_out: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def __str__(self) -> str:
        lines = [f"{self.path}: read {self.rows_read} row(s), produced {self.rows_out} row(s)"]
        lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)


def attach_summary(frame: pd.DataFrame, summary: ImportSummary) -> pd.DataFrame:
    """Record ``summary`` on ``frame.attrs`` and log it; return the frame."""
    summary.rows_out = len(frame)
    frame.attrs["import_summary"] = summary
    log.info("%s", summary)
    return frame


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise SourceFileError(path, "file not found")
    if path.stat().st_size == 0:
        raise SourceFileError(path, "file is empty")


def detect_encoding(path: str | Path) -> str:
    """Return the text encoding of ``path``: UTF-8 (with or without BOM) or Windows cp1252.

    ONS CSVs saved from Excel are often cp1252 (e.g. the curly apostrophe in "King’s Lynn"
    is byte 0x92). Anything that decodes as neither is an error naming the first bad byte.
    """
    path = Path(path)
    _check_file(path)
    raw = path.read_bytes()
    error: UnicodeDecodeError | None = None
    for encoding in _ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
            continue
        return encoding
    assert error is not None
    line = raw[: error.start].count(b"\n") + 1
    raise SourceFileError(
        path,
        f"cannot decode byte 0x{raw[error.start]:02x} as UTF-8 or cp1252 (is it a text file?)",
        row=line,
    )


def _number_rows(frame: pd.DataFrame, header_row: int) -> pd.DataFrame:
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))
    return frame


def read_csv(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    """Read a CSV as text cells; index = spreadsheet row number (header = row 1).

    Column names are stripped of surrounding spaces; empty trailing header cells (Excel's
    extra commas) are ignored. A row with a non-empty cell beyond the last named column is
    an error naming it (pandas would silently turn the first column into the index and
    shift every cell). A short row is padded with empty cells. Blank lines are kept as
    empty rows (so row numbers stay true); use :func:`drop_blank_rows` to set them aside
    with a note.
    """
    path = Path(path)
    encoding = encoding or detect_encoding(path)
    try:
        records = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    except csv.Error as exc:
        raise SourceFileError(path, f"malformed CSV: {exc}") from None
    if not records or not any(c.strip() for c in records[0]):
        raise SourceFileError(path, "file has no header row", row=1)
    return text_frame(path, records[0], records[1:], header_row=1)


def text_frame(path, header_row_cells: list[str], body: list[list[str]], *, header_row: int):
    """Text cells under ``header_row_cells``, rows numbered from ``header_row + 1``.

    Shared by :func:`read_csv` and :func:`read_xlsx`: trailing unnamed columns are ignored
    when empty and an error when not; duplicate column names are an error, and so is a
    header with no data rows under it (it would give an assessment of nothing).
    """
    if not any(cell.strip() for row in body for cell in row):
        raise SourceFileError(
            path,
            "the file has a header row but no data rows: there is nothing to read",
            row=header_row + 1,
        )
    header = [c.strip() for c in header_row_cells]
    width = len(header)
    while width and header[width - 1] == "":
        width -= 1
    for number, row in enumerate(body, start=header_row + 1):
        if any(c.strip() for c in row[width:]):
            raise SourceFileError(
                path,
                f"row has {len(row)} cells but the header names {width} columns"
                " (a cell beyond the last named column: a stray comma or an unquoted"
                ' thousands separator such as 1,234? quote it as "1,234")',
                row=number,
            )
    frame = pd.DataFrame(
        [row[:width] + [""] * (width - len(row)) for row in body],
        columns=header[:width],
        dtype=str,
    )
    if frame.columns.duplicated().any():
        dup = list(frame.columns[frame.columns.duplicated()])
        raise SourceFileError(path, f"duplicate column name(s) {dup}", row=header_row)
    return _number_rows(frame, header_row)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: str | Path, *, sheet: str | None = None, header_row: int = 1) -> pd.DataFrame:
    """Read one worksheet of an XLSX workbook as text cells; index = Excel row number.

    ``sheet`` defaults to the first worksheet; ``header_row`` is the Excel row holding
    the column names.
    """
    import openpyxl  # deferred: only XLSX files need it, and it is slow to import

    path = Path(path)
    _check_file(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad workbook
        raise SourceFileError(path, f"not a readable XLSX workbook ({exc})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise SourceFileError(path, f"no worksheet {sheet!r}; sheets are {book.sheetnames}")
        rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    if len(rows) < header_row:
        raise SourceFileError(path, f"worksheet {ws.title!r} has no header row {header_row}")
    _refuse_formulas_without_values(path, ws.title, rows, header_row)
    frame = text_frame(path, rows[header_row - 1], rows[header_row:], header_row=header_row)
    frame.attrs["sheet"] = ws.title
    return frame


def _refuse_formulas_without_values(path: Path, title: str, rows, header_row: int) -> None:
    """A formula cell whose workbook holds no calculated value (written by a program that
    does not calculate, e.g. a script) would read as blank - and a blank count passes
    as "not given", unsuppressed. Refuse it, naming the cell."""
    import openpyxl  # deferred: only XLSX files need it, and it is slow to import

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for r, cells in enumerate(book[title].iter_rows(values_only=True), start=1):
            for c, formula in enumerate(cells, start=1):
                is_formula = isinstance(formula, str) and formula.startswith("=")
                is_formula |= type(formula).__name__ in ("ArrayFormula", "DataTableFormula")
                seen = rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else ""
                if not is_formula or seen != "":
                    continue
                header = rows[header_row - 1]
                column = header[c - 1].strip() if r > header_row and c <= len(header) else None
                cell = f"{openpyxl.utils.get_column_letter(c)}{r}"
                raise SourceFileError(
                    path,
                    f"worksheet {title!r} cell {cell} holds the formula {str(formula)!r} but no"
                    " saved value (the workbook was written by a program that does not"
                    " calculate formulas): open it in Excel or LibreOffice and save it again,"
                    " or type the value",
                    row=r,
                    column=column or None,
                )
    finally:
        book.close()


def read_table(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file (chosen by extension) as text cells, rows numbered as seen."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet=sheet)
    raise SourceFileError(path, f"unsupported file type {suffix!r}: use .csv or .xlsx")


def drop_blank_rows(frame: pd.DataFrame, summary: ImportSummary) -> pd.DataFrame:
    """Set aside rows whose cells are all empty, noting their row numbers in ``summary``."""
    blank = frame.apply(lambda col: col.str.strip().eq("")).all(axis=1)
    if blank.any():
        rows = list(frame.index[blank])
        shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
        summary.note(f"{len(rows)} empty row(s) ignored (row {shown})")
    return frame.loc[~blank]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path) -> None:
    """Raise naming every missing column (row 1, the header) if any of ``columns`` is absent."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceFileError(
            path,
            f"missing required column(s) {missing}; the header has {list(frame.columns)}",
            row=1,
        )


#: Symbols that official publications print in place of a number, and the value note each
#: becomes: NDTMS and ONS "*" (suppressed small number), ONS ".." and ":" (not available),
#: and the ONS/GSS bracketed shorthand (GSS guidance "Symbols in tables", 2021).
SUPPRESSION_MARKERS: dict[str, str] = {
    "*": "Suppressed in the source (*): small number withheld to protect confidentiality",
    "..": "Not available in the source (..)",
    ":": "Not available in the source (:)",
    "[c]": "Suppressed in the source ([c]): confidential",
    "[x]": "Not available in the source ([x])",
    "[z]": "Not applicable in the source ([z])",
}


def marker_notes(frame: pd.DataFrame, column: str, markers: Mapping[str, str]) -> pd.Series:
    """The value note of each cell of ``column`` that is one of ``markers`` ("" elsewhere).

    Use with :func:`parse_numbers` (which turns the same cells into NaN) so a suppressed
    cell becomes a row with no value and a note saying why, never an error or a zero.
    """
    text = frame[column].astype(str).str.strip()
    return text.map(lambda cell: markers.get(cell, "")).astype(str)


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    path,
    *,
    blank_ok: bool = True,
    markers: Iterable[str] = (),
) -> pd.Series:
    """Parse one text column to floats; raise naming the row and column of a bad cell.

    Surrounding spaces and thousands separators ("1,234") are accepted. Empty cells become
    NaN when ``blank_ok``; cells equal to one of ``markers`` (documented "not available"
    symbols such as Nomis "-" or ViewIt "NULL") also become NaN - the caller records them.
    Anything else that is not a number is an error.
    """
    text = frame[column].astype(str).str.strip()
    cleaned = text.str.replace(r"(?<=\d),(?=\d{3}\b)", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype(float)
    allowed = text.isin(list(markers))
    if blank_ok:
        allowed |= text.eq("")
    bad = numbers.isna() & ~allowed
    if bad.any():
        row = bad.idxmax()
        what = "empty cell" if text[row] == "" else f"non-numeric value {text[row]!r}"
        raise SourceFileError(
            path, f"{what} where a number was expected", row=int(row), column=column
        )
    inf = np.isinf(numbers)
    if inf.any():
        row = inf.idxmax()
        raise SourceFileError(path, f"infinite value {text[row]!r}", row=int(row), column=column)
    return numbers


def check_area_codes(frame: pd.DataFrame, column: str, path) -> None:
    """Raise naming the row if any cell of ``column`` is not a GSS area code."""
    codes = frame[column].astype(str).str.strip()
    bad = ~codes.str.match(GSS_PATTERN)
    if bad.any():
        row = bad.idxmax()
        hint = " (a totals or notes row? remove it)" if codes[row] == "" else ""
        raise SourceFileError(
            path,
            f"{codes[row]!r} is not a GSS area code (a letter E/W/S/N/K and 8 digits,"
            f" e.g. E06000031){hint}",
            row=int(row),
            column=column,
        )


def check_unique(frame: pd.DataFrame, keys: list[str], path, *, what: str = "key") -> None:
    """Raise naming both rows when two rows share the same values of ``keys``."""
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        rows = frame.index[dup]
        first = rows[0]
        same = frame.loc[dup].loc[lambda f: (f[keys] == frame.loc[first, keys]).all(axis=1)].index
        values = ", ".join(f"{k}={frame.loc[first, k]!r}" for k in keys)
        raise SourceFileError(
            path,
            f"duplicate {what} ({values}) also on row(s) {', '.join(map(str, same[1:]))}",
            row=int(first),
        )


# --- periods, areas and dates ------------------------------------------------------------

_FINANCIAL = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_CALENDAR = re.compile(r"^(\d{4})$")
_POOLED = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})$")
_POOLED_FINANCIAL = re.compile(r"^(\d{4})\s*/\s*\d{2}\s*-\s*\d{2}\s*/\s*\d{2}$")


def period_sort_key(label: str) -> int:
    """Sortable key for a period label: start year x 10000 (the Fingertips convention).

    Financial year "2021/22" -> 20210000; calendar year "2020" -> 20200000; pooled
    years "2017 - 19" or "2017-2019" -> 20170000; pooled financial years
    "2019/20 - 21/22" -> 20190000. Raises ``ValueError`` for anything else.
    """
    text = str(label).strip()
    for pattern in (_FINANCIAL, _CALENDAR, _POOLED, _POOLED_FINANCIAL):
        match = pattern.match(text)
        if match:
            start = int(match.group(1))
            if pattern is _FINANCIAL:
                end = match.group(2)
                expected = str(start + 1)[-len(end) :]
                if end != expected:
                    raise ValueError(f"financial year {text!r} should end in {expected}")
            return start * 10000
    raise ValueError(
        f"unrecognised period {text!r}: expected e.g. '2020', '2021/22', '2017 - 19' or '2019/20 - 21/22'"
    )


def period_sort_keys(frame: pd.DataFrame, column: str, path) -> pd.Series:
    """:func:`period_sort_key` for a whole column; errors name the row and column."""
    keys = {}
    for label in frame[column].unique():
        try:
            keys[label] = period_sort_key(label)
        except ValueError as exc:
            row = frame.index[frame[column].eq(label)][0]
            raise SourceFileError(path, str(exc), row=int(row), column=column) from None
    return frame[column].map(keys).astype("int64")


_AREA_TYPE_BY_PREFIX = {
    "E92": "england",
    "E12": "region",
    "E06": "utla",
    "E08": "utla",
    "E09": "utla",
    "E10": "utla",
    "E07": "ltla",
}


def area_type(code: str) -> str:
    """Contract area type from a GSS code prefix (E06/E08/E09/E10 -> "utla", E07 -> "ltla").

    Unitary (E06), metropolitan (E08) and London (E09) authorities are both tiers; they
    are typed "utla" here. Non-English and other English codes (E11, E13, W..., K...)
    are "other".
    """
    return _AREA_TYPE_BY_PREFIX.get(str(code)[:3], "other")


def parent_code(code: str) -> str:
    """Parent area code knowable from the code alone: England for regions, else ""."""
    return "E92000001" if str(code).startswith("E12") else ""


def file_date(path: str | Path) -> str:
    """ISO date of the file's last modification (used when the publication date is unknown)."""
    stamp = Path(path).stat().st_mtime
    return _dt.datetime.fromtimestamp(stamp, tz=_dt.UTC).date().isoformat()


def retrieved_date(path, known: str | None, override: str | None) -> str:
    """``override`` if given, else the known publication date, else the file's date."""
    return override or known or file_date(path)


def label_map(
    frame: pd.DataFrame, column: str, mapping: Mapping[str, str], path, *, what: str
) -> pd.Series:
    """Map cell labels case-insensitively via ``mapping``; unknown labels are errors naming the row."""
    folded = {k.casefold(): v for k, v in mapping.items()}
    text = frame[column].astype(str).str.strip().str.casefold()
    out = text.map(folded)
    bad = out.isna()
    if bad.any():
        row = bad.idxmax()
        raise SourceFileError(
            path,
            f"unknown {what} {frame.loc[row, column]!r}; expected one of {sorted(set(mapping))}",
            row=int(row),
            column=column,
        )
    return out.astype(str)


def finish_table(rows: pd.DataFrame, path, summary: ImportSummary) -> pd.DataFrame:
    """Coerce ``rows`` to the indicator-table contract, validate naming the file, attach the summary."""
    out = table.validate(table.coerce(rows), where=str(path))
    return attach_summary(out, summary)
