"""The slide pack's plan: which slides, in which order, and what each one holds.

Slide N is ``slide_plan(a)[N - 1]``, so the Word and PDF reports can point at "slide N"
the way the Cambridgeshire & Peterborough summary report does. Text is measured here
(:mod:`dana.render.slide_text`) against the boxes it will sit in, and flows on to a
"(continued)" slide or panel when it cannot fit, so the numbering already counts every
slide the pack will have and nothing on a slide is ever cut off.

Order: title, about; for each section its slides of panels
(:mod:`dana.render.slide_panels`: the key figures beside the small-multiples chart of
their trends, then the other charts and tables two to a slide, the section's summary in
a strip above); then recommendations (list, one card each), data gaps, and the sources,
licence and disclosure rule. The funnel plots and full trend tables are the report's
appendices; the pack says where to find them.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from dana.assess.model import TIMESCALE_NAMES, Assessment, Chart, Figure, Section
from dana.render.content import (
    SYNTHETIC_NOTICE,
    comparator_sentence,
    gap_reason,
    gap_section,
    gap_statement_text,
    paragraphs,
    population_badges,
    recommendation_fields,
    section_titles,
)
from dana.render.slide_panels import (
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    Panel,
    body_height,
    pair,
    section_panels,
    strip_page,
    table_pages,
)
from dana.render.slide_text import Page, flow

# Boxes whose text can overflow: (width, height) in inches, (largest, smallest) size.
ABOUT_BOX = (CONTENT_WIDTH, BODY_BOTTOM - BODY_TOP, 20, 14)
CONTINUED_BOX = (CONTENT_WIDTH, BODY_BOTTOM - BODY_TOP, 20, 14)
CARD_BOX = (8.63, BODY_BOTTOM - BODY_TOP, 18, 12)


@dataclass(frozen=True)
class Slide:
    """One slide of the pack: what it shows, and the model objects it needs."""

    kind: str  # title, about, section, text, rec_list, rec, gaps, licence
    title: str = ""
    section: Section | None = None
    depth: int = 0
    page: Page | None = None  # the flowed text this slide holds
    panels: tuple[Panel, ...] = ()  # a section slide's one or two panels
    strip: Page | None = None  # a section's summary, on its first slide
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    font_pt: float = 0.0
    items: tuple = ()
    part: int = 1
    parts: int = 1
    note: str = ""

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(p.chart for p in self.panels if p.chart is not None)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for p in self.panels for f in p.figures)

    def numbered_title(self) -> str:
        """The title, with "(2 of 3)" when the slide is one part of several (a
        continued text already says "(continued)")."""
        return self.title + (
            f" ({self.part} of {self.parts})" if self.parts > 1 and self.kind != "text" else ""
        )


def _continued(title: str, pages: list[Page], **common) -> list[Slide]:
    """Slides for the second and later pages of flowed text."""
    return [
        Slide("text", title=f"{title} (continued)", page=page, part=i, parts=len(pages), **common)
        for i, page in enumerate(pages[1:], 2)
    ]


def _table_slides(
    kind: str, title: str, headers, rows, widths, *, top: float = 1.6, **common
) -> list[Slide]:
    size, widths, pages = table_pages(
        tuple(headers), [tuple(r) for r in rows], sum(widths), BODY_BOTTOM - top
    )
    return [
        Slide(kind, title=title, headers=tuple(headers), rows=tuple(page), widths=tuple(widths), font_pt=size, part=i, parts=len(pages), **common)
        for i, page in enumerate(pages, 1)
    ]  # fmt: skip


def about_paragraphs(assessment: Assessment) -> list[str]:
    parts = [*paragraphs(assessment.introduction), comparator_sentence(assessment)]
    if assessment.disclosure:
        parts.append(f"Small numbers: {assessment.disclosure}")
    parts.append(
        "Each section's slide gives every indicator's value, England's, how they compare (in "
        "words, a symbol and colour) and the recent trend, beside a chart of the trends; "
        "the findings are in the speaker notes and, in full, in the report, whose "
        "appendices hold the funnel plots and every indicator's full series."
    )
    if assessment.synthetic:
        parts.append(SYNTHETIC_NOTICE)
    return parts


def licence_paragraphs(assessment: Assessment) -> list[str]:
    """Sources (each once, with how many figures come from it), licences, the disclosure
    rule and where the methods are."""
    counts: dict[str, int] = {}
    for entry in assessment.provenance:
        source = entry.source or "Source not recorded"
        counts[source] = counts.get(source, 0) + 1
    parts = (
        [
            "Sources: "
            + "; ".join(f"{s} ({n} figure{'s' if n != 1 else ''})" for s, n in counts.items())
            + ". The report's last appendix gives each figure's source, period, retrieval date "
            "and method."
        ]
        if counts
        else []
    )
    parts += list(assessment.attributions)
    parts.append(f"Disclosure control: {assessment.disclosure or 'no rule was recorded.'}")
    parts.append("Suppressed values are shown as * and never published.")
    if assessment.synthetic:
        parts.append(SYNTHETIC_NOTICE)
    parts.append(
        f"Produced {assessment.generated} with DANA, the Drugs and Alcohol Needs Assessment toolkit."
    )
    return parts


def card_paragraphs(rec) -> list[str]:
    """The card's labelled text as alternating label and text paragraphs."""
    fields = [
        ("Key finding", rec.key_finding),
        ("Impact", rec.impact),
        ("Description", rec.description),
    ]
    if rec.gap_statement:
        fields.append(("GAP", gap_statement_text(rec)))
    return [p for label, text in fields for p in (label, text)]


