"""Row builders: simulated UTLA counts -> one statistics frame per indicator.

Each builder sums UTLA arrays up to regions and England (:meth:`World.up`), then computes
values and 95% / 99.8% limits with :mod:`dana.stats` (``rate`` Byar/exact, ``proportion``
Wilson, ``dsr`` Dobson, which also suppresses DSRs on fewer than 10 events), so synthetic
figures obey the same methods as real data. The frame has one row per unit x published
period (``unit``, ``period_index``) plus count, denominator, value and limits. Unmet need
follows Fingertips: limits from the prevalence estimate's interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.data.synthetic.world import BAND_LABELS, ENGLAND, YEARS, World, published_periods
from dana.stats.standards import ESP2013

LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")


def by_unit_and_period(world: World, result: pd.DataFrame, shape: tuple[int, int]) -> pd.DataFrame:
    """Attach unit and period positions to a flat stats result of units x periods."""
    units, periods = shape
    result = result.reset_index(drop=True)
    result["unit"] = np.repeat(np.arange(units), periods)
    result["period_index"] = np.tile(np.arange(periods), units)
    return result


def rate_rows(world, count_utla, pop_utla, multiplier, pooled=False) -> pd.DataFrame:
    counts = world.up(published_periods(count_utla, pooled))
    pops = world.up(published_periods(pop_utla, pooled))
    result = stats.rate(
        counts.ravel(), pops.ravel(), confidence=(0.95, 0.998), multiplier=multiplier
    )
    return by_unit_and_period(world, result, counts.shape)


def proportion_rows(world, x_utla, n_utla, multiplier=100.0) -> pd.DataFrame:
    x, n = world.up(published_periods(x_utla, False)), world.up(published_periods(n_utla, False))
    flat_x, flat_n = x.ravel(), n.ravel()
    has_denominator = flat_n > 0  # tiny areas (Isles of Scilly) can have no one to count
    computed = stats.proportion(
        flat_x[has_denominator],
        flat_n[has_denominator],
        confidence=(0.95, 0.998),
        multiplier=multiplier,
    )
    result = pd.DataFrame({"count": flat_x, "denominator": flat_n})
    for column in ("value", *LIMITS):
        result[column] = np.nan
        result.loc[has_denominator, column] = computed[column].to_numpy()
    result["value_note"] = np.where(has_denominator, "", "No value: denominator is 0")
    return by_unit_and_period(world, result, x.shape)


def count_rows(world, count_utla) -> pd.DataFrame:
    counts = world.up(published_periods(count_utla, False))
    result = pd.DataFrame({"count": counts.ravel(), "value": counts.ravel()})
    return by_unit_and_period(world, result, counts.shape)


def _bands(low: int, high: int | None) -> list[int]:
    return [
        i
        for i, b in enumerate(ESP2013)
        if b.lower >= low and (high is None or (b.upper or 999) <= high)
    ]


def dsr_counts(world, target, profile, rr, low=0, high=None) -> np.ndarray:
    """Counts (UTLA, year, age band) drawn so England's DSR follows ``target``."""
    bands = _bands(low, high)
    weights = np.array([ESP2013[i].weight for i in bands])
    shape = profile[bands]
    scale = target / 100_000 / ((weights * shape).sum() / weights.sum())  # per simulated year
    pop = world.persons()[:, :, bands]
    expected = pop * shape[None, None, :] * scale[None, :, None] * rr[:, None, None]
    return world.rng.poisson(expected).astype(float)


def dsr_rows(world, target, profile, rr, pooled, low=0, high=None, counts=None) -> pd.DataFrame:
    """DSR rows by dana.stats.dsr from ``counts`` (UTLA, year, band), or from counts drawn
    so England's DSR follows ``target`` (:func:`dsr_counts`)."""
    bands = _bands(low, high)
    weights = np.array([ESP2013[i].weight for i in bands])
    pop = world.persons()[:, :, bands]
    if counts is None:
        counts = dsr_counts(world, target, profile, rr, low, high)
    pooled_counts = np.stack(
        [world.up(published_periods(counts[:, :, b], pooled)) for b in range(len(bands))], axis=2
    )
    pooled_pop = np.stack(
        [world.up(published_periods(pop[:, :, b], pooled)) for b in range(len(bands))], axis=2
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


def unmet_rows(world: World, prevalence_utla: np.ndarray, treated_utla: np.ndarray) -> pd.DataFrame:
    """Unmet need = (1 - treated / prevalence) x 100, limits from the prevalence interval."""
    prevalence_utla = np.maximum(prevalence_utla, treated_utla * 1.05)
    prevalence = world.up(published_periods(prevalence_utla, False))
    treated = world.up(published_periods(treated_utla, False))
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
    return by_unit_and_period(world, result, prevalence.shape)


def _unit_kind(code: str) -> str:
    return "england" if code == ENGLAND else "region" if code.startswith("E12") else "utla"


def imd_rows(world: World, base: float, spread: float, salt: float) -> pd.DataFrame:
    score = np.clip(base + spread * world.deprivation + salt, 4.0, 48.0)
    weight = world.persons().sum(axis=2)[:, YEARS.index(2019)]
    values = world.up((score * weight)[:, None]) / world.up(weight[:, None])
    return pd.DataFrame(
        {"unit": np.arange(len(world.units)), "period_index": 0, "value": values[:, 0]}
    )
