"""Text on slides that fits its box, or flows on to the next slide.

python-pptx cannot measure text, so the slide pack measures it here with Arial's metrics
(:mod:`dana.render.measure`) before it is placed: :func:`fit_size` picks the largest font
size that holds a text in a box; :func:`flow` splits text that cannot fit even at the
smallest size into pages, each of which fits, so nothing is ever cut off. Boxes keep a
small safety margin because PowerPoint and LibreOffice wrap a little differently.
"""

from __future__ import annotations

from dataclasses import dataclass

from dana.render import measure

PAD_X = 0.1  # inches, left and right inset of every text frame
PAD_Y = 0.05
LINE = 1.2  # line height as a multiple of the font size
_SAFETY = 0.95  # wrap at 95% of the width: PowerPoint's line breaks differ slightly
_STEP = 0.5


def _font(bold: bool) -> str:
    return "arial-bold" if bold else "arial"


def text_height(
    text: str, size: float, width_in: float, *, bold: bool = False, space_after: float = 0.0
) -> float:
    """Height in inches of ``text`` (newlines = paragraphs) in a box ``width_in`` wide."""
    usable = max((width_in - 2 * PAD_X) * 72 * _SAFETY, size)
    paragraphs = text.split("\n")
    lines = sum(measure.line_count(p, size, usable, _font(bold)) for p in paragraphs)
    points = lines * size * LINE + space_after * (len(paragraphs) - 1)
    return points / 72 + 2 * PAD_Y


def fit_size(
    text: str,
    width_in: float,
    height_in: float,
    max_pt: float,
    min_pt: float,
    *,
    bold: bool = False,
    space_after: float = 0.0,
) -> float | None:
    """The largest size (in 0.5 pt steps from ``max_pt`` down to ``min_pt``) at which
    ``text`` fits the box, or None when it does not fit even at ``min_pt``."""
    size = max_pt
    while size >= min_pt - 1e-9:
        if text_height(text, size, width_in, bold=bold, space_after=space_after) <= height_in:
            return size
        size -= _STEP
    return None


@dataclass(frozen=True)
class Page:
    """One slide's share of a flowed text: its paragraphs and the size they fit at."""

    paragraphs: tuple[str, ...]
    size: float

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _split_paragraph(
    words: list[str], width_in: float, height_in: float, size: float, bold: bool
) -> tuple[str, list[str]]:
    """The most leading words of a paragraph that fit the box, and the rest."""
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_height(" ".join(words[:mid]), size, width_in, bold=bold) <= height_in:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo]), words[lo:]


def _fill(paragraphs, width_in, height_in, size, bold, space_after) -> list[list[str]]:
    """Paragraphs poured into pages at ``size``; a paragraph too long for a page is broken
    between words."""
    pages: list[list[str]] = [[]]
    queue = list(paragraphs)
    while queue:
        para = queue.pop(0)
        trial = "\n".join([*pages[-1], para])
        if text_height(trial, size, width_in, bold=bold, space_after=space_after) <= height_in:
            pages[-1].append(para)
            continue
        if pages[-1]:
            pages.append([])
            queue.insert(0, para)
            continue
        head, rest = _split_paragraph(para.split(" "), width_in, height_in, size, bold)
        pages[-1].append(head)
        pages.append([])
        if rest:
            queue.insert(0, " ".join(rest))
    return [p for p in pages if p]


def flow(
    paragraphs,
    width_in: float,
    height_in: float,
    max_pt: float,
    min_pt: float,
    *,
    bold: bool = False,
    space_after: float = 0.0,
) -> list[Page]:
    """``paragraphs`` on as few pages as fit: one page at the largest size that holds
    them all; otherwise as many pages as the text needs at ``min_pt``, filled at the
    largest size that still needs no more pages (so the pages share one, readable size
    rather than a crammed first page and a sparse last one)."""
    paragraphs = [p for p in paragraphs if p]
    whole = "\n".join(paragraphs)
    size = fit_size(whole, width_in, height_in, max_pt, min_pt, bold=bold, space_after=space_after)
    if size is not None or not paragraphs:
        return [Page(tuple(paragraphs), size or max_pt)]
    count = len(_fill(paragraphs, width_in, height_in, min_pt, bold, space_after))
    size = max_pt
    while size > min_pt:
        pages = _fill(paragraphs, width_in, height_in, size, bold, space_after)
        if len(pages) <= count:
            return [Page(tuple(p), size) for p in pages]
        size -= _STEP
    return [
        Page(tuple(p), min_pt)
        for p in _fill(paragraphs, width_in, height_in, min_pt, bold, space_after)
    ]
