"""matplotlib's SVG made fit to sit inline in the HTML report: small, accessible, unique.

The same drawing as the PNG, saved as SVG with text kept as text, then:

- ``role="img"`` with a ``<title>`` (the chart title) and ``<desc>`` (its alt text),
  referenced by ``aria-labelledby``, so a screen reader announces one image with a
  description; the data table beside it carries the numbers;
- every plotted mark that has a tooltip gets ``class="pt"`` and a ``<title>`` (a native
  tooltip with no script at all; the report's small script adds keyboard navigation);
- ids are prefixed with the chart's own, so many charts on one page never share one;
- the XML prologue, metadata and unused ids are dropped and coordinates rounded to
  0.1 point (far below a pixel), which makes the file about half the size.
"""

from __future__ import annotations

import hashlib
import re

from lxml import etree

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_NUMBER = re.compile(r"-?\d+\.\d+")
_SPACE = re.compile(r"\s+")
_ROTATE_ZERO = re.compile(r"\s*rotate\(-?0 [^)]*\)")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
# Style declarations matplotlib writes that are the SVG defaults anyway.
_DEFAULT_STYLE = re.compile(
    r"(?:^|;\s*)(?:stroke-linejoin: miter|stroke-linecap: square|opacity: 1)(?=;|$)"
)


def _round(match: re.Match) -> str:
    text = f"{float(match.group()):.1f}"
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _tidy_path(d: str) -> str:
    d = _NUMBER.sub(_round, d)
    d = _SPACE.sub(" ", d).strip()
    return re.sub(r" ?([A-Za-z]) ?", r"\1", d)


def safe_id(text: str) -> str:
    """``text`` usable as an XML id and in ``url(#...)``."""
    cleaned = _SAFE_ID.sub("-", text).strip("-")
    return cleaned if cleaned and not cleaned[0].isdigit() else f"c-{cleaned}"


def finish_svg(
    svg: bytes, *, chart_id: str, title: str, desc: str, tips: dict[str, list[str]]
) -> str:
    """The inline SVG markup for the HTML report (see the module docstring)."""
    root = etree.fromstring(
        svg, parser=etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    )
    prefix = safe_id(chart_id)
    for meta in root.findall(f"{{{_SVG}}}metadata"):
        root.remove(meta)

    referenced = set()
    for el in root.iter():
        href = el.get(f"{{{_XLINK}}}href")
        if href and href.startswith("#"):
            referenced.add(href[1:])
        clip = el.get("clip-path")
        if clip:
            referenced.update(re.findall(r"url\(#([^)]+)\)", clip))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        old = el.get("id")
        if old is not None:
            if old in referenced:
                el.set("id", f"{prefix}-{old}")
            elif old not in tips:
                del el.attrib["id"]
        href = el.get(f"{{{_XLINK}}}href")
        if href and href.startswith("#"):
            el.attrib.pop(f"{{{_XLINK}}}href")
            el.set("href", f"#{prefix}-{href[1:]}")  # SVG 2 href: no xlink namespace needed
        clip = el.get("clip-path")
        if clip:
            el.set("clip-path", re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", clip))
        for attr in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
            value = el.get(attr)
            if value is not None and _NUMBER.fullmatch(value):
                el.set(attr, _round(_NUMBER.fullmatch(value)))
        d = el.get("d")
        if d is not None:
            el.set("d", _tidy_path(d))
        transform = el.get("transform")
        if transform is not None:
            transform = _NUMBER.sub(_round, _ROTATE_ZERO.sub("", transform)).strip()
            if transform:
                el.set("transform", transform)
            else:
                del el.attrib["transform"]
        style = el.get("style")
        if style is not None:
            el.set("style", _DEFAULT_STYLE.sub("", style).strip("; "))

    for gid, texts in tips.items():
        group = root.find(f".//*[@id='{gid}']")
        if group is None:
            continue
        del group.attrib["id"]
        marks = [
            e
            for e in group.iter(f"{{{_SVG}}}use", f"{{{_SVG}}}path")
            if e.getparent().tag != f"{{{_SVG}}}defs"
        ]
        if len(marks) > len(texts):  # a bar is one path; markers are <use> after their <defs>
            marks = [e for e in marks if e.tag == f"{{{_SVG}}}use"] or marks[: len(texts)]
        for mark, text in zip(marks, texts, strict=False):
            mark.set("class", "pt")
            tip = etree.SubElement(mark, f"{{{_SVG}}}title")
            tip.text = text

    _unwrap_bare_groups(root)
    _styles_to_classes(root)
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("role", "img")
    root.set("class", "chart-svg")
    root.set("aria-labelledby", f"{prefix}-svg-title {prefix}-svg-desc")
    root.set("focusable", "false")
    title_el = etree.Element(f"{{{_SVG}}}title", id=f"{prefix}-svg-title")
    title_el.text = title
    desc_el = etree.Element(f"{{{_SVG}}}desc", id=f"{prefix}-svg-desc")
    desc_el.text = desc
    root.insert(0, desc_el)
    root.insert(0, title_el)
    etree.cleanup_namespaces(root)
    text = etree.tostring(root, encoding="unicode")
    return text.replace(f' xmlns:xlink="{_XLINK}"', "")


def _unwrap_bare_groups(root) -> None:
    """Lift the children of attribute-less ``<g>`` elements into their parent: such a
    group changes nothing, and matplotlib nests them several deep around every mark."""
    for group in list(root.iter(f"{{{_SVG}}}g")):
        parent = group.getparent()
        if group.attrib or parent is None:
            continue
        index = parent.index(group)
        for child in reversed(list(group)):
            parent.insert(index, child)
        parent.remove(group)


def _styles_to_classes(root) -> None:
    """Each distinct ``style`` attribute becomes a class named by a hash of the style
    (so the same style in two charts is the same class and rule) and one CSS rule."""
    rules: dict[str, str] = {}
    for el in root.iter():
        style = el.get("style") if isinstance(el.tag, str) else None
        if not style:
            continue
        name = "s" + hashlib.blake2s(style.encode(), digest_size=3).hexdigest()
        rules[name] = style
        del el.attrib["style"]
        el.set("class", f"{el.get('class')} {name}" if el.get("class") else name)
    defs = root.find(f"{{{_SVG}}}defs")
    if defs is None:
        defs = etree.SubElement(root, f"{{{_SVG}}}defs")
        root.insert(0, defs)
    block = defs.find(f"{{{_SVG}}}style")
    if block is None:
        block = etree.SubElement(defs, f"{{{_SVG}}}style")
    block.text = (block.text or "") + "".join(f".{n}{{{r}}}" for n, r in sorted(rules.items()))
