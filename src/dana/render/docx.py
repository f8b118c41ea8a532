"""Render an assessment as an editable Word document (python-docx).

Councils edit the output, so it is built from Word's own parts: built-in heading styles
(the navigation pane works), a contents page that is complete when the file is first
opened (a TOC field whose cached result is already every heading, hyperlinked to it,
with page numbers from :mod:`dana.render.docx_pages`; Word can still refresh it),
findings as ordinary paragraphs, key-figure and display tables with a repeating header
row and columns sized to their contents, charts as pictures with alt text
(``docPr/@descr``) and numbered captions (SEQ fields whose cached numbers match the
other formats), Coventry-style recommendation cards, data gaps, and an appendix with
provenance, licence attributions and the disclosure rule. The document language is
en-GB.

The parts follow :func:`dana.render.outline.document_outline`, like the PDF. Nothing here
computes a statistic: every value, limit, comparison and sentence comes from the
:class:`~dana.assess.model.Assessment`.
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dana.assess.model import Assessment, Chart, Section, Table
from dana.render.chart_data import caption
from dana.render.chart_pictures import ChartCache, pictures_for
from dana.render.content import (
    HOW_TO_READ,
    KEY_FIGURE_HEADERS,
    KEY_FIGURE_UNBROKEN,
    SYNTHETIC_NOTICE,
    charts_in_reading_order,
    disclosure_paragraphs,
    gap_reason,
    gap_section,
    introduction_paragraphs,
    key_figure_notes,
    key_figure_row,
    paragraphs,
    provenance_table,
    section_titles,
    source_notes,
    table_footnote,
    xml_safe,
)
from dana.render.docx_pages import TEXT_WIDTH_PT, PageModel, TextStyle
from dana.render.docx_parts import (
    STYLES,
    TOC_INDENT,
    add_field,
    bookmark,
    fill_contents,
    fix_widths,
    set_up_styles,
    shade,
    table_rows,
)
from dana.render.outline import (
    DATA_GAPS,
    PROVENANCE,
    RECOMMENDATIONS,
    document_outline,
    numbering,
)
from dana.render.slides import card_fields, evidence_slides, slide_reference
from dana.render.style import comparison_colour, comparison_text, text_colour_on
from dana.render.table_layout import column_widths, fitting_size
from dana.render.table_text import display_cells
from dana.render.writing import atomic_write, output_path
from dana.vocabulary import COMPARISON_LABELS

__all__ = ["render_docx"]

TABLE_STYLE = "Light Grid Accent 1"
CARD_STYLE = "Light List Accent 1"
_SYNTHETIC_RED = RGBColor(0xD4, 0x35, 0x1C)
_CELL = STYLES["DANA Table"]
#: A display table's type sizes, tried largest first (:func:`fitting_size`).
_CELL_SIZES = (_CELL.size, _CELL.size - 0.5, _CELL.size - 1)
_CONTENTS_GAP = 6  # points under the contents' heading
#: The grid style's rule over the table (1 pt) and the extra weight of the one under its
#: header row (2.25 pt against 1 pt), as LibreOffice lays them out (measured)
_GRID_RULES = (1.0, 1.25)
_PICTURE_GAP = 0.0  # the picture has its own white margin (LibreOffice adds none either)


def render_docx(
    assessment: Assessment, path: str | os.PathLike, *, charts: ChartCache | None = None
) -> Path:
    """Write ``assessment`` to ``path`` as a .docx and return the path.

    ``charts`` is the build's picture cache, shared with the other formats. The file is
    written to a temporary name in the same folder and renamed into place, so a failure
    never leaves a half-written document.
    """
    output_path(path)
    pictures = pictures_for(assessment, charts, "png")
    document = _DocxBuilder(assessment, pictures).build()
    return atomic_write(path, lambda tmp: document.save(str(tmp)))


class _DocxBuilder:
    def __init__(self, assessment: Assessment, pictures: ChartCache):
        self.a = assessment
        self.pictures = pictures
        self.doc = Document()
        self.pages = PageModel()
        self.evidence = evidence_slides(assessment)
        self.titles = section_titles(assessment)
        self.numbers = numbering(assessment)
        self.seq = {"Figure": 0, "Table": 0}
        self.bookmarks = 0

    def build(self):
        self._page_setup()
        self._properties()
        self._title_page()
        contents = self._contents_placeholder()
        outline = document_outline(self.a)
        for heading in outline:
            self._heading(heading)
            getattr(self, f"_{heading.kind}")(heading)
        # Contents: the title page is page 1, the contents start on page 2; the body
        # starts on the page after the contents' last line
        pages = self.pages.pages(first_page=2 + _contents_pages(outline))
        entries = [
            (h.level, xml_safe(h.title), _bookmark_name(h.anchor), pages.get(h.anchor, ""))
            for h in outline
        ]
        fill_contents(contents, entries)
        return self.doc

    # --- document furniture ---------------------------------------------------------------

    def _page_setup(self):
        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(sec, side, Cm(2.0))
        sec.header_distance = sec.footer_distance = Cm(1.0)
        set_up_styles(self.doc)
        # Style ids looked up once: python-docx's lookup by name is slow per paragraph.
        self.style_ids = {s.name: s.style_id for s in self.doc.styles if s.name in STYLES}
        self.table_style_ids: dict[str, str] = {}
        header = sec.header.paragraphs[0]
        header.style = self.doc.styles["Header"]
        header.add_run(xml_safe(self.a.title)).font.size = Pt(8)
        if self.a.synthetic:
            header.add_run("\t")
            badge = header.add_run("SYNTHETIC DATA")
            badge.bold, badge.font.size, badge.font.color.rgb = True, Pt(8), _SYNTHETIC_RED
        footer = sec.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        add_field(footer, "PAGE", "1")

    def _properties(self):
        props = self.doc.core_properties
        props.title = xml_safe(self.a.title)
        props.subject = f"Drug and alcohol needs assessment: {xml_safe(self.a.area.name)}"
        props.author = (
            xml_safe(self.a.author) or "DANA (Drugs and Alcohol Needs Assessment toolkit)"
        )
        props.language = "en-GB"
        props.keywords = "needs assessment; drugs; alcohol; JSNA" + (
            "; SYNTHETIC DATA" if self.a.synthetic else ""
        )

    def _title_page(self):
        # the title page and the contents are outside the page model (pages 1 and 2)
        self._para(self.a.title, "Title", page_model=False)
        self._para(self.a.area.name, "Subtitle", page_model=False)
        self._para(f"Period: {self.a.period}", page_model=False)
        produced = f"Produced: {self.a.generated}" + (
            f" by {self.a.author}" if self.a.author else ""
        )
        self._para(produced, page_model=False)
        if self.a.synthetic:
            notice = self.doc.add_paragraph()
            shade(notice._p.get_or_add_pPr(), "FDECEA")
            run = notice.add_run(SYNTHETIC_NOTICE)
            run.bold = True
            run.font.color.rgb = _SYNTHETIC_RED

    def _contents_placeholder(self):
        self._page_break()
        heading = self.doc.add_paragraph("Contents", style="Subtitle")
        heading.paragraph_format.space_after = Pt(_CONTENTS_GAP)
        return self.doc.add_paragraph()

    def _page_break(self):
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- blocks ------------------------------------------------------------------------------

    def _para(self, text: str, style: str = "Normal", *, page_model: bool = True):
        para = self.doc.add_paragraph(xml_safe(text))
        _set_style(para, self.style_ids[style])
        if page_model:
            self.pages.paragraph(xml_safe(text), STYLES[style])
        return para

    def _heading(self, heading):
        level = min(heading.level, 3)
        # add_heading would look the style up by name (every style read) for each heading
        para = self.doc.add_paragraph(xml_safe(heading.title))
        _set_style(para, self.style_ids[f"Heading {level}"])
        if heading.level == 1:
            para.paragraph_format.page_break_before = True  # every chapter on a new page
        self.bookmarks += 1
        bookmark(para, _bookmark_name(heading.anchor), self.bookmarks)
        self.pages.paragraph(
            xml_safe(heading.title),
            STYLES[f"Heading {level}"],
            anchor=heading.anchor,
            page_break_before=heading.level == 1,
        )

    def _caption(self, label: str, number: int, title: str):
        """``Figure 3: title`` with a SEQ field whose cached number is the report's own."""
        para = self.doc.add_paragraph()
        _set_style(para, self.style_ids["Caption"])
        para.add_run(f"{label} ")
        add_field(para, f"SEQ {label} \\* ARABIC", str(number))
        para.add_run(f": {xml_safe(title)}")
        self.pages.paragraph(f"{label} {number}: {xml_safe(title)}", STYLES["Caption"])

    def _table_style_id(self, name: str) -> str:
        """The id of the table style ``name``, looked up once (python-docx reads every
        style to find one by name, and again to compare it with the default)."""
        if name not in self.table_style_ids:
            self.table_style_ids[name] = self.doc.styles[name].style_id
        return self.table_style_ids[name]

    def _notes(self, text: str):
        if text:
            self._para(text, "DANA Note")

    def _table(
        self,
        headers,
        rows,
        *,
        style: str = TABLE_STYLE,
        header: bool = True,
        size: float = _CELL.size,
        widths=None,
        fills=None,
        bold_first_column=False,
        unbroken=(),
    ):
        """A table in a built-in style with content-sized columns; rows never split
        across pages and the header row repeats."""
        all_rows = ([list(headers)] if header else []) + [list(r) for r in rows]
        widths = widths or column_widths(
            all_rows, TEXT_WIDTH_PT, size=size, font="arial", padding=12, unbroken=unbroken
        )
        table = self.doc.add_table(rows=0, cols=len(widths))
        table._tbl.tblPr.style = self._table_style_id(style)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_look(table, header)
        fix_widths(table, widths)
        for row in table_rows(
            [[xml_safe(t) for t in r] for r in all_rows], widths, size=size,
            line=STYLES["DANA Table"].line * size / _CELL.size, style_id=_TABLE_STYLE_ID,
            header=header, fills=fills, ink=text_colour_on, bold_first_column=bold_first_column,
            keep_with_next=style == CARD_STYLE,
        ):  # fmt: skip
            table._tbl.append(row)
        line = STYLES["DANA Table"].line * size / _CELL.size
        self.pages.table(
            all_rows,
            widths,
            TextStyle(size, line),
            header=header,
            keep_together=style == CARD_STYLE,
            rules=_GRID_RULES if style == TABLE_STYLE else (0.0, 0.0),
        )
        return table

    # --- parts -------------------------------------------------------------------------------

    def _introduction(self, heading):
        for para in introduction_paragraphs(self.a):
            self._para(para)
        if self.a.synthetic:
            para = self._para(SYNTHETIC_NOTICE)
            for run in para.runs:
                run.bold, run.font.color.rgb = True, _SYNTHETIC_RED

    def _how_to_read(self, heading):
        self._para(HOW_TO_READ)
        keys = list(COMPARISON_LABELS)
        fills = {(0, c): comparison_colour(k) for c, k in enumerate(keys)}
        self._table(
            [comparison_text(k) for k in keys], [], header=True, fills=fills, style="Table Grid"
        )

    def _section(self, heading):
        section: Section = heading.section
        for para in paragraphs(section.summary):
            self._para(para)
        for finding in section.findings:
            ref = slide_reference(finding, self.evidence)
            self._para(finding.text + (f" ({ref})" if ref else ""))
        for chart in charts_in_reading_order(section):  # in the PDF's order
            self._chart(chart)
        if section.figures:
            self._key_figures(section)
        for table in section.tables:
            self._display_table(table)

    def _key_figures(self, section: Section):
        self._caption("Table", self.numbers.key_figures(section), f"Key figures: {section.title}")
        sources = source_notes(section.figures)
        rows, fills = [], {}
        for r, (fig, mark) in enumerate(zip(section.figures, sources.marks, strict=True), 1):
            row = key_figure_row(fig)
            rows.append(row.cells(mark))
            fills[(r, 5)] = comparison_colour(row.comparison_key, row.comparison_confidence)
        self._table(KEY_FIGURE_HEADERS, rows, fills=fills, unbroken=KEY_FIGURE_UNBROKEN)
        self._notes(key_figure_notes(section.figures, sources))

    def _chart(self, chart: Chart):
        picture = self.pictures.png(chart)
        width_pt, height_pt = picture.width_in * 72, picture.height_in * 72
        if width_pt > TEXT_WIDTH_PT:
            width_pt, height_pt = TEXT_WIDTH_PT, height_pt * TEXT_WIDTH_PT / width_pt
        para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.keep_with_next = True
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact spacing would crop the picture
        fmt.space_before = fmt.space_after = Pt(_PICTURE_GAP)
        shape = para.add_run().add_picture(
            io.BytesIO(picture.png), width=Pt(width_pt), height=Pt(height_pt)
        )
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", xml_safe(chart.alt_text))
        doc_pr.set("title", xml_safe(chart.title))
        self.pages.picture(height_pt + 2 * _PICTURE_GAP + 1)
        self._caption("Figure", self.numbers.figure(chart), chart.title)
        self._notes(caption(chart))

    def _display_table(self, table: Table):
        self._caption("Table", self.numbers.table(table), table.title)
        headers, rows, numeric = display_cells(table)
        # a smaller type before a broken word ("Breakdow-n" in a ten-column table)
        size = fitting_size(
            [headers, *rows], TEXT_WIDTH_PT, _CELL_SIZES, font="arial", padding=12,
            unbroken=numeric,
        )  # fmt: skip
        self._table(headers, rows, unbroken=numeric, size=size)
        self._notes(table_footnote(table))

    def _recommendations(self, heading):
        self._caption("Table", self.numbers.part(RECOMMENDATIONS), "List of recommendations")
        self._table(
            ("Number", "Title"), [(str(r.number), r.title) for r in self.a.recommendations], size=10
        )

    def _recommendation(self, heading):
        fields = card_fields(heading.recommendation, self.evidence)
        widths = (1.7 * 72, TEXT_WIDTH_PT - 1.7 * 72)
        self._table(
            (),
            fields,
            style=CARD_STYLE,
            header=False,
            size=10,
            widths=widths,
            bold_first_column=True,
        )

    def _appendix(self, heading):
        """The appendix heading introduces its parts (provenance, disclosure, licence)."""

    def _data_gaps(self, heading):
        self._para(
            f"These indicators could not be reported, or could not be reported fully, for {self.a.area.name}."
        )
        self._caption("Table", self.numbers.part(DATA_GAPS), "Data gaps")
        rows = [
            (g.name, gap_section(g, self.titles), gap_reason(g), g.detail) for g in self.a.data_gaps
        ]
        self._table(("Indicator", "Section", "Reason", "Detail"), rows, size=9)

    def _provenance(self, heading):
        prov = provenance_table(self.a.provenance)
        for label, text in prov.shared:
            self._para(f"{label} for every figure: {text}")
        self._caption(
            "Table", self.numbers.part(PROVENANCE), "Sources, retrieval dates and methods"
        )
        self._table(prov.headers, prov.rows)

    def _disclosure(self, heading):
        for para in disclosure_paragraphs(self.a):
            self._para(para)

    def _licence(self, heading):
        for text in self.a.attributions:
            self._para(text)


