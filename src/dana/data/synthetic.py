"""DANA's seeded synthetic data generator: a complete, clearly labelled *fake* indicator table.

Why: DANA must run end to end (a full assessment for any area) without a network and
without licensed data. This module invents plausible data for England, the 9 regions and
all 153 current upper-tier local authorities, for every indicator in the catalogue.
**Nothing here is real data**: every row's ``source`` reads
``"DANA synthetic generator (seed 20230401) - not real data"``.

How (so that numbers are internally consistent):

1. *Population.* Each UTLA gets a 2021 population (counties larger than unitaries;
   rescaled so England totals 56.49 million, the Census 2021 count), an annual growth
   rate, an age tilt (older/younger than England) and a sex split, giving residents by
   the 19 ESP2013 age bands x sex for 2010-2023.
2. *Area character.* Latent deprivation (regional offsets; it becomes the IMD score),
   urbanity and ethnic mix; harm and treatment relative risks depend on deprivation,
   region and noise and are normalised so their population-weighted mean is 1.
3. *Events.* Counts are drawn (Poisson / binomial, numpy ``default_rng(20230401)``) per
   UTLA, year and age band from England-level age profiles scaled to the targets below.
   Regions and England are the **sums** of their UTLAs (counts and populations).
4. *Statistics.* Values and 95% / 99.8% limits are computed with :mod:`dana.stats`
   (``dsr`` Dobson, ``rate`` Byar/exact, ``proportion`` Wilson), so they obey the same
   methods as real data; DSRs on fewer than 10 events are suppressed by ``dsr`` itself.
   Unmet need follows Fingertips: limits from the prevalence estimate's interval.
5. *Anchors to real figures.* The transcribed C&P 2021/22 figures (``seed_cp_2021_22.csv``,
   via :func:`default_anchors`) are calibration points, not patches: for an anchored
   indicator x UTLA the whole drawn series is multiplied by one factor (its propensity)
   so that the anchored period's count is ``round(real rate x synthetic denominator)``;
   the year-to-year shape is kept, counts stay whole, and values and limits are then
   computed by :mod:`dana.stats` as for any area. A real England figure scales every
   other UTLA by one common factor so that England (still the *sum* of its UTLAs)
   publishes it. Unmet need is anchored through the prevalence estimate; a drug
   treatment anchor also scales OCU prevalence (the level is read as need, so OCU unmet
   need keeps its synthetic level). The overlay in :mod:`dana.data.default` then swaps
   these rows for the real ones (same values to the published rounding, real citation).
   Anchored areas' denominators stay synthetic (Peterborough 18+ 2021: 165,571 here,
   about 162,600 implied by the report), so overlaid counts differ from the synthetic
   ones by that ratio.

Calibration targets (England level of the synthetic series; first -> last period):

============================== =================== =====================================
indicator                      target              source
============================== =================== =====================================
adults in drug treatment       457 per 100,000 18+ C&P needs assessment summary 2023 (seed)
                               (2021/22, anchored) for England 2021/22
adults in alcohol treatment    189 per 100,000 18+ same seed, England 2021/22 (anchored)
opiate share of drug treatment about two-thirds    same seed; OHID 2024-25: 138,255 opiate
unmet need alcohol (93532)     about 80%           DOMAIN.md (Coventry/C&P seeds, England 80%)
unmet need OCU (93517)         about 53%           RECORDS.md A4 / brief; OCU prevalence
                                                   about 8.9 per 1,000 aged 15-64 (GUESS)
drug misuse deaths (92432)     3.9 -> 5.8 DSR      DEFINITIONS.md 1.3: England 2022-24 = 5.8
drug poisoning deaths          6.0 -> 9.0 DSR      ONS 2023: about 5,071 England deaths
alcohol-specific deaths        10.5 -> 15.0 DSR    ONS 2023: England ASR 15.0 (RECORDS A4)
alcohol-related deaths 93763   33 -> 40 DSR        GUESS consistent with LAPE 2016-2023
alcohol-specific admissions    560 -> 612 DSR      DEFINITIONS.md 2.2: England 2023/24 611.7
narrow admissions 93764        470 -> 500 DSR      RECORDS A4: 280,747 episodes 2023/24
broad admissions               1,550 -> 1,625 DSR  RECORDS A4: 1,625 per 100k 2023/24
under-18 alcohol admissions    45 -> 26 per 100k   GUESS from LAPE trend (falling)
15-24 substance admissions     80 DSR              GUESS (LG Inform metric 17180 level)
successful completion C19a/b/c 6->5%, 33->31%,     RECORDS A4 (GUESS: opiate ~5%,
                               38->35%             non-opiate ~30%, alcohol ~35%)
waits over 3 weeks             about 2-3%          GUESS ("almost all seen within 3 weeks")
IMD 2019 score                 21.7 (mean of LSOA  MHCLG IoD2019 (the England average)
                               scores)
============================== =================== =====================================

Other levels (liver disease 20, suicide 10, smoking 18% -> 12%, drug offences 3.3 per
1,000, homelessness need 8%, parental substance misuse 18%) are GUESSES of the right
order. Also generated: population by 5-year band and sex for every area and year (for
population pyramids) and, for the latest year, adults in drug / alcohol treatment by
ethnic group (category rows) for treatment penetration.

Run ``python -m dana.data.synthetic`` to (re)write the packaged files
``default_indicators.csv.gz`` and ``default_population.csv.gz``; regeneration is
byte-for-byte deterministic.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dana import stats, table
from dana._atomic import write_bytes_atomic
from dana.areas import AreaHierarchy, load_areas
from dana.catalogue import Catalogue, Indicator, load_catalogue
from dana.stats.standards import ESP2013

SEED = 20230401
SOURCE = f"DANA synthetic generator (seed {SEED}) - not real data"
SYNTHETIC_NOTE = "Synthetic data, not real"
YEARS = tuple(range(2010, 2024))  # simulated years; 3-year pools need two years of lead-in
PERIOD_END_YEARS = tuple(range(2012, 2024))  # 12 published periods per indicator
ENGLAND_POPULATION_2021 = 56_490_048  # Census 2021, England usual residents (ONS)
INDICATORS_FILE = "default_indicators.csv.gz"
POPULATION_FILE = "default_population.csv.gz"

BAND_LABELS = tuple(b.label for b in ESP2013)
_BAND_MID = np.array([(b.lower + (b.upper if b.upper is not None else 94)) / 2 for b in ESP2013])
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
ETHNIC_GROUPS = ("White British", "White other", "Mixed", "Asian", "Black", "Other")
_ETHNIC_SPLIT_OF_MINORITY = np.array([0.0, 0.33, 0.1, 0.37, 0.15, 0.05])
_ETHNIC_TREATMENT_RR = np.array([1.0, 0.6, 1.2, 0.35, 0.7, 0.6])  # GUESS, relative to WB


# ----------------------------------------------------------------------------- model


@dataclass
class _World:
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
        pop = self.persons()
        total = np.zeros(pop.shape[:2])
        for index, band in enumerate(ESP2013):
            top = 94 if band.upper is None else band.upper
            overlap = min(top, 200 if high is None else high) - max(band.lower, low) + 1
            if overlap > 0:
                total += pop[:, :, index] * overlap / (top - band.lower + 1)
        return np.round(total)

    def up(self, values: np.ndarray) -> np.ndarray:
        """Sum UTLA values (first axis) to every unit: UTLAs, regions, England."""
        return np.tensordot(self.aggregate, values, axes=(1, 0))


def _normalised(rr: np.ndarray, weight: np.ndarray) -> np.ndarray:
    return rr / (rr * weight).sum() * weight.sum()


def _build_world(areas: AreaHierarchy, seed: int) -> _World:
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
    z_age = (_BAND_MID - 40) / 25
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
    rr_drug = _normalised(
        np.exp(
            0.35 * deprivation
            + np.array([_REGION_DRUG.get(r, 0.0) for r in region])
            + rng.normal(0, 0.15, n)
        ),
        weight,
    )
    rr_alcohol = _normalised(
        np.exp(
            0.25 * deprivation
            + np.array([_REGION_ALCOHOL.get(r, 0.0) for r in region])
            + rng.normal(0, 0.12, n)
        ),
        weight,
    )
    rr_treatment = _normalised(np.exp(0.2 * deprivation + rng.normal(0, 0.2, n)), weight)

    regions = sorted(a.code for a in areas.regions())
    units = [*utlas, *regions, "E92000001"]
    aggregate = np.zeros((len(units), n))
    aggregate[np.arange(n), np.arange(n)] = 1
    for row, code in enumerate(regions, start=n):
        aggregate[row] = region == code
    aggregate[-1] = 1
    return _World(
        utlas, units, aggregate, population, deprivation, urban, non_white_british,
        rr_drug, rr_alcohol, rr_treatment, rng,
    )  # fmt: skip


def _level(start: float, end: float) -> np.ndarray:
    """England level by simulated year: geometric path from ``start`` (2012) to ``end`` (2023)."""
    steps = (np.array(YEARS) - 2012) / (2023 - 2012)
    return start * (end / start) ** steps


def _bump(peak: float, width: float, floor: float = 0.0) -> np.ndarray:
    """Relative age profile over the ESP bands: a Gaussian bump plus a floor."""
    return floor + np.exp(-0.5 * ((_BAND_MID - peak) / width) ** 2)


# ------------------------------------------------------------------------- anchors


@dataclass(frozen=True)
class Anchor:
    """A real published figure the synthetic series must pass through.

    ``value`` is on the indicator's own scale (e.g. 705 per 100,000 aged 18+); ``area_code``
    is a UTLA or England; ``period`` a label as published (e.g. "2021/22").
    """

    indicator_id: str
    area_code: str
    period: str
    value: float


#: Indicators whose generator can be calibrated to real figures (see ``_simulate``).
ANCHORABLE = (
    "ndtms:adults_in_treatment_drug",
    "ndtms:adults_in_treatment_alcohol",
    "93532",
)


def default_anchors(catalogue: Catalogue | None = None) -> tuple[Anchor, ...]:
    """The transcribed Cambridgeshire & Peterborough 2021/22 figures for catalogue indicators.

    These are exactly the rows :func:`dana.data.default.load_default_table` overlays, so
    the overlay replaces each anchored synthetic point with (within rounding) itself.
    """
    # Imported here: dana.data.default imports this module's file names.
    from dana.data.default import load_cp_example

    catalogue = catalogue or load_catalogue()
    real = load_cp_example()
    real = real[real["indicator_id"].isin(catalogue.ids) & real["category"].eq("")]
    return tuple(
        Anchor(row.indicator_id, row.area_code, row.period, float(row.value))
        for row in real.itertuples(index=False)
    )


@dataclass(frozen=True)
class _Anchoring:
    """Anchors of one indicator resolved to array positions (UTLA row, simulated year)."""

    utla_targets: tuple[tuple[int, int, float], ...]  # (utla index, year index, value)
    england_target: tuple[int, float] | None  # (year index, value)

    def factors(self, amount: np.ndarray, target) -> np.ndarray:
        """Per-UTLA factors k so that ``amount x k`` meets every anchor of the indicator.

        ``amount`` is the synthetic numerator-like quantity by (UTLA, year) - counts for a
        rate, prevalence for unmet need - and ``target(value, rows, year)`` the amount that
        UTLA ``rows`` (an index or a mask) must total in that year to publish ``value``.
        An anchored UTLA gets k = target / its synthetic amount at the anchored year: its
        whole series moves to the real level and keeps its synthetic year-to-year shape.
        With an England anchor every other UTLA shares one k, chosen so that the England
        *sum* publishes the England value (regions and England stay sums of UTLAs).
        """
        k = np.ones(amount.shape[0])
        fixed = np.zeros(amount.shape[0], dtype=bool)
        for utla, year, value in self.utla_targets:
            if amount[utla, year] <= 0:
                raise ValueError(f"cannot scale a synthetic series of 0 to anchor {value}")
            k[utla] = target(value, utla, year) / amount[utla, year]
            fixed[utla] = True
        if self.england_target is not None:
            year, value = self.england_target
            free = target(value, slice(None), year) - (amount[fixed, year] * k[fixed]).sum()
            k[~fixed] = free / amount[~fixed, year].sum()
        return k


def _rate_target(denominator: np.ndarray, multiplier: float):
    """Anchor target for a rate: the whole count that publishes ``value`` (to 0.5/denominator)."""
    return lambda value, rows, year: np.round(value * denominator[rows, year].sum() / multiplier)


def _anchor_factors(anchoring: dict, indicator_id: str, amount: np.ndarray, target):
    """``_Anchoring.factors`` as a (UTLA, 1) column, all ones for an unanchored indicator."""
    if indicator_id not in anchoring:
        return np.ones((amount.shape[0], 1))
    return anchoring[indicator_id].factors(amount, target)[:, None]


def _resolve_anchors(
    world: _World, catalogue: Catalogue, anchors: tuple[Anchor, ...]
) -> dict[str, _Anchoring]:
    """Group anchors by indicator; refuse (clearly) any the generator cannot honour."""
    grouped: dict[str, list[Anchor]] = {}
    for anchor in anchors:
        grouped.setdefault(anchor.indicator_id, []).append(anchor)
    resolved = {}
    for indicator_id, group in grouped.items():
        if indicator_id not in ANCHORABLE:
            raise ValueError(
                f"anchor {group[0]}: the synthetic generator cannot calibrate indicator"
                f" {indicator_id!r} (anchorable: {', '.join(ANCHORABLE)})"
            )
        period_type = catalogue.get(indicator_id).period_type
        years = {period_label(period_type, y)[0]: YEARS.index(y) for y in PERIOD_END_YEARS}
        utla_targets, england_target, seen = [], None, set()
        for anchor in group:
            if anchor.period not in years:
                raise ValueError(
                    f"anchor {anchor}: period {anchor.period!r} is not a simulated"
                    f" {period_type} period ({', '.join(years)})"
                )
            if anchor.area_code in seen:
                raise ValueError(f"anchor {anchor}: a second anchor for the same area")
            seen.add(anchor.area_code)
            year = years[anchor.period]
            if anchor.area_code == "E92000001":
                england_target = (year, anchor.value)
            elif anchor.area_code in world.utlas:
                utla_targets.append((world.utlas.index(anchor.area_code), year, anchor.value))
            else:
                raise ValueError(
                    f"anchor {anchor}: area must be an upper-tier local authority or England"
                )
        resolved[indicator_id] = _Anchoring(tuple(utla_targets), england_target)
    return resolved


# -------------------------------------------------------------------- period labels


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


def _pooled(values: np.ndarray, pooled: bool) -> np.ndarray:
    """Per-period values (axis 1 = years) for the published periods, pooling 3 years if asked."""
    index = [YEARS.index(y) for y in PERIOD_END_YEARS]
    if not pooled:
        return values[:, index]
    return values[:, [i - 2 for i in index]] + values[:, [i - 1 for i in index]] + values[:, index]


# ------------------------------------------------------------------ indicator builders

_LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")


def _frame(world: _World, result: pd.DataFrame, shape: tuple[int, int]) -> pd.DataFrame:
    """Attach unit and period positions to a flat stats result of units x periods."""
    units, periods = shape
    result = result.reset_index(drop=True)
    result["unit"] = np.repeat(np.arange(units), periods)
    result["period_index"] = np.tile(np.arange(periods), units)
    return result


def _rate_rows(world, count_utla, pop_utla, multiplier, pooled=False) -> pd.DataFrame:
    counts = world.up(_pooled(count_utla, pooled))
    pops = world.up(_pooled(pop_utla, pooled))
    result = stats.rate(
        counts.ravel(), pops.ravel(), confidence=(0.95, 0.998), multiplier=multiplier
    )
    return _frame(world, result, counts.shape)


def _proportion_rows(world, x_utla, n_utla, multiplier=100.0) -> pd.DataFrame:
    x, n = world.up(_pooled(x_utla, False)), world.up(_pooled(n_utla, False))
    flat_x, flat_n = x.ravel(), n.ravel()
    has_denominator = flat_n > 0  # tiny areas (Isles of Scilly) can have no one to count
    computed = stats.proportion(
        flat_x[has_denominator],
        flat_n[has_denominator],
        confidence=(0.95, 0.998),
        multiplier=multiplier,
    )
    result = pd.DataFrame({"count": flat_x, "denominator": flat_n})
    for column in ("value", *_LIMITS):
        result[column] = np.nan
        result.loc[has_denominator, column] = computed[column].to_numpy()
    result["value_note"] = np.where(has_denominator, "", "No value: denominator is 0")
    return _frame(world, result, x.shape)


def _count_rows(world, count_utla) -> pd.DataFrame:
    counts = world.up(_pooled(count_utla, False))
    result = pd.DataFrame({"count": counts.ravel(), "value": counts.ravel()})
    return _frame(world, result, counts.shape)


def _dsr_rows(world, target, profile, rr, pooled, low=0, high=None) -> pd.DataFrame:
    """Counts by age band drawn so England's DSR follows ``target``; DSR by dana.stats.dsr."""
    bands = [
        i
        for i, b in enumerate(ESP2013)
        if b.lower >= low and (high is None or (b.upper or 999) <= high)
    ]
    weights = np.array([ESP2013[i].weight for i in bands])
    shape = profile[bands]
    scale = target / 100_000 / ((weights * shape).sum() / weights.sum())  # per simulated year
    pop = world.persons()[:, :, bands]
    expected = pop * shape[None, None, :] * scale[None, :, None] * rr[:, None, None]
    counts = world.rng.poisson(expected).astype(float)
    pooled_counts = np.stack(
        [world.up(_pooled(counts[:, :, b], pooled)) for b in range(len(bands))], axis=2
    )
    pooled_pop = np.stack(
        [world.up(_pooled(pop[:, :, b], pooled)) for b in range(len(bands))], axis=2
    )
    units, periods, nb = pooled_counts.shape
    frame = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(units), periods * nb),
            "period_index": np.tile(np.repeat(np.arange(periods), nb), units),
            "age": np.tile([BAND_LABELS[b] for b in bands], units * periods),
            "x": pooled_counts.ravel(),
            "n": pooled_pop.ravel(),
        }
    )
    standard = pd.Series(weights, index=[BAND_LABELS[b] for b in bands])
    result = stats.dsr(
        "x", "n", age="age", data=frame, by=["unit", "period_index"],
        standard=standard, confidence=(0.95, 0.998),
    )  # fmt: skip
    return result.sort_values(["unit", "period_index"]).reset_index(drop=True)


