"""Statistical disclosure control: primary and secondary suppression, rounding.

:func:`suppress` hides small counts (primary suppression), hides further cells so that
no hidden cell can be worked out by subtraction from a total (secondary suppression),
and optionally rounds the published counts. Rows are never dropped.

Apply it *last*, to the counts you publish: rates and confidence intervals are computed
on the unrounded, unsuppressed counts first (HES 2018 rule: "rates and CIs computed on
unrounded counts"), and a value built on a suppressed count is then blanked by the
caller.

References
----------
- NHS Digital (2018) "Change to disclosure control methodology for HES and ECDS from
  September 2018": sub-national counts 1-7 suppressed, all others rounded to the
  nearest 5.
- NDTMS public reports: cells below 5 shown as "*" to prevent deductive disclosure.
- OHID Fingertips indicator 92904 (LAPE) metadata: "Primary suppression if 5 or less
  (but not including 0) and secondary suppression applied to prevent identification of
  missing values through subtraction"; sub-national counts rounded to the nearest 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype

from dana.formatting import SUPPRESSED
from dana.stats._common import StatsInputError
from dana.stats._grouping import codes_from_starts, group_codes
from dana.stats._output import labels_column, text_column
from dana.stats.suppress_rules import resolve_rule

#: The mark shown for a suppressed count (the one in dana.formatting).
SUPPRESSED_MARK = SUPPRESSED


def suppress(
    data: pd.DataFrame,
    count: str = "count",
    *,
    rule: str | None = "ndtms",
    by=None,
    total=None,
    max_suppressed: float | None = None,
    suppress_zero: bool | None = None,
    round_to: int | None = None,
    secondary: bool | None = None,
    hidden: str | None = None,
) -> pd.DataFrame:
    """Primary and secondary suppression (and rounding) of a count column.

    Parameters
    ----------
    data:
        The table to publish; ``count`` names its count column (default ``"count"``).
    rule:
        A preset: ``"ndtms"`` (suppress 0-4, i.e. "< 5", with secondary suppression),
        ``"hes2018"`` (suppress 1-7, round all other counts to the nearest 5, no
        secondary suppression: rounding protects the rest), ``"lape"`` (suppress 1-5,
        "5 or less but not 0", with secondary suppression, others rounded to 5), or
        ``None`` for a custom rule given by the arguments below. Explicit arguments
        override the preset.
    max_suppressed, suppress_zero, round_to, secondary:
        The rule: counts ``<= max_suppressed`` are suppressed (0 only if
        ``suppress_zero``); published counts are rounded to the nearest ``round_to``;
        ``secondary`` turns secondary suppression on.
    by:
        The additive groups: column(s) whose rows add up to a total - e.g. ``"area"``
        when the categories of each area add up to its total, or ``"parent_code"`` when
        areas add up to their parent. Give a list of lists for several groupings at once,
        such as the rows and columns of a two-way table: ``[["area"], ["category"]]``.
        Without ``by`` all rows form one group.
    total:
        Which rows are totals rather than parts: the name of a boolean column, or a dict
        ``{column: label}`` - a row is the total of its group in a grouping when it has
        ``label`` in a column that is not one of the grouping's keys, e.g.
        ``{"category": "Total", "area": "England"}`` for a two-way table. Groups
        without a total row are treated as having a published total elsewhere.
    hidden:
        The name of a boolean column marking cells already withheld (suppressed at
        source, or by an earlier pass): they count as primary-suppressed whatever their
        count, which may be missing, so secondary suppression protects them too.

    Returns
    -------
    DataFrame
        Every input row, in order, with the original columns; the count column holds
        the published count (NaN where suppressed, rounded where rounding applies), plus
        ``suppressed`` (bool), ``suppression_reason`` ("primary", "secondary" or "")
        and ``<count>_display`` ("*" or the published count as text). The two text
        columns are pandas Categoricals (they compare equal to text: ``== "primary"``).

    Secondary suppression
    ---------------------
    Each group of each grouping is one linear relation ``total = sum of parts``. A
    relation with exactly one hidden member (a part or the total itself) lets a reader
    recover it by subtraction. So, repeatedly until no relation has exactly one hidden
    member: in every such group, also hide the smallest published non-zero part (ties:
    the first row); if there is none, the smallest zero part; if there is no published
    part, the group's total row. Hiding a cell may expose another grouping, hence the
    iteration (it ends because cells are only ever added). Within an iteration all
    groups are handled together (no loop over groups). A group whose only part is
    hidden and whose total is published outside the data cannot be protected here.

    Rounding is to the nearest multiple (halves, which integers cannot produce with
    round_to=5, go up). Errors (:class:`StatsInputError`) name the offending row:
    missing, negative or non-numeric counts, missing group keys, a group with two
    total rows.
    """
    if not isinstance(data, pd.DataFrame):
        raise StatsInputError(f"suppress: data must be a DataFrame, not {type(data).__name__}")
    settings = resolve_rule(
        rule,
        max_suppressed=max_suppressed,
        suppress_zero=suppress_zero,
        round_to=round_to,
        secondary=secondary,
    )
    withheld = _withheld(data, hidden)
    counts = _counts(
        data.assign(**{count: data[count].mask(withheld, 0)}) if withheld.any() else data, count
    )
    partitions = _partitions(data, by)
    totals = [_total_rows(data, total, keys) for keys in partitions]
    grouped = [_group_codes(data, keys) for keys in partitions]
    codes = [group for group, _ in grouped]
    for keys, group, is_total in zip(partitions, codes, totals, strict=True):
        if is_total.any():
            _check_one_total(data, keys, group, is_total)

    primary = counts <= settings.max_suppressed
    if not settings.suppress_zero:
        primary &= counts != 0
    primary |= withheld
    hidden = primary.copy()
    if settings.secondary:
        hidden = _secondary(counts, hidden, grouped, totals)

    if counts.dtype.kind == "i":
        published, display = _published_whole_counts(counts, hidden, settings.round_to)
    else:
        published = counts.copy()
        if settings.round_to:
            published = np.floor(published / settings.round_to + 0.5) * settings.round_to
        np.copyto(published, np.nan, where=hidden)
        display = _display(published)

    reason = hidden.astype(np.int8) + primary  # 0 shown, 1 secondary, 2 primary
    # the caller's columns are shared copy-on-write (never changed); the count replaced
    added = {
        "suppressed": hidden,
        "suppression_reason": labels_column(["", "secondary", "primary"], reason),
        f"{count}_display": display,
    }
    if not data.columns.is_unique:  # repeated column names cannot go through a dict
        result = data.copy(deep=False)
        result[count] = published
        for name, values in added.items():
            result[name] = values
        return result
    columns = {name: data[name].array for name in data.columns}
    columns[count] = published
    return pd.DataFrame({**columns, **added}, index=data.index, copy=False)


def _published_whole_counts(counts: np.ndarray, hidden: np.ndarray, round_to: int | None):
    """The published counts (float, NaN where hidden) and their display column, for
    whole-number counts: integer arithmetic and small lookup tables, no hash per row.

    Rounding to the nearest ``r`` with halves up is ``floor((2c + r) / 2r) * r``, exact in
    integers, so each published count is ``q * r`` for a small whole ``q``. Each row's
    key ``2q + hidden`` indexes two tables, one holding its published value (NaN for a
    hidden key) and one its display code; one bincount of the keys finds the values
    shown. The display categories are the values shown, in ascending order, then ``*``.
    """
    step = round_to or 1
    top = int(counts.max(initial=0))
    if top > 4 * len(counts) + 1024:  # sparse large values: tables per value would not pay
        multiples = (2 * counts + step) // (2 * step) if round_to else counts
        published = np.multiply(multiples, step, dtype=float)
        np.copyto(published, np.nan, where=hidden)
        return published, _display(published)
    if round_to:
        keys = counts * 2
        keys += step
        keys //= 2 * step
        keys *= 2
    else:
        keys = counts * 2
    keys += hidden.view(np.int8)  # int64 throughout: bincount and take convert nothing
    present = np.flatnonzero(np.bincount(keys, minlength=2))
    shown = present[present % 2 == 0] // 2
    words = [str(int(q) * step) for q in shown]
    hidden_code = len(words)
    if (present % 2 == 1).any():
        words.append(SUPPRESSED)
    size = 2 * ((2 * top + step) // (2 * step) + 1 if round_to else top + 1)
    value_of = np.full(size, np.nan)
    value_of[0::2] = np.arange(size // 2, dtype=float) * step
    code_type = np.int8 if len(words) < 127 else np.int16 if len(words) < 32_000 else np.int32
    code_of = np.full(size, hidden_code, dtype=code_type)
    code_of[2 * shown] = np.arange(len(shown))
    display = pd.Categorical.from_codes(
        code_of.take(keys), pd.Index(words, dtype="str"), validate=False
    )
    return value_of.take(keys), display


def _display(published: np.ndarray):
    """The published counts as text, ``*`` where hidden: each distinct value formatted once,
    held as a Categorical (one code per row, not a string per row: a million rows' text
    cost more than the whole suppression)."""
    codes, distinct = pd.factorize(published)  # NaN (hidden) -> code -1
    words = [f"{v:.15g}" for v in distinct] + [SUPPRESSED]
    codes = np.where(codes < 0, len(words) - 1, codes)
    if len(set(words)) < len(words):  # two values with the same 15-digit text
        return text_column(words, codes)
    return pd.Categorical.from_codes(codes, pd.Index(words, dtype="str"), validate=False)


def _row(data: pd.DataFrame, position: int) -> str:
    label = data.index[position]
    return f"row {position}" + ("" if label == position else f" (index {label!r})")


def _counts(data: pd.DataFrame, count: str) -> np.ndarray:
    if count not in data.columns:
        raise StatsInputError(
            f"suppress: count column {count!r} not found; columns are {list(data.columns)}"
        )
    raw = data[count]
    if raw.dtype.kind in "iu" and not isinstance(raw.dtype, pd.api.extensions.ExtensionDtype):
        # whole numbers: kept as int64 (see _published_whole_counts); only a sign to check
        values = raw.to_numpy().astype(np.int64, copy=False)
        if raw.dtype.kind == "i" and (values < 0).any():
            return _counts_checked(data, raw, values.astype(float))
        if raw.dtype.kind == "u" and raw.dtype.itemsize == 8 and (values < 0).any():
            return _counts_checked(data, raw, raw.to_numpy().astype(float))  # beyond int64
        return values
    if raw.dtype.kind == "f":  # plain numbers: no conversion, one pass to check
        values = raw.to_numpy().astype(float, copy=True)
        if np.isfinite(values).all() and not (values < 0).any():
            return values
    else:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return _counts_checked(data, raw, values)


def _counts_checked(data: pd.DataFrame, raw: pd.Series, values: np.ndarray) -> np.ndarray:
    """``values`` (float) if every count is a number >= 0; else the error naming the row."""
    for bad, problem in (
        (np.isnan(values) & raw.notna().to_numpy(), "is not a number"),
        (np.isnan(values), "is missing (suppression needs every count)"),
        (np.isinf(values), "is infinite"),
        (values < 0, "is negative"),
    ):
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            shown = raw.iloc[pos]
            shown = repr(shown) if isinstance(shown, str) else str(shown)
            raise StatsInputError(
                f"suppress: count {shown} at {_row(data, pos)} {problem}"
                + (f" (and {bad.sum() - 1} more rows)" if bad.sum() > 1 else "")
            )
    return values


def _withheld(data: pd.DataFrame, hidden: str | None) -> np.ndarray:
    if hidden is None:
        return np.zeros(len(data), dtype=bool)
    if hidden not in data.columns:
        raise StatsInputError(f"suppress: hidden={hidden!r} is not a column of data")
    flags = data[hidden]
    if not is_bool_dtype(flags.dtype) or flags.isna().any():
        raise StatsInputError(f"suppress: hidden column {hidden!r} must be boolean")
    return flags.to_numpy(dtype=bool)


def _partitions(data: pd.DataFrame, by) -> list[list[str]]:
    if by is None:
        partitions = [[]]
    elif isinstance(by, str):
        partitions = [[by]]
    elif all(isinstance(item, str) for item in by):
        partitions = [list(by)]
    else:
        partitions = [[item] if isinstance(item, str) else list(item) for item in by]
    for keys in partitions:
        missing = [k for k in keys if k not in data.columns]
        if missing:
            raise StatsInputError(f"suppress: by= column(s) {missing} not found in data")
        # plain integer and boolean columns cannot hold a missing value
        maybe_missing = [
            k
            for k in keys
            if data[k].dtype.kind not in "iub"
            or isinstance(data[k].dtype, pd.api.extensions.ExtensionDtype)
        ]
        if maybe_missing and data[maybe_missing].isna().any(axis=None):
            pos = int(np.flatnonzero(data[keys].isna().any(axis=1).to_numpy())[0])
            raise StatsInputError(f"suppress: group key {keys} is missing at {_row(data, pos)}")
    return partitions


def _group_codes(data: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Each row's group code, and the first row of each group when groups are runs of rows."""
    if not keys:
        return np.zeros(len(data), dtype=np.intp), np.zeros(min(len(data), 1), dtype=np.intp)
    codes, _, _, starts = group_codes(data[keys].reset_index(drop=True))
    return (codes, None) if codes is not None else (codes_from_starts(starts, len(data)), starts)


