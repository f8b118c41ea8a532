"""Column widths for a table from what is in it, so no number or word is broken.

The automatic layout browsers use for tables: every column is at least as wide as its
widest unbreakable word (a number such as "57,171,453" is one word), and the width left
over goes to the columns whose text would otherwise wrap, in proportion to how much
wider they would like to be. Used by the PDF and Word reports; widths are in points.
"""

from __future__ import annotations

from dana.render import measure


def column_widths(
    rows,
    total: float,
    *,
    size: float,
    font: str = "sans",
    padding: float = 8.0,
    bold_first_row: bool = True,
    unbroken=(),
) -> list[float]:
    """Widths (points, summing to ``total``) for ``rows`` of cell texts (header first);
    the body cells of the ``unbroken`` columns (e.g. "6.1 to 12.1") stay on one line."""
    narrow, wide = _extents(rows, size, font, padding, bold_first_row, unbroken)
    columns = len(narrow)
    if not columns:
        return []
    if sum(wide) <= total:
        spare = total - sum(wide)
        return [w + spare * w / sum(wide) for w in wide]
    if sum(narrow) >= total:  # words must break: never a number, only words of text
        fixed = sum(narrow[c] for c in range(columns) if c in unbroken)
        rest = sum(narrow) - fixed
        if not unbroken or fixed >= total or rest <= 0:
            return [total * n / sum(narrow) for n in narrow]
        share = (total - fixed) / rest
        return [narrow[c] if c in unbroken else narrow[c] * share for c in range(columns)]
    spare = total - sum(narrow)
    want = [w - n for w, n in zip(wide, narrow, strict=True)]
    return [n + spare * x / sum(want) for n, x in zip(narrow, want, strict=True)]


def fitting_size(
    rows,
    total: float,
    sizes,
    *,
    font: str = "sans",
    padding: float = 8.0,
    bold_first_row: bool = True,
    unbroken=(),
) -> float:
    """The largest of ``sizes`` (points, largest first) at which every column can be as
    wide as its widest word, so text wraps between words and no word is broken (a
    ten-column table of the default build broke "Breakdown" and "Female" at 7.5 points);
    the smallest when none is."""
    for size in sizes:
        narrow, _ = _extents(rows, size, font, padding, bold_first_row, unbroken)
        if sum(narrow) <= total:
            return size
    return sizes[-1]


def _extents(rows, size, font, padding, bold_first_row, unbroken) -> tuple[list, list]:
    """Each column's widest word and widest whole line, padding included."""
    columns = len(rows[0]) if rows else 0
    narrow = [0.0] * columns  # the widest word
    wide = [0.0] * columns  # the whole text on one line
    for r, row in enumerate(rows):
        face = font + "-bold" if (bold_first_row and r == 0) else font
        for c, text in enumerate(row):
            text = str(text)
            words = [
                w
                for line in text.split("\n")
                for w in ([line] if (c in unbroken and r > 0) else line.split(" "))
                if w
            ]
            narrow[c] = max(
                narrow[c], max((measure.text_width(w, size, face) for w in words), default=0.0)
            )
            wide[c] = max(
                wide[c],
                max(
                    (measure.text_width(line, size, face) for line in text.split("\n")), default=0.0
                ),
            )
    narrow = [w + padding for w in narrow]
    wide = [max(w + padding, n) for w, n in zip(wide, narrow, strict=True)]
    return narrow, wide
