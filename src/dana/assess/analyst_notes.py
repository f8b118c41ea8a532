"""The analyst notes: what the team must check before publishing, beside the report.

:func:`analyst_notes` gathers, from the finished model and the consistency checks:

* every consistency check run, passed or failed (a failed hard check has already stopped
  the build; soft ones are warnings: :mod:`dana.assess.consistency`);
* the data gaps, each with how to fill it (the config keys and tool instructions that
  must not appear in the report);
* the significant adverse findings no recommendation addresses - worse than England, or
  getting worse - each with a suggested draft, marked as a draft for the team to edit
  (never printed in the report as DANA's own recommendation);
* redaction notes: the placeholders the engagement text carries, for a human to check;
* the finding ids a recommendations register can link to.

Written as a file of its own by :mod:`dana.render.analyst_notes`.
"""

from __future__ import annotations

import re
from collections import Counter

from dana.areas import ENGLAND
from dana.assess.findings import comparison_phrase, noun, with_unit
from dana.assess.model import Assessment, Figure
from dana.assess.notes_model import AnalystNotes, CheckResult, DraftRecommendation, GapNote
from dana.vocabulary import WORSE, WORSENING_TRENDS

DRAFT_MARK = "DRAFT for the team to edit (not a recommendation of the report):"
_PLACEHOLDER = re.compile(r"\[(name|phone|email|e-mail|postcode|NHS number|address)\]", re.I)
#: Catalogue section -> what a draft recommendation proposes to look at first.
_DRAFT_FOCUS = {
    "alcohol_harms": "review the pathways that identify harmful drinking early (primary "
    "care, hospital alcohol care teams) and follow up admissions",
    "drug_harms": "review recent cases (drug-related death reviews, near misses) and "
    "the harm reduction offer, including naloxone",
    "alcohol_treatment": "review how people reach alcohol treatment and why they leave it",
    "drug_treatment": "review access to drug treatment and what keeps people in it",
    "young_people": "review the offer for children and young people with partners in "
    "education and social care",
    "wider_determinants": "work with the partners who hold these data (police, housing, "
    "children's services) to understand the pattern",
    "context": "consider what this means for the demand on services",
}


def _addressed(assessment: Assessment) -> set[str]:
    cited = set()
    by_finding = {f.id: f.indicator_ids for f in assessment.all_findings()}
    for rec in assessment.recommendations:
        cited.update(rec.indicator_ids)
        for finding_id in rec.finding_ids:
            cited.update(by_finding.get(finding_id, ()))
    return cited


def adverse(figure: Figure) -> bool:
    """Significantly worse than England, or significantly getting worse."""
    england = figure.benchmark(ENGLAND)
    worse = england is not None and england.comparison == WORSE
    return figure.value is not None and (worse or figure.trend in WORSENING_TRENDS)


def _section_titles(assessment: Assessment) -> dict[str, str]:
    titles = {}
    for section, _depth, trail in assessment.walk_sections():
        for figure in section.figures:
            titles[figure.indicator_id] = " > ".join((*trail, section.title))
    return titles


def unaddressed_findings(assessment: Assessment) -> tuple[DraftRecommendation, ...]:
    """Significant adverse findings that no recommendation cites, each with a draft."""
    cited = _addressed(assessment)
    titles = _section_titles(assessment)
    area = assessment.area.name
    out = []
    for figure in assessment.all_figures():
        if not adverse(figure) or figure.indicator_id in cited:
            continue
        england = figure.benchmark(ENGLAND)
        said = [f"{with_unit(figure.value, figure)} in {figure.period}"]
        if england is not None and england.comparison == WORSE:
            said.append(comparison_phrase(figure, england))
        if figure.trend in WORSENING_TRENDS:
            said.append(figure.trend.lower() + " over the last five periods")
        finding = f"{figure.name}: " + ", ".join(said)
        focus = _DRAFT_FOCUS.get(figure.section, "review what lies behind this figure")
        draft = (
            f"{DRAFT_MARK} To understand and improve {noun(figure.name)} in {area} "
            f"({', '.join(said)}): {focus}, and set a measure of progress against this "
            "indicator."
        )
        out.append(
            DraftRecommendation(
                figure.indicator_id,
                figure.name,
                finding,
                titles.get(figure.indicator_id, ""),
                draft,
            )
        )
    return tuple(out)


def redaction_notes(assessment: Assessment) -> tuple[str, ...]:
    """What the machine redaction replaced in the engagement text, for a human to check."""
    markers: Counter[str] = Counter()
    only_marker = 0
    for finding in assessment.all_findings():
        if finding.kind != "engagement":
            continue
        markers.update(m.group(0) for m in _PLACEHOLDER.finditer(finding.text))
        for quote in re.findall(r"\u201c([^\u201d]*)\u201d", finding.text):
            if _PLACEHOLDER.sub("", quote).strip(" .,;:-") == "":
                only_marker += 1
    notes = [
        f"{count} x {marker} placeholder in the engagement text: check each quote still reads"
        " well, and that nothing identifying is left."
        for marker, count in sorted(markers.items())
    ]
    if only_marker:
        notes.append(
            f"{only_marker} quote(s) are only a redaction marker: remove them from the themes "
            "file or choose another quote."
        )
    return tuple(notes)


def analyst_notes(
    assessment: Assessment, checks: tuple[CheckResult, ...], *, notes: tuple[str, ...] = ()
) -> AnalystNotes:
    """The analyst notes of a finished assessment (see the module docstring)."""
    gaps = tuple(
        GapNote(g.indicator_id, g.name, g.reason, g.detail, g.how_to_fill)
        for g in assessment.data_gaps
    )
    ids = [
        f"`{f.id}`: {f.text[:90]}{'...' if len(f.text) > 90 else ''}"
        for f in assessment.all_findings()
        if not f.id.startswith(("summary.", "engagement."))
    ]
    return AnalystNotes(
        checks=checks,
        gaps=gaps,
        unaddressed=unaddressed_findings(assessment),
        redactions=redaction_notes(assessment),
        notes=notes,
        finding_ids=tuple(ids),
    )
