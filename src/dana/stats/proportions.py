"""Proportions with Wilson score confidence limits (Fingertips convention).

API (shared by every ``dana.stats`` method): inputs are scalars, arrays, or column names
of ``data=``; with ``by=`` (or a ``DataFrameGroupBy`` as ``data=``) the inputs are summed
within each group and one row per group is returned; without ``by`` there is one row per
input row (the data's own columns are carried through). ``confidence=`` takes one level
or several, each adding ``lower_<level>``/``upper_<level>`` columns.
"""

from __future__ import annotations

import pandas as pd

from dana.stats._common import (
    checked_run_sums,
    checked_wilson,
    confidence_levels,
    in_proportion_range,
    wilson,
)
from dana.stats._frame import check, check_multiplier, checked_group_sums, fail, resolve
from dana.stats._output import output


def proportion(
    x,
    n,
    *,
    data=None,
    by=None,
    confidence=0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Proportion ``x / n * multiplier`` with Wilson score limits.

    Formula (Wilson 1927; Newcombe & Altman 2000; Fingertips Public Health Technical
    Guidance, "Proportions"), with ``z`` the two-sided normal quantile::

        value = x / n * multiplier
        lower = (2x + z^2 - z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)) * multiplier
        upper = (2x + z^2 + z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)) * multiplier

    computed in an algebraically equal form without cancellation (see
    :func:`dana.stats._common.wilson`), in one pass over the rows.

    Parameters
    ----------
    x, n
        Numerator (count) and denominator: scalars, arrays, or column names of ``data``.
        Non-integer counts are accepted (e.g. modelled estimates).
    data, by
        Optional DataFrame (or DataFrameGroupBy) and grouping column(s); with groups,
        ``x`` and ``n`` are summed within each group.
    confidence
        One level or several, as fractions: ``0.95`` or ``(0.95, 0.998)``.
    multiplier
        100 for a percentage (default), 1 for a fraction, 1000 per 1,000.

    Returns
    -------
    DataFrame with [by columns | data columns], ``count``, ``denominator``, ``value``,
    ``lower_<level>``, ``upper_<level>`` for each level, and ``method`` ("Wilson").

    Edge rules: x = 0 gives value 0 and lower limit 0; x = n gives upper limit = multiplier.
    Errors (:class:`~dana.stats.StatsInputError`, naming the group or row): negative,
    missing (NaN) or infinite x or n, x greater than n in any row, a group (or row) whose
    denominator is 0, and x or n not given (None). ``method`` is a categorical column.
    """
    levels = confidence_levels(confidence)
    multiplier = check_multiplier(multiplier)
    # integer columns stay as they are: converted and checked in the formula's own pass
    res = resolve(data, by, what="proportion", x=x, n=n, raw_numbers=True)
    limits = []
    if res.groups.grouped:
        starts = res.groups.run_starts
        fused = None if starts is None else checked_run_sums(res["x"], res["n"], starts)
        if fused is None:
            sums, ok = checked_group_sums(res, ("x", "n"), in_proportion_range)
            fused = sums["x"], sums["n"], ok
        count, denominator, ok = fused
        if not ok:
            _name_bad_rows(res, zero_denominator=False)
        fail(res.groups, denominator == 0, "proportion: denominator is 0")
    else:
        *fused, ok = checked_wilson(res["x"], res["n"], levels[0], scale=multiplier)
        if not ok:
            _name_bad_rows(res, zero_denominator=True)
        count, denominator, value, lower, upper = fused
        limits.append((levels[0], lower, upper))
    for level in levels[len(limits) :]:
        value, lower, upper = wilson(count, denominator, level, scale=multiplier)
        limits.append((level, lower, upper))
    return output(
        res,
        {"count": count, "denominator": denominator, "value": value},
        limits,
        after={"method": "Wilson"},
    )


def _name_bad_rows(res, *, zero_denominator: bool) -> None:
    """Raise the error naming the first bad input, in the order the checks are documented."""
    res.check_finite()
    count, denominator = res["x"], res["n"]
    check(res, count < 0, "proportion: count x is negative")
    check(res, denominator < 0, "proportion: denominator n is negative")
    check(res, count > denominator, "proportion: count x is greater than denominator n")
    if zero_denominator:
        fail(res.groups, denominator == 0, "proportion: denominator is 0")
    raise AssertionError("proportion: the one-pass input check failed on no row")
