"""Render an assessment as a readable PDF report (reportlab platypus).

The same content as the Word report: title page, contents, introduction, sections with
findings (each pointing at its slide in the pack), key-figure tables, charts with
captions and a written description, display tables, Coventry-style recommendation cards,
data gaps and an appendix (provenance, disclosure control, licences). Headings become PDF
bookmarks (the outline pane) and contents entries; every page is numbered; the document
title, author and subject are set in the PDF metadata and shown in the viewer's title bar.

reportlab's ``Paragraph`` reads a mini-markup, so every piece of free text goes through
:func:`_esc` (``&``, ``<``, ``>`` escaped). Fonts are DejaVu Sans (shipped with
matplotlib), embedded so the comparison symbols (▲ ▼ ● △ ▽ ○) print. Nothing here
computes a statistic.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm, inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from dana.assess.model import Assessment, Chart, Section
from dana.assess.model import Table as DisplayTable
from dana.render._document import (
    KEY_FIGURE_HEADERS,
    PROVENANCE_HEADERS,
    SYNTHETIC_NOTICE,
    atomic_write,
    card_fields,
    cell_text,
    charts_in_reading_order,
    comparator_sentence,
    evidence_slides,
    fit_picture,
    gap_reason,
    gap_section,
    key_figure_notes,
    key_figure_row,
    output_path,
    paragraphs,
    provenance_cells,
    section_titles,
    slide_reference,
    source_notes,
    table_footnote,
    walk_sections,
)
from dana.render._format import comparison_colour, text_colour_on
from dana.render.charts import caption, static_png

__all__ = ["render_pdf"]

_PAGE_W, _PAGE_H = A4
_MARGIN = 2 * cm
_TEXT_W = _PAGE_W - 2 * _MARGIN
_MAX_IMAGE_H = 20 * cm  # a 16-area bar chart fits at full width, so its text is not shrunk
_CHART_DPI = 150  # same picture as the DOCX (same width and dpi), so it is drawn once
_ACCENT = colors.HexColor("#1D70B8")
_MUTED = colors.HexColor("#505A5F")
_RED = colors.HexColor("#D4351C")
_GRID = colors.HexColor("#B1B4B6")
_HEADER_FILL = colors.HexColor("#1D70B8")
_LABEL_FILL = colors.HexColor("#F3F2F1")
_KEY_FIGURE_WIDTHS = (3.8, 1.6, 2.0, 2.1, 1.8, 2.2, 1.9, 1.6)  # cm, sums to 17; Source is "[1]"


def render_pdf(assessment: Assessment, path: str | os.PathLike) -> Path:
    """Write ``assessment`` to ``path`` as a PDF and return the path.

    Written to a temporary file in the same folder and renamed into place, so a failure
    never leaves a half-written file.
    """
    output_path(path)
    story = _PdfStory(assessment).build()

    def write(tmp: Path):
        doc = _ReportTemplate(str(tmp), assessment)
        # Binary (Flate-only) streams: reportlab's pure-Python ASCII85 encoding of every
        # image and font on every pass was the slowest step, and made the file larger.
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            doc.multiBuild(story)  # two passes: the contents needs the page numbers
        finally:
            rl_config.useA85 = saved

    return atomic_write(path, write)


def _esc(text: object) -> str:
    """Free text made safe for reportlab's Paragraph mini-markup."""
    return escape("" if text is None else str(text))


