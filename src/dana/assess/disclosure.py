"""Disclosure control as the assessment applies it, and the one statement that says so.

:func:`apply_disclosure` runs the configured rule (:func:`dana.stats.suppress`) over the
counts a table publishes and blanks every value built on a hidden count, with its
limits, so a small number can never be recovered from a rate. Statistics are computed
before it, on the unrounded source values (the HES 2018 rule).

:func:`disclosure_statement` words the rule that was applied, for every output that
states it (the report's disclosure note, the all-areas workbook's legend). It is the
one place that sentence is made.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dana import stats
from dana import table as indicator_table
from dana.assess.config import SuppressionConfig
from dana.assess.count_relations import (
    DENOMINATOR_LINKS,
    HEADLINE_RELATIONS,
    CountRelation,
    DenominatorLink,
    relations_among,
)

SUPPRESSED_NOTE = "Suppressed: count too small to publish (disclosure control)"
SECONDARY_NOTE = (
    "Suppressed so that a smaller count cannot be worked out from a total "
    "(secondary disclosure control)"
)
#: Columns blanked with a hidden count: the value and every confidence limit.
BLANKED = ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8")

Rule = SuppressionConfig | None


def suppression_rule(rule: SuppressionConfig | str | int | None) -> Rule:
    """A rule from a preset name (``"ndtms"``, ``"hes2018"``, ``"lape"``), a threshold
    (counts 1..threshold hidden, with secondary suppression), a
    :class:`~dana.assess.config.SuppressionConfig`, or ``None`` (no control).

    Anything else is a ``ValueError`` saying what is accepted.
    """
    if rule is None or isinstance(rule, SuppressionConfig):
        return rule
    if isinstance(rule, bool):
        raise ValueError(f"suppression must be a preset or a threshold, not {rule!r}")
    if isinstance(rule, int):
        if rule < 0:
            raise ValueError(f"suppression threshold must be 0 or more, not {rule}")
        return SuppressionConfig(preset=None, threshold=rule)
    if rule in SuppressionConfig.presets():
        return SuppressionConfig(preset=rule)
    raise ValueError(
        f"unknown suppression preset {rule!r}; expected "
        f"{', '.join(SuppressionConfig.presets())} or a threshold"
    )


def apply_disclosure(
    rows: pd.DataFrame,
    rule: Rule,
    *,
    by: Sequence[str] | None = None,
    secondary: bool | None = None,
    note: str = "value_note",
    relations: Sequence[CountRelation] = (),
) -> pd.DataFrame:
    """``rows`` (indicator-table rows) with the rule applied and a boolean ``suppressed``.

    Hidden counts become NaN, and so do the value and limits (:data:`BLANKED`) of their
    rows, whose ``note`` column says why; a count-type row's value is its published
    count, and a count-type row published only as a ``value`` (no ``count``) is
    controlled as the count it is. A row suppressed at source (no count, no value, a
    note saying so) is kept hidden and protected like any other hidden cell.

    Secondary suppression (on unless the rule, or ``secondary``, turns it off) protects
    each additive group: ``by`` names columns whose rows are parts of one total (e.g. the
    categories of one breakdown), and each of ``relations``
    (:mod:`dana.assess.count_relations`) links indicators of the same area and period.
    Rows in neither are published on their own. Never drops a row.
    """
    out = rows.copy()
    out["suppressed"] = False
    arguments = None if rule is None else rule.suppress_arguments()
    if arguments is None or out.empty:
        return out
    if secondary is not None:
        arguments = arguments | {"secondary": secondary}
    is_count = (out["value_type"] == "count").to_numpy()
    out["count"] = indicator_table.counts_of(out)
    at_source = (
        out["count"].isna()
        & out["value"].isna()
        & out[note].astype(str).str.contains("suppress", case=False)
    ).to_numpy()
    counted = out["count"].notna().to_numpy() | at_source
    if not counted.any():
        return out
    # only the columns the suppression reads: gathering every column of a large table's
    # counted rows was a tenth of a build
    needed = ["count", *(by or ()), *(("area_code", "period", "indicator_id") if relations else ())]
    part = out.loc[counted, list(dict.fromkeys(needed))].reset_index(drop=True)
    part["_hidden"] = at_source[counted]
    groupings = _groupings(part, list(by or ()), relations)
    published = stats.suppress(part, "count", by=groupings, hidden="_hidden", **arguments)
    # the results written back by position, whole columns at a time (a .loc assignment
    # per step was more of this function's time than the suppression itself)
    count = out["count"].to_numpy(dtype=float, copy=True)
    count[counted] = published["count"].to_numpy(dtype=float)
    hidden = np.zeros(len(out), dtype=bool)
    hidden[counted] = published["suppressed"].to_numpy(dtype=bool)
    secondary_rows = np.zeros(len(out), dtype=bool)
    secondary_rows[counted] = (published["suppression_reason"] == "secondary").to_numpy()
    out["count"] = count
    out["suppressed"] = hidden
    if hidden.any():
        for column in (c for c in BLANKED if c in out.columns):
            out[column] = out[column].mask(hidden, np.nan)
        out[note] = out[note].mask(hidden & ~at_source, SUPPRESSED_NOTE)
        out[note] = out[note].mask(secondary_rows, SECONDARY_NOTE)
    counted_count = is_count & counted
    if counted_count.any():
        out["value"] = out["value"].mask(counted_count, count)
    return out


def disclose_related(
    rows: pd.DataFrame,
    rule: Rule,
    *,
    relations: Sequence[CountRelation] = HEADLINE_RELATIONS,
    links: Sequence[DenominatorLink] = DENOMINATOR_LINKS,
    by: Sequence[str] | None = None,
    note: str = "value_note",
) -> pd.DataFrame:
    """:func:`apply_disclosure` with secondary suppression across the ``relations`` among
    the rows' indicators, then :func:`withhold_linked`: what every report applies."""
    linked = relations_among(rows["indicator_id"].unique(), relations)
    shown = apply_disclosure(rows, rule, by=by, note=note, relations=linked)
    return withhold_linked(shown, links, note=note)


