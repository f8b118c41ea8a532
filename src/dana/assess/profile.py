"""Who is in treatment: the client profile of adults and of young people.

For the alcohol and drugs chapters (subsection "Who is in treatment") the people in
treatment and the new presentations of the chapter's NDTMS substance groups
(:data:`dana.assess.shares.DRUG_GROUPS` read as one population for drugs; alcohol only
for alcohol) by the breakdowns of :data:`ADULT_BREAKDOWNS`, each category's share with
its 95% interval and England's share of the same groups, compared by the Fingertips rule
(:mod:`dana.assess.shares`). The drugs chapter adds the split of all adults in treatment
by substance group. The findings lead with what differs significantly from England, then
mental health treatment need met, housing need and parents living with children (hidden
harm). The young people's profile is :mod:`dana.assess.young_people`; penetration by
ethnic group, age and sex is :mod:`dana.assess.penetration`.

Every count shown is disclosure-controlled (:func:`dana.assess.shares.disclose`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dana import stats
from dana.areas import ENGLAND
from dana.assess.findings import finding, join_and
from dana.assess.model import Finding
from dana.assess.parts import Parts
from dana.assess.shares import (
    ALCOHOL_GROUPS,
    DRUG_GROUPS,
    GROUP_NAMES,
    READ_COLUMNS,
    breakdown_chart,
    counts_by_category,
    differences,
    disclose,
    group_ids,
    latest_sort,
    shares,
    shares_table,
)
from dana.formatting import format_count, format_number

#: The profile breakdowns of each adult measure, in the seeds' order.
ADULT_BREAKDOWNS = {
    "in_treatment": (
        "Sex",
        "Age band",
        "Ethnic group",
        "Parental status",
        "Mental health treatment need",
    ),
    "new_presentations": (
        "Sex",
        "Age band",
        "Ethnic group",
        "Disability",
        "Employment status",
        "Housing need",
        "Parental status",
        "Mental health treatment need",
        "Referral source",
    ),
}
MEASURE_NOUNS = {
    "in_treatment": ("adults in treatment", "All adults in treatment"),
    "new_presentations": ("adults starting treatment", "All new presentations"),
}
#: How many significant differences a finding names.
MAX_NAMED = 4
NEED_MET = "Need, receiving treatment"
NEED_UNMET = "Need, not receiving treatment"


@dataclass(frozen=True)
class Topic:
    """A chapter's treatment population: its key, noun and NDTMS substance groups."""

    key: str  # "alcohol" or "drugs"
    noun: str  # "alcohol" / "drugs", as in "adults in treatment for drugs"
    groups: tuple[str, ...]


TOPICS = {
    "alcohol": Topic("alcohol", "alcohol", ALCOHOL_GROUPS),
    "drugs": Topic("drugs", "drugs", DRUG_GROUPS),
}


@dataclass(frozen=True)
class Profile:
    """One measure's profile for the area: the shares frame (disclosure-controlled), its
    period label and source."""

    measure: str
    frame: pd.DataFrame
    period: str
    source: str
    indicator_ids: tuple[str, ...]


def measure_profile(
    table: pd.DataFrame,
    ids: Sequence[str],
    area_code: str,
    category_types: Sequence[str],
    *,
    target: int | None,
    rule,
    measure: str,
) -> Profile | None:
    """The area's profile for the indicators ``ids`` read as one population, with
    England's shares, at the latest period with breakdowns (None without data)."""
    # the few rows and columns read below, taken once
    table = table.loc[table["indicator_id"].isin(list(ids)).to_numpy(), list(READ_COLUMNS)]
    sort = latest_sort(table, ids, area_code, target)
    if sort is None:
        return None
    area = counts_by_category(table, ids, area_code, sort, category_types)
    if area.empty:
        return None
    england = counts_by_category(table, ids, ENGLAND, sort, category_types)
    frame = disclose(shares(area, england if not england.empty else None), rule)
    rows = table[(table["area_code"] == area_code) & (table["period_sort"] == sort)]
    return Profile(
        measure=measure,
        frame=frame,
        period=str(rows["period"].iloc[0]),
        source=str(rows["source"].iloc[0]),
        indicator_ids=tuple(ids),
    )


def adult_profile(table, topic: Topic, comparators, *, target, rule) -> Parts:
    """The "Who is in treatment" parts of the alcohol or drugs chapter."""
    area = comparators.subject
    parts = Parts()
    if topic.key == "drugs":
        parts += substance_group_parts(table, area, target=target, rule=rule)
    for profile in topic_profiles(table, topic, area, ADULT_BREAKDOWNS, target=target, rule=rule):
        parts += _measure_parts(profile, topic, area.name)
    return parts


def topic_profiles(table, topic: Topic, area, measures, *, target, rule):
    """The profile of each measure (``{measure: category types}``) of the chapter's
    substance groups that has data for the area, in order."""
    for measure, category_types in measures.items():
        ids = group_ids(measure, topic.groups)
        profile = measure_profile(
            table, ids, area.code, category_types, target=target, rule=rule, measure=measure
        )
        if profile is not None:
            yield profile


