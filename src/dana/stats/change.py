"""Percentage change between two values (year on year, period on period). Pure: no I/O."""

from __future__ import annotations

import numpy as np

from dana.stats._common import StatsInputError


def percent_change(previous, current):
    """Percentage change from ``previous`` to ``current``::

        value = (current - previous) / previous * 100

    e.g. 1,054 people in treatment in 2020/21 and 1,174 in 2021 give +11.4% (Medway
    needs assessment: "This represents an 11% increase"); a fall gives a negative value.
    No confidence interval: for counts, compare the two periods with :func:`dana.stats.rate`
    or :func:`dana.stats.compare` instead.

    Parameters
    ----------
    previous, current
        Scalars or equal-length (broadcastable) arrays of counts, rates or proportions
        on the same scale.

    Returns
    -------
    A float for scalar inputs, else a numpy array of floats.

    Raises :class:`~dana.stats.StatsInputError` (a ``ValueError``) naming the position
    when a value is missing or not finite, or ``previous`` is 0 or negative (the change
    is then undefined or meaningless).
    """
    scalar = np.ndim(previous) == 0 and np.ndim(current) == 0
    prev, curr = np.broadcast_arrays(
        np.atleast_1d(np.asarray(previous, dtype=float)),
        np.atleast_1d(np.asarray(current, dtype=float)),
    )
    for name, values in (("previous", prev), ("current", curr)):
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise StatsInputError(
                f"percent_change: {name} at position {i} is {values[i]!r} (must be finite)"
            )
    not_positive = prev <= 0
    if not_positive.any():
        i = int(np.flatnonzero(not_positive)[0])
        raise StatsInputError(
            f"percent_change: previous at position {i} is {prev[i]:g}; the percentage "
            "change needs a positive previous value"
        )
    change = (curr - prev) / prev * 100
    return float(change[0]) if scalar else change
