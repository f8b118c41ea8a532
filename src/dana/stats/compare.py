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
from dana.stats._frame import check, frame_of, raw_column, resolve
from dana.stats._output import carry_columns, labels_column, text_column
from dana.vocabulary import DIFFERENCE_OUTCOME, NOT_COMPARED, POLARITIES, QUINTILE_LABELS, SIMILAR

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
        res = resolve(data, by, what="compare", pool_ungrouped=True, allow_missing=True, **inputs)
    else:
        res = resolve(frame, None, what="compare", allow_missing=True, **inputs)
    size = len(res)
    pol_codes = _polarity_codes(frame, polarity, size)

    if method == "confidence_interval":
        lo, hi, bench = res["lower"], res["upper"], res["benchmark"]
        check(res, lo > hi, "compare: lower limit is greater than upper limit")
        # outcome code per row: 0 below, 1 similar, 2 above, 3 not compared; one word per
        # (polarity, outcome) in _CI_WORDS, so the labels are one take, not a loop
        outcome = (lo > bench).astype(np.int8)
        outcome -= hi < bench
        outcome += 1
        missing = np.isnan(res["value"]) | np.isnan(lo) | np.isnan(hi) | np.isnan(bench)
        outcome[missing] = 3
        labels = text_column(_CI_WORDS, pol_codes * 4 + outcome)
        bench_out, level_out = bench, np.full(size, level)
    else:
        labels = text_column(*_quintile_labels(res, pol_codes))
        bench_out = np.full(size, np.nan)
        level_out = np.full(size, np.nan)

    body = {
        "value": res["value"],
        "benchmark": bench_out,
        "comparison": labels,
        "method": labels_column([method], np.zeros(size, np.int8)),
        "confidence": level_out,
    }
    return carry_columns(frame, body, res)


#: Comparison words by polarity code (POLARITIES order) x outcome (below, similar,
#: above, not compared).
_CI_WORDS = [
    word
    for pol in POLARITIES
    for word in (DIFFERENCE_OUTCOME[pol, -1], SIMILAR, DIFFERENCE_OUTCOME[pol, 1], NOT_COMPARED)
]


def _polarity_codes(frame, polarity, size: int) -> np.ndarray:
    """Position in POLARITIES of each row's polarity, from a vocabulary word or a column."""
    if isinstance(polarity, str) and polarity in POLARITIES:
        return np.broadcast_to(np.int8(POLARITIES.index(polarity)), size)
    if isinstance(polarity, str) and (frame is None or polarity not in frame.columns):
        raise StatsInputError(
            f"compare: polarity={polarity!r} is neither one of {POLARITIES} nor a column of data"
        )
    column = raw_column(frame, polarity, "polarity", size)
    codes, words = pd.factorize(column, use_na_sentinel=False)
    lookup = np.array([POLARITIES.index(w) if w in POLARITIES else -1 for w in words], np.int8)
    codes = lookup[codes]
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        raise StatsInputError(
            f"compare: polarity {column.iloc[row]!r} at row {row} is not one of {POLARITIES}"
        )
    return codes


def _quintile_labels(res, pol_codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """(words, code per row): each row's quintile word, ``not_compared`` if missing or too few."""
    values, codes = res["value"], res.groups.codes
    rows = np.flatnonzero(~np.isnan(values))
    quintile = quantile_groups(values[rows], codes[rows], 5)
    enough = np.bincount(codes[rows], minlength=res.groups.count)[codes[rows]] >= _MIN_FOR_QUINTILES
    words = [word for pol in POLARITIES for word in QUINTILE_LABELS[pol]] + [NOT_COMPARED]
    label = np.full(len(values), len(words) - 1, dtype=np.intp)
    label[rows[enough]] = (np.asarray(pol_codes)[rows] * 5 + quintile - 1)[enough]
    return words, label
