"""How people get into treatment and how they leave: waits, setting, time in treatment,
exits by reason, injecting, outcomes by substance group, unmet need and hidden harm.

Two kinds of parts, both for the alcohol and drugs chapters:

- **Breakdowns** of the NDTMS measures (:mod:`dana.assess.shares`): the wait from
  referral to the first intervention (``ndtms:first_interventions``), the setting and the
  time in treatment of the people in treatment, the reasons for leaving
  (``ndtms:exits``; "early unplanned exits" are the NDTMS reasons "Dropped out" and
  "Treatment withdrawn"), and injecting status at the start of treatment (drugs).
- **Headline figures grouped as the seeds group them** (:func:`figures_table`):
  successful completion and re-presentation by substance group, deaths in treatment,
  naloxone and continuity of care after prison; the opiate, crack and OCU unmet need side
  by side (Coventry gives all three); and parents in treatment against the estimated
  number of dependent parents (hidden harm: Coventry's 327 of 3,780).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dana import stats
from dana.areas import ENGLAND
from dana.assess.findings import finding
from dana.assess.model import Table
from dana.assess.parts import Parts
from dana.assess.profile import Topic, topic_profiles
from dana.assess.shares import breakdown_chart, shares_table
from dana.formatting import SUPPRESSED, format_count, format_number
from dana.vocabulary import COMPARISON_LABELS

#: Breakdowns read for each measure (chapter subsection: service use or outcomes).
SERVICE_USE = {
    "first_interventions": ("Wait for first intervention",),
    "in_treatment": ("Setting", "Time in treatment"),
}
OUTCOMES = {"exits": ("Exit reason",)}
INJECTING = {"new_presentations": ("Injecting status",)}
WAITED_LONG = ("over 3 to 6 weeks", "over 6 weeks")
#: Measures whose breakdown is also drawn (the rest are tables only).
CHARTED = ("exits",)
EARLY_UNPLANNED = ("Dropped out", "Treatment withdrawn")
MEASURE_WORDS = {
    "first_interventions": ("adults starting a first intervention", "All first interventions"),
    "in_treatment": ("adults in treatment", "All adults in treatment"),
    "exits": ("adults leaving treatment", "All exits"),
    "new_presentations": ("adults starting treatment", "All new presentations"),
}
#: Headline indicators grouped into tables: (key, title, ids, chapter).
FIGURE_GROUPS = (
    (
        "drugs.outcomes.by_group",
        "Treatment outcomes by substance group",
        ("90244", "90245", "ndtms:representations_drug", "ndtms:deaths_in_treatment"),
        "drugs",
    ),
    (
        "alcohol.outcomes.by_group",
        "Alcohol treatment outcomes",
        ("92447", "ndtms:representations_alcohol"),
        "alcohol",
    ),
    (
        "drugs.patterns.unmet_need",
        "Unmet need for opiate and crack cocaine treatment",
        ("ndtms:unmet_need_opiates", "ndtms:unmet_need_crack", "93517"),
        "drugs",
    ),
    (
        "drugs.service_use.harm_reduction",
        "Harm reduction and continuity of care",
        ("ndtms:naloxone_issued_opiate", "92544", "ndtms:waiting_over_3_weeks_drug"),
        "drugs",
    ),
)
HIDDEN_HARM_ID = "ndtms:dependent_parents_in_treatment"
#: The same measure as a council printed it (Coventry: "327 parents in treatment out of a
#: projected number of 3780"), used when the NDTMS figure is absent.
PRINTED_HIDDEN_HARM_ID = "seed:parents_in_treatment"


def breakdown_parts(
    table: pd.DataFrame,
    topic: Topic,
    area,
    measures: dict[str, Sequence[str]],
    *,
    subsection: str,
    target: int | None,
    rule,
) -> Parts:
    """A shares table (and chart) per measure of ``measures`` for the chapter's groups."""
    parts = Parts()
    for profile in topic_profiles(table, topic, area, measures, target=target, rule=rule):
        measure, ids = profile.measure, profile.indicator_ids
        category_types = measures[measure]
        noun, total_label = MEASURE_WORDS[measure]
        who = f"{noun} for {topic.noun}"
        key = f"{topic.key}.{subsection}.{measure}"
        types = " and ".join(t.lower() for t in category_types)
        data = shares_table(
            profile.frame,
            table_id=key,
            title=f"{who[0].upper()}{who[1:]} by {types}, {area.name}, {profile.period}",
            count_label="People",
            total_label=f"{total_label} ({topic.noun})",
            source=profile.source,
            notes="Shares with 95% Wilson confidence intervals; England's share of the same "
            "substance groups. A person may be treated in more than one setting.",
        )
        # one chart per chapter (the exits); the other breakdowns are tables
        chart = (
            None
            if measure not in CHARTED
            else breakdown_chart(
                profile.frame,
                chart_id=f"{key}.chart",
                title=f"{who[0].upper()}{who[1:]} by {types}, {area.name}, {profile.period}",
                alt_text=f"Shares of {who} in {area.name} by {types}, with England's shares.",
                source=profile.source,
                indicator_id=ids[0],
            )
        )
        text = _sentence(measure, profile, who, area.name)
        parts += Parts(
            (data,),
            () if chart is None else (chart,),
            (finding(key, text, tuple(ids), "pathway"),),
        )
    return parts


