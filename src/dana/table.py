"""The central data contract: the tidy indicator table.

Every source (Fingertips API, official publications, local exports, the embedded
default) produces this shape, and everything downstream (statistics, assessment,
renderers) consumes it. One row per indicator x area x period x sex x age x category.

Columns (see docs/ARCHITECTURE.md for the prose version):

============== ======== ===============================================================
column         dtype    meaning
============== ======== ===============================================================
indicator_id   str      catalogue key, e.g. "92432" (Fingertips ID) or "local:police_drug_offences"
indicator_name str      human name of the indicator
area_code      str      GSS code (E92000001 England, E12... region, E06/E08/E09/E10 UTLA, E07 district)
area_name      str      area name as published
area_type      str      one of AREA_TYPES
parent_code    str      code of the parent area ("" for England)
period         str      period label as published: "2021/22", "2017 - 19", "2020"
period_sort    int      sortable period key: start year * 10000 (Fingertips convention, 20210000)
sex            str      "Persons", "Male" or "Female"
age            str      age label, e.g. "All ages", "18+ yrs", "<18 yrs", "15-24 yrs"
category_type  str      "" unless the row is a breakdown (e.g. "Ethnic groups")
category       str      "" unless the row is a breakdown (e.g. "White British")
count          float    numerator (may be non-integer for estimates; NaN if unknown)
denominator    float    denominator or population (NaN if unknown)
value          float    published or computed value (NaN if suppressed/missing)
lower_95       float    95% lower confidence limit
upper_95       float    95% upper confidence limit
lower_99_8     float    99.8% lower confidence limit
upper_99_8     float    99.8% upper confidence limit
value_note     str      e.g. "Value suppressed: count < 10", "" when none
polarity       str      one of POLARITIES
value_type     str      one of VALUE_TYPES
multiplier     float    100 for %, 100000 for per 100,000, 1 for counts/scores
unit           str      display unit: "%", "per 100,000", "count", "score"
source         str      where the row came from, e.g. "OHID Fingertips API"
retrieved      str      ISO date the source was retrieved or published
============== ======== ===============================================================
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dana.vocabulary import AREA_TYPES, POLARITIES, VALUE_TYPES

STRING_COLUMNS = (
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "area_type",
    "parent_code",
    "period",
    "sex",
    "age",
    "category_type",
    "category",
    "value_note",
    "polarity",
    "value_type",
    "unit",
    "source",
    "retrieved",
)
FLOAT_COLUMNS = (
    "count",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_99_8",
    "upper_99_8",
    "multiplier",
)
#: Column order of the indicator table.
COLUMNS = (
    "indicator_id",
    "indicator_name",
    "area_code",
    "area_name",
    "area_type",
    "parent_code",
    "period",
    "period_sort",
    "sex",
    "age",
    "category_type",
    "category",
    "count",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_99_8",
    "upper_99_8",
    "value_note",
    "polarity",
    "value_type",
    "multiplier",
    "unit",
    "source",
    "retrieved",
)
#: The columns that identify a row.
KEY = ("indicator_id", "area_code", "period", "sex", "age", "category_type", "category")

#: Defaults filled in by :func:`empty_like_columns` / :func:`coerce` for optional columns.
DEFAULTS: dict[str, object] = {
    "indicator_name": "",
    "area_name": "",
    "area_type": "other",
    "parent_code": "",
    "sex": "Persons",
    "age": "All ages",
    "category_type": "",
    "category": "",
    "value_note": "",
    "polarity": "no_judgement",
    "unit": "",
    "source": "",
    "retrieved": "",
}

_GSS_CODE = r"[EWSNK]\d{8}"
_GSS = f"^{_GSS_CODE}$"
#: The text dtype :func:`coerce` gives (pandas' default ``str``).
_TEXT = pd.Series(dtype=str).dtype
_SEXES = ("Persons", "Male", "Female")
#: The columns that must have at least one character.
_NON_EMPTY = ("indicator_id", "period", "source")
#: Allowed values of the enumerated columns.
_ALLOWED = {
    "area_type": AREA_TYPES,
    "sex": _SEXES,
    "polarity": POLARITIES,
    "value_type": VALUE_TYPES,
}

if TYPE_CHECKING:
    import pandera.pandas as pa


class IndicatorTableError(ValueError):
    """The indicator table broke its contract; the message says which rows and why."""


@lru_cache(maxsize=1)
def _schema() -> pa.DataFrameSchema:
    """The contract as a pandera schema (built on first use: see :func:`validate`)."""
    # deferred: pandera (about 0.5 s to import) is needed only when a table breaks a rule
    import pandera.pandas as pa

    nonneg = pa.Check.ge(0)
    return pa.DataFrameSchema(
        {
            "indicator_id": pa.Column(str, pa.Check.str_length(min_value=1)),
            "indicator_name": pa.Column(str),
            "area_code": pa.Column(str, pa.Check.str_matches(_GSS)),
            "area_name": pa.Column(str),
            "area_type": pa.Column(str, pa.Check.isin(AREA_TYPES)),
            "parent_code": pa.Column(str),
            "period": pa.Column(str, pa.Check.str_length(min_value=1)),
            "period_sort": pa.Column("int64"),
            "sex": pa.Column(str, pa.Check.isin(_SEXES)),
            "age": pa.Column(str),
            "category_type": pa.Column(str),
            "category": pa.Column(str),
            "count": pa.Column(float, nonneg, nullable=True),
            "denominator": pa.Column(float, nonneg, nullable=True),
            "value": pa.Column(float, nullable=True),
            "lower_95": pa.Column(float, nullable=True),
            "upper_95": pa.Column(float, nullable=True),
            "lower_99_8": pa.Column(float, nullable=True),
            "upper_99_8": pa.Column(float, nullable=True),
            "value_note": pa.Column(str),
            "polarity": pa.Column(str, pa.Check.isin(POLARITIES)),
            "value_type": pa.Column(str, pa.Check.isin(VALUE_TYPES)),
            "multiplier": pa.Column(float, pa.Check.gt(0)),
            "unit": pa.Column(str),
            "source": pa.Column(str, pa.Check.str_length(min_value=1)),
            "retrieved": pa.Column(str),
        },
        checks=[
            pa.Check(
                lambda df: ~(df["count"] > df["denominator"]) | ~df["value_type"].eq("proportion"),
                error="count above denominator for a proportion",
            ),
            pa.Check(
                lambda df: ~(df["lower_95"] > df["upper_95"]),
                error="lower_95 above upper_95",
            ),
        ],
        strict=True,
        ordered=True,
        unique=list(KEY),
        coerce=False,
    )


def __getattr__(name: str):
    # SCHEMA is built on first use, so importing dana.table does not import pandera
    if name == "SCHEMA":
        return _schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _plainly_valid(frame: pd.DataFrame) -> bool:
    """Whether every rule of the schema visibly holds, checked with plain pandas.

    The common case (a table :func:`coerce` made, with nothing wrong) is answered here in a
    few vectorised passes. Every test is at least as strict as the schema's (an exact dtype,
    a full regex match), so True means the schema would pass the frame too; anything else
    (a failing row, an unusual but perhaps acceptable dtype) returns False and the schema
    decides, naming each failing row.
    """
    if tuple(frame.columns) != COLUMNS:
        return False
    for column in STRING_COLUMNS:
        if frame[column].dtype != _TEXT or frame[column].isna().any():
            return False
    if frame["period_sort"].dtype != "int64":
        return False
    if any(frame[column].dtype != "float64" for column in FLOAT_COLUMNS):
        return False
    count, denominator = frame["count"], frame["denominator"]
    checks = [
        *((frame[column].str.len() >= 1).all() for column in _NON_EMPTY),
        frame["area_code"].str.fullmatch(_GSS_CODE).all(),
        *(frame[column].isin(allowed).all() for column, allowed in _ALLOWED.items()),
        not (count < 0).any(),
        not (denominator < 0).any(),
        (frame["multiplier"] > 0).all(),
        not ((count > denominator) & frame["value_type"].eq("proportion")).any(),
        not (frame["lower_95"] > frame["upper_95"]).any(),
    ]
    return all(bool(check) for check in checks) and not frame.duplicated(list(KEY)).any()


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Put a frame into the contract's column order and dtypes, filling optional defaults.

    Missing numeric columns become NaN; missing optional text columns take
    :data:`DEFAULTS`. Required columns without a default (indicator_id, area_code,
    period, period_sort, value_type, multiplier, source) must be present.
    """
    out = frame.copy()
    # Numbers may be missing (NaN) except the multiplier, which gives a value its meaning.
    required = [
        c for c in COLUMNS if c not in DEFAULTS and (c not in FLOAT_COLUMNS or c == "multiplier")
    ]
    missing = [c for c in required if c not in out.columns]
    if missing:
        raise IndicatorTableError(f"indicator table is missing required column(s): {missing}")
    extra = [c for c in out.columns if c not in COLUMNS]
    if extra:
        raise IndicatorTableError(f"indicator table has unknown column(s): {extra}")
    for col, default in DEFAULTS.items():
        if col not in out.columns:
            out[col] = default
    for col in FLOAT_COLUMNS:
        if col not in out.columns:
            out[col] = float("nan")
        out[col] = pd.to_numeric(out[col], errors="raise").astype(float)
    for col in STRING_COLUMNS:
        out[col] = out[col].fillna("").astype(str)
    out["period_sort"] = pd.to_numeric(out["period_sort"], errors="raise").astype("int64")
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def validate(frame: pd.DataFrame, *, where: str = "indicator table") -> pd.DataFrame:
    """Validate a frame against the contract and return it; raise naming rows and columns.

    ``where`` names the entry point (file, source) so an error says where it came from.
    A table that plainly keeps every rule (:func:`_plainly_valid`) is returned (a new frame
    sharing the data, as the schema would return) without building the pandera schema.
    """
    if _plainly_valid(frame):
        return frame.copy(deep=False)
    schema = _schema()
    # deferred with the schema (see _schema)
    from pandera.errors import SchemaErrors

    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        # A whole-row check (count above denominator, limits the wrong way round, a
        # duplicate key) is listed by pandera once per column: report it once per row.
        row_wide = cases["schema_context"] == "DataFrameSchema"
        lines = [
            f"  row {case.index}: column {case.column!r} failed {case.check!r}"
            f" (value {case.failure_case!r})"
            for case in cases[~row_wide].itertuples()
        ]
        wide = cases[row_wide].drop_duplicates(["index", "check"])
        key = ", ".join(KEY)
        lines += [
            f"  row {case.index}: "
            + (f"duplicate key ({key})" if "uniqueness" in str(case.check) else str(case.check))
            for case in wide.itertuples()
        ]
        shown = "\n".join(lines[:20])
        more = "" if len(lines) <= 20 else f"\n  ... and {len(lines) - 20} more"
        raise IndicatorTableError(
            f"{where}: {len(lines)} problem(s) with the indicator table:\n" + shown + more
        ) from None


