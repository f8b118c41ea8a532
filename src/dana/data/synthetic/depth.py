"""The depth table: client profiles, pathways, Census ethnic groups, districts, projections.

:func:`depth_tables` runs after every model (it reads their draws: see
:mod:`.profiles`, :mod:`.pathways`, :mod:`.context`) and returns the rows of
``default_depth.csv.gz`` (breakdown-convention indicators: one per measure x substance
group, Census 2021 ethnic groups, districts of two-tier counties, population
projections by year) and the projection table ``default_projections.csv.gz`` (5-year
band x sex x year). Every row is labelled synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.areas import AreaHierarchy
from dana.data.synthetic import context, profiles
from dana.data.synthetic.models import Simulation
from dana.data.synthetic.pathways import GROUPS
from dana.data.synthetic.world import PERIOD_END_YEARS, YEARS, period_label

YP_ID = "ndtms:yp_in_treatment"
YP_NAME = "Young people (under 18) in specialist substance misuse treatment"


def _utla_counts(frame: pd.DataFrame, utlas: int, period_index: int | None = None) -> np.ndarray:
    """A model's UTLA counts, (UTLA, period) or (UTLA,) for one period."""
    rows = frame[frame["unit"] < utlas].sort_values(["unit", "period_index"])
    counts = rows["count"].to_numpy().reshape(utlas, -1)
    return counts if period_index is None else counts[:, period_index]


def depth_tables(
    sim: Simulation,
    frames: dict[str, pd.DataFrame],
    ethnic_counts: dict[str, np.ndarray],
    unit_info: pd.DataFrame,
    areas: AreaHierarchy,
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(depth rows before labelling, projection table)."""
    world = sim.world
    n = len(world.utlas)
    last = len(PERIOD_END_YEARS) - 1
    year_index = [YEARS.index(y) for y in PERIOD_END_YEARS]
    labels = profiles.financial_labels()
    latest = profiles.latest_profiles(
        sim, ethnic_counts, lambda ident: _utla_counts(frames[ident], n, last)
    )
    series = profiles.headline_series(sim)
    pieces = []
    for group in (*GROUPS, "all"):
        for measure in ("in_treatment", "new_presentations", "exits"):
            totals = series[(measure, group)][:, year_index]
            pieces.append(
                profiles.rows(
                    world,
                    unit_info,
                    profiles.indicator_id(measure, group),
                    profiles.indicator_name(measure, group),
                    "18+ yrs",
                    labels,
                    totals,
                    latest[(measure, group)],
                )  # fmt: skip
            )
        waits = latest[("first_interventions", group)]
        total = waits["Wait for first intervention"][1].sum(axis=1)
        pieces.append(
            profiles.rows(
                world,
                unit_info,
                profiles.indicator_id("first_interventions", group),
                profiles.indicator_name("first_interventions", group),
                "18+ yrs",
                labels[-1:],
                total[:, None],
                waits,
            )  # fmt: skip
        )
    young = _utla_counts(frames["ndtms:young_people_in_treatment"], n)
    pieces.append(
        profiles.rows(
            world,
            unit_info,
            YP_ID,
            YP_NAME,
            "<18 yrs",
            labels,
            young,
            profiles.young_people_profile(sim, young[:, -1]),
        )  # fmt: skip
    )
    census = context.census_counts(world)
    up = world.up(census)
    pieces.append(
        context.census_rows(
            up,
            list(unit_info["area_code"]),
            list(unit_info["area_name"]),
            list(unit_info["area_type"]),
            list(unit_info["parent_code"]),
        )  # fmt: skip
    )
    pieces.append(_district_rows(sim, frames, census, areas))
    projected = context.project(world)
    pieces.append(context.projection_rows(world, projected, unit_info))
    depth = pd.concat(pieces, ignore_index=True)
    return depth, context.projection_frame(world, projected, unit_info, source)


def _district_rows(sim, frames, census: np.ndarray, areas: AreaHierarchy) -> pd.DataFrame:
    """Population (all ages, 18+, every year), Census 2021 and IMD 2019 by district."""
    world = sim.world
    counties = context.districts(world, areas)
    shares = context.district_shares(world, counties)
    year_index = [YEARS.index(y) for y in PERIOD_END_YEARS]
    imd = frames["93553"].set_index("unit")["value"]
    pieces = []
    for county, codes in counties.items():
        row = world.utlas.index(county)
        names = [areas.get(c).name for c in codes]
        info = {"area_type": "ltla", "parent_code": county}
        for ident, age, values in (
            ("ons:population_all_ages", "All ages", sim.pop_all[row, year_index]),
            ("ons:population_18_plus", "18+ yrs", sim.pop18[row, year_index]),
        ):
            split = context.split_to_districts(values, shares[county])  # (district, period)
            for position, end in enumerate(PERIOD_END_YEARS):
                label, sort = period_label("calendar_year", end)
                pieces.append(pd.DataFrame({
                    "area_code": codes, "area_name": names, **info, "indicator_id": ident,
                    "period": label, "period_sort": sort, "age": age,
                    "count": split[:, position], "value": split[:, position],
                    "category_type": "", "category": "", "denominator": np.nan,
                }))  # fmt: skip
        population_2021 = context.split_to_districts(np.array([census[row].sum()]), shares[county])[
            :, 0
        ]
        detail = context.draw_district_census(sim.rng, census[row], population_2021)
        pieces.append(
            context.census_rows(detail, codes, names, ["ltla"] * len(codes), [county] * len(codes))
        )
        weights = context.split_to_districts(
            np.array([sim.pop_all[row, YEARS.index(2019)]]), shares[county]
        )[:, 0]
        scores = context.district_imd(sim.rng, float(imd[row]), weights)
        pieces.append(pd.DataFrame({
            "area_code": codes, "area_name": names, **info, "indicator_id": "93553",
            "period": "2019", "period_sort": 20190000, "age": "All ages", "count": np.nan,
            "value": scores.round(3), "category_type": "", "category": "",
            "denominator": np.nan,
        }))  # fmt: skip
    return pd.concat(pieces, ignore_index=True)