def _sentence(measure: str, profile, who: str, area_name: str) -> str:
    frame = profile.frame.set_index("category")
    total = float(profile.frame["total"].iloc[0])
    if measure == "first_interventions":
        waited = frame.loc[[c for c in WAITED_LONG if c in frame.index], "count"]
        if waited.isna().any() and "3 weeks and under" in frame.index:
            return _combined(
                frame,
                ("3 weeks and under",),
                total,
                who,
                area_name,
                profile.period,
                "started within 3 weeks of referral; the longer waits are too few to publish separately",
            )
        return _combined(
            frame,
            WAITED_LONG,
            total,
            who,
            area_name,
            profile.period,
            "waited over 3 weeks from referral to their first intervention",
        )
    if measure == "exits":
        text = _combined(
            frame,
            EARLY_UNPLANNED,
            total,
            who,
            area_name,
            profile.period,
            "dropped out or had treatment withdrawn (early unplanned exits)",
        )
        for category, words in (
            ("Successful completion", "completed successfully"),
            ("Died", "died in treatment"),
        ):
            if category in frame.index and pd.notna(frame.at[category, "share"]):
                text += f" {format_number(frame.at[category, 'share'], '%')}% {words}"
                text += _versus(frame, category) + "."
        return text
    if measure == "new_presentations":
        return _combined(
            frame,
            ("Currently injecting",),
            total,
            who,
            area_name,
            profile.period,
            "were currently injecting",
        )
    pieces = []
    for category in ("Residential rehabilitation", "Inpatient unit", "over 6 years"):
        if category in frame.index and pd.notna(frame.at[category, "share"]):
            pieces.append(
                f"{format_number(frame.at[category, 'share'], '%')}% '{category}'{_versus(frame, category)}"
            )
    return (
        f"Of the {format_count(total)} {who} in {area_name} in {profile.period}: "
        + ("; ".join(pieces) if pieces else "see the table")
        + "."
    )  # fmt: skip


def _versus(frame: pd.DataFrame, category: str) -> str:
    bench = frame.at[category, "benchmark_share"]
    if pd.isna(bench):
        return ""
    word = {"higher": ", higher than", "lower": ", lower than"}.get(
        frame.at[category, "comparison"], ", similar to"
    )
    return f" ({word.lstrip(', ')} England's {format_number(bench, '%')}%)"


def _combined(frame, categories, total, who, area_name, period, words) -> str:
    """The share of the total in ``categories`` together, with its Wilson interval."""
    present = [c for c in categories if c in frame.index]
    counts = frame.loc[present, "count"] if present else pd.Series(dtype=float)
    if not present or counts.isna().any() or total <= 0:
        return f"In {period}, {format_count(total)} {who} in {area_name}: see the table."
    count = float(counts.sum())
    result = stats.proportion(min(count, total), total)
    share, low, high = (float(result[c].iloc[0]) for c in ("value", "lower_95", "upper_95"))
    return (
        f"In {period}, {format_count(count)} of the {format_count(total)} {who} in {area_name} "
        f"({format_number(share, '%')}%, 95% CI {format_number(low, '%')}% to "
        f"{format_number(high, '%')}%) {words}."
    )


