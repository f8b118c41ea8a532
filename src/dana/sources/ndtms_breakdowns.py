"""ViewIt rows completed to DANA's breakdown convention (:mod:`dana.breakdowns`).

After :func:`dana.sources.ndtms.read_viewit_export` has melted an export to rows,
:func:`complete_breakdowns`:

1. adds the headline ViewIt does not publish for exits and for people starting a first
   or subsequent intervention: the **sum of the published categories** (exit reasons;
   wait bands), noted so, missing when any category is missing;
2. adds ``Sex`` and ``Age band`` breakdown rows of adults in treatment and new
   presentations (all adults, 18+) from ViewIt's own sex x age rows, so a profile reads
   like any other breakdown (the sex / age rows themselves stay as published);
3. sets each breakdown row's ``denominator`` to its headline count (same indicator,
   area, period, sex and age);
4. checks every breakdown against its kind (complete / disjoint / overlapping) allowing
   for ViewIt's rounding to 5 in the LA export, and raises naming the file row and the
   column of the offending category.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.breakdowns import HEADLINE, breakdown_problems
from dana.sources.errors import SourceFileError

#: Measures whose headline ViewIt does not publish -> the category type DANA sums.
SUMMED_HEADLINE = {
    "exits": "Exit reason",
    "first_interventions": "Wait for first intervention",
    "subsequent_interventions": "Wait for subsequent intervention",
}
PROFILE_MEASURES = ("in_treatment", "new_presentations")
ADULTS = "18+ yrs"
SUM_NOTE = "Sum of the {n} published {what} categories (DANA)"


def _measure(indicator_id: pd.Series) -> pd.Series:
    """``in_treatment`` of ``ndtms:in_treatment:opiate`` (split once per distinct id)."""
    return indicator_id.map({i: i.split(":")[1] for i in indicator_id.unique()})


def _summed_headlines(rows: pd.DataFrame) -> pd.DataFrame:
    measure = _measure(rows["indicator_id"])
    pieces = []
    for name, category_type in SUMMED_HEADLINE.items():
        parts = rows[(measure == name) & (rows["category_type"] == category_type)]
        if parts.empty:
            continue
        keys = [c for c in rows.columns if c not in (
            "category_type", "category", "count", "value", "value_note", "_row", "_field")]  # fmt: skip
        grouped = parts.groupby(keys, sort=False, dropna=False)
        total = grouped["count"].sum(min_count=1)
        complete = grouped["count"].apply(lambda c: c.notna().all())
        first = grouped[["_row", "_field"]].first()
        n = grouped["count"].size()
        head = total.rename("count").reset_index()
        head["count"] = np.where(complete.to_numpy(), head["count"], np.nan)
        head["value"] = head["count"]
        head["category_type"] = ""
        head["category"] = ""
        head["value_note"] = [
            SUM_NOTE.format(n=k, what=category_type.lower())
            if ok
            else "Not available: a category is missing, so the sum is unknown"
            for k, ok in zip(n.to_numpy(), complete.to_numpy(), strict=True)
        ]
        head["_row"] = first["_row"].to_numpy()
        head["_field"] = first["_field"].to_numpy()
        pieces.append(head[rows.columns])
    return pd.concat(pieces, ignore_index=True) if pieces else rows.iloc[0:0]


def _profile_rows(rows: pd.DataFrame) -> pd.DataFrame:
    measure = _measure(rows["indicator_id"])
    headline = rows[measure.isin(PROFILE_MEASURES) & (rows["category_type"] == "")]
    by_sex = headline[headline["sex"].isin(["Male", "Female"]) & (headline["age"] == ADULTS)]
    by_age = headline[(headline["sex"] == "Persons") & (headline["age"] != ADULTS)]
    out = [
        by_sex.assign(category_type="Sex", category=by_sex["sex"], sex="Persons"),
        by_age.assign(category_type="Age band", category=by_age["age"], age=ADULTS),
    ]
    return pd.concat(out, ignore_index=True)


def complete_breakdowns(rows: pd.DataFrame, path, *, rounded_to: float) -> pd.DataFrame:
    """Rows plus summed headlines and Sex / Age band rows, denominators set, all checked."""
    rows = pd.concat([rows, _summed_headlines(rows), _profile_rows(rows)], ignore_index=True)
    headline = rows[rows["category_type"] == ""].drop_duplicates(HEADLINE)
    totals = rows[HEADLINE].merge(
        headline[[*HEADLINE, "count"]].rename(columns={"count": "_total"}), on=HEADLINE, how="left"
    )["_total"]
    rows["denominator"] = np.where(rows["category_type"] != "", totals.to_numpy(), np.nan)
    problems = breakdown_problems(rows, rounded_to=rounded_to)
    if problems:
        first = problems[0]
        raise SourceFileError(
            path,
            first.message,
            row=int(rows.at[first.index, "_row"]),
            column=str(rows.at[first.index, "_field"]),
        )
    return rows
