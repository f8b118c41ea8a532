"""The PDF renderer: re-open the file with pypdf and check outline, pages, text, metadata."""

from __future__ import annotations

import re

import pypdf
import pytest
from variants import LEAKY_TEXTS, with_leaky_suppressed_value

import dana.render.pdf_page as pdf_page
from dana.render import render_pdf

SCRIPT = "<script>alert(1)</script>"

EXPECTED_OUTLINE = [
    (0, "Introduction"),
    (1, "How to read this report"),
    (0, "Drugs"),
    (1, "The impact of drug use"),
    (1, "Drug service users & service outcomes"),
    (0, "Alcohol"),
    (0, "Children and young people"),
    (0, "Recommendations"),
    (1, "Recommendation 1: To reduce early unplanned exits from drug treatment."),
    (1, "Recommendation 2: To investigate hospital admissions for drug poisoning."),
    (1, "Recommendation 3: To develop the approach to prevention for school-aged children."),
    (0, "Areas where data was lacking"),
    (0, "Appendix: data sources and methods"),
    (1, "Provenance of each figure"),
    (1, "Disclosure control"),
    (1, "Licence and attributions"),
]


@pytest.fixture(scope="module")
def reader(sample_assessment, charts, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "assessment.pdf"
    assert render_pdf(with_leaky_suppressed_value(sample_assessment), path, charts=charts) == path
    return pypdf.PdfReader(str(path))


@pytest.fixture(scope="module")
def page_texts(reader):
    return [page.extract_text() for page in reader.pages]


def _outline(reader):
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def test_outline_lists_every_heading_at_its_level(reader):
    assert [(level, title) for level, title, _ in _outline(reader)] == EXPECTED_OUTLINE


def test_bookmarks_point_at_the_page_with_the_heading(reader, page_texts):
    for _, title, page in _outline(reader):
        flat = " ".join(page_texts[page].split())
        assert " ".join(title.split()) in flat, (title, page)


def test_pages_are_numbered(reader, page_texts):
    assert len(reader.pages) >= 8  # title, contents, chapters (each on a new page), appendix
    for number, text in enumerate(page_texts, 1):
        assert re.search(rf"\bPage {number}\b", text), number


def test_metadata_and_viewer_preferences(reader):
    assert reader.metadata.title == "Drugs and Alcohol Needs Assessment for Peterborough"
    assert reader.metadata.subject == "Drug and alcohol needs assessment: Peterborough"
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert root["/PageMode"] == "/UseOutlines"
    assert root["/Lang"] == "en-GB"


def test_contents_page_lists_headings_with_page_numbers(reader, page_texts):
    contents = page_texts[1]
    assert "Contents" in contents
    outline = _outline(reader)
    for _, title, _ in outline:
        assert title[:25] in contents
    # each entry's dot leader ends in its page number (1-based), in heading order
    numbers = [int(n) for n in re.findall(r"\. (\d+)$", contents, flags=re.MULTILINE)]
    assert numbers == [page + 1 for _, _, page in outline]


def _contents_numbers(reader) -> list[int]:
    """The page numbers the contents page gives, in order."""
    contents = reader.pages[1].extract_text()
    return [int(n) for n in re.findall(r"\. (\d+)$", contents, flags=re.MULTILINE)]


def _count_layouts(monkeypatch) -> list:
    """A list that gets an entry each time the report is laid out."""
    real, layouts = pdf_page.ReportTemplate.build, []

    def counted(self, flowables, *args, **kwargs):
        layouts.append(self.filename)
        return real(self, flowables, *args, **kwargs)

    monkeypatch.setattr(pdf_page.ReportTemplate, "build", counted)
    return layouts


def test_the_report_is_laid_out_once(sample_assessment, charts, tmp_path, monkeypatch):
    """The contents' page numbers are filled in at the end, not found by a first layout."""
    layouts = _count_layouts(monkeypatch)
    reader = pypdf.PdfReader(str(render_pdf(sample_assessment, tmp_path / "a.pdf", charts=charts)))
    assert len(layouts) == 1
    assert _contents_numbers(reader) == [page + 1 for _, _, page in _outline(reader)]


def test_a_heading_the_contents_did_not_list_is_found_and_numbered(
    sample_assessment, charts, tmp_path, monkeypatch
):
    """Should the layout place a heading the story's list missed, it runs again with the
    headings it found, and every entry still gets its heading's page."""
    listed = pdf_page._heading_entries
    monkeypatch.setattr(pdf_page, "_heading_entries", lambda story: listed(story)[:-3])
    layouts = _count_layouts(monkeypatch)
    reader = pypdf.PdfReader(str(render_pdf(sample_assessment, tmp_path / "b.pdf", charts=charts)))
    assert len(layouts) == 2
    outline = _outline(reader)
    # every heading (the three the list missed too) has its entry and its page
    assert _contents_numbers(reader) == [page + 1 for _, _, page in outline]


def test_free_text_is_escaped_not_interpreted(page_texts):
    text = " ".join(" ".join(page_texts).split())
    assert f"(15.6%). {SCRIPT} (slide 5)" in text
    assert "England & its nearest neighbours" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_key_figures_comparison_symbols_and_suppression(page_texts):
    text = " ".join(" ".join(page_texts).split())
    assert "\u25bc Worse (99.8%)" in text
    assert "\u25cf Similar" in text and "\u25b2 Better" in text and "\u25bd Lower" in text
    assert "36.2 to 47.4" in text
    # dana.formatting: 705.2 per 100,000 is written "705", its interval "665 to 747"
    assert "705 per 100,000" in text and "665 to 747" in text and "705.2" not in text
    for leak in LEAKY_TEXTS:
        assert leak not in text
    # the suppressed row: name, period, then "*" for value and interval
    assert re.search(r"Deaths in alcohol treatment 2018/19 - ?20/21 \* \*", text)


def test_charts_are_images_with_written_descriptions(reader, page_texts, sample_assessment):
    charts = [c for s in sample_assessment.all_sections() for c in s.charts]
    images = sum(len(page.images) for page in reader.pages)
    assert images == len(charts) == 5
    text = " ".join(" ".join(page_texts).split())
    for chart in charts:
        assert " ".join(f"Chart description: {chart.alt_text}".split()) in text


def test_recommendations_gaps_and_licence(page_texts):
    text = " ".join(" ".join(page_texts).split())
    assert "GAP No local data on reasons for early exit." in text  # label, then the text
    assert "GAP GAP" not in text
    assert "Timescale Short term (under 6 months)" in text
    assert "Evidence See slide 5 of the slide pack." in text
    assert "No school survey for Peterborough since 2019." in text
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0."
        in text
    )


