"""A section's slides: its content cut into panels and the panels paired two to a slide.

A section's content, in reading order, becomes **panels**: its key figures as a compact
table (or, for a section of findings without figures, its text), flowed into pages that
each fit half a slide; its charts, one per panel, the small-multiples chart first; its
display tables, flowed the same way. Consecutive panels that fit half a slide share one
(key figures beside their trends, two charts side by side, a table beside a table); a
panel that needs the whole width has a slide of its own. So a section of eight
indicators is one slide, not eight, and nothing is cut: a long table or text continues
in the next panel, with its header row repeated.

The findings behind a slide's figures go in its speaker notes (the report prints them in
full); the figures themselves are all on the slide, in words and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dana.assess.model import Chart, Figure, Section, Table
from dana.render import measure
from dana.render.content import (
    charts_in_reading_order,
    key_figure_row,
    paragraphs,
    unlinked_findings,
)
from dana.render.slide_text import PAD_X, Page, fit_size, flow, text_height
from dana.render.style import comparison_colour
from dana.render.table_layout import column_widths
from dana.render.table_text import display_cells

SLIDE_WIDTH_IN = 13.333
SLIDE_HEIGHT_IN = 7.5
MARGIN = 0.5
CONTENT_WIDTH = SLIDE_WIDTH_IN - 2 * MARGIN
GAP = 0.33  # between the two panels of a slide
HALF_WIDTH = (CONTENT_WIDTH - GAP) / 2
BODY_TOP = 1.5
BODY_BOTTOM = SLIDE_HEIGHT_IN - 0.85  # the footer sits below
STRIP = (CONTENT_WIDTH, 0.85, 16, 12)  # the section's one-line summary: box and sizes
CAPTION = (11, 9)  # a chart panel's "Figure N: title", largest and smallest size
TEXT_SIZES = (18, 12)
TABLE_SIZES = (14, 10)
KEY_HEADERS = ("Indicator", "Value", "England", "Compared with England", "Recent trend")


@dataclass(frozen=True)
class Panel:
    """Half a slide (or all of it): a chart, a page of text, or a page of a table."""

    kind: str  # "chart", "text", "figures" (key figures), "table"
    chart: Chart | None = None
    page: Page | None = None
    table: Table | None = None
    figures: tuple[Figure, ...] = ()  # the key-figure rows shown
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    fills: tuple[tuple[tuple[int, int], str], ...] = ()  # ((row, col), colour) of cells
    font_pt: float = 0.0
    half: bool = True  # fits half a slide
    part: int = 1
    parts: int = 1
    column_widths: tuple[float, ...] = ()  # inches, for the width the table was flowed at

    def widths(self, width: float) -> tuple[float, ...]:
        """Column widths (inches) of a table panel drawn ``width`` wide (a half-slide
        panel alone on its slide is drawn wider, its columns in proportion)."""
        total = sum(self.column_widths)
        return tuple(w * width / total for w in self.column_widths)


def table_widths(headers, rows, width: float, size: float) -> list[float]:
    """Column widths (inches, summing to ``width``) in which no word of the table breaks
    at ``size`` (:func:`dana.render.table_layout.column_widths`, measured a little large
    because the slide's text wraps at 95% of a cell: see :mod:`dana.render.slide_text`)."""
    points = column_widths(
        [list(headers), *map(list, rows)], width * 72, size=size / 0.95, font="arial",
        padding=2 * PAD_X * 72 + 1,
    )  # fmt: skip
    return [w / 72 for w in points]


def natural_width(headers, rows, size: float = 12) -> float:
    """The width (inches) a table needs at ``size`` with every cell on one line (cells
    of more than a few words may wrap: a text column never takes more than 4 inches)."""
    total = 0.0
    for c, header in enumerate(headers):
        cells = [header, *(r[c] for r in rows)]
        widest = max(measure.text_width(str(t), size, "arial") for t in cells) / 72
        total += min(widest / 0.95 + 2 * PAD_X, 4.0)
    return total


def rows_height(headers, rows, widths, size) -> float:
    """Height in inches of a header and rows at ``size`` in columns ``widths``."""

    def height(row, bold):
        return (
            max(text_height(str(t), size, w, bold=bold) for t, w in zip(row, widths, strict=True))
            + 0.05
        )

    return height(headers, True) + sum(height(r, False) for r in rows)


def table_pages(headers, rows, width: float, available: float, sizes=TABLE_SIZES):
    """``(size, widths, pages)``: the largest size at which all rows fit ``available``
    inches in a table ``width`` wide (columns sized to their words at that size), else
    the smallest size and the rows split into pages that each fit (the header row
    repeats on each)."""
    size = sizes[0]
    while size >= sizes[1]:
        widths = table_widths(headers, rows, width, size)
        if rows_height(headers, rows, widths, size) <= available:
            return size, widths, [list(rows)]
        size -= 0.5
    size = sizes[1]
    widths = table_widths(headers, rows, width, size)
    pages: list[list] = [[]]
    for row in rows:
        if pages[-1] and rows_height(headers, [*pages[-1], row], widths, size) > available:
            pages.append([])
        pages[-1].append(row)
    return size, widths, pages


def strip_page(section: Section) -> Page | None:
    """The section's summary as one strip above its panels, when it fits one."""
    if not section.summary or not (section.figures or not section.findings):
        return None
    width, height, big, small = STRIP
    size = fit_size(section.summary, width, height, big, small)
    return None if size is None else Page((section.summary,), size)


def body_height(strip: Page | None) -> float:
    """Height left for panels under the strip (the same on every slide of a section, so
    a table flowed once fits each of them)."""
    top = BODY_TOP + (text_height(strip.text, strip.size, STRIP[0]) + 0.1 if strip else 0.0)
    return BODY_BOTTOM - top


def _key_figure_panels(figures, width: float, available: float) -> list[Panel]:
    rows, fills = [], []
    for r, fig in enumerate(figures, 1):
        row = key_figure_row(fig)
        rows.append((fig.name, row.value, row.england, row.comparison, row.trend))
        fills.append(((r, 3), comparison_colour(row.comparison_key, row.comparison_confidence)))
    size, widths, pages = table_pages(KEY_HEADERS, rows, width, available)
    panels, start = [], 0
    for number, page in enumerate(pages, 1):
        shown = figures[start : start + len(page)]
        page_fills = tuple(
            ((r - start, c), f) for (r, c), f in fills if start < r <= start + len(page)
        )
        panels.append(
            Panel(
                "figures",
                figures=tuple(shown),
                headers=KEY_HEADERS,
                rows=tuple(page),
                fills=page_fills,
                font_pt=size,
                part=number,
                parts=len(pages),
                column_widths=tuple(widths),
            )  # fmt: skip
        )
        start += len(page)
    return panels


def _text_panels(texts: list[str], width: float, available: float, half: bool) -> list[Panel]:
    pages = flow(texts, width, available, *TEXT_SIZES, space_after=6)
    return [
        Panel("text", page=p, half=half, part=i, parts=len(pages)) for i, p in enumerate(pages, 1)
    ]


def _table_panels(table: Table, available: float) -> list[Panel]:
    headers, rows, _ = display_cells(table)
    half = natural_width(headers, rows) <= HALF_WIDTH
    width = HALF_WIDTH if half else CONTENT_WIDTH
    caption = caption_height(f"Table 99: {table.title} (1 of 2)", width)[1]
    size, widths, pages = table_pages(headers, rows, width, available - caption)
    return [
        Panel("table", table=table, headers=tuple(headers), rows=tuple(map(tuple, page)),
              font_pt=size, half=half, part=i, parts=len(pages), column_widths=tuple(widths))
        for i, page in enumerate(pages, 1)
    ]  # fmt: skip


def section_panels(section: Section, available: float) -> list[Panel]:
    """The section's panels in reading order (see the module docstring): the pages of its
    key figures (or text) alternating with its charts, so each page sits beside a chart,
    then its display tables."""
    charts = charts_in_reading_order(section)
    charts.sort(key=lambda c: c.kind != "small_trends")  # the trends beside the figures
    pictures = [Panel("chart", chart=c) for c in charts]
    tables = [panel for table in section.tables for panel in _table_panels(table, available)]
    if section.figures:
        primary = _key_figure_panels(section.figures, HALF_WIDTH, available)
        if len(primary) > 1:  # too long for half a slide: the whole width, if it fits better
            whole = _key_figure_panels(section.figures, CONTENT_WIDTH, available)
            if len(whole) < len(primary):
                primary = [replace(p, half=False) for p in whole]
    else:
        texts = [] if strip_page(section) else paragraphs(section.summary)
        texts += [f"\u2022 {f.text}" for f in unlinked_findings(section)]
        half = bool(pictures or tables)
        width = HALF_WIDTH if half else CONTENT_WIDTH
        primary = _text_panels(texts, width, available, half) if texts else []
    ordered: list[Panel] = []
    for i in range(max(len(primary), len(pictures))):
        ordered += primary[i : i + 1] + pictures[i : i + 1]
    if not ordered and not tables and section.summary:  # a chapter with only its summary
        return _text_panels(paragraphs(section.summary), CONTENT_WIDTH, available, False)
    return ordered + tables


def pair(panels: list[Panel]) -> list[tuple[Panel, ...]]:
    """Consecutive half-slide panels two to a slide; a whole-width panel alone."""
    slides: list[tuple[Panel, ...]] = []
    i = 0
    while i < len(panels):
        first = panels[i]
        if first.half and i + 1 < len(panels) and panels[i + 1].half:
            slides.append((first, panels[i + 1]))
            i += 2
        else:
            slides.append((first,))
            i += 1
    return slides


def caption_height(text: str, width: float) -> tuple[float, float]:
    """``(size, height)`` of a chart panel's caption: at most two lines."""
    big, small = CAPTION
    size = fit_size(text, width, 0.5, big, small, bold=True) or small
    return size, min(text_height(text, size, width, bold=True), 0.75)
