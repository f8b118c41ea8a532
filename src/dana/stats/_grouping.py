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

from dana.stats._blocks import BLOCK_ROWS, in_spans, spans, thread_count


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
        first = _run_starts_if_sorted(plain)
        if first is not None:
            index = pd.RangeIndex(len(first))
            keys = pd.DataFrame({c: a[first] for c, a in zip(columns, plain, strict=True)}, index)
            return None, keys, None, first

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
    """First row of each run of equal keys, if rows are sorted by the keys; else None.

    One pass over the rows in cache-sized blocks, shared between threads: each block
    compares its rows with the row before (lexicographically, key by key).
    """
    size = len(arrays[0])

    def run(first: int, last: int):
        found = [np.zeros(1, np.intp)] if first == 0 and size else []
        for start in range(max(first, 1), last, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, last)
            equal_so_far = None
            for values in arrays:
                before, after = values[start - 1 : stop - 1], values[start:stop]
                descending = after < before
                if equal_so_far is not None:
                    descending &= equal_so_far
                if descending.any():
                    return None
                same = after == before
                equal_so_far = same if equal_so_far is None else (equal_so_far & same)
            found.append(np.flatnonzero(~equal_so_far) + start)
        return found

    pieces = in_spans(run, size)
    if any(found is None for found in pieces):
        return None
    return np.concatenate([part for found in pieces for part in found] or [np.zeros(0, np.intp)])


#: Integers below this add up exactly as floats (the float64 significand has 53 bits).
EXACT_FLOAT_INTEGERS = 2.0**53


def sum_runs(values: np.ndarray, starts: np.ndarray, largest=None) -> np.ndarray:
    """Float sum of each run of rows ``starts[g]..starts[g + 1]`` (``np.add.reduceat``).

    Integer values are summed without a converted copy of the array: signed ones as
    whole numbers when ``largest`` (a bound on every value's size) times the row count is below
    2^53, where every float partial sum is exact and the two sums are equal, else as
    floats. Large inputs are split between threads at run boundaries, so each sum is
    the same whichever thread adds it up.
    """
    values = np.ascontiguousarray(values)
    whole = values.dtype.kind == "i" and largest is not None
    whole = whole and largest * len(values) < EXACT_FLOAT_INTEGERS
    size, count = len(values), len(starts)
    sums = np.empty(count)
    cuts = np.searchsorted(starts, [first for first, _ in spans(size, thread_count())])
    bounds = [(int(a), int(b)) for a, b in zip(cuts, [*cuts[1:], count], strict=True) if b > a]

    def run(first: int, last: int) -> None:
        row = starts[first]
        rows = values[row : starts[last] if last < count else size]
        at = starts[first:last] - row
        if whole:  # int64 sums, exact, then one conversion per group
            sums[first:last] = np.add.reduceat(rows, at, dtype=np.int64)
        else:
            np.add.reduceat(rows, at, dtype=float, out=sums[first:last])

    if bounds:
        in_spans(run, size, bounds=bounds)
    return sums


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
