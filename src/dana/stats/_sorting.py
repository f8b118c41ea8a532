"""Sorting values within groups, and ranks within groups, without a stable lexsort.

``np.lexsort((values, codes))`` is a stable merge sort, about 30x slower than numpy's
vectorised quicksort on this kind of data. :func:`order_within_groups` gets the same
order from two unstable sorts: the values' global rank r (one argsort), then one sort
of the integer key ``code * n + r``, which orders rows by group and, within a group, by
value. Ties between equal values are broken arbitrarily, which neither order
statistics nor minimum ranks depend on. ``values`` must hold no NaN.
"""

from __future__ import annotations

import numpy as np


def order_within_groups(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Row positions sorted by (group code, value): ``values[order]`` is sorted per group."""
    order = np.argsort(values)
    if n_groups <= 1:
        return order
    size = len(values)
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(size)
    key = codes.astype(np.int64) * size
    key += rank
    key.sort()
    return order[key % size]


def min_ranks(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Rank of each value within its group, 1 = lowest; tied values share the lowest rank.

    The "competition" ranking (pandas ``rank(method="min")``): 1 + the number of values
    of the group strictly below.
    """
    size = len(values)
    order = order_within_groups(values, codes, n_groups)
    ordered = values[order]
    new_run = np.ones(size, dtype=bool)  # first of a run of equal values in one group
    np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
    if n_groups > 1:
        ordered_codes = codes[order]
        new_run[1:] |= ordered_codes[1:] != ordered_codes[:-1]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(size), 0))
    if n_groups > 1:
        group_start = np.zeros(n_groups, dtype=np.int64)
        group_start[1:] = np.cumsum(np.bincount(codes, minlength=n_groups))[:-1]
        run_start -= group_start[ordered_codes]
    ranks = np.empty(size, dtype=np.int64)
    ranks[order] = run_start + 1
    return ranks
