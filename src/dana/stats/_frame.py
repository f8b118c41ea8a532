"""Input dispatch shared by every ``dana.stats`` method.

Each public method accepts its inputs in one of three shapes, the way PHEindicatormethods
works on grouped tibbles:

* scalars or arrays: ``proportion(65, 100)``, ``rate(deaths_array, pop_array)``;
* column names of ``data=``: ``proportion("numerator", "denominator", data=df)``;
* a DataFrame with ``by=`` (one or several key columns), or a pandas ``DataFrameGroupBy``
  passed as ``data=`` - the inputs are then combined within each group.

:func:`resolve` turns any of these into a :class:`Resolved`: one float array per named
input (one value per input row, in input order) plus the :class:`Groups` the rows belong
to. Every input is checked here in one vectorised pass: a missing (NaN) or infinite value
is an error naming the row (and group), never dropped; :func:`check` raises the same kind
of error for a method's own row condition and :func:`fail` for a group-level one.
:func:`sum_within` adds inputs up within groups (``np.bincount``, no Python loop over
groups) and :func:`output` assembles the tidy result frame without copying the arrays.

Typical use in a method::

    res = resolve(data, by, what="proportion", x=x, n=n)
    check(res, res["x"] < 0, "proportion: count x is negative")
    sums = group_sums(res, "x", "n")
    ...
    return output(res, {"count": sums["x"], ...}, limits)

Speed: numeric arrays and columns are used as they are (no copy when already float64),
scalars are broadcast without being materialised, and the checks cost a few array
comparisons; only when a check fails does the slower code that finds and names the
offending row run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from dana.stats._blocks import blockwise
from dana.stats._common import StatsInputError
from dana.stats._grouping import codes_from_starts, group_codes, sum_runs

#: How many offending groups or rows an error message lists before "and N more".
_SHOW = 3


@dataclass(frozen=True)
class Groups:
    """Which output row (group) each input row belongs to.

    ``codes[i]`` is the output row of input row ``i``. ``keys`` has one row per group:
    the ``by`` key columns when grouped; ungrouped, either the columns of ``data``
    carried through unchanged, one row per input row (an empty-column frame without
    ``data``), or - when the method pools ungrouped input (``pooled``: DSR, mean) - a
    single row with no columns.
    """

    size: int
    keys: pd.DataFrame
    by: tuple[str, ...]
    #: Index labels of the input rows (used to name rows in error messages).
    row_labels: pd.Index = field(repr=False)
    #: True when ungrouped input is pooled into one group rather than kept row by row.
    pooled: bool = False
    given_codes: np.ndarray | None = field(default=None, repr=False)
    #: First row of each group when the rows are sorted by group (runs), else None.
    run_starts: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def codes(self) -> np.ndarray:
        """Output row of each input row (built on first use when ungrouped or in runs)."""
        if self.given_codes is not None:
            return self.given_codes
        if self.run_starts is not None:
            return codes_from_starts(self.run_starts, self.size)
        if self.pooled:
            return np.zeros(self.size, dtype=np.intp)
        return np.arange(self.size, dtype=np.intp)

    @property
    def grouped(self) -> bool:
        """True when rows are combined within groups (``by`` given, or pooled input)."""
        return bool(self.by) or self.pooled

    @property
    def count(self) -> int:
        """Number of groups (output rows)."""
        return len(self.keys)

    def sizes(self) -> np.ndarray:
        """Number of input rows in each group."""
        if not self.grouped:
            return np.ones(self.size, dtype=np.intp)
        if self.pooled:
            return np.array([self.size], dtype=np.intp)
        if self.run_starts is not None:
            return np.diff(np.append(self.run_starts, self.size))
        return np.bincount(self.codes, minlength=self.count)

    def label(self, group: int) -> str:
        """Human-readable name of a group: ``group area='E1', year=2020`` or ``row 3``."""
        if self.pooled:
            return "the input"
        if not self.by:
            return self.row_label(group)
        values = self.keys.iloc[group]
        parts = ", ".join(f"{name}={_show(values[name])}" for name in self.by)
        return f"group {parts}"

    def row_label(self, position: int) -> str:
        """Human-readable name of an input row: its position, plus its index label if different."""
        return _row_label(self.row_labels, position)

    def where(self, row: int) -> str:
        """Name of an input row for an error message, with its group when grouped."""
        if self.by:
            return f"{self.label(int(self.codes[row]))} ({self.row_label(row)})"
        return self.row_label(row)


@dataclass(frozen=True)
class Resolved:
    """Inputs resolved to float arrays, with the groups their rows belong to."""

    values: dict[str, np.ndarray]
    groups: Groups
    #: Inputs whose array is the caller's own memory (a float64 array or column used as
    #: is): :func:`output` copies them, so a later change to the input cannot reach the
    #: result.
    borrowed: frozenset[str] = frozenset()
    #: The method's name and a colon, which starts every error message.
    prefix: str = ""

    def is_borrowed(self, array) -> bool:
        """True when ``array`` is one of the inputs used without a copy."""
        return any(array is self.values[name] for name in self.borrowed)

    def check_finite(self, allow_missing: bool = False) -> None:
        """The missing / infinite checks :func:`resolve` skips with ``raw_numbers``.

        Raises the error naming the first offending row, input by input, exactly as
        :func:`resolve` would have; integer inputs cannot be missing or infinite.
        """
        for name, arr in self.values.items():
            if arr.dtype.kind == "f":
                _check_finite(self, arr, f"{self.prefix}{name}", allow_missing)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def __len__(self) -> int:
        return self.groups.size


def _show(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def _row_label(labels: pd.Index, position: int) -> str:
    label = labels[position]
    if isinstance(labels, pd.RangeIndex) and label == position:
        return f"row {position}"
    return f"row {position} (index {_show(label)})"


def frame_of(data) -> pd.DataFrame | None:
    """The DataFrame behind ``data=`` (a DataFrame, a DataFrameGroupBy, or None)."""
    return data.obj if isinstance(data, pd.core.groupby.DataFrameGroupBy) else data


def _unpack_data(data, by) -> tuple[pd.DataFrame | None, list[str]]:
    """Accept a DataFrame, a DataFrameGroupBy or None; return (frame, by-columns)."""
    if data is None:
        if by:
            raise StatsInputError("by= names grouping columns, so data= (a DataFrame) is needed")
        return None, []
    if isinstance(data, pd.core.groupby.DataFrameGroupBy):
        if by is not None:
            raise StatsInputError("data= is already grouped; do not also pass by=")
        names = [g.name for g in data._grouper.groupings]
        frame = data.obj
        for name in names:
            if not isinstance(name, str) or name not in frame.columns:
                raise StatsInputError(
                    "a grouped data= must be grouped by column names "
                    f"(got a grouping on {name!r}); use data=df, by=[...] instead"
                )
        return frame, names
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(
            f"data= must be a pandas DataFrame or DataFrameGroupBy, not {type(data).__name__}"
        )
    names = [] if by is None else [by] if isinstance(by, str) else list(by)
    missing = [name for name in names if name not in data.columns]
    if missing:
        raise StatsInputError(
            f"by= column(s) {missing} not found in data; columns are {list(data.columns)}"
        )
    return data, names


def _scalar_float(name: str, value) -> float:
    """A scalar input as a float; text or None that is not a number is an error."""
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        raise StatsInputError(f"{name}: value {value!r} is not a number") from None


def _as_float(name: str, raw, labels: pd.Index, keep_integers: bool = False) -> np.ndarray:
    """Convert one input to a float array, naming the first unconvertible row on failure.

    Plain numeric numpy data is returned as is (no copy when already float64); with
    ``keep_integers`` a plain integer array is returned as is too (not converted).
    """
    kept = "iu" if keep_integers else ""
    if isinstance(raw, pd.Series):
        if is_numeric_dtype(raw.dtype) and not isinstance(
            raw.dtype, pd.api.extensions.ExtensionDtype
        ):
            values = raw.to_numpy()
            return values if values.dtype.kind in kept else values.astype(float, copy=False)
        if is_numeric_dtype(raw.dtype) and not is_bool_dtype(raw.dtype):
            return raw.to_numpy(dtype=float, na_value=np.nan)
        series = raw
    else:
        if raw.dtype.kind in kept:
            return raw
        if raw.dtype.kind in "iufb":
            return raw.astype(float, copy=False)
        series = pd.Series(raw.astype(object, copy=False))
    converted = pd.to_numeric(series, errors="coerce")
    bad = converted.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise StatsInputError(
            f"{name}: value {series.iloc[pos]!r} at {_row_label(labels, pos)} is not a number"
        )
    return converted.to_numpy(dtype=float, na_value=np.nan)


def resolve(
    data,
    by,
    /,
    *,
    what: str = "",
    optional: Sequence[str] = (),
    pool_ungrouped: bool = False,
    allow_missing: bool = False,
    raw_numbers: bool = False,
    **inputs,
) -> Resolved:
    """Resolve named inputs (scalar, array-like or column name of ``data``) to float arrays.

    ``inputs`` values may be: a column name of ``data``; a scalar (broadcast to every
    row); a sequence, numpy array or Series of the same length as the other inputs
    (taken by position); or ``None``, which is an error naming the argument
    (``"proportion: x= is needed"``) unless the name is in ``optional`` (the input is
    then left out of the result). ``by`` is a column name or a list of them; ``data``
    may instead be a ``DataFrameGroupBy``. ``what`` (the method's name) starts every
    error message.

    Missing ``by`` key values, NaN inputs and infinite inputs are errors naming the row
    (and group), never dropped; with ``allow_missing`` a missing input (NaN, None, pd.NA)
    stays NaN for the method to handle (comparison and trend report "not compared" /
    "cannot be calculated"), but infinity and text that is not a number are still
    errors. Without ``by``, each input row is its own group, unless ``pool_ungrouped``
    is true (methods such as DSR and mean that summarise many rows), when all rows form
    one group.

    With ``raw_numbers`` (for a method that converts and checks its inputs in its own
    fused pass over the rows), integer arrays and columns keep their dtype and no input
    is checked for missing or infinite values: the method must then check them itself
    and call :meth:`Resolved.check_finite` to name the offending row.
    """
    prefix = f"{what}: " if what else ""
    frame, by_cols = _unpack_data(data, by)
    raw: dict[str, object] = {}
    lengths: dict[str, int] = {}
    for name, value in inputs.items():
        if value is None:
            if name in optional:
                continue
            raise StatsInputError(f"{prefix}{name}= is needed (got None)")
        if isinstance(value, str):
            if frame is None:
                raise StatsInputError(
                    f"{prefix}{name}={value!r} names a column, but no data= DataFrame was given"
                )
            if value not in frame.columns:
                raise StatsInputError(
                    f"{prefix}{name}={value!r}: no such column in data; "
                    f"columns are {list(frame.columns)}"
                )
            raw[name] = frame[value]
            lengths[name] = len(frame)
        elif np.ndim(value) == 0:
            raw[name] = value
        else:
            arr = value if isinstance(value, pd.Series) else np.asarray(value)
            if arr.ndim != 1:
                raise StatsInputError(
                    f"{prefix}{name}: expected one value per row, got shape {arr.shape}"
                )
            raw[name] = arr
            lengths[name] = len(arr)

    if frame is not None:
        size = len(frame)
        labels = frame.index
    else:
        size = max(lengths.values(), default=1)
        labels = pd.RangeIndex(size)
    wrong = {name: n for name, n in lengths.items() if n != size}
    if wrong:
        raise StatsInputError(
            f"{prefix}inputs have different lengths: {wrong} but {size} rows were expected "
            "(every array must have one value per row)"
        )
    if size == 0:
        raise StatsInputError(f"{prefix}no rows to calculate from (the input is empty)")

    values, borrowed = {}, set()
    for name, value in raw.items():
        if np.ndim(value) == 0:
            # broadcast without materialising: a read-only view of one float
            scalar = np.float64(_scalar_float(f"{prefix}{name}", value))
            values[name] = np.broadcast_to(scalar, size)
        else:
            values[name] = _as_float(f"{prefix}{name}", value, labels, raw_numbers)
            source = value.array if isinstance(value, pd.Series) else value
            if np.may_share_memory(values[name], np.asarray(source)):
                borrowed.add(name)

    groups = _make_groups(frame, by_cols, size, labels, pool_ungrouped, prefix)
    resolved = Resolved(values, groups, frozenset(borrowed), prefix)
    if not raw_numbers:
        resolved.check_finite(allow_missing)
    return resolved


def _check_finite(resolved: Resolved, arr: np.ndarray, name: str, allow_missing: bool) -> None:
    """One pass over ``arr``: infinity is always an error, NaN unless ``allow_missing``."""
    probe = arr[:1] if arr.strides == (0,) else arr  # a broadcast scalar: check it once
    if np.isfinite(probe).all():
        return
    check(resolved, np.isinf(arr), f"{name} is infinite")
    if not allow_missing:
        check(resolved, np.isnan(arr), f"{name} is missing (NaN)")


def _make_groups(
    frame: pd.DataFrame | None, by: list[str], size: int, labels, pooled: bool, prefix: str
) -> Groups:
    if not by and pooled:
        keys = pd.DataFrame(index=pd.RangeIndex(1))
        return Groups(size, keys, (), labels, pooled=True)
    if not by:
        keys = (
            frame.reset_index(drop=True)
            if frame is not None
            else pd.DataFrame(index=pd.RangeIndex(size))
        )
        return Groups(size, keys, (), labels)
    key_data = frame[by].reset_index(drop=True)
    codes, keys, missing_row, starts = group_codes(key_data)
    if missing_row is not None:
        row, column = missing_row
        raise StatsInputError(
            f"{prefix}by column {column!r} is missing at {_row_label(labels, row)}; every row "
            "needs a group key (rows are never dropped silently)"
        )
    return Groups(size, keys, tuple(by), labels, given_codes=codes, run_starts=starts)


def _describe(items: Sequence[int], describe) -> str:
    shown = ", ".join(describe(int(i)) for i in items[:_SHOW])
    extra = len(items) - _SHOW
    return shown + (f" (and {extra} more)" if extra > 0 else "")


def check(resolved: Resolved, bad_rows, problem: str) -> None:
    """Raise :class:`StatsInputError` if any input row is flagged in ``bad_rows``.

    The message names the offending group(s) by their key values, with the row
    position, or for ungrouped input the row position(s)::

        proportion: count x is greater than denominator n: group area='E1' (row 4)
    """
    bad = np.asarray(bad_rows, dtype=bool)
    if not bad.any():
        return
    rows = np.flatnonzero(np.broadcast_to(bad, len(resolved)))
    raise StatsInputError(f"{problem}: {_describe(rows, resolved.groups.where)}")


def fail(groups: Groups, bad_groups, problem: str) -> None:
    """Raise :class:`StatsInputError` if any group (output row) is flagged in ``bad_groups``."""
    bad = np.asarray(bad_groups, dtype=bool)
    if not bad.any():
        return
    raise StatsInputError(f"{problem}: {_describe(np.flatnonzero(bad), groups.label)}")


def group_sums(resolved: Resolved, *names: str) -> dict[str, np.ndarray]:
    """Sum each named input within groups (one value per group, in ``groups.keys`` order).

    For ungrouped (not pooled) input this is the inputs themselves (one group per row).
    """
    groups = resolved.groups
    if groups.run_starts is not None:  # one pass over the rows for every input
        columns = [resolved[name] for name in names]
        sums, _ = sum_runs(columns, groups.run_starts, groups.size)
        return dict(zip(names, sums, strict=True))
    return {name: sum_within(groups, resolved[name]) for name in names}


def checked_group_sums(resolved: Resolved, names: Sequence[str], check):
    """:func:`group_sums` with a check of the inputs in the same pass over the rows.

    ``check(*blocks)`` is called on blocks of the named inputs (rows in order; integer
    columns may be passed as they are, other inputs as floats) and returns True when
    the block is valid. Returns ``(sums, ok)``, ``ok``
    being True when every block passed (when it is False the sums are meaningless).
    """
    groups = resolved.groups
    columns = [resolved[name] for name in names]
    if groups.run_starts is not None:  # one pass: convert, check and add up each block
        sums, passed = sum_runs(columns, groups.run_starts, groups.size, check)
        return dict(zip(names, sums, strict=True)), all(passed)
    _, passed = blockwise(_as_check(check, len(columns)), columns, 0, collect=True)
    return group_sums(resolved, *names), all(passed)


def _as_check(check, inputs: int):
    def kernel(*blocks):
        return check(*(np.asarray(block, dtype=float) for block in blocks[:inputs]))

    return kernel


def sum_within(groups: Groups, values) -> np.ndarray:
    """Sum a per-row array within groups (float sums; no Python loop over groups).

    Integer input is summed as floats without a converted copy of the whole array.
    """
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        values = values.astype(float)
    if not groups.grouped:
        return values.astype(float, copy=False)
    if groups.pooled:  # one group: a whole-array sum, no group codes
        return np.array([values.sum(dtype=float)])
    if groups.run_starts is not None:  # groups are runs of rows: add each run up
        return sum_runs([values], groups.run_starts, groups.size)[0][0]
    return np.bincount(groups.codes, weights=values, minlength=groups.count)


def check_multiplier(multiplier) -> float:
    """``multiplier=`` must be a positive finite number (100 for %, 100_000 per 100,000)."""
    try:
        value = float(multiplier)
    except (TypeError, ValueError):
        raise StatsInputError(f"multiplier={multiplier!r} is not a number") from None
    if not (np.isfinite(value) and value > 0):
        raise StatsInputError(f"multiplier={multiplier!r} must be a positive finite number")
    return value


def raw_column(data, value, name: str, size: int) -> pd.Series:
    """An input taken as-is (not converted to float), e.g. age-band labels.

    ``value`` is a column name of ``data`` (a DataFrame or DataFrameGroupBy), or an
    array-like with one entry per row; the result has a 0..size-1 RangeIndex.
    """
    frame = frame_of(data)
    if isinstance(value, str):
        if frame is None or value not in frame.columns:
            raise StatsInputError(f"{name}={value!r}: no such column in data")
        return frame[value].reset_index(drop=True)
    series = value.reset_index(drop=True) if isinstance(value, pd.Series) else pd.Series(value)
    if len(series) != size:
        raise StatsInputError(f"{name}: expected {size} values (one per row), got {len(series)}")
    return series