def withhold_linked(
    rows: pd.DataFrame, links: Sequence[DenominatorLink], *, note: str = "value_note"
) -> pd.DataFrame:
    """``rows`` (after :func:`apply_disclosure`) with every row of a linked figure withheld
    where the count its denominator is (same area and period) was withheld, repeated
    until nothing changes. Its count, value, limits and denominator are blanked."""
    out = rows.copy()
    cell = out["area_code"].astype(str) + "|" + out["period"].astype(str)
    for _ in range(len(links) + 1):
        changed = False
        for link in links:
            hidden = out["suppressed"].astype(bool) & (out["indicator_id"] == link.count_of)
            target = (out["indicator_id"] == link.figure) & ~out["suppressed"].astype(bool)
            target &= cell.isin(set(cell[hidden]))
            if target.any():
                out.loc[target, "suppressed"] = True
                blank = [c for c in (*BLANKED, "count", "denominator") if c in out.columns]
                out.loc[target, blank] = np.nan
                out.loc[target, note] = SECONDARY_NOTE
                changed = True
        if not changed:
            break
    return out


def _groupings(part: pd.DataFrame, keys: list[str], relations) -> list[list[str]]:
    """Grouping columns for :func:`dana.stats.suppress`: ``keys`` (if any) and one column
    per relation (the area and period for a complete set of its members, else a key of
    the row's own, so a row outside every relation is published on its own)."""
    own = "u" + pd.Series(np.arange(len(part)), dtype="int64").astype(str)
    groupings = []
    if keys:
        groupings.append(keys)
    cell = None
    if relations:
        cell = part["area_code"].astype(str) + "|" + part["period"].astype(str)
    for number, relation in enumerate(relations):
        member = part["indicator_id"].isin(relation.members)
        members_here = part["indicator_id"].where(member).groupby(cell).transform("nunique")
        complete = member & members_here.eq(len(relation.members))
        column = f"_relation_{number}"
        part[column] = ("r|" + cell).where(complete, own)
        groupings.append([column])
    if not groupings:  # no additive group: each row stands alone
        part["_own"] = own
        groupings.append(["_own"])
    return groupings


def disclosure_statement(rule: Rule, *, secondary: bool | None) -> str:
    """The disclosure rule applied, in words: the one function every output's
    disclosure sentence comes from.

    ``secondary`` is what :func:`apply_disclosure` was given: ``None`` for the rule's own
    choice (the all-areas summary), ``False`` where it was switched off, ``True`` where it
    was forced on, so the sentence always describes the rule actually applied.
    """
    arguments = None if rule is None else rule.suppress_arguments()
    if arguments is None:
        return stats.describe_rule(None)
    if secondary is not None:
        arguments = arguments | {"secondary": secondary}
    return stats.describe_rule(**arguments)
