"""Local data in DANA's generic template (CSV or XLSX) as indicator-table rows.

For figures a partnership holds itself: police drug/alcohol-flagged offences, H-CLIC
homelessness support needs, school survey results, local treatment data. The template
is ``dana/data/templates/local_indicator_template.csv``; one row per figure.

Columns (header names exactly as below; order free; unknown columns are an error):

============== ======== ================================================================
column         needed   meaning / default
============== ======== ================================================================
indicator_id   required "local:<name>" (lower case, digits, _ . -), or a Fingertips ID
area_code      required GSS code, e.g. E06000031
period         required "2020", "2021/22" or "2017 - 19" (period_sort is derived)
value or count required at least one per row (a count alone is used as the value for
                        value_type "count"), or a suppression marker ("*", "..", ":",
                        "[c]", "[x]") in a number column: the row is kept with no value
                        and a value note saying it was suppressed
indicator_name optional ""
area_name      optional ""
area_type      optional from the code prefix (E06/E08/E09/E10 utla, E07 ltla, E12 region)
parent_code    optional ""
sex            optional "Persons" (also accepts Male/Female, M/F, All/Total)
age            optional "All ages" (contract labels such as "18+ yrs", "15-24 yrs")
category_type  optional "" (e.g. "Support need"); category: "" (e.g. "Drug dependency")
denominator    optional population or group size
value, lower_95, upper_95, lower_99_8, upper_99_8  optional published figures
value_note     optional ""
value_type     optional "count" if no denominator; required when a denominator is given:
                        proportion, crude_rate, dsr, isr, ratio, count, mean or score
multiplier     optional proportion 100, crude_rate/dsr 100000, otherwise 1
unit           optional "%", "per 100,000", "count", "score" by value_type
polarity       optional "no_judgement" (or low_is_good / high_is_good)
source         optional "Local data: <file name>"
retrieved      optional the file's modification date (ISO)
============== ======== ================================================================

Rows with a count and denominator but no value get their value and limits from
:func:`dana.stats.proportion` (proportion, Wilson) or :func:`dana.stats.rate` (crude_rate,
Byar / exact Poisson); other value types keep no value and a value note saying so.

Errors name the file, the row as seen in a spreadsheet (header = row 1) and the column:
missing required column, unknown column, bad indicator_id, non-GSS area code,
unrecognised period or sex, non-numeric cell (other than a suppression marker), negative count or denominator, count
above denominator for a proportion, a zero denominator (except for counts), a row with neither value nor count, and duplicate
rows (same indicator, area, period, sex, age and category).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dana import stats, table
from dana.sources import _read
from dana.sources.errors import SourceFileError

#: A local indicator id ("local:police_drug_offences") or a Fingertips numeric id ("92432").
INDICATOR_ID_PATTERN = re.compile(r"^(?:\d+|[a-z][a-z0-9_]*:[a-z0-9_.:-]+)$")
REQUIRED = ("indicator_id", "area_code", "period")
NUMERIC = table.FLOAT_COLUMNS
DEFAULT_MULTIPLIER = {"proportion": 100.0, "crude_rate": 100000.0, "dsr": 100000.0}
DEFAULT_UNIT = {
    "proportion": "%",
    "crude_rate": "per 100,000",
    "dsr": "per 100,000",
    "count": "count",
    "score": "score",
}
_SEX = {
    "persons": "Persons",
    "all": "Persons",
    "total": "Persons",
    "": "Persons",
    "male": "Male",
    "m": "Male",
    "female": "Female",
    "f": "Female",
}
_ALLOWED = set(table.COLUMNS) - {"period_sort"}


def _fail_row(path, mask: pd.Series, column: str | None, message: str) -> None:
    if mask.any():
        row = int(mask.idxmax())
        raise SourceFileError(path, message, row=row, column=column)


def read_indicator_file(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a local-data file in the generic template into indicator-table rows.

    ``sheet`` picks the worksheet of an XLSX file (default: the first). See the module
    docstring for the columns, defaults and the checks made.
    """
    path = Path(path)
    raw = _read.read_table(path, sheet=sheet)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    unknown = [c for c in raw.columns if c not in _ALLOWED and c != "period_sort"]
    if unknown:
        raise SourceFileError(
            path, f"unknown column(s) {unknown}; allowed columns are {sorted(_ALLOWED)}", row=1
        )
    _read.require_columns(raw, REQUIRED, path)
    if "value" not in raw.columns and "count" not in raw.columns:
        raise SourceFileError(path, "missing required column: 'value' or 'count'", row=1)
    text = raw.apply(lambda s: s.astype(str).str.strip())

    bad_id = ~text["indicator_id"].str.match(INDICATOR_ID_PATTERN)
    if bad_id.any():
        row = int(bad_id.idxmax())
        raise SourceFileError(
            path,
            f"indicator_id {text.loc[row, 'indicator_id']!r} is not 'local:<name>' "
            "(lower-case letters, digits, _ . -) or a Fingertips number",
            row=row,
            column="indicator_id",
        )
    _read.check_area_codes(text, "area_code", path)
    period_sort = _read.period_sort_keys(text, "period", path)

    markers = _read.SUPPRESSION_MARKERS
    present = [c for c in NUMERIC if c in text.columns]
    numbers = {c: _read.parse_numbers(text, c, path, markers=markers) for c in present}
    # the first marker in a row (e.g. a "*" count) explains why the row has no value
    marker_note = pd.Series("", index=text.index, dtype=str)
    for column in present:
        note = _read.marker_notes(text, column, markers)
        marker_note = marker_note.mask(marker_note.eq(""), note)
    frame = pd.DataFrame(index=text.index)
    for column in _ALLOWED - set(NUMERIC):
        if column in text.columns:
            frame[column] = text[column]
    for column, series in numbers.items():
        frame[column] = series
    for column in NUMERIC:
        if column not in frame.columns:
            frame[column] = np.nan
    frame["period_sort"] = period_sort

    frame["sex"] = _read.label_map(
        text.assign(sex=text.get("sex", "")), "sex", _SEX, path, what="sex"
    )
    if "age" not in text.columns:
        frame["age"] = "All ages"
    frame["age"] = frame["age"].replace("", "All ages")
    if "area_type" not in text.columns:
        frame["area_type"] = text["area_code"].map(_read.area_type)
    frame.loc[frame["area_type"].eq(""), "area_type"] = text["area_code"].map(_read.area_type)

    has_denominator = frame["denominator"].notna()
    value_type = (
        text["value_type"] if "value_type" in text.columns else pd.Series("", index=text.index)
    )
    needs_type = value_type.eq("") & has_denominator
    _fail_row(path, needs_type, "value_type", "value_type is required when a denominator is given")
    value_type = value_type.replace("", "count")
    _fail_row(
        path,
        ~value_type.isin(table.VALUE_TYPES),
        "value_type",
        f"value_type must be one of {list(table.VALUE_TYPES)}",
    )
    frame["value_type"] = value_type
    if "polarity" in frame.columns:
        frame["polarity"] = frame["polarity"].replace("", "no_judgement")
        _fail_row(
            path,
            ~frame["polarity"].isin(table.POLARITIES),
            "polarity",
            f"polarity must be one of {list(table.POLARITIES)}",
        )
    frame["multiplier"] = (
        frame["multiplier"].fillna(value_type.map(DEFAULT_MULTIPLIER).astype(float)).fillna(1.0)
    )
    _fail_row(path, frame["multiplier"] <= 0, "multiplier", "multiplier must be positive")
    unit = frame["unit"] if "unit" in frame.columns else pd.Series("", index=frame.index)
    frame["unit"] = unit.mask(unit.eq(""), value_type.map(DEFAULT_UNIT).fillna(""))

    for column in ("count", "denominator"):
        _fail_row(path, frame[column] < 0, column, f"negative {column}")
    _fail_row(
        path,
        frame["denominator"].eq(0) & value_type.ne("count"),
        "denominator",
        "denominator is 0: no rate, proportion or ratio can be computed from it (leave the"
        " cell empty if the group size is not known)",
    )
    over = value_type.eq("proportion") & (frame["count"] > frame["denominator"])
    _fail_row(path, over, "count", "count is above the denominator for a proportion")
    _fail_row(
        path,
        frame["value"].isna() & frame["count"].isna() & marker_note.eq(""),
        "value",
        "row has neither a value nor a count (nor a suppression marker such as *)",
    )
    _read.check_unique(
        frame.assign(**{k: frame.get(k, "") for k in ("category_type", "category")}),
        [c for c in table.KEY if c in frame.columns or c in ("category_type", "category")],
        path,
        what="row (indicator, area, period, sex, age, category)",
    )

    frame["source"] = (
        frame["source"].replace("", f"Local data: {path.name}")
        if "source" in frame.columns
        else f"Local data: {path.name}"
    )
    retrieved = _read.file_date(path)
    frame["retrieved"] = (
        frame["retrieved"].replace("", retrieved) if "retrieved" in frame.columns else retrieved
    )
    if "value_note" not in frame.columns:
        frame["value_note"] = ""
    marked = marker_note.ne("")
    frame["value_note"] = frame["value_note"].mask(frame["value_note"].eq(""), marker_note)
    if marked.any():
        summary.note(
            f"{int(marked.sum())} row(s) with a suppression or not-available marker"
            f" ({', '.join(markers)}) kept with no value and a value note"
        )

    count_only = frame["value"].isna() & frame["count"].notna()
    plain = count_only & value_type.eq("count")
    frame.loc[plain, "value"] = frame.loc[plain, "count"]
    _fill_from_stats(frame, count_only & ~plain, summary)
    return _read.finish_table(frame, path, summary)


def _fill_from_stats(frame: pd.DataFrame, todo: pd.Series, summary: _read.ImportSummary) -> None:
    """Fill value and 95%/99.8% limits from dana.stats for count/denominator rows."""
    for value_type, method in (("proportion", "proportion"), ("crude_rate", "rate")):
        rows = todo & frame["value_type"].eq(value_type) & frame["denominator"].notna()
        if not rows.any():
            continue
        for multiplier in frame.loc[rows, "multiplier"].unique():
            these = rows & frame["multiplier"].eq(multiplier)
            part = frame.loc[these]
            result = getattr(stats, method)(
                part["count"].to_numpy(),
                part["denominator"].to_numpy(),
                multiplier=float(multiplier),
                confidence=(0.95, 0.998),
            )
            for column in ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"):
                frame.loc[these, column] = result[column].to_numpy()
            summary.note(
                f"{int(these.sum())} {value_type} value(s) computed with dana.stats.{method}"
            )
    leftover = todo & frame["value"].isna() & frame["value_note"].eq("")
    if leftover.any():
        frame.loc[leftover, "value_note"] = "Value not given and not computable from this row"
        summary.note(
            f"{int(leftover.sum())} row(s) have a count but no value and no rule to compute one"
        )