_PROFILES = {
    "alcohol": _bump(58, 12),  # alcohol-specific / related deaths and admissions
    "drug": _bump(44, 10, 0.02),  # drug misuse and poisoning deaths
    "admissions": _bump(45, 20, 0.05),
    "liver": _bump(58, 10),
    "young": _bump(20, 3),
    "suicide": _bump(48, 18, 0.05),
}


def _simulate(
    world: _World, catalogue: Catalogue, anchoring: dict[str, _Anchoring]
) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    """One stats frame (unit, period_index, count, denominator, value, limits) per indicator.

    Also returns the adults-in-treatment counts by (UTLA, year), so that breakdowns can
    split exactly these totals.
    """
    rng = world.rng
    pop18 = world.ages(18)
    pop_u18 = world.ages(0, 17)
    pop15_64 = world.ages(15, 64)
    pop_all = world.persons().sum(axis=2)
    weight = pop_all[:, YEARS.index(2021)]
    rr_t = world.rr_treatment[:, None]
    rr_d = world.rr_drug[:, None]
    rr_a = world.rr_alcohol[:, None]
    # Joint relative risks re-normalised so England stays on target despite covariance.
    rr_dt = _normalised(world.rr_drug * world.rr_treatment, weight)[:, None]
    rr_at = _normalised(world.rr_alcohol * world.rr_treatment, weight)[:, None]
    noise = lambda sd: np.exp(rng.normal(0, sd, pop18.shape))  # noqa: E731

    # Treatment population (adults) by NDTMS substance group, per 100,000 aged 18+.
    opiate = rng.poisson(pop18 * _level(330, 300)[None, :] / 1e5 * rr_dt * noise(0.05)).astype(
        float
    )
    non_opiate = rng.poisson(pop18 * _level(150, 160)[None, :] / 1e5 * rr_t * noise(0.08)).astype(
        float
    )
    alcohol = rng.poisson(pop18 * _level(200, 192)[None, :] / 1e5 * rr_at * noise(0.08)).astype(
        float
    )
    # Anchored areas: move the whole series to the real level (opiate share kept).
    drug_k = _anchor_factors(
        anchoring, "ndtms:adults_in_treatment_drug", opiate + non_opiate, _rate_target(pop18, 1e5)
    )
    drug = np.round((opiate + non_opiate) * drug_k)
    opiate = np.minimum(np.round(opiate * drug_k), drug)
    non_opiate = drug - opiate
    alcohol_k = _anchor_factors(
        anchoring, "ndtms:adults_in_treatment_alcohol", alcohol, _rate_target(pop18, 1e5)
    )
    alcohol = np.round(alcohol * alcohol_k)
    non_opiate_and_alcohol = rng.binomial(non_opiate.astype(int), 0.45).astype(float)

    out: dict[str, pd.DataFrame] = {}
    out["ons:population_all_ages"] = _count_rows(world, pop_all)
    out["ons:population_18_plus"] = _count_rows(world, pop18)

    out["ndtms:adults_in_treatment_drug"] = _rate_rows(world, drug, pop18, 1e5)
    out["ndtms:adults_in_treatment_opiate"] = _rate_rows(world, opiate, pop18, 1e5)
    out["ndtms:adults_in_treatment_non_opiate"] = _rate_rows(world, non_opiate, pop18, 1e5)
    out["ndtms:adults_in_treatment_alcohol"] = _rate_rows(world, alcohol, pop18, 1e5)

    new_drug = rng.poisson(0.22 * opiate + 0.62 * non_opiate).astype(float)
    new_alcohol = rng.poisson(0.66 * alcohol).astype(float)
    out["ndtms:new_presentations_drug"] = _count_rows(world, new_drug)
    out["ndtms:new_presentations_alcohol"] = _count_rows(world, new_alcohol)
    wait_p = np.clip(
        0.022 * _normalised(world.rr_treatment**2, weight)[:, None] * noise(0.3), 0, 0.5
    )
    out["ndtms:waiting_over_3_weeks_drug"] = _proportion_rows(
        world, rng.binomial(new_drug.astype(int), wait_p), new_drug
    )
    out["ndtms:waiting_over_3_weeks_alcohol"] = _proportion_rows(
        world, rng.binomial(new_alcohol.astype(int), wait_p), new_alcohol
    )
    out["ndtms:opiate_in_treatment_6_years_plus"] = _proportion_rows(
        world,
        rng.binomial(opiate.astype(int), np.clip(_level(0.24, 0.30)[None, :] * noise(0.1), 0, 1)),
        opiate,
    )

    completion = {  # (group, England proportion start, end)
        "90244": (opiate, 0.064, 0.05),
        "90245": (non_opiate, 0.34, 0.31),
        "92447": (alcohol, 0.38, 0.35),
    }
    completed_any = {}
    for indicator_id, (group, start, end) in completion.items():
        p = np.clip(
            _level(start, end)[None, :] / world.rr_treatment[:, None] ** 0.5 * noise(0.12), 0, 0.95
        )
        completed = rng.binomial(group.astype(int), p).astype(float)
        out[indicator_id] = _proportion_rows(world, completed, group)
        completed_any[indicator_id] = completed
    # Re-presentations among successful completions (GUESS: about 12% drugs, 10% alcohol).
    drug_completions = completed_any["90244"] + completed_any["90245"]
    out["ndtms:representations_drug"] = _proportion_rows(
        world, rng.binomial(drug_completions.astype(int), 0.12), drug_completions
    )
    out["ndtms:representations_alcohol"] = _proportion_rows(
        world, rng.binomial(completed_any["92447"].astype(int), 0.10), completed_any["92447"]
    )
    releases = rng.poisson(pop18 * 1.0e-4 * rr_d).astype(float)
    engaged_p = np.clip(_level(0.32, 0.45)[None, :] * noise(0.2), 0, 0.95)
    out["92544"] = _proportion_rows(world, rng.binomial(releases.astype(int), engaged_p), releases)

    # Unmet need: prevalence estimates (non-integer) against the people in treatment.
    dependent = pop18 * 0.0131 * rr_a * noise(0.1)
    in_treatment_alcohol = alcohol + non_opiate_and_alcohol
    dependent *= _anchor_factors(  # unmet need (%) = (1 - treated / dependent) x 100
        anchoring,
        "93532",
        dependent,
        lambda value, rows, year: in_treatment_alcohol[rows, year].sum() / (1 - value / 100),
    )
    out["93532"] = _unmet_rows(world, dependent, in_treatment_alcohol)
    # An anchored treatment level is read as need: OCU prevalence moves with it, so the
    # OCU unmet need keeps its synthetic level instead of collapsing to the floor.
    ocu = pop15_64 * 0.0086 * rr_d * noise(0.1) * drug_k
    ocu_in_treatment = np.round(0.93 * opiate + 0.12 * non_opiate)
    out["93517"] = _unmet_rows(world, ocu, ocu_in_treatment)
    out["91117"] = _rate_rows(world, np.round(ocu), pop15_64, 1000)

    # Deaths and admissions (DSR per 100,000, ESP2013).
    P = _PROFILES
    out["92432"] = _dsr_rows(world, _level(3.9, 5.9), P["drug"], world.rr_drug, pooled=True)
    out["ons:drug_poisoning_deaths"] = _dsr_rows(
        world, _level(6.0, 9.0), P["drug"], world.rr_drug, pooled=True
    )
    out["hes:admissions_drug_poisoning"] = _dsr_rows(
        world, _level(31, 25), P["young"] + P["drug"], world.rr_drug, pooled=False
    )
    out["91380"] = _dsr_rows(world, _level(10.5, 15.0), P["alcohol"], world.rr_alcohol, pooled=True)
    out["93763"] = _dsr_rows(world, _level(33, 40), P["alcohol"], world.rr_alcohol, pooled=False)
    out["91382"] = _dsr_rows(world, _level(45, 47), P["alcohol"], world.rr_alcohol, pooled=False)
    out["92906"] = _dsr_rows(
        world, _level(560, 612), P["admissions"], world.rr_alcohol, pooled=False
    )
    out["93764"] = _dsr_rows(
        world, _level(470, 500), P["admissions"], world.rr_alcohol, pooled=False
    )
    out["fingertips:alcohol_related_admissions_broad"] = _dsr_rows(
        world, _level(1550, 1625), P["admissions"], world.rr_alcohol, pooled=False
    )
    out["91414"] = _dsr_rows(
        world, _level(640, 630), P["admissions"], world.rr_alcohol, pooled=False
    )
    out["40601"] = _dsr_rows(
        world, _level(18, 21), P["liver"], world.rr_alcohol, pooled=True, high=74
    )
    out["41001"] = _dsr_rows(
        world, _level(9.8, 10.6), P["suicide"], world.rr_drug**0.5, pooled=True, low=10
    )
    out["90808"] = _dsr_rows(
        world, _level(85, 78), P["young"], world.rr_drug, pooled=True, low=15, high=24
    )

    # Young people and wider determinants.
    u18_admissions = rng.poisson(pop_u18 * _level(45, 26)[None, :] / 1e5 * rr_a).astype(float)
    out["92904"] = _rate_rows(world, u18_admissions, pop_u18, 1e5, pooled=True)
    young_in_treatment = rng.poisson(
        pop_u18 * _level(150, 95)[None, :] / 1e5 * rr_t * noise(0.15)
    ).astype(float)
    out["ndtms:young_people_in_treatment"] = _rate_rows(world, young_in_treatment, pop_u18, 1e5)
    pupils = np.round(world.ages(11, 15) * 0.06)
    drinking = rng.binomial(
        pupils.astype(int), np.clip(_level(0.16, 0.10)[None, :] * rr_a * noise(0.1), 0, 1)
    )
    out["local:school_survey_alcohol"] = _proportion_rows(world, drinking, pupils)
    survey = np.clip(np.round(pop18 * 0.002), 150, 4000)
    smokers = rng.binomial(
        survey.astype(int), np.clip(_level(0.185, 0.12)[None, :] * rr_a**0.8 * noise(0.08), 0, 1)
    )
    out["92443"] = _proportion_rows(world, smokers, survey)
    offences = rng.poisson(
        pop_all
        * _level(3.6, 3.2)[None, :]
        / 1000
        * rr_d
        * world.urban[:, None] ** 0.5
        * noise(0.15)
    ).astype(float)
    out["local:police_drug_offences"] = _rate_rows(world, offences, pop_all, 1000)
    households = np.round(pop_all * 0.0053 * rr_t)
    need = rng.binomial(households.astype(int), np.clip(0.08 * rr_d * noise(0.15), 0, 1))
    out["local:homelessness_drug_alcohol_need"] = _proportion_rows(world, need, households)
    assessments = np.round(pop_u18 * 0.054)
    parental = rng.binomial(
        assessments.astype(int), np.clip(0.18 * rr_d**0.5 * rr_a**0.5 * noise(0.15), 0, 1)
    )
    out["local:cin_parental_substance_misuse"] = _proportion_rows(world, parental, assessments)

    # Measures that only come from real publications (counts for derived rates) are not
    # simulated; the IMD rows are added below.
    from dana.sources.registry import REAL_DATA_ONLY_IDS

    missing = sorted(set(catalogue.ids) - set(out) - {"93553", "94240"} - set(REAL_DATA_ONLY_IDS))
    if missing:
        raise RuntimeError(f"synthetic generator has no model for catalogue indicator(s) {missing}")
    treated = {"ndtms:adults_in_treatment_drug": drug, "ndtms:adults_in_treatment_alcohol": alcohol}
    return out, treated