# --- fonts and styles ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fonts() -> str:
    """Register DejaVu Sans (regular, bold, italic) once; return the family name."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        "DanaSans": "DejaVuSans.ttf",
        "DanaSans-Bold": "DejaVuSans-Bold.ttf",
        "DanaSans-Oblique": "DejaVuSans-Oblique.ttf",
        "DanaSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    addMapping("DanaSans", 0, 0, "DanaSans")
    addMapping("DanaSans", 1, 0, "DanaSans-Bold")
    addMapping("DanaSans", 0, 1, "DanaSans-Oblique")
    addMapping("DanaSans", 1, 1, "DanaSans-BoldOblique")
    return "DanaSans"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    font = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "Body", parent=base["BodyText"], fontName=font, fontSize=10, leading=13.5, spaceAfter=6
    )
    small = ParagraphStyle(
        "Small", parent=body, fontSize=8, leading=10, textColor=_MUTED, spaceAfter=8
    )
    return {
        "title": ParagraphStyle("DocTitle", parent=body, fontName=f"{font}-Bold", fontSize=26, leading=32, textColor=_ACCENT, spaceAfter=12),
        "subtitle": ParagraphStyle("DocSubtitle", parent=body, fontSize=16, leading=20, textColor=_MUTED, spaceAfter=8),
        "h1": ParagraphStyle("Heading1", parent=body, fontName=f"{font}-Bold", fontSize=17, leading=21, textColor=_ACCENT, spaceBefore=14, spaceAfter=8, keepWithNext=True),
        "h2": ParagraphStyle("Heading2", parent=body, fontName=f"{font}-Bold", fontSize=13.5, leading=17, textColor=_ACCENT, spaceBefore=10, spaceAfter=6, keepWithNext=True),
        "h3": ParagraphStyle("Heading3", parent=body, fontName=f"{font}-Bold", fontSize=11.5, leading=15, textColor=colors.black, spaceBefore=8, spaceAfter=4, keepWithNext=True),
        "body": body,
        "small": small,
        "caption": ParagraphStyle("Caption", parent=body, fontName=f"{font}-Bold", fontSize=9, leading=11.5, textColor=_ACCENT, spaceBefore=4, spaceAfter=3, keepWithNext=True),
        "cell": ParagraphStyle("Cell", parent=body, fontSize=7.5, leading=9, spaceAfter=0),
        "cell_head": ParagraphStyle("CellHead", parent=body, fontName=f"{font}-Bold", fontSize=7.5, leading=9, spaceAfter=0, textColor=colors.white),
        "card": ParagraphStyle("Card", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
        "card_label": ParagraphStyle("CardLabel", parent=body, fontName=f"{font}-Bold", fontSize=9.5, leading=12, spaceAfter=0),
        "synthetic": ParagraphStyle("Synthetic", parent=body, fontName=f"{font}-Bold", textColor=_RED, backColor=colors.HexColor("#FDECEA"), borderPadding=6, spaceBefore=10, spaceAfter=12),
        "toc1": ParagraphStyle("TOC1", parent=body, fontSize=10.5, leading=14, leftIndent=0, spaceAfter=1),
        "toc2": ParagraphStyle("TOC2", parent=body, fontSize=9.5, leading=12.5, leftIndent=14, spaceAfter=0),
        "toc3": ParagraphStyle("TOC3", parent=body, fontSize=9, leading=12, leftIndent=28, spaceAfter=0),
    }  # fmt: skip


# --- document template: page furniture, outline, contents -----------------------------------


class _Heading(Paragraph):
    """A heading paragraph that becomes a bookmark, an outline entry and a contents line."""

    def __init__(self, text: str, level: int, style: ParagraphStyle, key: str):
        super().__init__(_esc(text), style)
        self.plain_text = text
        self.level = level
        self.key = key


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, filename: str, assessment: Assessment):
        super().__init__(
            filename,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_MARGIN,
            title=assessment.title,
            author="DANA (Drugs and Alcohol Needs Assessment toolkit)",
            subject=f"Drug and alcohol needs assessment: {assessment.area.name}",
            creator="DANA",
            keywords=["needs assessment", "drugs", "alcohol"]
            + (["SYNTHETIC DATA"] if assessment.synthetic else []),
            lang="en-GB",
            displayDocTitle=True,
        )
        self.assessment = assessment
        frame = Frame(_MARGIN, _MARGIN, _TEXT_W, _PAGE_H - 2 * _MARGIN, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def _furniture(self, canvas, doc):
        canvas.saveState()
        font = _fonts()
        canvas.setFont(font, 8)
        canvas.setFillColor(_MUTED)
        canvas.drawString(_MARGIN, _PAGE_H - 1.2 * cm, self.assessment.title)
        if self.assessment.synthetic:
            canvas.setFillColor(_RED)
            canvas.setFont(f"{font}-Bold", 8)
            canvas.drawRightString(_PAGE_W - _MARGIN, _PAGE_H - 1.2 * cm, "SYNTHETIC DATA")
        canvas.setFillColor(_MUTED)
        canvas.setFont(font, 8)
        canvas.drawCentredString(_PAGE_W / 2, 1.1 * cm, f"Page {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(
                flowable.plain_text, flowable.key, level=flowable.level, closed=False
            )
            self.notify(
                "TOCEntry", (flowable.level, _esc(flowable.plain_text), self.page, flowable.key)
            )

    def beforeDocument(self):
        self.canv.showOutline()  # open the bookmarks pane


# --- the story -------------------------------------------------------------------------------


class _PdfStory:
    def __init__(self, assessment: Assessment):
        self.a = assessment
        self.s = _styles()
        self.story: list = []
        self.evidence = evidence_slides(assessment)
        self.titles = section_titles(assessment)
        self.numbers = {"Table": 0, "Figure": 0}
        self.heading_count = 0

    def build(self) -> list:
        self._title_page()
        self._contents()
        self._heading("Introduction", 0)
        for para in paragraphs(self.a.introduction):
            self._para(para)
        self._para(comparator_sentence(self.a))
        self._para(
            "References such as “(slide 7)” point to the slide in the accompanying slide "
            "pack, produced from the same assessment, where the evidence is shown."
        )
        if self.a.disclosure:
            self._para(f"Small numbers: {self.a.disclosure}")
        for section, depth in walk_sections(self.a):
            self._section(section, depth)
        self._recommendations()
        self._data_gaps()
        self._appendix()
        return self.story

    def _title_page(self):
        add = self.story.append
        add(Spacer(1, 4 * cm))
        add(Paragraph(_esc(self.a.title), self.s["title"]))
        add(Paragraph(_esc(self.a.area.name), self.s["subtitle"]))
        add(Paragraph(f"Period: {_esc(self.a.period)}", self.s["body"]))
        add(Paragraph(f"Produced: {_esc(self.a.generated)}", self.s["body"]))
        if self.a.synthetic:
            add(Paragraph(_esc(SYNTHETIC_NOTICE), self.s["synthetic"]))
        add(PageBreak())

    def _contents(self):
        self.story.append(Paragraph("Contents", self.s["h1"]))
        toc = TableOfContents()
        toc.levelStyles = [self.s["toc1"], self.s["toc2"], self.s["toc3"]]
        toc.dotsMinLevel = 0
        self.story.append(toc)
        self.story.append(PageBreak())

    # --- blocks ------------------------------------------------------------------------------

    def _heading(self, text: str, level: int):
        self.heading_count += 1
        style = self.s[f"h{min(level, 2) + 1}"]
        self.story.append(_Heading(text, min(level, 2), style, key=f"h{self.heading_count}"))

    def _para(self, text: str, style: str = "body"):
        self.story.append(Paragraph(_esc(text), self.s[style]))

    def _caption(self, label: str, title: str) -> Paragraph:
        self.numbers[label] += 1
        return Paragraph(f"{label} {self.numbers[label]}: {_esc(title)}", self.s["caption"])

    def _section(self, section: Section, depth: int):
        self._heading(section.title, depth - 1)
        for para in paragraphs(section.summary):
            self._para(para)
        for finding in section.findings:
            ref = slide_reference(finding, self.evidence)
            self._para(finding.text + (f" ({ref})" if ref else ""))
        if section.figures:
            self._key_figures(section)
        for chart in charts_in_reading_order(section):
            self._chart(chart)
        for table in section.tables:
            self._display_table(table)

    def _key_figures(self, section: Section):
        cell, head = self.s["cell"], self.s["cell_head"]
        data = [[Paragraph(_esc(h), head) for h in KEY_FIGURE_HEADERS]]
        fills = []
        sources = source_notes(section.figures)
        for r, (fig, source_mark) in enumerate(zip(section.figures, sources.marks, strict=True), 1):
            row = key_figure_row(fig)
            fill = comparison_colour(row.comparison_key, row.comparison_confidence)
            ink = ParagraphStyle(
                f"cmp{r}", parent=cell, textColor=colors.HexColor(text_colour_on(fill))
            )
            values = row.cells(source_mark)
            data.append([Paragraph(_esc(v), ink if c == 5 else cell) for c, v in enumerate(values)])
            fills.append(("BACKGROUND", (5, r), (5, r), colors.HexColor(fill)))
        table = Table(data, colWidths=[w * cm for w in _KEY_FIGURE_WIDTHS], repeatRows=1)
        table.setStyle(TableStyle(_grid_style() + fills))
        self.story.append(self._caption("Table", f"Key figures: {section.title}"))
        self.story.append(table)
        notes = key_figure_notes(section.figures, sources)
        self.story.append(Paragraph(_esc(notes), self.s["small"]))

    def _chart(self, chart: Chart):
        png = static_png(chart, width_in=_TEXT_W / inch, dpi=_CHART_DPI, titled=False)
        image = _image(png, _TEXT_W, _MAX_IMAGE_H)
        block = [
            image,
            self._caption("Figure", chart.title),
            Paragraph(_esc(caption(chart)), self.s["small"]),
        ]
        if chart.alt_text:
            block.append(
                Paragraph(f"<i>Chart description:</i> {_esc(chart.alt_text)}", self.s["small"])
            )
        self.story.append(KeepTogether(block))

    def _display_table(self, table: DisplayTable):
        columns = list(table.data.columns)
        cell, head = self.s["cell"], self.s["cell_head"]
        data = [[Paragraph(_esc(c), head) for c in columns]]
        for row in table.data.itertuples(index=False):
            data.append([Paragraph(_esc(cell_text(v)), cell) for v in row])
        widths = [_TEXT_W / len(columns)] * len(columns)
        flow = Table(data, colWidths=widths, repeatRows=1)
        flow.setStyle(TableStyle(_grid_style()))
        self.story.append(self._caption("Table", table.title))
        self.story.append(flow)
        self.story.append(Paragraph(_esc(table_footnote(table)), self.s["small"]))

    def _recommendations(self):
        recs = self.a.recommendations
        if not recs:
            return
        self._heading("Recommendations", 0)
        cell, head = (
            self.s["card"],
            ParagraphStyle("RecHead", parent=self.s["card_label"], textColor=colors.white),
        )
        data = [[Paragraph("Number", head), Paragraph("Title", head)]]
        data += [[Paragraph(str(r.number), cell), Paragraph(_esc(r.title), cell)] for r in recs]
        table = Table(data, colWidths=[2.2 * cm, _TEXT_W - 2.2 * cm], repeatRows=1)
        table.setStyle(TableStyle(_grid_style()))
        self.story += [self._caption("Table", "List of recommendations"), table, Spacer(1, 8)]
        for rec in recs:
            self._heading(f"Recommendation {rec.number}: {rec.title}", 1)
            fields = card_fields(rec, self.evidence)
            rows = [
                [
                    Paragraph(_esc(label), self.s["card_label"]),
                    Paragraph(_esc(value), cell),
                ]
                for label, value in fields
            ]
            card = Table(rows, colWidths=[4 * cm, _TEXT_W - 4 * cm])
            card.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
                        ("BACKGROUND", (0, 0), (0, -1), _LABEL_FILL),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEABOVE", (0, 0), (-1, 0), 2, _ACCENT),
                    ]
                )
            )
            self.story += [card, Spacer(1, 10)]

    def _data_gaps(self):
        gaps = self.a.data_gaps
        if not gaps:
            return
        self._heading("Areas where data was lacking", 0)
        self._para(
            f"These indicators could not be reported, or could not be reported fully, for {self.a.area.name}."
        )
        cell, head = self.s["cell"], self.s["cell_head"]
        data = [[Paragraph(h, head) for h in ("Indicator", "Section", "Reason", "Detail")]]
        for g in gaps:
            values = (g.name, gap_section(g, self.titles), gap_reason(g), g.detail)
            data.append([Paragraph(_esc(v), cell) for v in values])
        table = Table(data, colWidths=[w * cm for w in (4.5, 3.2, 3.0, 6.3)], repeatRows=1)
        table.setStyle(TableStyle(_grid_style()))
        self.story += [self._caption("Table", "Data gaps"), table]

    def _appendix(self):
        self._heading("Appendix: data sources and methods", 0)
        if self.a.provenance:
            self._heading("Provenance of each figure", 1)
            cell, head = self.s["cell"], self.s["cell_head"]
            data = [[Paragraph(h, head) for h in PROVENANCE_HEADERS]]
            for e in self.a.provenance:
                data.append([Paragraph(_esc(v), cell) for v in provenance_cells(e)])
            table = Table(
                data, colWidths=[w * cm for w in (3.6, 1.7, 2.9, 1.8, 3.5, 1.2, 2.3)], repeatRows=1
            )
            table.setStyle(TableStyle(_grid_style()))
            self.story += [self._caption("Table", "Sources, retrieval dates and methods"), table]
        self._heading("Disclosure control", 1)
        self._para(self.a.disclosure or "No disclosure rule was recorded for this assessment.")
        self._para("Suppressed values are shown as * and are never published.")
        self._heading("Licence and attributions", 1)
        for text in self.a.attributions:
            self._para(text)
        if self.a.synthetic:
            self.story.append(Paragraph(_esc(SYNTHETIC_NOTICE), self.s["synthetic"]))


def _grid_style() -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, _GRID),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F8F8F8")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


def _image(png: bytes, max_w: float, max_h: float) -> Image:
    """A PNG scaled to fit the box with its aspect ratio kept."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        width, height = fit_picture(img.size, max_w, max_h)
    flow = Image(io.BytesIO(png), width=width, height=height)
    flow.hAlign = "CENTER"
    return flow
