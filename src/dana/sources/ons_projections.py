"""ONS subnational population projections (SNPP) in the published CSV layout.

ONS publishes each SNPP release (e.g. 2018-based, 24 March 2020) as CSV files per sex
("2018 SNPP Population males.csv", "... females.csv", "... persons.csv"), one row per
area x sex x age, one column per projected year::

    AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2018,2019,...,2043
    E06000031,Peterborough,Population,females,0,1459,1441,...

* ``COMPONENT`` is ``Population`` in the population files (other components - births,
  deaths, migration - are other files; their rows are refused);
* ``SEX`` is ``males``, ``females`` or ``persons``;
* ``AGE_GROUP`` is a single year ``0`` .. ``89``, ``90 and over``, and ``All ages``;
* the first year column is the **base year** (the mid-year estimate the projection
  starts from); the rest are projected mid-years.

:func:`read_snpp` returns a long **projection frame** (``area_code, area_name,
base_year, year, sex, age, population``; ``age`` 90 = 90 and over; the ``All ages`` rows
are checked against the sum of ages, then left out). Naming ``area_code`` and
``base_year`` makes a file without them an error, never an empty result.
:func:`projection_table` turns a frame into indicator rows
(``ons:population_projection_all_ages``, ``..._18_plus``, ``..._under_18``) by year.

No real SNPP file is in ``../shared/data``; the tests read a small fixture authored in
this layout (``tests/sources/fixtures/snpp_2018_population.csv``, invented values).

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dana import table
from dana.catalogue import PROJECTION_INDICATORS
from dana.sources import _read
from dana.sources.errors import SourceFileError

PROJECTION_COLUMNS = ("area_code", "area_name", "base_year", "year", "sex", "age", "population")
SOURCE = "ONS, Subnational population projections for England ({base}-based)"
_SEX = {"males": "Male", "male": "Male", "females": "Female", "female": "Female",
        "persons": "Persons", "all": "Persons"}  # fmt: skip
_REQUIRED = ("AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP")
TOP_AGE = 90
_AGE_LABEL = {
    "ons:population_projection_all_ages": "All ages",
    "ons:population_projection_18_plus": "18+ yrs",
    "ons:population_projection_under_18": "<18 yrs",
}


def _age(label: str) -> int | None:
    text = label.strip().casefold()
    if text == "all ages":
        return None
    if re.fullmatch(r"\d{1,2}", text) and int(text) < TOP_AGE:
        return int(text)
    if text in ("90 and over", "90+"):
        return TOP_AGE
    raise ValueError(label)


def read_snpp(
    path: str | Path, *, area_code: str | None = None, base_year: int | None = None
) -> pd.DataFrame:
    """Read an SNPP population CSV into a projection frame (see the module docstring).

    ``area_code``: the assessed area, which must be in the file (other areas are kept).
    ``base_year``: the release's base year, which must be the first year column.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    raw.columns = [c.strip() for c in raw.columns]
    renamed = {c: c.upper() for c in raw.columns if c.upper() in _REQUIRED}
    raw = raw.rename(columns=renamed)
    _read.require_columns(raw, _REQUIRED, path)
    years = [c for c in raw.columns if re.fullmatch(r"(19|20)\d\d", c)]
    if not years:
        raise SourceFileError(path, "no year columns (e.g. 2018, 2019, ...) in the header", row=1)
    first = int(years[0])
    if base_year is not None and first != base_year:
        raise SourceFileError(
            path,
            f"base year {base_year} not found: this projection starts in {first}"
            f" (years {years[0]}-{years[-1]}); is it another release?",
            row=1,
            column=years[0],
        )
    _read.check_area_codes(raw, "AREA_CODE", path)
    component = raw["COMPONENT"].str.strip().str.casefold()
    if (component != "population").any():
        row = int((component != "population").idxmax())
        raise SourceFileError(
            path,
            f"component {raw.at[row, 'COMPONENT']!r} is not 'Population' (read the population"
            " file of the release, not a components file)",
            row=row,
            column="COMPONENT",
        )
    sex = _read.label_map(raw, "SEX", _SEX, path, what="sex")
    ages = {}
    for row, label in raw["AGE_GROUP"].items():
        try:
            ages[row] = _age(str(label))
        except ValueError:
            raise SourceFileError(
                path,
                f"unknown age group {label!r} (expected 0-89, '90 and over' or 'All ages')",
                row=int(row),
                column="AGE_GROUP",
            ) from None
    age = pd.Series(ages, dtype="Int64")
    frame = pd.DataFrame(
        {"area_code": raw["AREA_CODE"].str.strip(), "area_name": raw["AREA_NAME"].str.strip(),
         "sex": sex, "age": age},
        index=raw.index,
    )  # fmt: skip
    _read.check_unique(
        frame.assign(age=frame["age"].fillna(-1)), ["area_code", "sex", "age"], path,
        what="area, sex and age group",
    )  # fmt: skip
    if area_code is not None and area_code not in set(frame["area_code"]):
        raise SourceFileError(
            path,
            f"the assessed area {area_code} is not in the projection file"
            f" ({frame['area_code'].nunique()} areas, e.g. {frame['area_code'].iloc[0]})",
            column="AREA_CODE",
        )
    values = {y: _read.parse_numbers(raw, y, path, blank_ok=False) for y in years}
    for y, numbers in values.items():
        if (numbers < 0).any():
            raise SourceFileError(
                path, "negative population", row=int((numbers < 0).idxmax()), column=y
            )
    wide = pd.concat([frame, pd.DataFrame(values, index=raw.index)], axis=1)
    _check_all_ages(wide, years, path)
    single = wide[wide["age"].notna()]
    long = single.melt(
        id_vars=["area_code", "area_name", "sex", "age"], var_name="year", value_name="population"
    )
    long["year"] = long["year"].astype("int64")
    long["age"] = long["age"].astype("int64")
    long["base_year"] = first
    out = long.loc[:, list(PROJECTION_COLUMNS)].sort_values(
        ["area_code", "sex", "year", "age"], kind="stable"
    )
    out = out.reset_index(drop=True)
    out.attrs["source"] = SOURCE.format(base=first)
    return _read.attach_summary(out, summary)


