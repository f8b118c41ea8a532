"""What the assessed area is compared with: England, its region and its neighbours.

:func:`resolve_comparators` turns the config's ``comparators:`` into :class:`Comparators`:
England and the region when asked for, and the neighbours either as listed (codes or
names) or computed as the nearest statistical neighbours
(:func:`dana.neighbours.nearest_neighbours`) from DANA's packaged table of real area
features (deprivation, age structure, ethnicity, rurality, size; see :mod:`dana.neighbours`).
When nearest neighbours were asked for but cannot be computed (an area that is not a
current upper-tier authority), :func:`neighbour_gap` says so as a data gap rather than
comparing with fewer benchmarks in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from dana.areas import ENGLAND, AreaHierarchy, load_areas
from dana.assess.config import AssessmentConfig
from dana.assess.model import Area, DataGap
from dana.neighbours import load_neighbour_features, nearest_neighbours, neighbours_from_list


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


def resolve_comparators(config: AssessmentConfig) -> Comparators:
    """The assessed area, England, its region and its neighbours (computed or listed)."""
    areas = load_areas()
    info = areas.resolve(config.area)
    region = areas.region_of(info.code)
    subject = Area(info.code, info.name, info.area_type, region.code, region.name)
    neighbours: tuple[Area, ...] = ()
    spec = config.comparators.neighbours
    if isinstance(spec, list):
        codes = neighbours_from_list(
            spec, area_code=info.code, areas=areas, where="comparators.neighbours"
        )
        neighbours = tuple(_area(areas, code) for code in codes)
    elif spec is not None:
        features = load_neighbour_features()
        if info.code in set(features["area_code"]):
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
            f"no statistical neighbours could be computed for {comparators.subject.name}: "
            "DANA's neighbour features cover the current upper-tier authorities only",
        ),
    )


def _area(areas: AreaHierarchy, code: str) -> Area:
    info = areas.get(code)
    try:
        region = areas.region_of(code)
        return Area(info.code, info.name, info.area_type, region.code, region.name)
    except KeyError:
        return Area(info.code, info.name, info.area_type)
