"""The PDF's page: styles, running header and footer, bookmarks, contents, and a build
whose layout passes skip the pictures.

reportlab lays the document out more than once so the contents page can show page
numbers. Only the last pass is kept, so the earlier ones (drafts) reserve each chart's
space without embedding its image, which was the slowest step of every pass.
"""

from __future__ import annotations

import io
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from dana.assess.model import Assessment
from dana.render import measure
from dana.render.style import ACCENT, GRID, LIGHT, MUTED, WARNING

PAGE_W, PAGE_H = A4
MARGIN = 2 * cm
TEXT_W = PAGE_W - 2 * MARGIN
ACCENT_C = colors.HexColor(ACCENT)
MUTED_C = colors.HexColor(MUTED)
RED_C = colors.HexColor(WARNING)
GRID_C = colors.HexColor(GRID)
LABEL_FILL = colors.HexColor(LIGHT)
_HEADER_PT = 8
_BADGE = "SYNTHETIC DATA"


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    font = measure.register_dejavu()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "Body", parent=base["BodyText"], fontName=font, fontSize=10, leading=13.5, spaceAfter=6
    )
    return {
        "title": ParagraphStyle("DocTitle", parent=body, fontName=f"{font}-Bold", fontSize=26, leading=32, textColor=ACCENT_C, spaceAfter=12),
        "subtitle": ParagraphStyle("DocSubtitle", parent=body, fontSize=16, leading=20, textColor=MUTED_C, spaceAfter=8),
        "h1": ParagraphStyle("Heading1", parent=body, fontName=f"{font}-Bold", fontSize=17, leading=21, textColor=ACCENT_C, spaceBefore=14, spaceAfter=8, keepWithNext=True),
        "h2": ParagraphStyle("Heading2", parent=body, fontName=f"{font}-Bold", fontSize=13.5, leading=17, textColor=ACCENT_C, spaceBefore=10, spaceAfter=6, keepWithNext=True),
        "h3": ParagraphStyle("Heading3", parent=body, fontName=f"{font}-Bold", fontSize=11.5, leading=15, textColor=colors.black, spaceBefore=8, spaceAfter=4, keepWithNext=True),
        "body": body,
        "small": ParagraphStyle("Small", parent=body, fontSize=8, leading=10, textColor=MUTED_C, spaceAfter=8),
        "caption": ParagraphStyle("Caption", parent=body, fontName=f"{font}-Bold", fontSize=9, leading=11.5, textColor=ACCENT_C, spaceBefore=4, spaceAfter=3, keepWithNext=True),
        "table_caption": ParagraphStyle("TableCaption", parent=body, fontName=f"{font}-Bold", fontSize=9, leading=11.5, textColor=ACCENT_C, spaceBefore=4, spaceAfter=3),
        "cell": ParagraphStyle("Cell", parent=body, fontSize=7.5, leading=9, spaceAfter=0),
        "cell_num": ParagraphStyle("CellNum", parent=body, fontSize=7.5, leading=9, spaceAfter=0, alignment=2),
        "cell_head": ParagraphStyle("CellHead", parent=body, fontName=f"{font}-Bold", fontSize=7.5, leading=9, spaceAfter=0, textColor=colors.white),
        "card": ParagraphStyle("Card", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
        "card_label": ParagraphStyle("CardLabel", parent=body, fontName=f"{font}-Bold", fontSize=9.5, leading=12, spaceAfter=0),
        "synthetic": ParagraphStyle("Synthetic", parent=body, fontName=f"{font}-Bold", textColor=RED_C, backColor=colors.HexColor("#FDECEA"), borderPadding=6, spaceBefore=10, spaceAfter=12),
        "toc1": ParagraphStyle("TOC1", parent=body, fontSize=10.5, leading=14, leftIndent=0, spaceAfter=1),
        "toc2": ParagraphStyle("TOC2", parent=body, fontSize=9.5, leading=12.5, leftIndent=14, spaceAfter=0),
        "toc3": ParagraphStyle("TOC3", parent=body, fontSize=9, leading=12, leftIndent=28, spaceAfter=0),
    }  # fmt: skip


class Heading(Paragraph):
    """A heading paragraph that becomes a bookmark, an outline entry and a contents line."""

    def __init__(self, text: str, markup: str, level: int, style: ParagraphStyle, key: str):
        super().__init__(markup, style)
        self.plain_text = text
        self.markup = markup
        self.level = level
        self.key = key


class ChartImage(Flowable):
    """A chart picture at a fixed size; in a draft pass it only reserves its space."""

    def __init__(self, png: bytes, width: float, height: float):
        super().__init__()
        self.png, self.width, self.height = png, width, height
        self.hAlign = "CENTER"

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        if getattr(self.canv, "_dana_draft", False):
            return
        self.canv.drawImage(ImageReader(io.BytesIO(self.png)), 0, 0, self.width, self.height)


def running_title(assessment: Assessment) -> str:
    """The header text: the title, or a shorter one when it would run into the
    SYNTHETIC DATA badge (a long council name used to print over it)."""
    room = TEXT_W - (
        measure.text_width(_BADGE, _HEADER_PT, "sans-bold") + 12 if assessment.synthetic else 0
    )
    for text in (
        assessment.title,
        f"Drug and alcohol needs assessment: {assessment.area.name}",
        assessment.area.name,
    ):
        if measure.text_width(text, _HEADER_PT, "sans") <= room:
            return text
    return assessment.area.name


class ReportTemplate(BaseDocTemplate):
    def __init__(self, filename, assessment: Assessment):
        super().__init__(
            filename,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=assessment.title,
            author=assessment.author or "DANA (Drugs and Alcohol Needs Assessment toolkit)",
            subject=f"Drug and alcohol needs assessment: {assessment.area.name}",
            creator="DANA",
            keywords=["needs assessment", "drugs", "alcohol"]
            + (["SYNTHETIC DATA"] if assessment.synthetic else []),
            lang="en-GB",
            displayDocTitle=True,
        )
        self.assessment = assessment
        self.header = running_title(assessment)
        self.draft = False
        frame = Frame(MARGIN, MARGIN, TEXT_W, PAGE_H - 2 * MARGIN, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def _furniture(self, canvas, doc):
        canvas.saveState()
        font = measure.register_dejavu()
        canvas.setFont(font, _HEADER_PT)
        canvas.setFillColor(MUTED_C)
        canvas.drawString(MARGIN, PAGE_H - 1.2 * cm, self.header)
        if self.assessment.synthetic:
            canvas.setFillColor(RED_C)
            canvas.setFont(f"{font}-Bold", _HEADER_PT)
            canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 1.2 * cm, _BADGE)
        canvas.setFillColor(MUTED_C)
        canvas.setFont(font, _HEADER_PT)
        canvas.drawCentredString(PAGE_W / 2, 1.1 * cm, f"Page {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(
                flowable.plain_text, flowable.key, level=flowable.level, closed=False
            )
            self.notify("TOCEntry", (flowable.level, flowable.markup, self.page, flowable.key))

    def beforeDocument(self):
        self.canv.showOutline()  # open the bookmarks pane
        self.canv._dana_draft = self.draft


def build(doc: ReportTemplate, make_story) -> None:
    """Lay the report out once as a draft (into memory, pictures not embedded) to learn
    the page of every heading, then once for real into the file, with the contents
    filled in. Chapters start on new pages after the contents page, so the filled-in
    contents moves nothing as long as it fits the page the empty one had; when it does
    not, one more draft with it in place gives the final page numbers.

    ``make_story()`` returns ``(story, contents)``: fresh flowables (platypus flowables
    keep state from a layout, so no pass reuses another's) and their TableOfContents."""
    entries: list = []
    for _ in range(3):
        story, contents = make_story()
        contents._lastEntries = list(entries)
        contents.clearEntries()
        doc._indexingFlowables = [contents]  # TOCEntry notices go to it (as multiBuild sets up)
        doc.draft = True
        target, doc.filename = doc.filename, io.BytesIO()
        try:
            doc.build(story)
        finally:
            doc.filename = target
        found = list(contents._entries)
        if found == entries or _contents_fit_one_page(contents, found, doc.canv):
            entries = found
            break
        entries = found
    final, final_contents = make_story()
    final_contents._lastEntries = entries
    doc._indexingFlowables = [final_contents]
    doc.draft = False
    doc.build(final)


def _contents_fit_one_page(contents, entries, canvas) -> bool:
    """Whether the contents with ``entries`` fits under its heading on one page."""
    saved = contents._lastEntries
    contents._lastEntries = entries
    contents.canv = canvas
    try:
        _, height = contents.wrap(TEXT_W, PAGE_H - 2 * MARGIN)
    finally:
        contents._lastEntries = saved
    return height <= PAGE_H - 2 * MARGIN - 40  # the "Contents" heading above it
