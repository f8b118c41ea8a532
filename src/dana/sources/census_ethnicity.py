"""ONS Census ethnic group (2021 TS021, 2011 KS201EW) as population-by-ethnic-group rows.

Two published layouts:

* **Census 2021**, long (``ltla21_code, ltla21_name, ethnic_group, value``): for every
  lower-tier authority, each of the 19 TS021 categories twice, ``"<high-level group>:
  <category> (number)"`` and ``"... (percent)"`` (ONS "Ethnic group, England and Wales:
  Census 2021", 29 November 2022, map data download);
* **Census 2011**, wide (Nomis bulk layout: ``date, geography, geography code, Rural
  Urban, Ethnic Group: All categories: Ethnic group; measures: Value``, the five
  high-level subtotals and the 18 categories).

Rows produced (indicator ``ons:census2021_usual_residents`` or
``ons:census2011_usual_residents``, value type count, all ages, persons):

* the headline row: usual residents. For 2021 it is the **sum of the 19 counts** (ONS
  disclosure control makes it differ from the published total by a person or so); for
  2011 the published "All categories" total;
* category type ``Census 2021 ethnic group`` (or ``Census 2011 ethnic group``): each
  detailed category, named as published without the group prefix (``"Indian"``,
  ``"English, Welsh, Scottish, Northern Irish or British"``);
* category type ``Ethnic group``: the five high-level groups White, Mixed, Asian, Black,
  Other, the groups NDTMS reports (2021: summed from the detailed counts);
* breakdown rows carry ``denominator`` = the headline total (the breakdown convention,
  :mod:`dana.breakdowns`).

Areas: each lower-tier authority as published, then every current upper-tier authority
and region of England and England itself summed from the English rows (a county from its
districts, e.g. Cambridgeshire = E07000008-12; former districts to the authority that now
contains them, :meth:`dana.areas.AreaHierarchy.current_utla_for`). Welsh rows are kept as
published and not summed.

Checks, each an error naming file, row and column: an unknown ethnic-group label; a count
that is not a whole non-negative number; 2021 percentages that do not sum to 100 within
their rounding (19 x 0.05) or disagree with the counts; 2011 subtotals that are not the
sum of their categories or exceed the total; an English code the area table does not know.

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dana.areas import AreaError, load_areas
from dana.breakdowns import CATEGORIES_2021, WHITE_BRITISH_2021, share_problems
from dana.sources import _read
from dana.sources.errors import SourceFileError

BROAD_GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
#: High-level group by the prefix of the 2021 label ("Asian, Asian British or Asian Welsh").
HIGH_LEVEL_PREFIX_2021 = {
    "Asian, Asian British or Asian Welsh": "Asian",
    "Black, Black British, Black Welsh, Caribbean or African": "Black",
    "Mixed or Multiple ethnic groups": "Mixed",
    "Other ethnic group": "Other",
    "White": "White",
}
INDICATOR = {2021: "ons:census2021_usual_residents", 2011: "ons:census2011_usual_residents"}
NAME = {
    2021: "Usual residents by ethnic group (Census 2021)",
    2011: "Usual residents by ethnic group (Census 2011)",
}
SOURCE = {
    2021: "ONS, Census 2021: Ethnic group, England and Wales (TS021), 29 November 2022",
    2011: "ONS, Census 2011: Ethnic group (KS201EW / QS201EW), Nomis, 30 January 2013",
}
PUBLISHED = {2021: "2022-11-29", 2011: "2013-01-30"}
DETAILED_TYPE = {2021: "Census 2021 ethnic group", 2011: "Census 2011 ethnic group"}
BROAD_TYPE = "Ethnic group"
_LABEL_2021 = re.compile(
    r"^(?P<prefix>[^:]+):\s*(?P<category>.+?)\s*\((?P<measure>number|percent)\)$"
)
#: 2011 Nomis column -> (high-level group, category); subtotals have category "".
_COLUMN_2011 = re.compile(r"^Ethnic Group: (?P<label>.+); measures: Value$")
_GROUP_2011 = {"White": "White", "Mixed": "Mixed", "Asian": "Asian", "Black": "Black",
               "Other": "Other"}  # fmt: skip
_PREFIX_2011 = {
    "White": "White",
    "Mixed/multiple ethnic group": "Mixed",
    "Asian/Asian British": "Asian",
    "Black/African/Caribbean/Black British": "Black",
    "Other ethnic group": "Other",
}


def read_census_ethnic_group(
    path: str | Path, *, year: int | None = None, retrieved: str | None = None
) -> pd.DataFrame:
    """Read a Census 2021 (long) or 2011 (Nomis wide) ethnic-group file into table rows.

    ``year`` is recognised from the layout when not given. See the module docstring for
    the rows, the areas summed and the checks.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    detected = 2021 if "ethnic_group" in raw.columns else 2011
    year = year or detected
    long = _long_2021(raw, path) if detected == 2021 else _long_2011(raw, path)
    rows = _with_upper_tiers(long, path, summary)
    return _read.finish_table(_table_rows(rows, year, path, retrieved), path, summary)