def empty() -> pd.DataFrame:
    """An empty indicator table with the right columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in FLOAT_COLUMNS})
    for c in STRING_COLUMNS:
        frame[c] = pd.Series(dtype=str)
    frame["period_sort"] = pd.Series(dtype="int64")
    return frame.loc[:, list(COLUMNS)]


def counts_of(frame: pd.DataFrame) -> pd.Series:
    """Each row's count: ``count``, or for a ``count``-type row with none its ``value`` (a
    figure printed as a number of people or events, such as "1,800 in treatment", is its
    own count)."""
    printed = frame["value_type"].eq("count") & frame["count"].isna()
    return frame["count"].where(~printed, frame["value"])


def concat(frames: list[pd.DataFrame], *, where: str = "combined indicator table") -> pd.DataFrame:
    """Stack indicator tables and validate the result (duplicate keys are an error)."""
    if not frames:
        return empty()
    return validate(pd.concat(frames, ignore_index=True), where=where)


def one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each Arrow-backed text column in one contiguous chunk (a shallow
    copy; a frame already so is returned as it is).

    A table stacked from several sources holds each text column as several Arrow chunks,
    and Arrow gathers rows from a chunked text column by first joining its chunks:
    every filter of the default table's 217,000 rows copied each text column whole
    (0.34 ms a column, against 0.02 ms from one chunk), thousands of times a build.
    """
    joined = {}
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            arrow = frame[name].array.__arrow_array__()
            if arrow.num_chunks > 1:
                joined[name] = pd.array(arrow.combine_chunks(), dtype=dtype)
    if not joined:
        return frame
    out = frame.copy(deep=False)
    for name, values in joined.items():
        out[name] = values
    return out


