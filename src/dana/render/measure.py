"""Text measurement: how wide a string is and how many lines it wraps to, in points.

Renderers that place text themselves need widths: the charts (margins computed, not
searched for), the slide pack (text that fits its box or flows to the next slide) and the
Word contents page (page numbers estimated from the document's own layout). All of them
measure here, with real font metrics from reportlab:

- ``"sans"`` / ``"sans-bold"``: DejaVu Sans, shipped with matplotlib; the charts and the
  PDF are set in it.
- ``"arial"`` / ``"arial-bold"``: Helvetica's metrics, which Arial copies glyph for glyph
  (and LibreOffice's Liberation Sans copies Arial); the Word report and the slides are
  set in Arial.

Nothing here draws or computes a statistic.
"""

from __future__ import annotations

import importlib.util
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: font key -> the font name registered with reportlab
_FONTS = {
    "sans": "DanaSans",
    "sans-bold": "DanaSans-Bold",
    "arial": "Helvetica",
    "arial-bold": "Helvetica-Bold",
}
_DEJAVU_FILES = {
    "DanaSans": "DejaVuSans.ttf",
    "DanaSans-Bold": "DejaVuSans-Bold.ttf",
    "DanaSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DanaSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


def dejavu_folder() -> Path:
    """matplotlib's bundled TrueType folder (DejaVu Sans, with the ▲▼●△▽○ glyphs), found
    without loading matplotlib (a renderer measuring text draws no chart)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:  # pragma: no cover - matplotlib is a dependency
        raise ModuleNotFoundError("matplotlib is needed for its bundled DejaVu fonts")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


@cache
def _register_face(name: str) -> str:
    """Register one DejaVu face with reportlab (reading a font file costs about 25 ms:
    a chart worker measures with two faces, the PDF sets all four)."""
    pdfmetrics.registerFont(TTFont(name, str(dejavu_folder() / _DEJAVU_FILES[name])))
    return name


@lru_cache(maxsize=1)
def register_dejavu() -> str:
    """Register DejaVu Sans (regular, bold, italic) with reportlab once; return the family."""
    from reportlab.lib.fonts import addMapping

    for name in _DEJAVU_FILES:
        _register_face(name)
    addMapping("DanaSans", 0, 0, "DanaSans")
    addMapping("DanaSans", 1, 0, "DanaSans-Bold")
    addMapping("DanaSans", 0, 1, "DanaSans-Oblique")
    addMapping("DanaSans", 1, 1, "DanaSans-BoldOblique")
    return "DanaSans"


def _font_name(font: str) -> str:
    if font not in _FONTS:
        raise ValueError(f"unknown font {font!r}; expected one of {', '.join(_FONTS)}")
    if font.startswith("sans"):
        return _register_face(_FONTS[font])
    return _FONTS[font]


@lru_cache(maxsize=65536)
def _unit_width(text: str, font: str) -> float:
    """Width of ``text`` at 1 point. Advance widths scale linearly with the size and add
    up along a line (these fonts are measured without kerning), so each word is
    measured once and lines are sums."""
    return pdfmetrics.stringWidth(text, _font_name(font), 1.0)


def text_width(text: str, size_pt: float, font: str = "sans") -> float:
    """Width of one line of ``text`` at ``size_pt``, in points."""
    return _unit_width(text, font) * size_pt


def wrap(text: str, size_pt: float, width_pt: float, font: str = "sans") -> list[str]:
    """``text`` broken into lines no wider than ``width_pt`` (at spaces; a word wider than
    the line is broken between characters). Newlines start new lines."""
    limit = width_pt / size_pt  # in units of 1 point type
    space = _unit_width(" ", font)
    out: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            w = _unit_width(word, font)
            if not line and used == 0.0 and w <= limit:
                line, used = word, w
                continue
            if line and used + space + w <= limit + 1e-9:
                line, used = f"{line} {word}", used + space + w
                continue
            if line:
                out.append(line)
            line, used = word, w
            while len(line) > 1 and used > limit:
                cut = len(line) - 1
                while cut > 1 and _unit_width(line[:cut], font) > limit:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
                used = _unit_width(line, font)
        out.append(line)
    return out


def line_count(text: str, size_pt: float, width_pt: float, font: str = "sans") -> int:
    """How many lines :func:`wrap` breaks ``text`` into."""
    return len(wrap(text, size_pt, width_pt, font))
