"""What the assessed area is compared with: England, its region and its neighbours.

:func:`resolve_comparators` turns the config's ``comparators:`` into :class:`Comparators`:
England and the region when asked for, and the neighbours either as listed (codes or
names) or computed as the nearest statistical neighbours
(:func:`dana.neighbours.nearest_neighbours`) from DANA's packaged table of real area
features (deprivation, age structure, ethnicity, rurality, size; see :mod:`dana.neighbours`).
When nearest neighbours were asked for but cannot be computed (an area that is not a
current upper-tier authority), :func:`neighbour_gap` says so as a data gap rather than
comparing with fewer benchmarks in silence.

The report states the set and its size (:func:`comparator_statement`,
:func:`comparator_parts`), names every comparator without a figure's value
(:func:`coverage_gaps`: one data gap per figure) and gives the area's quartile among its
comparators (:func:`quartile_position`, Bedford's "top quartile of the cluster").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dana import stats
from dana.areas import ENGLAND, AreaHierarchy, load_areas
from dana.assess.config import AssessmentConfig
from dana.assess.model import Area, DataGap, Finding, Table
from dana.neighbours import (
    describe_comparators,
    load_neighbour_features,
    nearest_neighbours,
    neighbours_from_list,
)


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


# --- the comparator set stated, its gaps named, and the area's quartile among it ----------

#: Quartile words by polarity, from the quartile of the lowest values (1) to the highest (4).
QUARTILE_WORDS = {
    "no_judgement": (
        "lowest quartile",
        "second lowest quartile",
        "second highest quartile",
        "highest quartile",
    ),  # fmt: skip
    "low_is_good": (
        "best quartile",
        "second best quartile",
        "second worst quartile",
        "worst quartile",
    ),  # fmt: skip
    "high_is_good": (
        "worst quartile",
        "second worst quartile",
        "second best quartile",
        "best quartile",
    ),  # fmt: skip
}
#: Fewest areas (the assessed area and its comparators with a value) for a quartile.
MIN_FOR_QUARTILES = 8


def comparator_statement(config: AssessmentConfig, comparators: Comparators) -> str:
    """The comparator set and its size in words (:func:`dana.neighbours.describe_comparators`)."""
    parts = []
    if comparators.england is not None:
        parts.append("England")
    if comparators.region is not None:
        parts.append(f"the {comparators.region.name} region")
    codes = [a.code for a in comparators.neighbours]
    if codes:
        supplied = isinstance(config.comparators.neighbours, list)
        described = describe_comparators(codes, supplied=supplied)
        names = ", ".join(a.name for a in comparators.neighbours)
        parts.append(f"{described}: {names}")
    if not parts:
        return f"{comparators.subject.name} is not compared with any other area."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{comparators.subject.name} is compared with {listed}."


def lacking(values: dict[str, float], comparators: Comparators) -> list[Area]:
    """The neighbours with no value in ``values`` (area code -> value)."""
    return [a for a in comparators.neighbours if values.get(a.code) is None]


def coverage_gaps(results, comparators: Comparators, *, supplied: bool) -> tuple[DataGap, ...]:
    """A data gap for every figure whose comparator average leaves neighbours out, naming
    them, so the comparator set never shrinks silently (``supplied``: the neighbours were
    listed in the config, not computed)."""
    gaps = []
    codes = [a.code for a in comparators.neighbours]
    if not codes:
        return ()
    for result in results:
        figure = result.figure
        if figure.value is None:
            continue
        missing = lacking(result.values, comparators)
        if not missing or len(missing) == len(codes):
            continue  # none missing, or none at all (the general gaps rule says so)
        present = [c for c in codes if c in result.values]
        gaps.append(
            DataGap(
                figure.indicator_id,
                figure.name,
                figure.section,
                "missing_for_comparators",
                f"the {figure.period} comparison uses "
                + describe_comparators(codes, supplied=supplied, have_data=present),
            )
        )
    return tuple(gaps)


def quartile_position(result, comparators: Comparators) -> tuple[int, int] | None:
    """``(quartile, areas)``: the assessed area's quartile (1 = lowest values, by
    :func:`dana.stats.quantiles` with ``assign=4``) among itself and its neighbours with a
    value, and how many areas that is; None with fewer than :data:`MIN_FOR_QUARTILES`."""
    if result.figure.value is None or not comparators.neighbours:
        return None
    codes = [comparators.subject.code] + [a.code for a in comparators.neighbours]
    present = [c for c in codes if result.values.get(c) is not None]
    if comparators.subject.code not in present or len(present) < MIN_FOR_QUARTILES:
        return None
    values = [float(result.values[c]) for c in present]
    assigned = stats.quantiles(values, assign=4)
    return int(assigned["quantile"].iloc[0]), len(present)


def quartile_words(quartile: int, polarity: str) -> str:
    """'best quartile', 'second lowest quartile', ..."""
    return QUARTILE_WORDS.get(polarity, QUARTILE_WORDS["no_judgement"])[quartile - 1]


def comparator_parts(config: AssessmentConfig, comparators: Comparators, results):
    """The comparator set (a table and a sentence) and each tested figure's quartile among
    the comparators, naming those without a value."""
    rows = []
    for role, area in (("England", comparators.england), ("Region", comparators.region)):
        if area is not None:
            rows.append({"Role": role, "Area": area.name, "Code": area.code, "Region": ""})
    for area in comparators.neighbours:
        rows.append({"Role": "Comparator area", "Area": area.name, "Code": area.code, "Region": area.region_name})  # fmt: skip
    tables, findings = [], []
    if rows:
        tables.append(
            Table(
                id="comparators.set",
                title=f"Areas {comparators.subject.name} is compared with",
                data=pd.DataFrame(rows),
                notes=comparator_statement(config, comparators),
            )
        )
    positions = []
    for result in results:
        if result.figure.polarity not in ("low_is_good", "high_is_good"):
            continue  # a quartile is a position to aim for only where lower or higher is better
        found = quartile_position(result, comparators)
        if found is None:
            continue
        quartile, areas = found
        missing = lacking(result.values, comparators)
        positions.append(
            {
                "Indicator": result.figure.name,
                "Period": result.figure.period,
                "Quartile (1 = lowest values)": float(quartile),
                "Position": quartile_words(quartile, result.figure.polarity),
                "Areas with a value": float(areas),
                "Comparators without a value": ", ".join(a.name for a in missing) or "none",
            }
        )
    if positions:
        tables.append(
            Table(
                id="comparators.quartiles",
                title=f"{comparators.subject.name}'s quartile among its comparator areas",
                data=pd.DataFrame(positions),
                not_counts=("Quartile (1 = lowest values)", "Areas with a value"),
                notes="Quartile of the assessed area among itself and its comparator areas with a "
                "value (dana.stats.quantiles, equal-count groups by rank, ties together), for "
                "the indicators where lower or higher is better; 'best' and 'worst' follow "
                "the indicator's polarity. Bedford's JSNA sets 'the top "
                "quartile of the cluster' as a target.",
            )
        )
        best = [p for p in positions if p["Position"] == "best quartile"]
        worst = [p for p in positions if p["Position"] == "worst quartile"]
        text = f"Among its {len(comparators.neighbours)} comparator areas, {comparators.subject.name} is"
        text += (
            f" in the best quartile for {len(best)} of the {len(positions)} indicators where lower or "
            f"higher is better, and in the worst quartile for {len(worst)}"
        )
        if worst:
            named = worst if len(worst) <= 4 else worst[:3]
            text += " (" + "; ".join(p["Indicator"] for p in named)
            if len(named) < len(worst):  # said in words, not cut off with "..."
                text += (
                    f"; and {len(worst) - len(named)} more: the detailed tables give every "
                    "indicator's quartile"
                )
            text += ")"
        findings.append(Finding("comparators.quartiles", text + ".", (), "comparison"))
    findings.insert(
        0, Finding("comparators.set", comparator_statement(config, comparators), (), "context")
    )
    return tables, findings
