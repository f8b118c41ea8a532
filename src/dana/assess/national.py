"""The national view: every area of a type judged on every catalogue indicator at once.

:func:`summarise_areas` turns the indicator table into a
:class:`~dana.assess.model.NationalSummary`: one tidy frame with a row per area x
indicator, at each indicator's latest period (or the latest period up to a
given label), carrying what a single-area assessment shows for its own area:

* the value, its limits (at the indicator's catalogue confidence level), count and
  denominator, after disclosure control (:func:`dana.assess.disclosure.disclose_related`);
* the comparison with England and with the area's region (:func:`dana.stats.compare`:
  the Fingertips rule at 95% or 99.8%, honouring polarity; quintile indicators get
  their quintile among all areas of the type in England (``vs_england``) and among the
  areas of their region (``vs_region``, "not_compared" where a region has fewer than
  five));
* the rank among all areas of the type (1 = lowest value, ties share the lower rank)
  and the quintile (1 = lowest fifth, :func:`dana.stats.quantiles` with ``assign=5``);
* the recent trend over the last five periods (:func:`dana.stats.trend`, 95% limits,
  unrounded data, as :mod:`dana.assess.figures` does);
* the funnel-plot status (:func:`dana.stats.funnel_limits` at 95% and 99.8%, centred on
  England's value) for proportions, crude rates and DSRs.

Statistics are vectorised over areas: the work is grouped by indicator (or by
confidence level), never looped over areas. Nothing is dropped: an area with no value
for an indicator still has its row, with ``note`` saying why.

Disclosure control differs from the single-area report in one way: a table of every
area lets a reader subtract the published areas from their region's total, so
secondary suppression (when the rule has it) protects each indicator x parent group
(e.g. the UTLAs of a region). A value built on a hidden count is blanked with its
limits, so the count cannot be recovered from a rate; comparisons and funnel status of
a blanked value are not shown. Statistics use the unrounded source values. The
summary's ``disclosure`` statement is worded from the rule applied
(:func:`dana.assess.disclosure.disclosure_statement`).

Which areas are covered is :mod:`dana.assess.national_areas`; the CSV and workbook are
written by :mod:`dana.render.national`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.areas import ENGLAND, load_areas
from dana.assess.config import SuppressionConfig
from dana.assess.disclosure import disclose_related, disclosure_statement, suppression_rule
from dana.assess.figures import TESTED_METHODS, headline_rows, level_for
from dana.assess.model import NationalSummary
from dana.assess.national_areas import (
    AREA_TYPES,
    NationalSummaryError,
    resolve_areas,
    universe_of,
)
from dana.assess.national_trend import recent_trends
from dana.assess.periods import LATEST, period_sort_for, reported_sort, up_to
from dana.assess.provenance import OGL_ATTRIBUTION, SYNTHETIC_ATTRIBUTION, is_synthetic
from dana.catalogue import load_catalogue
from dana.table import split_rows
from dana.vocabulary import NOT_COMPARED

__all__ = [
    "AREA_TYPES",
    "COLUMNS",
    "NationalSummaryError",
    "resolve_areas",
    "select_indicators",
    "summarise_areas",
]

#: Value types the funnel plot supports, and the funnel statistic used for each.
_FUNNEL_STATISTIC = {"proportion": "proportion", "crude_rate": "rate", "dsr": "rate"}
_LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")
_MEASURES = ("count", "denominator", "value", *_LIMITS)

#: Indicator-table columns the summary does not read (names and units come from the
#: catalogue and the area hierarchy).
_UNREAD = (
    "indicator_name",
    "area_name",
    "parent_code",
    "unit",
    "retrieved",
    "multiplier",
    "polarity",
)
#: The grid's columns a funnel reads.
_FUNNEL_INPUTS = (
    "indicator_id", "value_type", "_raw_count", "denominator", "_raw_value", "_multiplier",
    "england_value",
)  # fmt: skip

#: Output columns, in order.
COLUMNS = (
    "area_code",
    "area_name",
    "area_type",
    "region_code",
    "region_name",
    "indicator_id",
    "indicator_name",
    "section",
    "period",
    "period_sort",
    "value",
    "lower",
    "upper",
    "confidence",
    "count",
    "denominator",
    "unit",
    "value_type",
    "polarity",
    "suppressed",
    "comparison_method",
    "england_value",
    "vs_england",
    "region_value",
    "vs_region",
    "rank",
    "rank_of",
    "quintile",
    "trend",
    "funnel",
    "funnel_significance",
    "note",
    "trend_note",
    "source",
)


def summarise_areas(
    table: pd.DataFrame,
    catalogue=None,
    *,
    area_type: str = "utla",
    period: str = LATEST,
    confidence="catalogue",
    suppression: SuppressionConfig | str | int | None = "ndtms",
    areas: list[str] | None = None,
    indicators: list[str] | None = None,
    hierarchy=None,
) -> NationalSummary:
    """One row per area x indicator: value, judgements, rank, trend and funnel status.

    Parameters
    ----------
    table:
        An indicator table (:mod:`dana.table`), e.g. ``load_default_table()``.
    catalogue:
        The indicators to summarise (default: the packaged catalogue), in its order.
    area_type:
        ``"utla"`` (default), ``"ltla"`` or ``"region"``: every current area of this
        type in the area hierarchy, plus any other area of the type found in the table.
    period:
        ``"latest"`` (each indicator's latest period with rows for the area type) or a
        period label: each indicator's latest period starting no later than it.
    confidence:
        ``"catalogue"`` (each indicator's level: 99.8% for ``ci_99_8``, else 95%) or
        0.95 / 0.998 for every comparison.
    suppression:
        A :class:`~dana.assess.config.SuppressionConfig`, a preset name (``"ndtms"``,
        ``"hes2018"``, ``"lape"``), a threshold (counts up to it hidden, with secondary
        suppression) or ``None`` for no disclosure control.
    areas:
        Codes or names of the areas to return (default all); ranks, quintiles and funnel
        centres are still computed among all areas of the type.
    indicators:
        Catalogue ids to summarise (default all).
    hierarchy:
        An :class:`~dana.areas.AreaHierarchy` (default the packaged one).

    Returns
    -------
    A :class:`~dana.assess.model.NationalSummary` whose ``rows`` have :data:`COLUMNS`,
    sorted by catalogue order then area code: exactly ``len(areas) x len(indicators)``
    rows. Its ``disclosure`` states the rule applied, with secondary suppression.
    """
    if area_type not in AREA_TYPES:
        raise NationalSummaryError(f"area_type must be one of {AREA_TYPES}, not {area_type!r}")
    hierarchy = load_areas() if hierarchy is None else hierarchy
    catalogue = load_catalogue() if catalogue is None else catalogue
    chosen_indicators = select_indicators(catalogue, indicators)
    try:
        rule = suppression_rule(suppression)
    except ValueError as exc:
        raise NationalSummaryError(str(exc)) from None
    universe = universe_of(table, area_type, hierarchy)
    wanted = None if areas is None else resolve_areas(areas, area_type, hierarchy, universe)
    target_sort = period_sort_for(table, period)
    # every row selection below copies the columns it keeps: leave out the ones the
    # summary never reads (text columns are the slow ones to copy)
    table = table.drop(columns=[c for c in _UNREAD if c in table.columns])

    by_indicator = split_rows(table, "indicator_id")
    empty = table.iloc[0:0]
    current, benchmarks, history, notes = [], [], [], {}
    for indicator in chosen_indicators:
        rows = headline_rows(by_indicator.get(indicator.id, empty), indicator)
        typed = rows[rows["area_type"] == area_type]
        chosen_sort = reported_sort(typed, target_sort)
        if chosen_sort is None:
            notes[indicator.id] = f"no data for any {area_type.upper()}" + (
                "" if target_sort is None else f" up to {period}"
            )
            continue
        at = typed[typed["period_sort"] == chosen_sort]
        _check_unique(at, indicator)
        current.append(at.assign(_level=level_for(indicator, confidence)))
        others = rows[(rows["period_sort"] == chosen_sort) & (rows["area_type"] != area_type)]
        benchmarks.append(others.loc[:, ["indicator_id", "area_code", "value"]])
        history.append(up_to(typed, chosen_sort))

    frame = _grid(universe, chosen_indicators, current, benchmarks, notes)
    # a table of every area lets parts be subtracted from their region's total, so
    # secondary suppression (where the rule has it) protects each indicator x region
    # (and, as in every report, across related indicators: drugs + alcohol only = all)
    frame = disclose_related(frame, rule, by=["indicator_id", "region_code"], note="note")
    frame = _compare(frame)
    frame = _rank(frame)
    frame = recent_trends(frame, history)
    frame = _funnel(frame)
    frame = frame.sort_values(["_order", "area_code"], kind="stable")
    if wanted is not None:
        frame = frame[frame["area_code"].isin(wanted)]
    rows = frame.loc[:, list(COLUMNS)].reset_index(drop=True)
    synthetic = any(is_synthetic(s) for s in rows["source"].unique())
    return NationalSummary(
        rows=rows,
        area_type=area_type,
        period=period,
        disclosure=disclosure_statement(rule, secondary=None),
        licence=OGL_ATTRIBUTION,
        synthetic_warning=SYNTHETIC_ATTRIBUTION if synthetic else "",
    )


def select_indicators(catalogue, ids: list[str] | None) -> list:
    """Catalogue entries for ``ids`` (all when None); unknown ids are an error naming them."""
    entries = list(catalogue)
    if not ids:
        return entries
    known = {i.id: i for i in entries}
    unknown = [i for i in ids if str(i) not in known]
    if unknown:
        raise NationalSummaryError(
            f"indicator(s) not in the catalogue: {', '.join(map(str, unknown))}; known ids "
            f"include {', '.join(list(known)[:6])}, ..."
        )
    wanted = {str(i) for i in ids}
    return [i for i in entries if i.id in wanted]


def _check_unique(at: pd.DataFrame, indicator) -> None:
    repeated = at["area_code"][at["area_code"].duplicated()]
    if not repeated.empty:
        raise NationalSummaryError(
            f"indicator {indicator.id}: area {repeated.iloc[0]} has two headline rows for "
            f"period_sort {int(at['period_sort'].iloc[0])} (periods "
            f"{sorted(set(at['period']))}); the table needs one row per area and period"
        )


def _grid(universe, indicators, current, benchmarks, notes) -> pd.DataFrame:
    """Every area x indicator: the data rows where present, a noted empty row where not."""
    meta = pd.DataFrame(
        {
            "indicator_id": [i.id for i in indicators],
            "indicator_name": [i.name for i in indicators],
            "section": [i.section for i in indicators],
            "_order": np.arange(len(indicators)),
            "unit": [i.unit for i in indicators],
            "value_type": [i.value_type for i in indicators],
            "polarity": [i.polarity for i in indicators],
            "comparison_method": [i.comparison for i in indicators],
            "_multiplier": [float(i.multiplier) for i in indicators],
        }
    )
    grid = universe.merge(meta, how="cross")
    measured = [*_MEASURES, "value_note", "source"]
    if current:
        data = pd.concat(current, ignore_index=True)
    else:
        data = pd.DataFrame(
            {c: pd.Series(dtype=float) for c in ("period_sort", *_MEASURES, "_level")}
            | {c: pd.Series(dtype="str") for c in ("indicator_id", "area_code", "period")}
            | {c: pd.Series(dtype="str") for c in ("value_note", "source")}
        )
    grid = grid.merge(
        data.loc[:, ["indicator_id", "area_code", *measured]],
        on=["indicator_id", "area_code"],
        how="left",
        indicator="_has",
    )
    grid["_present"] = (grid["_has"] == "both").to_numpy()
    grid = grid.drop(columns="_has")
    # the reported period and level belong to the indicator, so areas without data get them
    per_indicator = data.drop_duplicates("indicator_id").set_index("indicator_id")
    for column in ("period", "period_sort", "_level"):
        grid[column] = grid["indicator_id"].map(per_indicator[column])
    grid["period"] = grid["period"].astype("str").fillna("")
    grid["period_sort"] = grid["period_sort"].astype("Int64")
    grid["_level"] = grid["_level"].astype(float).fillna(0.95)  # areas of no-data indicators
    grid["confidence"] = grid["_level"]
    bench = (
        pd.concat(benchmarks, ignore_index=True)
        if benchmarks
        else pd.DataFrame({"indicator_id": [], "area_code": [], "value": []})
    )
    england = bench[bench["area_code"] == ENGLAND].set_index("indicator_id")["value"]
    grid["england_value"] = grid["indicator_id"].map(england).astype(float)
    region = bench.rename(columns={"area_code": "region_code", "value": "region_value"})
    grid = grid.merge(region, on=["indicator_id", "region_code"], how="left")
    grid["region_value"] = grid["region_value"].astype(float)
    for column in _MEASURES:
        grid[column] = grid[column].astype(float)
    for column in ("value_note", "source"):
        grid[column] = grid[column].astype("str").fillna("")
    absent_note = np.where(
        grid["indicator_id"].isin(list(notes)).to_numpy(),
        grid["indicator_id"].map(notes).astype("str").fillna("").to_numpy(dtype=object),
        "no data for this area at " + grid["period"].to_numpy(dtype=object),
    )
    grid["note"] = np.where(
        grid["_present"], grid["value_note"].to_numpy(dtype=object), absent_note
    )
    # statistics use the unrounded, unsuppressed figures
    grid["_raw_count"] = grid["count"]
    grid["_raw_value"] = grid["value"]
    return grid


def _compare(frame: pd.DataFrame) -> pd.DataFrame:
    """vs_england / vs_region by each indicator's catalogue method, one call per level."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    high = np.isclose(out["_level"].to_numpy(), 0.998)
    out["lower"] = np.where(high, out["lower_99_8"], out["lower_95"])
    out["upper"] = np.where(high, out["upper_99_8"], out["upper_95"])
    vs_england = np.full(len(out), NOT_COMPARED, dtype=object)
    vs_region = np.full(len(out), NOT_COMPARED, dtype=object)
    method = out["comparison_method"].to_numpy()
    tested = np.isin(method, TESTED_METHODS)
    for level in sorted(set(out.loc[tested, "_level"])):
        chosen = tested & (out["_level"].to_numpy() == level)
        part = out.loc[chosen, ["value", "lower", "upper", "england_value", "region_value"]]
        part = part.assign(polarity=out.loc[chosen, "polarity"].to_numpy())
        for benchmark, target in (("england_value", vs_england), ("region_value", vs_region)):
            judged = stats.compare(
                "value",
                "lower",
                "upper",
                benchmark,
                data=part,
                polarity="polarity",
                confidence=float(level),
            )
            target[chosen] = judged["comparison"].to_numpy(dtype=object)
    quintile = method == "quintiles"
    if quintile.any():
        part = out.loc[quintile, ["indicator_id", "region_code", "value", "polarity"]]
        for by, target in (
            (["indicator_id"], vs_england),
            (["indicator_id", "region_code"], vs_region),
        ):
            judged = stats.compare(data=part, by=by, method="quintiles", polarity="polarity")
            target[quintile] = judged["comparison"].to_numpy(dtype=object)
    out["vs_england"] = pd.array(vs_england, dtype="str")
    out["vs_region"] = pd.array(vs_region, dtype="str")
    return out


def _rank(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank (1 = lowest value, ties share the lower rank) and quintile among all areas."""
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    ranked = out["value"].notna()
    ranks = stats.rank("value", data=out[["indicator_id", "value"]], by="indicator_id")
    out["rank"] = ranks["rank"].array
    out["rank_of"] = ranks["rank_of"].to_numpy()
    out["quintile"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if ranked.any():
        part = out.loc[ranked, ["indicator_id", "value"]]
        groups = stats.quantiles("value", data=part, by="indicator_id", assign=5)
        out.loc[ranked, "quintile"] = groups["quantile"].to_numpy()
    return out


def _funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """Funnel status (95% and 99.8% limits around England's value), one call per indicator.

    All areas with a count (unrounded) and a denominator (or, for DSRs, a value) make
    the funnel; the status of an area whose figures are hidden is not shown.
    """
    out = frame.copy(deep=False)  # copy-on-write: the caller's frame is never changed
    outlier = np.full(len(out), "not_applicable", dtype=object)
    significance = np.full(len(out), "", dtype=object)
    for _, rows in out.loc[:, list(_FUNNEL_INPUTS)].groupby("indicator_id", sort=False):
        where = out.index.get_indexer(rows.index)
        value_type = str(rows["value_type"].iloc[0])
        statistic = _FUNNEL_STATISTIC.get(value_type)
        if statistic is None:
            significance[where] = f"Not applicable to a {value_type}"
            continue
        by_value = value_type == "dsr"
        part = pd.DataFrame(
            {
                "count": rows["_raw_count"],
                "denominator": rows["denominator"],
                "value": rows["_raw_value"],
            }
        )
        usable = part["count"].notna() & (
            part["value"].notna() if by_value else part["denominator"] > 0
        )
        significance[where] = "Not applicable: no count and denominator"
        if not usable.any():
            continue
        multiplier = float(rows["_multiplier"].iloc[0])
        england = float(rows["england_value"].iloc[0])
        target = england if np.isfinite(england) and england > 0 else None
        if statistic == "proportion" and target is not None and target >= multiplier:
            target = None
        size = {"value": "value"} if by_value else {"n": "denominator"}
        try:
            classed = stats.funnel_limits(
                statistic,
                x="count",
                data=part[usable],
                target=target,
                multiplier=multiplier,
                **size,
            )
        except stats.StatsInputError as exc:
            significance[where] = f"Not calculated: {exc}"
            continue
        at = out.index.get_indexer(part.index[usable])
        outlier[at] = classed["outlier"].to_numpy(dtype=object)
        significance[at] = classed["significance"].to_numpy(dtype=object)
    hidden = out["suppressed"].to_numpy(dtype=bool)
    outlier[hidden] = "not_applicable"
    significance[hidden] = "Not shown: figures suppressed"
    out["funnel"] = pd.array(outlier, dtype="str")
    out["funnel_significance"] = pd.array(significance, dtype="str")
    return out
