"""Benchmark comparison, the Fingertips way: "better / similar / worse than England".

:func:`compare` labels each area against a benchmark (usually England) by whether the
area's confidence interval excludes the benchmark's *point value*, or places it in a
quintile of its comparator group.

References
----------
- OHID Fingertips Public Health Technical Guidance; FingertipsNext
  ``BenchmarkComparisonEngine.cs`` (the rule and the outcome vocabulary) and
  ``BenchmarkComparisonMethod.cs`` (CIOverlappingReferenceValue95 / 998, Quintiles).
- PHE "RAG rating indicator values" technical guide (July 2017).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._common import (
    StatsInputError,
    confidence_levels,
    limit_columns,
    quantile_groups,
)
from dana.stats._frame import carry_columns, check, frame_of, raw_column, resolve
from dana.vocabulary import DIFFERENCE_OUTCOME, NOT_COMPARED, POLARITIES, QUINTILE_LABELS

METHODS = ("confidence_interval", "quintiles")
_MIN_FOR_QUINTILES = 5


def compare(
    value=None,
    lower=None,
    upper=None,
    benchmark=None,
    *,
    data=None,
    by=None,
    polarity="no_judgement",
    confidence: float = 0.95,
    method: str = "confidence_interval",
) -> pd.DataFrame:
    """Compare each area with a benchmark (Fingertips rule) or rank it into quintiles.

    Parameters
    ----------
    value, lower, upper, benchmark:
        Scalars, arrays or column names of ``data=``. With ``data=`` the defaults are the
        indicator-table columns ``"value"`` and the limits of ``confidence``
        (``"lower_95"``/``"upper_95"``, ``"lower_99_8"``/``"upper_99_8"``).
        ``benchmark`` is the comparator's point value (e.g. England's), per row or one
        number; it is not used by the quintile method.
    polarity:
        ``"low_is_good"``, ``"high_is_good"`` or ``"no_judgement"``, or the name of a
        column of ``data`` holding one of these per row (the indicator table's
        ``polarity`` column).
    confidence:
        The level of the intervals being compared, usually 0.95 or 0.998; it is
        recorded in the output and picks the default limit columns.
    method:
        ``"confidence_interval"`` (default) or ``"quintiles"``.
    by:
        Quintiles only: column(s) defining the comparator groups ranked separately
        (e.g. ``["indicator_id", "period"]``), or pass a DataFrameGroupBy as ``data=``.
        Without it all rows are ranked together.

    Returns
    -------
    DataFrame
        One row per input row, in input order (the data's columns first), with
        ``value``, ``benchmark``, ``comparison``, ``method`` and ``confidence`` (NaN for
        quintiles).

    Rule (confidence_interval)
    --------------------------
    ::

        upper < benchmark  -> lower   (low_is_good: better, high_is_good: worse)
        lower > benchmark  -> higher  (low_is_good: worse,  high_is_good: better)
        otherwise          -> similar

    The area's interval is compared with the benchmark's point value, never with the
    benchmark's own interval. A missing value, limit or benchmark (e.g. a suppressed
    value) gives ``not_compared``. An interval touching the benchmark is "similar".

    Rule (quintiles)
    ----------------
    Within each comparator group, the areas with a value are ranked from the lowest
    value; with r the rank (ties share the lowest rank) of n values, the quintile is
    ``floor(5 (r - 1) / n) + 1`` - exactly :func:`dana.stats.quantiles` with
    ``assign=5`` (see :func:`dana.stats._common.quantile_groups`), so quintile 1 holds
    the lowest values. Quintiles 1..5 are labelled lowest/low/middle/high/highest, or
    with a polarity best..worst (low_is_good) / worst..best (high_is_good). Groups with
    fewer than 5 values are ``not_compared``.

    Errors
    ------
    :class:`StatsInputError` for an unknown polarity or method, or a row whose lower
    limit exceeds its upper limit (naming the row).
    """
    if method not in METHODS:
        raise StatsInputError(f"compare: method must be one of {METHODS}, not {method!r}")
    (level,) = confidence_levels(confidence)
    frame = frame_of(data)
    if frame is not None:
        default_lower, default_upper = limit_columns(level)
        value = "value" if value is None else value
        if method == "confidence_interval":
            lower = default_lower if lower is None else lower
            upper = default_upper if upper is None else upper
    if value is None:
        raise StatsInputError("compare: value= is needed")
    if method == "confidence_interval" and (lower is None or upper is None):
        raise StatsInputError("compare: lower= and upper= (the confidence limits) are needed")
    if method == "confidence_interval" and benchmark is None:
        raise StatsInputError("compare: benchmark= (the comparator's value) is needed")

    inputs = {"value": value}
    if method == "confidence_interval":
        inputs.update(lower=lower, upper=upper, benchmark=benchmark)
    if method == "quintiles" and by is not None and frame is None:
        raise StatsInputError("compare: by= names columns, so data= is needed")
    # quintiles rank within the by= groups; the CI rule works row by row
    if method == "quintiles":
        res = resolve(data, by, pool_ungrouped=True, allow_missing=True, **inputs)
    else:
        res = resolve(frame, None, allow_missing=True, **inputs)
    size = len(res)
    polarities = _polarities(frame, polarity, size)

    if method == "confidence_interval":
        lo, hi, bench = res["lower"], res["upper"], res["benchmark"]
        check(res, lo > hi, "compare: lower limit is greater than upper limit")
        direction = np.where(hi < bench, -1, np.where(lo > bench, 1, 0))
        labels = np.full(size, "similar", dtype=object)
        for (pol, sign), label in DIFFERENCE_OUTCOME.items():
            labels[(polarities == pol) & (direction == sign)] = label
        missing = np.isnan(res["value"]) | np.isnan(lo) | np.isnan(hi) | np.isnan(bench)
        labels[missing] = NOT_COMPARED
        bench_out, level_out = bench, np.full(size, level)
    else:
        labels = _quintile_labels(res, polarities)
        bench_out = np.full(size, np.nan)
        level_out = np.full(size, np.nan)

    body = {
        "value": res["value"],
        "benchmark": bench_out,
        "comparison": pd.array(labels, dtype="str"),
        "method": pd.array(np.full(size, method, dtype=object), dtype="str"),
        "confidence": level_out,
    }
    return carry_columns(frame, pd.DataFrame(body))


def _polarities(frame, polarity, size: int) -> np.ndarray:
    """One polarity per row, from a vocabulary word or a column of ``data``."""
    if isinstance(polarity, str) and polarity in POLARITIES:
        return np.full(size, polarity, dtype=object)
    if isinstance(polarity, str) and (frame is None or polarity not in frame.columns):
        raise StatsInputError(
            f"compare: polarity={polarity!r} is neither one of {POLARITIES} nor a column of data"
        )
    column = raw_column(frame, polarity, "polarity", size).astype(object).to_numpy()
    bad = ~np.isin(column, POLARITIES)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise StatsInputError(
            f"compare: polarity {column[row]!r} at row {row} is not one of {POLARITIES}"
        )
    return column


def _quintile_labels(res, polarities: np.ndarray) -> np.ndarray:
    """Quintile label of each row with a value; ``not_compared`` where missing or too few."""
    values, codes = res["value"], res.groups.codes
    present = ~np.isnan(values)
    rows = np.flatnonzero(present)
    quintile = quantile_groups(values[rows], codes[rows], 5)
    enough = np.bincount(codes[rows], minlength=res.groups.count)[codes[rows]] >= _MIN_FOR_QUINTILES
    labels = np.full(len(values), NOT_COMPARED, dtype=object)
    for pol, names in QUINTILE_LABELS.items():
        chosen = enough & (polarities[rows] == pol)
        labels[rows[chosen]] = np.asarray(names, dtype=object)[quintile[chosen] - 1]
    return labels
