"""Assembling result frames: the tidy output of every ``dana.stats`` method.

:func:`output` builds the one-row-per-group result (group keys, then the method's
columns, then the limit columns); :func:`carry_columns` builds a one-row-per-input-row
result with the data's own columns in front. Neither copies an array unless it must: a
broadcast scalar is materialised, and an input array that is the caller's own memory
(``Resolved.borrowed``) is copied so a later change to the input cannot reach the
result. :func:`labels_column` and :func:`text_column` make text columns from a few
words and an integer code per row, without a Python string object per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from dana.stats._common import limit_columns
from dana.stats._frame import Groups, Resolved, frame_of


def carry_columns(data, result, resolved: Resolved | None = None) -> pd.DataFrame:
    """Put the columns of ``data`` (one row per result row) in front of ``result``.

    Used by methods that return one row per input row. ``result`` is a DataFrame or a
    mapping of column name to array; a data column with the same name as a result
    column is replaced by the result. Nothing is copied except a broadcast scalar or an
    input array that is the caller's own memory (``resolved.borrowed``).
    """
    frame = frame_of(data)
    body = dict(result.items()) if isinstance(result, pd.DataFrame) else dict(result)
    size = len(frame) if frame is not None else len(next(iter(body.values())))
    body = {name: _owned(value, resolved) for name, value in body.items()}
    front = _carried(frame.reset_index(drop=True), body) if frame is not None else {}
    return pd.DataFrame({**front, **body}, index=pd.RangeIndex(size), copy=False)


def _owned(value, resolved: Resolved | None):
    """``value``, copied if it is a broadcast scalar or borrowed from the caller."""
    if isinstance(value, pd.Series):
        return value.array
    if isinstance(value, np.ndarray) and (
        value.strides == (0,) or (resolved is not None and resolved.is_borrowed(value))
    ):
        return value.copy()
    return value


def _kept_columns(frame: pd.DataFrame, replaced) -> list:
    replaced = set(replaced)
    return [c for c in frame.columns if c not in replaced]


def _carried(frame: pd.DataFrame, replaced) -> dict:
    """The columns of ``frame`` (with a 0..n-1 index) not replaced by a result column."""
    return {c: frame[c] for c in _kept_columns(frame, replaced)}


def labels_column(words, codes) -> pd.Categorical:
    """A text column holding ``words[codes[i]]`` per row, as a pandas Categorical.

    Used for the ``method`` column, whose few distinct words would otherwise cost a
    Python string object per row; compares equal to plain text (``== "Byar"``).
    """
    dtype = _categories(tuple(words))
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int8), dtype=dtype, validate=False)


@lru_cache(maxsize=256)
def _categories(words: tuple[str, ...]) -> pd.CategoricalDtype:
    # made once per word list: building the categories' text index is most of a small
    # result's cost (every call labels its method)
    return pd.CategoricalDtype(list(words))


def text_column(words, codes) -> pd.arrays.StringArray:
    """A plain text (``str`` dtype) column holding ``words[codes[i]]`` per row."""
    # take from a small text array: one gather, no per-row check that each value is text
    return pd.array(list(words), dtype="str").take(np.asarray(codes, dtype=np.intp))


def output(
    resolved_or_groups: Resolved | Groups,
    columns: Mapping[str, object],
    limits: Sequence[tuple[float, np.ndarray, np.ndarray]] = (),
    after: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Assemble the tidy result: group keys, ``columns``, limit columns, then ``after``.

    ``limits`` is a sequence of ``(level, lower, upper)``; each becomes the columns
    ``lower_<level>``/``upper_<level>`` (see :func:`dana.stats._common.limit_columns`).
    For ungrouped input with ``data=``, the data's own columns are carried through in
    front; a data column with the same name as a result column is replaced by the result.
    A constant text value in ``after`` (such as ``method="Wilson"``) becomes a
    categorical column. Arrays are not copied.
    """
    resolved = resolved_or_groups if isinstance(resolved_or_groups, Resolved) else None
    groups = resolved.groups if resolved is not None else resolved_or_groups
    size = groups.count
    body: dict[str, object] = dict(columns)
    for level, lower, upper in limits:
        lo_name, hi_name = limit_columns(level)
        body[lo_name] = lower
        body[hi_name] = upper
    for name, value in (after or {}).items():
        body[name] = (
            labels_column([value], np.zeros(size, np.int8)) if isinstance(value, str) else value
        )
    for name, value in body.items():
        body[name] = np.full(size, value) if np.ndim(value) == 0 else _owned(value, resolved)
    front = _carried(groups.keys, body) if groups.keys.shape[1] else {}
    return pd.DataFrame({**front, **body}, index=pd.RangeIndex(size), copy=False)


def output_per_group_row(groups: Groups, group_of: np.ndarray, body: Mapping[str, object]):
    """A result with several rows per group: row i belongs to group ``group_of[i]``.

    The group keys are repeated in front of ``body`` (e.g. one row per group and age for
    life expectancy, per group and probability for quantiles). Arrays are not copied.
    """
    keys = groups.keys.iloc[group_of].reset_index(drop=True)
    front = {c: keys[c] for c in keys.columns}
    return pd.DataFrame({**front, **body}, index=pd.RangeIndex(len(group_of)), copy=False)
