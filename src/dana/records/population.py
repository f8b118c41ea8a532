"""Population denominators for record-level rates, by area, year, sex and single year of age.

The engine takes denominators as an argument - a tidy frame with ``area_code``, ``year``,
``sex`` ("Male"/"Female"; "Persons" rows are ignored when both sexes are given), either
``age`` (single year, 90 = 90 and over) or ``age_band`` (the 19 ESP2013 bands "0-4" ...
"90+"), and ``population`` - for example the ONS mid-year estimates read by
:mod:`dana.sources.ons_population`. Without one it falls back to the embedded default
population (:func:`dana.data.default.load_population`: **synthetic**, upper-tier LAs,
regions and England), and says so in every row's ``source``.

Internally a :class:`Denominators` holds single years of age. Banded input is spread evenly
over the five years of each band (90+ stays at 90); rows whose definition cuts a band (0-17
cuts 15-19) carry a value note saying the population was estimated from 5-year bands.
Districts missing from the frame (the default has none) are given a share of their county
from a seeded synthetic split, labelled synthetic; small areas and deprivation deciles take
their LSOAs' share of the district population with the district's age-sex structure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana.areas import ENGLAND, load_areas
from dana.records.common import ESP_BANDS
from dana.records.errors import RecordsError

DEFAULT_SOURCE = "DANA synthetic population (embedded default) - not real data"
SYNTHETIC_DISTRICTS = "districts split from their county by DANA (synthetic)"
BAND_NOTE = "population for this age range estimated from 5-year bands"
SEXES = {"Male": 1, "Female": 2, "male": 1, "female": 2, "M": 1, "F": 2, 1: 1, 2: 2}


class PopulationError(RecordsError, ValueError):
    """The denominator frame lacks a column, an area or a year the run needs."""


@dataclass(frozen=True)
class Denominators:
    """Population by ``area_code, year, sex (1/2), age (0-90)``."""

    frame: pd.DataFrame
    source: str
    from_bands: bool

    def ages(self, low: int | None, high: int | None) -> pd.DataFrame:
        """Rows within an age range (inclusive; None = open)."""
        keep = np.ones(len(self.frame), dtype=bool)
        if low is not None:
            keep &= self.frame["age"].to_numpy() >= low
        if high is not None:
            keep &= self.frame["age"].to_numpy() <= high
        return self.frame[keep]

    def cuts_bands(self, low: int | None, high: int | None) -> bool:
        """Whether an age range splits a 5-year band of banded input."""
        if not self.from_bands:
            return False
        return (low is not None and low % 5 != 0) or (
            high is not None and high < 90 and (high + 1) % 5 != 0
        )


def _band_bounds(label: str) -> tuple[int, int]:
    if label not in ESP_BANDS:
        raise PopulationError(f"age_band {label!r} is not one of the ESP2013 bands {ESP_BANDS}")
    if label == "90+":
        return 90, 90
    low, high = label.split("-")
    return int(low), int(high)


def from_frame(frame: pd.DataFrame, *, source: str) -> Denominators:
    """Denominators from a tidy frame (see the module docstring); errors name columns."""
    needed = {"area_code", "year", "sex", "population"}
    missing = sorted(needed - set(frame.columns))
    if missing or not ({"age", "age_band"} & set(frame.columns)):
        missing += [] if {"age", "age_band"} & set(frame.columns) else ["age or age_band"]
        raise PopulationError(f"population frame is missing column(s) {missing}")
    data = frame[frame["sex"].isin(list(SEXES))].copy()
    if data.empty:
        raise PopulationError("population frame has no Male/Female rows (sex-specific needed)")
    data["sex"] = data["sex"].map(SEXES).astype("int64")
    from_bands = "age" not in data.columns
    if from_bands:
        bounds = data["age_band"].map(_band_bounds)
        width = bounds.map(lambda b: b[1] - b[0] + 1)
        data = data.loc[data.index.repeat(width)].copy()
        data["age"] = [lo + i for (lo, _), n in zip(bounds, width, strict=True) for i in range(n)]
        data["population"] = data["population"] / data.index.map(width)
    data["age"] = np.minimum(pd.to_numeric(data["age"]).astype("int64"), 90)
    out = data.groupby(["area_code", "year", "sex", "age"], as_index=False)["population"].sum()
    out["year"] = out["year"].astype("int64")
    return Denominators(out, source, from_bands)


def default_denominators(years: tuple[int, ...], *, seed: int = 20230401) -> Denominators:
    """The embedded synthetic population, plus a synthetic split of counties into districts."""
    from dana.data.default import load_population  # deferred: loads the packaged CSV

    areas = load_areas()
    frames = []
    codes = [ENGLAND] + [r.code for r in areas.regions()] + [u.code for u in areas.utlas()]
    for code in codes:
        for year in years:
            try:
                frames.append(load_population(code, year))
            except KeyError as exc:
                raise PopulationError(f"embedded default population: {exc}") from None
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.rename(columns={"area_name": "name"})[
        ["area_code", "year", "sex", "age_band", "population"]
    ]
    base = from_frame(frame, source=DEFAULT_SOURCE)
    return with_district_split(base, seed=seed)


def with_district_split(base: Denominators, *, seed: int) -> Denominators:
    """Add districts of two-tier counties that ``base`` lacks, as synthetic shares."""
    areas = load_areas()
    rng = np.random.default_rng(seed)
    have = set(base.frame["area_code"])
    extra = []
    for county in areas.utlas():
        districts = [d.code for d in areas.children(county.code) if d.area_type == "ltla"]
        if not districts or all(d in have for d in districts) or county.code not in have:
            continue
        shares = rng.dirichlet(np.full(len(districts), 6.0))
        rows = base.frame[base.frame["area_code"] == county.code]
        for district, share in zip(districts, shares, strict=True):
            extra.append(rows.assign(area_code=district, population=rows["population"] * share))
    if not extra:
        return base
    frame = pd.concat([base.frame, *extra], ignore_index=True)
    return Denominators(frame, f"{base.source}; {SYNTHETIC_DISTRICTS}", base.from_bands)


def scaled(den: Denominators, factor: float) -> Denominators:
    """Denominators for a sample: every population multiplied by ``factor`` (a synthetic
    extract at scale 0.01 simulates 1% of England, so its rates need 1% of the people)."""
    frame = den.frame.assign(population=den.frame["population"] * factor)
    note = f"{den.source}; scaled by {factor:g} to the synthetic sample"
    return Denominators(frame, note, den.from_bands)
