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
    columns = len(rows[0]) if rows else 0
    if not columns:
        return []
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
    if sum(wide) <= total:
        spare = total - sum(wide)
        return [w + spare * w / sum(wide) for w in wide]
    if sum(narrow) >= total:  # cannot avoid breaking words: share in proportion
        return [total * n / sum(narrow) for n in narrow]
    spare = total - sum(narrow)
    want = [w - n for w, n in zip(wide, narrow, strict=True)]
    return [n + spare * x / sum(want) for n, x in zip(narrow, want, strict=True)]
