"""Funnel-plot control limits for counts under a Poisson null: the limit counts L and U.

For an expected count E, the upper limit is the count U with ``P(X >= U | E) = alpha/2``
and the lower the count L with ``P(X <= L | E) = alpha/2``, X ~ Poisson(E), the tails
made continuous in the count through the regularised incomplete gamma function::

    gammainc(U, E) = alpha/2            gammaincc(L + 1, E) = alpha/2

solved by vectorised bisection (:func:`exact_limit_counts`). L is 0 when
``exp(-E) >= alpha/2``, i.e. E <= -ln(alpha/2) (3.689 at 95%).

Bisection costs about 160 incomplete-gamma evaluations per value. For many distinct
expected counts (a funnel over a million areas), :func:`limit_counts` instead
interpolates a cubic spline fitted, once per confidence level, to the exact solutions on
a fine grid in log E (step 0.005 from E = 0.001 to 1e9; the lower limit's grid starts
at -ln(alpha/2), where L leaves 0). The spline is fitted to ``(U - E) / sqrt(E)``, a
slowly varying function of log E, and agrees with the bisection to better than 1e-9
relative (tests/stats/test_funnels.py checks this on random expected counts); values
outside the grid are solved exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special as _special
from scipy.interpolate import CubicSpline

_BISECTION_STEPS = 80
#: At most this many values are solved exactly; more are interpolated.
EXACT_UP_TO = 4096
_GRID_STEP = 0.005
_GRID_MIN, _GRID_MAX = 1e-3, 1e9


def exact_limit_counts(expected, alpha: float):
    """(L, U) for each expected count, by bisection (80 halvings: < 1e-15 relative)."""
    e = np.asarray(expected, dtype=float)
    return _exact_lower(e, alpha / 2), _exact_upper(e, alpha / 2)


def _exact_upper(e: np.ndarray, tail: float) -> np.ndarray:
    # gammainc(U, E) falls from 1 to 0 as U grows; the root lies in (0, E + spread]
    lo, hi = np.zeros_like(e), e + 10 * np.sqrt(e) + 40
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        above = _special.gammainc(np.maximum(mid, 1e-300), e) > tail
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return (lo + hi) / 2


def _exact_lower(e: np.ndarray, tail: float) -> np.ndarray:
    # gammaincc(L + 1, E) rises from exp(-E) (at L = 0) as L grows; the root lies in [0, E]
    lo, hi = np.zeros_like(e), np.maximum(e, 1.0)
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        below = _special.gammaincc(mid + 1, e) < tail
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.where(np.exp(-e) >= tail, 0.0, (lo + hi) / 2)


class _Grid:
    """Both limit counts as cubic splines in log E on one uniform grid (cached per level).

    The grid has a node at log E0 = log(-ln(alpha/2)); the lower limit's spline is fitted
    on the nodes from there up (L leaves 0 at E0 with a kink) and is zero below, so one
    interval search (``(log E - start) / step``, no binary search) serves both splines.
    """

    def __init__(self, alpha: float):
        self.log_e0 = float(np.log(-np.log(alpha / 2)))
        below = int(np.ceil((self.log_e0 - np.log(_GRID_MIN)) / _GRID_STEP))
        above = int(np.ceil((np.log(_GRID_MAX) - self.log_e0) / _GRID_STEP))
        self.step = _GRID_STEP
        self.start = self.log_e0 - below * _GRID_STEP
        grid = self.start + _GRID_STEP * np.arange(below + above + 1)
        self.last = len(grid) - 2
        e = np.exp(grid)
        upper = _exact_upper(e, alpha / 2)
        lower = _exact_lower(e[below:], alpha / 2)
        lower[0] = 0.0  # E0 itself: L = 0 exactly
        # splines of the slowly varying (count - E) / sqrt(E); (4, intervals), highest power first
        self.upper = CubicSpline(grid, (upper - e) / np.sqrt(e)).c
        self.lower = np.zeros_like(self.upper)
        self.lower[:, below:] = CubicSpline(
            grid[below:], (lower - e[below:]) / np.sqrt(e[below:])
        ).c

    def __call__(self, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        log_e = np.log(e)
        position = (log_e - self.start) / self.step
        interval = position.astype(np.intp)
        np.clip(interval, 0, self.last, out=interval)
        offset = position - interval
        offset *= self.step
        root = np.sqrt(e)
        counts = []
        for coefficients in (self.lower, self.upper):
            c3, c2, c1, c0 = (row[interval] for row in coefficients)
            c3 *= offset
            c3 += c2
            c3 *= offset
            c3 += c1
            c3 *= offset
            c3 += c0  # the spline: ((c3 h + c2) h + c1) h + c0
            c3 *= root
            c3 += e
            counts.append(c3)
        lower, upper = counts
        np.copyto(lower, 0.0, where=log_e <= self.log_e0)
        np.maximum(lower, 0.0, out=lower)
        return lower, upper


@lru_cache(maxsize=8)
def _grid(alpha: float) -> _Grid:
    return _Grid(alpha)


def limit_counts(expected, alpha: float):
    """(L, U) for each expected count: exact for few values, else interpolated (see module)."""
    e = np.asarray(expected, dtype=float)
    if e.size <= EXACT_UP_TO:
        return exact_limit_counts(e, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):  # values off the grid: solved below
        lower, upper = _grid(alpha)(e)
    outside = np.flatnonzero(~((e >= _GRID_MIN) & (e <= _GRID_MAX)))
    if len(outside):
        lower[outside], upper[outside] = exact_limit_counts(e[outside], alpha)
    return lower, upper