def _section_slides(section: Section, depth: int) -> list[Slide]:
    strip = strip_page(section)
    panels = section_panels(section, body_height(strip))
    if panels and all(p.kind == "text" for p in panels):
        strip = None  # the summary is the text itself
    groups = pair(panels)
    if not groups:
        return []
    return [
        Slide("section", title=section.title, section=section, depth=depth, panels=panels,
              strip=strip if number == 1 else None, part=number, parts=len(groups))
        for number, panels in enumerate(groups, 1)
    ]  # fmt: skip


_last_plan: tuple[weakref.ref, list[Slide]] | None = None


def slide_plan(assessment: Assessment) -> list[Slide]:
    """The slides of the pack, in order (see the module docstring). The plan of the
    assessment planned last is kept: the Word, PDF and slide renderers of one build all
    ask for it (to cite slide numbers) and get the same list, measured once."""
    global _last_plan
    if _last_plan is not None and _last_plan[0]() is assessment:
        return list(_last_plan[1])
    plan = _plan(assessment)
    _last_plan = (weakref.ref(assessment), plan)
    return list(plan)


def slide_charts(assessment: Assessment) -> list[Chart]:
    """The charts the pack shows, in slide order: fewer than the report's (no funnel, no
    depth chart)."""
    return [chart for slide in slide_plan(assessment) for chart in slide.charts]


def _plan(assessment: Assessment) -> list[Slide]:
    width, height, big, small = ABOUT_BOX
    about = flow(about_paragraphs(assessment), width, height, big, small, space_after=8)
    slides = [
        Slide("title", title=assessment.title),
        Slide("about", title="About this slide pack", page=about[0]),
    ]
    slides += _continued("About this slide pack", about)
    for section, depth, _ in assessment.walk_sections():
        slides += _section_slides(section, depth)
    recs = list(assessment.recommendations)
    if recs:
        rows = [[str(r.number), r.title, _timescale(r), population_badges(r)] for r in recs]
        slides += _table_slides(
            "rec_list",
            "Recommendations",
            ["Number", "Title", "Timescale", "Area"],
            rows,
            (1.1, 7.3, 2.5, 1.43),
        )
        width, height, big, small = CARD_BOX
        for rec in recs:
            title = f"Recommendation {rec.number}: {rec.title}"
            pages = flow(card_paragraphs(rec), width, height, big, small, space_after=6)
            slides.append(Slide("rec", title=title, items=(rec,), page=pages[0]))
            slides += _continued(title, pages, items=(rec,))
    if assessment.data_gaps:
        titles = section_titles(assessment)
        rows = [
            [g.name, gap_section(g, titles), gap_reason(g), g.detail] for g in assessment.data_gaps
        ]
        slides += _table_slides(
            "gaps",
            "Areas where data was lacking",
            ["Indicator", "Section", "Reason", "Detail"],
            rows,
            (3.6, 2.4, 2.3, 4.03),
        )
    width, height, big, small = CONTINUED_BOX
    licence = flow(licence_paragraphs(assessment), width, height, big, small, space_after=8)
    title = "Sources, licence and disclosure control"
    slides.append(Slide("licence", title=title, page=licence[0]))
    slides += _continued(title, licence)
    return slides  # fmt: skip


def _timescale(rec) -> str:
    return TIMESCALE_NAMES.get(rec.timescale, rec.timescale)


def evidence_slides(assessment: Assessment, plan: list[Slide] | None = None) -> dict[str, int]:
    """Slide number of the evidence for each indicator id and each finding id.

    An indicator's evidence is the slide holding its key-figure row. A finding points at
    the slide of its first indicator shown in the pack, or its section's first slide when
    it has none.
    """
    out: dict[str, int] = {}
    first_of: dict[str, int] = {}
    for number, slide in enumerate(plan or slide_plan(assessment), 1):
        if slide.kind == "section":
            first_of.setdefault(slide.section.id, number)
            for figure in slide.figures:
                out.setdefault(figure.indicator_id, number)
    for section, _, _ in assessment.walk_sections():
        for finding in section.findings:
            slides = [out[i] for i in finding.indicator_ids if i in out]
            if slides or section.id in first_of:
                out.setdefault(finding.id, slides[0] if slides else first_of[section.id])
    return out


def slide_reference(finding, evidence: dict[str, int]) -> str:
    """``"slide 7"`` or ``"slides 7, 9"``: every figure slide the finding rests on."""
    numbers = sorted({evidence[i] for i in finding.indicator_ids if i in evidence})
    if not numbers:
        numbers = [evidence[finding.id]] if finding.id in evidence else []
    if not numbers:
        return ""
    return ("slide " if len(numbers) == 1 else "slides ") + ", ".join(str(n) for n in numbers)


def recommendation_evidence(rec, evidence: dict[str, int]) -> str:
    """``"slides 5, 9"``: the figure slides behind a recommendation's indicators and findings."""
    numbers = sorted({evidence[i] for i in (*rec.indicator_ids, *rec.finding_ids) if i in evidence})
    if not numbers:
        return ""
    return ("slide " if len(numbers) == 1 else "slides ") + ", ".join(str(n) for n in numbers)


def card_fields(rec, evidence: dict[str, int]) -> list[tuple[str, str]]:
    """The recommendation card's fields plus, when the pack shows it, where the evidence is."""
    fields = recommendation_fields(rec)
    slides = recommendation_evidence(rec, evidence)
    if slides:
        fields.append(("Evidence", f"See {slides} of the slide pack."))
    return fields
