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
from dana.stats.suppress_rules import RULES

SUPPRESSED_NOTE = "Count suppressed to protect confidentiality (secondary suppression)"
PRIMARY_NOTE = "Count suppressed to protect confidentiality (small number)"
LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")


class _Codes:
    """Integer codes of the frame's key columns, each column factorised once (the
    relations below group by the same few columns many times)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self._codes = frame, {}

    def _column(self, name) -> tuple[np.ndarray, int]:
        if isinstance(name, tuple):  # (name, values): a derived column, not cached
            codes, uniques = pd.factorize(name[1], use_na_sentinel=False)
            return codes, len(uniques)
        if name not in self._codes:
            codes, uniques = pd.factorize(self.frame[name], use_na_sentinel=False)
            self._codes[name] = (codes, len(uniques))
        return self._codes[name]

    def labels(self, member: np.ndarray, columns: list) -> np.ndarray:
        """Group number per row: members with equal keys share one, every other row has
        a number of its own."""
        combined = np.zeros(len(self.frame), dtype=np.int64)
        radix = 1
        for name in columns:
            codes, size = self._column(name)
            size = max(size, 1)
            if radix * size >= 2**62:  # far beyond any table's size; refuse rather than wrap
                raise OverflowError("too many distinct keys to number the groups")
            combined = combined * size + codes
            radix *= size
        groups, uniques = pd.factorize(combined[member])
        out = np.arange(len(self.frame), dtype=np.int64) + len(uniques)
        out[member] = groups
        return out


def _partitions(frame: pd.DataFrame, headline_age: pd.Series) -> pd.DataFrame:
    """One group-number column per additive relation (see the module docstring)."""
    f = frame
    plain = f["category_type"].eq("").to_numpy()
    headline = plain & f["age"].eq(headline_age).to_numpy()
    persons = f["sex"].eq("Persons").to_numpy()
    relations: dict[str, tuple[np.ndarray, list]] = {
        "g_sex": (plain, ["indicator", "area_code", "age"]),
        "g_age": (plain & persons, ["indicator", "area_code", "sex"]),
    }
    for ctype in sorted(set(f["category_type"]) - {""}):
        member = (f["category_type"].eq(ctype).to_numpy() | headline) & persons
        relations[f"g_{ctype}"] = (member, ["indicator", "area_code", "sex", "age"])
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
        relations[f"g_geo_{level}"] = (part | total, [*keys, ("_anchor", anchor)])
    codes = _Codes(f)
    groups = {name: codes.labels(member, columns) for name, (member, columns) in relations.items()}
    return pd.DataFrame(groups, index=f.index)


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
