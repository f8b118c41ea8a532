"""The building blocks of a slide: text boxes sized to their text, tables, badges and
chart pictures, placed in inches on a python-pptx slide."""

from __future__ import annotations

import io

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from dana.render.content import xml_safe
from dana.render.slide_text import PAD_X, PAD_Y, fit_size, text_height
from dana.render.style import text_colour_on

FONT = "Arial"
DARK = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
ACCENT = RGBColor(0x1D, 0x70, 0xB8)
RED = RGBColor(0xD4, 0x35, 0x1C)
PALE = RGBColor(0xF3, 0xF2, 0xF1)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def place(shape, x, y, w, h):
    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)


def set_font(font, size, *, bold=False, colour=DARK):
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = colour


def solid(shape, colour: RGBColor, line: RGBColor | None = None):
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = line
        shape.line.width = Pt(0.75)


def fill_frame(
    shape,
    text: str,
    size: float,
    *,
    bold=False,
    colour=DARK,
    align=PP_ALIGN.LEFT,
    space_after=0.0,
    labels: bool = False,
):
    """Put ``text`` (newlines = paragraphs) into ``shape`` at ``size``. With ``labels``,
    paragraphs alternate bold accent labels and plain text (a recommendation card)."""
    tf = shape.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.margin_left = tf.margin_right = Inches(PAD_X)
    tf.margin_top = tf.margin_bottom = Inches(PAD_Y)
    for i, line in enumerate(xml_safe(text).split("\n")):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.alignment = align
        para.space_after = Pt(space_after)
        para.line_spacing = 1.0
        run = para.add_run()
        run.text = line
        is_label = labels and i % 2 == 0
        set_font(run.font, size, bold=bold or is_label, colour=ACCENT if is_label else colour)


def fitted(
    text: str, w: float, h: float, max_pt: float, min_pt: float, *, bold=False, space_after=0.0
) -> float:
    """The size that fits, or ``min_pt`` (text planned by the slide plan always fits)."""
    return (
        fit_size(xml_safe(text), w, h, max_pt, min_pt, bold=bold, space_after=space_after) or min_pt
    )


def box(
    slide,
    text,
    x,
    y,
    w,
    h,
    max_pt,
    min_pt,
    *,
    bold=False,
    colour=DARK,
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
    space_after=0.0,
    size=None,
    labels=False,
):
    """A text box with ``text`` at the largest size that fits it (or ``size``)."""
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    chosen = size or fitted(text, w, h, max_pt, min_pt, bold=bold, space_after=space_after)
    fill_frame(
        shape,
        text,
        chosen,
        bold=bold,
        colour=colour,
        align=align,
        space_after=space_after,
        labels=labels,
    )
    shape.text_frame.vertical_anchor = anchor
    return shape


def badge(slide, text, x, y, w, h, on: bool):
    shape = box(
        slide,
        text + (" \u2713" if on else ""),
        x,
        y,
        w,
        h,
        12,
        8,
        bold=on,
        colour=WHITE if on else MUTED,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    solid(shape, ACCENT if on else PALE)
    return shape


def table(slide, headers, rows, x, y, widths, size: float, *, fills=None):
    """A table at ``size`` points; ``fills`` colours some cells ({(row, col): "#hex"})."""
    shape = slide.shapes.add_table(
        len(rows) + 1,
        len(headers),
        Inches(x),
        Inches(y),
        Inches(sum(widths)),
        Inches(0.4 * (len(rows) + 1)),
    )
    grid = shape.table
    for c, width in enumerate(widths):
        grid.columns[c].width = Inches(width)
    for c, text in enumerate(headers):
        _cell(grid.cell(0, c), text, size, bold=True, colour=WHITE)
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row):
            fill = (fills or {}).get((r, c))
            _cell(grid.cell(r, c), text, size, fill=fill)
    return grid


def table_height(headers, rows, widths, size) -> float:
    return sum(
        max(
            text_height(xml_safe(t), size, w, bold=row is headers)
            for t, w in zip(row, widths, strict=True)
        )
        + 0.05
        for row in [headers, *rows]
    )


def _cell(
    cell,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: RGBColor = DARK,
    fill: str | None = None,
):
    tf = cell.text_frame
    tf.clear()
    tf.word_wrap = True
    cell.margin_left = cell.margin_right = Inches(PAD_X)
    cell.margin_top = cell.margin_bottom = Inches(PAD_Y)
    run = tf.paragraphs[0].add_run()
    run.text = xml_safe(text)
    if fill:
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(fill)
        colour = rgb(text_colour_on(fill))
    set_font(run.font, size, bold=bold, colour=colour)


def picture(slide, png: bytes, size_in: tuple[float, float], x, y, w, h, *, alt: str, title: str):
    """The chart as large as fits the box (centred across it), alt text in ``descr``."""
    pw, ph = size_in
    scale = min(w / pw, h / ph)
    width, height = pw * scale, ph * scale
    pic = slide.shapes.add_picture(
        io.BytesIO(png), Inches(x + (w - width) / 2), Inches(y), Inches(width), Inches(height)
    )
    c_nv_pr = pic._element.nvPicPr.cNvPr
    c_nv_pr.set("descr", xml_safe(alt))
    c_nv_pr.set("title", xml_safe(title))
    return pic
