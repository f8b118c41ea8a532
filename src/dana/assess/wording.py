"""Equivalent wordings, used in turn, so the report reads as written and not generated.

A needs assessment that says "There was no significant change over the last five periods"
thirty times reads as a table. :class:`Voice` hands out the wordings of one kind of
sentence in turn, each at most :data:`MAX_REPEATS` times before the next, so no sentence
pattern is repeated more than three times in a report while every wording says exactly
the same thing (the comparison words themselves never vary: they come from
:func:`dana.assess.findings.comparison_clause`). One ``Voice`` serves one build, so the
choice is deterministic.

The interpretations follow the seeds: a harm similar to England is still harm ("should
not really be seen as reassuring", C&P summary 2023); a rate on a small number is unstable;
a large unmet need is said as "about 8 in every 10".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

#: The most times one wording is used before the next is taken.
MAX_REPEATS = 3

#: How a figure and its comparisons are joined: {opening}, {clause}, {bare} (the opening
#: without "in <period>"), {period}.
COMPARISON_FORMS = (
    "{opening}: {clause}.",
    "In {period}, {bare}; this was {clause}.",
    "{opening}. That is {clause}.",
    "{opening}, {clause}.",
    "For {period}: {bare}, {clause}.",
)
PLAIN_FORMS = ("{opening}.", "In {period}, {bare}.", "For {period}: {bare}.")
#: {label} (lower case), {span}
TREND_FORMS = (
    "It was {label} over the last five periods{span}.",
    "Over the last five periods it has been {label}{span}.",
    "The recent trend is {label}{span}.",
    "Across the last five periods the figure was {label}{span}.",
)
STABLE_FORMS = (
    "There was no significant change over the last five periods{span}.",
    "It has not changed significantly over the last five periods{span}.",
    "The last five periods show no significant change{span}.",
    "Over the last five periods there was no significant trend{span}.",
)
#: {joint}, {place} ("2nd " or ""), {end}, {total}
RANK_FORMS = (
    "It ranked {joint}{place}{end} of the {total} areas in its comparator group.",
    "Of the {total} areas in its comparator group, it was {joint}{place}{end}.",
    "Among {total} comparable areas it placed {joint}{place}{end}.",
    "That is {joint}{place}{end} in a comparator group of {total}.",
)
#: The same when the area is at one end ({end} "best", "worst", "lowest", "highest").
TOP_RANK_FORMS = (
    "It was the {joint}{end} of the {total} areas in its comparator group.",
    "Of the {total} areas in its comparator group, it was the {joint}{end}.",
    "Among {total} comparable areas it was the {joint}{end}.",
)
#: {count}, {things}
SMALL_NUMBER_FORMS = (
    "It rests on {count} {things}, so it can change a lot from one year to the next.",
    "With only {count} {things} behind it, the figure is unstable: read it with care.",
    "Small numbers ({count} {things}) make this figure unstable from year to year.",
)
#: Harms similar to (or better than) England: still harm.
STILL_HARM_FORMS = (
    "Being no worse than England should not be seen as reassuring: these are serious and "
    "avoidable harms.",
    "That these harms are close to the national picture is no comfort: each is a serious "
    "and avoidable harm.",
    "Even where the rates are in line with England, this still represents considerable harm.",
)
BETTER_HARM_FORMS = (
    "Better than England still means considerable harm and cost to the population.",
    "These rates are better than England's, but they still represent considerable harm.",
    "Lower than the England average is not the same as low: this is still avoidable harm.",
)
#: {tenths}, {population}
UNMET_FORMS = (
    "That is about {tenths} in every 10 {population} not in treatment.",
    "In other words, around {tenths} in 10 {population} were outside treatment.",
    "That leaves roughly {tenths} in 10 {population} who may need treatment without it.",
)
#: {items}, {verb} ("was"/"were")
SIMILAR_GROUP_FORMS = (
    "{items} {verb} similar to England.",
    "Similar to England: {items}.",
    "{items} {verb} in line with England.",
    "No significant difference from England was found for {items}.",
)
BETTER_GROUP_FORMS = (
    "{items} {verb} significantly better than England.",
    "Significantly better than England: {items}.",
    "{Area} did significantly better than England on {items}.",
)
#: The end of a section's tally for figures without a test.
CONTEXT_TALLY_FORMS = (
    "shown for context, without a significance test.",
    "given for context only, with no test against England.",
    "reported without a significance test, as context.",
    "included as context (not tested).",
)
CONTEXT_GROUP_FORMS = (
    "Shown for context, without a test against England: {items}.",
    "For context (no significance test): {items}.",
    "Also reported, without a comparison: {items}.",
)


class Voice:
    """Hands out the wordings of each kind of sentence in turn (see the module docstring)."""

    def __init__(self) -> None:
        self._used: Counter[str] = Counter()

    def pick(self, kind: str, options: Sequence[str]) -> str:
        """The wording to use next for ``kind``: each option ``MAX_REPEATS`` times in turn."""
        turn = self._used[kind]
        self._used[kind] += 1
        return options[(turn // MAX_REPEATS) % len(options)]

    def first_time(self, kind: str) -> bool:
        """True only the first time ``kind`` is asked about (a note said once per report)."""
        seen = self._used[kind] > 0
        self._used[kind] += 1
        return not seen