def figures_table(
    results, ids: Sequence[str], *, key: str, title: str, area_name: str
) -> Table | None:
    """The chosen headline figures side by side: value, 95% limits, count, denominator and
    England's value, as the seeds tabulate related measures (None when none is present)."""
    chosen = [r for i in ids for r in results if r.figure.indicator_id == i]
    if not chosen:
        return None
    rows = []
    for result in chosen:
        figure = result.figure
        england = figure.benchmark(ENGLAND)
        rows.append(
            {
                "Indicator": figure.name,
                "Period": figure.period,
                # a withheld figure's count is marked; an empty one was never given
                "Count": SUPPRESSED if figure.suppressed else figure.count,
                "Denominator": figure.denominator,
                "Value": figure.value,
                "Lower CI": figure.lower,
                "Upper CI": figure.upper,
                "Unit": figure.unit,
                "England": None if england is None else england.benchmark_value,
                "Compared with England": ""
                if england is None
                else COMPARISON_LABELS.get(england.comparison, england.comparison),
            }
        )
    data = pd.DataFrame(rows)
    for column in ("Count", "Denominator", "Value", "Lower CI", "Upper CI", "England"):
        if not (data[column] == SUPPRESSED).any():
            data[column] = data[column].astype(float)
    sources = sorted({r.figure.source for r in chosen if r.figure.source})
    return Table(
        id=key,
        title=f"{title}, {area_name}",
        data=data,
        notes="Each row is a headline figure of this assessment (its finding and method are "
        "with the figure); limits at the figure's own confidence level.",
        source="; ".join(sources),
        counts=("Count",),
        derived=(("Value", "Count"), ("Lower CI", "Count"), ("Upper CI", "Count")),
        missing_counts_not_given=True,
    )


def grouped_figures(results, chapter: str, area_name: str) -> dict[str, Table]:
    """The :data:`FIGURE_GROUPS` tables of a chapter, by subsection key."""
    out = {}
    for key, title, ids, group_chapter in FIGURE_GROUPS:
        if group_chapter != chapter:
            continue
        made = figures_table(results, ids, key=key, title=title, area_name=area_name)
        if made is not None:
            out[key] = made
    return out


def hidden_harm(results, area_name: str) -> Parts:
    """Parents in treatment against the estimated number of dependent parents (NDTMS's
    figure, or else the one the council printed)."""
    found = [
        ([r for r in results if r.figure.indicator_id == indicator_id], indicator_id, who)
        for indicator_id, who in (
            (HIDDEN_HARM_ID, "dependent parents living with children"),
            (PRINTED_HIDDEN_HARM_ID, "parents with a drug or alcohol need"),
        )
    ]
    found = [f for f in found if f[0] and f[0][0].figure.value is not None]
    if not found:
        return Parts()
    chosen, indicator_id, who = found[0]
    figure = chosen[0].figure
    table = figures_table(
        chosen,
        [indicator_id],
        key="young_people.hidden_harm",
        title="Hidden harm: dependent parents in treatment",
        area_name=area_name,
    )
    estimated = figure.denominator
    parents = figure.count
    text = (
        f"In {figure.period}, {format_count(parents)} {who} were in treatment in "
        f"{area_name}, out of an estimated {format_count(estimated)} "
        f"({format_number(figure.value, figure.unit)}%): the children of the rest are the "
        "hidden harm services do not yet reach."
        if parents is not None and estimated is not None
        else f"{format_number(figure.value, figure.unit)}% of the estimated {who} in "
        f"{area_name} were in treatment in {figure.period}."
    )
    return Parts(
        (table,), (), (finding("young_people.hidden_harm", text, indicator_id, "hidden_harm"),)
    )
