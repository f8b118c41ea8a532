"""The reports laid out by the programs readers use: the HTML printed by headless
Chromium (the print styles), and the Word file laid out by LibreOffice (the contents
page's page numbers). Both programs are installed by ``scripts/install-test-deps``; a
missing one fails the test with that instruction rather than skipping it, so CI cannot
pass without the check."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf
import pytest
from docx.oxml.ns import qn

from dana.render import chart_table, numbering, render_docx, render_html

INSTALL = "scripts/install-test-deps"


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{' or '.join(names)} not found: run {INSTALL} (as root) to install it")


def _text(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.fixture(scope="module")
def printed(sample_assessment, charts, tmp_path_factory):
    """The sample's HTML report printed to PDF by headless Chromium."""
    chromium = _program("chromium", "chromium-browser")
    folder = tmp_path_factory.mktemp("print")
    html = render_html(sample_assessment, folder / "report.html", charts=charts)
    pdf = folder / "report.pdf"
    profile = tempfile.mkdtemp(prefix="dana-chromium-")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
    ]  # fmt: skip
    try:
        subprocess.run(
            [chromium, *flags, html.as_uri()], capture_output=True, timeout=120, check=False
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert pdf.is_file(), "Chromium printed nothing"
    return pypdf.PdfReader(str(pdf))


def test_print_styles_give_a4_pages_with_whole_charts_and_no_screen_furniture(
    printed, sample_assessment
):
    pages = [_text(p) for p in printed.pages]
    for page in printed.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    # the title page stands alone; contents, skip link and data-table toggles are not printed
    assert sample_assessment.title in pages[0] and "Introduction" not in pages[0]
    text = " ".join(pages)
    assert "Skip to main content" not in text and "Data for figure" not in text
    numbers = numbering(sample_assessment)
    for section in sample_assessment.all_sections():
        for chart in section.charts:
            caption = f"Figure {numbers.figure(chart)}: {chart.title}"
            on = [i for i, p in enumerate(pages) if caption in p]
            assert on, caption
            # the chart's own text (its SVG is printed as text) is on the caption's page
            first_label = str(chart_table(chart).iloc[0, 0])
            assert first_label in pages[on[0]], (caption, first_label)
    # table cells keep their numbers on one line
    assert "36.2 to 47.4" in text and "665 to 747" in text


def _contents(document):
    out = []
    for p in document.element.body.iter(qn("w:p")):
        link = p.find(qn("w:hyperlink"))
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if link is not None and style is not None and style.get(qn("w:val")).startswith("TOC"):
            texts = [t.text for t in link.iter(qn("w:t"))]
            out.append((texts[0], int(texts[-1])))
    return out


@pytest.mark.parametrize("which", ["sample_assessment", "default_assessment"])
def test_word_contents_page_numbers_match_libreoffices_layout(which, request, charts, tmp_path):
    """Every heading is on the page the contents says, when LibreOffice lays it out: the
    sample, and the default build, whose contents fills two pages and whose appendix
    tables run over many (its numbers were each one short, and later drifted by one)."""
    import docx

    soffice = _program("soffice", "libreoffice")
    assessment = request.getfixturevalue(which)
    path = render_docx(assessment, tmp_path / "report.docx", charts=charts)
    profile = Path(tempfile.mkdtemp(prefix="dana-lo-"))
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
            capture_output=True, timeout=180, check=False,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), "LibreOffice converted nothing"
    # each page's lines, less the running header (the report's title) on the first
    pages = [
        [" ".join(line.split()) for line in p.extract_text().splitlines()][1:]
        for p in pypdf.PdfReader(str(pdf)).pages
    ]
    entries = _contents(docx.Document(str(path)))
    assert entries
    start = 2  # after the title page and the contents page
    for title, page in entries:
        wanted = " ".join(title.split())

        def is_heading(line, wanted=wanted):  # the whole title, or the first line of a wrapped one
            return line == wanted or (len(line) >= 25 and wanted.startswith(line))

        found = next(
            (i + 1 for i in range(start, len(pages)) if any(is_heading(x) for x in pages[i])), None
        )
        assert found == page, (title, page, found)
        start = found - 1
    assert any(re.fullmatch(r"Page \d+", line) for line in pages[-1])


def test_on_a_phone_the_page_never_scrolls_sideways(sample_assessment, charts, tmp_path):
    """At phone width only tables and charts scroll (inside their own boxes); the page
    itself fits. (Hidden text in a scrolled table once widened the whole page.)"""
    chromium = _program("chromium", "chromium-browser")
    html = render_html(sample_assessment, tmp_path / "report.html", charts=charts)
    probe = (
        '<script>window.addEventListener("load", function () { var d = document.documentElement;'
        ' document.body.setAttribute("data-width", d.scrollWidth + "/" + d.clientWidth); });</script></body>'
    )
    page = tmp_path / "probe.html"
    page.write_text(html.read_text(encoding="utf-8").replace("</body>", probe), encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="dana-chromium-")
    try:
        dom = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=390,2000", "--virtual-time-budget=3000",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=False,
        ).stdout  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    widths = re.search(r'data-width="(\d+)/(\d+)"', dom)
    assert widths, "the page did not load"
    scroll, client = map(int, widths.groups())
    assert scroll <= client
