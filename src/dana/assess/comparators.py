"""What the assessed area is compared with: England, its region and its neighbours.

:func:`resolve_comparators` turns the config's ``comparators:`` into :class:`Comparators`:
England and the region when asked for, and the neighbours either as listed (codes or
names) or computed as the nearest statistical neighbours
(:func:`dana.neighbours.nearest_neighbours`) from features of the indicator table
(:func:`neighbour_features`). When nearest neighbours were asked for but cannot be
computed, :func:`neighbour_gap` says so as a data gap rather than comparing with fewer
benchmarks in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana.areas import ENGLAND, AreaHierarchy, load_areas
from dana.assess.config import AssessmentConfig
from dana.assess.model import Area, DataGap
from dana.neighbours import nearest_neighbours, neighbours_from_list

#: IMD average score indicators, newest release first: a neighbour feature uses the first
#: one the data has (releases are not mixed, their scores are not comparable).
NEIGHBOUR_IMD = ("94240", "93553")
#: Age-structure features: name -> "Age group" categories of ons:population_all_ages.
NEIGHBOUR_AGE_GROUPS = {
    "pct_0_17": ("0-17 yrs",),
    "pct_18_24": ("18-24 yrs",),
    "pct_65_plus": ("65+ yrs",),
}


@dataclass(frozen=True)
class Comparators:
    """The assessed area and what it is compared with."""

    subject: Area
    england: Area | None
    region: Area | None
    neighbours: tuple[Area, ...] = ()

    def all(self) -> tuple[Area, ...]:
        """England, the region and the neighbours, in that order (those present)."""
        return tuple(a for a in (self.england, self.region, *self.neighbours) if a)


def resolve_comparators(config: AssessmentConfig, table: pd.DataFrame) -> Comparators:
    """The assessed area, England, its region and its neighbours (computed or listed)."""
    areas = load_areas()
    info = areas.resolve(config.area)
    region = areas.region_of(info.code)
    subject = Area(info.code, info.name, info.area_type, region.code, region.name)
    neighbours: tuple[Area, ...] = ()
    spec = config.comparators.neighbours
    if isinstance(spec, list):
        codes = neighbours_from_list(spec, area_code=info.code, areas=areas)
        neighbours = tuple(_area(areas, code) for code in codes)
    elif spec is not None:
        features = neighbour_features(table)
        # areas whose codes the hierarchy does not know (e.g. 2019 codes) cannot be named
        # (a boolean array, not a list: an empty list would select no columns, not no rows)
        known = np.array([code in areas for code in features["area_code"]], dtype=bool)
        features = features.loc[known].reset_index(drop=True)
        if info.code in set(features["area_code"]) and len(features) > 1:
            ranked = nearest_neighbours(info.code, features, k=min(spec.k, len(features) - 1))
            neighbours = tuple(_area(areas, code) for code in ranked["area_code"])
    return Comparators(
        subject=subject,
        england=Area(ENGLAND, "England", "england") if config.comparators.england else None,
        region=Area(region.code, region.name, "region") if config.comparators.region else None,
        neighbours=neighbours,
    )


def neighbour_gap(config: AssessmentConfig, comparators: Comparators) -> tuple[DataGap, ...]:
    """A data gap when nearest neighbours were asked for but none could be computed.

    :func:`resolve_comparators` leaves them out when the assessed area lacks a feature
    (:func:`neighbour_features`) or no other area has them all; say so rather than
    silently compare with fewer benchmarks.
    """
    spec = config.comparators.neighbours
    if spec is None or isinstance(spec, list) or comparators.neighbours:
        return ()
    return (
        DataGap(
            "neighbours",
            "Comparator areas (nearest statistical neighbours)",
            "context",
            "missing_for_comparators",
            f"no comparator areas could be computed for {comparators.subject.name}: the data "
            "lacks the IMD score or population features for it or for other upper-tier "
            "authorities; list comparator areas in comparators.neighbours instead",
        ),
    )


def _area(areas: AreaHierarchy, code: str) -> Area:
    info = areas.get(code)
    try:
        region = areas.region_of(code)
        return Area(info.code, info.name, info.area_type, region.code, region.name)
    except KeyError:
        return Area(info.code, info.name, info.area_type)


def neighbour_features(table: pd.DataFrame) -> pd.DataFrame:
    """Features for :func:`dana.neighbours.nearest_neighbours` from the indicator table.

    One row per upper-tier local authority (``area_type`` "utla"), persons, each
    indicator at its latest period:

    * ``imd_score`` - IMD average score (population-weighted mean of LSOA scores):
      Fingertips 94240 (IMD 2025) if the data has it, else 93553 (IMD 2019; e.g. IoD
      File 11 via the ``imd_utla`` source);
    * ``pct_0_17``, ``pct_18_24``, ``pct_65_plus`` - share of residents in each age group,
      ``100 x group / all ages``, from the "Age group" breakdown of
      ``ons:population_all_ages`` (ONS mid-year estimates via the ``ons_population``
      source);
    * ``log_population`` - natural log of the all-ages population (size matters for
      service models; the log stops the largest counties dominating the distance).

    When the data has no age-group breakdown (e.g. the embedded default), the adult share
    ``pct_18_plus = 100 x ons:population_18_plus / ons:population_all_ages`` is used
    instead. A feature no area has is left out; areas lacking any remaining feature are
    left out (they cannot be placed), and an empty frame means no neighbours.
    """
    utla = table[(table["area_type"] == "utla") & (table["sex"] == "Persons")]

    def latest(indicator_id: str, category_type: str = "", category: str = "") -> pd.Series:
        rows = utla[
            (utla["indicator_id"] == indicator_id)
            & (utla["category_type"] == category_type)
            & (utla["category"] == category)
            & utla["value"].notna()
        ]
        if rows.empty:
            return pd.Series(dtype=float)
        rows = rows[rows["period_sort"] == rows["period_sort"].max()]
        return rows.groupby("area_code")["value"].first()

    columns: dict[str, pd.Series] = {}
    imd = next((s for s in map(latest, NEIGHBOUR_IMD) if not s.empty), pd.Series(dtype=float))
    columns["imd_score"] = imd
    everyone = latest("ons:population_all_ages")
    everyone = everyone[everyone > 0]
    groups = {
        name: sum(latest("ons:population_all_ages", "Age group", c) for c in categories)
        for name, categories in NEIGHBOUR_AGE_GROUPS.items()
    }
    if not everyone.empty and all(not g.empty for g in groups.values()):
        for name, group in groups.items():
            columns[name] = group / everyone * 100
        columns["log_population"] = np.log(everyone)
    else:
        adults = latest("ons:population_18_plus")
        if not adults.empty and not everyone.empty:
            columns["pct_18_plus"] = adults / everyone * 100
    columns = {k: v for k, v in columns.items() if not v.empty}
    if not columns:
        return pd.DataFrame({"area_code": []})
    frame = pd.DataFrame(columns).dropna()  # areas lacking a feature cannot be placed
    return frame.rename_axis("area_code").reset_index()