def _long_2021(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """One row per area x detailed category: area_code, area_name, group, category, count, row."""
    _read.require_columns(raw, ["ltla21_code", "ltla21_name", "ethnic_group", "value"], path)
    _read.check_area_codes(raw, "ltla21_code", path)
    parsed = raw["ethnic_group"].str.strip().str.replace(r"\s+", " ", regex=True)
    parts = parsed.str.extract(_LABEL_2021)
    group = parts["prefix"].map(HIGH_LEVEL_PREFIX_2021)
    known = pd.Series(
        [
            isinstance(g, str) and c in CATEGORIES_2021[g]
            for g, c in zip(group, parts["category"], strict=True)
        ],
        index=raw.index,
    )
    if not known.all():
        row = int(known.idxmin())
        raise SourceFileError(
            path,
            f"unknown Census 2021 ethnic group {raw.at[row, 'ethnic_group']!r} (expected"
            " '<high-level group>: <category> (number)' or '(percent)' with the 19 TS021"
            " categories)",
            row=row,
            column="ethnic_group",
        )
    values = _read.parse_numbers(raw, "value", path, blank_ok=False)
    frame = pd.DataFrame(
        {
            "area_code": raw["ltla21_code"].str.strip(),
            "area_name": raw["ltla21_name"].str.strip(),
            "group": group,
            "category": parts["category"],
            "measure": parts["measure"],
            "value": values,
            "row": raw.index,
        }
    )
    _read.check_unique(frame, ["area_code", "category", "measure"], path, what="area and group")
    counts = frame[frame["measure"] == "number"].copy()
    _whole_counts(counts, path, "value")
    expected = sum(len(c) for c in CATEGORIES_2021.values())
    per_area = counts.groupby("area_code")["category"].nunique()
    if (per_area != expected).any():
        area = per_area.index[(per_area != expected).to_numpy()][0]
        row = int(counts.loc[counts["area_code"] == area, "row"].iloc[0])
        raise SourceFileError(
            path,
            f"{area} has {per_area[area]} of the {expected} Census 2021 ethnic-group counts",
            row=row,
            column="ethnic_group",
        )
    percents = frame[frame["measure"] == "percent"]
    if not percents.empty:
        _check_percents(counts, percents, path)
    return counts.rename(columns={"value": "count"}).drop(columns="measure")


def _check_percents(counts: pd.DataFrame, percents: pd.DataFrame, path: Path) -> None:
    """Published shares (to 0.1) must sum to 100 within rounding and match the counts."""
    indexed = percents.set_index("row")
    for row, total in share_problems(indexed["value"], indexed["area_code"], decimals=1):
        raise SourceFileError(
            path,
            f"the Census 2021 percentages of {indexed.at[row, 'area_code']} add up to"
            f" {total:.1f}, not 100 within rounding to 0.1",
            row=int(row),
            column="value",
        )
    totals = counts.groupby("area_code")["value"].sum()
    joined = percents.merge(
        counts[["area_code", "category", "value"]].rename(columns={"value": "n"}),
        on=["area_code", "category"],
    )
    implied = 100 * joined["n"] / joined["area_code"].map(totals)
    # 0.05 for rounding to 0.1, plus a little for the published total's disclosure noise
    off = (joined["value"] - implied).abs() > 0.06
    if off.any():
        bad = joined[off].iloc[0]
        raise SourceFileError(
            path,
            f"{bad['area_code']}: {bad['category']!r} is published as {bad['value']:g}% but"
            f" its count is {bad['n']:g} of {totals[bad['area_code']]:g} ("
            f"{100 * bad['n'] / totals[bad['area_code']]:.2f}%)",
            row=int(bad["row"]),
            column="value",
        )


def _whole_counts(frame: pd.DataFrame, path: Path, column: str) -> None:
    bad = (frame[column] < 0) | (frame[column] != np.round(frame[column]))
    if bad.any():
        row = int(frame.loc[bad, "row"].iloc[0])
        raise SourceFileError(
            path,
            f"count {frame.loc[bad, column].iloc[0]:g} is not a whole number of people",
            row=row,
            column=column,
        )


def _long_2011(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    _read.require_columns(raw, ["geography", "geography code"], path)
    _read.check_area_codes(raw, "geography code", path)
    total_col, subtotal_cols, detail_cols = None, {}, {}
    for column in raw.columns:
        match = _COLUMN_2011.match(column)
        if not match:
            continue
        label = match["label"]
        if label == "All categories: Ethnic group":
            total_col = column
        elif label in _GROUP_2011:
            subtotal_cols[_GROUP_2011[label]] = column
        else:
            prefix, _, category = label.partition(": ")
            if prefix not in _PREFIX_2011 or not category:
                raise SourceFileError(
                    path, "unknown Census 2011 ethnic-group column", row=1, column=column
                )
            detail_cols[column] = (_PREFIX_2011[prefix], category)
    missing = [g for g in BROAD_GROUPS if g not in subtotal_cols]
    if total_col is None or missing or not detail_cols:
        raise SourceFileError(
            path,
            "not a Census 2011 ethnic-group table: need the 'All categories' total, the five"
            f" high-level subtotals (missing {missing}) and the detailed categories",
            row=1,
        )
    numbers = {c: _read.parse_numbers(raw, c, path, blank_ok=False) for c in
               [total_col, *subtotal_cols.values(), *detail_cols]}  # fmt: skip
    for column, values in numbers.items():
        _whole_counts(pd.DataFrame({column: values, "row": raw.index}), path, column)
    for group, column in subtotal_cols.items():
        members = [c for c, (g, _) in detail_cols.items() if g == group]
        _parts_make_whole(
            sum(numbers[c] for c in members), numbers[column], path, column,
            f"the {group} categories", f"the {group} subtotal",
        )  # fmt: skip
    _parts_make_whole(
        sum(numbers[c] for c in subtotal_cols.values()), numbers[total_col], path, total_col,
        "the five high-level groups", "the total",
    )  # fmt: skip
    pieces = [
        pd.DataFrame(
            {
                "area_code": raw["geography code"].str.strip(),
                "area_name": raw["geography"].str.strip(),
                "group": group,
                "category": category,
                "count": numbers[column],
                "row": raw.index,
            }
        )
        for column, (group, category) in detail_cols.items()
    ]
    return pd.concat(pieces, ignore_index=True)


def _parts_make_whole(added, whole, path: Path, column: str, parts: str, total: str) -> None:
    off = added != whole
    if off.any():
        row = int(off.idxmax())
        raise SourceFileError(
            path,
            f"{parts} add up to {added[row]:g}, not {total} {whole[row]:g}",
            row=row,
            column=column,
        )


def _with_upper_tiers(long: pd.DataFrame, path: Path, summary) -> pd.DataFrame:
    """Append current UTLAs, regions and England summed from the English rows."""
    areas = load_areas()
    english = long[long["area_code"].str.startswith("E")]
    utla = {}
    for code in english["area_code"].unique():
        try:
            utla[code] = areas.current_utla_for(code)
        except AreaError as exc:
            row = int(english.loc[english["area_code"] == code, "row"].iloc[0])
            raise SourceFileError(path, f"area {exc}", row=row) from None
    welsh = long["area_code"].nunique() - english["area_code"].nunique()
    if welsh:
        summary.note(f"{welsh} area(s) outside England kept as published, not summed")
    by_utla = english.assign(area_code=english["area_code"].map(utla))
    sums = [by_utla]
    region = {code: areas.region_of(code).code for code in by_utla["area_code"].unique()}
    sums.append(by_utla.assign(area_code=by_utla["area_code"].map(region)))
    sums.append(by_utla.assign(area_code="E92000001"))
    summed = (
        pd.concat(sums, ignore_index=True)
        .groupby(["area_code", "group", "category"], sort=False, as_index=False)["count"]
        .sum()
    )
    summed = summed[~summed["area_code"].isin(set(long["area_code"]))]
    summed["area_name"] = summed["area_code"].map(lambda c: areas.get(c).name)
    summed["row"] = -1
    return pd.concat([long, summed], ignore_index=True)


def _table_rows(long: pd.DataFrame, year: int, path: Path, retrieved: str | None) -> pd.DataFrame:
    keys = ["area_code", "area_name"]
    total = long.groupby(keys, sort=False)["count"].sum().rename("denominator")
    broad = long.groupby([*keys, "group"], sort=False)["count"].sum().reset_index()
    headline = total.reset_index().assign(category_type="", category="")
    headline["count"] = headline.pop("denominator")
    detailed = long.assign(category_type=DETAILED_TYPE[year])[[*keys, "category", "count"]]
    detailed["category_type"] = DETAILED_TYPE[year]
    broad = broad.rename(columns={"group": "category"}).assign(category_type=BROAD_TYPE)
    parts = pd.concat([detailed, broad], ignore_index=True).merge(total.reset_index(), on=keys)
    rows = pd.concat([headline, parts], ignore_index=True)
    areas = load_areas()
    rows["area_type"] = rows["area_code"].map(
        lambda c: areas.get(c).area_type if c in areas else _read.area_type(c)
    )
    rows["parent_code"] = rows["area_code"].map(
        lambda c: areas.get(c).parent_code if c in areas else _read.parent_code(c)
    )
    return rows.assign(
        indicator_id=INDICATOR[year],
        indicator_name=NAME[year],
        period=str(year),
        period_sort=year * 10000,
        sex="Persons",
        age="All ages",
        value=rows["count"],
        value_note="",
        polarity="no_judgement",
        value_type="count",
        multiplier=1.0,
        unit="count",
        source=SOURCE[year],
        retrieved=_read.retrieved_date(path, PUBLISHED[year], retrieved),
    )


def share_not_white_british(frame: pd.DataFrame) -> pd.Series:
    """Percentage of usual residents not in the White British category, by area code.

    From rows of :func:`read_census_ethnic_group` (2021): ``100 x (total - White:
    English, Welsh, Scottish, Northern Irish or British) / total``.
    """
    census = frame[frame["indicator_id"] == INDICATOR[2021]]
    total = census[census["category_type"] == ""].set_index("area_code")["count"]
    white_british = census[
        (census["category_type"] == DETAILED_TYPE[2021])
        & (census["category"] == WHITE_BRITISH_2021)
    ].set_index("area_code")["count"]
    return (100 * (total - white_british.reindex(total.index)) / total).rename(
        "pct_not_white_british"
    )