def _unmet_rows(
    world: _World, prevalence_utla: np.ndarray, treated_utla: np.ndarray
) -> pd.DataFrame:
    """Unmet need = (1 - treated / prevalence) x 100, limits from the prevalence interval."""
    prevalence_utla = np.maximum(prevalence_utla, treated_utla * 1.05)
    prevalence = world.up(_pooled(prevalence_utla, False))
    treated = world.up(_pooled(treated_utla, False))
    kind = np.array([_unit_kind(u) for u in world.units])
    low_factor = np.select([kind == "england", kind == "region"], [0.93, 0.88], 0.8)[:, None]
    high_factor = np.select([kind == "england", kind == "region"], [1.08, 1.15], 1.3)[:, None]
    unmet = prevalence - treated
    result = pd.DataFrame(
        {
            "count": unmet.ravel(),
            "denominator": prevalence.ravel(),
            "value": (unmet / prevalence * 100).ravel(),
            "lower_95": ((1 - treated / (prevalence * low_factor)) * 100).clip(min=0).ravel(),
            "upper_95": ((1 - treated / (prevalence * high_factor)) * 100).ravel(),
        }
    )
    return _frame(world, result, prevalence.shape)


def _unit_kind(code: str) -> str:
    return "england" if code == "E92000001" else "region" if code.startswith("E12") else "utla"