def _total_rows(data: pd.DataFrame, total, keys: list[str]) -> np.ndarray:
    if total is None:
        return np.zeros(len(data), dtype=bool)
    if isinstance(total, str):
        if total not in data.columns:
            raise StatsInputError(f"suppress: total={total!r} is not a column of data")
        flags = data[total]
        if not is_bool_dtype(flags.dtype) or flags.isna().any():
            raise StatsInputError(
                f"suppress: total column {total!r} must be boolean (True for totals)"
            )
        return flags.to_numpy(dtype=bool)
    if isinstance(total, dict):
        is_total = np.zeros(len(data), dtype=bool)
        for column, label in total.items():
            if column not in data.columns:
                raise StatsInputError(f"suppress: total= column {column!r} not found in data")
            if column not in keys:
                is_total |= (data[column] == label).fillna(False).to_numpy(dtype=bool)
        return is_total
    raise StatsInputError(
        "suppress: total= must be a boolean column name or a {column: label} dict"
    )


def _check_one_total(data, keys, codes, is_total) -> None:
    totals_per_group = np.bincount(codes, weights=is_total, minlength=codes.max() + 1)
    if (totals_per_group > 1).any():
        group = int(np.flatnonzero(totals_per_group > 1)[0])
        pos = int(np.flatnonzero(codes == group)[0])
        where = ", ".join(f"{k}={data[k].iloc[pos]!r}" for k in keys) or "all rows"
        raise StatsInputError(
            f"suppress: group {where} has {int(totals_per_group[group])} total rows; "
            "each group needs at most one"
        )


def _secondary(counts, hidden, partitions_groups, partitions_totals) -> np.ndarray:
    """Hide cells until no group relation has exactly one hidden member (see suppress)."""
    hidden = hidden.copy()
    if not len(counts):
        return hidden
    for _ in range(len(counts) + 1):
        changed = False
        for (codes, starts), is_total in zip(partitions_groups, partitions_totals, strict=True):
            if starts is not None:  # groups are runs of rows: a sum per run
                in_group = np.add.reduceat(hidden.view(np.int8), starts, dtype=np.int32)
            else:
                in_group = np.bincount(codes[hidden], minlength=codes.max() + 1)
            lone = in_group == 1
            if not lone.any():  # the last round: a check per group, not per row
                continue
            candidate = lone[codes] & ~hidden
            if not candidate.any():
                continue
            rows = np.flatnonzero(candidate)
            # preference: parts before the total, non-zero before zero, smallest, first
            order = np.lexsort((rows, counts[rows], counts[rows] == 0, is_total[rows], codes[rows]))
            ranked = rows[order]
            _, first = np.unique(codes[ranked], return_index=True)
            hidden[ranked[first]] = True
            changed = True
        if not changed:
            return hidden
    raise AssertionError("secondary suppression did not converge")  # cells only ever added
