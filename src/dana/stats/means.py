"""Means with t-based confidence limits, sample quantiles, and quantile (quintile) groups.

Same API as every ``dana.stats`` method (see :mod:`dana.stats.proportions`): ``x`` is an
array or a column name of ``data=``; ``by=`` (or a DataFrameGroupBy) summarises within
groups; without ``by`` all rows are summarised together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sp

from dana.stats._common import StatsInputError, confidence_levels, quantile_groups
from dana.stats._frame import carry_columns, output, resolve, sum_within


def mean(x, *, data=None, by=None, confidence=0.95) -> pd.DataFrame:
    """Arithmetic mean with limits from Student's t distribution.

    Formula (Armitage P, Berry G, Matthews JNS (2002) *Statistical Methods in Medical
    Research*, 4th ed., section 4.2; Fingertips Public Health Technical Guidance, "Means";
    PHEindicatormethods ``phe_mean``)::

        value = sum(x) / k                                   (k observations)
        sd    = sqrt(sum((x - value)^2) / (k - 1))
        lower = value - t_inv(1 - alpha/2; k - 1) * sd / sqrt(k),  upper = value + ...

    Returns a DataFrame with [by columns], ``n`` (number of observations), ``value``,
    ``sd``, the limit columns and ``method`` ("t"). A group with one observation has
    ``sd`` and limits NaN (no spread can be estimated). Missing values are an error,
    never dropped; so is a non-numeric value.
    """
    levels = confidence_levels(confidence)
    res = resolve(data, by, pool_ungrouped=True, x=x)
    groups, values = res.groups, res["x"]
    k = np.bincount(groups.codes, minlength=groups.count).astype(float)
    average = sum_within(groups, values) / k
    # two-pass variance: centre first for numerical stability
    deviation = values - average[groups.codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(sum_within(groups, deviation**2) / (k - 1))
        sd = np.where(k > 1, sd, np.nan)
        stderr = sd / np.sqrt(k)
    limits = []
    for level in levels:
        t = _sp.t.ppf(1 - (1 - level) / 2, np.where(k > 1, k - 1, np.nan))
        limits.append((level, average - t * stderr, average + t * stderr))
    return output(
        groups, {"n": k.astype(np.int64), "value": average, "sd": sd}, limits, after={"method": "t"}
    )


def quantiles(
    x,
    *,
    data=None,
    by=None,
    probs=(0.25, 0.5, 0.75),
    assign: int | None = None,
) -> pd.DataFrame:
    """Sample quantiles of ``x`` (within groups), or each row's quantile group 1..assign.

    **Quantile definition.** Hyndman RJ & Fan Y (1996) "Sample quantiles in statistical
    packages", *Am Stat* 50:361, definition 7 - the default of R ``quantile()`` and numpy,
    and Excel's ``PERCENTILE.INC``/``QUARTILE.INC`` used by the PHE/APHO Excel tools. For
    sorted values v_1..v_k and probability p::

        h = (k - 1) p + 1;  Q(p) = v_floor(h) + (h - floor(h)) (v_floor(h)+1 - v_floor(h))

    Returns one row per group and probability: [by columns], ``probability``, ``n``,
    ``value``.

    **Quantile groups** (``assign=5`` for quintiles, 10 for deciles): one row per input
    row (data columns carried through) with ``value`` (x) and ``quantile`` in 1..assign,
    **1 holding the lowest values**. Rank-based equal-count groups, as in the Fingertips
    "Quintiles" benchmarking: with r the rank of x within its group (tied values share
    the lowest rank, so ties always fall in the same group) and k the group size::

        quantile = floor((r - 1) * assign / k) + 1

    ``compare(method="quintiles")`` uses the same assignment (quintile 1 = "lowest").
    Note that PHEindicatormethods ``phe_quantile`` numbers from the highest value by
    default (``invert = TRUE``, deprivation deciles): for that convention pass the
    negated values (``-x``), which also keeps tied values together. See :func:`dana.stats._common.quantile_groups`.

    Missing values are an error, never dropped.
    """
    if assign is not None:
        return _assign_quantile_groups(x, data, by, assign)
    probs_arr = np.atleast_1d(np.asarray(probs, dtype=float))
    if probs_arr.size == 0 or ((probs_arr < 0) | (probs_arr > 1) | np.isnan(probs_arr)).any():
        raise StatsInputError(f"quantiles: probs must lie in [0, 1], got {list(probs_arr)}")
    res = resolve(data, by, pool_ungrouped=True, x=x)
    groups, values = res.groups, res["x"]
    order = np.lexsort((values, groups.codes))
    ordered = values[order]
    sizes = groups.sizes()
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    frames = []
    for p in probs_arr:
        h = (sizes - 1) * p  # zero-based position of definition 7
        below = np.floor(h).astype(np.intp)
        above = np.minimum(below + 1, sizes - 1)
        low, high = ordered[starts + below], ordered[starts + above]
        value = low + (h - below) * (high - low)
        frames.append(
            output(groups, {"probability": p, "n": sizes, "value": value}).assign(
                _g=np.arange(groups.count)
            )
        )
    long = pd.concat(frames, ignore_index=True)
    long = long.sort_values(["_g", "probability"], kind="stable").drop(columns="_g")
    return long.reset_index(drop=True)


def _assign_quantile_groups(x, data, by, assign) -> pd.DataFrame:
    if isinstance(assign, bool) or not isinstance(assign, int | np.integer) or assign < 2:
        raise StatsInputError(f"quantiles: assign must be a whole number >= 2, got {assign!r}")
    res = resolve(data, by, pool_ungrouped=True, x=x)
    quantile = quantile_groups(res["x"], res.groups.codes, int(assign))
    return carry_columns(data, pd.DataFrame({"value": res["x"], "quantile": quantile}))


def rank(x, *, data=None, by=None) -> pd.DataFrame:
    """Rank of each value within its group: 1 = lowest, ties share the lower rank.

    The "competition" (minimum) ranking used for league positions such as "7th lowest of
    16": a value's rank is 1 + the number of values in its group strictly below it, so
    tied values share a rank and the next rank is skipped. Missing values are allowed:
    they get no rank and are not counted in ``rank_of``. Whether a low rank is good is
    the caller's reading (the indicator's polarity), not this function's.

    Returns one row per input row (data columns carried through) with ``value`` (x),
    ``rank`` (nullable integer) and ``rank_of`` (how many values in the group were ranked).
    """
    res = resolve(data, by, pool_ungrouped=True, allow_missing=True, x=x)
    values = pd.Series(res["x"])
    codes = res.groups.codes
    ranks = values.groupby(codes).rank(method="min").astype("Int64")
    counts = np.bincount(codes, weights=values.notna().to_numpy(), minlength=res.groups.count)
    return carry_columns(
        data,
        pd.DataFrame(
            {"value": res["x"], "rank": ranks.array, "rank_of": counts[codes].astype(np.int64)}
        ),
    )
