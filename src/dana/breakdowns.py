"""The breakdown convention of the indicator table, and the checks every breakdown obeys.

A **breakdown** splits a headline count into categories: one indicator per measure x
substance group (``ndtms:in_treatment:opiate``), its headline row with ``category_type``
and ``category`` empty, and one row per category with

* ``category_type`` - the breakdown's name (:data:`BREAKDOWNS`, e.g. ``Ethnic group``),
* ``category`` - the publisher's own category name (NDTMS ViewIt, ONS Census),
* ``count`` (= ``value``, value type ``count``) - people in the category,
* ``denominator`` - the headline total of the same indicator, area, period, sex and age,

so a share is ``count / denominator`` and the parts of a breakdown can be checked
against their total. Each breakdown has a **kind**:

* ``complete`` - every person is in exactly one category (a "Not stated or missing"
  category where the publisher has one): the parts sum to the total;
* ``disjoint`` - no one is in two categories but some people are in none (NDTMS
  ethnic group has no "not stated" category): the parts sum to at most the total;
* ``overlapping`` - a person may be in several (substances cited, interventions,
  disability types): each part is at most the total.

Published rounding is allowed for: NDTMS ViewIt rounds every count to the nearest 5, so
each part and the total may each be 2.5 away from the truth and a sum of ``n`` parts may
miss the total by up to ``2.5 x (n + 1)`` (:func:`tolerance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPLETE, DISJOINT, OVERLAPPING = "complete", "disjoint", "overlapping"


@dataclass(frozen=True)
class Breakdown:
    """One category type: its kind and (where fixed) its categories, in display order."""

    category_type: str
    kind: str
    categories: tuple[str, ...] = ()
    note: str = ""


def _b(category_type: str, kind: str, *categories: str, note: str = "") -> Breakdown:
    return Breakdown(category_type, kind, tuple(categories), note)


NOT_STATED = "Not stated or missing"

#: Every category type DANA knows, by name. Categories are those of NDTMS ViewIt (adults:
#: ndtms_viewit_categories.csv and the 244-column LA export; young people: the NDTMS
#: young people's ViewIt report) and of the ONS Census.
BREAKDOWNS: dict[str, Breakdown] = {
    b.category_type: b
    for b in (
        _b("Sex", COMPLETE, "Male", "Female"),
        _b(
            "Age band",
            COMPLETE,
            "18-29 yrs",
            "30-49 yrs",
            "50+ yrs",
            note="NDTMS adult age bands; young people: Under 14, 14-15, 16-17",
        ),  # fmt: skip
        _b(
            "Ethnic group",
            DISJOINT,
            "White",
            "Mixed",
            "Asian",
            "Black",
            "Other",
            NOT_STATED,
            note="NDTMS broad groups = the five Census 2021 high-level groups",
        ),  # fmt: skip
        _b("Census 2021 ethnic group", COMPLETE, note="the 19 TS021 categories"),
        _b("Census 2011 ethnic group", COMPLETE, note="the 18 KS201EW categories"),
        _b(
            "Disability",
            OVERLAPPING,
            "Any disability",
            "No disability",
            "Not stated",
            "Missing",
            note="ViewIt's 'not stated' and 'missing' overlap: the four add up to as much"
            " as 20 over new presentations in the Barnet export",
        ),  # fmt: skip
        _b("Disability type", OVERLAPPING),
        _b("Employment status", COMPLETE),
        _b("Housing need", COMPLETE),
        _b("Parental status", COMPLETE),
        _b("Mental health treatment need", COMPLETE),
        _b("Referral source", COMPLETE),
        _b("Wait for first intervention", COMPLETE),
        _b("Wait for subsequent intervention", COMPLETE),
        _b("Setting", OVERLAPPING, note="a person may be treated in more than one setting"),
        _b("Time in treatment", COMPLETE),
        _b("Time in treatment at exit", COMPLETE),
        _b("Exit reason", COMPLETE),
        _b("Injecting status", COMPLETE),
        _b("Alcohol units (28 days before treatment)", DISJOINT),
        _b("Substance cited", OVERLAPPING),
        _b("Intervention (ViewIt field)", OVERLAPPING),
        _b("Sexual orientation", COMPLETE),
        _b("Religion", COMPLETE),
        _b("Age at first use", COMPLETE),
        _b("Vulnerability", OVERLAPPING),
        _b("Source of referral", COMPLETE),
        _b("District", COMPLETE, note="lower-tier districts of a two-tier county"),
    )
}

#: Columns that identify one breakdown (its headline row has category_type == "").
GROUP = ["indicator_id", "area_code", "period", "sex", "age", "category_type"]
HEADLINE = ["indicator_id", "area_code", "period", "sex", "age"]


def tolerance(parts: int, rounded_to: float) -> float:
    """Largest gap a sum of ``parts`` rounded counts can show against a rounded total."""
    return rounded_to / 2 * (parts + 1) + 1e-6


def kind_of(category_type: str) -> str:
    """The kind of a category type (an unknown type is checked as ``overlapping``)."""
    known = BREAKDOWNS.get(category_type)
    return known.kind if known else OVERLAPPING


@dataclass(frozen=True)
class Problem:
    """A breakdown that breaks its kind's rule; ``index`` is the first offending row."""

    index: object
    message: str


