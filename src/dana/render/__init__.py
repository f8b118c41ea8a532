"""Renderers: the assessment model as HTML, Word, PDF, a slide pack and JSON, and its charts.

Public API::

    from dana.render import FORMATS, prepare_charts, render_docx, render_formats

    # every chart drawn once, then the four formats written side by side
    render_formats(assessment, {fmt: f"out/report.{fmt}" for fmt in FORMATS})

    # or one format, sharing a build's charts with the others
    charts = prepare_charts(assessment, ["docx", "pdf"])
    render_docx(assessment, "out/report.docx", charts=charts)

- ``render_html``, ``render_docx``, ``render_pdf``, ``render_pptx``, ``render_json``: write
  one format (whole or not at all); each takes an optional ``charts=`` cache shared by a
  build. ``render_json`` writes the model as data, valid against the packaged JSON
  Schema (:mod:`dana.render.json`; read back by :func:`dana.assess.edition.read_edition`).
- ``render_formats``: several formats of one build (charts once, formats in parallel).
- ``FORMATS`` (the format names), ``RENDERERS`` (name -> function), ``PICTURES`` (name
  -> the picture format it embeds).
- ``prepare_charts``: draw every chart the given formats need, in parallel, once.
- ``ChartCache``, ``ChartPicture``, ``draw_picture``: the chart pictures themselves (PNG
  for Word, PDF and slides; inline SVG for HTML) from one matplotlib drawing.
- ``chart_table``, ``chart_caption``, ``ChartDataError``: the data behind a chart as text.
- ``document_outline``, ``numbering``, ``slide_plan``: the shape every format shares
  (headings, figure and table numbers, the slides and what each holds).

Renderers format and draw; they never compute a statistic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers and editors; at run time see __getattr__ below
    from dana.render.chart_data import ChartDataError, chart_table
    from dana.render.chart_data import caption as chart_caption
    from dana.render.chart_pictures import ChartCache, ChartPicture, draw_picture
    from dana.render.docx import render_docx
    from dana.render.formats import FORMATS, PICTURES, RENDERERS, prepare_charts, render_formats
    from dana.render.html import render_html
    from dana.render.json import render_json
    from dana.render.outline import document_outline, numbering
    from dana.render.pdf import render_pdf
    from dana.render.pptx import render_pptx
    from dana.render.slides import slide_plan

#: Public name -> (module, attribute): each loads on first use, so ``import dana.render``
#: (or one of its small modules) loads no plotting or document library by itself.
_LAZY = {
    "ChartDataError": ("dana.render.chart_data", "ChartDataError"),
    "chart_table": ("dana.render.chart_data", "chart_table"),
    "chart_caption": ("dana.render.chart_data", "caption"),
    "ChartCache": ("dana.render.chart_pictures", "ChartCache"),
    "ChartPicture": ("dana.render.chart_pictures", "ChartPicture"),
    "draw_picture": ("dana.render.chart_pictures", "draw_picture"),
    "render_docx": ("dana.render.docx", "render_docx"),
    "FORMATS": ("dana.render.formats", "FORMATS"),
    "PICTURES": ("dana.render.formats", "PICTURES"),
    "RENDERERS": ("dana.render.formats", "RENDERERS"),
    "prepare_charts": ("dana.render.formats", "prepare_charts"),
    "render_formats": ("dana.render.formats", "render_formats"),
    "render_html": ("dana.render.html", "render_html"),
    "render_json": ("dana.render.json", "render_json"),
    "document_outline": ("dana.render.outline", "document_outline"),
    "numbering": ("dana.render.outline", "numbering"),
    "render_pdf": ("dana.render.pdf", "render_pdf"),
    "render_pptx": ("dana.render.pptx", "render_pptx"),
    "slide_plan": ("dana.render.slides", "slide_plan"),
}
__all__ = [
    "FORMATS",
    "PICTURES",
    "RENDERERS",
    "ChartCache",
    "ChartDataError",
    "ChartPicture",
    "chart_caption",
    "chart_table",
    "document_outline",
    "draw_picture",
    "numbering",
    "prepare_charts",
    "render_docx",
    "render_formats",
    "render_html",
    "render_json",
    "render_pdf",
    "render_pptx",
    "slide_plan",
]


def __getattr__(name: str):
    """Load a public name's module on first use (PEP 562); see ``_LAZY``."""
    if name not in _LAZY:
        raise AttributeError(f"module 'dana.render' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