def _check_all_ages(wide: pd.DataFrame, years: list[str], path: Path) -> None:
    totals = wide[wide["age"].isna()]
    sums = wide[wide["age"].notna()].groupby(["area_code", "sex"])[years].sum()
    for row, record in totals.iterrows():
        key = (record["area_code"], record["sex"])
        if key not in sums.index:
            continue
        for y in years:
            if abs(sums.at[key, y] - record[y]) > 0.5:
                raise SourceFileError(
                    path,
                    f"'All ages' {record[y]:g} is not the sum of the single ages"
                    f" {sums.at[key, y]:g} ({key[0]}, {key[1]}, {y})",
                    row=int(row),
                    column=y,
                )


def projection_table(projection: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Indicator rows (all ages, 18+, under 18) by area, sex and projected year."""
    base = int(projection["base_year"].iloc[0])
    pieces = []
    for indicator_id, (name, low, high) in PROJECTION_INDICATORS.items():
        selected = projection[
            (projection["age"] >= low) & (projection["age"] <= (high if high is not None else 999))
        ]
        sums = selected.groupby(["area_code", "area_name", "sex", "year"], as_index=False)[
            "population"
        ].sum()
        pieces.append(
            sums.assign(
                indicator_id=indicator_id,
                indicator_name=f"{name} ({base}-based projection)",
                age=_AGE_LABEL[indicator_id],
            )
        )
    rows = pd.concat(pieces, ignore_index=True)
    rows = rows.assign(
        area_type=rows["area_code"].map(_read.area_type),
        parent_code=rows["area_code"].map(_read.parent_code),
        period=rows["year"].astype(str),
        period_sort=rows["year"] * 10000,
        category_type="",
        category="",
        count=rows["population"],
        value=rows["population"],
        value_note=f"Projection ({base}-based): not an estimate of the population",
        polarity="no_judgement",
        value_type="count",
        multiplier=1.0,
        unit="count",
        source=source or projection.attrs.get("source", SOURCE.format(base=base)),
        retrieved="",
    ).drop(columns=["population", "year"])
    return table.validate(table.coerce(rows), where="population projection")
