"""Crude rates with Poisson confidence limits (Fingertips convention).

Same API as every ``dana.stats`` method (see :mod:`dana.stats.proportions`): scalars,
arrays or column names of ``data=``; ``by=`` sums within groups; ``confidence=`` one level
or several.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._common import confidence_levels, method_labels, poisson_limits
from dana.stats._frame import check, check_multiplier, fail, group_sums, resolve
from dana.stats._output import output


def rate(
    x,
    n,
    *,
    data=None,
    by=None,
    confidence=0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Crude rate ``O / n * multiplier`` with exact (O < 10) or Byar (O >= 10) limits.

    Formula (Fingertips Public Health Technical Guidance, "Rates"; exact method from
    Armitage & Berry; Byar's approximation from Breslow & Day 1987)::

        value = O / n * multiplier
        O < 10 (exact):  O_lower = chi2_inv(alpha/2; 2 O) / 2
                         O_upper = chi2_inv(1 - alpha/2; 2 O + 2) / 2
        O >= 10 (Byar):  O_lower = O (1 - 1/(9 O) - z/(3 sqrt(O)))^3
                         O_upper = (O+1) (1 - 1/(9 (O+1)) + z/(3 sqrt(O+1)))^3
        lower = O_lower / n * multiplier,  upper = O_upper / n * multiplier

    A count of 0 gives value 0, lower limit 0 and upper limit chi2_inv(1 - alpha/2; 2)/2
    / n * multiplier (3.689 events at 95%).

    Parameters
    ----------
    x, n
        Event count and population (person-years): scalars, arrays, or column names.
    data, by, confidence
        As for :func:`dana.stats.proportion`.
    multiplier
        Rate per ``multiplier`` people: 100,000 by default.

    Returns
    -------
    DataFrame with [by columns | data columns], ``count``, ``denominator``, ``value``, the
    limit columns, and ``method`` ("exact" below 10 events, else "Byar").

    Errors (:class:`~dana.stats.StatsInputError`, naming the group or row): negative,
    missing (NaN) or infinite counts or populations, or one not given (None); a group (or
    row) whose population is 0. ``method`` is a categorical column.
    """
    levels = confidence_levels(confidence)
    multiplier = check_multiplier(multiplier)
    # integer columns stay as they are until summed (grouped) or used (ungrouped)
    res = resolve(data, by, what="rate", x=x, n=n, raw_numbers=True)
    res.check_finite()
    count, population = res["x"], res["n"]
    if not ((count >= 0) & (population >= 0)).all():
        check(res, count < 0, "rate: count x is negative")
        check(res, population < 0, "rate: population n is negative")
    if res.groups.grouped:
        sums = group_sums(res, "x", "n")
        count, population = sums["x"], sums["n"]
    else:
        count, population = count.astype(float, copy=False), population.astype(float, copy=False)
    fail(res.groups, population == 0, "rate: population is 0")
    scale = np.divide(multiplier, population)
    limits = [(level, *poisson_limits(count, level, scale)) for level in levels]
    return output(
        res,
        {"count": count, "denominator": population, "value": count * scale},
        limits,
        after={"method": method_labels(count)},
    )
