"""Where Word will break the report's pages, estimated from the document's own layout.

python-docx writes a file but cannot lay it out, and Word builds a table of contents
only when asked to update its fields ("Right-click and choose Update Field"). So the
Word renderer fills the contents in itself, with page numbers from this estimate: the
report is set with fixed sizes (A4, 2 cm margins, Arial with exact line spacing, pictures
of known height, every chapter starting on a new page), so each block's height follows
from its text, wrapped with Arial's metrics (:mod:`dana.render.measure`), and the blocks
are poured into pages the way Word does: two paragraphs are as far apart as the larger
of the first's space after and the second's space before, keep-with-next headings move
with what follows, table rows do not split and the header row repeats, and a paragraph
leaves at least two lines on each page (widow and orphan control). Because chapters
start on new pages an error inside one chapter cannot shift the pages of the next
unless the chapter's own page count changes. LibreOffice's layout of the default build puts each of its 64
headings on the page the contents gives (checked 2026-12-04, LibreOffice 7.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dana.render import measure

PAGE_HEIGHT_PT = 29.7 / 2.54 * 72
TEXT_HEIGHT_PT = PAGE_HEIGHT_PT - 2 * (2.0 / 2.54 * 72)
TEXT_WIDTH_PT = (21.0 - 4.0) / 2.54 * 72
CELL_MARGIN_PT = 5.4  # Word's default left and right cell margin (0.19 cm)


@dataclass(frozen=True)
class TextStyle:
    """The fixed metrics of one paragraph style (points)."""

    size: float
    line: float  # exact line spacing
    before: float = 0.0
    after: float = 0.0
    bold: bool = False
    keep_with_next: bool = False

    @property
    def font(self) -> str:
        return "arial-bold" if self.bold else "arial"


@dataclass
class Block:
    """Something on the page: lines of a paragraph, a picture, or table rows."""

    heights: list[float]  # line (or row) heights, in order
    before: float = 0.0
    after: float = 0.0
    keep_with_next: bool = False
    splittable: bool = True  # False for pictures
    min_lines: int = 2  # widow/orphan control: lines kept together at a break
    repeat: float = 0.0  # a table's header row height, repeated on each new page
    anchor: str = ""  # a heading's anchor
    page_break_before: bool = False


@dataclass
class PageModel:
    """The blocks of a document, and the page each anchor lands on."""

    blocks: list[Block] = field(default_factory=list)

    def paragraph(
        self,
        text: str,
        style: TextStyle,
        width: float = TEXT_WIDTH_PT,
        *,
        anchor: str = "",
        page_break_before: bool = False,
    ) -> None:
        lines = sum(
            len(measure.wrap(p, style.size, width, style.font)) for p in (text or " ").split("\n")
        )
        self.blocks.append(
            Block([style.line] * max(lines, 1), style.before, style.after, style.keep_with_next, anchor=anchor, page_break_before=page_break_before)
        )  # fmt: skip

    def picture(
        self, height: float, *, before: float = 0.0, after: float = 0.0, keep_with_next: bool = True
    ) -> None:
        self.blocks.append(
            Block([height], before, after, keep_with_next, splittable=False, min_lines=1)
        )

    def table(
        self,
        rows,
        widths,
        style: TextStyle,
        *,
        header: bool = True,
        padding: float = 1.0,
        keep_together: bool = False,
        rules: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """``rows`` of cell texts (the first is the header when ``header``) in columns of
        ``widths`` points; each row as tall as its tallest cell, plus ``padding`` (the
        rule between rows included). ``rules`` is what the table's style adds: the rule
        over the table and how much heavier the rule under the header row is than the
        others (LibreOffice lays a grid table of the report out 1 pt and 1.25 pt taller)."""
        heights = []
        for r, row in enumerate(rows):
            cell_style = TextStyle(style.size, style.line, bold=header and r == 0)
            lines = [
                sum(len(measure.wrap(p, style.size, max(w - 2 * CELL_MARGIN_PT, style.size), cell_style.font)) for p in (str(t) or " ").split("\n"))
                for t, w in zip(row, widths, strict=True)
            ]  # fmt: skip
            heights.append(max(lines, default=1) * style.line + padding)
        # repeated on each later page as a plain row (LibreOffice sets no heavier rules)
        repeat = heights[0] if header and heights else 0.0
        top, under_header = rules
        if heights:  # the rules are part of the first row's height, not spacing
            heights[0] += top + (under_header if header else 0.0)
        self.blocks.append(
            Block(
                heights,
                splittable=not keep_together,
                min_lines=1,
                repeat=repeat,
            )
        )

    def space(self, points: float) -> None:
        self.blocks.append(Block([points], splittable=False, min_lines=1))

    def page_break(self) -> None:
        self.blocks.append(Block([], page_break_before=True))

    def pages(self, first_page: int = 1) -> dict[str, int]:
        """The page number of each anchored block, pouring blocks into pages."""
        out: dict[str, int] = {}
        page, used = first_page, 0.0
        after = 0.0  # the space after the block placed last
        i = 0
        blocks = self.blocks
        while i < len(blocks):
            block = blocks[i]
            if block.page_break_before and used > 0:
                page, used = page + 1, 0.0
            # a keep-with-next chain moves as one if its start does not fit
            chain = [block]
            j = i
            while blocks[j].keep_with_next and j + 1 < len(blocks):
                j += 1
                chain.append(blocks[j])
            if used > 0 and used + _lead_height(chain, after) > TEXT_HEIGHT_PT:
                page, used = page + 1, 0.0
            for b in chain:
                if b.page_break_before and used > 0 and b is not block:
                    page, used = page + 1, 0.0
                if b.anchor:
                    out[b.anchor] = page
                page, used = _pour(b, page, used, after)
                after = b.after
            i = j + 1
        return out


def _lead_height(chain: list[Block], after: float) -> float:
    """What must fit on the current page for a keep-with-next ``chain`` to start there:
    every block but the last whole and the last's first part (:func:`_first_part`),
    spaced as :func:`_pour` spaces them (``after``: the space after the block before)."""
    total = 0.0
    for block in chain:
        total += max(0.0, block.before - after)
        if block is chain[-1]:
            return total + _first_part(block)
        total += sum(block.heights) + block.after
        after = block.after
    return total


def _first_part(block: Block) -> float:
    """The lines (or rows) a block must start with, space before not counted."""
    if not block.splittable:
        return sum(block.heights)
    return sum(block.heights[: _lead(block)])


def _lead(block: Block) -> int:
    """How many of the block's lines (or rows) must start together: ``min_lines``, and a
    table's header row with its first rows (the header is the block's first row; it is
    repeated only on the pages after)."""
    return block.min_lines + (1 if block.repeat else 0)


def _pour(block: Block, page: int, used: float, after: float = 0.0) -> tuple[int, float]:
    """Place ``block`` from ``used`` points down ``page`` (``after``: the space after the
    block before it, already in ``used``); return where it ends."""
    if used > 0:
        # two paragraphs are as far apart as the larger of the space after the first and
        # the space before the second, not the two added (LibreOffice sets 8 pt after and
        # 6 pt before 8 pt apart, as Word does); space before is dropped at a page's top
        used += max(0.0, block.before - after)
    if not block.splittable:
        if used > 0 and used + sum(block.heights) > TEXT_HEIGHT_PT:
            page, used = page + 1, 0.0
        return page, used + sum(block.heights) + block.after
    heights = block.heights
    k = 0
    while k < len(heights):
        room = TEXT_HEIGHT_PT - used
        fit, total = 0, 0.0
        while k + fit < len(heights) and total + heights[k + fit] <= room + 1e-6:
            total += heights[k + fit]
            fit += 1
        left = len(heights) - k - fit
        if left and block.min_lines > 1 and 0 < left < block.min_lines:
            fit = max(0, fit - (block.min_lines - left))  # keep the last lines together
        if fit == 0 and used == 0:
            fit = 1  # taller than a page: it has to go somewhere
        if fit < len(heights) - k and fit < _lead(block) and used > 0 and k == 0:
            page, used = page + 1, 0.0  # the whole block moves on, header row and all
            continue
        used += sum(heights[k : k + fit])
        k += fit
        if k < len(heights):
            page, used = page + 1, block.repeat
    return page, used + block.after