def split_rows(frame: pd.DataFrame, column: str) -> dict:
    """``frame``'s rows by their value of ``column``: ``{value: rows}`` in order of first
    appearance, each block's rows in the order they have in ``frame`` (its index kept),
    as ``dict(tuple(frame.groupby(column, sort=False)))`` gives.

    A block whose rows are contiguous is cut as a slice, which copies nothing; only a
    block whose rows are scattered is gathered. ``groupby`` instead gathers every
    block's rows column by column (for the default table, 53 indicators x 30 columns,
    about 0.2 s of a build), and so did putting the whole table in block order when a
    few of its 72 indicators were in several runs (0.19 s: the depth rows of four
    indicators sit apart from their main rows).
    """
    codes, values = pd.factorize(frame[column], sort=False, use_na_sentinel=False)
    if len(codes) == 0:
        return {}
    order = np.argsort(codes, kind="stable")  # each block's positions, in frame order
    sizes = np.bincount(codes, minlength=len(values))
    ends = np.cumsum(sizes)
    starts = ends - sizes
    blocks = {}
    for code, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        first, last = int(order[start]), int(order[end - 1])
        if last - first == end - start - 1:  # contiguous: a slice
            blocks[values[code]] = frame.iloc[first : last + 1]
        else:
            blocks[values[code]] = frame.take(order[start:end])
    return blocks