def breakdown_problems(frame: pd.DataFrame, *, rounded_to: float = 0.0) -> list[Problem]:
    """Every breakdown in an indicator table whose parts break the rule of its kind.

    The total is the ``denominator`` of the breakdown rows (the headline ``count`` where
    the denominator is missing). Rows whose count is missing (suppressed) are skipped;
    a breakdown with a missing total is not checked.
    """
    parts = frame[(frame["category_type"] != "") & frame["count"].notna()]
    if parts.empty:
        return []
    headline = frame[frame["category_type"] == ""].drop_duplicates(HEADLINE)
    total = parts["denominator"].copy()
    missing = total.isna()
    if missing.any():
        looked_up = parts[missing].merge(
            headline[[*HEADLINE, "count"]].rename(columns={"count": "_total"}),
            on=HEADLINE,
            how="left",
        )
        total[missing] = looked_up["_total"].to_numpy()
    parts = parts.assign(_total=total, _row=parts.index)
    grouped = parts.groupby(GROUP, sort=False)
    agg = grouped.agg(
        added=("count", "sum"),
        largest=("count", "max"),
        parts=("count", "size"),
        whole=("_total", "max"),
        last=("_row", "last"),
    )
    agg["largest_row"] = grouped["count"].idxmax()
    kind = np.asarray(agg.index.get_level_values("category_type").map(kind_of))
    slack = rounded_to / 2 * (agg["parts"] + 1) + 1e-6
    checked = agg["whole"].notna()
    too_big = checked & (agg["largest"] > agg["whole"] + tolerance(1, rounded_to))
    too_many = checked & ~too_big & (kind != OVERLAPPING) & (agg["added"] > agg["whole"] + slack)
    too_few = checked & ~too_big & (kind == COMPLETE) & (agg["added"] < agg["whole"] - slack)
    problems: list[Problem] = []
    for key, row in agg[too_big | too_many | too_few].iterrows():
        label = f"{key[0]} for {key[1]}, {key[2]}, {key[3]}, {key[4]}: {key[5]!r} breakdown"
        whole, added, n = row["whole"], row["added"], int(row["parts"])
        if too_big[key]:
            largest = row["largest_row"]
            problems.append(
                Problem(
                    largest,
                    f"{label}: category {parts.at[largest, 'category']!r} counts"
                    f" {parts.at[largest, 'count']:g}, more than the total {whole:g}",
                )
            )
        elif too_many[key]:
            problems.append(
                Problem(
                    row["last"],
                    f"{label}: its {n} categories add up to {added:g}, more than the total"
                    f" {whole:g}" + _rounding(rounded_to, slack[key]),
                )
            )
        else:
            problems.append(
                Problem(
                    row["last"],
                    f"{label}: its {n} categories add up to {added:g}, short of the total"
                    f" {whole:g} (every person should be in one category)"
                    + _rounding(rounded_to, slack[key]),
                )
            )
    return problems


def _rounding(rounded_to: float, slack: float) -> str:
    if rounded_to <= 0:
        return ""
    return f" by more than rounding to {rounded_to:g} allows ({slack:.1f})"


def share_problems(
    shares: pd.Series, groups: pd.Series, *, decimals: int
) -> list[tuple[object, float]]:
    """Groups whose published percentages do not sum to 100 within their rounding.

    Each of ``n`` shares printed to ``decimals`` places may be ``0.5 x 10^-decimals`` off,
    so the sum may miss 100 by ``n`` times that. Returns ``(first index, sum)`` per bad group.
    """
    bad = []
    half = 0.5 * 10.0**-decimals
    for _, values in shares.groupby(groups, sort=False):
        total = values.sum()
        if abs(total - 100) > half * len(values) + 1e-9:
            bad.append((values.index[0], float(total)))
    return bad


# --- Census 2021 ethnic group (ONS TS021) --------------------------------------------------

#: The 19 detailed Census 2021 categories by the five high-level groups NDTMS reports.
CATEGORIES_2021 = {
    "Asian": ("Bangladeshi", "Chinese", "Indian", "Other Asian", "Pakistani"),
    "Black": ("African", "Caribbean", "Other Black"),
    "Mixed": (
        "Other Mixed or Multiple ethnic groups",
        "White and Asian",
        "White and Black African",
        "White and Black Caribbean",
    ),
    "Other": ("Any other ethnic group", "Arab"),
    "White": (
        "English, Welsh, Scottish, Northern Irish or British",
        "Gypsy or Irish Traveller",
        "Irish",
        "Other White",
        "Roma",
    ),
}
WHITE_BRITISH_2021 = "English, Welsh, Scottish, Northern Irish or British"
