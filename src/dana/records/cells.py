"""Cubes -> cells: every published row's events (and, for rates, population) by age band.

A *cell* is one row of the indicator table before its value is computed, identified by
:data:`CELL_KEY` = ``indicator, area_code, sex, age, category_type, category``. This module
spreads the engine's cubes (:mod:`dana.records.aggregate`) over the breakdowns published:

* every area level: England (all records, including residents with no fixed abode or an
  unrecognised LA), region, upper-tier LA, district (E07);
* by sex (Male, Female and Persons), by age group, by ethnic group, by the condition an
  AAF-weighted episode was attributed to, by IMD decile, and by small area;

and builds the matching population cells from :class:`dana.records.population.Denominators`.
No statistics here: values are computed in :mod:`dana.records.values`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.areas import ENGLAND
from dana.breakdowns import DEPRIVATION_DECILE
from dana.records.common import ESP_BANDS
from dana.records.geography import la_lookup
from dana.records.indicators import AGE_GROUPS, Definition
from dana.records.population import Denominators, PopulationError

CELL_KEY = ["indicator", "area_code", "sex", "age", "category_type", "category"]
SEX_LABELS = {1: "Male", 2: "Female"}
ETHNIC = "Ethnic group"
#: The ``Deprivation decile`` convention of the indicator table (:mod:`dana.breakdowns`):
#: categories "1 (most deprived)", "2", ... "10 (least deprived)", each row with its events
#: (count), population (denominator), rate and limits, ready for :func:`dana.stats.sii`.
DECILE = DEPRIVATION_DECILE
CONDITION = "Condition (largest alcohol-attributable fraction)"
DECILE_NOT_KNOWN = "Not known (LSOA not in the lookup)"


def decile_label(decile: int) -> str:
    if decile == 0:
        return DECILE_NOT_KNOWN
    return {1: "1 (most deprived)", 10: "10 (least deprived)"}.get(decile, str(decile))


#: Decile index (0 = LSOA not in the lookup) -> category label.
DECILE_LABELS = {decile: decile_label(decile) for decile in range(11)}


def age_group_labels(kind: str) -> list[str]:
    bounds = AGE_GROUPS[kind]
    labels = []
    for i, low in enumerate(bounds):
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        if high is None:
            labels.append(f"{low}+ yrs")
        elif low == 0:
            labels.append(f"<{high + 1} yrs")
        else:
            labels.append(f"{low}-{high} yrs")
    return labels


def _levels(frame: pd.DataFrame) -> pd.DataFrame:
    """One copy of each cube row per area containing it (England, region, UTLA, district)."""
    parts = [frame.assign(area_code=ENGLAND)]
    for column in ("region", "utla"):
        rows = frame[frame[column].notna()]
        parts.append(rows.assign(area_code=rows[column]))
    districts = frame[frame["district"].notna() & (frame["district"] != frame["utla"])]
    parts.append(districts.assign(area_code=districts["district"]))
    return pd.concat(parts, ignore_index=True)


def _x(frame: pd.DataFrame, weighted: bool) -> pd.Series:
    return frame["w"] / 100.0 if weighted else frame["n"].astype(float)


def _sum(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, as_index=False, dropna=False, sort=False)["x"].sum()


def _with_persons(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    sexed = frame.assign(sex=frame["sex"].map(SEX_LABELS))
    sexed = _with_zeros(_sum(sexed[sexed["sex"].notna()], keys), "sex", SEX_LABELS.values())
    persons = _sum(frame.assign(sex="Persons"), keys)
    return pd.concat([sexed, persons], ignore_index=True)


def _with_zeros(frame: pd.DataFrame, column: str, categories) -> pd.DataFrame:
    """Every area of ``frame`` with every category of ``column``: a category with no events
    in an area is a cell with 0 events (a published zero, and a stratum the inequality
    methods need), not a missing row. The zero rows take an existing band of the area
    (rates read the population's own bands); they follow the frame, area by area in the
    order the areas first appear, categories in the order given."""
    if frame.empty:
        return frame
    areas = frame.drop_duplicates("area_code")[["area_code", "band"]].reset_index(drop=True)
    wanted = pd.Index(list(categories))
    area = pd.Index(areas["area_code"]).get_indexer(frame["area_code"])
    category = wanted.get_indexer(frame[column])
    seen = np.zeros((len(areas), len(wanted)), dtype=bool)
    known = category >= 0
    seen[area[known], category[known]] = True
    area_rows, category_rows = np.nonzero(~seen)  # row-major: area by area
    missing = areas.iloc[area_rows].reset_index(drop=True)
    missing[column] = pd.Series(list(categories)).iloc[category_rows].reset_index(drop=True)
    missing["x"] = 0.0
    return pd.concat([frame, missing], ignore_index=True)


def event_cells(
    definition: Definition, cubes: dict[str, pd.DataFrame], *, weighted: bool
) -> pd.DataFrame:
    """Events per cell and ESP band (``band`` -1 for count-only cells)."""
    name = definition.name
    geo = cubes["geo"][cubes["geo"]["indicator"] == name]
    geo = _levels(geo.assign(x=_x(geo, weighted)))
    out = []
    head = _with_persons(geo, ["area_code", "sex", "band"])
    out.append(head.assign(age=definition.age_label, category_type="", category=""))
    if definition.ages == (None, None) or definition.kind == "treatment":
        labels = age_group_labels(definition.kind)
        groups = geo[geo["agegroup"] >= 0]
        groups = _sum(groups, ["area_code", "agegroup", "band"])
        groups = _with_zeros(groups, "agegroup", range(len(labels)))
        groups["age"] = groups["agegroup"].map(dict(enumerate(labels)))
        keep = groups["age"] != definition.age_label
        out.append(groups[keep].assign(sex="Persons", category_type="", category=""))
    if definition.kind != "deaths":  # death registrations do not record ethnicity
        ethnic = _sum(geo, ["area_code", "ethnic"]).rename(columns={"ethnic": "category"})
        out.append(
            ethnic.assign(sex="Persons", age=definition.age_label, category_type=ETHNIC, band=-1)
        )
    condition = cubes["condition"][cubes["condition"]["indicator"] == name]
    if not condition.empty:
        condition = condition.assign(x=_x(condition, weighted), district=np.nan)
        condition = _sum(_levels(condition), ["area_code", "condition"])
        condition = condition[~condition["area_code"].str.startswith("E07")]
        out.append(
            condition.rename(columns={"condition": "category"}).assign(
                sex="Persons", age=definition.age_label, category_type=CONDITION, band=-1
            )
        )
    decile = cubes["decile"][cubes["decile"]["indicator"] == name]
    if not decile.empty:
        decile = _levels(decile.assign(x=_x(decile, weighted)))
        decile = _sum(decile, ["area_code", "imd_decile", "band"])
        decile = _with_zeros(decile, "imd_decile", range(1, 11))
        decile["category"] = decile["imd_decile"].map(DECILE_LABELS)
        out.append(decile.assign(sex="Persons", age=definition.age_label, category_type=DECILE))
    small = cubes["small_area"][cubes["small_area"]["indicator"] == name]
    if not small.empty:
        small = small.assign(x=_x(small, weighted), area_code=small["small_area"])
        small = _sum(small, ["area_code", "band"])
        out.append(
            small.assign(sex="Persons", age=definition.age_label, category_type="", category="")
        )
    cells = pd.concat(out, ignore_index=True)
    cells["indicator"] = name
    cells["band"] = cells["band"].astype("int64")
    return cells[[*CELL_KEY, "band", "x"]]


def _ages_of(label: str, definition: Definition) -> tuple[int | None, int | None]:
    """Age range of an age label, within the definition's own range."""
    if label == definition.age_label:
        return definition.ages
    text = label.replace(" yrs", "")
    if text.startswith("<"):
        low, high = 0, int(text[1:]) - 1
    elif text.endswith("+"):
        low, high = int(text[:-1]), None
    else:
        low, high = (int(v) for v in text.split("-"))
    own_low, own_high = definition.ages
    if own_low is not None:
        low = max(low, own_low)
    if own_high is not None:
        high = own_high if high is None else min(high, own_high)
    return low, high


def population_by_band(den: Denominators, years: tuple[int, ...], ages) -> pd.DataFrame:
    """Population summed over ``years`` by area, sex (1/2) and ESP band, within ``ages``."""
    frame = den.ages(*ages)
    frame = frame[frame["year"].isin(years)]
    missing = sorted(set(years) - set(frame["year"]))
    if missing:
        raise PopulationError(f"no population for year(s) {missing} in {den.source}")
    frame = frame.assign(band=np.minimum(frame["age"] // 5, 18))
    return frame.groupby(["area_code", "sex", "band"], as_index=False)["population"].sum()


class Populations:
    """Population cells by age range, computed once per range and reused by every
    definition (the same ages are asked for many times)."""

    def __init__(self, den: Denominators, years: tuple[int, ...], lsoa: pd.DataFrame | None):
        self.den, self.years, self.lsoa = den, years, lsoa
        self._cache: dict[tuple, tuple] = {}

    def _cached(self, key: tuple, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def _areas(self, ages) -> pd.DataFrame:
        """Population of every area by sex label (Male, Female, Persons) and band."""

        def make():
            pop = population_by_band(self.den, self.years, ages)
            persons = pop.groupby(["area_code", "band"], as_index=False)["population"].sum()
            persons["sex"] = "Persons"
            return pd.concat(
                [pop.assign(sex=pop["sex"].map(SEX_LABELS)), persons], ignore_index=True
            )

        return self._cached(("areas", ages), make)

    def _shares(self, by: str) -> pd.DataFrame | None:
        """Each district's population share by small area or decile (whatever the ages)."""
        return self._cached(("shares", by), lambda: _district_shares(self.lsoa, by))

    # small areas and deciles have headline rows only: built for the headline ages alone
    def _small_areas(self, ages) -> pd.DataFrame | None:
        return self._cached(
            ("small", ages),
            lambda: _small_area_population(self._areas(ages), self._shares("small_area")),
        )

    def _deciles(self, ages) -> pd.DataFrame:
        return self._cached(
            ("decile", ages),
            lambda: _decile_population(self._areas(ages), self._shares("imd_decile")),
        )

    def _small_codes(self) -> set[str]:
        # a set: Series.isin over thousands of Arrow strings converts each one in Python
        return self._cached(
            ("small codes",), lambda: set(self.lsoa["small_area"].dropna().astype(str))
        )

    def cells(self, definition: Definition, cells: pd.DataFrame) -> pd.DataFrame:
        """Population per rate cell and band (ethnic group / condition cells have none)."""
        wanted = cells[cells["category_type"].isin(["", DECILE])][CELL_KEY].drop_duplicates()
        out = []
        for age_label, rows in wanted.groupby("age", sort=False):
            ages = _ages_of(age_label, definition)
            plain = rows[rows["category_type"] == ""]
            out.append(plain.merge(self._areas(ages), on=["area_code", "sex"], how="inner"))
            if self.lsoa is None:
                continue
            if not self._small_codes().isdisjoint(plain["area_code"].unique()):
                small = self._small_areas(ages)
                if small is not None:
                    out.append(plain.merge(small, on=["area_code", "sex"], how="inner"))
            deciles = rows[rows["category_type"] == DECILE]
            if not deciles.empty:
                out.append(deciles.merge(self._deciles(ages), on=["area_code", "category"]))
        if not out:
            return pd.DataFrame(columns=[*CELL_KEY, "band", "population"])
        return pd.concat(out, ignore_index=True)[[*CELL_KEY, "band", "population"]]


def _district_shares(lsoa: pd.DataFrame, by: str) -> pd.DataFrame | None:
    """Share of each district's population by ``by`` (small_area or imd_decile), from
    the LSOA populations; for deciles also each district's UTLA and region (current
    districts only). None for small areas when the lookup has none."""
    if by == "small_area" and lsoa["small_area"].isna().all():
        return None
    shares = lsoa[lsoa["population"].notna()].copy()
    totals = shares.groupby("district")["population"].transform("sum")
    shares["share"] = shares["population"] / totals
    keys = ["small_area", "district"] if by == "small_area" else ["district", "imd_decile"]
    share = shares.groupby(keys, as_index=False)["share"].sum()
    if by == "imd_decile":
        lookup = la_lookup()
        current = lookup[lookup["status"] == "current"].set_index("code")
        share["utla"] = share["district"].map(current["utla"])
        share["region"] = share["district"].map(current["region"])
    return share


def _small_area_population(pop: pd.DataFrame, share: pd.DataFrame | None) -> pd.DataFrame | None:
    """Persons population by small area x band (LSOA shares of the district)."""
    if share is None:
        return None
    districts = pop[pop["sex"] == "Persons"].rename(columns={"area_code": "district"})
    small = share.merge(districts, on="district")
    small["population"] = small["population"] * small["share"]
    small = small.rename(columns={"small_area": "area_code"})
    return small.groupby(["area_code", "sex", "band"], as_index=False)["population"].sum()


def _decile_population(pop: pd.DataFrame, share: pd.DataFrame) -> pd.DataFrame:
    """Persons population by area (every level) x decile label x band."""
    persons = pop[pop["sex"] == "Persons"].rename(columns={"area_code": "district"})
    by_district = share.merge(persons, on="district")
    by_district["population"] = by_district["population"] * by_district["share"]
    by_district = by_district[by_district["utla"].notna()]
    levels = _levels(by_district)
    out = levels.groupby(["area_code", "imd_decile", "band"], as_index=False)["population"].sum()
    out["category"] = out["imd_decile"].map(DECILE_LABELS)
    return out[["area_code", "category", "band", "population"]]


def esp_label(band: pd.Series) -> pd.Series:
    return band.map(dict(enumerate(ESP_BANDS)))
