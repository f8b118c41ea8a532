"""The key findings ('Key findings at a glance'), the first section of every report.

As in the seeds' summaries, a few findings that matter, each pointing to its evidence.
Every shown figure is scored (:func:`importance`) on what a needs assessment leads with:

=====================================  =====================================
what                                   score
=====================================  =====================================
significantly worse than England       10, plus up to 5 for the size of the
                                       relative difference
large unmet need (50% or more)         4, plus the share not in treatment / 50
worsening recent trend                 5
higher or lower, no better/worse       2, plus up to 2 for the difference
improving recent trend                 2
significantly better than England      1, plus up to 2 for the difference
a harm similar to England              1 (harm is harm: the seeds say so)
=====================================  =====================================

The :data:`MAX_KEY_FINDINGS` highest (at least :data:`MIN_KEY_FINDINGS` when the data
allow) are written, most important first, each saying the figure, its comparison with
England (the words of :func:`dana.assess.findings.comparison_phrase`, so it never says
more than the section does) and where the evidence is: the section's title, and its
charts when it has any. ``Finding.section_id`` names that section for renderers to link.
The England tally is the section's summary.
"""

from __future__ import annotations

from dana.areas import ENGLAND
from dana.assess import findings, wording
from dana.assess.comparators import Comparators
from dana.assess.figures import IndicatorResult
from dana.assess.model import Finding, Section
from dana.assess.paragraphs import england_counts, first_and_last, indicator_slug
from dana.assess.wording import Voice
from dana.vocabulary import (
    BETTER,
    HIGHER,
    IMPROVING_TRENDS,
    LOW_IS_GOOD,
    LOWER,
    SIMILAR,
    WORSE,
    WORSENING_TRENDS,
)

SECTION_ID = "summary"
TITLE = "Key findings at a glance"
MAX_KEY_FINDINGS = 10
MIN_KEY_FINDINGS = 5

#: How a key finding opens, by what makes it matter: {what}, {area}
_HEADLINES = {
    "worse": ("Worse than England: {what}", "A concern for {area}: {what}", "{What} stands out"),
    "unmet": (
        "Unmet need: many who may need treatment are not in it",
        "Large unmet need",
        "Most of those in need are outside treatment",
    ),
    "worsening": ("Getting worse: {what}", "A worsening trend: {what}"),
    "different": ("Different from England: {what}", "Unusual for {area}: {what}"),
    "improving": ("Getting better: {what}", "Improving: {what}"),
    "better": ("Better than England: {what}", "A strength: {what}"),
    "harm": ("Still a harm: {what}", "Similar to England, but still harm: {what}"),
}


def _difference(result: IndicatorResult) -> float:
    england = result.figure.benchmark(ENGLAND)
    if england is None or not england.benchmark_value or result.figure.value is None:
        return 0.0
    return abs(result.figure.value - england.benchmark_value) / abs(england.benchmark_value)


def importance(result: IndicatorResult) -> tuple[float, str]:
    """``(score, reason)`` of a result for the key findings (table in the module docstring);
    ``(0, "")`` for one that is not a key finding."""
    figure = result.figure
    if figure.value is None:
        return 0.0, ""
    england = figure.benchmark(ENGLAND)
    category = england.comparison if england is not None else ""
    size = _difference(result)
    unmet = bool(findings.unmet_population(result.indicator.name)) and figure.value >= 50
    worsening = figure.trend in WORSENING_TRENDS
    score, reason = 0.0, ""
    if category == WORSE:
        score, reason = 10 + min(5.0, 10 * size), "worse"
    if unmet:
        score, reason = score + 4 + figure.value / 50, reason or "unmet"
    if worsening:
        score, reason = score + 5, reason or "worsening"
    if score:
        return score, reason
    if category in (HIGHER, LOWER):
        return 2 + min(2.0, 4 * size), "different"
    if figure.trend in IMPROVING_TRENDS:
        return 2.0, "improving"
    if category == BETTER:
        return 1 + min(2.0, 4 * size), "better"
    harm = result.indicator.section.endswith("_harms") and figure.polarity == LOW_IS_GOOD
    if category == SIMILAR and harm:
        return 1.0, "harm"
    return 0.0, ""