def test_failed_write_leaves_no_file(sample_assessment, charts, tmp_path, monkeypatch):
    def broken(self, flowables, *args, **kwargs):
        with open(self.filename, "wb") as fh:
            fh.write(b"%PDF-1.4 half")
        raise OSError("disk full")

    monkeypatch.setattr(pdf_page.ReportTemplate, "build", broken)
    with pytest.raises(OSError, match="disk full"):
        render_pdf(sample_assessment, tmp_path / "assessment.pdf", charts=charts)
    assert list(tmp_path.iterdir()) == []


def test_reportlab_markup_in_free_text_is_printed_literally(sample_assessment, charts, tmp_path):
    """Paragraph mini-markup and entities in titles, findings and cards are text, not tags
    (an unescaped "<font" or "&nbsp" would restyle the page or stop the build)."""
    from dataclasses import replace

    from variants import _map_sections

    nasty = '<font size="40">big</font> <para> &nbsp; a < b & c > d'

    def fix(section):
        return replace(section, title=f"{section.title} {nasty}", summary=nasty)

    odd = replace(
        sample_assessment,
        sections=_map_sections(sample_assessment.sections, fix),
        recommendations=tuple(replace(r, title=nasty) for r in sample_assessment.recommendations),
    )
    path = render_pdf(odd, tmp_path / "nasty.pdf", charts=charts)
    reader = pypdf.PdfReader(str(path))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert nasty in text
    assert any(title.endswith(nasty) for _, title, _ in _outline(reader))


def test_figure_numbers_and_table_numbers_match_the_shared_numbering(page_texts, sample_assessment):
    from dana.render import numbering

    numbers = numbering(sample_assessment)
    text = " ".join(" ".join(page_texts).split())
    for section in sample_assessment.all_sections():
        for chart in section.charts:
            assert f"Figure {numbers.figure(chart)}: {chart.title}" in text
        if section.figures:
            assert f"Table {numbers.key_figures(section)}: Key figures: {section.title}" in text


def test_running_header_never_runs_into_the_synthetic_badge(sample_assessment):
    from dataclasses import replace

    from dana.render import measure

    long = replace(sample_assessment, title="Drugs and Alcohol Needs Assessment " * 4)
    header = pdf_page.running_title(long)
    badge = measure.text_width("SYNTHETIC DATA", 8, "sans-bold")
    assert measure.text_width(header, 8, "sans") + badge + 12 <= pdf_page.TEXT_W
    assert header == "Drug and alcohol needs assessment: Peterborough"


def test_contents_over_several_pages_gives_every_heading_its_page(
    sample_assessment, charts, tmp_path
):
    """One layout sets the pages (the page numbers are forms filled in at the end, so
    they never change the contents' layout): with enough headings to fill two contents
    pages, each entry's number is still the page its heading is on."""
    from dataclasses import replace

    from variants import _map_sections

    def copied(copy):
        return _map_sections(
            sample_assessment.sections,
            lambda s: replace(s, id=f"{s.id}-{copy}", title=f"{s.title} (part {copy})"),
        )

    many = tuple(section for copy in range(1, 16) for section in copied(copy))
    path = render_pdf(
        replace(sample_assessment, sections=many), tmp_path / "long.pdf", charts=charts
    )
    reader = pypdf.PdfReader(str(path))
    texts = [page.extract_text() for page in reader.pages]
    contents_pages = [i for i, text in enumerate(texts[:6]) if ". . ." in text.replace("  ", " ")]
    assert len(contents_pages) >= 2, "the contents should run over more than one page"
    contents = "\n".join(texts[i] for i in contents_pages)
    numbers = [int(n) for n in re.findall(r"\.\s+(\d+)$", contents, flags=re.MULTILINE)]
    outline = _outline(reader)
    assert numbers == [page + 1 for _, _, page in outline]
    for _, title, page in outline:
        assert " ".join(title.split()) in " ".join(texts[page].split()), (title, page)


def test_a_recommendations_list_of_points_keeps_its_lines(sample_assessment, charts, tmp_path):
    """Line breaks in a card's text are line breaks in the PDF too (and markup in the
    text is still printed, not obeyed)."""
    from dataclasses import replace

    points = "The service should:\n- widen <b>its</b> hours\n- open a second site"
    first = replace(sample_assessment.recommendations[0], key_finding=points)
    wider = replace(
        sample_assessment, recommendations=(first, *sample_assessment.recommendations[1:])
    )
    reader = pypdf.PdfReader(str(render_pdf(wider, tmp_path / "points.pdf", charts=charts)))
    lines = [" ".join(x.split()) for p in reader.pages for x in p.extract_text().splitlines()]
    assert "- widen <b>its</b> hours" in lines and "- open a second site" in lines
