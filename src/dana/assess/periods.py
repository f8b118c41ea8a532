"""Which period a figure reports: the one rule for ``latest`` or a period label.

A config (``period:``) or ``dana batch --period`` asks for ``latest`` or a period label
as published (``2021/22``). Each indicator then reports, per area, its most recent
period starting no later than the label's period (so a pooled ``2019 - 21`` series is
still reported for ``2021/22``); with ``latest``, simply its most recent period.
Periods are ordered by ``period_sort`` (start year x 10000, the Fingertips "Time period
Sortable" convention). Used by the single-area figures (:mod:`dana.assess.figures`), the
data gaps and the all-areas summary (:mod:`dana.assess.national`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dana.assess.config import ConfigError

if TYPE_CHECKING:  # frames are passed in; nothing here needs pandas at import time
    import pandas as pd

LATEST = "latest"


def period_sort_for(table: pd.DataFrame, period: str) -> int | None:
    """The ``period_sort`` a period label names in ``table`` (None for ``latest``).

    A label the table does not have is a :class:`ConfigError` naming the ``period`` key.
    """
    if period == LATEST:
        return None
    matches = table.loc[table["period"] == period, "period_sort"].unique()
    if len(matches) == 0:
        raise ConfigError(f"period: {period!r} is not a period in the data")
    return int(matches.max())


def up_to(rows: pd.DataFrame, target: int | None) -> pd.DataFrame:
    """The rows whose period starts no later than ``target`` (every row for ``latest``)."""
    return rows if target is None else rows[rows["period_sort"] <= target]


def reported_sort(rows: pd.DataFrame, target: int | None) -> int | None:
    """The ``period_sort`` to report from ``rows``: the latest up to ``target``; None
    when no row is that old."""
    eligible = up_to(rows, target)
    return None if eligible.empty else int(eligible["period_sort"].max())
