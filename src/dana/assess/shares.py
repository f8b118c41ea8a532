"""Shares of a breakdown for the assessed area, judged against England, as model objects.

The client profile, pathway, population and young people's parts of an assessment all
show the same thing: how the people counted by a headline measure (adults in treatment,
new presentations, exits, residents) divide into the categories of a breakdown (the
breakdown convention, :mod:`dana.breakdowns`), each category's share of the total with
its 95% Wilson interval (:func:`dana.stats.proportion`) and the same share for England,
compared by the Fingertips rule (:func:`dana.stats.compare`: the area's interval against
England's point value). This module computes that frame once and turns it into a
:class:`~dana.assess.model.Table` and a ``breakdown`` :class:`~dana.assess.model.Chart`.

Several indicators can be read as one population: the people in treatment for drugs are
the three NDTMS drug groups together (opiate, non-opiate only, non-opiate and alcohol:
disjoint groups, so their counts add up), :data:`DRUG_GROUPS`.

Disclosure control (:func:`disclose`) runs the configured rule over the area's counts,
with secondary suppression inside each breakdown (its parts sum to a total the table
shows), and blanks every share and limit built on a withheld count. The tables also say
which columns are counts and which are derived from them (``Table.counts``,
``Table.derived``, ``Table.total_row``) for the model-wide disclosure pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.disclosure import apply_disclosure
from dana.assess.model import Chart, Table
from dana.breakdowns import BREAKDOWNS
from dana.vocabulary import COMPARISON_LABELS, NO_JUDGEMENT, NOT_COMPARED

#: The NDTMS substance groups of adults in treatment for drugs (DEFINITIONS.md 3.1).
DRUG_GROUPS = ("opiate", "non_opiate_only", "non_opiate_and_alcohol")
ALCOHOL_GROUPS = ("alcohol_only",)
GROUP_NAMES = {
    "all": "All substance groups",
    "opiate": "Opiate",
    "non_opiate_only": "Non-opiate only",
    "non_opiate_and_alcohol": "Non-opiate and alcohol",
    "alcohol_only": "Alcohol only",
}
#: Columns of a shares frame (:func:`shares`).
SHARE_COLUMNS = (
    "category_type",
    "category",
    "count",
    "total",
    "share",
    "lower",
    "upper",
    "benchmark_share",
    "comparison",
    "suppressed",
)
#: Categories that record a missing answer: never named as a finding.
NOT_RECORDED = ("not stated", "missing", "incomplete data", "declined to answer", "unknown")
LEVEL = 0.95
#: The columns the depth parts read from the indicator table.
READ_COLUMNS = (
    "indicator_id", "area_code", "period", "period_sort", "sex", "category_type",
    "category", "count", "source",
)  # fmt: skip


def group_ids(measure: str, groups: Sequence[str]) -> list[str]:
    """Indicator ids of a measure for substance groups ("all" is the measure's own id)."""
    return [f"ndtms:{measure}" if g == "all" else f"ndtms:{measure}:{g}" for g in groups]


def latest_sort(
    table: pd.DataFrame, indicator_ids: Sequence[str], area_code: str, target: int | None
) -> int | None:
    """The latest period (up to ``target``) in which the area has breakdown rows of the ids."""
    mask = (
        table["indicator_id"].isin(list(indicator_ids)).to_numpy()
        & (table["area_code"] == area_code).to_numpy()
        & (table["category_type"] != "").to_numpy()
    )
    sorts = table["period_sort"].to_numpy()[mask]
    if target is not None:
        sorts = sorts[sorts <= target]
    return None if len(sorts) == 0 else int(sorts.max())


def counts_by_category(
    table: pd.DataFrame,
    indicator_ids: Sequence[str],
    area_code: str,
    period_sort: int,
    category_types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The area's people by category, the indicators read as one population.

    Returns ``category_type, category, count, total`` with ``total`` the sum of the
    indicators' headline counts (the people counted), in the display order of each
    breakdown (:data:`dana.breakdowns.BREAKDOWNS`, else as published). Empty when the
    area has no such rows.
    """
    ids = list(indicator_ids)
    mask = (
        table["indicator_id"].isin(ids).to_numpy()
        & (table["area_code"] == area_code).to_numpy()
        & (table["period_sort"] == period_sort).to_numpy()
        & (table["sex"] == "Persons").to_numpy()
    )
    rows = table.loc[mask, list(READ_COLUMNS)]
    blank = (rows["category_type"] == "").to_numpy()
    headline = rows[blank]
    keep = ~blank
    if category_types is not None:
        keep &= rows["category_type"].isin(list(category_types)).to_numpy()
    parts = rows[keep]
    if parts.empty or headline.empty:
        return pd.DataFrame(columns=["category_type", "category", "count", "total"])
    total = float(headline.drop_duplicates("indicator_id")["count"].sum())
    summed = parts.groupby(["category_type", "category"], sort=False, as_index=False)["count"].sum(
        min_count=1
    )
    summed["total"] = total
    return _ordered(summed, category_types)


def _ordered(frame: pd.DataFrame, category_types: Sequence[str] | None) -> pd.DataFrame:
    types = list(category_types) if category_types else list(dict.fromkeys(frame["category_type"]))
    type_rank = {t: i for i, t in enumerate(types)}

    def category_rank(category_type: str, category: str) -> int:
        known = BREAKDOWNS.get(category_type)
        order = known.categories if known else ()
        return order.index(category) if category in order else len(order)

    pairs = zip(frame["category_type"], frame["category"], strict=True)
    ranked = frame.assign(
        _type=frame["category_type"].map(type_rank),
        _category=[category_rank(t, c) for t, c in pairs],
        _seen=np.arange(len(frame)),
    )
    ranked = ranked.sort_values(["_type", "_category", "_seen"], kind="mergesort")
    return ranked.drop(columns=["_type", "_category", "_seen"]).reset_index(drop=True)


def shares(area: pd.DataFrame, england: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each category's share of the total (%), its Wilson limits and England's share.

    ``area`` and ``england`` are :func:`counts_by_category` frames. ``comparison`` is
    :func:`dana.stats.compare` of the area's interval with England's share (no polarity:
    a profile is described, not judged); ``not_compared`` where England has no share.
    Unrounded counts: disclosure control comes after (:func:`disclose`).
    """
    out = area.copy().reset_index(drop=True)
    known = out["count"].notna() & (out["total"] > 0)
    out["share"] = np.nan
    out["lower"] = np.nan
    out["upper"] = np.nan
    if known.any():
        counts = np.minimum(out.loc[known, "count"].to_numpy(float), out.loc[known, "total"])
        result = stats.proportion(counts, out.loc[known, "total"].to_numpy(float), confidence=LEVEL)
        out.loc[known, "share"] = result["value"].to_numpy()
        out.loc[known, "lower"] = result["lower_95"].to_numpy()
        out.loc[known, "upper"] = result["upper_95"].to_numpy()
    out["benchmark_share"] = np.nan
    if england is not None and not england.empty:
        bench = england[england["total"] > 0]
        bench_share = (bench["count"] / bench["total"] * 100).to_numpy()
        lookup = dict(
            zip(
                zip(bench["category_type"], bench["category"], strict=True),
                bench_share,
                strict=True,
            )
        )
        out["benchmark_share"] = [
            lookup.get(key, np.nan)
            for key in zip(out["category_type"], out["category"], strict=True)
        ]
    out["comparison"] = compare_shares(out)
    out["suppressed"] = False
    return out[list(SHARE_COLUMNS)]


def compare_shares(frame: pd.DataFrame, benchmark: str = "benchmark_share") -> np.ndarray:
    """The Fingertips comparison of each share's interval with the benchmark column."""
    if frame.empty:
        return np.array([], dtype=object)
    judged = stats.compare(
        frame["share"].to_numpy(float),
        frame["lower"].to_numpy(float),
        frame["upper"].to_numpy(float),
        frame[benchmark].to_numpy(float),
        polarity=NO_JUDGEMENT,
        confidence=LEVEL,
    )
    return judged["comparison"].astype(str).to_numpy()


def disclose(frame: pd.DataFrame, rule, *, derived: Sequence[str] = ()) -> pd.DataFrame:
    """The configured rule applied to the area's counts, parts of each breakdown protected
    together (secondary suppression: the total is shown); shares, limits and the
    ``derived`` columns of a withheld count are blanked and it is not compared."""
    if frame.empty:
        return frame
    work = frame.assign(value_type="count", value=frame["count"], value_note="")
    published = apply_disclosure(work, rule, by=["category_type"], secondary=True)
    out = frame.copy()
    out["count"] = published["count"].to_numpy()
    hidden = published["suppressed"].to_numpy(dtype=bool)
    out["suppressed"] = hidden
    blank = [c for c in ("share", "lower", "upper", *derived) if c in out.columns]
    out.loc[hidden, blank] = np.nan
    if "comparison" in out.columns:
        out.loc[hidden, "comparison"] = NOT_COMPARED
    return out


def is_recorded(category: str) -> bool:
    """False for a category that records a missing answer ("Not stated or missing")."""
    lower = category.lower()
    return not any(word in lower for word in NOT_RECORDED)


def shares_table(
    frame: pd.DataFrame,
    *,
    table_id: str,
    title: str,
    count_label: str,
    total_label: str,
    source: str = "",
    notes: str = "",
    benchmark_name: str = "England",
) -> Table:
    """A table of a shares frame: one row per category and a total row.

    Columns: ``Breakdown`` (left out when there is one), ``Category``, the count
    (``count_label``), ``Share (%)``, its 95% limits, the benchmark's share and the
    comparison in words. The shares and limits are derived from the count (withheld
    with it); the total row's first cell is ``Total``.
    """
    several = frame["category_type"].nunique() > 1
    share_columns = ("Share (%)", "Lower 95% CI (%)", "Upper 95% CI (%)")
    body = {
        "Breakdown": frame["category_type"].astype(str).tolist(),
        "Category": frame["category"].astype(str).tolist(),
        count_label: frame["count"].astype(float).tolist(),
        share_columns[0]: frame["share"].astype(float).tolist(),
        share_columns[1]: frame["lower"].astype(float).tolist(),
        share_columns[2]: frame["upper"].astype(float).tolist(),
    }
    bench_column = f"{benchmark_name} share (%)"
    compared_column = f"Compared with {benchmark_name}"
    with_benchmark = frame["benchmark_share"].notna().any()
    if with_benchmark:
        body[bench_column] = frame["benchmark_share"].astype(float).tolist()
        body[compared_column] = [COMPARISON_LABELS[c] for c in frame["comparison"]]
    data = pd.DataFrame(body)
    total = float(frame["total"].iloc[0]) if len(frame) else np.nan
    total_row = {column: np.nan for column in data.columns}
    total_row.update({"Breakdown": "Total", "Category": total_label, count_label: total})
    total_row[share_columns[0]] = 100.0
    if with_benchmark:
        total_row[bench_column] = 100.0
        total_row[compared_column] = ""
    data = pd.concat([data, pd.DataFrame([total_row])], ignore_index=True)
    if not several:
        data.loc[data.index[-1], "Category"] = "Total: " + total_label
        data = data.drop(columns="Breakdown")
    first = data.columns[0]
    return Table(
        id=table_id,
        title=title,
        data=data,
        notes=notes,
        source=source,
        counts=(count_label,),
        derived=tuple((column, count_label) for column in share_columns),
        total_row=str(data[first].iloc[-1]),
    )


def breakdown_chart(
    frame: pd.DataFrame,
    *,
    chart_id: str,
    title: str,
    alt_text: str,
    source: str = "",
    notes: str = "",
    comparator_name: str = "England",
    indicator_id: str = "",
) -> Chart | None:
    """A ``breakdown`` chart of a shares frame: one panel per breakdown (``extra['group']``
    is ``breakdown`` when there are several). None when nothing can be drawn."""
    if frame.empty or frame["share"].notna().sum() == 0 and not frame["suppressed"].any():
        return None
    data = pd.DataFrame(
        {
            "breakdown": frame["category_type"].astype(str).to_numpy(),
            "category": frame["category"].astype(str).to_numpy(),
            "share": frame["share"].astype(float).to_numpy(),
            "lower": frame["lower"].astype(float).to_numpy(),
            "upper": frame["upper"].astype(float).to_numpy(),
            "count": frame["count"].astype(float).to_numpy(),
            "suppressed": frame["suppressed"].astype(bool).to_numpy(),
        }
    )
    if frame["benchmark_share"].notna().any():
        data["comparator_share"] = frame["benchmark_share"].astype(float).to_numpy()
    extra = {"comparator_name": comparator_name, "level": LEVEL}
    if data["breakdown"].nunique() > 1:
        extra["group"] = "breakdown"
    if indicator_id:
        extra["indicator_id"] = indicator_id
    return Chart(
        id=chart_id,
        kind="breakdown",
        title=title,
        alt_text=alt_text,
        data=data,
        unit="%",
        notes=notes,
        source=source,
        extra=extra,
    )


def differences(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose share differs significantly from the benchmark (recorded answers only)."""
    if frame.empty:
        return frame
    keep = frame["comparison"].isin(["higher", "lower"]) & frame["category"].map(is_recorded)
    return frame[keep]
