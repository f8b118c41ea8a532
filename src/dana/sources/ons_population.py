"""ONS mid-year population estimates by single year of age.

Two wide layouts are read into one long **population frame** (not an indicator table):

========== ======= =====================================================================
column     dtype   meaning
========== ======= =====================================================================
area_code  str     GSS code
area_name  str     area name as published
year       int     mid-year of the estimate (2020 = mid-2020)
sex        str     "Persons", "Male" or "Female"
age        int     single year of age; 90 means 90 and over
population float   estimated residents (NaN where the publisher marks "not available")
========== ======= =====================================================================

* ONS mid-2020 by UTLA/LTLA (``utla20_code, utla20_name, total_population, 0 .. 89, 90+``,
  persons; no year column, so the year comes from ``year=`` or a file name such as
  ``population20_utla20.csv``). ``total_population`` is checked against the sum of ages.
* Nomis "population estimates - local authority based by single year of age"
  (``name, code, year, Age 0 .. Age 89, Aged 90+``, persons). Nomis marks cells it does
  not publish with "-": Northern Ireland 1997-2000 entirely, and ages 85+ in England and
  Wales for 1997-2000. Those cells become NaN and are counted in the import summary;
  any other non-numeric cell is an error naming its row and column.

Districts are summed to a county with an explicit mapping (:func:`combine_areas`), e.g.
Cambridgeshire E10000003 = E07000008 Cambridge, E07000009 East Cambridgeshire,
E07000010 Fenland, E07000011 Huntingdonshire, E07000012 South Cambridgeshire.

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from dana import table
from dana.sources import _read
from dana.sources.errors import SourceError, SourceFileError

POPULATION_COLUMNS = ("area_code", "area_name", "year", "sex", "age", "population")
#: The oldest single-year age; it stands for "this age and over".
TOP_AGE = 90
SOURCE = "ONS mid-year population estimates"
#: Release date of the ONS mid-2020 population estimates (pre-Census 2021 rebasing).
PUBLISHED = {2020: "2021-06-25"}
#: Nomis "not available" marker.
NOT_AVAILABLE = "-"

#: The 19 age bands of the Fingertips ESP2013 convention (0-4 combined, 90+ combined).
ESP2013_BANDS: tuple[tuple[str, int, int | None], ...] = tuple(
    (f"{lo}-{lo + 4}", lo, lo + 4) for lo in range(0, 90, 5)
) + (("90+", 90, None),)

_AGE_HEADER = re.compile(r"^(?:Age(?:d)?\s*)?(\d{1,2})(\+?)$", re.IGNORECASE)
_SEXES = {"persons": "Persons", "all": "Persons", "male": "Male", "female": "Female"}


class PopulationError(SourceError, ValueError):
    """A population frame cannot be summed or banded as asked; the message says which areas."""


def _age_columns(raw: pd.DataFrame, path) -> dict[str, int]:
    ages: dict[str, int] = {}
    for column in raw.columns:
        match = _AGE_HEADER.match(column)
        if match:
            age = int(match.group(1))
            if match.group(2) and age != TOP_AGE:
                raise SourceFileError(path, f"open age band {column!r} is not {TOP_AGE}+", row=1)
            ages[column] = age
    found = sorted(ages.values())
    if found != list(range(TOP_AGE + 1)):
        missing = sorted(set(range(TOP_AGE + 1)) - set(found))
        raise SourceFileError(
            path, f"expected single-year age columns 0..89 and 90+; missing ages {missing}", row=1
        )
    return ages


def _pick(raw: pd.DataFrame, candidates: Iterable[str], path, what: str) -> str:
    for column in raw.columns:
        if column.casefold() in candidates or any(
            column.casefold().endswith(f"_{c}") for c in candidates
        ):
            return column
    raise SourceFileError(path, f"no {what} column (looked for {sorted(candidates)})", row=1)


def read_mye_syoa(
    path: str | Path,
    *,
    year: int | None = None,
    sex: str = "Persons",
    combine: Mapping[str, tuple[str, Iterable[str]]] | None = None,
) -> pd.DataFrame:
    """Read an ONS/Nomis single-year-of-age population file into a long population frame.

    ``year`` is needed only when the file has no year column and its name does not say
    (``population20_...`` = 2020). ``sex`` labels the rows when the file has no sex
    column (both real layouts are persons only). ``combine`` adds summed areas, as
    :func:`combine_areas`. Rows are sorted by area, year, sex and age; the import summary
    (``frame.attrs["import_summary"]``) counts cells marked not available.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    ages = _age_columns(raw, path)
    code_col = _pick(raw, {"code", "area_code"}, path, "area code")
    name_col = _pick(raw, {"name", "area_name"}, path, "area name")
    raw[code_col] = raw[code_col].str.strip()
    _read.check_area_codes(raw, code_col, path)

    if "year" in raw.columns:
        years = _read.parse_numbers(raw, "year", path, blank_ok=False)
        if not years.between(1800, 2200).all() or (years % 1).any():
            row = (~years.between(1800, 2200) | (years % 1 != 0)).idxmax()
            raise SourceFileError(
                path, f"{raw.loc[row, 'year']!r} is not a year", row=int(row), column="year"
            )
        raw["_year"] = years.astype(int)
    else:
        if year is None:
            match = re.search(r"population(\d{2})_", path.name)
            if not match:
                raise SourceFileError(
                    path, "the file has no 'year' column and its name gives no year: pass year="
                )
            year = 2000 + int(match.group(1))
        raw["_year"] = int(year)
    if "sex" in raw.columns:
        raw["_sex"] = _read.label_map(raw, "sex", _SEXES, path, what="sex")
    else:
        raw["_sex"] = _SEXES.get(sex.casefold(), sex)
        if raw["_sex"].iloc[0] not in ("Persons", "Male", "Female"):
            raise ValueError(f"sex must be Persons, Male or Female, not {sex!r}")
    _read.check_unique(raw, [code_col, "_year", "_sex"], path, what="area, year and sex")

    values = {
        age: _read.parse_numbers(raw, column, path, blank_ok=False, markers=[NOT_AVAILABLE])
        for column, age in ages.items()
    }
    for column, age in ages.items():
        if (values[age] < 0).any():
            row = (values[age] < 0).idxmax()
            raise SourceFileError(path, "negative population", row=int(row), column=column)
    marked = sum(int(raw[c].str.strip().eq(NOT_AVAILABLE).sum()) for c in ages)
    if marked:
        summary.note(
            f"{marked} cell(s) marked {NOT_AVAILABLE!r} (not available) kept as NaN population"
        )
    wide = pd.DataFrame(values, index=raw.index)

    total_col = next(
        (c for c in raw.columns if c.casefold() in ("total_population", "all ages")), None
    )
    if total_col:
        totals = _read.parse_numbers(raw, total_col, path, blank_ok=False)
        diff = (wide.sum(axis=1, min_count=TOP_AGE + 1) - totals).abs()
        if (diff > 0.5).any():
            row = (diff > 0.5).idxmax()
            raise SourceFileError(
                path,
                f"{total_col} {totals[row]:g} differs from the sum of ages {totals[row] + diff[row]:g}",
                row=int(row),
                column=total_col,
            )

    wide["area_code"] = raw[code_col]
    wide["area_name"] = raw[name_col].str.strip()
    wide["year"] = raw["_year"]
    wide["sex"] = raw["_sex"]
    long = wide.melt(
        id_vars=["area_code", "area_name", "year", "sex"], var_name="age", value_name="population"
    )
    pop = _finish(long)
    pop.attrs["source"] = SOURCE
    pop.attrs["retrieved"] = _read.retrieved_date(path, PUBLISHED.get(int(pop["year"].max())), None)
    if combine:
        pop = combine_areas(pop, combine)
    return _read.attach_summary(pop, summary)


