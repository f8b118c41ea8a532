"""The shape every format shares: the document's headings in order, and one numbering
of its figures and tables.

:func:`document_outline` lists the parts of the report (introduction, how to read it,
each section of the assessment, recommendations, data gaps, the appendix) as headings
with a level and a stable anchor; the HTML contents, the Word contents page and the PDF
bookmarks are all made from it, so they agree. A new part of the report (key findings,
another appendix) is a new heading kind here and one method in each renderer.

:func:`numbering` gives every chart its figure number and every table its table number,
in reading order, once for the whole document: Figure 7 is Figure 7 in the HTML, the Word
file, the PDF and the slide pack. Findings get short labels ("F12") the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dana.assess.model import Assessment, Chart, Recommendation, Section, Table
from dana.render.content import charts_in_reading_order

INTRODUCTION = "introduction"
HOW_TO_READ = "how_to_read"
SECTION = "section"
RECOMMENDATIONS = "recommendations"
RECOMMENDATION = "recommendation"
DATA_GAPS = "data_gaps"
APPENDIX = "appendix"
PROVENANCE = "provenance"
DISCLOSURE = "disclosure"
LICENCE = "licence"


@dataclass(frozen=True)
class Heading:
    """One heading of the report: what it introduces, its title, level (1 = chapter) and
    an anchor that is the same in every format."""

    kind: str
    title: str
    level: int
    anchor: str
    section: Section | None = None
    recommendation: Recommendation | None = None


def document_outline(assessment: Assessment) -> tuple[Heading, ...]:
    """Every heading of the report in reading order (see the module docstring)."""
    out = [
        Heading(INTRODUCTION, "Introduction", 1, "introduction"),
        Heading(HOW_TO_READ, "How to read this report", 2, "how-to-read"),
    ]
    for section, depth, _ in assessment.walk_sections():
        out.append(
            Heading(
                SECTION, section.title, min(depth + 1, 3), f"section-{section.id}", section=section
            )
        )
    if assessment.recommendations:
        out.append(Heading(RECOMMENDATIONS, "Recommendations", 1, "recommendations"))
        out += [
            Heading(RECOMMENDATION, f"Recommendation {r.number}: {r.title}", 2, f"rec-{r.number}", recommendation=r)
            for r in assessment.recommendations
        ]  # fmt: skip
    if assessment.data_gaps:
        out.append(Heading(DATA_GAPS, "Areas where data was lacking", 1, "data-gaps"))
    out.append(Heading(APPENDIX, "Appendix: data sources and methods", 1, "appendix"))
    if assessment.provenance:
        out.append(Heading(PROVENANCE, "Provenance of each figure", 2, "provenance"))
    out.append(Heading(DISCLOSURE, "Disclosure control", 2, "disclosure"))
    out.append(Heading(LICENCE, "Licence and attributions", 2, "attributions"))
    return tuple(out)


@dataclass(frozen=True)
class Numbering:
    """Figure and table numbers of one assessment, by model object."""

    figures: dict[int, int] = field(default_factory=dict)  # id(chart) -> number
    tables: dict[object, int] = field(default_factory=dict)  # id(table) / part key -> number
    findings: dict[str, str] = field(default_factory=dict)  # finding id -> "F12"

    def figure(self, chart: Chart) -> int:
        return self.figures[id(chart)]

    def key_figures(self, section: Section) -> int:
        """The number of the section's key-figures table."""
        return self.tables[("key-figures", id(section))]

    def table(self, table: Table) -> int:
        return self.tables[id(table)]

    def finding(self, finding_id: str) -> str:
        """The short label a reader sees for a finding ("F12"), in reading order; the
        model's id stays the anchor that links to it."""
        return self.findings.get(finding_id, finding_id)

    def part(self, kind: str) -> int:
        """The number of a report-level table: ``RECOMMENDATIONS``, ``DATA_GAPS`` or
        ``PROVENANCE``."""
        return self.tables[kind]


def numbering(assessment: Assessment) -> Numbering:
    """Number every chart and table in reading order: within each section its
    key-figures table, its charts (:func:`~dana.render.content.charts_in_reading_order`)
    and its display tables; then the recommendations list, the data gaps and the
    provenance tables."""
    result = Numbering()
    tables = 0
    figures = 0
    for section, _, _ in assessment.walk_sections():
        if section.figures:
            tables += 1
            result.tables[("key-figures", id(section))] = tables
        for chart in charts_in_reading_order(section):
            figures += 1
            result.figures[id(chart)] = figures
        for table in section.tables:
            tables += 1
            result.tables[id(table)] = tables
        for finding in section.findings:
            result.findings.setdefault(finding.id, f"F{len(result.findings) + 1}")
    for kind, present in (
        (RECOMMENDATIONS, assessment.recommendations),
        (DATA_GAPS, assessment.data_gaps),
        (PROVENANCE, assessment.provenance),
    ):
        if present:
            tables += 1
            result.tables[kind] = tables
    return result
