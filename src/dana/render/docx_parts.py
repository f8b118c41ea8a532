"""Word-file parts python-docx has no API for: styles with fixed metrics and the document
language, fields with a cached result, bookmarks, a pre-filled table of contents, cell
shading and fixed column widths."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree

from dana.render.docx_pages import TEXT_WIDTH_PT, TextStyle

FONT = "Arial"
LANGUAGE = "en-GB"

#: Paragraph styles by name, with the metrics the page estimate uses.
STYLES: dict[str, TextStyle] = {
    "Normal": TextStyle(11, 14, after=6),
    "Title": TextStyle(26, 32, after=12, bold=True),
    "Subtitle": TextStyle(16, 20, after=8),
    "Heading 1": TextStyle(16, 20, after=8, bold=True, keep_with_next=True),
    "Heading 2": TextStyle(13, 17, before=12, after=6, bold=True, keep_with_next=True),
    "Heading 3": TextStyle(11.5, 15, before=10, after=4, bold=True, keep_with_next=True),
    "Caption": TextStyle(9, 12, before=6, after=3, bold=True, keep_with_next=True),
    "DANA Note": TextStyle(8, 10, after=8),
    "DANA Table": TextStyle(8, 10),
    "TOC 1": TextStyle(11, 15, before=3),
    "TOC 2": TextStyle(10, 13),
    "TOC 3": TextStyle(9.5, 12),
}
_ACCENT = RGBColor(0x1D, 0x70, 0xB8)
#: How far each contents level is indented (points).
TOC_INDENT = {"TOC 2": 14, "TOC 3": 28}


def set_up_styles(document) -> None:
    """Arial with exact line spacing in every style the report uses, and en-GB as the
    language of the whole document (``w:lang`` in the default run properties)."""
    styles = document.styles
    for name, metrics in STYLES.items():
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
        font = style.font
        font.name = FONT
        font.size = Pt(metrics.size)
        font.bold = metrics.bold
        font.italic = name == "DANA Note"
        if name.startswith("Heading") or name == "Title":
            font.color.rgb = _ACCENT
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(attr), None)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(metrics.line)
        fmt.space_before = Pt(metrics.before)
        fmt.space_after = Pt(metrics.after)
        fmt.keep_with_next = metrics.keep_with_next
        fmt.widow_control = True
        if name.startswith("TOC"):
            fmt.left_indent = Pt(TOC_INDENT.get(name, 0))
            fmt.tab_stops.add_tab_stop(
                Pt(TEXT_WIDTH_PT), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANGUAGE)


def add_field(paragraph, instruction: str, result: str) -> None:
    """A complex field (begin / instruction / separate / cached result / end) that shows
    ``result`` as it is and that Word can update."""
    _fld_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _fld_char(paragraph, "separate")
    paragraph.add_run(result)
    _fld_char(paragraph, "end")


def _fld_char(paragraph, kind: str):
    run = paragraph.add_run()
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    run._r.append(el)
    return run


def bookmark(paragraph, name: str, number: int) -> None:
    """Wrap the paragraph's content in a bookmark named ``name`` (a contents target)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    (ppr.addnext if ppr is not None else lambda e: p.insert(0, e))(start)
    p.append(end)


def fill_contents(placeholder, entries) -> None:
    """Replace ``placeholder`` (an empty paragraph) with a TOC field whose cached result
    is already every entry: ``(level, title, bookmark, page)``, each a hyperlink to its
    heading with a dot leader and page number. Word shows it as it is on opening and can
    still refresh it (References > Update Table)."""
    body = placeholder._p.getparent()
    index = body.index(placeholder._p)
    body.remove(placeholder._p)
    paragraphs = []
    for level, title, name, page in entries:
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), f"TOC{min(level, 3)}")
        ppr.append(style)
        p.append(ppr)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        for text in (title, None, str(page)):
            r = OxmlElement("w:r")
            if text is None:
                r.append(OxmlElement("w:tab"))
            else:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = text
                r.append(t)
            link.append(r)
        p.append(link)
        paragraphs.append(p)
    if not paragraphs:
        paragraphs.append(OxmlElement("w:p"))
    first, last = paragraphs[0], paragraphs[-1]
    runs = []
    for kind in ("begin", "instr", "separate"):
        r = OxmlElement("w:r")
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-3" \\h \\z \\u '
            r.append(instr)
        else:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            r.append(fc)
        runs.append(r)
    anchor = first.find(qn("w:pPr"))
    for r in reversed(runs):
        anchor.addnext(r)
    end = OxmlElement("w:r")
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    end.append(fc)
    last.append(end)
    for offset, p in enumerate(paragraphs):
        body.insert(index + offset, p)


