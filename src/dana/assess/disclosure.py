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
from dana.assess.config import SuppressionConfig

SUPPRESSED_NOTE = "Suppressed: count too small to publish (disclosure control)"
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
) -> pd.DataFrame:
    """``rows`` with the rule applied to ``count`` and a boolean ``suppressed`` column.

    Hidden counts become NaN, and so do the value and limits (:data:`BLANKED`) of their
    rows, whose ``note`` column says why; a count-type row's value is its published
    count. ``by`` groups the rows whose counts are parts of one total (secondary
    suppression protects each group); ``secondary`` overrides the rule's own choice.
    Rows without a count are left as they are. Never drops a row.
    """
    out = rows.copy()
    out["suppressed"] = False
    arguments = None if rule is None else rule.suppress_arguments()
    counted = out["count"].notna().to_numpy()
    if arguments is None or not counted.any():
        return out
    if secondary is not None:
        arguments = arguments | {"secondary": secondary}
    keys = list(by or ())
    part = out.loc[counted, [*keys, "count"]].reset_index(drop=True)
    published = stats.suppress(part, "count", by=keys or None, **arguments)
    index = out.index[counted]
    out.loc[index, "count"] = published["count"].to_numpy()
    hidden = index[published["suppressed"].to_numpy(dtype=bool)]
    out.loc[hidden, "suppressed"] = True
    out.loc[hidden, [c for c in BLANKED if c in out.columns]] = np.nan
    out.loc[hidden, note] = SUPPRESSED_NOTE
    is_count = (out["value_type"] == "count").to_numpy() & counted
    out.loc[is_count, "value"] = out.loc[is_count, "count"]
    return out


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
