"""Trend chart specs: one indicator's series (``trend``), and a section's indicators as
small multiples (``small_trends``, the seeds' "one chart per idea").

Each panel is the area's disclosure-controlled series up to the reported period, with
its confidence limits and England's value at each period; withheld periods are kept
(shown as ``*``), never drawn. Alt text is written from the same data. Nothing is
computed here beyond choosing and reshaping rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult, england_by_period, limit_columns
from dana.assess.findings import with_unit
from dana.assess.model import Chart


def _values(frame: pd.DataFrame, column: str = "value") -> pd.Series:
    return frame[column].astype(float)


def withheld_periods(series: pd.DataFrame) -> pd.Series:
    """Rows withheld by DANA's disclosure rule, or already by the publisher (a blank
    value whose note says it was suppressed)."""
    return series["suppressed"].astype(bool) | (
        series["value"].isna()
        & series["value_note"].astype(str).str.contains("suppress", case=False)
    )


def trend_data(result: IndicatorResult) -> pd.DataFrame | None:
    """The area's values and limits over time, with England's value at each period (not
    for a count: England's is not comparable), and which periods disclosure control
    withheld; None with fewer than two values to draw."""
    series = result.series
    low, high = limit_columns(result.level)
    withheld = withheld_periods(series)
    shown = series[series["value"].notna() | withheld]
    if int(shown["value"].notna().sum()) < 2:
        return None
    withheld = withheld[shown.index].to_numpy(dtype=bool)
    england = england_by_period(result)
    if result.figure.value_type == "count":
        england = england.iloc[0:0]  # England's count is not on the area's scale
    return pd.DataFrame(
        {
            "period": shown["period"].astype(str).to_numpy(),
            "period_sort": shown["period_sort"].to_numpy(),
            "value": _values(shown).to_numpy(),
            "lower": _values(shown, low).to_numpy(),
            "upper": _values(shown, high).to_numpy(),
            "benchmark_value": shown["period_sort"].map(england).astype(float).to_numpy(),
            "suppressed": withheld,
        }
    )


def _change_words(data: pd.DataFrame, figure) -> str:
    """ "rose from 8.1% in 2015 to 9.0% in 2022" over the drawn (not withheld) values."""
    drawn = data[~data["suppressed"].astype(bool) & data["value"].notna()]
    first, last = drawn.iloc[0], drawn.iloc[-1]
    change = (
        "rose"
        if last["value"] > first["value"]
        else "fell"
        if last["value"] < first["value"]
        else "was unchanged"
    )
    return (
        f"{change} from {with_unit(first['value'], figure)} in {first['period']} "
        f"to {with_unit(last['value'], figure)} in {last['period']}"
    )


def trend_chart(result: IndicatorResult, comparators: Comparators) -> Chart | None:
    """Values and limits over time for the area, with England's value at each period."""
    figure = result.figure
    data = trend_data(result)
    if data is None:
        return None
    withheld = data["suppressed"].to_numpy(dtype=bool)
    last = data[~withheld].iloc[-1]
    area = comparators.subject.name
    alt = (
        f"Line chart of {result.indicator.short_name.lower()} in {area}, {len(data)} periods. "
        f"{area}'s value {_change_words(data, figure)}"
    )
    if not np.isnan(last["benchmark_value"]):
        alt += f"; England was {with_unit(last['benchmark_value'], figure)} in {last['period']}"
    if withheld.any():
        hidden = ", ".join(data.loc[data["suppressed"], "period"])
        alt += f". Suppressed (small numbers, shown as *): {hidden}"
    alt += f". Recent trend: {figure.trend}."
    return Chart(
        id=f"trend.{figure.indicator_id}",
        kind="trend",
        title=f"{result.indicator.short_name}: {area}, {data['period'].iloc[0]} to {data['period'].iloc[-1]}",
        alt_text=alt,
        data=data,
        unit=figure.unit,
        notes=f"Shaded band: {_level_text(result.level)} confidence interval. Dashed line: England.",
        source=figure.source,
        extra={
            "indicator_id": figure.indicator_id,
            "level": result.level,
            "benchmark_name": "England",
        },
    )


def _level_text(level: float) -> str:
    return f"{level:.1%}".replace(".0%", "%")


#: Most panels in one small-multiples chart (3 x 3): more are split into parts.
MAX_SMALL_TRENDS = 9


def small_trends_chart(
    results: list[IndicatorResult],
    comparators: Comparators,
    *,
    key: str,
    topic: str,
    part: tuple[int, int] = (1, 1),
) -> Chart | None:
    """One small trend panel per indicator of ``results`` that has at least two values to
    draw (each on its own scale, with England dashed): a section's trends as one chart,
    the seeds' "one chart per idea". None when no indicator has a trend to draw."""
    drawn = [(r, d) for r in results if (d := trend_data(r)) is not None]
    return _small_trends(drawn, comparators, key=key, topic=topic, part=part) if drawn else None


def _small_trends(drawn, comparators: Comparators, *, key: str, topic: str, part) -> Chart:
    frames = [
        data.assign(
            indicator_id=result.figure.indicator_id,
            name=result.indicator.short_name,
            unit=result.figure.unit,
        )
        for result, data in drawn
    ]
    columns = ["indicator_id", "name", "period", "period_sort", "value", "lower", "upper"]
    data = pd.concat(frames, ignore_index=True)
    data = data[[*columns, "benchmark_value", "suppressed", "unit"]]
    area = comparators.subject.name
    sentences = []
    for result, frame in drawn:
        figure = result.figure
        # England's values and the trend test are in the key figures and the appendix
        text = f"{result.indicator.short_name} {_change_words(frame, figure)}"
        if frame["suppressed"].any():
            text += "; suppressed (shown as *): " + ", ".join(
                frame.loc[frame["suppressed"], "period"]
            )
        sentences.append(text + ".")
    number, parts = part
    suffix = f" (part {number} of {parts})" if parts > 1 else ""
    levels = sorted({r.level for r, _ in drawn})
    return Chart(
        id=f"small_trends.{key}" + (f".{number}" if parts > 1 else ""),
        kind="small_trends",
        title=f"{topic}: trends in {area}{suffix}",
        alt_text=(
            f"{len(drawn)} small line charts, one per indicator, each on its own scale, of "
            f"{area}'s values over time with England's. " + " ".join(sentences)
        ),
        data=data,
        unit=drawn[0][0].figure.unit if len({r.figure.unit for r, _ in drawn}) == 1 else "",
        notes=f"Shaded band: {' or '.join(_level_text(x) for x in levels)} confidence interval. "
        "Dashed line: England. Each panel has its own scale, starting at zero.",
        source="; ".join(sorted({r.figure.source for r, _ in drawn if r.figure.source})),
        extra={"benchmark_name": "England", **({"level": levels[0]} if len(levels) == 1 else {})},
    )


def small_trends_charts(
    results: list[IndicatorResult], comparators: Comparators, *, key: str, topic: str
) -> tuple[Chart, ...]:
    """The section's small multiples: one chart, or consecutive parts of at most
    :data:`MAX_SMALL_TRENDS` panels each when it has more indicators with trends."""
    drawn = [(r, d) for r in results if (d := trend_data(r)) is not None]
    chunks = [drawn[i : i + MAX_SMALL_TRENDS] for i in range(0, len(drawn), MAX_SMALL_TRENDS)]
    return tuple(
        _small_trends(chunk, comparators, key=key, topic=topic, part=(n, len(chunks)))
        for n, chunk in enumerate(chunks, 1)
    )
