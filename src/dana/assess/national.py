"""The national view: every area of a type judged on every catalogue indicator at once.

:func:`summarise_areas` turns the indicator table into one tidy frame with a row per
area x indicator, at each indicator's latest period (or the latest period up to a
given label), carrying what a single-area assessment shows for its own area:

* the value, its limits (at the indicator's catalogue confidence level), count and
  denominator, after disclosure control (:func:`dana.stats.suppress`);
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
a blanked value are not shown. Statistics use the unrounded source values.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from dana import stats
from dana.areas import load_areas
from dana.assess.config import SuppressionConfig
from dana.assess.figures import (
    ENGLAND_CODE,
    SUPPRESSED_NOTE,
    headline_rows,
    level_for,
    period_sort_for,
)
from dana.vocabulary import NOT_COMPARED
from dana.vocabulary import TREND_NOT_CALCULATED as NO_TREND

#: Area types a national summary can be made for.
AREA_TYPES = ("utla", "ltla", "region")
#: Value types the funnel plot supports, and the funnel statistic used for each.
_FUNNEL_STATISTIC = {"proportion": "proportion", "crude_rate": "rate", "dsr": "rate"}
_LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")
_MEASURES = ("count", "denominator", "value", *_LIMITS)
TREND_POINTS = 5

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


class NationalSummaryError(ValueError):
    """Bad arguments to the national summary; the message names the area or indicator."""


def summarise_areas(
    table: pd.DataFrame,
    catalogue=None,
    *,
    area_type: str = "utla",
    period: str = "latest",
    confidence="catalogue",
    suppression: SuppressionConfig | str | int | None = "ndtms",
    areas: list[str] | None = None,
    indicators: list[str] | None = None,
    hierarchy=None,
) -> pd.DataFrame:
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
    DataFrame with :data:`COLUMNS`, sorted by catalogue order then area code; exactly
    ``len(areas) x len(indicators)`` rows.
    """
    if area_type not in AREA_TYPES:
        raise NationalSummaryError(f"area_type must be one of {AREA_TYPES}, not {area_type!r}")
    hierarchy = load_areas() if hierarchy is None else hierarchy
    if catalogue is None:
        from dana.catalogue import load_catalogue

        catalogue = load_catalogue()
    chosen_indicators = select_indicators(catalogue, indicators)
    rule = _suppression(suppression)
    settings = SimpleNamespace(confidence=confidence)  # what level_for reads
    universe = _universe(table, area_type, hierarchy)
    wanted = None if areas is None else resolve_areas(areas, area_type, hierarchy, universe)
    target_sort = period_sort_for(table, period)

    by_indicator = {key: rows for key, rows in table.groupby("indicator_id", sort=False)}
    empty = table.iloc[0:0]
    current, benchmarks, history, notes = [], [], [], {}
    for indicator in chosen_indicators:
        rows = headline_rows(by_indicator.get(indicator.id, empty), indicator)
        typed = rows[rows["area_type"] == area_type]
        if target_sort is not None:
            typed = typed[typed["period_sort"] <= target_sort]
        if typed.empty:
            notes[indicator.id] = f"no data for any {area_type.upper()}" + (
                "" if target_sort is None else f" up to {period}"
            )
            continue
        chosen_sort = int(typed["period_sort"].max())
        at = typed[typed["period_sort"] == chosen_sort]
        _check_unique(at, indicator)
        current.append(at.assign(_level=level_for(indicator, settings)))
        others = rows[(rows["period_sort"] == chosen_sort) & (rows["area_type"] != area_type)]
        benchmarks.append(others.loc[:, ["indicator_id", "area_code", "value"]])
        history.append(typed[typed["period_sort"] <= chosen_sort])

    frame = _grid(universe, chosen_indicators, current, benchmarks, notes)
    frame = _disclose(frame, rule)
    frame = _compare(frame)
    frame = _rank(frame)
    frame = _trend(frame, history)
    frame = _funnel(frame)
    frame = frame.sort_values(["_order", "area_code"], kind="stable")
    if wanted is not None:
        frame = frame[frame["area_code"].isin(wanted)]
    return frame.loc[:, list(COLUMNS)].reset_index(drop=True)


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


