"""Directly standardised rates (DSR): Dobson method with Byar limits (Fingertips convention).

Same API as every ``dana.stats`` method (see :mod:`dana.stats.proportions`), with one
difference: a DSR summarises the age bands of a group, so rows are always combined - by
``by=`` groups, or all rows into one DSR when there is no ``by``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dana.stats._bands import band_positions
from dana.stats._common import EXACT_BELOW, StatsInputError, byar_limits, confidence_levels
from dana.stats._frame import check, check_multiplier, group_sums, raw_column, resolve, sum_within
from dana.stats._output import output
from dana.stats.standards import esp2013

#: Fingertips note for groups whose total count is too small for a DSR.
SMALL_COUNT_NOTE = f"DSR not calculated: total count < {EXACT_BELOW}"


def dsr(
    x,
    n,
    *,
    age=None,
    data=None,
    by=None,
    standard=None,
    confidence=0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Directly age-standardised rate, Dobson et al. (1991) limits.

    Formula (Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991) Stat Med 10:457-462;
    Fingertips Public Health Technical Guidance, "Directly standardised rates"), for age
    bands i with events O_i, population n_i and standard weights w_i::

        DSR   = sum(w_i O_i / n_i) / sum(w_i) * multiplier
        var   = sum(w_i^2 O_i / n_i^2) / sum(w_i)^2
        O     = sum(O_i)
        lower = (DSR' + sqrt(var / O) (O_lower - O)) * multiplier    (DSR' = DSR / multiplier)
        upper = (DSR' + sqrt(var / O) (O_upper - O)) * multiplier

    with O_lower, O_upper Byar's limits for the total count O (Breslow & Day 1987).

    Parameters
    ----------
    x, n
        Events and population per age band: arrays or column names of ``data``.
    age
        Age-band labels (array or column name) matched to the standard's bands by label
        (``"0-4"``, ``"Aged 00-04"``, ``"90+"``, ``"90 and over"`` all match). If omitted,
        the rows of each group must be the standard's bands in order.
    data, by
        DataFrame (or DataFrameGroupBy) and grouping column(s); one DSR per group, or one
        DSR for all rows without ``by``.
    standard
        Standard population weights. Default: ESP2013 in the 19-band Fingertips form
        (:data:`dana.stats.standards.ESP2013`). A mapping or Series from age-band label
        to weight (e.g. ``standards.esp2013(15, 24)`` for an age-restricted indicator),
        or a plain sequence of weights matched to each group's rows in order.
    confidence
        One level or several, e.g. ``(0.95, 0.998)``.
    multiplier
        Rate per ``multiplier`` people: 100,000 by default.

    Returns
    -------
    DataFrame with [by columns], ``count`` (total events), ``denominator`` (total
    population), ``value``, the limit columns, ``value_note`` and ``method`` ("Dobson").

    Edge rules
    ----------
    * Total count < 10: ``value`` and limits are NaN and ``value_note`` reads
      "DSR not calculated: total count < 10" (Fingertips rule; Morris et al. 2018 found
      DSRs and their intervals robust from 10 events). Not an error.
    * A band with population 0 and no events contributes nothing; population 0 with
      events is an error.
    * Every group must have every band of the standard exactly once; a missing or
      repeated band is an error naming the group and the band.
    * Negative or missing counts or populations are errors naming the group and row.
    """
    levels = confidence_levels(confidence)
    multiplier = check_multiplier(multiplier)
    res = resolve(data, by, what="dsr", pool_ungrouped=True, x=x, n=n)
    check(res, res["x"] < 0, "dsr: count x is negative")
    check(res, res["n"] < 0, "dsr: population n is negative")
    check(res, (res["n"] == 0) & (res["x"] > 0), "dsr: population n is 0 but the count is not")

    weights_by_band = _standard_weights(standard, age)
    age_labels = None if age is None else raw_column(data, age, "age", len(res))
    positions = band_positions(res, age_labels, list(weights_by_band.index), "dsr")
    w = weights_by_band.to_numpy(dtype=float)[positions]

    x_, n_ = res["x"], res["n"]
    safe_n = np.where(n_ == 0, 1.0, n_)  # n = 0 only with x = 0 here: the term is 0
    groups = res.groups
    sums = group_sums(res, "x", "n")
    count = sums["x"]
    total_weight = sum_within(groups, w)
    rate = sum_within(groups, w * x_ / safe_n) / total_weight
    variance = sum_within(groups, w**2 * x_ / safe_n**2) / total_weight**2
    small = count < EXACT_BELOW

    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(variance / count)
        limits = []
        for level in levels:
            o_lower, o_upper = byar_limits(count, level)
            lower = (rate + spread * (o_lower - count)) * multiplier
            upper = (rate + spread * (o_upper - count)) * multiplier
            limits.append((level, np.where(small, np.nan, lower), np.where(small, np.nan, upper)))
    return output(
        res,
        {
            "count": count,
            "denominator": sums["n"],
            "value": np.where(small, np.nan, rate * multiplier),
        },
        limits,
        after={
            "value_note": pd.array(np.where(small, SMALL_COUNT_NOTE, None), dtype="string"),
            "method": "Dobson",
        },
    )


def _standard_weights(standard, age) -> pd.Series:
    """The standard as a Series of weights indexed by band label (or position)."""
    if standard is None:
        weights = esp2013()
    elif isinstance(standard, pd.Series):
        weights = standard.astype(float)
    elif isinstance(standard, Mapping):
        weights = pd.Series({str(k): float(v) for k, v in standard.items()}, dtype=float)
    else:
        if age is not None:
            raise StatsInputError(
                "dsr: standard= is a plain sequence, which is matched to rows by position; "
                "to match the age= labels give standard as a mapping {age band: weight}"
            )
        values = np.asarray(standard, dtype=float)
        weights = pd.Series(values, index=[f"band {i + 1}" for i in range(len(values))])
    if len(weights) == 0:
        raise StatsInputError("dsr: the standard population has no age bands")
    bad = ~np.isfinite(weights.to_numpy()) | (weights.to_numpy() < 0)
    if bad.any() or weights.sum() <= 0:
        raise StatsInputError(
            "dsr: standard population weights must be non-negative numbers with a positive "
            f"total; got {weights.to_dict()}"
        )
    return weights
