"""Population context in the synthetic world: Census ethnic groups, districts, projections.

* **Census 2021 ethnic group** (``ons:census2021_usual_residents``): every area's 2021
  residents (the same total as ``ons:population_all_ages`` 2021) by the five high-level
  groups (category type ``Ethnic group``) and the 19 TS021 categories, in the shares
  the world already uses for adults by ethnic group (White British and White other from
  the area's ethnic mix; the detailed split within each group is England's, rounded
  from Census 2021). Counts are whole people; parts sum to the total.
* **Districts of the two-tier counties** (area type ``ltla``, real codes and names from
  ``areas.csv``): each county's population (all ages, 18+, every year), its Census 2021
  ethnic groups (drawn without replacement, so districts sum to the county in every
  category) and an IMD 2019 score whose population-weighted mean is the county's.
  District shares are fixed per county (a Dirichlet draw).
* **Projections** by 5-year band and sex from the latest simulated year (2023) to 2043:
  each area keeps its synthetic 2022-23 growth rate; residents aged 65+ grow 1.0
  percentage point a year faster and under-15s 0.3 points slower (a STATED assumption,
  not an ONS projection). Regions and England are sums. Indicator rows
  ``ons:population_projection_all_ages`` / ``_18_plus`` / ``_under_18`` by year, whose
  base year equals the population indicators of that year.

Nothing here is real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.areas import AreaHierarchy
from dana.breakdowns import CATEGORIES_2021, WHITE_BRITISH_2021
from dana.catalogue import PROJECTION_INDICATORS as PROJECTED_IDS
from dana.data.synthetic.world import BAND_LABELS, YEARS, World, ages_in_bands
from dana.stats.standards import ESP2013

CENSUS_ID = "ons:census2021_usual_residents"
CENSUS_NAME = "Usual residents by ethnic group (Census 2021)"
#: Split of each high-level group into its TS021 categories (England 2021, rounded).
DETAIL_SHARES = {
    "White": {"Irish": 0.074, "Gypsy or Irish Traveller": 0.008, "Roma": 0.016,
              "Other White": 0.902},  # of White other than White British
    "Mixed": {"White and Black Caribbean": 0.30, "White and Black African": 0.14,
              "White and Asian": 0.26, "Other Mixed or Multiple ethnic groups": 0.30},
    "Asian": {"Indian": 0.33, "Pakistani": 0.29, "Bangladeshi": 0.12, "Chinese": 0.08,
              "Other Asian": 0.18},
    "Black": {"African": 0.60, "Caribbean": 0.25, "Other Black": 0.15},
    "Other": {"Arab": 0.25, "Any other ethnic group": 0.75},
}  # fmt: skip
#: World split of residents not White British: White other, Mixed, Asian, Black, Other.
MINORITY_SPLIT = (0.33, 0.10, 0.37, 0.15, 0.05)
BASE_YEAR = YEARS[-1]
PROJECTION_YEARS = tuple(range(BASE_YEAR, 2044))
_OLDER_EXTRA, _YOUNGER_EXTRA = 0.010, -0.003


def largest_remainder(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Whole numbers per share (rows of ``shares`` sum to 1) that sum exactly to ``total``."""
    raw = total[:, None] * shares
    floor = np.floor(raw)
    short = (total - floor.sum(axis=1)).astype(int)
    order = np.argsort(-(raw - floor), axis=1, kind="stable")
    bump = np.zeros_like(floor)
    for row, count in enumerate(short):
        bump[row, order[row, :count]] = 1
    return floor + bump


def census_categories() -> list[tuple[str, str]]:
    """(high-level group, TS021 category) in a fixed order, White British first."""
    out = [("White", WHITE_BRITISH_2021)]
    out += [("White", c) for c in DETAIL_SHARES["White"]]
    for group in ("Mixed", "Asian", "Black", "Other"):
        out += [(group, c) for c in DETAIL_SHARES[group]]
    assert sorted(c for _, c in out) == sorted(c for cs in CATEGORIES_2021.values() for c in cs)
    return out


def census_counts(world: World) -> np.ndarray:
    """UTLA x 19 Census 2021 counts summing to each area's 2021 population."""
    total = world.persons().sum(axis=2)[:, YEARS.index(2021)]
    nwb = world.non_white_british
    groups = np.column_stack([1 - nwb, *[nwb * s for s in MINORITY_SPLIT]])
    shares = [groups[:, 0]]  # White British
    shares += [groups[:, 1] * s for s in DETAIL_SHARES["White"].values()]
    for index, group in enumerate(("Mixed", "Asian", "Black", "Other"), start=2):
        shares += [groups[:, index] * s for s in DETAIL_SHARES[group].values()]
    return largest_remainder(total, np.column_stack(shares))


