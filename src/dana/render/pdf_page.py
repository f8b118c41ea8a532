"""The PDF's page: styles, running header and footer, bookmarks, contents, floating
charts, and a build laid out once.

The contents page shows each heading's page though it comes before them: each entry's
dot leader and page number is a PDF form (an XObject) that the entry refers to where
it ends, and that is filled in when the document ends and every page is known (see
:class:`Contents` and :func:`build`). A page number therefore never changes the
layout, and the report is laid out once, not once to learn the pages and again to
print them.

A chart (with its caption) is a :class:`Float`: kept whole, and when it does not fit
the rest of a page, the text and tables after it move up to fill that page and the chart
follows them at the top of the next one, as a typeset report places figures (rather
than leaving the rest of the page blank).
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Callable
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import TableOfContents

from dana.assess.model import Assessment
from dana.render import measure
from dana.render.pdf_image import draw_png
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
        "lead": ParagraphStyle("Lead", parent=body, keepWithNext=True),
        "small": ParagraphStyle("Small", parent=body, fontSize=8, leading=10, textColor=MUTED_C, spaceAfter=8),
        "caption": ParagraphStyle("Caption", parent=body, fontName=f"{font}-Bold", fontSize=9, leading=11.5, textColor=ACCENT_C, spaceBefore=4, spaceAfter=3, keepWithNext=True),
        "table_caption": ParagraphStyle("TableCaption", parent=body, fontName=f"{font}-Bold", fontSize=9, leading=11.5, textColor=ACCENT_C, spaceBefore=4, spaceAfter=3),
        "cell": ParagraphStyle("Cell", parent=body, fontSize=7.5, leading=9, spaceAfter=0),
        "cell_num": ParagraphStyle("CellNum", parent=body, fontSize=7.5, leading=9, spaceAfter=0, alignment=2),
        "cell_head": ParagraphStyle("CellHead", parent=body, fontName=f"{font}-Bold", fontSize=7.5, leading=9, spaceAfter=0, textColor=colors.white),
        "card": ParagraphStyle("Card", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
        "card_label": ParagraphStyle("CardLabel", parent=body, fontName=f"{font}-Bold", fontSize=9.5, leading=12, spaceAfter=0),
        "synthetic": ParagraphStyle("Synthetic", parent=body, fontName=f"{font}-Bold", textColor=RED_C, backColor=colors.HexColor("#FDECEA"), borderPadding=6, spaceBefore=10, spaceAfter=12),
        "toc1": ParagraphStyle("TOC1", parent=body, fontSize=10.5, leading=13, leftIndent=0, spaceBefore=3, spaceAfter=0),
        "toc2": ParagraphStyle("TOC2", parent=body, fontSize=9.5, leading=12, leftIndent=14, spaceBefore=0, spaceAfter=0),
        "toc3": ParagraphStyle("TOC3", parent=body, fontSize=9, leading=11.5, leftIndent=28, spaceBefore=0, spaceAfter=0),
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
    """A chart picture at a fixed size.

    ``fetch()`` returns ``(png, width, height)``, and is called when the layout first
    reaches the chart: while the first pages are laid out, the chart workers are still
    drawing the later charts (the story is made before any picture is needed)."""

    def __init__(self, fetch: Callable[[], tuple[bytes, float, float]]):
        super().__init__()
        self._fetch = fetch
        self._picture: tuple[bytes, float, float] | None = None
        self.hAlign = "CENTER"

    def _got(self) -> tuple[bytes, float, float]:
        if self._picture is None:
            self._picture = self._fetch()
            _, self.width, self.height = self._picture
        return self._picture

    def wrap(self, available_width, available_height):
        _, width, height = self._got()
        return width, height

    def draw(self):
        png, width, height = self._got()
        draw_png(self.canv, png, 0, 0, width, height)


class Float(KeepTogether):
    """A chart with its caption and notes: kept whole, and floated past the text after it
    when it does not fit the rest of the page (see the module docstring)."""


#: What may move up past a float: body text and tables, never a heading or another float.
_FILLERS = (Paragraph, Table, Spacer, CondPageBreak)


def _filler(flowable) -> bool:
    return isinstance(flowable, _FILLERS) and not isinstance(flowable, Heading)


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

    def filterFlowables(self, flowables):
        """Before a float that does not fit the rest of the page, place the next piece of
        text or table first (it may split to fill the page); repeated until the float
        fits or nothing may move past it (a heading, another float, the section end)."""
        if not flowables or not isinstance(flowables[0], Float) or len(flowables) < 2:
            return
        frame = self.frame
        if frame._atTop or not _filler(flowables[1]):
            return
        room = frame._y - frame._y1p - flowables[0].getSpaceBefore()
        _, height = flowables[0].wrapOn(self.canv, frame._getAvailableWidth(), frame._height)
        if height > room:
            flowables[0], flowables[1] = flowables[1], flowables[0]

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(
                flowable.plain_text, flowable.key, level=flowable.level, closed=False
            )
            self.notify("TOCEntry", (flowable.level, flowable.markup, self.page, flowable.key))

    def beforeDocument(self):
        self.canv.showOutline()  # open the bookmarks pane


class Contents(TableOfContents):
    """The contents, laid out with the headings listed up front and no page numbers:
    where an entry ends it refers to a form, ``contents-<n>``, that draws its dot leader
    and page number. :meth:`fill` draws the forms once the pages are known (reportlab
    allows a form to be defined after the pages that use it, up to the document's end)."""

    def __init__(self):
        super().__init__()
        self._ends: dict[str, tuple] = {}  # form -> (key, level, x, y, available width)
        self._forms: dict[object, str] = {}  # heading key -> form

    def wrap(self, availWidth, availHeight):
        size = super().wrap(availWidth, availHeight)  # registers reportlab's entry end

        def entry_end(canvas, _kind, label):
            _page, level, key = label.split(",")
            key = literal_eval(key)
            form = self._forms.setdefault(key, f"contents-{len(self._forms)}")
            info = canvas._curr_tx_info  # where the entry's text ends (reportlab sets it)
            self._ends[form] = (key, int(level), info["cur_x"], info["cur_y"], availWidth)
            canvas.doForm(form)

        self.canv.setNamedCB("drawTOCEntryEnd", entry_end)
        return size

    def fill(self, canvas) -> None:
        """Draw every entry's form with the page its heading was placed on."""
        pages = {key: page for _level, _text, page, key in self._entries}
        for form, (key, level, x, y, width) in self._ends.items():
            canvas.beginForm(form, -PAGE_W, -PAGE_H, 2 * PAGE_W, 2 * PAGE_H)
            if key in pages:  # a heading never placed gets no number (see build)
                self._draw_page_number(canvas, level, str(pages[key]), x, y, width)
            canvas.endForm()

    def _draw_page_number(self, canvas, level, page, x, y, width) -> None:
        # as reportlab's drawPageNumbers: right-aligned, the gap filled with dots, the
        # number shrunk in steps of a tenth if it does not fit
        style = self.getLevelStyle(level)
        size = style.fontSize
        while stringWidth(page, style.fontName, size) > width - x and size >= 1.0:
            size *= 0.9
        page_w = stringWidth(page, style.fontName, size)
        dot = " . " if 0 <= self.dotsMinLevel <= level else ""
        dot_w = stringWidth(dot, style.fontName, size) if dot else 0
        dots = int((width - x - page_w) / dot_w) if dot_w else 0
        text = canvas.beginText(width - dots * dot_w - page_w, y)
        text.setFont(style.fontName, size)
        text.setFillColor(style.textColor)
        text.textLine(dots * dot + page)
        canvas.drawText(text)


class _FillingCanvas(Canvas):
    """A canvas that draws the contents' forms just before it saves the document."""

    contents: Contents | None = None

    def save(self):
        if self.contents is not None:
            self.contents.fill(self)
        super().save()


def build(doc: ReportTemplate, make_story) -> None:
    """Lay the report out into the file once, the contents listing every heading of the
    story and filled in with their pages at the end (:class:`Contents`).

    ``make_story()`` returns ``(story, contents)``: fresh flowables and their
    :class:`Contents`. Should the layout place headings the story did not list (DANA's
    stories list every one), it runs again with the headings it found, at most twice
    more (platypus flowables keep state from a layout, so no pass reuses another's)."""
    entries: list | None = None
    for _ in range(3):
        story, contents = make_story()
        if entries is None:
            entries = _heading_entries(story)
        contents._lastEntries = list(entries)
        contents.clearEntries()
        doc._indexingFlowables = [contents]  # TOCEntry notices go to it (as multiBuild sets up)

        def canvas(*args, contents=contents, **kwargs):
            made = _FillingCanvas(*args, **kwargs)
            made.contents = contents
            return made

        doc.build(story, canvasmaker=canvas)
        found = list(contents._entries)
        if _without_pages(found) == _without_pages(entries):
            return
        entries = found


def _without_pages(entries) -> list:
    """Contents entries (level, text, page, key) without their pages: all that lays
    the contents out."""
    return [(level, text, key) for level, text, _page, key in entries]


def _heading_entries(flowables) -> list:
    """A contents entry (level, text, page 0, key) for every heading of the story, as
    :meth:`ReportTemplate.afterFlowable` will notify them, in order."""
    found = []
    for flowable in flowables:
        if isinstance(flowable, Heading):
            found.append((flowable.level, flowable.markup, 0, flowable.key))
        elif isinstance(flowable, KeepTogether):
            found += _heading_entries(flowable._content)
    return found