def shade(properties, fill_hex: str) -> None:
    """A plain ``w:shd`` fill on a paragraph's or cell's properties."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill_hex)
    properties.append(shd)


def _fix_table_width(table, widths_pt) -> None:
    """The table's width (the sum of its columns, in twentieths of a point) and a fixed layout."""
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths_pt) * 20)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def set_widths(table, widths_pt) -> None:
    """Fixed column widths: Word reads the cell widths, LibreOffice the grid and table width."""
    for column, width in zip(table.columns, widths_pt, strict=True):
        column.width = Pt(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_pt, strict=True):
            cell.width = Pt(width)
    _fix_table_width(table, widths_pt)


def repeat_header(row) -> None:
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _text_xml(text: str) -> str:
    """A cell's text as the inside of a ``w:t``, each line break a ``w:br`` (Word and
    LibreOffice show a newline inside ``w:t`` as a space: a recommendation's list of
    points ran together)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return '</w:t><w:br/><w:t xml:space="preserve">'.join(escaped.split("\n"))


def table_rows(
    rows,
    widths_pt,
    *,
    size: float,
    line: float,
    style_id: str,
    header: bool,
    fills: dict | None = None,
    ink=None,
    bold_first_column: bool = False,
    keep_with_next: bool = False,
) -> list:
    """The table's rows as ``w:tr`` elements, built as one XML text and parsed once
    (python-docx's cell-by-cell API spent most of the Word report's time on thousands of
    cells). Each row never splits across pages and the header row repeats; each cell
    holds one paragraph in ``style_id`` at exact ``line`` spacing and ``size`` points,
    with its width fixed, a fill from ``fills`` ({(row, col): "#hex"}) and, on a fill,
    the text colour ``ink(fill)``; with ``keep_with_next`` every row but the last keeps
    with the next (a card stays on one page)."""
    twips = [round(w * 20) for w in widths_pt]
    spacing = f'<w:spacing w:line="{round(line * 20)}" w:lineRule="exact"/>'
    half_points = round(size * 2)
    out = []
    for r, values in enumerate(rows):
        head = header and r == 0
        keep = "<w:keepNext/>" if keep_with_next and r < len(rows) - 1 else ""
        cells = []
        for c, (text, width) in enumerate(zip(values, twips, strict=True)):
            fill = (fills or {}).get((r, c))
            shading = (
                f'<w:shd w:val="clear" w:color="auto" w:fill="{fill.lstrip("#")}"/>' if fill else ""
            )
            bold = "<w:b/>" if head or (bold_first_column and c == 0) else ""
            colour = f'<w:color w:val="{ink(fill).lstrip("#")}"/>' if fill else ""
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep}{spacing}</w:pPr>'
                f'<w:r><w:rPr>{bold}{colour}<w:sz w:val="{half_points}"/></w:rPr>'
                f'<w:t xml:space="preserve">{_text_xml(text)}</w:t></w:r></w:p></w:tc>'
            )
        properties = "<w:cantSplit/>" + ('<w:tblHeader w:val="true"/>' if head else "")
        out.append(f"<w:tr><w:trPr>{properties}</w:trPr>{''.join(cells)}</w:tr>")
    xml = f'<w:tbl xmlns:w="{_W}">{"".join(out)}</w:tbl>'
    return list(etree.fromstring(xml.encode("utf-8"), etree.XMLParser(huge_tree=True)))


def fix_widths(table, widths_pt) -> None:
    """Fixed column widths on the grid and the table (the cells carry theirs)."""
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_pt, strict=True):
        column.set(qn("w:w"), str(round(width * 20)))
    _fix_table_width(table, widths_pt)