def _finish(long: pd.DataFrame) -> pd.DataFrame:
    out = long.loc[:, list(POPULATION_COLUMNS)].copy()
    out["area_code"] = out["area_code"].astype(str)
    out["area_name"] = out["area_name"].astype(str)
    out["year"] = out["year"].astype("int64")
    out["sex"] = out["sex"].astype(str)
    out["age"] = out["age"].astype("int64")
    out["population"] = out["population"].astype(float)
    out = out.sort_values(["area_code", "year", "sex", "age"], kind="stable")
    return out.reset_index(drop=True)


def combine_areas(
    pop: pd.DataFrame, mapping: Mapping[str, tuple[str, Iterable[str]]]
) -> pd.DataFrame:
    """Append areas made by summing others: ``{new_code: (new_name, [part codes])}``.

    Example: ``{"E10000003": ("Cambridgeshire", ["E07000008", "E07000009", "E07000010",
    "E07000011", "E07000012"])}``. Each part must be present for every year and sex of
    the new area (otherwise :class:`PopulationError` names the missing parts); a NaN in
    any part makes that age NaN (a sum over unknown cells is unknown). If ``new_code`` is
    already in ``pop`` that is an error (no silent overwrite).
    """
    frames = [pop]
    for code, (name, parts) in mapping.items():
        parts = list(parts)
        if code in set(pop["area_code"]):
            raise PopulationError(
                f"area {code} is already in the population frame; not overwriting it"
            )
        subset = pop[pop["area_code"].isin(parts)]
        missing = sorted(set(parts) - set(subset["area_code"]))
        if missing:
            raise PopulationError(f"cannot make {code} {name}: part area(s) {missing} not found")
        per_key = subset.groupby(["year", "sex"])["area_code"].nunique()
        short = per_key[per_key < len(parts)]
        if not short.empty:
            year, sex = short.index[0]
            present = set(subset.loc[subset["year"].eq(year) & subset["sex"].eq(sex), "area_code"])
            raise PopulationError(
                f"cannot make {code} {name} for {year} {sex}: part area(s) "
                f"{sorted(set(parts) - present)} missing"
            )
        summed = _sum_population(subset, ["year", "sex", "age"])
        frames.append(summed.assign(area_code=code, area_name=name))
    out = _finish(pd.concat(frames, ignore_index=True))
    out.attrs.update(pop.attrs)
    return out


