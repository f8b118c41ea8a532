"""Shared pieces of the statistics layer: confidence levels and Poisson/Wilson limits.

Every public method in ``dana.stats`` builds on these. Pure functions, no I/O.

References
----------
- Fingertips Public Health Technical Guidance, "Rates" (Byar's method for O >= 10,
  exact chi-square method for O < 10).
- Wilson EB (1927) JASA 22:209; Newcombe RG & Altman DG (2000) in *Statistics with
  Confidence*, 2nd ed.
- Breslow NE & Day NE (1987) *Statistical Methods in Cancer Research* vol. II (Byar).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache, partial

import numpy as np
import pandas as pd

# scipy.special, not scipy.stats: the same quantile functions scipy.stats calls, without
# the second or so it takes to import scipy.stats at every start
from scipy import special as _special

from dana.stats._blocks import THREADED_ROWS, blockwise, in_spans
from dana.stats._compiled import kernels, usable
from dana.stats._grouping import EXACT_FLOAT_INTEGERS
from dana.stats._sorting import min_ranks

#: Below this count crude rates and ratios use exact chi-square limits (Fingertips rule).
EXACT_BELOW = 10


class StatsInputError(ValueError):
    """Bad input to a statistics method; the message names the offending group."""


def confidence_levels(confidence: float | Iterable[float]) -> list[float]:
    """Normalise ``confidence=`` (one level or several) to a list of floats in (0, 1).

    Levels may be given as fractions (0.95, 0.998); a value above 1 such as 95 or 99.8
    is rejected rather than guessed at. A level given twice, e.g. ``(0.95, 0.95)``, is
    kept once (first occurrence, order preserved) so it yields one pair of limit
    columns; two different levels that would share a column name (0.95 and 0.9500000001)
    are an error rather than one silently overwriting the other.
    """
    levels = [confidence] if np.isscalar(confidence) else list(confidence)
    if not levels:
        raise StatsInputError("confidence: at least one level is needed, e.g. 0.95")
    out: list[float] = []
    columns: dict[str, float] = {}
    for level in levels:
        try:
            level = float(level)
        except (TypeError, ValueError):
            raise StatsInputError(f"confidence level {level!r} is not a number") from None
        if not 0 < level < 1:
            raise StatsInputError(
                f"confidence level {level!r} must lie strictly between 0 and 1 "
                "(write 0.95 for 95%, 0.998 for 99.8%)"
            )
        suffix = level_suffix(level)
        if suffix in columns:
            if columns[suffix] != level:
                raise StatsInputError(
                    f"confidence levels {columns[suffix]!r} and {level!r} would both be "
                    f"written to the columns lower_{suffix}/upper_{suffix}"
                )
            continue
        columns[suffix] = level
        out.append(level)
    return out


def level_suffix(level: float) -> str:
    """Column suffix for a confidence level: 0.95 -> '95', 0.998 -> '99_8'."""
    pct = round(level * 100, 6)
    text = f"{pct:g}" if pct != int(pct) else str(int(pct))
    return text.replace(".", "_")


def limit_columns(level: float) -> tuple[str, str]:
    """The (lower, upper) column names for a confidence level."""
    suffix = level_suffix(level)
    return f"lower_{suffix}", f"upper_{suffix}"


def z_value(level: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    return float(_special.ndtri(1 - (1 - level) / 2))  # = scipy.stats.norm.ppf


def chi2_quantile(p, df):
    """The chi-square quantile, as scipy.stats.chi2.ppf computes it: 2 P^-1(df/2, p)."""
    return 2 * _special.gammaincinv(np.asarray(df, dtype=float) / 2, p)


def byar_limits(count, level: float):
    """Byar's approximation to exact Poisson limits for an observed count O.

    ``O_lower = O (1 - 1/(9 O) - z / (3 sqrt(O)))^3``
    ``O_upper = (O+1) (1 - 1/(9 (O+1)) + z / (3 sqrt(O+1)))^3``

    A count of 0 gives a lower limit of 0 (the formula divides by zero there).
    """
    o = np.asarray(count, dtype=float)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    o1 = o + 1
    upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    return lower, upper


def exact_poisson_limits(count, level: float):
    """Exact (chi-square) Poisson limits for an observed count O.

    ``O_lower = chi2_inv(alpha/2; 2 O) / 2``, ``O_upper = chi2_inv(1 - alpha/2; 2 O + 2) / 2``.
    For O = 0 the lower limit is 0 (scipy returns NaN for 0 degrees of freedom,
    R's qchisq returns 0), and the upper limit is chi2_inv(1 - alpha/2; 2) / 2.
    """
    o = np.asarray(count, dtype=float)
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(o == 0, 0.0, chi2_quantile(alpha / 2, 2 * np.where(o == 0, 1, o)) / 2)
    upper = chi2_quantile(1 - alpha / 2, 2 * o + 2) / 2
    return lower, upper


@lru_cache(maxsize=32)
def _exact_table(level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact limits for the whole counts 0..EXACT_BELOW-1 at one level (read-only)."""
    lower, upper = exact_poisson_limits(np.arange(EXACT_BELOW), level)
    lower.flags.writeable = upper.flags.writeable = False
    return lower, upper


def poisson_limits(count, level: float, scale=1.0):
    """Fingertips rule: exact limits below 10 events, Byar's at 10 or more; times ``scale``.

    Returns ``(O_lower * scale, O_upper * scale)``; ``scale`` is a number or an array
    (e.g. ``multiplier / population`` for a rate). Byar's formula is evaluated for every
    count in cache-sized blocks (:func:`dana.stats._blocks.blockwise`); the counts below
    10 then take the exact limits, from a table for whole counts and from the chi-square
    quantiles of the distinct values otherwise.
    """
    o = np.asarray(count, dtype=float)
    z = z_value(level)
    lower, upper = blockwise(partial(_byar_block, z=z), (o, scale), 2, temporaries=2)
    small = np.flatnonzero(o < EXACT_BELOW)
    if len(small):
        counts = o[small]
        whole = counts.astype(np.intp)
        if (whole == counts).all():
            table_lo, table_hi = _exact_table(level)
            exact_lo, exact_hi = table_lo[whole], table_hi[whole]
        else:  # chi-square quantiles are slow: compute them once per distinct count
            distinct, inverse = np.unique(counts, return_inverse=True)
            exact_lo, exact_hi = exact_poisson_limits(distinct, level)
            exact_lo, exact_hi = exact_lo[inverse], exact_hi[inverse]
        factor = scale if np.ndim(scale) == 0 else np.broadcast_to(scale, o.shape)[small]
        lower[small] = exact_lo * factor
        upper[small] = exact_hi * factor
    return lower, upper


def _byar_block(o, scale, lower, upper, t, u, *, z: float) -> None:
    """Byar's limits for one block, in place: with r = 1 / sqrt(O),
    ``O (1 - r^2/9 - z r/3)^3`` and the same at O + 1 with ``+ z r/3``, times scale."""
    with np.errstate(divide="ignore", invalid="ignore"):  # O = 0 is replaced by the caller
        for shift, sign, out in ((0.0, -1.0, lower), (1.0, 1.0, upper)):
            np.add(o, shift, out=u)  # O or O + 1
            np.sqrt(u, out=t)
            np.divide(1.0, t, out=t)  # r
            np.multiply(t, sign * z / 3, out=out)  # -/+ z r / 3
            np.multiply(t, t, out=t)
            np.multiply(t, 1 / 9, out=t)  # r^2 / 9
            np.subtract(out, t, out=out)
            np.add(out, 1.0, out=out)  # 1 - r^2/9 -/+ z r/3
            np.multiply(out, out, out=t)
            np.multiply(out, t, out=out)  # cubed
            np.multiply(out, u, out=out)
            np.multiply(out, scale, out=out)


def method_labels(count) -> pd.Categorical:
    """The ``method`` column of a Poisson-based result: "exact" below 10 events, else "Byar"."""
    codes = (np.asarray(count) >= EXACT_BELOW).astype(np.int8)
    return pd.Categorical.from_codes(codes, ["exact", "Byar"], validate=False)


def wilson(x, n, level: float, scale: float = 1.0):
    """``(x/n, lower, upper)`` times ``scale``: the proportion with its Wilson limits.

    With p = x/n and r = z sqrt(z^2 + 4x(1 - p)), the lower limit
    ``(2x + z^2 - r) / (2(n + z^2))`` is computed in the equal, cancellation-free form
    ``2 x p / (2x + z^2 + r)`` (multiply above and below by ``2x + z^2 + r``), and the
    upper as 1 minus the lower limit of the complementary count n - x (same r), so the
    limits are exactly 0 at x = 0 and exactly ``scale`` at x = n, and never leave
    [0, scale]. Evaluated in one pass over cache-sized blocks.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(level)
    block = partial(_wilson_block, z=z, scale=float(scale))
    return tuple(blockwise(block, (x, n), 3, temporaries=3))


def checked_wilson(x, n, level: float, scale: float = 1.0):
    """:func:`wilson` fused with the float conversion and the input check, in one pass.

    ``x`` and ``n`` are arrays of any numeric dtype (integer columns are converted block
    by block, never as a whole). Returns ``(count, denominator, value, lower, upper,
    ok)``: the float counts and denominators, :func:`wilson`'s three arrays (equal to
    ``wilson(count, denominator)`` bit for bit), and ``ok``, True when every row has
    ``0 <= x <= n``, ``0 < n`` and ``n`` finite (a NaN fails every comparison). When
    ``ok`` is False the other arrays are meaningless and the caller names the bad row.
    """
    z, scale = z_value(level), float(scale)
    compiled = kernels() if np.size(x) >= THREADED_ROWS and usable(x, n) else None
    if compiled is not None:  # the same operations in one compiled loop per span
        outputs = [np.empty(len(x)) for _ in range(5)]

        def run(first: int, last: int) -> bool:
            rows = [a[first:last] for a in (x, n, *outputs)]
            return compiled.checked_wilson(*rows[:2], z, scale, *rows[2:])

        return (*outputs, all(in_spans(run, len(x))))
    block = partial(_checked_wilson_block, z=z, scale=scale)
    outputs, passed = blockwise(block, (x, n), 5, temporaries=3, collect=True)
    return (*outputs, all(passed))


def _checked_wilson_block(x, n, count, denominator, value, lower, upper, p, root, t, **kw):
    np.copyto(count, x)
    np.copyto(denominator, n)
    ok = in_proportion_range(count, denominator) and denominator.min() > 0
    with np.errstate(divide="ignore", invalid="ignore"):  # bad rows are named by the caller
        _wilson_block(count, denominator, value, lower, upper, p, root, t, **kw)
    return ok


def checked_run_sums(x, n, starts):
    """Sums of x and n over runs of rows, with the check ``0 <= x <= n``, compiled.

    For int64 columns of :data:`~dana.stats._blocks.THREADED_ROWS` rows or more when
    numba is available: one pass, whole-number sums (equal to the float sums, as in
    :func:`dana.stats._grouping.sum_runs`). Returns ``(count_sums, denominator_sums,
    ok)``, or None when the compiled path does not apply (the caller uses numpy).
    """
    whole = all(isinstance(a, np.ndarray) and a.dtype == np.int64 for a in (x, n))
    compiled = kernels() if whole and len(x) >= THREADED_ROWS and usable(x, n) else None
    if compiled is None:
        return None
    count_sums = np.empty(len(starts), dtype=np.int64)
    denominator_sums = np.empty(len(starts), dtype=np.int64)
    ok, largest = compiled.checked_run_sums(x, n, starts, count_sums, denominator_sums)
    if largest * len(x) >= EXACT_FLOAT_INTEGERS:
        return None  # whole numbers might not compare and add up as floats do: numpy's path
    return count_sums.astype(float), denominator_sums.astype(float), ok


def in_proportion_range(count: np.ndarray, denominator: np.ndarray) -> bool:
    """True when every row has ``0 <= count <= denominator < inf`` (float arrays).

    A NaN fails every comparison, so it fails the check too.
    """
    return bool(
        count.min() >= 0 and np.less_equal(count, denominator).all() and denominator.max() < np.inf
    )


def _wilson_block(x, n, value, lower, upper, p, root, t, *, z: float, scale: float) -> None:
    z2 = z * z
    np.divide(x, n, out=p)
    np.multiply(p, scale, out=value)
    np.subtract(1.0, p, out=t)  # 1 - p
    np.multiply(t, x, out=root)
    np.multiply(root, 4.0, out=root)
    np.add(root, z2, out=root)
    np.sqrt(root, out=root)
    np.multiply(root, z, out=root)  # r = z sqrt(z^2 + 4x(1 - p))
    # lower = scale * 2 x p / (2x + z^2 + r)
    np.multiply(x, 2.0, out=lower)
    np.add(lower, z2, out=lower)
    np.add(lower, root, out=lower)
    np.multiply(p, x, out=p)
    np.multiply(p, 2 * scale, out=p)
    np.divide(p, lower, out=lower)
    # upper = scale - scale * 2 (n - x)(1 - p) / (2(n - x) + z^2 + r)
    np.subtract(n, x, out=p)  # n - x
    np.multiply(t, p, out=t)
    np.multiply(t, 2 * scale, out=t)
    np.multiply(p, 2.0, out=upper)
    np.add(upper, z2, out=upper)
    np.add(upper, root, out=upper)
    np.divide(t, upper, out=upper)
    np.subtract(scale, upper, out=upper)


def quantile_groups(values, codes, k: int) -> np.ndarray:
    """Rank-based quantile group 1..k of each value within its group (1 = lowest values).

    With r the rank of a value within its group (ties share the lowest rank, so tied
    values always fall in the same group) and m the number of values in the group::

        quantile = floor((r - 1) k / m) + 1

    Direction: DANA always numbers from the lowest value, so quintile 1 is Fingertips'
    "Lowest" (FingertipsNext ``BenchmarkOutcome`` Lowest..Highest), and
    :func:`dana.stats.quantiles` ``assign=5`` and :func:`dana.stats.compare`
    ``method="quintiles"`` agree row for row. PHEindicatormethods ``phe_quantile``
    numbers from the *highest* value by default (``invert = TRUE``, for deprivation
    deciles where 1 = most deprived); its rank formula as we read it,
    ``k + 1 - ceiling((m - r + 1) k / m)``, equals the one above with ``invert = FALSE``
    (not checked against its test fixtures).
    ``values`` must hold no NaN (callers drop or reject them first).
    """
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes, dtype=np.intp)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    n_groups = int(codes.max()) + 1
    rank = min_ranks(values, codes, n_groups)
    size = np.bincount(codes, minlength=n_groups)[codes]
    return (rank - 1) * k // size + 1
