"""The slide pack's plan: which slides, in which order, and what each one holds.

Slide N is ``slide_plan(a)[N - 1]``, so the Word and PDF reports can point at "slide N"
the way the Cambridgeshire & Peterborough summary report does. Text is measured here
(:mod:`dana.render.slide_text`) against the boxes it will sit in, and flows on to a
"(continued)" slide when it cannot fit, so the numbering already counts every slide the
pack will have and nothing on a slide is ever cut off.

Order: title, about; for each section a divider (its summary and the findings that
belong to no figure), the section-wide charts (spine, pyramid), one slide per key figure
(its first chart or a compare table, the value, the comparison and its findings) followed
by a slide for each of its further charts, display tables; then recommendations (list,
one card each), data gaps, sources and the licence. Charts come in the order of their
figure numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from dana.assess.model import TIMESCALE_NAMES, Assessment, Chart, Figure, Section, Table
from dana.render.content import (
    SYNTHETIC_NOTICE,
    cell_text,
    comparator_sentence,
    figure_charts,
    findings_for_figure,
    gap_reason,
    gap_section,
    gap_statement_text,
    paragraphs,
    population_badges,
    provenance_table,
    recommendation_fields,
    section_charts,
    section_titles,
    unlinked_findings,
)
from dana.render.slide_text import Page, flow, text_height

SLIDE_WIDTH_IN = 13.333
SLIDE_HEIGHT_IN = 7.5
MARGIN = 0.5
CONTENT_WIDTH = SLIDE_WIDTH_IN - 2 * MARGIN
BODY_TOP = 1.5
BODY_BOTTOM = SLIDE_HEIGHT_IN - 0.85  # the footer sits below
# Boxes whose text can overflow: (width, height) in inches, (largest, smallest) size.
ABOUT_BOX = (CONTENT_WIDTH, BODY_BOTTOM - BODY_TOP, 20, 14)
DIVIDER_BOX = (CONTENT_WIDTH - 0.2, 3.2, 22, 14)
CONTINUED_BOX = (CONTENT_WIDTH, BODY_BOTTOM - BODY_TOP, 20, 14)
FIGURE_FINDINGS_BOX = (4.23, 2.4, 16, 12)
CARD_BOX = (8.63, BODY_BOTTOM - BODY_TOP, 18, 12)
TABLE_SIZES = (14, 10)  # a table's largest and smallest font size


@dataclass(frozen=True)
class Slide:
    """One slide of the pack: what it shows, and the model objects it needs."""

    kind: str  # title, about, divider, figure, chart, table, rec_list, rec, gaps, sources, licence, text
    title: str = ""
    section: Section | None = None
    depth: int = 0
    figure: Figure | None = None
    charts: tuple[Chart, ...] = ()
    page: Page | None = None  # the flowed text this slide holds
    table: Table | None = None
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()
    font_pt: float = 0.0
    items: tuple = ()
    part: int = 1
    parts: int = 1
    note: str = ""

    @property
    def chart(self) -> Chart | None:
        return self.charts[0] if self.charts else None

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


def table_pages(headers, rows, widths, top: float, sizes=TABLE_SIZES) -> tuple[float, list[list]]:
    """The rows split into slides that each fit between ``top`` and the footer: the
    largest size at which the table fits one slide, else the smallest size and as many
    slides as needed (the header row repeats on each)."""
    available = BODY_BOTTOM - top

    def height(row, size):
        return (
            max(
                text_height(str(t), size, w, bold=row is headers)
                for t, w in zip(row, widths, strict=True)
            )
            + 0.05
        )

    size = sizes[0]
    while size >= sizes[1]:
        if height(headers, size) + sum(height(r, size) for r in rows) <= available:
            return size, [list(rows)]
        size -= 0.5
    size = sizes[1]
    pages: list[list] = [[]]
    used = height(headers, size)
    for row in rows:
        h = height(row, size)
        if pages[-1] and used + h > available:
            pages.append([])
            used = height(headers, size)
        pages[-1].append(row)
        used += h
    return size, pages


def _table_slides(
    kind: str, title: str, headers, rows, widths, *, top: float = 1.6, **common
) -> list[Slide]:
    size, pages = table_pages(tuple(headers), [tuple(r) for r in rows], widths, top)
    return [
        Slide(kind, title=title, headers=tuple(headers), rows=tuple(page), widths=tuple(widths), font_pt=size, part=i, parts=len(pages), **common)
        for i, page in enumerate(pages, 1)
    ]  # fmt: skip


def about_paragraphs(assessment: Assessment) -> list[str]:
    parts = [*paragraphs(assessment.introduction), comparator_sentence(assessment)]
    if assessment.disclosure:
        parts.append(f"Small numbers: {assessment.disclosure}")
    parts.append(
        "Each key indicator has its own slide: the value with its confidence interval, how it "
        "compares with England (in words, a symbol and colour), and what it means."
    )
    if assessment.synthetic:
        parts.append(SYNTHETIC_NOTICE)
    return parts


def licence_paragraphs(assessment: Assessment) -> list[str]:
    parts = list(assessment.attributions)
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
    width, height, big, small = DIVIDER_BOX
    text = [*paragraphs(section.summary), *(f"\u2022 {f.text}" for f in unlinked_findings(section))]
    pages = flow(text, width, height, big, small, space_after=6) if text else [Page((), big)]
    slides = [Slide("divider", title=section.title, section=section, depth=depth, page=pages[0])]
    slides += _continued(section.title, pages, section=section, depth=depth)
    for chart in section_charts(section):
        slides.append(
            Slide("chart", title=chart.title, section=section, depth=depth, charts=(chart,))
        )
    charts = figure_charts(section)
    for fig in section.figures:
        own = charts.get(fig.indicator_id, [])
        findings = [f.text for f in findings_for_figure(section, fig)]
        width, height, big, small = FIGURE_FINDINGS_BOX
        pages = (
            flow(findings, width, height, big, small, space_after=6)
            if findings
            else [Page((), big)]
        )
        slides.append(
            Slide(
                "figure",
                title=fig.name,
                section=section,
                depth=depth,
                figure=fig,
                charts=tuple(own[:1]),
                page=pages[0],
            )
        )
        slides += _continued(fig.name, pages, section=section, depth=depth, figure=fig)
        # the figure's further charts (comparators, funnel), each large enough to read
        for chart in own[1:]:
            slides.append(
                Slide(
                    "chart",
                    title=chart.title,
                    section=section,
                    depth=depth,
                    figure=fig,
                    charts=(chart,),
                )
            )
    for table in section.tables:
        headers = [str(c) for c in table.data.columns]
        rows = [[cell_text(v) for v in row] for row in table.data.itertuples(index=False)]
        widths = [CONTENT_WIDTH / max(len(headers), 1)] * len(headers)
        slides += _table_slides(
            "table", table.title, headers, rows, widths, section=section, depth=depth, table=table
        )
    return slides  # fmt: skip


def slide_plan(assessment: Assessment) -> list[Slide]:
    """The slides of the pack, in order (see the module docstring)."""
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
    if assessment.provenance:
        prov = provenance_table(assessment.provenance)
        widths = _provenance_widths(prov.headers)
        note = "; ".join(f"{label}: {text}" for label, text in prov.shared)
        slides += _table_slides(
            "sources", "Sources and methods", prov.headers, prov.rows, widths, note=note
        )
    width, height, big, small = CONTINUED_BOX
    licence = flow(licence_paragraphs(assessment), width, height, big, small, space_after=8)
    slides.append(
        Slide("licence", title="Licence, attributions and disclosure control", page=licence[0])
    )
    slides += _continued("Licence, attributions and disclosure control", licence)
    return slides  # fmt: skip


_PROVENANCE_SHARE = {
    "Indicator": 3.2,
    "Period": 1.2,
    "Source": 2.6,
    "Retrieved": 1.3,
    "Method": 3.4,
    "CI": 0.8,
    "Licence": 2.0,
}


def _provenance_widths(headers) -> tuple[float, ...]:
    shares = [_PROVENANCE_SHARE[h] for h in headers]
    return tuple(CONTENT_WIDTH * s / sum(shares) for s in shares)


def _timescale(rec) -> str:
    return TIMESCALE_NAMES.get(rec.timescale, rec.timescale)


def evidence_slides(assessment: Assessment, plan: list[Slide] | None = None) -> dict[str, int]:
    """Slide number of the evidence for each indicator id and each finding id.

    An indicator's evidence is its figure slide. A finding points at the slide of its
    first indicator shown in the pack, or its section's divider when it has none.
    """
    out: dict[str, int] = {}
    divider_of: dict[str, int] = {}
    for number, slide in enumerate(plan or slide_plan(assessment), 1):
        if slide.kind == "figure":
            out.setdefault(slide.figure.indicator_id, number)
        elif slide.kind == "divider":
            divider_of[slide.section.id] = number
    for section, _, _ in assessment.walk_sections():
        for finding in section.findings:
            slides = [out[i] for i in finding.indicator_ids if i in out]
            out.setdefault(finding.id, slides[0] if slides else divider_of[section.id])
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
