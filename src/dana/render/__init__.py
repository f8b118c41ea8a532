"""Renderers: the assessment model as HTML, Word, PDF and a slide pack, and its charts.

Public API::

    from dana.render import FORMATS, RENDERERS, prepare_charts

    charts = prepare_charts(assessment, ["html", "docx", "pdf", "pptx"])  # drawn once
    for fmt in FORMATS:
        RENDERERS[fmt](assessment, f"out/report.{fmt}", charts=charts)

- ``render_html``, ``render_docx``, ``render_pdf``, ``render_pptx``: write one format
  (whole or not at all); each takes an optional ``charts=`` cache shared by a build.
- ``FORMATS`` (the format names in build order) and ``RENDERERS`` (name -> function).
- ``prepare_charts``: draw every chart the given formats need, in parallel, once.
- ``ChartCache``, ``ChartPicture``, ``draw_picture``: the chart pictures themselves (PNG
  for Word, PDF and slides; inline SVG for HTML) from one matplotlib drawing.
- ``chart_table``, ``chart_caption``, ``ChartDataError``: the data behind a chart as text.
- ``document_outline``, ``numbering``, ``slide_plan``: the shape every format shares
  (headings, figure and table numbers, the slides and what each holds).

Renderers format and draw; they never compute a statistic.
"""

from dana.render.chart_data import ChartDataError, chart_table
from dana.render.chart_data import caption as chart_caption
from dana.render.chart_pictures import ChartCache, ChartPicture, assessment_charts, draw_picture
from dana.render.docx import render_docx
from dana.render.html import render_html
from dana.render.outline import document_outline, numbering
from dana.render.pdf import render_pdf
from dana.render.pptx import render_pptx
from dana.render.slides import slide_plan

FORMATS = ("html", "docx", "pdf", "pptx")
RENDERERS = {"html": render_html, "docx": render_docx, "pdf": render_pdf, "pptx": render_pptx}
#: The picture each format embeds.
PICTURES = {"html": "svg", "docx": "png", "pdf": "png", "pptx": "png"}


def prepare_charts(assessment, formats=FORMATS, *, workers: int | None = None) -> ChartCache:
    """A cache with every chart of ``assessment`` drawn once for ``formats`` (PNG and/or
    SVG from the same drawing), in a process pool when there are enough charts."""
    unknown = [f for f in formats if f not in PICTURES]
    if unknown:
        raise ValueError(
            f"unknown output format(s) {', '.join(unknown)}; expected one of {', '.join(FORMATS)}"
        )
    cache = ChartCache(workers)
    cache.prepare(assessment_charts(assessment), {PICTURES[f] for f in formats})
    return cache


__all__ = [
    "FORMATS",
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
    "render_html",
    "render_pdf",
    "render_pptx",
    "slide_plan",
]
