"""Young people in specialist substance misuse services: who they are, how they came.

The profile of ``ndtms:yp_in_treatment`` (NDTMS young people's data) by sex, age band,
age at first use, vulnerabilities, source of referral and substances cited, each
category's share with its 95% Wilson interval and England's share
(:func:`dana.assess.profile.measure_profile`), and findings on the commonest referral
routes and vulnerabilities and on first use before 15. Vulnerabilities and substances
allow more than one answer (overlapping breakdowns), so their shares need not add up.
"""

from __future__ import annotations

from dana.assess.findings import finding, join_and
from dana.assess.model import Finding
from dana.assess.parts import Parts
from dana.assess.profile import Profile, alt_text, difference_sentence, measure_profile
from dana.assess.shares import breakdown_chart, shares_table
from dana.formatting import format_count, format_number

YOUNG_PEOPLE_ID = "ndtms:yp_in_treatment"
YOUNG_PEOPLE_BREAKDOWNS = (
    "Sex",
    "Age band",
    "Age at first use",
    "Vulnerability",
    "Source of referral",
    "Substance cited",
)


def young_people_profile(table, comparators, *, target, rule) -> Parts:
    """Young people in specialist services: sex, age, age at first use, vulnerabilities,
    referral route and substances, with England's shares."""
    area = comparators.subject
    profile = measure_profile(
        table,
        [YOUNG_PEOPLE_ID],
        area.code,
        YOUNG_PEOPLE_BREAKDOWNS,
        target=target,
        rule=rule,
        measure="yp_in_treatment",
    )
    if profile is None:
        return Parts()
    who = "young people in specialist substance misuse services"
    key = "young_people.profile"
    data = shares_table(
        profile.frame,
        table_id=key,
        title=f"Profile of {who}, {area.name}, {profile.period}",
        count_label="Young people",
        total_label="All young people in treatment",
        source=profile.source,
        notes="Vulnerabilities and substances allow more than one answer, so their shares "
        "need not add up to 100%. Shares with 95% Wilson confidence intervals.",
    )
    shown = profile.frame[
        profile.frame["category_type"].isin(("Age at first use", "Source of referral"))
    ]
    chart = breakdown_chart(
        shown,
        chart_id=f"{key}.chart",
        title=f"Age at first use and referral route of {who}, {area.name}, {profile.period}",
        alt_text=alt_text(shown, who, area.name),
        source=profile.source,
        indicator_id=YOUNG_PEOPLE_ID,
    )
    findings = [
        finding(
            key,
            difference_sentence(profile.frame, who, area.name, profile.period),
            (YOUNG_PEOPLE_ID,),
            "profile",
        )
    ]
    findings += _young_people_findings(profile, who, key)
    return Parts((data,), () if chart is None else (chart,), tuple(findings))


def _young_people_findings(profile: Profile, who: str, key: str) -> list[Finding]:
    frame = profile.frame
    out = []
    for category_type, label, plural in (
        ("Source of referral", "referral route", "referral routes"),
        ("Vulnerability", "vulnerability", "vulnerabilities"),
    ):
        rows = frame[(frame["category_type"] == category_type) & frame["share"].notna()]
        rows = rows[rows["category"] != "Other"]
        if rows.empty:
            continue
        top = rows.sort_values("share", ascending=False).head(2)
        named = join_and(
            [
                f"{r['category'].lower()} ({format_number(r['share'], '%')}%)"
                for _, r in top.iterrows()
            ]
        )
        out.append(
            finding(
                f"{key}.{label.replace(' ', '_')}",
                f"The most common {plural} of {who} in {profile.period} were {named}.",
                (YOUNG_PEOPLE_ID,),
                "profile",
            )
        )
    early = frame[(frame["category_type"] == "Age at first use") & frame["share"].notna()]
    under_15 = early[early["category"].isin(("Under 10", "10-12", "13-14"))]
    if not under_15.empty and len(under_15) == 3:
        count = under_15["count"].sum()
        total = float(frame["total"].iloc[0])
        out.append(
            finding(
                f"{key}.age_at_first_use",
                f"{format_number(count / total * 100, '%')}% of {who} ({format_count(count)}) "
                f"first used a substance before the age of 15 ({profile.period}).",
                (YOUNG_PEOPLE_ID,),
                "profile",
            )
        )
    return out
