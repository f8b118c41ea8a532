"""The national view's recent trend: each area's last five periods, one call for all.

Part of :mod:`dana.assess.national`; a withheld figure carries no trend, as in the
single-area report.
"""

from __future__ import annotations

import pandas as pd

from dana import stats
from dana.assess.figures import NO_TREND_TYPES
from dana.stats.trend import TREND_POINTS
from dana.vocabulary import TREND_NOT_CALCULATED

__all__ = ["recent_trends"]

#: The columns of the history a trend reads.
_TREND_INPUTS = [
    "indicator_id", "area_code", "period_sort", "value", "lower_95", "upper_95", "count",
    "denominator",
]  # fmt: skip


def recent_trends(frame: pd.DataFrame, history: list[pd.DataFrame]) -> pd.DataFrame:
    """Recent trend per area (last five periods, unrounded values), one call for all."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    out["trend"] = TREND_NOT_CALCULATED
    out["trend_note"] = ""
    prepared, reasons = [], []
    # the catalogue's polarity, as the single-area report uses: a source row that
    # carries another one (a transcribed year) must not break every area's series
    first = frame.drop_duplicates("indicator_id")
    polarities = dict(zip(first["indicator_id"], first["polarity"], strict=True))
    for rows in history:
        indicator_id = str(rows["indicator_id"].iloc[0])
        value_type = str(rows["value_type"].iloc[0])
        if value_type in NO_TREND_TYPES:
            reasons.append((indicator_id, "it has no confidence intervals to test a trend with"))
            continue
        # the last five periods of each area: all the trend uses
        rows = rows.loc[:, _TREND_INPUTS].sort_values(["area_code", "period_sort"])
        rows = rows.groupby("area_code").tail(TREND_POINTS).reset_index(drop=True)
        broken = _broken_series(rows, value_type)
        if broken:
            reasons.extend(
                ((indicator_id, code), f"the data cannot be used for a trend: {why}")
                for code, why in broken.items()
            )
            rows = rows[~rows["area_code"].isin(list(broken))]
            if rows.empty:
                continue
        polarity = str(polarities[indicator_id])
        prepared.append((indicator_id, rows.assign(_value_type=value_type, _polarity=polarity)))
    labels = _trends(prepared, reasons)
    if labels:
        found = pd.concat(labels, ignore_index=True).rename(columns={"note": "_trend_note"})
        merged = out[["indicator_id", "area_code"]].merge(
            found, on=["indicator_id", "area_code"], how="left"
        )
        has = merged["trend"].notna().to_numpy()
        out.loc[has, "trend"] = merged.loc[has, "trend"].to_numpy()
        out.loc[has, "trend_note"] = merged.loc[has, "_trend_note"].fillna("").to_numpy()
    for key, reason in reasons:
        if isinstance(key, tuple):
            chosen = (out["indicator_id"] == key[0]) & (out["area_code"] == key[1])
        else:
            chosen = out["indicator_id"] == key
        out.loc[chosen, "trend_note"] = reason
    absent = ~out["_present"].to_numpy() & (out["trend_note"] == "").to_numpy()
    out.loc[absent, "trend_note"] = "no data for this area at the reported period"
    # as in the single-area report: a withheld figure carries no trend either
    hidden = out["suppressed"].to_numpy(dtype=bool)
    out.loc[hidden, "trend"] = TREND_NOT_CALCULATED
    out.loc[hidden, "trend_note"] = "not shown: the figure is withheld by disclosure control"
    return out


def _trends(prepared: list[tuple[str, pd.DataFrame]], reasons: list) -> list[pd.DataFrame]:
    """Each indicator's trend per area: one :func:`dana.stats.trend` call per value type
    (a call costs more than its rows; the series of one type take the same path as in a
    call of their own), or, when the data of one indicator is refused, one call per
    indicator of that type, so that only that indicator loses its trends (its reason
    added to ``reasons``)."""
    by_type: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for indicator_id, rows in prepared:
        by_type.setdefault(str(rows["_value_type"].iloc[0]), []).append((indicator_id, rows))
    labels = []
    for group in by_type.values():
        try:
            labels.append(_trend(pd.concat([rows for _, rows in group], ignore_index=True)))
            continue
        except stats.StatsInputError:
            pass  # one indicator's data is refused: find which, one call each
        for indicator_id, rows in group:
            try:
                labels.append(_trend(rows))
            except stats.StatsInputError as exc:
                reasons.append((indicator_id, f"the data cannot be used for a trend: {exc}"))
    return labels


def _trend(rows: pd.DataFrame) -> pd.DataFrame:
    marked = stats.trend(
        data=rows,
        by=["indicator_id", "area_code"],
        value_type="_value_type",
        polarity="_polarity",
        confidence=0.95,
    )
    return marked.loc[:, ["indicator_id", "area_code", "trend", "note"]]


def _broken_series(rows: pd.DataFrame, value_type: str) -> dict[str, str]:
    """Areas whose last five points :func:`dana.stats.trend` would reject, and why.

    Found up front so one area's impossible figure (a zero denominator, say) costs only
    that area its trend, not every area's.
    """
    if value_type == "proportion":
        count, denominator = rows["count"], rows["denominator"]
        bad = (denominator <= 0) | (count < 0) | (count > denominator)
        why = "a denominator of 0, or a count below 0 or above its denominator"
    else:
        bad = rows["upper_95"] <= rows["lower_95"]
        why = "a confidence interval of zero width"
    bad = bad.fillna(False).to_numpy(dtype=bool)
    return dict.fromkeys(rows.loc[bad, "area_code"].unique().tolist(), why)
