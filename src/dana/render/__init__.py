"""Renderers: the assessment model as HTML, Word, PDF and a slide pack, and its charts.

Public API::

    from dana.render import FORMATS, prepare_charts, render_docx, render_formats

    # every chart drawn once, then the four formats written side by side
    render_formats(assessment, {fmt: f"out/report.{fmt}" for fmt in FORMATS})

    # or one format, sharing a build's charts with the others
    charts = prepare_charts(assessment, ["docx", "pdf"])
    render_docx(assessment, "out/report.docx", charts=charts)

- ``render_html``, ``render_docx``, ``render_pdf``, ``render_pptx``: write one format
  (whole or not at all); each takes an optional ``charts=`` cache shared by a build.
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

from dana.render.chart_data import ChartDataError, chart_table
from dana.render.chart_data import caption as chart_caption
from dana.render.chart_pictures import ChartCache, ChartPicture, draw_picture
from dana.render.docx import render_docx
from dana.render.formats import FORMATS, PICTURES, RENDERERS, prepare_charts, render_formats
from dana.render.html import render_html
from dana.render.outline import document_outline, numbering
from dana.render.pdf import render_pdf
from dana.render.pptx import render_pptx
from dana.render.slides import slide_plan

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
    "render_pdf",
    "render_pptx",
    "slide_plan",
]