def resolve_areas(codes, area_type: str, hierarchy=None, universe=None) -> list[str]:
    """GSS codes of the named areas; an unknown area or one of another type is an error."""
    hierarchy = load_areas() if hierarchy is None else hierarchy
    known = None if universe is None else set(universe["area_code"])
    found, problems = [], []
    for text in codes:
        if known is not None and text in known:
            found.append(text)
            continue
        try:
            info = hierarchy.resolve(text)
        except KeyError as exc:
            problems.append(str(exc))
            continue
        if info.area_type != area_type:
            problems.append(f"{info.name} ({info.code}) is a {info.area_type}, not a {area_type}")
        elif known is not None and info.code not in known:
            problems.append(f"{info.name} ({info.code}) is not a current {area_type}")
        else:
            found.append(info.code)
    if problems:
        raise NationalSummaryError("bad area(s): " + "; ".join(problems))
    return list(dict.fromkeys(found))


# --- steps -----------------------------------------------------------------------------------


def _suppression(rule) -> SuppressionConfig | None:
    if rule is None or isinstance(rule, SuppressionConfig):
        return rule
    if isinstance(rule, bool):
        raise NationalSummaryError(f"suppression must be a preset or a threshold, not {rule!r}")
    if isinstance(rule, int):
        return SuppressionConfig(preset=None, threshold=rule)
    try:
        return SuppressionConfig(preset=rule)
    except ValueError:
        raise NationalSummaryError(
            f"unknown suppression preset {rule!r}; expected ndtms, hes2018, lape or a threshold"
        ) from None


def _universe(table: pd.DataFrame, area_type: str, hierarchy) -> pd.DataFrame:
    """Every area of the type: current ones in the hierarchy plus any others in the table."""
    listed = list(_areas_of(hierarchy, area_type))
    rows = [(a.code, a.name, *_region(hierarchy, a.code, a.parent_code)) for a in listed]
    seen = {a.code for a in listed}
    in_table = table.loc[table["area_type"] == area_type, ["area_code", "area_name", "parent_code"]]
    for code, name, parent in in_table.drop_duplicates("area_code").itertuples(index=False):
        if code not in seen:
            rows.append((code, name, *_region(hierarchy, code, parent)))
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "region_code", "region_name"])
    if area_type == "region":  # a region is compared with England only; its parts sum to it
        frame["region_code"] = ""
        frame["region_name"] = ""
    return frame.assign(area_type=area_type).sort_values("area_code").reset_index(drop=True)


def _areas_of(hierarchy, area_type: str):
    if area_type == "utla":
        return hierarchy.utlas()
    if area_type == "region":
        return hierarchy.regions()
    return [
        a
        for region in hierarchy.regions()
        for a in _descendants(hierarchy, region.code)
        if a.area_type == "ltla"
    ]


def _descendants(hierarchy, code: str):
    for child in hierarchy.children(code):
        yield child
        yield from _descendants(hierarchy, child.code)


def _region(hierarchy, code: str, parent: str) -> tuple[str, str]:
    """(code, name) of the area's region; for a region, itself."""
    for candidate in (code, parent):
        if candidate and candidate in hierarchy:
            try:
                region = hierarchy.region_of(candidate)
                return region.code, region.name
            except KeyError:
                return "", ""
    return "", ""


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
    england = bench[bench["area_code"] == ENGLAND_CODE].set_index("indicator_id")["value"]
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


def _disclose(frame: pd.DataFrame, rule: SuppressionConfig | None) -> pd.DataFrame:
    """Hide small counts (and the values built on them), protecting each indicator x parent."""
    out = frame.copy()
    out["suppressed"] = False
    counted = out["count"].notna().to_numpy()
    arguments = None if rule is None else rule.suppress_arguments()
    if arguments is None or not counted.any():
        return out
    part = out.loc[counted, ["indicator_id", "region_code", "count"]].reset_index(drop=True)
    published = stats.suppress(part, "count", by=["indicator_id", "region_code"], **arguments)
    index = out.index[counted]
    out.loc[index, "count"] = published["count"].to_numpy()
    hidden = index[published["suppressed"].to_numpy(dtype=bool)]
    out.loc[hidden, "suppressed"] = True
    out.loc[hidden, ["value", *_LIMITS]] = np.nan
    out.loc[hidden, "note"] = SUPPRESSED_NOTE
    is_count = (out["value_type"] == "count").to_numpy() & counted
    out.loc[is_count, "value"] = out.loc[is_count, "count"]
    return out


