"""Deprivation-decile rows: alcohol-specific mortality and admissions within each area.

The ``Deprivation decile`` convention (:mod:`dana.breakdowns`, kind ``stratified``): for
a headline indicator (here Fingertips 91380, alcohol-specific mortality, and 92906,
admission episodes for alcohol-specific conditions), rows with ``category_type``
"Deprivation decile" and ``category`` "1 (most deprived)", "2", ... "10 (least
deprived)" - the area's own LSOAs ranked by IMD score into ten groups of about equal
population, the local deciles PHE uses for an inequality *within* an area -, each with
``count`` = events in the decile, ``denominator`` = its population (person-years for a
pooled period) and ``value`` = the crude rate per 100,000 with Byar / exact Poisson
limits (:func:`dana.stats.rate`; a DSR by decile would need deaths by age and decile).
The deciles' counts sum to the headline count of the same area and period, and their
populations to the headline denominator.

Simulated for the latest published period of each indicator and every UTLA: each
area's headline events (the model's own draws, shared through
:meth:`~dana.data.synthetic.models.Simulation.shared`) split across the deciles in
proportion to population x a deprivation gradient. GUESS: the most deprived decile's
rate is about 3 times the least deprived's for alcohol-specific deaths and 2.5 times for
admissions (national gaps of this order: ONS alcohol-specific deaths by IMD decile;
LAPE), varying by area. Draws come from a stream of their own (spawned from the world's
seed sequence) so no other series changes. Not real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.breakdowns import BREAKDOWNS, DEPRIVATION_DECILE
from dana.data.synthetic.models import Simulation, model
from dana.data.synthetic.world import PERIOD_END_YEARS, YEARS, period_label

DECILES = BREAKDOWNS[DEPRIVATION_DECILE].categories
MODEL_ID = "deprivation_deciles"
#: indicator -> (catalogue period type, pooled over 3 years, most / least deprived ratio)
INDICATORS = {
    "91380": ("calendar_3yr", True, 3.0),
    "92906": ("financial_year", False, 2.5),
}


def _gradient(ratio: np.ndarray) -> np.ndarray:
    """Relative rate by decile (UTLA, 10): log-linear from ``ratio`` (decile 1 over
    decile 10), mean 1 over equal-sized deciles."""
    position = (5.5 - np.arange(1, 11)) / 9  # +0.5 at decile 1, -0.5 at decile 10
    rr = np.exp(np.log(ratio)[:, None] * position[None, :])
    return rr / rr.mean(axis=1, keepdims=True)


@model(MODEL_ID)
def deprivation_deciles(sim: Simulation) -> pd.DataFrame:
    """Decile rows (UTLAs, latest period) of every indicator in :data:`INDICATORS`."""
    world = sim.world
    # A stream of its own, so that adding this model changes no other series.
    rng = np.random.default_rng(world.rng.bit_generator.seed_seq.spawn(1)[0])
    n = len(world.utlas)
    last = YEARS.index(PERIOD_END_YEARS[-1])
    pieces = []
    for indicator_id, (period_type, pooled, ratio) in INDICATORS.items():
        counts = sim.shared(f"dsr_counts:{indicator_id}", lambda: None)
        if counts is None:
            raise RuntimeError(f"the {indicator_id} model must run before {MODEL_ID}")
        years = [last - 2, last - 1, last] if pooled else [last]
        events = counts[:, years, :].sum(axis=(1, 2))  # (UTLA,)
        people = world.persons()[:, years, :].sum(axis=(1, 2))
        share = 0.1 * np.exp(rng.normal(0, 0.05, (n, 10)))
        share /= share.sum(axis=1, keepdims=True)
        population = np.floor(people[:, None] * share)
        population[:, -1] += people - population.sum(axis=1)  # sums to the headline exactly
        weights = share * _gradient(ratio * np.exp(rng.normal(0, 0.1, n)))
        split = rng.multinomial(
            events.astype(np.int64), weights / weights.sum(axis=1, keepdims=True)
        )
        result = stats.rate(
            split.ravel().astype(float), population.ravel(), confidence=(0.95, 0.998),
            multiplier=1e5,
        )  # fmt: skip
        label, sort = period_label(period_type, PERIOD_END_YEARS[-1])
        result = result.reset_index(drop=True).assign(
            unit=np.repeat(np.arange(n), 10),
            indicator_id=indicator_id,
            period=label,
            period_sort=sort,
            category_type=DEPRIVATION_DECILE,
            category=np.tile(DECILES, n),
            value_type="crude_rate",
            multiplier=1e5,
            unit_label="per 100,000",
        )
        pieces.append(result)
    return pd.concat(pieces, ignore_index=True)