def _measure_parts(profile: Profile, topic: Topic, area_name: str) -> Parts:
    noun, total_label = MEASURE_NOUNS[profile.measure]
    who = f"{noun} for {topic.noun}"
    groups = join_and([GROUP_NAMES[g].lower() for g in topic.groups])
    key = f"{topic.key}.profile.{profile.measure}"
    notes = (
        f"Substance groups: {groups}. Shares of the people counted, with 95% Wilson "
        "confidence intervals; England's share of the same groups. 'Higher' or 'lower' "
        "means England's share lies outside the area's interval. Some breakdowns allow "
        "more than one answer, so their shares need not add up to 100%."
    )
    title = f"Profile of {who}, {area_name}, {profile.period}"
    table = shares_table(
        profile.frame,
        table_id=key,
        title=title,
        count_label="People",
        total_label=f"{total_label} ({topic.noun})",
        source=profile.source,
        notes=notes,
    )
    chart_types = ("Sex", "Age band", "Ethnic group")
    shown = profile.frame[profile.frame["category_type"].isin(chart_types)]
    # the people in treatment are drawn; new presentations are a table only
    chart = (
        None
        if profile.measure != "in_treatment"
        else breakdown_chart(
            shown,
            chart_id=f"{key}.chart",
            title=f"Sex, age and ethnic group of {who}, {area_name}, {profile.period}",
            alt_text=alt_text(shown, who, area_name),
            source=profile.source,
            notes="Bars: share of the people counted with its 95% confidence interval; "
            "markers: England's share.",
            indicator_id=profile.indicator_ids[0],
        )
    )
    findings = [
        finding(
            key,
            difference_sentence(profile.frame, who, area_name, profile.period),
            profile.indicator_ids,
            "profile",
        )
    ]
    findings += _need_findings(profile, who, key)
    return Parts((table,), () if chart is None else (chart,), tuple(findings))


def alt_text(frame: pd.DataFrame, who: str, area_name: str) -> str:
    pieces = []
    for category_type, rows in frame.groupby("category_type", sort=False):
        shown = rows[rows["share"].notna()]
        if shown.empty:
            continue
        top = shown.loc[shown["share"].idxmax()]
        pieces.append(
            f"{category_type.lower()}: largest group {top['category']} "
            f"({format_number(top['share'], '%')}%)"
        )
    return f"Shares of {who} in {area_name} by " + "; ".join(pieces) + "."


def difference_sentence(frame: pd.DataFrame, who: str, area_name: str, period: str) -> str:
    """Lead with the significant differences from England, largest first."""
    if frame["benchmark_share"].isna().all():
        return (
            f"In {period}, {_total(frame)} {who} in {area_name} are profiled below; no "
            "England figures were available to compare them with."
        )
    different = differences(frame)
    tested = join_and(list(dict.fromkeys(t.lower() for t in frame["category_type"])))
    if different.empty:
        return (
            f"In {period}, the {_total(frame)} {who} in {area_name} were similar to England's "
            f"in every breakdown tested ({tested}): no share differed significantly."
        )
    gap = (different["share"] - different["benchmark_share"]).abs()
    named = different.loc[gap.sort_values(ascending=False).index[:MAX_NAMED]]
    clauses = [
        f"a {row['comparison']} share {_category_words(row)} "
        f"({format_number(row['share'], '%')}% against "
        f"{format_number(row['benchmark_share'], '%')}%)"
        for _, row in named.iterrows()
    ]
    more = len(different) - len(named)
    tail = (
        f"; {more} more share{'s differ' if more != 1 else ' differs'} (see the table)"
        if more
        else ""
    )
    return (
        f"Compared with England, the {_total(frame)} {who} in {area_name} in {period} had "
        f"{join_and(clauses)}{tail}."
    )


def _category_words(row) -> str:
    """'who were male', 'aged 18-29', 'from the Asian ethnic group', 'referred by self,
    family and friends', else "recorded as '<category>' (<breakdown>)"."""
    category_type, category = row["category_type"], str(row["category"])
    if category_type == "Sex":
        return f"who were {category.lower()}"
    if category_type == "Age band":
        return f"aged {category.replace(' yrs', '')}"
    if category_type == "Ethnic group":
        return f"from the {category} ethnic group"
    if category_type == "Referral source":
        return f"referred by {category[0].lower() + category[1:]}"
    return f"recorded as '{category}' ({category_type.lower()})"


def _total(frame: pd.DataFrame) -> str:
    return format_count(float(frame["total"].iloc[0]))


def _substance(key: str) -> str:
    """'alcohol' or 'drug', from a finding key ``<topic>.profile...``."""
    return "alcohol" if key.startswith("alcohol") else "drug"