def census_rows(counts: np.ndarray, codes: list[str], names: list[str], types: list[str],
                parents: list[str]) -> pd.DataFrame:  # fmt: skip
    """Headline, 19 detailed and 5 high-level rows per area (breakdown convention)."""
    categories = census_categories()
    total = counts.sum(axis=1)
    groups = ("White", "Mixed", "Asian", "Black", "Other")
    broad = np.column_stack(
        [
            counts[:, [i for i, (g, _) in enumerate(categories) if g == group]].sum(axis=1)
            for group in groups
        ]  # fmt: skip
    )
    pieces = [pd.DataFrame({"category_type": "", "category": "", "count": total,
                            "denominator": np.nan, "_area": range(len(codes))})]  # fmt: skip
    for kind, labels, values in (
        ("Census 2021 ethnic group", [c for _, c in categories], counts),
        ("Ethnic group", list(groups), broad),
    ):
        pieces.append(
            pd.DataFrame(
                {
                    "category_type": kind,
                    "category": np.tile(labels, len(codes)),
                    "count": values.ravel(),
                    "denominator": np.repeat(total, len(labels)),
                    "_area": np.repeat(np.arange(len(codes)), len(labels)),
                }
            )  # fmt: skip
        )
    frame = pd.concat(pieces, ignore_index=True)
    area = frame.pop("_area")
    return frame.assign(
        area_code=np.array(codes)[area], area_name=np.array(names)[area],
        area_type=np.array(types)[area], parent_code=np.array(parents)[area],
        indicator_id=CENSUS_ID, indicator_name=CENSUS_NAME, period="2021",
        period_sort=20210000, age="All ages", value=frame["count"],
    )  # fmt: skip


def districts(world: World, areas: AreaHierarchy) -> dict[str, list]:
    """Current two-tier counties -> their current district codes (area table order)."""
    return {
        county: [d.code for d in areas.children(county)]
        for county in world.utlas
        if county.startswith("E10") and areas.children(county)
    }


def district_shares(world: World, counties: dict[str, list]) -> dict[str, np.ndarray]:
    """Each county's fixed share of residents by district (Dirichlet, alpha 8 per district)."""
    return {c: world.rng.dirichlet(np.full(len(ds), 8.0)) for c, ds in counties.items()}


def split_to_districts(values: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Whole numbers per district (rows) for each county value (columns), summing exactly."""
    return largest_remainder(values, np.tile(share, (len(values), 1))).T


def draw_district_census(rng, county_counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Districts' 19 counts: drawn without replacement from the county's (margins fixed)."""
    remaining = county_counts.astype(np.int64).copy()
    out = []
    for size in sizes[:-1]:
        part = rng.multivariate_hypergeometric(remaining, int(size))
        out.append(part)
        remaining = remaining - part
    out.append(remaining)
    return np.array(out, dtype=float)


def district_imd(rng, county_score: float, weights: np.ndarray) -> np.ndarray:
    """District scores around the county's whose weighted mean is the county score
    (a multiplicative spread, so every score stays positive)."""
    factor = np.exp(rng.normal(0, 0.25, len(weights)))
    return county_score * factor / ((factor * weights).sum() / weights.sum())


def project(world: World) -> np.ndarray:
    """Projected residents (UTLA, projection year, band, sex) from the base year on."""
    base = world.population[:, YEARS.index(BASE_YEAR)]
    before = world.population[:, YEARS.index(BASE_YEAR) - 1].sum(axis=(1, 2))
    growth = base.sum(axis=(1, 2)) / before - 1
    extra = np.array(
        [
            _OLDER_EXTRA if b.lower >= 65 else _YOUNGER_EXTRA if b.lower < 15 else 0.0
            for b in ESP2013
        ]
    )
    steps = np.array(PROJECTION_YEARS) - BASE_YEAR
    factor = (1 + growth[:, None, None] + extra[None, None, :]) ** steps[None, :, None]
    return np.round(base[:, None, :, :] * factor[..., None])


def projection_frame(world: World, projected: np.ndarray, unit_info: pd.DataFrame,
                     source: str) -> pd.DataFrame:  # fmt: skip
    """The packaged projection table: every unit x year x band x sex."""
    up = world.up(projected)
    units, years, bands, sexes = up.shape
    frame = pd.DataFrame({
        "unit": np.repeat(np.arange(units), years * bands * sexes),
        "year": np.tile(np.repeat(np.array(PROJECTION_YEARS), bands * sexes), units),
        "age_band": np.tile(np.repeat(np.array(BAND_LABELS), sexes), units * years),
        "sex": np.tile(np.array(["Male", "Female"]), units * years * bands),
        "population": up.ravel().astype("int64"),
    })  # fmt: skip
    frame = frame.merge(unit_info[["unit", "area_code", "area_name"]], on="unit")
    frame = frame.drop(columns="unit").assign(base_year=BASE_YEAR, source=source)
    return frame[["area_code", "area_name", "base_year", "year", "age_band", "sex",
                  "population", "source"]]  # fmt: skip


PROJECTED = {
    ident: (name, age, low, high)
    for ident, (name, low, high), age in zip(
        PROJECTED_IDS, PROJECTED_IDS.values(), ("All ages", "18+ yrs", "<18 yrs"), strict=True
    )
}


def projection_rows(world: World, projected: np.ndarray, unit_info: pd.DataFrame) -> pd.DataFrame:
    persons = projected.sum(axis=3)
    pieces = []
    for ident, (name, age, low, high) in PROJECTED.items():
        values = world.up(ages_in_bands(persons, low, high))
        units, years = values.shape
        pieces.append(pd.DataFrame({
            "unit": np.repeat(np.arange(units), years),
            "period": np.tile([str(y) for y in PROJECTION_YEARS], units),
            "period_sort": np.tile(np.array(PROJECTION_YEARS) * 10000, units),
            "count": values.ravel(), "indicator_id": ident,
            "indicator_name": f"{name} (synthetic projection, base {BASE_YEAR})", "age": age,
        }))  # fmt: skip
    frame = pd.concat(pieces, ignore_index=True).merge(unit_info, on="unit").drop(columns="unit")
    return frame.assign(value=frame["count"], denominator=np.nan, category_type="", category="")
