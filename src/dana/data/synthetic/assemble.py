"""Orchestration: build the world, run every model, publish each series as indicator rows.

:func:`generate` is the generator's one entry point (same seed and anchors, same
output). Per indicator it labels periods, restricts old / new method series to the years
they were published (:attr:`Model.window`), rounds as published tables do, and labels
every row synthetic. It also splits the latest year's adults in treatment by ethnic
group (category rows that sum to the area's total) and publishes the population by
5-year band and sex for every area and year (for pyramids).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana import stats, table
from dana.areas import AreaHierarchy, load_areas
from dana.catalogue import Catalogue, Indicator, load_catalogue
from dana.data.synthetic import pathways  # noqa: F401  (registers the pathway models)
from dana.data.synthetic.anchors import Anchor, default_anchors, resolve_anchors
from dana.data.synthetic.depth import depth_tables
from dana.data.synthetic.models import MODELS, Model, Simulation
from dana.data.synthetic.rows import LIMITS
from dana.data.synthetic.world import (
    BAND_LABELS,
    PERIOD_END_YEARS,
    YEARS,
    World,
    build_world,
    period_label,
)

SEED = 20230401
SOURCE = f"DANA synthetic generator (seed {SEED}) - not real data"
SYNTHETIC_NOTE = "Synthetic data, not real"
ETHNIC_GROUPS = ("White British", "White other", "Mixed", "Asian", "Black", "Other")
_ETHNIC_SPLIT_OF_MINORITY = np.array([0.0, 0.33, 0.1, 0.37, 0.15, 0.05])
_ETHNIC_TREATMENT_RR = np.array([1.0, 0.6, 1.2, 0.35, 0.7, 0.6])  # GUESS, relative to WB


@dataclass(frozen=True)
class DefaultData:
    """Everything the generator makes, from one run (one random stream, so coherent)."""

    indicators: pd.DataFrame  # the headline indicator table (default_indicators.csv.gz)
    population: pd.DataFrame  # residents by ESP band and sex, every year
    depth: pd.DataFrame  # breakdowns, Census 2021, districts, projections by year
    projections: pd.DataFrame  # projected residents by ESP band, sex and year


def generate(
    seed: int = SEED,
    *,
    catalogue: Catalogue | None = None,
    areas: AreaHierarchy | None = None,
    anchors: tuple[Anchor, ...] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``(indicator_table, population)``; same seed and anchors, same output.

    ``indicator_table`` follows :mod:`dana.table` (validated). ``population`` has columns
    ``area_code, area_name, year, age_band, sex, population`` (19 ESP bands x Male/Female).
    ``anchors`` (default :func:`default_anchors`, the transcribed C&P figures; ``()`` for
    none) are real figures the synthetic series pass through at their period. The depth
    tables come from :func:`generate_all`.
    """
    data = generate_all(seed, catalogue=catalogue, areas=areas, anchors=anchors)
    return data.indicators, data.population


def generate_all(
    seed: int = SEED,
    *,
    catalogue: Catalogue | None = None,
    areas: AreaHierarchy | None = None,
    anchors: tuple[Anchor, ...] | None = None,
) -> DefaultData:
    """Every packaged default table from one run (see :class:`DefaultData`)."""
    catalogue = catalogue or load_catalogue()
    areas = areas or load_areas()
    anchors = default_anchors(catalogue) if anchors is None else tuple(anchors)
    missing = sorted(set(catalogue.ids) - set(MODELS) - set(catalogue.real_data_only_ids()))
    if missing:
        raise RuntimeError(
            f"synthetic generator has no model for catalogue indicator(s) {missing}: add one"
            " in dana/data/synthetic/models.py, or mark it real_data_only in the catalogue"
        )
    world = build_world(areas, seed)
    sim = Simulation(world, resolve_anchors(world, catalogue, anchors))
    frames = {indicator_id: m.simulate(sim) for indicator_id, m in MODELS.items()}

    unit_info = pd.DataFrame(
        {
            "unit": np.arange(len(world.units)),
            "area_code": world.units,
            "area_name": [areas.get(c).name for c in world.units],
            "area_type": [areas.get(c).area_type for c in world.units],
            "parent_code": [areas.get(c).parent_code for c in world.units],
        }
    )
    pieces = [
        _finish(frames[indicator.id], indicator, unit_info, MODELS[indicator.id])
        for indicator in catalogue
        if indicator.id in MODELS
    ]
    treated = {
        "ndtms:adults_in_treatment_drug": sim.treatment["drug"],
        "ndtms:adults_in_treatment_alcohol": sim.treatment["alcohol"],
    }
    ethnicity, ethnic_counts = _ethnicity_rows(world, catalogue, unit_info, treated)
    pieces.append(ethnicity)
    indicators = table.validate(
        table.coerce(pd.concat(pieces, ignore_index=True)), where="synthetic generator"
    )
    depth, projections = depth_tables(sim, frames, ethnic_counts, unit_info, areas, SOURCE)
    return DefaultData(
        indicators,
        _population_frame(world, unit_info),
        table.validate(table.coerce(_label_depth(depth, catalogue)), where="synthetic depth"),
        projections,
    )


