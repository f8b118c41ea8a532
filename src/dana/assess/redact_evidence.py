"""One redaction pass over every free-text field a team supplies: engagement and the register.

:func:`redact_engagement` runs :func:`dana.assess.redact.redact` over every free-text
field of the engagement evidence - theme titles, summaries and quotes, participant
group and method names, journey area names, the caveats and the source line - with the
team's ``known_names``. A quote that is nothing but placeholders once redacted ("Sarah
Jones" -> "[name]") says nothing and is dropped; each drop is reported (returned, and
raised as a :class:`RedactionWarning` so the analyst sees it).

:func:`redact_recommendations` does the same for every text field of the
recommendations register (title, key finding, impact, description, GAP statement,
theme). A register entry may list phrases that are not personal in ``not_personal``
(e.g. a ward named after a person, an author of a published review); they are kept as
written. Public figures of the national reviews (:data:`dana.assess.redact.PUBLIC_NAMES`)
are always kept.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

from dana.assess.model import Recommendation
from dana.assess.redact import only_placeholders, redact
from dana.sources.engagement import EngagementInputs, Theme

#: The text fields of a recommendation that redaction covers.
RECOMMENDATION_TEXT = ("title", "key_finding", "impact", "description", "gap_statement", "theme")


class RedactionWarning(UserWarning):
    """Something was removed from the evidence by redaction (a quote dropped)."""


def redact_engagement(inputs: EngagementInputs) -> tuple[EngagementInputs, tuple[str, ...]]:
    """The engagement inputs with every free-text field redacted, and the notes of what was
    dropped (also issued as :class:`RedactionWarning`)."""
    names = inputs.known_names

    def clean(text: str) -> str:
        return redact(text, known_names=names)

    notes: list[str] = []
    themes = []
    for position, theme in enumerate(inputs.themes, start=1):
        quotes = []
        for number, quote in enumerate(theme.quotes, start=1):
            redacted = clean(quote)
            if only_placeholders(redacted):
                notes.append(
                    f"theme {position} ({clean(theme.theme)!r}), quote {number}: dropped, "
                    "nothing was left once personal details were removed"
                )
                continue
            quotes.append(redacted)
        themes.append(
            Theme(
                theme=clean(theme.theme),
                summary=clean(theme.summary),
                quotes=tuple(quotes),
                mentions=theme.mentions,
            )
        )
    participants = inputs.participants
    if participants is not None:
        participants = participants.assign(
            group=participants["group"].astype(str).map(clean),
            method=participants["method"].astype(str).map(clean),
        )
    journey = inputs.journey
    if journey is not None:
        journey = journey.assign(area=journey["area"].astype(str).map(clean))
    for note in notes:
        warnings.warn(f"engagement evidence: {note}", RedactionWarning, stacklevel=2)
    redacted = replace(
        inputs,
        participants=participants,
        journey=journey,
        themes=tuple(themes),
        caveats=clean(inputs.caveats),
        source=clean(inputs.source),
    )
    return redacted, tuple(notes)


def redact_recommendations(
    recommendations: tuple[Recommendation, ...], *, known_names: tuple[str, ...] = ()
) -> tuple[Recommendation, ...]:
    """Every text field of every recommendation redacted (its ``not_personal`` kept);
    ``known_names`` are the team's list (the engagement config's), removed here too."""
    out = []
    for recommendation in recommendations:
        allowed = getattr(recommendation, "not_personal", ())
        changes = {
            name: redact(getattr(recommendation, name), known_names=known_names, allowed=allowed)
            for name in RECOMMENDATION_TEXT
        }
        out.append(replace(recommendation, **changes))
    return tuple(out)