def _where(indicator_id: str, sections: list[Section]) -> tuple[Section | None, bool]:
    """The deepest section showing the figure, and whether it has a chart of it."""
    found = None
    for section in sections:
        stack = [section]
        while stack:
            current = stack.pop()
            if any(f.indicator_id == indicator_id for f in current.figures):
                found = current
            stack.extend(current.subsections)
    if found is None:
        return None, False
    charted = any(
        c.extra.get("indicator_id") == indicator_id
        or indicator_id in c.id
        # a small-multiples chart has a panel per indicator
        or ("indicator_id" in c.data and (c.data["indicator_id"] == indicator_id).any())
        for c in found.charts
    )
    return found, charted


#: Where a key finding's evidence is, in turn (the seeds do not repeat one sentence).
_EVIDENCE_FORMS = (
    "The evidence is in {where}.",
    "See {where} for the evidence.",
    "For the evidence, see {where}.",
)


def key_finding(result: IndicatorResult, reason: str, area: str, voice: Voice, where) -> str:
    figure, indicator = result.figure, result.indicator
    what = findings.noun(indicator.short_name)
    headline = voice.pick(f"key.{reason}", _HEADLINES[reason]).format(
        what=what, What=what[:1].upper() + what[1:], area=area, Area=area
    )
    opening = findings.statement(
        figure, area, short_name=indicator.short_name, indicator_name=indicator.name, age=""
    )
    england = figure.benchmark(ENGLAND)
    clause = "" if england is None else findings.comparison_phrase(figure, england)
    text = f"{headline}. {opening}" + (f": {clause}." if clause else ".")
    if reason in ("worsening", "improving") or figure.trend in WORSENING_TRENDS:
        text += " " + findings.trend_sentence(figure, *first_and_last(result), voice=voice)
    if reason == "harm":
        text += " " + voice.pick("still_harm", wording.STILL_HARM_FORMS)
    section, charted = where
    if section is not None:
        charts_word = " and its charts" if charted else ""
        form = voice.pick("evidence", _EVIDENCE_FORMS)
        text += " " + form.format(where=f"'{section.title}'{charts_word}")
    return text


def summary_section(
    results: list[IndicatorResult],
    comparators: Comparators,
    sections: list[Section] = (),
    voice: Voice | None = None,
) -> Section:
    """'Key findings at a glance' for the assessed area (see the module docstring)."""
    voice = voice or Voice()
    area = comparators.subject.name
    scored = [(importance(r), i, r) for i, r in enumerate(results)]
    ranked = sorted(
        ((score, reason, i, r) for (score, reason), i, r in scored if score > 0),
        key=lambda item: (-item[0], item[2]),
    )[:MAX_KEY_FINDINGS]
    items = []
    for _score, reason, _i, result in ranked:
        where = _where(result.figure.indicator_id, list(sections))
        items.append(
            Finding(
                id=f"summary.{reason}.{indicator_slug(result)}",
                text=key_finding(result, reason, area, voice, where),
                indicator_ids=(result.figure.indicator_id,),
                kind="unmet_need" if reason == "unmet" else "summary",
                section_id=where[0].id if where[0] is not None else "",
            )
        )
    tally = findings.tally_sentence(*england_counts(results))
    shortfall = (
        ""
        if len(items) >= MIN_KEY_FINDINGS
        else " Few figures differ from England or are changing, so the list is short."
    )
    return Section(
        id=SECTION_ID,
        title=TITLE,
        summary=(
            f"The findings that matter most for {area}, most important first; each points to "
            f"the section with the evidence. {tally}{shortfall}"
        ),
        findings=tuple(items),
    )
