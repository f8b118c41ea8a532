"""Means with t-based confidence limits, sample quantiles, and quantile (quintile) groups.

Same API as every ``dana.stats`` method (see :mod:`dana.stats.proportions`): ``x`` is an
array or a column name of ``data=``; ``by=`` (or a DataFrameGroupBy) summarises within
groups; without ``by`` all rows are summarised together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special as _special

from dana.stats._common import StatsInputError, confidence_levels, quantile_groups
from dana.stats._frame import resolve, sum_within
from dana.stats._output import carry_columns, output, output_per_group_row
from dana.stats._sorting import min_ranks, order_within_groups


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
    ``sd`` and limits NaN (no spread can be estimated). Missing (NaN), infinite and
    non-numeric values are errors naming the row, never dropped.
    """
    levels = confidence_levels(confidence)
    # checked below from the sums: one pass over the rows fewer
    res = resolve(data, by, what="mean", pool_ungrouped=True, raw_numbers=True, x=x)
    groups, values = res.groups, res["x"]
    k = groups.sizes().astype(float)
    total = sum_within(groups, values)
    if not np.isfinite(total).all():
        # a NaN or infinity makes its group's sum non-finite; a finite sum proves the
        # group has neither. This names the row (finite values whose sum overflows pass)
        res.check_finite()
    average = total / k
    if groups.pooled:
        squares = np.array([_squared_deviations(values, total[0])])
    else:
        deviation = values - average[groups.codes]
        deviation *= deviation
        squares = sum_within(groups, deviation)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(squares / (k - 1))
        sd[k <= 1] = np.nan
        stderr = sd / np.sqrt(k)
    # t quantiles are slow: one per distinct group size, not one per group
    sizes, size_of_group = np.unique(k, return_inverse=True)
    limits = []
    for level in levels:
        with np.errstate(invalid="ignore"):
            # scipy.stats.t.ppf(q, df) is special.stdtrit(df, q)
            t_by_size = _special.stdtrit(
                np.where(sizes > 1, sizes - 1, np.nan), 1 - (1 - level) / 2
            )
        half = t_by_size[size_of_group] * stderr
        limits.append((level, average - half, average + half))
    return output(
        groups, {"n": k.astype(np.int64), "value": average, "sd": sd}, limits, after={"method": "t"}
    )


def _squared_deviations(values: np.ndarray, total: float) -> float:
    """``sum((values - mean)^2)`` of one group, ``total`` being ``sum(values)``.

    First by the one-pass identity ``sum(x^2) - total^2 / k`` (a BLAS dot product: no
    temporary array), kept only when cancellation is mild: the identity loses about
    ``log10(sum(x^2) / result)`` digits to the subtraction (Chan, Golub & LeVeque 1983,
    "Algorithms for computing the sample variance", *Am Stat* 37:242), so the result is
    kept when ``sum(x^2)`` is at most ``_MILD_CANCELLATION`` times it (at most 1.2 digits
    lost on top of the dot product's own rounding, about 1e-13 relative here). Otherwise
    (a mean large against the spread, or a zero spread) the two-pass formula: centre
    first, then the dot product of the deviations.
    """
    k = len(values)
    raw = float(np.dot(values, values))
    squares = raw - total * (total / k)
    if squares > 0 and raw <= _MILD_CANCELLATION * squares:
        return squares
    deviation = values - total / k
    return float(np.dot(deviation, deviation))


# sum(x^2) / sum((x - mean)^2) = 1 + k * mean^2 / sum((x - mean)^2): 16 admits a mean up
# to about 3.9 standard deviations from zero, which covers counts, rates, ages and costs
_MILD_CANCELLATION = 16.0


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
    res = resolve(data, by, what="quantiles", pool_ungrouped=True, x=x)
    groups, values = res.groups, res["x"]
    sizes = groups.sizes()
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    # zero-based position of definition 7, one row per (group, probability)
    h = (sizes[:, None] - 1) * probs_arr[None, :]
    below = np.floor(h).astype(np.intp)
    above = np.minimum(below + 1, sizes[:, None] - 1)
    if groups.count == 1:
        # one group: only the order statistics used are needed, found by selection
        # (introselect, linear time) rather than a full sort
        needed = np.unique(np.concatenate((below.ravel(), above.ravel())))
        ordered = np.partition(values, needed) if len(values) else values
    else:
        ordered = values[order_within_groups(values, groups.codes, groups.count)]
    low, high = ordered[starts[:, None] + below], ordered[starts[:, None] + above]
    value = (low + (h - below) * (high - low)).ravel()
    n_probs = len(probs_arr)
    group_of = np.repeat(np.arange(groups.count), n_probs)
    body = {"probability": np.tile(probs_arr, groups.count), "n": sizes[group_of], "value": value}
    return output_per_group_row(groups, group_of, body)


def _assign_quantile_groups(x, data, by, assign) -> pd.DataFrame:
    if isinstance(assign, bool) or not isinstance(assign, int | np.integer) or assign < 2:
        raise StatsInputError(f"quantiles: assign must be a whole number >= 2, got {assign!r}")
    res = resolve(data, by, what="quantiles", pool_ungrouped=True, x=x)
    quantile = quantile_groups(res["x"], res.groups.codes, int(assign))
    return carry_columns(data, {"value": res["x"], "quantile": quantile}, res)


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
    res = resolve(data, by, what="rank", pool_ungrouped=True, allow_missing=True, x=x)
    values, codes = res["x"], res.groups.codes
    present = np.flatnonzero(~np.isnan(values))
    ranked = np.zeros(len(values), dtype=np.int64)
    ranked[present] = min_ranks(values[present], codes[present], res.groups.count)
    ranks = pd.arrays.IntegerArray(ranked, np.isnan(values))
    counts = np.bincount(codes[present], minlength=res.groups.count)
    return carry_columns(
        data, {"value": values, "rank": ranks, "rank_of": counts[codes].astype(np.int64)}, res
    )
