"""Who is in treatment, as a council printed it: the profile shares a needs assessment
gives and the penetration they allow, for a build whose treatment data are printed
figures (the Coventry real-data example) rather than NDTMS breakdown rows.

Coventry's assessment prints, for all substance groups together: the share of people in
treatment who are female (33% in 2021-22, 29% in 2018-19) and from a Black or minority
ethnic group (15%), the share of referrals that are self-referrals (75%) and the share of
the provider's caseload with a mental health need (67%), beside "almost 1800" people in
treatment. :func:`printed_profile_parts` tabulates them as printed, with their periods.

**Penetration** of the minority ethnic groups (:func:`dana.stats.penetration`, as in
:mod:`dana.assess.penetration`): the printed treatment share over the residents' share
from the real Census 2021 file. "Black or minority ethnic" is read as every group other
than White, the reading that gives Coventry's own 26% from the 2011 Census (82,931 of
316,960 residents not White = 26.2%). The 95% limits need counts: the people in treatment
are the printed total of the same period and the group's count is the printed share of
it, rounded to a person; both are rounded in print ("almost 1800", a whole percent), so
the limits are approximate and the notes say so. Without a printed total the ratio is
given without limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.assess.findings import finding, join_and
from dana.assess.layout import TOTAL_ROW, subsection_key
from dana.assess.model import Table
from dana.assess.parts import Parts
from dana.assess.penetration import (
    COLUMNS,
    ETHNIC_GROUP,
    SMALL_COUNT,
    SMALL_NUMBERS,
    SMALL_SHARE,
    census_residents,
    penetration_columns,
    penetration_frame,
)
from dana.formatting import format_count, format_number
from dana.stats.penetration import UNDER_PENETRATED

#: The printed profile shares DANA knows: id -> (breakdown, group, of whom, verb phrase).
PRINTED_SHARES = {
    "ndtms:in_treatment_female_share": ("Sex", "Female", "people in treatment", "were female"),
    "ndtms:in_treatment_minority_ethnic_share": (
        ETHNIC_GROUP, "Black or minority ethnic (not White)", "people in treatment",
        "were from a Black or minority ethnic group",
    ),
    "ndtms:self_referral_share": (
        "Referral source", "Self-referral", "referrals to the specialist provider",
        "were self-referrals",
    ),
    "seed:caseload_with_mental_health_need": (
        "Mental health", "Identified mental health need", "the specialist provider's caseload",
        "had an identified mental health need",
    ),
}  # fmt: skip
MINORITY_ID = "ndtms:in_treatment_minority_ethnic_share"
#: The printed number of people in treatment (all substance groups).
TOTAL_ID = "ndtms:number_in_treatment"
MINORITY = "Not White"
PROFILE_COLUMNS = ("Breakdown", "Group", "Share of", "Period", "Share (%)")


def printed_topic(results) -> str | None:
    """The topic section ("alcohol" or "drugs") the printed shares sit in, None without them."""
    for result in results:
        if result.indicator.id in PRINTED_SHARES:
            return subsection_key(result.indicator).split(".")[0]
    return None


def _rows(table: pd.DataFrame, area_code: str, indicator_id: str) -> pd.DataFrame:
    rows = table[
        (table["indicator_id"] == indicator_id)
        & (table["area_code"] == area_code)
        & (table["category_type"] == "")
        & table["value"].notna()
    ]
    return rows.sort_values("period_sort", ascending=False, kind="mergesort")


def printed_profile_parts(table: pd.DataFrame, area) -> Parts:
    """The printed profile table, the minority ethnic penetration and their findings."""
    records, clauses, sources = [], [], []
    for indicator_id, (breakdown, group, of_whom, verb) in PRINTED_SHARES.items():
        rows = _rows(table, area.code, indicator_id)
        if rows.empty:
            continue
        for _, row in rows.iterrows():
            records.append(
                {
                    PROFILE_COLUMNS[0]: breakdown,
                    PROFILE_COLUMNS[1]: group,
                    PROFILE_COLUMNS[2]: of_whom,
                    PROFILE_COLUMNS[3]: str(row["period"]),
                    PROFILE_COLUMNS[4]: float(row["value"]),
                }
            )
        sources.append(str(rows["source"].iloc[0]))
        latest = rows.iloc[0]
        clause = f"{format_number(latest['value'], '%')}% of {of_whom} {verb}"
        if len(rows) > 1:
            earlier = rows.iloc[-1]
            clause += f" ({format_number(earlier['value'], '%')}% in {earlier['period']})"
        clauses.append((clause, str(latest["period"])))
    if not records:
        return Parts()
    periods = {period for _, period in clauses}
    if len(periods) == 1:
        text = f"As printed for {area.name}, all substance groups, in {periods.pop()}: "
        text += join_and([clause for clause, _ in clauses]) + "."
    else:
        text = f"As printed for {area.name}, all substance groups: "
        text += join_and([f"{clause} in {period}" for clause, period in clauses]) + "."
    source = "; ".join(dict.fromkeys(sources))
    profile = Table(
        id="printed.profile",
        title=f"People in treatment in {area.name}, all substance groups, as printed",
        data=pd.DataFrame(records, columns=list(PROFILE_COLUMNS)),
        notes="Shares as the council's needs assessment printed them (whole percentages), "
        "for all substance groups together; the counts behind them were not printed, so "
        "they carry no interval. The breakdowns NDTMS gives by substance group (age, "
        "disability, employment, housing, parental status, referral source) were not "
        "printed and are listed as data gaps.",
        source=source,
        not_counts=(PROFILE_COLUMNS[4],),
    )
    findings = [finding("printed.profile", text, tuple(PRINTED_SHARES), "profile")]
    tables = [profile]
    penetration = _minority_penetration(table, area)
    if penetration is not None:
        tables.append(penetration[0])
        findings.append(penetration[1])
    return Parts(tuple(tables), (), tuple(findings))


def _minority_penetration(table: pd.DataFrame, area):
    census = census_residents(table, area.code)
    shares = _rows(table, area.code, MINORITY_ID)
    if census is None or shares.empty:
        return None
    latest = shares.iloc[0]
    share, period = float(latest["value"]), str(latest["period"])
    totals = _rows(table, area.code, TOTAL_ID)
    totals = totals[totals["period"] == period]
    total = float(totals["value"].iloc[0]) if len(totals) else None
    if total:
        minority = float(np.floor(share / 100 * total + 0.5))
        treated = [minority, total - minority]
    else:
        treated = [share, 100 - share]  # shares: the right ratio, no meaningful interval
    residents = census.frame
    white = float(residents.loc[residents["category"] == "White", "residents"].sum())
    others = float(residents["residents"].sum()) - white
    frame = penetration_frame(
        pd.DataFrame(
            {"category_type": ETHNIC_GROUP, "category": [MINORITY, "White"], "count": treated,
             "total": sum(treated)}
        ),
        pd.DataFrame(
            {"category_type": ETHNIC_GROUP, "category": [MINORITY, "White"], "residents": [others, white]}
        ),
    )  # fmt: skip
    if not total:
        frame[["lower_95", "upper_95"]] = np.nan
        frame["flag"] = "not_compared"
    data = penetration_columns(frame).drop(columns=COLUMNS[0])
    data = data.rename(columns={COLUMNS[1]: "Ethnic group"})
    if total:
        # the printed total is published: with it as the total row, disclosure control
        # treats the groups as its parts (a hidden group cannot be had by subtraction)
        data.loc[len(data)] = {"Ethnic group": TOTAL_ROW, COLUMNS[2]: total, COLUMNS[3]: 100.0,
                               COLUMNS[4]: others + white, COLUMNS[5]: 100.0, COLUMNS[9]: ""}  # fmt: skip
    else:
        data[COLUMNS[2]] = np.nan  # shares stood in for the counts: none was given
    counts_note = (
        f"People in treatment: the printed {format_count(total)} in {period} split by the "
        f"printed {format_number(share, '%')}%, rounded to a person; both figures are "
        "rounded in print, so the counts and the 95% limits (Wilson limits of the treatment "
        "share over the residents' share) are approximate."
        if total
        else "No number in treatment was printed for the period, so no interval is given."
    )
    penetration_table = Table(
        id="printed.penetration",
        title=f"Penetration of treatment by ethnic group, {area.name}, {period}",
        data=data,
        notes="Penetration = share of the people in treatment / share of residents x 100 "
        "(Bedford JSNA, Table 5), for all substance groups together. 'Black or minority "
        "ethnic' is every group other than White, the reading that gives the council's "
        f"own 2011 Census share. {counts_note} Residents: {census.source} ({census.period}), "
        "all ages, against adults in treatment: the minority ethnic groups are younger, so "
        "their share of adults is smaller than of all residents and the penetration is "
        "understated.",
        source=f"{latest['source']}; {census.source}",
        counts=(COLUMNS[2],),
        derived=tuple((c, COLUMNS[2]) for c in (COLUMNS[3], COLUMNS[6], COLUMNS[7], COLUMNS[8])),
        not_counts=(COLUMNS[4],),
        total_row=TOTAL_ROW if total else "",
        missing_counts_not_given=not total,
    )
    row = frame.iloc[0]
    text = (
        f"People from Black or minority ethnic groups were {format_number(share, '%')}% of "
        f"those in treatment in {area.name} in {period}, against "
        f"{format_number(row['population_share'], '%')}% of residents at the {census.period} "
        f"Census: a penetration of {format_number(row['value'], '%')}%"
    )
    if total:
        text += (
            f" (approximate 95% CI {format_number(row['lower_95'], '%')}% to "
            f"{format_number(row['upper_95'], '%')}%)"
        )
    if row["flag"] == UNDER_PENETRATED:
        text += (
            ", so these groups are under-penetrated: fewer of them are in treatment than "
            "their share of residents would suggest, assuming substance use is the same "
            "across the whole population"
        )
        if row["population_share"] < SMALL_SHARE or row["count"] < SMALL_COUNT:
            text += f"; however, {SMALL_NUMBERS}"
    text += "."
    return penetration_table, finding("printed.penetration", text, (MINORITY_ID,), "penetration")