def _sum_population(pop: pd.DataFrame, keys: list[str], *, sort: bool = True) -> pd.DataFrame:
    """``population`` summed per ``keys`` (a flat frame); NaN where any member is NaN.

    A sum over unknown cells is unknown: never a silent undercount.
    """
    grouped = pop.groupby(keys, sort=sort)["population"]
    out = grouped.sum(min_count=1).to_frame()
    out.loc[(grouped.count() < grouped.size()).to_numpy(), "population"] = np.nan
    return out.reset_index()


def _band_table(bands) -> list[tuple[str, int, int | None]]:
    if isinstance(bands, str):
        if bands.lower() != "esp2013":
            raise ValueError(
                f"unknown band set {bands!r}; use 'esp2013' or a list of (label, lo, hi)"
            )
        return list(ESP2013_BANDS)
    return [(str(label), int(lo), None if hi is None else int(hi)) for label, lo, hi in bands]


def to_age_bands(pop: pd.DataFrame, bands="esp2013") -> pd.DataFrame:
    """Sum single years of age into bands; returns the frame with ``age`` = band label.

    ``bands="esp2013"`` gives the 19 Fingertips bands (0-4, 5-9, ..., 85-89, 90+) used
    with the ESP2013 weights; or pass ``[(label, lowest_age, highest_age_or_None), ...]``.
    Bands must not overlap; every age in the frame must fall in a band. A band with any
    NaN single-year cell is NaN. Output columns: area_code, area_name, year, sex, age
    (str label), population; bands in the given order.
    """
    table = _band_table(bands)
    label_of = {}
    for label, lo, hi in table:
        top = TOP_AGE if hi is None else hi
        for age in range(lo, top + 1):
            if age in label_of:
                raise ValueError(
                    f"age bands overlap at age {age} ({label_of[age]!r} and {label!r})"
                )
            label_of[age] = label
    ages = set(pop["age"].unique())
    outside = sorted(ages - set(label_of))
    if outside:
        raise PopulationError(f"ages {outside} fall in none of the bands {[t[0] for t in table]}")
    banded = pop.assign(age=pop["age"].map(label_of))
    out = _sum_population(banded, ["area_code", "area_name", "year", "sex", "age"], sort=False)
    order = {label: i for i, (label, _, _) in enumerate(table)}
    out = out.sort_values(
        ["area_code", "year", "sex", "age"], key=lambda s: s.map(order) if s.name == "age" else s
    )
    out = out[out["age"].isin([label for label in order if label in set(label_of.values())])]
    out.attrs.update(pop.attrs)
    return out.reset_index(drop=True)


def adults(pop: pd.DataFrame, min_age: int = 18) -> pd.DataFrame:
    """Population aged ``min_age`` and over per area, year and sex (age label "18+ yrs").

    NaN in any included single year makes the total NaN (never a silent undercount).
    """
    out = _sum_population(pop[pop["age"] >= min_age], ["area_code", "area_name", "year", "sex"])
    out.insert(4, "age", f"{min_age}+ yrs")
    out.attrs.update(pop.attrs)
    return out


def all_ages(pop: pd.DataFrame) -> pd.DataFrame:
    """Population of all ages per area, year and sex (age label "All ages").

    NaN in any single year of age makes the total NaN (never a silent undercount).
    """
    out = _sum_population(pop, ["area_code", "area_name", "year", "sex"])
    out.insert(4, "age", "All ages")
    out.attrs.update(pop.attrs)
    return out


def population_table(
    pop: pd.DataFrame, *, bands="esp2013", source: str | None = None
) -> pd.DataFrame:
    """Population as indicator-table rows ("ons:population", value_type "count") by age band.

    Ages use the contract's labels ("0-4 yrs", "90+ yrs"); period = the mid-year ("2020").
    """
    banded = to_age_bands(pop, bands)
    rows = pd.DataFrame(
        {
            "indicator_id": "ons:population",
            "indicator_name": "Mid-year population estimate",
            "area_code": banded["area_code"],
            "area_name": banded["area_name"],
            "area_type": banded["area_code"].map(_read.area_type),
            "parent_code": banded["area_code"].map(_read.parent_code),
            "period": banded["year"].astype(str),
            "period_sort": banded["year"].astype("int64") * 10000,
            "sex": banded["sex"],
            "age": banded["age"] + " yrs",
            "count": banded["population"],
            "value": banded["population"],
            "value_note": np.where(
                banded["population"].isna(), "Not available from the publisher", ""
            ),
            "value_type": "count",
            "multiplier": 1.0,
            "unit": "count",
            "source": source or pop.attrs.get("source", SOURCE),
            "retrieved": pop.attrs.get("retrieved", ""),
        }
    )
    return table.validate(table.coerce(rows), where="population table")
