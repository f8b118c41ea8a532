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

import numpy as np
import pandas as pd
from scipy import stats as _sp

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
    return float(_sp.norm.ppf(1 - (1 - level) / 2))


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
        lower = np.where(o == 0, 0.0, _sp.chi2.ppf(alpha / 2, 2 * np.where(o == 0, 1, o)) / 2)
    upper = _sp.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return lower, upper


def poisson_limits(count, level: float):
    """Fingertips rule: exact limits below 10 events, Byar's at 10 or more."""
    o = np.asarray(count, dtype=float)
    lower, upper = byar_limits(o, level)
    small = o < EXACT_BELOW
    if small.any():
        # chi-square quantiles are slow: compute them only for the distinct small counts
        distinct, inverse = np.unique(o[small], return_inverse=True)
        exact_lo, exact_hi = exact_poisson_limits(distinct, level)
        lower = np.where(small, 0.0, lower)
        upper = np.where(small, 0.0, upper)
        lower[small] = exact_lo[inverse]
        upper[small] = exact_hi[inverse]
    return np.asarray(lower), np.asarray(upper)


def wilson_limits(x, n, level: float):
    """Wilson score limits for a proportion x/n, as fractions in [0, 1].

    ``(2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2 (n + z^2))``
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(level)
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z**2)
    return (2 * x + z**2 - root) / denom, (2 * x + z**2 + root) / denom


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
    codes = np.asarray(codes)
    rank = pd.Series(values).groupby(codes).rank(method="min").to_numpy()
    size = np.bincount(codes)[codes] if len(codes) else np.zeros(0, dtype=int)
    return (np.floor((rank - 1) * k / size) + 1).astype(np.int64)
