"""Input dispatch shared by every ``dana.stats`` method.

Each public method accepts its inputs in one of three shapes, the way PHEindicatormethods
works on grouped tibbles:

* scalars or arrays: ``proportion(65, 100)``, ``rate(deaths_array, pop_array)``;
* column names of ``data=``: ``proportion("numerator", "denominator", data=df)``;
* a DataFrame with ``by=`` (one or several key columns), or a pandas ``DataFrameGroupBy``
  passed as ``data=`` - the inputs are then combined within each group.

:func:`resolve` turns any of these into a :class:`Resolved`: a float frame with one
column per named input (one row per input row, in input order) plus the :class:`Groups`
the rows belong to. Numbers are validated here with :func:`check`, whose errors name the
offending group by its key values (``group area='E06000001', year=2020``) or, for
ungrouped input, the row position; :func:`fail` raises the same kind of error for a
group-level condition. :func:`group_sums` adds inputs up within groups (np.bincount,
no Python loop over groups) and :func:`output` assembles the tidy result frame.

Typical use in a method::

    res = resolve(data, by, x=x, n=n)
    check(res, res["x"] < 0, "count x is negative")
    sums = group_sums(res, "x", "n")
    ...
    return output(res, {"count": sums["x"], ...}, limits)

Nothing is ever dropped silently: missing key values, NaN and non-numeric inputs are
errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from dana.stats._common import StatsInputError, limit_columns

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

    codes: np.ndarray
    keys: pd.DataFrame
    by: tuple[str, ...]
    #: Index labels of the input rows (used to name rows in error messages).
    row_labels: pd.Index = field(repr=False)
    #: True when ungrouped input is pooled into one group rather than kept row by row.
    pooled: bool = False

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


@dataclass(frozen=True)
class Resolved:
    """Inputs resolved to float arrays, with the groups their rows belong to."""

    values: dict[str, np.ndarray]
    groups: Groups

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def __len__(self) -> int:
        return len(self.groups.codes)


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


def carry_columns(data, result: pd.DataFrame) -> pd.DataFrame:
    """Put the columns of ``data`` (one row per result row) in front of ``result``.

    Used by methods that return one row per input row; a data column with the same name
    as a result column is replaced by the result.
    """
    frame = frame_of(data)
    if frame is None:
        return result
    carried = frame.reset_index(drop=True).drop(
        columns=[c for c in result.columns if c in frame.columns]
    )
    return pd.concat([carried, result.reset_index(drop=True)], axis=1)


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


def _as_float(name: str, raw, labels: pd.Index) -> np.ndarray:
    """Convert one input to float, naming the first unconvertible row on failure."""
    series = raw if isinstance(raw, pd.Series) else pd.Series(np.asarray(raw, dtype=object))
    if is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    converted = pd.to_numeric(series, errors="coerce")
    bad = converted.isna().to_numpy() & series.notna().to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise StatsInputError(
            f"{name}: value {series.iloc[pos]!r} at {_row_label(labels, pos)} is not a number"
        )
    return converted.to_numpy(dtype=float, na_value=np.nan)


def resolve(
    data, by, /, *, pool_ungrouped: bool = False, allow_missing: bool = False, **inputs
) -> Resolved:
    """Resolve named inputs (scalar, array-like or column name of ``data``) to float arrays.

    ``inputs`` values may be: a column name of ``data``; a scalar (broadcast to every
    row); a sequence, numpy array or Series of the same length as the other inputs
    (taken by position); or ``None`` (the input is omitted from the result). ``by`` is a
    column name or a list of them; ``data`` may instead be a ``DataFrameGroupBy``.
    Missing ``by`` key values and NaN inputs are errors (checked here), never dropped,
    unless ``allow_missing`` is true: then a missing input (NaN, None, pd.NA) stays NaN
    for the method to handle (comparison and trend report "not compared" / "cannot be
    calculated"); text that is not a number is an error either way. Without ``by``, each input row is its own group, unless ``pool_ungrouped`` is true
    (methods such as DSR and mean that summarise many rows), when all rows form one group.
    """
    frame, by_cols = _unpack_data(data, by)
    raw: dict[str, object] = {}
    lengths: dict[str, int] = {}
    for name, value in inputs.items():
        if value is None:
            continue
        if isinstance(value, str):
            if frame is None:
                raise StatsInputError(
                    f"{name}={value!r} names a column, but no data= DataFrame was given"
                )
            if value not in frame.columns:
                raise StatsInputError(
                    f"{name}={value!r}: no such column in data; columns are {list(frame.columns)}"
                )
            raw[name] = frame[value]
            lengths[name] = len(frame)
        elif np.ndim(value) == 0:
            raw[name] = value
        else:
            arr = value if isinstance(value, pd.Series) else np.asarray(value)
            if arr.ndim != 1:
                raise StatsInputError(f"{name}: expected one value per row, got shape {arr.shape}")
            raw[name] = arr.reset_index(drop=True) if isinstance(arr, pd.Series) else arr
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
            f"inputs have different lengths: {wrong} but {size} rows were expected "
            "(every array must have one value per row)"
        )
    if size == 0:
        raise StatsInputError("no rows to calculate from (the input is empty)")

    values = {}
    for name, value in raw.items():
        if np.ndim(value) == 0:
            value = np.full(size, value, dtype=object)
        values[name] = _as_float(name, value, labels)

    groups = _make_groups(frame, by_cols, size, labels, pool_ungrouped)
    resolved = Resolved(values=values, groups=groups)
    if not allow_missing:
        for name, arr in values.items():
            check(resolved, np.isnan(arr), f"{name} is missing (NaN)")
    return resolved


def _make_groups(
    frame: pd.DataFrame | None, by: list[str], size: int, labels, pooled: bool
) -> Groups:
    if not by and pooled:
        keys = pd.DataFrame(index=pd.RangeIndex(1))
        return Groups(np.zeros(size, dtype=np.intp), keys, (), labels, pooled=True)
    if not by:
        keys = (
            frame.reset_index(drop=True)
            if frame is not None
            else pd.DataFrame(index=pd.RangeIndex(size))
        )
        return Groups(codes=np.arange(size), keys=keys, by=(), row_labels=labels)
    key_data = frame[by].reset_index(drop=True)
    missing = key_data.isna().to_numpy()
    if missing.any():
        row, col = np.argwhere(missing)[0]
        where = _row_label(labels, int(row))
        raise StatsInputError(
            f"by column {by[col]!r} is missing at {where}; every row needs a group key "
            "(rows are never dropped silently)"
        )
    grouper = key_data.groupby(by, sort=True, observed=True)
    codes = grouper.ngroup().to_numpy()
    first = np.full(grouper.ngroups, -1)
    # first input row of each group, to read its key values
    order = np.arange(size)[::-1]
    first[codes[order]] = order
    keys = key_data.iloc[first].reset_index(drop=True)
    return Groups(codes=codes, keys=keys, by=tuple(by), row_labels=labels)


def _describe(groups: Groups, items: Sequence[int], describe) -> str:
    shown = ", ".join(describe(i) for i in items[:_SHOW])
    extra = len(items) - _SHOW
    return shown + (f" (and {extra} more)" if extra > 0 else "")


def check(resolved: Resolved, bad_rows, problem: str) -> None:
    """Raise :class:`StatsInputError` if any input row is flagged in ``bad_rows``.

    The message names the offending group(s) by their key values, with the row
    position, or for ungrouped input the row position(s)::

        proportion: count x is greater than denominator n in group area='E1' (row 4)
    """
    bad = np.asarray(bad_rows, dtype=bool)
    if not bad.any():
        return
    groups = resolved.groups
    rows = np.flatnonzero(bad)
    if groups.by:

        def describe(row: int) -> str:
            return f"{groups.label(groups.codes[row])} ({groups.row_label(row)})"

    else:
        describe = groups.row_label
    raise StatsInputError(f"{problem}: {_describe(groups, list(rows), describe)}")


def fail(groups: Groups, bad_groups, problem: str) -> None:
    """Raise :class:`StatsInputError` if any group (output row) is flagged in ``bad_groups``."""
    bad = np.asarray(bad_groups, dtype=bool)
    if not bad.any():
        return
    items = list(np.flatnonzero(bad))
    raise StatsInputError(f"{problem}: {_describe(groups, items, groups.label)}")


def group_sums(resolved: Resolved, *names: str) -> dict[str, np.ndarray]:
    """Sum each named input within groups (one value per group, in ``groups.keys`` order).

    For ungrouped (not pooled) input this is the inputs themselves (one group per row).
    """
    return {name: sum_within(resolved.groups, resolved[name]) for name in names}


def sum_within(groups: Groups, values) -> np.ndarray:
    """Sum a per-row array within groups with np.bincount (no Python loop over groups)."""
    values = np.asarray(values, dtype=float)
    if not groups.grouped:
        return values
    return np.bincount(groups.codes, weights=values, minlength=groups.count)


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
    """
    groups = (
        resolved_or_groups.groups
        if isinstance(resolved_or_groups, Resolved)
        else resolved_or_groups
    )
    body: dict[str, object] = dict(columns)
    for level, lower, upper in limits:
        lo_name, hi_name = limit_columns(level)
        body[lo_name] = lower
        body[hi_name] = upper
    body.update(after or {})
    result = pd.DataFrame(body, index=pd.RangeIndex(groups.count))
    keys = groups.keys.drop(columns=[c for c in groups.keys.columns if c in body])
    return pd.concat([keys, result], axis=1)


def check_multiplier(multiplier) -> float:
    """``multiplier=`` must be a positive finite number (100 for %, 100_000 per 100,000)."""
    try:
        value = float(multiplier)
    except (TypeError, ValueError):
        raise StatsInputError(f"multiplier={multiplier!r} is not a number") from None
    if not (np.isfinite(value) and value > 0):
        raise StatsInputError(f"multiplier={multiplier!r} must be a positive number")
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


def normalise_band_label(label) -> str:
    """Canonical form of an age-band label: ``'Aged 00 - 04'`` -> ``'0-4'``, ``'90 and over'`` -> ``'90+'``."""
    text = str(label).strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    for word in ("aged", "ages", "years", "year", "yrs"):
        text = text.replace(word, "")
    text = "".join(text.split())
    for tail in ("andover", "andolder", "plus", "orover"):
        if text.endswith(tail):
            text = text[: -len(tail)] + "+"
    parts = text.rstrip("+").split("-")
    if all(part.isdigit() for part in parts) and len(parts) in (1, 2):
        text = "-".join(str(int(part)) for part in parts) + ("+" if text.endswith("+") else "")
    return text


def band_positions(
    resolved: Resolved, age: pd.Series | None, bands: Sequence, what: str
) -> np.ndarray:
    """Position (0..k-1) in ``bands`` of each input row's age band, checking completeness.

    With ``age=None`` the rows of each group are taken to be the bands in order, so a
    group must have exactly ``len(bands)`` rows. Otherwise each ``age`` label is matched
    to ``bands`` after :func:`normalise_band_label`. Either way every group must hold
    every band exactly once: a missing band, a repeated band or an unknown label raises
    :class:`StatsInputError` naming the group and the band. Vectorised with np.bincount.
    """
    groups = resolved.groups
    k = len(bands)
    if age is None:
        sizes = groups.sizes()
        order = np.argsort(groups.codes, kind="stable")
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        positions = np.empty(len(order), dtype=np.intp)
        positions[order] = np.arange(len(order)) - starts[groups.codes[order]]
        _band_error(
            groups,
            sizes < k,
            lambda g: (
                f"{what}: age band {bands[sizes[g]]!r} is missing for {groups.label(g)} "
                f"(rows are matched to the {k} age bands in order; {sizes[g]} rows found)"
            ),
        )
        _band_error(
            groups,
            sizes > k,
            lambda g: (
                f"{what}: {groups.label(g)} has {sizes[g]} rows but there are {k} "
                "age bands (pass age= to match rows to bands by label)"
            ),
        )
        return positions
    lookup = {normalise_band_label(label): i for i, label in enumerate(bands)}
    # normalise each distinct label once, not once per row
    label_codes, distinct = pd.factorize(age, use_na_sentinel=False)
    distinct_pos = np.array(
        [lookup.get(normalise_band_label(label), -1) for label in distinct], dtype=np.intp
    )
    positions = distinct_pos[label_codes]
    unknown = positions < 0
    if unknown.any():
        first = int(np.flatnonzero(unknown)[0])
        check(
            resolved,
            unknown,
            f"{what}: age band {age.iloc[first]!r} is not in the standard "
            f"(bands are {[str(b) for b in bands]})",
        )
    tally = np.bincount(groups.codes * k + positions, minlength=groups.count * k).reshape(-1, k)
    first_band = lambda mask, g: bands[int(np.flatnonzero(mask[g])[0])]  # noqa: E731
    _band_error(
        groups,
        (tally > 1).any(axis=1),
        lambda g: (
            f"{what}: age band {first_band(tally > 1, g)!r} appears more than once "
            f"for {groups.label(g)}"
        ),
    )
    _band_error(
        groups,
        (tally == 0).any(axis=1),
        lambda g: (
            f"{what}: age band {first_band(tally == 0, g)!r} is missing for {groups.label(g)}"
        ),
    )
    return positions


def _band_error(groups: Groups, bad_groups: np.ndarray, message) -> None:
    """Raise naming the first offending group (``message(group)``) and how many others."""
    bad = np.flatnonzero(bad_groups)
    if len(bad) == 0:
        return
    others = len(bad) - 1
    more = f" ({others} other group{'s' if others > 1 else ''} also affected)" if others else ""
    raise StatsInputError(message(int(bad[0])) + more)
