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

from dana.stats._blocks import BLOCK_ROWS, THREADED_ROWS, in_spans, spans, thread_count
from dana.stats._compiled import kernels, usable


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
        runs = _runs_if_sorted(plain)
        if runs is not None:
            first, key_values = runs
            index = pd.RangeIndex(len(first))
            keys = pd.DataFrame(dict(zip(columns, key_values, strict=True)), index, copy=False)
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


def _runs_if_sorted(arrays: list[np.ndarray]):
    """``(first_rows, key_values)`` of the runs of equal keys if rows are sorted; else None.

    ``first_rows`` is the first row of each run and ``key_values`` each key array read
    at those rows. One pass over the rows in cache-sized blocks, shared between threads:
    each block compares its rows with the row before (lexicographically, key by key) and
    reads the keys of the runs that start in it while the block is in cache.
    """
    size = len(arrays[0])
    if size == 0:  # no rows: no runs
        return np.zeros(0, dtype=np.intp), [a[:0] for a in arrays]
    compiled = kernels() if size >= THREADED_ROWS and len(arrays) <= 2 and usable(*arrays) else None
    if compiled is not None:  # one compiled pass over the key columns
        starts = np.empty(size, dtype=np.int64)
        values = [np.empty(size, dtype=a.dtype) for a in (arrays[0], arrays[-1])]
        count = compiled.run_starts(arrays[0], arrays[-1], starts, *values)
        if count < 0:
            return None
        return starts[:count].astype(np.intp), [v[:count].copy() for v in values[: len(arrays)]]

    def run(first: int, last: int):
        found = [(np.zeros(1, np.intp), [a[:1] for a in arrays])] if first == 0 < size else []
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
            at = np.flatnonzero(~equal_so_far)
            found.append((at + start, [values[start:stop][at] for values in arrays]))
        return found

    found = in_spans(run, size)
    if any(span is None for span in found):
        return None
    pieces = [piece for span in found for piece in span]
    first_rows = np.concatenate([rows for rows, _ in pieces])
    keys = [np.concatenate([values[k] for _, values in pieces]) for k in range(len(arrays))]
    return first_rows, keys


#: Whole numbers below this add up exactly as floats (the float64 significand has 53 bits).
EXACT_FLOAT_INTEGERS = 2**53


def sum_runs(columns, starts: np.ndarray, size: int, check=None):
    """Float sums of each column over each run of rows ``starts[g]..starts[g + 1]``.

    ``columns`` are arrays of ``size`` rows, of any numeric dtype. One pass in blocks of
    whole runs (about :data:`~dana.stats._blocks.BLOCK_ROWS` rows), each block added up
    run by run with ``np.add.reduceat`` while it is in cache, so each sum is the same
    whichever block or thread adds it up. A float64 column is read in place. An integer
    column is added up as whole numbers (no float copy) when every value's size times
    the row count is below 2^53: every partial sum is then exact, so the sums equal the
    float sums; otherwise all columns are summed again as floats. ``check`` (optional)
    is called with each block of every column (integers as they are, else float), e.g.
    to check the input in the same pass. Returns ``(sums, returned)``: one float array
    per column, and what ``check`` returned for each block.
    """
    columns = [np.asarray(c) for c in columns]
    columns = [c if c.dtype.kind in "iuf" else c.astype(float) for c in columns]
    whole = [c.dtype.kind == "i" or (c.dtype.kind == "u" and c.itemsize < 8) for c in columns]
    count = len(starts)
    cuts = np.unique(np.searchsorted(starts, np.arange(0, size, BLOCK_ROWS)))
    cuts = cuts[cuts < count]  # no run starts after the last block's first row
    group_edges = np.append(cuts, count)
    row_edges = np.append(starts[cuts], size)
    widest = int(np.diff(row_edges).max())
    sums = [np.empty(count) for _ in columns]
    limit = EXACT_FLOAT_INTEGERS // max(size, 1)

    def run(first: int, last: int):
        converted = [not w and c.dtype != np.float64 for c, w in zip(columns, whole, strict=True)]
        spare = [np.empty(widest if c else 0) for c in converted]
        returned = []
        for block in range(first, last):
            g0, g1 = group_edges[block], group_edges[block + 1]
            r0, r1 = row_edges[block], row_edges[block + 1]
            at = starts[g0:g1] - r0
            read = []
            for values, integers, scratch, out in zip(columns, whole, spare, sums, strict=True):
                rows = values[r0:r1]
                if integers:
                    if max(-int(rows.min()), int(rows.max())) >= limit:
                        return None  # sums might not be exact as whole numbers
                    out[g0:g1] = np.add.reduceat(rows, at, dtype=np.int64)
                else:
                    if rows.dtype != np.float64:  # e.g. float32: converted here, in cache
                        np.copyto(scratch[: r1 - r0], rows)
                        rows = scratch[: r1 - r0]
                    np.add.reduceat(rows, at, out=out[g0:g1])
                read.append(rows)
            if check is not None:
                returned.append(check(*read))
        return returned

    bounds = spans(len(cuts), thread_count(), align=1)
    found = in_spans(run, size, bounds=bounds)
    if any(span is None for span in found):
        return sum_runs([c.astype(float) for c in columns], starts, size, check)
    return sums, [value for span in found for value in span]


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
