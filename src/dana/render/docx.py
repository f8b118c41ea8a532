"""Render an assessment as an editable Word document (python-docx).

Councils edit the output, so it is built from Word's own parts: built-in heading styles
(Heading 1-3, so the navigation pane and the table of contents work), a TOC field that
Word fills in when the document is opened, findings as ordinary paragraphs, key-figure
and display tables in a built-in table style with a repeating header row, charts as PNG
pictures with alt text (``docPr/@descr``) and numbered captions (SEQ fields, so "Insert
Table of Figures" works), Coventry-style recommendation cards, data gaps, and an appendix
with provenance, licence attributions and the disclosure rule.

Nothing here computes a statistic: every value, limit, comparison and sentence comes
from the :class:`~dana.assess.model.Assessment`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor

from dana.assess.model import Assessment, Chart, Section, Table
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
    xml_safe,
)
from dana.render._format import comparison_colour, text_colour_on
from dana.render.charts import caption, static_png

__all__ = ["render_docx"]

TABLE_STYLE = "Light Grid Accent 1"
CARD_STYLE = "Light List Accent 1"
_TEXT_WIDTH_IN = 6.69  # A4 with 2 cm margins
_MAX_PICTURE_HEIGHT_IN = 8.0
_CHART_DPI = 150  # same picture as the PDF (same width and dpi), so it is drawn once
# Wide enough that no word breaks mid-word at 8 pt ("calculated", "significant", "Source").
_KEY_FIGURE_WIDTHS_IN = (1.4, 0.6, 0.78, 0.82, 0.74, 0.9, 0.82, 0.63)
_SYNTHETIC_RED = RGBColor(0xD4, 0x35, 0x1C)


def render_docx(assessment: Assessment, path: str | os.PathLike) -> Path:
    """Write ``assessment`` to ``path`` as a .docx and return the path.

    The file is written to a temporary name in the same folder and renamed into place,
    so a failure never leaves a half-written document.
    """
    output_path(path)
    document = _DocxBuilder(assessment).build()
    return atomic_write(path, lambda tmp: document.save(str(tmp)))


class _DocxBuilder:
    def __init__(self, assessment: Assessment):
        self.a = assessment
        self.doc = Document()
        self.evidence = evidence_slides(assessment)
        self.titles = section_titles(assessment)
        self.caption_numbers: dict[str, int] = {}

    def build(self):
        self._page_setup()
        self._properties()
        self._title_page()
        self._contents()
        self._introduction()
        for section, depth in walk_sections(self.a):
            self._section(section, depth)
        self._recommendations()
        self._data_gaps()
        self._appendix()
        return self.doc

    # --- document furniture ---------------------------------------------------------------

    def _page_setup(self):
        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(sec, side, Cm(2.0))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        header = sec.header.paragraphs[0]
        header.text = xml_safe(self.a.title) + ("  |  SYNTHETIC DATA" if self.a.synthetic else "")
        header.style = self.doc.styles["Header"]
        footer = sec.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _add_field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES", "1")
        # Ask Word to refresh the TOC and page fields when the file is opened.
        _request_field_update(self.doc.settings.element)

    def _properties(self):
        props = self.doc.core_properties
        props.title = xml_safe(self.a.title)
        props.subject = f"Drug and alcohol needs assessment: {xml_safe(self.a.area.name)}"
        props.author = "DANA (Drugs and Alcohol Needs Assessment toolkit)"
        props.keywords = "needs assessment; drugs; alcohol; JSNA" + (
            "; SYNTHETIC DATA" if self.a.synthetic else ""
        )

    def _title_page(self):
        self.doc.add_paragraph(xml_safe(self.a.title), style="Title")
        subtitle = self.doc.add_paragraph(style="Subtitle")
        subtitle.add_run(xml_safe(self.a.area.name))
        self.doc.add_paragraph(f"Period: {xml_safe(self.a.period)}")
        self.doc.add_paragraph(f"Produced: {xml_safe(self.a.generated)}")
        if self.a.synthetic:
            notice = self.doc.add_paragraph()
            _shade(notice, "FDECEA")
            run = notice.add_run(SYNTHETIC_NOTICE)
            run.bold = True
            run.font.color.rgb = _SYNTHETIC_RED
        self._page_break()

    def _contents(self):
        heading = self.doc.add_paragraph("Contents", style="Subtitle")
        heading.paragraph_format.space_after = Pt(6)
        toc = self.doc.add_paragraph()
        _add_field(
            toc,
            'TOC \\o "1-3" \\h \\z \\u',
            "Right-click and choose Update Field to build the table of contents.",
        )
        self._page_break()

    def _introduction(self):
        self.doc.add_heading("Introduction", level=1)
        for para in paragraphs(self.a.introduction):
            self.doc.add_paragraph(xml_safe(para))
        self.doc.add_paragraph(xml_safe(comparator_sentence(self.a)))
        self.doc.add_paragraph(
            "References such as “(slide 7)” point to the slide in the accompanying slide "
            "pack, produced from the same assessment, where the evidence is shown."
        )
        if self.a.disclosure:
            self.doc.add_paragraph(f"Small numbers: {xml_safe(self.a.disclosure)}")
        if self.a.synthetic:
            para = self.doc.add_paragraph()
            run = para.add_run(SYNTHETIC_NOTICE)
            run.bold = True
            run.font.color.rgb = _SYNTHETIC_RED

    # --- sections ---------------------------------------------------------------------------

    def _section(self, section: Section, depth: int):
        self.doc.add_heading(xml_safe(section.title), level=min(depth, 3))
        for para in paragraphs(section.summary):
            self.doc.add_paragraph(xml_safe(para))
        for finding in section.findings:
            ref = slide_reference(finding, self.evidence)
            self.doc.add_paragraph(xml_safe(finding.text) + (f" ({ref})" if ref else ""))
        if section.figures:
            self._key_figures(section)
        for chart in charts_in_reading_order(section):
            self._chart(chart)
        for table in section.tables:
            self._display_table(table)

    def _key_figures(self, section: Section):
        self._caption("Table", f"Key figures: {section.title}")
        rows = [key_figure_row(f) for f in section.figures]
        sources = source_notes(section.figures)
        table = self._table(len(rows) + 1, len(KEY_FIGURE_HEADERS))
        self._header_row(table, KEY_FIGURE_HEADERS)
        for r, (row, source_mark) in enumerate(zip(rows, sources.marks, strict=True), 1):
            cells = table.rows[r].cells
            values = row.cells(source_mark)
            for c, value in enumerate(values):
                _set_cell(cells[c], value, font_pt=8)
            fill = comparison_colour(row.comparison_key, row.comparison_confidence)
            _shade_cell(cells[5], fill.lstrip("#"))
            for run in cells[5].paragraphs[0].runs:
                run.font.color.rgb = RGBColor.from_string(text_colour_on(fill).lstrip("#"))
        _set_widths(table, _KEY_FIGURE_WIDTHS_IN)
        self._notes(key_figure_notes(section.figures, sources))

    def _chart(self, chart: Chart):
        png = static_png(chart, width_in=_TEXT_WIDTH_IN, dpi=_CHART_DPI, titled=False)
        width, height = fit_picture(_png_pixels(png), _TEXT_WIDTH_IN, _MAX_PICTURE_HEIGHT_IN)
        para = self.doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True
        shape = para.add_run().add_picture(
            io.BytesIO(png), width=Inches(width), height=Inches(height)
        )
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", xml_safe(chart.alt_text))
        doc_pr.set("title", xml_safe(chart.title))
        self._caption("Figure", chart.title)
        self._notes(caption(chart))

    def _display_table(self, table: Table):
        self._caption("Table", table.title)
        data = table.data
        columns = [xml_safe(c) for c in data.columns]
        font = 9 if len(columns) <= 5 else 8 if len(columns) <= 8 else 7
        docx_table = self._table(len(data) + 1, len(columns))
        self._header_row(docx_table, columns, font_pt=font)
        for r, row in enumerate(data.itertuples(index=False), 1):
            for c, value in enumerate(row):
                _set_cell(docx_table.rows[r].cells[c], cell_text(value), font_pt=font)
        _set_widths(docx_table, [_TEXT_WIDTH_IN / len(columns)] * len(columns))
        self._notes(table_footnote(table))

    # --- recommendations, gaps, appendix ------------------------------------------------------

    def _recommendations(self):
        recs = self.a.recommendations
        if not recs:
            return
        self.doc.add_heading("Recommendations", level=1)
        self._caption("Table", "List of recommendations")
        table = self._table(len(recs) + 1, 2)
        self._header_row(table, ("Number", "Title"), font_pt=10)
        for r, rec in enumerate(recs, 1):
            _set_cell(table.rows[r].cells[0], str(rec.number), font_pt=10)
            _set_cell(table.rows[r].cells[1], xml_safe(rec.title), font_pt=10)
        _set_widths(table, (0.9, _TEXT_WIDTH_IN - 0.9))
        for rec in recs:
            self.doc.add_heading(f"Recommendation {rec.number}: {xml_safe(rec.title)}", level=2)
            fields = card_fields(rec, self.evidence)
            card = self._table(len(fields), 2, style=CARD_STYLE, header=False)
            for r, (label, value) in enumerate(fields):
                _set_cell(card.rows[r].cells[0], label, font_pt=10, bold=True)
                _set_cell(card.rows[r].cells[1], value, font_pt=10)
            _set_widths(card, (1.7, _TEXT_WIDTH_IN - 1.7))
            _keep_together(card)
            self.doc.add_paragraph()

    def _data_gaps(self):
        gaps = self.a.data_gaps
        if not gaps:
            return
        self.doc.add_heading("Areas where data was lacking", level=1)
        self.doc.add_paragraph(
            "These indicators could not be reported, or could not be reported fully, for "
            f"{xml_safe(self.a.area.name)}."
        )
        self._caption("Table", "Data gaps")
        table = self._table(len(gaps) + 1, 4)
        self._header_row(table, ("Indicator", "Section", "Reason", "Detail"), font_pt=9)
        for r, gap in enumerate(gaps, 1):
            values = (
                gap.name,
                gap_section(gap, self.titles),
                gap_reason(gap),
                gap.detail,
            )
            for c, value in enumerate(values):
                _set_cell(table.rows[r].cells[c], xml_safe(value), font_pt=9)
        _set_widths(table, (1.9, 1.3, 1.2, _TEXT_WIDTH_IN - 4.4))

    def _appendix(self):
        self.doc.add_heading("Appendix: data sources and methods", level=1)
        entries = self.a.provenance
        if entries:
            self.doc.add_heading("Provenance of each figure", level=2)
            self._caption("Table", "Sources, retrieval dates and methods")
            table = self._table(len(entries) + 1, len(PROVENANCE_HEADERS))
            self._header_row(table, PROVENANCE_HEADERS, font_pt=8)
            for r, e in enumerate(entries, 1):
                for c, value in enumerate(provenance_cells(e)):
                    _set_cell(table.rows[r].cells[c], xml_safe(value), font_pt=8)
            _set_widths(table, (1.45, 0.7, 1.1, 0.8, 1.37, 0.5, 0.77))
        self.doc.add_heading("Disclosure control", level=2)
        self.doc.add_paragraph(
            xml_safe(self.a.disclosure) or "No disclosure rule was recorded for this assessment."
        )
        self.doc.add_paragraph("Suppressed values are shown as * and are never published.")
        self.doc.add_heading("Licence and attributions", level=2)
        for text in self.a.attributions:
            self.doc.add_paragraph(xml_safe(text))

    # --- helpers -------------------------------------------------------------------------------

    def _page_break(self):
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _caption(self, label: str, title: str):
        """``Figure 3: title`` with a SEQ field, in Word's Caption style."""
        para = self.doc.add_paragraph(style="Caption")
        # A table's caption stays with the table; a figure's with the notes under it.
        para.paragraph_format.keep_with_next = True
        para.add_run(f"{label} ")
        self.caption_numbers[label] = self.caption_numbers.get(label, 0) + 1
        _add_field(para, f"SEQ {label} \\* ARABIC", str(self.caption_numbers[label]))
        para.add_run(f": {xml_safe(title)}")

    def _notes(self, text: str):
        if not text:
            return
        para = self.doc.add_paragraph()
        run = para.add_run(xml_safe(text))
        run.font.size = Pt(8)
        run.italic = True

    def _table(self, rows: int, cols: int, *, style: str = TABLE_STYLE, header: bool = True):
        """A table in a built-in style; rows never split across pages.

        The first column is emphasised; ``header=False`` (recommendation cards) turns off
        the header-row styling.
        """
        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = self.doc.styles[style]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is None:
            look = OxmlElement("w:tblLook")
            table._tbl.tblPr.append(look)
        look.set(qn("w:val"), "04A0" if header else "0480")  # the same flags, as a bitmask
        for attr, on in (
            ("firstRow", header),
            ("firstColumn", True),
            ("lastRow", False),
            ("lastColumn", False),
            ("noHBand", False),
            ("noVBand", True),
        ):
            look.set(qn(f"w:{attr}"), "1" if on else "0")
        for row in table.rows:
            cant_split = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().append(cant_split)
        return table

    def _header_row(self, table, headers, *, font_pt: float = 8):
        row = table.rows[0]
        tr_pr = row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # repeat the header row on each page
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(row.cells, headers, strict=True):
            _set_cell(cell, text, font_pt=font_pt, bold=True)


