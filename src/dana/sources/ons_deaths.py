"""ONS deaths related to drug poisoning by local authority (registrations, all geographies).

Reads the ONS "Drug-related deaths by local authority, England and Wales" series as
re-published in one wide CSV: ``code, name, 2020, 2019, ..., 1993`` (one column per
registration year, counts of deaths related to drug poisoning - the "wide" ONS
definition, DEFINITIONS.md §1.1 - by usual residence). The file is Windows cp1252 and
holds every level: England and Wales (K04), England (E92), Wales (W92), regions (E12),
counties (E10), metropolitan counties (E11), inner/outer London (E13), unitary,
metropolitan, London and district authorities (E06/E08/E09/E07) and Welsh UAs (W06).

Counts only: no rates (those need populations and the 3-year pooling convention,
which belong in :mod:`dana.stats`). Contains public sector information licensed under
the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dana.sources import _read
from dana.sources.errors import SourceFileError

INDICATOR_ID = "ons:drug_poisoning_deaths"
INDICATOR_NAME = "Deaths related to drug poisoning (all drug poisonings), by year of registration"
SOURCE = (
    "ONS, Deaths related to drug poisoning by local authority, England and Wales "
    "(2020 registrations)"
)
#: Release date of "Deaths related to drug poisoning in England and Wales: 2020 registrations".
PUBLISHED = "2021-10-19"

_YEAR = re.compile(r"^\d{4}$")


def read_drug_poisoning_by_la(
    path: str | Path,
    *,
    england_only: bool = False,
    source: str = SOURCE,
    retrieved: str | None = None,
) -> pd.DataFrame:
    """Read the ONS drug-poisoning deaths by LA file into count rows (area x year).

    One row per area and registration year: ``value_type`` "count", ``count`` = ``value``
    = deaths, sex "Persons", age "All ages", ``period`` the year ("2020", period_sort
    20200000). ``area_type`` comes from the code prefix (:func:`dana.sources._read.area_type`).
    With ``england_only`` the non-English rows (K04, W92, W06) are left out and listed
    in ``frame.attrs["import_summary"]``. A suppression or not-available marker ("*",
    "..", ":", "[x]", "[c]": :data:`dana.sources._read.SUPPRESSION_MARKERS`) gives a row
    with no count and a value note saying so; any other non-numeric or empty cell is an
    error naming its row and column.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    _read.require_columns(raw, ["code", "name"], path)
    years = [c for c in raw.columns if _YEAR.match(c)]
    other = [c for c in raw.columns if c not in ("code", "name") and c not in years]
    if other:
        raise SourceFileError(
            path, f"unexpected column(s) {other}: expected code, name and years", row=1
        )
    if not years:
        raise SourceFileError(path, "no year columns (e.g. '2020') in the header", row=1)
    raw["code"] = raw["code"].str.strip()
    _read.check_area_codes(raw, "code", path)
    _read.check_unique(raw, ["code"], path, what="area code")

    if england_only:
        outside = ~raw["code"].str.startswith("E")
        if outside.any():
            listed = ", ".join(f"{c} {n}" for c, n in raw.loc[outside, ["code", "name"]].values[:5])
            summary.note(
                f"{int(outside.sum())} area(s) outside England left out by england_only=True "
                f"(e.g. {listed})"
            )
        raw = raw.loc[~outside]

    markers = _read.SUPPRESSION_MARKERS
    counts = {
        year: _read.parse_numbers(raw, year, path, blank_ok=False, markers=markers)
        for year in years
    }
    notes = pd.DataFrame({year: _read.marker_notes(raw, year, markers) for year in years})
    marked = int(notes.ne("").to_numpy().sum())
    if marked:
        summary.note(
            f"{marked} cell(s) marked suppressed or not available ({', '.join(markers)})"
            " kept as rows with no count and a value note"
        )
    negative = [(y, s.idxmin()) for y, s in counts.items() if (s < 0).any()]
    if negative:
        year, row = negative[0]
        raise SourceFileError(path, "negative count of deaths", row=int(row), column=year)
    wide = pd.DataFrame(counts, index=raw.index)
    wide["area_code"] = raw["code"]
    wide["area_name"] = raw["name"].str.strip()
    long = wide.melt(id_vars=["area_code", "area_name"], var_name="period", value_name="count")
    long["value_note"] = notes.melt(value_name="note")["note"].to_numpy()  # same order

    rows = long.assign(
        indicator_id=INDICATOR_ID,
        indicator_name=INDICATOR_NAME,
        area_type=long["area_code"].map(_read.area_type),
        parent_code=long["area_code"].map(_read.parent_code),
        period_sort=long["period"].astype(int) * 10000,
        value=long["count"],
        value_type="count",
        multiplier=1.0,
        unit="count",
        polarity="low_is_good",
        source=source,
        retrieved=_read.retrieved_date(path, PUBLISHED, retrieved),
    )
    rows = rows.sort_values(["area_code", "period_sort"], kind="stable")
    return _read.finish_table(rows, path, summary)