def _label_depth(depth: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Metadata for depth rows: the catalogue's where it knows the id, else a count."""
    known = {i.id: i for i in catalogue}
    meta = pd.DataFrame(
        [
            (ident, known[ident].name, known[ident].polarity, known[ident].value_type,
             float(known[ident].multiplier), known[ident].unit)
            if ident in known
            else (ident, "", "no_judgement", "count", 1.0, "count")
            for ident in depth["indicator_id"].unique()
        ],
        columns=["indicator_id", "_name", "polarity", "value_type", "multiplier", "unit"],
    )  # fmt: skip
    frame = depth.merge(meta, on="indicator_id", how="left")
    if "indicator_name" not in frame:
        frame["indicator_name"] = ""
    name = frame["indicator_name"].fillna("")
    frame["indicator_name"] = np.where(name.eq(""), frame["_name"], name)
    for column in LIMITS:
        frame[column] = np.nan
    return frame.drop(columns="_name").assign(
        sex="Persons", value_note=SYNTHETIC_NOTE, source=SOURCE, retrieved=""
    )


def _finish(
    result: pd.DataFrame, indicator: Indicator, unit_info: pd.DataFrame, spec: Model | None
) -> pd.DataFrame:
    frame = result.merge(unit_info, on="unit", how="left")
    fixed_year = spec.fixed_year if spec is not None else None
    if fixed_year is not None:
        labels = {0: period_label("fixed", fixed_year)}
    else:
        labels = {i: period_label(indicator.period_type, y) for i, y in enumerate(PERIOD_END_YEARS)}
    frame["period"] = frame["period_index"].map(lambda i: labels[i][0])
    frame["period_sort"] = frame["period_index"].map(lambda i: labels[i][1])
    frame = _restrict_series(frame, spec.window if spec is not None else (None, None))
    for column in ("count", "denominator", "value", *LIMITS):
        if column not in frame.columns:
            frame[column] = np.nan
    note = (
        frame["value_note"].fillna("").astype(str)
        if "value_note" in frame.columns
        else pd.Series("", index=frame.index)
    )
    frame["value_note"] = np.where(note.eq(""), SYNTHETIC_NOTE, SYNTHETIC_NOTE + "; " + note)
    if indicator.value_type in ("dsr", "crude_rate", "proportion"):
        # Published tables round to 1 decimal place; keep a little more for re-use.
        frame["value"] = frame["value"].round(3)
        for column in LIMITS:
            frame[column] = frame[column].round(2)
        frame["denominator"] = frame["denominator"].round(1)
        frame["count"] = frame["count"].round(1)
    if indicator.value_type == "score":
        frame["value"] = frame["value"].round(3)
    return frame.assign(
        indicator_id=indicator.id,
        indicator_name=indicator.name,
        sex=indicator.sex,
        age=indicator.age,
        polarity=indicator.polarity,
        value_type=indicator.value_type,
        multiplier=float(indicator.multiplier),
        unit=indicator.unit,
        source=SOURCE,
        retrieved="",
    )[[c for c in table.COLUMNS if c not in ("category_type", "category")]]


def _restrict_series(frame: pd.DataFrame, window: tuple[int | None, int | None]) -> pd.DataFrame:
    """Keep the start years a series was published for (real-world availability of old /
    new method series)."""
    first, last = window
    start_year = frame["period_sort"] // 10000
    keep = pd.Series(True, index=frame.index)
    if first is not None:
        keep &= start_year >= first
    if last is not None:
        keep &= start_year <= last
    return frame[keep]


def _ethnicity_rows(
    world: World, catalogue: Catalogue, unit_info: pd.DataFrame, treated: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Latest-year adults in drug and alcohol treatment by ethnic group (rate per 100,000 18+).

    Each UTLA's total in treatment is split across groups (multinomial) in proportion to
    the group's adult population x its treatment relative risk, so the groups sum to the
    area's all-persons count.
    """
    rng = world.rng
    latest = YEARS.index(PERIOD_END_YEARS[-1])
    pop18 = world.ages(18)[:, latest]
    minority = world.non_white_british[:, None] * _ETHNIC_SPLIT_OF_MINORITY[None, :]
    shares = minority.copy()
    shares[:, 0] = 1 - world.non_white_british
    ethnic_pop = np.round(pop18[:, None] * shares)
    weights = ethnic_pop * _ETHNIC_TREATMENT_RR[None, :]
    pieces, by_group = [], {}
    for indicator_id in ("ndtms:adults_in_treatment_drug", "ndtms:adults_in_treatment_alcohol"):
        totals = treated[indicator_id][:, latest].astype(np.int64)
        counts = rng.multinomial(totals, weights / weights.sum(axis=1, keepdims=True))
        by_group["drug" if indicator_id.endswith("drug") else "alcohol"] = counts.astype(float)
        up_counts, up_pop = world.up(counts.astype(float)), world.up(ethnic_pop)
        result = stats.rate(
            up_counts.ravel(), up_pop.ravel(), confidence=(0.95, 0.998), multiplier=1e5
        )
        result = result.reset_index(drop=True)
        result["unit"] = np.repeat(np.arange(len(world.units)), len(ETHNIC_GROUPS))
        result["period_index"] = len(PERIOD_END_YEARS) - 1
        frame = _finish(result, catalogue.get(indicator_id), unit_info, None)
        frame["category_type"] = "Ethnic groups"
        frame["category"] = np.tile(ETHNIC_GROUPS, len(world.units))
        pieces.append(frame)
    return pd.concat(pieces, ignore_index=True), by_group


def _population_frame(world: World, unit_info: pd.DataFrame) -> pd.DataFrame:
    pop = world.up(world.population)  # (unit, year, band, sex)
    units, years, bands, sexes = pop.shape
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(units), years * bands * sexes),
            "year": np.tile(np.repeat(np.array(YEARS), bands * sexes), units),
            "age_band": np.tile(np.repeat(np.array(BAND_LABELS), sexes), units * years),
            "sex": np.tile(np.array(["Male", "Female"]), units * years * bands),
            "population": pop.ravel().astype("int64"),
        }
    )
    frame = frame.merge(unit_info[["unit", "area_code", "area_name"]], on="unit").drop(
        columns="unit"
    )
    frame["source"] = SOURCE
    return frame[["area_code", "area_name", "year", "age_band", "sex", "population", "source"]]