def _need_findings(profile: Profile, who: str, key: str) -> list[Finding]:
    """Mental health treatment need met; urgent and other housing need; parents living
    with children (hidden harm)."""
    frame = profile.frame
    out = []
    need = frame[frame["category_type"] == "Mental health treatment need"].set_index("category")
    if {NEED_MET, NEED_UNMET} <= set(need.index):
        met, unmet = need.at[NEED_MET, "count"], need.at[NEED_UNMET, "count"]
        if pd.notna(met) and pd.notna(unmet) and met + unmet > 0:
            result = stats.proportion(met, met + unmet)
            share, low, high = (float(result[c].iloc[0]) for c in ("value", "lower_95", "upper_95"))
            out.append(
                finding(
                    f"{key}.mental_health",
                    f"Of the {format_count(met + unmet)} {who} with a mental health treatment "
                    f"need in {profile.period}, {format_count(met)} "
                    f"({format_number(share, '%')}%, 95% CI {format_number(low, '%')}% to "
                    f"{format_number(high, '%')}%) were receiving treatment for it and "
                    f"{format_count(unmet)} were not: an unmet mental health need among people "
                    f"in {_substance(key)} treatment.",
                    profile.indicator_ids,
                    "profile",
                )
            )
    housing = frame[frame["category_type"] == "Housing need"].set_index("category")
    if {"Urgent housing problem", "Housing problem"} <= set(housing.index):
        urgent, other = housing.loc["Urgent housing problem"], housing.loc["Housing problem"]
        if pd.notna(urgent["share"]) and pd.notna(other["share"]):
            out.append(
                finding(
                    f"{key}.housing",
                    f"{format_number(urgent['share'], '%')}% of {who} had an urgent housing "
                    f"problem and {format_number(other['share'], '%')}% another housing "
                    f"problem ({profile.period}).",
                    profile.indicator_ids,
                    "profile",
                )
            )
    parents = frame[
        (frame["category_type"] == "Parental status")
        & (frame["category"] == "Parent living with children")
    ]
    if not parents.empty and pd.notna(parents["count"].iloc[0]):
        row = parents.iloc[0]
        out.append(
            finding(
                f"{key}.parents",
                f"{format_count(row['count'])} {who} ({format_number(row['share'], '%')}%) were "
                f"parents living with children ({profile.period}): the children affected are "
                f"part of the hidden harm of parental {_substance(key)} use.",
                profile.indicator_ids,
                "hidden_harm",
            )
        )
    return out


def substance_group_parts(table, area, *, target, rule) -> Parts:
    """All adults in treatment by NDTMS substance group, with England's split."""
    groups = (*DRUG_GROUPS, *ALCOHOL_GROUPS)
    ids = group_ids("in_treatment", groups)
    headline = table[table["indicator_id"].isin(ids) & (table["category_type"] == "")]
    at_area = headline[headline["area_code"] == area.code]
    if target is not None:
        at_area = at_area[at_area["period_sort"] <= target]
    if at_area.empty:
        return Parts()
    sort = int(at_area["period_sort"].max())

    def counts(code: str) -> pd.DataFrame:
        rows = headline[(headline["area_code"] == code) & (headline["period_sort"] == sort)]
        by_id = rows.drop_duplicates("indicator_id").set_index("indicator_id")["count"]
        frame = pd.DataFrame(
            {
                "category_type": "Substance group",
                "category": [GROUP_NAMES[g] for g in groups],
                "count": [by_id.get(i) for i in ids],
            }
        )
        frame["count"] = frame["count"].astype(float)
        frame["total"] = frame["count"].sum()
        return frame

    area_counts, england = counts(area.code), counts(ENGLAND)
    if area_counts["count"].isna().any():
        return Parts()
    frame = disclose(shares(area_counts, england if england["count"].notna().all() else None), rule)
    period = str(at_area.loc[at_area["period_sort"] == sort, "period"].iloc[0])
    source = str(at_area["source"].iloc[0])
    key = "drugs.profile.substance_groups"
    data = shares_table(
        frame,
        table_id=key,
        title=f"Adults in treatment by substance group, {area.name}, {period}",
        count_label="People",
        total_label="All adults in treatment",
        source=source,
        notes="NDTMS substance groups (DEFINITIONS.md 3.1): each adult is in one group. "
        "Shares with 95% Wilson confidence intervals; England's split of the same groups.",
    )
    largest = frame.loc[frame["share"].idxmax()] if frame["share"].notna().any() else None
    text = (
        f"In {period}, {_total(frame)} adults were in treatment in {area.name}: "
        + join_and(
            [
                f"{r['category'].lower()} {format_count(r['count'])}"
                if pd.notna(r["count"])
                else f"{r['category'].lower()} *"
                for _, r in frame.iterrows()
            ]
        )
        + "."
    )
    if largest is not None and pd.notna(largest["benchmark_share"]):
        text += (
            f" The largest group, {largest['category'].lower()}, was "
            f"{format_number(largest['share'], '%')}% of the total (England "
            f"{format_number(largest['benchmark_share'], '%')}%)."
        )
    return Parts((data,), (), (finding(key, text, tuple(ids), "profile"),))
