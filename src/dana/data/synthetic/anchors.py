"""Anchors: real transcribed figures the synthetic series are calibrated to.

The transcribed C&P 2021/22 figures (``seed_cp_2021_22.csv``, via :func:`default_anchors`)
are calibration points, not patches: for an anchored indicator x UTLA the whole drawn
series is multiplied by one factor (its propensity) so that the anchored period's count
is ``round(real rate x synthetic denominator)``; the year-to-year shape is kept, counts
stay whole, and values and limits are then computed by :mod:`dana.stats` as for any
area. A real England figure scales every other UTLA by one common factor so that England
(still the *sum* of its UTLAs) publishes it. The overlay in :mod:`dana.data.default` then
swaps these rows for the real ones (same values to the published rounding, real citation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dana.catalogue import Catalogue, load_catalogue
from dana.data.synthetic.world import ENGLAND, PERIOD_END_YEARS, YEARS, World, period_label
from dana.data.transcribed import load_cp_example


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


#: Indicators whose generator can be calibrated to real figures (see :mod:`dana.data.synthetic.models`).
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
    catalogue = catalogue or load_catalogue()
    real = load_cp_example()
    real = real[real["indicator_id"].isin(catalogue.ids) & real["category"].eq("")]
    return tuple(
        Anchor(row.indicator_id, row.area_code, row.period, float(row.value))
        for row in real.itertuples(index=False)
    )


@dataclass(frozen=True)
class Anchoring:
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


def rate_target(denominator: np.ndarray, multiplier: float):
    """Anchor target for a rate: the whole count that publishes ``value`` (to 0.5/denominator)."""
    return lambda value, rows, year: np.round(value * denominator[rows, year].sum() / multiplier)


def anchor_factors(anchoring: dict, indicator_id: str, amount: np.ndarray, target):
    """``Anchoring.factors`` as a (UTLA, 1) column, all ones for an unanchored indicator."""
    if indicator_id not in anchoring:
        return np.ones((amount.shape[0], 1))
    return anchoring[indicator_id].factors(amount, target)[:, None]


def resolve_anchors(
    world: World, catalogue: Catalogue, anchors: tuple[Anchor, ...]
) -> dict[str, Anchoring]:
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
            if anchor.area_code == ENGLAND:
                england_target = (year, anchor.value)
            elif anchor.area_code in world.utlas:
                utla_targets.append((world.utlas.index(anchor.area_code), year, anchor.value))
            else:
                raise ValueError(
                    f"anchor {anchor}: area must be an upper-tier local authority or England"
                )
        resolved[indicator_id] = Anchoring(tuple(utla_targets), england_target)
    return resolved