def _imd_rows(world: _World, base: float, spread: float, salt: float) -> pd.DataFrame:
    score = np.clip(base + spread * world.deprivation + salt, 4.0, 48.0)
    weight = world.persons().sum(axis=2)[:, YEARS.index(2019)]
    values = world.up((score * weight)[:, None]) / world.up(weight[:, None])
    return pd.DataFrame(
        {"unit": np.arange(len(world.units)), "period_index": 0, "value": values[:, 0]}
    )


# ---------------------------------------------------------------------- assembly


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
    none) are real figures the synthetic series pass through at their period.
    """
    catalogue = catalogue or load_catalogue()
    areas = areas or load_areas()
    anchors = default_anchors(catalogue) if anchors is None else tuple(anchors)
    world = _build_world(areas, seed)
    frames, treated = _simulate(world, catalogue, _resolve_anchors(world, catalogue, anchors))
    frames["93553"] = _imd_rows(world, 21.7, 7.5, 0.0)
    frames["94240"] = _imd_rows(world, 21.5, 7.8, 0.3)
    fixed_year = {"93553": 2019, "94240": 2025}

    unit_info = pd.DataFrame(
        {
            "unit": np.arange(len(world.units)),
            "area_code": world.units,
            "area_name": [areas.get(c).name for c in world.units],
            "area_type": [areas.get(c).area_type for c in world.units],
            "parent_code": [areas.get(c).parent_code for c in world.units],
        }
    )
    pieces = []
    for indicator in catalogue:
        if indicator.id not in frames:  # a real-data-only measure (checked in _simulate)
            continue
        result = frames[indicator.id]
        pieces.append(_finish(result, indicator, unit_info, fixed_year.get(indicator.id)))
    pieces.append(_ethnicity_rows(world, catalogue, unit_info, treated))
    indicators = table.validate(
        table.coerce(pd.concat(pieces, ignore_index=True)), where="synthetic generator"
    )
    return indicators, _population_frame(world, unit_info)


def _finish(
    result: pd.DataFrame, indicator: Indicator, unit_info: pd.DataFrame, fixed_year: int | None
) -> pd.DataFrame:
    frame = result.merge(unit_info, on="unit", how="left")
    if fixed_year is not None:
        labels = {0: period_label("fixed", fixed_year)}
    else:
        labels = {i: period_label(indicator.period_type, y) for i, y in enumerate(PERIOD_END_YEARS)}
    frame["period"] = frame["period_index"].map(lambda i: labels[i][0])
    frame["period_sort"] = frame["period_index"].map(lambda i: labels[i][1])
    frame = _restrict_series(frame, indicator)
    for column in ("count", "denominator", "value", *_LIMITS):
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
        for column in _LIMITS:
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


_SERIES_WINDOWS = {  # real-world availability of old / new method series
    "91382": (None, 2017), "91414": (None, 2018), "93763": (2016, None), "93764": (2016, None),
    "fingertips:alcohol_related_admissions_broad": (2016, None),
}  # fmt: skip


def _restrict_series(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    first, last = _SERIES_WINDOWS.get(indicator.id, (None, None))
    start_year = frame["period_sort"] // 10000
    keep = pd.Series(True, index=frame.index)
    if first is not None:
        keep &= start_year >= first
    if last is not None:
        keep &= start_year <= last
    return frame[keep]


def _ethnicity_rows(
    world: _World, catalogue: Catalogue, unit_info: pd.DataFrame, treated: dict[str, np.ndarray]
) -> pd.DataFrame:
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
    pieces = []
    for indicator_id in ("ndtms:adults_in_treatment_drug", "ndtms:adults_in_treatment_alcohol"):
        totals = treated[indicator_id][:, latest].astype(np.int64)
        counts = rng.multinomial(totals, weights / weights.sum(axis=1, keepdims=True))
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
    return pd.concat(pieces, ignore_index=True)


def _population_frame(world: _World, unit_info: pd.DataFrame) -> pd.DataFrame:
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


# ------------------------------------------------------------------------ writing


def _gzip_csv_bytes(frame: pd.DataFrame) -> bytes:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    buffer = io.BytesIO()
    # mtime=0 and no file name in the header: identical bytes on every run.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def serialise(indicators: pd.DataFrame, population: pd.DataFrame) -> dict[str, bytes]:
    """The packaged files' exact bytes, by file name."""
    return {
        INDICATORS_FILE: _gzip_csv_bytes(indicators),
        POPULATION_FILE: _gzip_csv_bytes(population),
    }


def write_default_data(directory: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Generate and write the default data files (atomically) into ``directory``."""
    target = Path(directory) if directory is not None else Path(__file__).resolve().parent
    written = []
    for name, payload in serialise(*generate(seed)).items():
        write_bytes_atomic(target / name, payload)
        written.append(target / name)
    return written


def main() -> None:
    for path in write_default_data():
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