def _compare(frame: pd.DataFrame) -> pd.DataFrame:
    """vs_england / vs_region by each indicator's catalogue method, one call per level."""
    out = frame.copy()
    high = np.isclose(out["_level"].to_numpy(), 0.998)
    out["lower"] = np.where(high, out["lower_99_8"], out["lower_95"])
    out["upper"] = np.where(high, out["upper_99_8"], out["upper_95"])
    vs_england = np.full(len(out), NOT_COMPARED, dtype=object)
    vs_region = np.full(len(out), NOT_COMPARED, dtype=object)
    method = out["comparison_method"].to_numpy()
    for level in sorted(set(out.loc[np.isin(method, ("ci_95", "ci_99_8")), "_level"])):
        chosen = np.isin(method, ("ci_95", "ci_99_8")) & (out["_level"].to_numpy() == level)
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
    out = frame.copy()
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


def _trend(frame: pd.DataFrame, history: list[pd.DataFrame]) -> pd.DataFrame:
    """Recent trend per area (last five periods, unrounded values), one call per indicator."""
    out = frame.copy()
    out["trend"] = NO_TREND
    out["trend_note"] = ""
    labels, reasons = [], []
    for rows in history:
        indicator_id = str(rows["indicator_id"].iloc[0])
        value_type = str(rows["value_type"].iloc[0])
        if value_type in ("count", "score"):
            reasons.append((indicator_id, "it has no confidence intervals to test a trend with"))
            continue
        # the last five periods of each area: all the trend uses
        rows = rows.sort_values(["area_code", "period_sort"])
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
        try:
            marked = stats.trend(
                data=rows.assign(_value_type=value_type),
                by=["indicator_id", "area_code"],
                value_type="_value_type",
                polarity="polarity",
                confidence=0.95,
            )
        except stats.StatsInputError as exc:
            reasons.append((indicator_id, f"the data cannot be used for a trend: {exc}"))
            continue
        labels.append(marked.loc[:, ["indicator_id", "area_code", "trend", "note"]])
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
    return out


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


def _funnel(frame: pd.DataFrame) -> pd.DataFrame:
    """Funnel status (95% and 99.8% limits around England's value), one call per indicator.

    All areas with a count (unrounded) and a denominator (or, for DSRs, a value) make
    the funnel; the status of an area whose figures are hidden is not shown.
    """
    out = frame.copy()
    outlier = np.full(len(out), "not_applicable", dtype=object)
    significance = np.full(len(out), "", dtype=object)
    for _, rows in out.groupby("indicator_id", sort=False):
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


# --- files -----------------------------------------------------------------------------------

