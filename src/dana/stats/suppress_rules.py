"""The disclosure-control rules :func:`dana.stats.suppress.suppress` applies: the presets
(NDTMS, HES 2018, LAPE; PRACTICE.md s.4.1), a rule resolved from a preset and
overrides, and the disclosure statement written from it.

References as in :mod:`dana.stats.suppress`: NHS Digital (2018) "Change to disclosure
control methodology for HES and ECDS from September 2018"; NDTMS public reports; OHID
Fingertips indicator 92904 (LAPE) metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dana.formatting import SUPPRESSED
from dana.stats._common import StatsInputError


@dataclass(frozen=True)
class Rule:
    """A disclosure-control rule: which counts are hidden, rounding, secondary suppression."""

    max_suppressed: float  # counts up to and including this are suppressed
    suppress_zero: bool  # whether a count of 0 is suppressed too
    round_to: int | None  # publish other counts rounded to the nearest multiple
    secondary: bool  # protect suppressed cells from recovery by subtraction


#: Presets from PRACTICE.md s.4.1.
RULES = {
    "ndtms": Rule(max_suppressed=4, suppress_zero=True, round_to=None, secondary=True),
    "hes2018": Rule(max_suppressed=7, suppress_zero=False, round_to=5, secondary=False),
    "lape": Rule(max_suppressed=5, suppress_zero=False, round_to=5, secondary=True),
}


def resolve_rule(
    rule: str | None = "ndtms",
    *,
    max_suppressed: float | None = None,
    suppress_zero: bool | None = None,
    round_to: int | None = None,
    secondary: bool | None = None,
) -> Rule:
    """The :class:`Rule` that :func:`suppress` applies for a preset and overrides.

    ``rule`` is a preset name (``"ndtms"``, ``"hes2018"``, ``"lape"``) or None for a
    custom rule, which needs ``max_suppressed`` (and then hides 1..max_suppressed, not
    0, with secondary suppression, unless the other arguments say otherwise). An
    explicit argument overrides the preset's field. Errors
    (:class:`~dana.stats.StatsInputError`): an unknown preset, a custom rule without
    ``max_suppressed``, a negative or non-finite ``max_suppressed``, a negative
    ``round_to``. ``round_to=0`` means no rounding.
    """
    if rule is None:
        if max_suppressed is None:
            raise StatsInputError("suppress: a custom rule (rule=None) needs max_suppressed=")
        base = Rule(
            max_suppressed=max_suppressed, suppress_zero=False, round_to=None, secondary=True
        )
    elif rule in RULES:
        base = RULES[rule]
    else:
        raise StatsInputError(
            f"suppress: rule must be one of {sorted(RULES)} or None, not {rule!r}"
        )
    if max_suppressed is not None:
        try:
            max_suppressed = float(max_suppressed)
        except (TypeError, ValueError):
            raise StatsInputError(
                f"suppress: max_suppressed={max_suppressed!r} is not a number"
            ) from None
        if not (np.isfinite(max_suppressed) and max_suppressed >= 0):
            raise StatsInputError(
                f"suppress: max_suppressed must be a finite number >= 0, got {max_suppressed!r}"
            )
    if round_to is not None and int(round_to) < 0:
        raise StatsInputError(f"suppress: round_to must be positive, got {round_to}")
    rounding = base.round_to if round_to is None else (int(round_to) or None)
    return Rule(
        max_suppressed=base.max_suppressed if max_suppressed is None else max_suppressed,
        suppress_zero=base.suppress_zero if suppress_zero is None else bool(suppress_zero),
        round_to=rounding,
        secondary=base.secondary if secondary is None else bool(secondary),
    )


#: Where each preset comes from, for the disclosure statement.
_SOURCES = {
    "ndtms": "NDTMS public reporting rule",
    "hes2018": "NHS Digital HES and ECDS rule, September 2018",
    "lape": "Local Alcohol Profiles for England rule",
}


def describe_rule(
    rule: str | None = "ndtms",
    *,
    max_suppressed: float | None = None,
    suppress_zero: bool | None = None,
    round_to: int | None = None,
    secondary: bool | None = None,
) -> str:
    """The disclosure statement for the rule :func:`suppress` applies with these arguments.

    Same arguments as :func:`resolve_rule` (and :func:`suppress`); the sentence is
    written from the resolved :class:`Rule`, so it says what was done: which counts were
    hidden, whether the others were rounded, and whether secondary suppression was
    applied. ``rule=None`` without ``max_suppressed`` means no disclosure control. A
    preset whose secondary suppression is turned off (``secondary=False``) is
    described as shown figure by figure: that is the only safe reason to turn it off,
    and the caller must make it true (no published total beside the parts).

    For example ``describe_rule("ndtms")`` is "Counts of 0 to 4 are suppressed and
    shown as * (NDTMS public reporting rule). Secondary suppression hides a further
    count wherever a hidden one could be worked out from a total."
    """
    if rule is None and max_suppressed is None:
        return "No disclosure control was applied to counts."
    chosen = resolve_rule(
        rule,
        max_suppressed=max_suppressed,
        suppress_zero=suppress_zero,
        round_to=round_to,
        secondary=secondary,
    )
    preset = RULES.get(rule)
    lowest = 0 if chosen.suppress_zero else 1
    top = chosen.max_suppressed
    if top != int(top):
        hidden = f"Counts of {top:g} or fewer" + ("" if chosen.suppress_zero else " (other than 0)")
    elif int(top) < lowest:
        hidden = None
    elif int(top) == lowest:
        hidden = f"Counts of {lowest}"
    else:
        hidden = f"Counts of {lowest} to {int(top)}"
    if hidden is None:
        text = "No count is small enough to be suppressed"
    else:
        text = f"{hidden} are suppressed and shown as {SUPPRESSED}"
    if preset is not None:
        same = chosen == preset or chosen == _without_secondary(preset)
        source = _SOURCES[rule]
        text += f" ({source})" if same else f" (adapted from the {source})"
    if chosen.round_to:
        text += (
            f"; other counts are rounded to the nearest {chosen.round_to}, and rates and "
            "intervals are calculated on the unrounded counts"
        )
    text += "."
    if chosen.secondary:
        text += (
            " Secondary suppression hides a further count wherever a hidden one could be "
            "worked out from a total."
        )
    elif hidden is not None and (preset is None or preset.secondary):
        text += (
            " No secondary suppression was applied: each figure is shown on its own, with "
            "no total it could be subtracted from."
        )
    elif hidden is not None and chosen.round_to:
        text += " Rounding, not secondary suppression, protects the other counts."
    return text


def _without_secondary(rule: Rule) -> Rule:
    return Rule(rule.max_suppressed, rule.suppress_zero, rule.round_to, secondary=False)
