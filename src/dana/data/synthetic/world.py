"""The synthetic world: areas, populations and latent area effects.

Each upper-tier local authority (UTLA) gets a 2021 population (counties larger than
unitaries; rescaled so England totals 56.49 million, the Census 2021 count), an annual
growth rate, an age tilt (older/younger than England) and a sex split, giving residents
by the 19 ESP2013 age bands x sex for 2010-2023. Latent deprivation (regional offsets;
it becomes the IMD score), urbanity and ethnic mix; harm and treatment relative risks
depend on deprivation, region and noise and are normalised so their population-weighted
mean is 1. Regions and England are the **sums** of their UTLAs (:meth:`World.up`).
Nothing here is real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dana.areas import AreaHierarchy
from dana.stats.standards import ESP2013

YEARS = tuple(range(2010, 2024))  # simulated years; 3-year pools need two years of lead-in
PERIOD_END_YEARS = tuple(range(2012, 2024))  # 12 published periods per indicator
ENGLAND_POPULATION_2021 = 56_490_048  # Census 2021, England usual residents (ONS)
ENGLAND = "E92000001"

BAND_LABELS = tuple(b.label for b in ESP2013)
BAND_MID = np.array([(b.lower + (b.upper if b.upper is not None else 94)) / 2 for b in ESP2013])
# England age structure (% of residents per ESP band), rounded from ONS mid-2021 estimates.
_ENGLAND_AGE_SHARES = np.array(
    [5.4, 6.0, 6.0, 5.6, 6.1, 6.7, 6.9, 6.7, 6.3, 6.4, 6.9, 6.6, 5.8, 5.0, 5.1, 3.7, 2.5, 1.5, 0.8]
)
_MALE_SHARE = np.array([0.512] * 4 + [0.50] * 8 + [0.49, 0.48, 0.47, 0.45, 0.43, 0.38, 0.30])
_REGION_DEPRIVATION = {  # latent deprivation offsets (north and London more deprived)
    "E12000001": 0.7, "E12000002": 0.55, "E12000003": 0.45, "E12000004": 0.05,
    "E12000005": 0.35, "E12000006": -0.45, "E12000007": 0.3, "E12000008": -0.6,
    "E12000009": -0.3,
}  # fmt: skip
_REGION_DRUG = {"E12000001": 0.55, "E12000002": 0.3, "E12000003": 0.2, "E12000007": -0.25,
                "E12000006": -0.15, "E12000008": -0.1}  # fmt: skip
_REGION_ALCOHOL = {"E12000001": 0.3, "E12000002": 0.3, "E12000003": 0.15, "E12000007": -0.3,
                   "E12000006": -0.1, "E12000008": -0.1}  # fmt: skip


@dataclass
class World:
    """Everything simulated, on UTLA rows; ``units`` adds regions and England as sums."""

    utlas: list[str]
    units: list[str]  # utlas + regions + England
    aggregate: np.ndarray  # (units x utlas) 0/1 matrix: unit = sum of these UTLAs
    population: np.ndarray  # (utla, year, band, sex)
    deprivation: np.ndarray
    urban: np.ndarray
    non_white_british: np.ndarray  # fraction
    rr_drug: np.ndarray
    rr_alcohol: np.ndarray
    rr_treatment: np.ndarray
    rng: np.random.Generator

    def persons(self) -> np.ndarray:
        return self.population.sum(axis=3)  # (utla, year, band)

    def ages(self, low: int, high: int | None = None) -> np.ndarray:
        """Residents aged low..high (inclusive) per (utla, year), splitting bands evenly."""
        return ages_in_bands(self.persons(), low, high)

    def up(self, values: np.ndarray) -> np.ndarray:
        """Sum UTLA values (first axis) to every unit: UTLAs, regions, England."""
        return np.tensordot(self.aggregate, values, axes=(1, 0))


def ages_in_bands(persons: np.ndarray, low: int, high: int | None = None) -> np.ndarray:
    """Residents aged low..high from (area, year, ESP band) counts, splitting each band
    evenly over its single years (90+ taken as 90-94), rounded to whole people."""
    total = np.zeros(persons.shape[:2])
    for index, band in enumerate(ESP2013):
        top = 94 if band.upper is None else band.upper
        overlap = min(top, 200 if high is None else high) - max(band.lower, low) + 1
        if overlap > 0:
            total += persons[:, :, index] * overlap / (top - band.lower + 1)
    return np.round(total)


def normalised(rr: np.ndarray, weight: np.ndarray) -> np.ndarray:
    return rr / (rr * weight).sum() * weight.sum()


def build_world(areas: AreaHierarchy, seed: int) -> World:
    rng = np.random.default_rng(seed)
    utla_info = sorted(areas.utlas(), key=lambda a: a.code)
    utlas = [a.code for a in utla_info]
    kinds = np.array([a.code[:3] for a in utla_info])
    region = np.array([a.parent_code for a in utla_info])
    n = len(utlas)

    median = np.select(
        [kinds == "E10", kinds == "E08", kinds == "E09"], [800_000, 330_000, 280_000], 230_000
    )
    size = median * np.exp(rng.normal(0, 0.35, n))
    special = {"E09000001": 8_600, "E06000053": 2_100}  # City of London, Isles of Scilly
    for code, people in special.items():
        size[utlas.index(code)] = people
    fixed = np.isin(utlas, list(special))
    size[~fixed] *= (ENGLAND_POPULATION_2021 - size[fixed].sum()) / size[~fixed].sum()
    growth = rng.normal(0.006, 0.003, n)
    year_offset = np.array(YEARS) - 2021
    totals = size[:, None] * (1 + growth[:, None]) ** year_offset[None, :]

    tilt = rng.normal(0, 0.8, n) + np.select([kinds == "E09", kinds == "E10"], [-1.2, 0.5], 0.0)
    z_age = (BAND_MID - 40) / 25
    shares = _ENGLAND_AGE_SHARES[None, :] * np.exp(0.25 * tilt[:, None] * z_age[None, :])
    shares /= shares.sum(axis=1, keepdims=True)
    persons = totals[:, :, None] * shares[:, None, :]
    population = np.round(
        np.stack([persons * _MALE_SHARE, persons * (1 - _MALE_SHARE)], axis=3)
    ).astype(float)

    deprivation = (
        rng.normal(0, 0.8, n)
        + np.array([_REGION_DEPRIVATION[r] for r in region])
        - 0.5 * (kinds == "E10")
        + 0.3 * (kinds == "E08")
    )
    urban = np.clip(
        np.select([kinds == "E09", kinds == "E08", kinds == "E10"], [0.99, 0.9, 0.55], 0.75)
        + rng.normal(0, 0.07, n),
        0.05,
        1.0,
    )
    non_white_british = np.clip(
        np.select([kinds == "E09", kinds == "E08", kinds == "E10"], [0.55, 0.2, 0.08], 0.14)
        + rng.normal(0, 1, n) * np.select([kinds == "E09"], [0.13], 0.05),
        0.02,
        0.85,
    )
    weight = totals[:, YEARS.index(2021)]
    region_drug = np.array([_REGION_DRUG.get(r, 0.0) for r in region])
    region_alcohol = np.array([_REGION_ALCOHOL.get(r, 0.0) for r in region])
    rr_drug = normalised(np.exp(0.35 * deprivation + region_drug + rng.normal(0, 0.15, n)), weight)
    rr_alcohol = normalised(
        np.exp(0.25 * deprivation + region_alcohol + rng.normal(0, 0.12, n)), weight
    )
    rr_treatment = normalised(np.exp(0.2 * deprivation + rng.normal(0, 0.2, n)), weight)

    regions = sorted(a.code for a in areas.regions())
    units = [*utlas, *regions, ENGLAND]
    aggregate = np.zeros((len(units), n))
    aggregate[np.arange(n), np.arange(n)] = 1
    for row, code in enumerate(regions, start=n):
        aggregate[row] = region == code
    aggregate[-1] = 1
    return World(
        utlas, units, aggregate, population, deprivation, urban, non_white_british,
        rr_drug, rr_alcohol, rr_treatment, rng,
    )  # fmt: skip


def level(start: float, end: float) -> np.ndarray:
    """England level by simulated year: geometric path from ``start`` (2012) to ``end`` (2023)."""
    steps = (np.array(YEARS) - 2012) / (2023 - 2012)
    return start * (end / start) ** steps


def bump(peak: float, width: float, floor: float = 0.0) -> np.ndarray:
    """Relative age profile over the ESP bands: a Gaussian bump plus a floor."""
    return floor + np.exp(-0.5 * ((BAND_MID - peak) / width) ** 2)


def period_label(period_type: str, end_year: int) -> tuple[str, int]:
    """Fingertips-style label and sort key for a period ending in (or starting in) a year.

    Single years are labelled by their start ("2021/22" starts 2021); pooled periods by
    their three years ("2019 - 21", "2019/20 - 21/22"), sorted by the first year.
    """
    y = end_year
    if period_type in ("financial_year", "academic_year"):
        return f"{y}/{(y + 1) % 100:02d}", y * 10000
    if period_type in ("calendar_year", "fixed"):
        return str(y), y * 10000
    if period_type == "calendar_3yr":
        return f"{y - 2} - {y % 100:02d}", (y - 2) * 10000
    if period_type == "financial_3yr":
        return f"{y - 2}/{(y - 1) % 100:02d} - {y % 100:02d}/{(y + 1) % 100:02d}", (y - 2) * 10000
    raise ValueError(f"unknown period type {period_type!r}")


def published_periods(values: np.ndarray, pool: bool) -> np.ndarray:
    """Per-period values (axis 1 = years) for the published periods, pooling 3 years if asked."""
    index = [YEARS.index(y) for y in PERIOD_END_YEARS]
    if not pool:
        return values[:, index]
    return values[:, [i - 2 for i in index]] + values[:, [i - 1 for i in index]] + values[:, index]