SUMMARY_CSV = "all_areas_summary.csv"
SUMMARY_XLSX = "all_areas_summary.xlsx"
_SECTION_TITLES = {
    "context": "Context",
    "alcohol_harms": "Alcohol harms",
    "alcohol_treatment": "Alcohol treatment",
    "drug_harms": "Drug harms",
    "drug_treatment": "Drug treatment",
    "young_people": "Young people",
    "wider_determinants": "Wider determinants",
}
_LEGEND = (
    (
        "Row",
        "One area x one catalogue indicator, at the indicator's latest period for the "
        "area type (or the latest up to the period asked for). Areas without data keep their "
        "row, with a note.",
    ),
    (
        "value, lower, upper",
        "The published value and its confidence limits at the level in "
        "'confidence' (the catalogue's: 99.8% for indicators compared at 99.8%, else 95%).",
    ),
    (
        "count, denominator",
        "After disclosure control: hidden counts are blank and "
        "'suppressed' is TRUE, and the value built on a hidden count is blanked too. "
        "Secondary suppression protects each indicator x region (areas add up to their "
        "region).",
    ),
    (
        "vs_england, vs_region (confidence interval)",
        "Fingertips rule: the area's interval "
        "compared with the benchmark's value. better / worse (by the indicator's polarity), "
        "lower / higher (no judgement of good or bad), similar (the interval includes the "
        "benchmark), not_compared (no value, no limits, no benchmark, or not benchmarked).",
    ),
    (
        "vs_england, vs_region (quintiles)",
        "For indicators compared by quintiles: the area's "
        "fifth among all areas of the type in England (vs_england) or in its region "
        "(vs_region; not_compared where the region has fewer than five). best ... worst by "
        "polarity, or lowest ... highest.",
    ),
    (
        "rank, rank_of, quintile",
        "Rank among all areas of the type with a value: 1 = the "
        "LOWEST value (ties share the lower rank), whatever the polarity. Quintile 1 holds "
        "the lowest fifth of values.",
    ),
    (
        "trend",
        "Fingertips recent-trend marker over the last five periods (chi-square test "
        "for linear trend at 99.8%): Increasing / Decreasing (and getting better / worse), "
        "No significant change, or Cannot be calculated (see trend_note).",
    ),
    (
        "funnel, funnel_significance",
        "Position against funnel-plot limits centred on "
        "England's value (proportions: Wilson; rates and DSRs: exact Poisson). funnel: high / "
        "low = beyond the 99.8% limits, none = within them. funnel_significance also gives the "
        "95% (0.025) level.",
    ),
    (
        "Methods",
        "dana.stats: compare, trend, quantiles, funnel_limits, suppress; formulas "
        "and references in their docstrings and docs/PERFORMANCE.md.",
    ),
)


def is_synthetic_summary(summary: pd.DataFrame) -> bool:
    """True when any row of the summary comes from DANA's synthetic generator."""
    from dana.assess.provenance import is_synthetic

    return any(is_synthetic(s) for s in summary["source"].unique())


def write_summary(summary: pd.DataFrame, out_dir, *, disclosure: str = "") -> list:
    """Write :data:`SUMMARY_CSV` and :data:`SUMMARY_XLSX` into ``out_dir``, all or nothing.

    Both files are written into a temporary folder inside ``out_dir`` and moved into
    place (``os.replace``) only when both succeeded; on failure ``out_dir`` keeps what it
    had. The workbook has a Legend sheet (categories, methods, the disclosure rule, the
    OGL attribution and, when the data is synthetic, a warning) and one sheet per
    assessment section with a frozen header row.
    """
    from dana._atomic import publish_together

    return publish_together(
        out_dir,
        lambda staging: [
            _write_csv(summary, staging / SUMMARY_CSV),
            _write_xlsx(summary, staging / SUMMARY_XLSX, disclosure=disclosure),
        ],
        prefix=".dana-batch-",
    )


def _write_csv(summary: pd.DataFrame, path):
    summary.to_csv(path, index=False, encoding="utf-8")
    return path


def _write_xlsx(summary: pd.DataFrame, path, *, disclosure: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from dana.assess.provenance import OGL_ATTRIBUTION, SYNTHETIC_ATTRIBUTION

    book = Workbook()
    legend = book.active
    legend.title = "Legend"
    bold = Font(bold=True)
    lines = [("DANA all-areas summary", "")]
    if is_synthetic_summary(summary):
        lines.append(("SYNTHETIC DATA", SYNTHETIC_ATTRIBUTION))
    lines += list(_LEGEND)
    if disclosure:
        lines.append(("Disclosure control", disclosure))
    lines.append(("Licence", OGL_ATTRIBUTION))
    for term, text in lines:
        legend.append([term, text])
    for row in legend.iter_rows():
        row[0].font = bold
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    legend.column_dimensions["A"].width = 38
    legend.column_dimensions["B"].width = 110
    columns = list(summary.columns)
    for section in dict.fromkeys(summary["section"]):
        sheet = book.create_sheet(_SECTION_TITLES.get(section, section)[:31])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = bold
        part = summary[summary["section"] == section].astype(object)
        for values in part.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in values])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
    return path
