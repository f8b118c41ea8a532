"""Fingertips response bodies -> rows: the data CSV, the metadata CSV and JSON lists.

The data CSV has 27 columns (``shared/data/fingertips-api/all_data_csv_columns.txt``;
real exports ``shared/data/ndtms-sdg-3-5-1/unmet_*.csv``). Column 23 is named after the
parent area type: "Compared to Region value or percentiles", "Compared to percentiles"
(written when the parent is England), or "Column not used"; "Compared to goal" was once
"Target data"; ``by_profile_id`` omits "Time period range" (26 columns). Every row must
have the header's width: a shorter row means a truncated or malformed body.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd

from dana.sources.fingertips.errors import FingertipsBadResponse

DATA_COLUMNS = (
    "Indicator ID",
    "Indicator Name",
    "Parent Code",
    "Parent Name",
    "Area Code",
    "Area Name",
    "Area Type",
    "Sex",
    "Age",
    "Category Type",
    "Category",
    "Time period",
    "Value",
    "Lower CI 95.0 limit",
    "Upper CI 95.0 limit",
    "Lower CI 99.8 limit",
    "Upper CI 99.8 limit",
    "Count",
    "Denominator",
    "Value note",
    "Recent Trend",
    "Compared to England value or percentiles",
    "Column not used",
    "Time period Sortable",
    "New data",
    "Compared to goal",
    "Time period range",
)
PARENT_COMPARISON = re.compile(
    r"^(Column not used|Compared to (?:.+ value or )?percentiles)$", re.IGNORECASE
)
_ALTERNATIVE_NAMES = {25: ("Compared to goal", "Target data")}

#: Metadata CSV columns DANA reads (the full list has 32 columns; see
#: shared/data/fingertips-api/indicator_metadata_csv_columns.txt).
METADATA_REQUIRED = ("Indicator ID", "Indicator", "Unit", "Value type", "Polarity")


def _decode(body: bytes, url: str) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FingertipsBadResponse(
            f"{url}: body is not UTF-8 text (byte {exc.start}); the response is truncated or"
            " malformed",
            url=url,
        ) from None


def _read_csv_rows(body: bytes, url: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV body, checking every row has the header's width."""
    text = _decode(body, url)
    if not text.strip():
        return [], []
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FingertipsBadResponse(
            f"{url}: malformed CSV ({exc}); the body is truncated or malformed", url=url
        ) from None
    header, data = rows[0], rows[1:]
    for line_no, row in enumerate(data, start=2):
        if not row:
            continue  # a blank line (e.g. trailing); csv gives []
        if len(row) != len(header):
            raise FingertipsBadResponse(
                f"{url}: row {line_no} has {len(row)} fields, expected {len(header)}"
                " (the body is truncated or malformed)",
                url=url,
            )
    return header, [row for row in data if row]


def _check_data_header(header: list[str], url: str) -> None:
    if len(header) not in (26, 27):
        raise FingertipsBadResponse(
            f"{url}: CSV header has {len(header)} columns, expected 27 (or 26 by profile);"
            f" got {header[:5]}...",
            url=url,
        )
    for i, name in enumerate(header):
        ok = (
            bool(PARENT_COMPARISON.match(name))
            if i == 22
            else name in _ALTERNATIVE_NAMES.get(i, (DATA_COLUMNS[i],))
        )
        if not ok:
            raise FingertipsBadResponse(
                f"{url}: CSV column {i + 1} is {name!r}, expected {DATA_COLUMNS[i]!r}"
                " (not a Fingertips data CSV)",
                url=url,
            )


def parse_data_csv(body: bytes, *, url: str = "response") -> pd.DataFrame:
    """The API's data CSV as a frame of strings, header and row widths checked.

    Columns 23 and 26 are renamed to their canonical names ("Column not used",
    "Compared to goal"). An empty body or a header with no rows gives an empty frame.
    """
    header, rows = _read_csv_rows(body, url)
    if not header:
        return pd.DataFrame(columns=list(DATA_COLUMNS), dtype=str)
    _check_data_header(header, url)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    return frame.rename(columns={header[22]: "Column not used", header[25]: "Compared to goal"})


def parse_metadata_csv(body: bytes, *, url: str = "response") -> pd.DataFrame:
    """The API's indicator metadata CSV as a frame of strings, one row per indicator."""
    header, rows = _read_csv_rows(body, url)
    if not header:
        return pd.DataFrame(columns=list(METADATA_REQUIRED), dtype=str)
    missing = [c for c in METADATA_REQUIRED if c not in header]
    if missing:
        raise FingertipsBadResponse(
            f"{url}: metadata CSV lacks column(s) {missing} (not a Fingertips metadata CSV)",
            url=url,
        )
    return pd.DataFrame(rows, columns=header, dtype=str)


def parse_json_list(body: bytes, *, url: str = "response") -> list[dict]:
    """A JSON list body (areas, area types, profiles); malformed JSON names line and column."""
    try:
        parsed = json.loads(_decode(body, url))
    except json.JSONDecodeError as exc:
        raise FingertipsBadResponse(
            f"{url}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            url=url,
        ) from None
    if not isinstance(parsed, list):
        raise FingertipsBadResponse(
            f"{url}: expected a JSON list, got {type(parsed).__name__}", url=url
        )
    return parsed
