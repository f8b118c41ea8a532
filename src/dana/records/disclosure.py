"""Disclosure control of the record-level table: no small count readable or derivable.

Every count published is passed through :func:`dana.stats.suppress` with the rule of its
source (``lape`` for hospital and death indicators - counts 1-5 suppressed, others rounded
to 5 - and ``ndtms`` for treatment - counts below 5 suppressed), with **secondary
suppression across every additive relation the table contains**, all at once:

* Male + Female = Persons; age groups = all ages; ethnic groups = total; IMD deciles =
  total; conditions = total (each within an indicator, area and period);
* districts = their county; upper-tier LAs = their region; regions = England; small
  areas = their district or unitary authority.

England also counts residents the LAs do not (no fixed abode, unrecognised codes), so the
geographic relations are protected as if they were exact - more cells hidden, never fewer.
Where a count is hidden, the value and limits built on it are blanked too (a rate times its
published population would give the count back) and ``value_note`` says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats import suppress
from dana.stats.suppress import RULES

SUPPRESSED_NOTE = "Count suppressed to protect confidentiality (secondary suppression)"
PRIMARY_NOTE = "Count suppressed to protect confidentiality (small number)"
LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")


def _labels(frame: pd.DataFrame, member: np.ndarray, columns: list[str], tag: str) -> np.ndarray:
    """Group label per row: the joined key for members, a unique label otherwise."""
    first, *rest = (frame[c].astype(str) for c in columns)
    joined = first.str.cat(list(rest), sep="|").to_numpy(dtype=object)
    alone = np.array([f"{tag}#{i}" for i in range(len(frame))], dtype=object)
    return np.where(member, tag + "|" + joined, alone)


def _partitions(frame: pd.DataFrame, headline_age: pd.Series) -> pd.DataFrame:
    """One label column per additive relation (see the module docstring)."""
    f = frame
    plain = f["category_type"].eq("").to_numpy()
    headline = plain & f["age"].eq(headline_age).to_numpy()
    groups = pd.DataFrame(index=f.index)
    groups["g_sex"] = _labels(f, plain, ["indicator", "area_code", "age"], "sex")
    groups["g_age"] = _labels(
        f, plain & f["sex"].eq("Persons").to_numpy(), ["indicator", "area_code", "sex"], "age"
    )
    for ctype in sorted(set(f["category_type"]) - {""}):
        member = (f["category_type"].eq(ctype).to_numpy() | headline) & f["sex"].eq(
            "Persons"
        ).to_numpy()
        groups[f"g_{ctype}"] = _labels(f, member, ["indicator", "area_code", "sex", "age"], ctype)
    # geography: a part is labelled with its parent's code, the parent with its own
    keys = ["indicator", "sex", "age", "category_type", "category"]
    for level, parent_level in (
        ("ltla", "utla"),
        ("utla", "region"),
        ("region", "england"),
        ("other", None),
    ):
        part = f["area_type"].eq(level).to_numpy()
        parent_code = f["parent_code"].to_numpy()
        if parent_level is None:  # small areas: the parent is a district or a unitary authority
            parents = set(f.loc[part, "parent_code"])
            total = f["area_code"].isin(parents).to_numpy() & ~part
        else:
            total = f["area_type"].eq(parent_level).to_numpy()
        anchor = np.where(part, parent_code, f["area_code"].to_numpy())
        labelled = f.assign(_anchor=anchor)
        groups[f"g_geo_{level}"] = _labels(labelled, part | total, [*keys, "_anchor"], level)
    return groups


def _hidden_denominators(frame: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Proportion rows whose denominator is another row's count that is hidden: showing
    the denominator (or the value, numerator / denominator) would give it away."""
    from dana.records.indicators import BY_NAME

    keys = ["area_code", "sex", "age", "category_type", "category"]
    result = np.zeros(len(frame), dtype=bool)
    status = frame[keys].assign(indicator=frame["indicator"], hidden=hidden)
    for name in frame["indicator"].unique():
        denominator = BY_NAME[name].denominator
        if denominator is None:
            continue
        rows = frame["indicator"].eq(name).to_numpy()
        # a proportion and its denominator share ages and breakdowns (same cell keys)
        lookup = status[status["indicator"] == denominator].drop(columns="indicator")
        merged = frame.loc[rows, keys].merge(lookup, on=keys, how="left")
        result[np.flatnonzero(rows)] = merged["hidden"].fillna(False).to_numpy(dtype=bool)
    return result


def protect(table: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Suppress (and round) the counts of one source's rows; blank what depends on them.

    ``table`` holds indicator-table columns plus ``headline_age`` (the age label of each
    row's indicator). Returns the table with published counts and notes.
    """
    if table.empty:
        return table
    groups = _partitions(table, table["headline_age"])
    work = pd.concat([table.reset_index(drop=True), groups.reset_index(drop=True)], axis=1)
    result = suppress(work, "count", rule=rule, by=[[c] for c in groups.columns])
    hidden = result["suppressed"].to_numpy().copy()
    out = table.reset_index(drop=True).copy()
    hidden_denominator = _hidden_denominators(out, hidden)
    out.loc[hidden_denominator, "denominator"] = np.nan
    hidden |= hidden_denominator
    out["count"] = result["count"].to_numpy()
    for column in ("value", *LIMITS):
        out.loc[hidden, column] = np.nan
    reason = result["suppression_reason"].to_numpy()
    notes = out["value_note"].to_numpy(dtype=object)
    rounded = RULES[rule].round_to
    for i in np.flatnonzero(hidden):
        notes[i] = PRIMARY_NOTE if reason[i] == "primary" else SUPPRESSED_NOTE
    if rounded:
        shown = ~hidden
        note = f"Counts rounded to the nearest {rounded}; rates use unrounded counts"
        notes[shown] = [f"{n}; {note}" if n else note for n in notes[shown]]
    out["value_note"] = notes
    return out