# Elements that follow w:updateFields in CT_Settings; Word rejects out-of-order settings.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)  # fmt: skip


def _request_field_update(settings):
    """``<w:updateFields w:val="true"/>``, in schema order, so Word fills the TOC on open."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    for name in _AFTER_UPDATE_FIELDS:
        following = settings.find(qn(f"w:{name}"))
        if following is not None:
            following.addprevious(update)
            return
    settings.append(update)


def _set_cell(cell, text: str, *, font_pt: float, bold: bool = False):
    cell.text = ""
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.font.size = Pt(font_pt)
    if bold:
        run.bold = True


def _keep_together(table):
    """Keep a short table (a recommendation card) on one page: every row's paragraphs
    keep with the next row, as Word's own "keep with next" on table rows works."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for para in cell.paragraphs:
                para.paragraph_format.keep_with_next = True


def _set_widths(table, widths_in):
    """Fixed column widths: Word reads the cell widths, LibreOffice the grid and table width."""
    for column, width in zip(table.columns, widths_in, strict=True):
        column.width = Inches(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_in, strict=True):
            cell.width = Inches(width)
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths_in) * 1440)))


def _shade(paragraph, fill_hex: str):
    _append_shading(paragraph._p.get_or_add_pPr(), fill_hex)


def _shade_cell(cell, fill_hex: str):
    _append_shading(cell._tc.get_or_add_tcPr(), fill_hex)


def _append_shading(properties, fill_hex: str):
    """A plain ``w:shd`` fill on a paragraph's or cell's properties."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill_hex)
    properties.append(shd)


def _add_field(paragraph, instruction: str, placeholder: str):
    """A complex field (begin / instruction / separate / result / end) Word can update."""

    def fld(kind):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        run._r.append(el)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def _png_pixels(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return img.size
