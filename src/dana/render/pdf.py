"""Render an assessment as a readable PDF report (reportlab platypus).

The same content as the Word report, part by part from
:func:`dana.render.outline.document_outline`: title page, contents, introduction with how
to read the report, sections with findings (each pointing at its slide in the pack),
key-figure tables, charts with numbered captions and a written description, display
tables, Coventry-style recommendation cards, data gaps and an appendix (provenance,
disclosure control, licences). Headings become PDF bookmarks and contents entries; every
page is numbered; the title, author, subject and language are set in the PDF.

Table columns are sized from their contents (:mod:`dana.render.table_layout`) so no
number is broken across lines. reportlab's ``Paragraph`` reads a mini-markup, so free
text goes through :func:`_esc`. Fonts are DejaVu Sans, embedded so the comparison
symbols (▲ ▼ ● △ ▽ ○) print. Nothing here computes a statistic.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from dana.assess.model import Assessment, Chart, Section
from dana.assess.model import Table as DisplayTable
from dana.render import measure
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
)
from dana.render.outline import (
    DATA_GAPS,
    INTRODUCTION,
    PROVENANCE,
    RECOMMENDATIONS,
    document_outline,
    numbering,
)
from dana.render.pdf_page import (
    ACCENT_C,
    GRID_C,
    LABEL_FILL,
    TEXT_W,
    ChartImage,
    Contents,
    Float,
    Heading,
    ReportTemplate,
    build,
    styles,
)
from dana.render.slides import card_fields, evidence_slides, slide_reference
from dana.render.style import comparison_colour, comparison_text, text_colour_on
from dana.render.table_layout import column_widths, fitting_size
from dana.render.table_text import display_cells
from dana.render.writing import atomic_write, output_path
from dana.vocabulary import COMPARISON_LABELS

__all__ = ["render_pdf"]

_MAX_IMAGE_H = 20 * 28.35  # points: a 16-area bar chart prints at full size
_HEADER_FILL = ACCENT_C
_CELL_PT = 7.5
#: A display table's type sizes, tried largest first (:func:`fitting_size`).
_CELL_SIZES = (_CELL_PT, 7.0, 6.5)
_NUMERIC = {"Value", "95% CI", "England"}


def render_pdf(
    assessment: Assessment, path: str | os.PathLike, *, charts: ChartCache | None = None
) -> Path:
    """Write ``assessment`` to ``path`` as a PDF and return the path.

    ``charts`` is the build's picture cache, shared with the other formats. Written to
    a temporary file in the same folder and renamed into place, so a failure never
    leaves a half-written file.
    """
    output_path(path)
    pictures = pictures_for(assessment, charts, "png")

    cells: dict = {}  # each display table's text and column widths, shared by every pass

    def make_story():
        story = _PdfStory(assessment, pictures, cells)
        return story.build(), story.contents

    def write(tmp: Path):
        doc = ReportTemplate(str(tmp), assessment)
        # Binary (Flate-only) streams: reportlab's pure-Python ASCII85 encoding of every
        # image and font was slow and made the file larger.
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            build(doc, make_story)
        finally:
            rl_config.useA85 = saved

    return atomic_write(path, write)


def _at_size(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """``style`` at ``size`` points (its leading scaled with it)."""
    if size == style.fontSize:
        return style
    return _sized(style, size)


@lru_cache(maxsize=32)
def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    leading = style.leading * size / style.fontSize
    return ParagraphStyle(f"{style.name}@{size}", parent=style, fontSize=size, leading=leading)


def _esc(text: object) -> str:
    """Free text made safe for reportlab's Paragraph mini-markup, its line breaks kept (a
    recommendation's list of points, one a line)."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


def _grid_style() -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID_C),
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F8F8F8")]),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


