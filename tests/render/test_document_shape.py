"""The default build's shape (issue 11): a short main body, the detail in lettered
appendices, and the page, slide and size budgets, measured on the files themselves
(the session's ``default_outputs``, written once)."""

from __future__ import annotations

import re

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from dana.render import document_outline

#: The budgets of the issue: the PDF's main body (everything before the first
#: appendix), the slide pack, and the HTML file.
MAX_BODY_PAGES = 40
MAX_SLIDES = 50
MAX_HTML_BYTES = 1_500_000


@pytest.fixture(scope="module")
def pdf(default_outputs):
    return PdfReader(str(default_outputs["pdf"]))


def _chapters(reader) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks: (title, 1-based page)."""
    return [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def test_the_pdf_main_body_is_at_most_40_pages(pdf):
    chapters = _chapters(pdf)
    first_appendix = next(page for title, page in chapters if title.startswith("Appendix"))
    body = first_appendix - 1
    assert body <= MAX_BODY_PAGES, f"main body {body} pages (of {len(pdf.pages)})"


def test_the_slide_pack_is_at_most_50_slides(default_outputs):
    slides = len(Presentation(str(default_outputs["pptx"])).slides)
    assert slides <= MAX_SLIDES, slides


def test_the_html_is_under_1_5_mb(default_outputs):
    size = default_outputs["html"].stat().st_size
    assert size < MAX_HTML_BYTES, size


def test_appendices_follow_the_body_lettered_in_every_format(
    default_assessment, default_outputs, pdf
):
    wanted = [
        "Appendix A: Funnel plots",
        "Appendix B: Trend data for every indicator",
        "Appendix C: Detailed tables",
        "Appendix D: data sources and methods",
    ]
    titles = [h.title for h in document_outline(default_assessment) if h.level == 1]
    assert titles[-4:] == wanted
    assert [t for t, _ in _chapters(pdf)][-4:] == wanted
    headings = [
        p.text
        for p in Document(str(default_outputs["docx"])).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert headings[-4:] == wanted
    html = default_outputs["html"].read_text(encoding="utf-8")
    shown = re.findall(r"<h2 id=\"heading-appendix[^\"]*\">([^<]+)</h2>", html)
    assert shown == wanted[:3] and f">{wanted[3]}</h2>" in html


def test_the_body_draws_small_multiples_and_the_appendix_the_funnels(default_assessment):
    body = [c for s in default_assessment.all_sections() for c in s.charts]
    kinds = [c.kind for c in body]
    assert "funnel" not in kinds and "trend" not in kinds
    figures = default_assessment.all_figures()
    # a chart per idea: far fewer charts than figures (three per figure before)
    assert len(body) < len(figures)
    funnels = default_assessment.appendices[0].charts
    assert funnels and {c.kind for c in funnels} == {"funnel"}


def test_every_figure_drawn_is_written_out_in_the_trend_appendix(default_assessment):
    """Nothing of substance is lost: every indicator a small-multiples panel draws has
    its full series, as numbers, in Appendix B."""
    trends = default_assessment.appendices[1]
    tables = {t.id: t for s in trends.subsections for t in s.tables}
    drawn = {
        indicator
        for s in default_assessment.all_sections()
        for c in s.charts
        if c.kind == "small_trends"
        for indicator in c.data["indicator_id"]
    }
    assert drawn and all(f"trend_data.{i}" in tables for i in drawn)
    for indicator in drawn:
        table = tables[f"trend_data.{indicator}"]
        chart_rows = [
            c.data[c.data["indicator_id"] == indicator]
            for s in default_assessment.all_sections()
            for c in s.charts
            if c.kind == "small_trends" and indicator in set(c.data["indicator_id"])
        ][0]
        assert set(chart_rows["period"]) <= set(table.data["Period"])  # every period drawn
    every_figure = {f.indicator_id for f in default_assessment.all_figures()}
    assert {t.removeprefix("trend_data.") for t in tables} == every_figure
