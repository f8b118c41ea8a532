"""Group codes for ``by=`` key columns: which group each row belongs to, groups sorted by key.

:func:`group_codes` is what ``DataFrame.groupby(by, sort=True).ngroup()`` computes, made
cheaper for the common cases: rows already sorted by numeric keys (an indicator table
read in order) are split into runs in one pass; otherwise each key column is factorised
once and the codes combined arithmetically. Pure numpy/pandas, no Python loop over rows
or groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype


def group_codes(key_data: pd.DataFrame):
    """``(codes, keys, missing, starts)`` for the key columns of ``key_data`` (index 0..n-1).

    ``codes[i]`` is the group of row ``i``, numbering the groups in ascending
    (lexicographic) order of their key values; ``keys`` holds one row per group (the key
    values, original dtypes, index 0..G-1). ``missing`` is ``(row, column)`` of the first
    missing key value (and the rest are then None), else None. When the rows are already
    sorted by the keys each group is a run of rows: ``codes`` is then None and
    ``starts`` holds the first row of each run (sums within groups are then
    ``np.add.reduceat``, codes are built only if asked for); otherwise ``starts`` is None.
    """
    columns = list(key_data.columns)
    plain = [_plain_numeric(key_data[c]) for c in columns]
    if all(a is not None for a in plain):
        for column, values in zip(columns, plain, strict=True):
            nan = np.isnan(values) if values.dtype.kind == "f" else None
            if nan is not None and nan.any():
                return None, None, (int(np.flatnonzero(nan)[0]), column), None
        starts = _run_starts_if_sorted(plain)
        if starts is not None:
            first = np.flatnonzero(starts)
            return None, key_data.iloc[first].reset_index(drop=True), None, first

    combined = np.zeros(len(key_data), dtype=np.int64)
    radix = 1
    for column in columns:
        codes, uniques = pd.factorize(key_data[column], sort=True)
        if (codes < 0).any():
            return None, None, (int(np.flatnonzero(codes < 0)[0]), column), None
        if radix * max(len(uniques), 1) >= 2**62:  # would overflow: let pandas combine
            return _pandas_codes(key_data)
        combined = combined * len(uniques) + codes
        radix *= max(len(uniques), 1)
    codes, _ = pd.factorize(combined, sort=True)
    return codes.astype(np.intp, copy=False), _first_rows(key_data, codes), None, None


def codes_from_starts(starts: np.ndarray, size: int) -> np.ndarray:
    """Group code of each row when group g is the run of rows from ``starts[g]``."""
    lengths = np.diff(np.append(starts, size))
    return np.repeat(np.arange(len(starts), dtype=np.intp), lengths)


def _plain_numeric(column: pd.Series) -> np.ndarray | None:
    """The column as a numpy array when it is plain (not extension, not bool) numbers."""
    dtype = column.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) or is_bool_dtype(dtype):
        return None
    return column.to_numpy() if is_numeric_dtype(dtype) else None


def _run_starts_if_sorted(arrays: list[np.ndarray]) -> np.ndarray | None:
    """Boolean "a new group starts here" per row, if rows are sorted by the keys; else None."""
    size = len(arrays[0])
    starts = np.zeros(size, dtype=bool)
    if size:
        starts[0] = True
    equal_so_far = np.ones(max(size - 1, 0), dtype=bool)
    for values in arrays:
        before, after = values[:-1], values[1:]
        if (equal_so_far & (after < before)).any():
            return None
        equal_so_far &= after == before
    starts[1:] = ~equal_so_far
    return starts


def _first_rows(key_data: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Key values of each group, read from its first row."""
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.intp)
    order = np.arange(len(codes) - 1, -1, -1)
    first[codes[order]] = order  # the last write for each group is its first row
    return key_data.iloc[first].reset_index(drop=True)


def _pandas_codes(key_data: pd.DataFrame):
    grouper = key_data.groupby(list(key_data.columns), sort=True, observed=True)
    codes = grouper.ngroup().to_numpy().astype(np.intp, copy=False)
    return codes, _first_rows(key_data, codes), None, None