class _PdfStory:
    def __init__(self, assessment: Assessment, pictures: ChartCache, cells: dict | None = None):
        self.a = assessment
        self.cells = {} if cells is None else cells
        self.s = styles()
        self.pictures = pictures
        self.story: list = []
        self.evidence = evidence_slides(assessment)
        self.titles = section_titles(assessment)
        self.numbers = numbering(assessment)

    def build(self) -> list:
        self._title_page()
        self._contents()
        for heading in document_outline(self.a):
            if heading.level == 1 and heading.kind != INTRODUCTION:
                self.story.append(PageBreak())
            self._heading(heading)
            getattr(self, f"_{heading.kind}")(heading)
        return self.story

    # --- furniture ---------------------------------------------------------------------------

    def _title_page(self):
        add = self.story.append
        add(Spacer(1, 110))
        add(Paragraph(_esc(self.a.title), self.s["title"]))
        add(Paragraph(_esc(self.a.area.name), self.s["subtitle"]))
        add(Paragraph(f"Period: {_esc(self.a.period)}", self.s["body"]))
        produced = f"Produced: {_esc(self.a.generated)}" + (
            f" by {_esc(self.a.author)}" if self.a.author else ""
        )
        add(Paragraph(produced, self.s["body"]))
        if self.a.synthetic:
            add(Paragraph(_esc(SYNTHETIC_NOTICE), self.s["synthetic"]))
        add(PageBreak())

    def _contents(self):
        self.story.append(Paragraph("Contents", self.s["h1"]))
        self.contents = Contents()
        self.contents.levelStyles = [self.s["toc1"], self.s["toc2"], self.s["toc3"]]
        # reportlab pads every contents line as a table cell; tight lines keep it one page
        self.contents.tableStyle = TableStyle(
            [(side, (0, 0), (-1, -1), 0.6) for side in ("TOPPADDING", "BOTTOMPADDING")]
            + [(side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING")]
        )
        self.contents.dotsMinLevel = 0
        self.story.append(self.contents)
        self.story.append(PageBreak())

    def _heading(self, heading):
        level = heading.level - 1
        style = self.s[f"h{min(level, 2) + 1}"]
        self.story.append(
            Heading(heading.title, _esc(heading.title), min(level, 2), style, key=heading.anchor)
        )

    def _para(self, text: str, style: str = "body"):
        self.story.append(Paragraph(_esc(text), self.s[style]))

    def _caption(self, label: str, number: int, title: str) -> Paragraph:
        return Paragraph(f"{label} {number}: {_esc(title)}", self.s["caption"])

    def _table_caption(self, number: int, title: str) -> list:
        """A table's caption, on a new page when fewer than a few rows would follow it
        (keeping it with a long table moved the whole table on, leaving a blank page)."""
        return [
            CondPageBreak(110),
            Paragraph(f"Table {number}: {_esc(title)}", self.s["table_caption"]),
        ]

    def _table(
        self,
        headers,
        rows,
        *,
        numeric=(),
        fills=(),
        inks=None,
        size=_CELL_PT,
        unbroken=(),
        widths: list[float] | None = None,
    ) -> Table:
        """A grid table with a repeating header row, columns sized to their contents;
        ``inks`` gives a text colour to some cells ({(row, column): "#RRGGBB"}).

        A cell whose text fits its column on one line is a plain string, set by the
        table's own font commands; only cells that wrap are Paragraphs (parsing and
        wrapping thousands of one-line Paragraphs was most of the PDF's time)."""
        cell, num, head = (_at_size(self.s[k], size) for k in ("cell", "cell_num", "cell_head"))
        inks = inks or {}
        if widths is None:
            widths = self._widths(headers, rows, size=size, unbroken=unbroken)
        font = cell.fontName
        commands = [
            ("FONT", (0, 0), (-1, -1), font, size, cell.leading),
            ("FONT", (0, 0), (-1, 0), head.fontName, size, head.leading),
            ("TEXTCOLOR", (0, 0), (-1, 0), head.textColor),
            *(("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric),
            *(("TEXTCOLOR", (c, r), (c, r), colors.HexColor(ink)) for (r, c), ink in inks.items()),
        ]

        def fits(text: str, c: int, face: str) -> bool:
            return "\n" not in text and measure.text_width(text, size, face) <= widths[c] - 8.5

        data = [
            [
                h if fits(h, c, "sans-bold") else Paragraph(_esc(h), head)
                for c, h in enumerate(headers)
            ]
        ]
        for r, row in enumerate(rows, 1):
            line = []
            for c, value in enumerate(row):
                text = str(value)
                if fits(text, c, "sans"):
                    line.append(text)
                    continue
                style = num if c in numeric else cell
                if (r, c) in inks:
                    style = ParagraphStyle(
                        f"ink{inks[(r, c)]}", parent=style, textColor=colors.HexColor(inks[(r, c)])
                    )
                line.append(Paragraph(_esc(text), style))
            data.append(line)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(_grid_style() + commands + list(fills)))
        return table

    # --- parts -------------------------------------------------------------------------------

    def _introduction(self, heading):
        for para in introduction_paragraphs(self.a):
            self._para(para)

    def _how_to_read(self, heading):
        self._para(HOW_TO_READ)
        cells, fills = [], []
        for i, key in enumerate(COMPARISON_LABELS):
            fill = comparison_colour(key)
            ink = ParagraphStyle(
                f"legend{i}", parent=self.s["cell"], textColor=colors.HexColor(text_colour_on(fill))
            )
            cells.append(Paragraph(_esc(comparison_text(key)), ink))
            fills.append(("BACKGROUND", (i, 0), (i, 0), colors.HexColor(fill)))
        legend = Table([cells], colWidths=[TEXT_W / len(cells)] * len(cells))
        legend.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), *fills]))
        self.story += [legend, Spacer(1, 8)]

    def _section(self, heading):
        section: Section = heading.section
        for para in paragraphs(section.summary):
            self._para(para, "lead")  # kept with what follows: no heading left at a page foot
        for finding in section.findings:
            ref = slide_reference(finding, self.evidence)
            self._para(finding.text + (f" ({ref})" if ref else ""))
        # charts before the key figures: a chart that does not fit the rest of a page
        # floats past the table, which fills the page instead (pdf_page.Float)
        for chart in charts_in_reading_order(section):
            self._chart(chart)
        if section.figures:
            self._key_figures(section)
        for table in section.tables:
            self._display_table(table)

    def _key_figures(self, section: Section):
        rows, fills, inks = [], [], {}
        sources = source_notes(section.figures)
        for r, (fig, mark) in enumerate(zip(section.figures, sources.marks, strict=True), 1):
            row = key_figure_row(fig)
            rows.append(row.cells(mark))
            fill = comparison_colour(row.comparison_key, row.comparison_confidence)
            fills.append(("BACKGROUND", (5, r), (5, r), colors.HexColor(fill)))
            inks[(r, 5)] = text_colour_on(fill)
        numeric = {i for i, h in enumerate(KEY_FIGURE_HEADERS) if h in _NUMERIC}
        table = self._table(
            KEY_FIGURE_HEADERS,
            rows,
            numeric=numeric,
            fills=fills,
            inks=inks,
            unbroken=KEY_FIGURE_UNBROKEN,
        )
        number = self.numbers.key_figures(section)
        self.story += self._table_caption(number, f"Key figures: {section.title}")
        self.story.append(table)
        self.story.append(
            Paragraph(_esc(key_figure_notes(section.figures, sources)), self.s["small"])
        )

    def _chart(self, chart: Chart):
        pictures = self.pictures

        def fetch():  # when the layout reaches the chart (ChartImage)
            picture = pictures.png(chart)
            width, height = picture.width_in * 72, picture.height_in * 72
            if width > TEXT_W or height > _MAX_IMAGE_H:
                scale = min(TEXT_W / width, _MAX_IMAGE_H / height)
                width, height = width * scale, height * scale
            return picture.png, width, height

        block = [
            ChartImage(fetch),
            self._caption("Figure", self.numbers.figure(chart), chart.title),
            Paragraph(_esc(caption(chart)), self.s["small"]),
        ]
        if chart.alt_text:
            block.append(
                Paragraph(f"<i>Chart description:</i> {_esc(chart.alt_text)}", self.s["small"])
            )
        self.story.append(Float(block))

    @staticmethod
    def _widths(headers, rows, *, size=_CELL_PT, unbroken=()) -> list[float]:
        return column_widths([headers, *rows], TEXT_W, size=size, padding=9, unbroken=unbroken)

    def _display_table(self, table: DisplayTable):
        # the layout passes each build a fresh story; a table's text and widths are the
        # same in every pass, so they are worked out once (the model is not changed while
        # it is rendered; the entry keeps the table, so its id is never reused)
        if id(table) not in self.cells:
            headers, rows, numeric = display_cells(table)
            # a smaller type before a broken word ("Breakdow-n" in a ten-column table)
            size = fitting_size([headers, *rows], TEXT_W, _CELL_SIZES, padding=9, unbroken=numeric)
            widths = self._widths(headers, rows, size=size, unbroken=numeric)
            self.cells[id(table)] = (table, headers, rows, numeric, widths, size)
        _, headers, rows, numeric, widths, size = self.cells[id(table)]
        self.story += self._table_caption(self.numbers.table(table), table.title)
        self.story.append(
            self._table(headers, rows, numeric=numeric, unbroken=numeric, widths=widths, size=size)
        )
        self.story.append(Paragraph(_esc(table_footnote(table)), self.s["small"]))

    def _recommendations(self, heading):
        rows = [[str(r.number), r.title] for r in self.a.recommendations]
        self.story += [
            *self._table_caption(self.numbers.part(RECOMMENDATIONS), "List of recommendations"),
            self._table(("Number", "Title"), rows, size=9),
            Spacer(1, 8),
        ]

    def _recommendation(self, heading):
        rec = heading.recommendation
        cell, label = self.s["card"], self.s["card_label"]
        rows = [
            [Paragraph(_esc(k), label), Paragraph(_esc(v), cell)]
            for k, v in card_fields(rec, self.evidence)
        ]
        card = Table(rows, colWidths=[4 * 28.35, TEXT_W - 4 * 28.35])
        card.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, GRID_C),
                    ("BACKGROUND", (0, 0), (0, -1), LABEL_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT_C),
                ]
            )
        )
        self.story += [card, Spacer(1, 10)]

    def _appendix(self, heading):
        """The appendix heading introduces its parts (provenance, disclosure, licence)."""

    def _data_gaps(self, heading):
        self._para(
            f"These indicators could not be reported, or could not be reported fully, for {self.a.area.name}."
        )
        rows = [
            (g.name, gap_section(g, self.titles), gap_reason(g), g.detail) for g in self.a.data_gaps
        ]
        self.story += [
            *self._table_caption(self.numbers.part(DATA_GAPS), "Data gaps"),
            self._table(("Indicator", "Section", "Reason", "Detail"), rows),
        ]

    def _provenance(self, heading):
        prov = provenance_table(self.a.provenance)
        for label, text in prov.shared:
            self.story.append(
                Paragraph(f"<b>{_esc(label)} for every figure:</b> {_esc(text)}", self.s["body"])
            )
        self.story += [
            *self._table_caption(
                self.numbers.part(PROVENANCE), "Sources, retrieval dates and methods"
            ),
            self._table(prov.headers, prov.rows),
        ]

    def _disclosure(self, heading):
        for para in disclosure_paragraphs(self.a):
            self._para(para)

    def _licence(self, heading):
        for text in self.a.attributions:
            self._para(text)
        if self.a.synthetic:
            self.story.append(Paragraph(_esc(SYNTHETIC_NOTICE), self.s["synthetic"]))