def _contents_pages(outline) -> int:
    """How many pages the contents fills: its heading and a line (or two, wrapped) per
    heading, each with its page number, poured into pages from page 2."""
    lines = PageModel()
    lines.paragraph("Contents", replace(STYLES["Subtitle"], after=_CONTENTS_GAP))
    for i, heading in enumerate(outline):
        name = f"TOC {min(heading.level, 3)}"
        width = TEXT_WIDTH_PT - TOC_INDENT.get(name, 0)
        lines.paragraph(f"{heading.title}    000", STYLES[name], width, anchor=f"toc.{i}")
    return max(lines.pages(first_page=2).values(), default=2) - 1


def _bookmark_name(anchor: str) -> str:
    """A Word bookmark name: letters, digits and underscores, at most 40 characters,
    starting "_Toc" like Word's own contents bookmarks."""
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in anchor)
    return ("_Toc_" + cleaned)[:40]


def _table_look(table, header: bool) -> None:
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    look.set(qn("w:val"), "04A0" if header else "0480")
    for attr, on in (
        ("firstRow", header),
        ("firstColumn", True),
        ("lastRow", False),
        ("lastColumn", False),
        ("noHBand", False),
        ("noVBand", True),
    ):
        look.set(qn(f"w:{attr}"), "1" if on else "0")


_TABLE_STYLE_ID = "DANATable"  # python-docx's id for the "DANA Table" style


def _set_style(paragraph, style_id: str) -> None:
    paragraph._p.get_or_add_pPr().style = style_id
