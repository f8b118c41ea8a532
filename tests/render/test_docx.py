"""The Word renderer: re-open the .docx with python-docx and check what a reader gets.

Expected values are read off the hand-built sample (tests/render/sample.py), not from
the renderer: e.g. hospital admissions for drug poisoning are 41.5 per 100,000 (95% CI
36.2 to 47.4), England 26.1, judged worse at the 99.8% level.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace

import docx
import pytest
from docx.oxml.ns import qn
from variants import LEAKY_TEXTS, with_leaky_suppressed_value

from dana.render import render_docx

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def rendered(sample_assessment, charts, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "assessment.docx"
    assert render_docx(with_leaky_suppressed_value(sample_assessment), path, charts=charts) == path
    return path


@pytest.fixture(scope="module")
def document(rendered):
    return docx.Document(str(rendered))


def _table_rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def _find_table(document, first_header):
    return [t for t in document.tables if t.rows[0].cells[0].text == first_header]


def test_headings_use_built_in_styles_in_section_order(document):
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Introduction"),
        ("Heading 2", "How to read this report"),
        ("Heading 1", "Drugs"),
        ("Heading 2", "The impact of drug use"),
        ("Heading 2", "Drug service users & service outcomes"),
        ("Heading 1", "Alcohol"),
        ("Heading 1", "Children and young people"),
        ("Heading 1", "Recommendations"),
        ("Heading 2", "Recommendation 1: To reduce early unplanned exits from drug treatment."),
        ("Heading 2", "Recommendation 2: To investigate hospital admissions for drug poisoning."),
        ("Heading 2", "Recommendation 3: To develop the approach to prevention for school-aged children."),
        ("Heading 1", "Areas where data was lacking"),
        ("Heading 1", "Appendix: data sources and methods"),
        ("Heading 2", "Provenance of each figure"),
        ("Heading 2", "Disclosure control"),
        ("Heading 2", "Licence and attributions"),
    ]  # fmt: skip


def test_title_page_and_synthetic_notice(document):
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text == "Drugs and Alcohol Needs Assessment for Peterborough"
    assert document.core_properties.title == "Drugs and Alcohol Needs Assessment for Peterborough"
    texts = [p.text for p in document.paragraphs]
    assert "Peterborough" in texts and "Period: 2021/22" in texts
    assert any(t.startswith("SYNTHETIC DATA:") for t in texts[:8])


def _contents_entries(document):
    """(style, title, bookmark, page) of each line of the contents field's cached result."""
    out = []
    for p in document.element.body.iter(qn("w:p")):
        link = p.find(qn("w:hyperlink"))
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if link is None or style is None or not style.get(qn("w:val")).startswith("TOC"):
            continue
        texts = [t.text for t in link.iter(qn("w:t"))]
        out.append((style.get(qn("w:val")), texts[0], link.get(qn("w:anchor")), texts[-1]))
    return out


def test_contents_page_is_filled_in_when_the_file_is_opened(document, rendered):
    """Every heading is listed with a page number and a link, inside a TOC field Word
    can refresh; nothing asks the reader to "Update Field"."""
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    entries = _contents_entries(document)
    assert [e[1] for e in entries] == [h.text for h in headings]
    assert [e[0] for e in entries][:3] == [
        "TOC1",
        "TOC2",
        "TOC1",
    ]  # Introduction, How to read, Drugs
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}
    assert all(e[2] in bookmarks for e in entries)
    pages = [int(e[3]) for e in entries]
    assert pages[0] == 3  # title page 1, contents page 2, the introduction on page 3
    assert pages == sorted(pages)
    instructions = [el.text for el in document.element.body.iter(qn("w:instrText"))]
    assert any('TOC \\o "1-3"' in i for i in instructions)
    with zipfile.ZipFile(rendered) as z:
        body = z.read("word/document.xml").decode()
        assert b"w:updateFields" not in z.read("word/settings.xml")
    assert "Update Field" not in body


def test_document_language_is_british_english(rendered):
    with zipfile.ZipFile(rendered) as z:
        styles = z.read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles


def test_no_synthetic_notice_for_real_data(sample_assessment, tmp_path, charts):
    path = render_docx(
        replace(sample_assessment, synthetic=False), tmp_path / "real.docx", charts=charts
    )
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "SYNTHETIC" not in text


def test_key_figures_table_values_comparisons_and_suppression(document):
    tables = _find_table(document, "Indicator")
    key_tables = [t for t in tables if len(t.columns) == 8]
    assert len(key_tables) == 4  # one per section with figures
    assert all(t.style.name == "Light Grid Accent 1" for t in key_tables)
    rows = {r[0]: r for t in key_tables for r in _table_rows(t)[1:]}
    assert _table_rows(key_tables[0])[0] == [
        "Indicator", "Period", "Value", "95% CI", "England", "Compared with England",
        "Recent trend", "Source",
    ]  # fmt: skip
    assert rows["Hospital admissions for drug poisoning"] == [
        "Hospital admissions for drug poisoning", "2021/22", "41.5 per 100,000",
        "36.2 to 47.4", "26.1 per 100,000", "\u25bc Worse (99.8%)",
        "Decreasing and getting better", "[1]",
    ]  # fmt: skip
    # The source is written once, as a numbered note under the table, not in every row.
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Source: [1] OHID Fingertips API" in text or "[1] OHID Fingertips API;" in text
    assert rows["Deaths from drug misuse"][5] == "\u25cf Similar"
    assert rows["Adults in drug treatment"][5] == "\u25b3 Higher"
    assert (
        rows["Admission episodes for alcohol-specific conditions - Under 18s"][5] == "\u25b2 Better"
    )
    assert rows["Hospital admissions due to substance misuse (15 to 24 years)"][5] == "\u25bd Lower"
    # dana.formatting: a percentage of 10 or more is whole, its interval at the same precision
    assert rows["Early unplanned exits from drug treatment"][2:5] == ["21%", "18 to 25", "16%"]
    assert rows["Adults in drug treatment"][2:5] == [
        "705 per 100,000",
        "665 to 747",
        "457 per 100,000",
    ]
    # suppressed: "*" for the value and its interval, whatever number is in the model
    assert rows["Deaths in alcohol treatment"][2:4] == ["*", "*"]
    # a modelled estimate with no interval
    assert rows["Adults with alcohol dependency (estimated)"][2:6] == [
        "2,891",
        "-",
        "-",
        "\u25cb Not compared",
    ]


def test_suppressed_number_never_printed(rendered):
    with zipfile.ZipFile(rendered) as z:
        xml = z.read("word/document.xml").decode()
    for leak in LEAKY_TEXTS:
        assert leak not in xml


def test_display_table_keeps_suppressed_cells(document):
    (table,) = _find_table(document, "Substance group")
    rows = _table_rows(table)
    assert rows[0] == ["Substance group", "Number", "Per cent", "England per cent"]
    assert rows[2] == ["Non-opiate only", "*", "*", "6.3"]


def test_charts_are_pictures_with_alt_text_and_captions(document, sample_assessment):
    charts = [c for s in sample_assessment.all_sections() for c in s.charts]
    descriptions = [el.get("descr") for el in document.element.body.iter(qn("wp:docPr"))]
    assert sorted(descriptions) == sorted(c.alt_text for c in charts)
    assert len(document.inline_shapes) == 5
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert (
        "Figure 1: Deaths from drug misuse, Peterborough and England, 2015-17 to 2020-22"
        in captions
    )
    assert "Table 1: Key figures: The impact of drug use" in captions
    # every picture is readable at text width, not a thumbnail
    assert all(shape.width.inches > 3 for shape in document.inline_shapes)


def test_findings_are_editable_paragraphs_with_slide_references(document, rendered):
    texts = [p.text for p in document.paragraphs if p.style.name == "Normal"]
    # By hand (test_pptx's docstring): 1 title, 2 about, 3 Drugs, 4 the impact of drug
    # use (its key figures, drug-poisoning admissions among them), 5 drug service users
    # (its key figures, early exits among them).
    assert (
        f"Early unplanned exits (21.4%) are worse than England (15.6%). {SCRIPT} (slide 5)" in texts
    )
    assert (
        "Hospital admissions for drug poisoning (41.5 per 100,000) are significantly worse than England (26.1) at the 99.8% level. (slide 4)"
        in texts
    )
    with zipfile.ZipFile(rendered) as z:
        xml = z.read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
    assert "England &amp; its nearest" in xml


def test_recommendation_cards(document):
    cards = _find_table(document, "Key finding")
    assert len(cards) == 3
    first = dict((r[0], r[1]) for r in _table_rows(cards[0]))
    assert first["Key finding"] == "Early unplanned exits (21.4%) are worse than England (15.6%)."
    assert first["Timescale"] == "Short term (under 6 months)"
    assert first["Area"] == "ADULT"
    assert first["Outcome framework area"] == (
        "TREATMENT (Increasing engagement in treatment); RECOVERY (Improving recovery outcomes)"
    )
    assert first["GAP"] == "No local data on reasons for early exit."  # the label says GAP once
    assert first["Evidence"] == "See slide 5 of the slide pack."
    assert dict((r[0], r[1]) for r in _table_rows(cards[2]))["Area"] == "C&YP"
    (listing,) = _find_table(document, "Number")
    assert _table_rows(listing)[1] == ["1", "To reduce early unplanned exits from drug treatment."]


def test_data_gaps_provenance_licence_and_disclosure(document, sample_assessment):
    gaps = [t for t in _find_table(document, "Indicator") if t.rows[0].cells[2].text == "Reason"]
    assert _table_rows(gaps[0])[2] == [
        "Year 10 pupils who drank alcohol in the last week",
        "Children and young people",
        "No data",
        "No school survey for Peterborough since 2019.",
    ]
    provenance = [t for t in document.tables if t.rows[0].cells[-1].text == "Method"]
    assert len(provenance[0].rows) == 1 + len(sample_assessment.provenance)
    # the retrieval date and licence every figure shares are said once, above the table
    assert [c.text for c in provenance[0].rows[0].cells] == [
        "Indicator",
        "Period",
        "Source",
        "Method",
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0."
        in text
    )
    assert "Counts of 1 to 7 are suppressed and shown as *" in text


def test_failed_write_leaves_previous_file_and_no_temporary(
    sample_assessment, tmp_path, monkeypatch
):
    target = tmp_path / "report.docx"
    target.write_bytes(b"previous version")

    def half_save(self, path):
        with open(path, "wb") as fh:
            fh.write(b"PK half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(docx.document.Document, "save", half_save)
    with pytest.raises(OSError, match="disk full"):
        render_docx(sample_assessment, target)
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_missing_folder_is_a_clear_error(sample_assessment, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        render_docx(sample_assessment, tmp_path / "no-such-folder" / "report.docx")


def test_control_characters_in_free_text_do_not_break_the_file(sample_assessment, tmp_path, charts):
    odd = replace(sample_assessment, introduction="Tab\tand bell\x07 and form feed\x0c here.")
    path = render_docx(odd, tmp_path / "odd.docx", charts=charts)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "Tab\tand bell and form feed here." in texts


NASTY = 'A & B <w:t>\x0b</w:t> ]]> \x07 "quoted"'


def _nasty_names(assessment):
    """Every figure, gap and recommendation title carries markup and control characters."""
    from variants import _map_sections

    def fix(section):
        figures = tuple(replace(f, name=f"{f.name} {NASTY}", trend=NASTY) for f in section.figures)
        return replace(section, title=f"{section.title} {NASTY}", figures=figures)

    return replace(
        assessment,
        sections=_map_sections(assessment.sections, fix),
        data_gaps=tuple(replace(g, detail=NASTY) for g in assessment.data_gaps),
        recommendations=tuple(
            replace(r, title=NASTY, gap_statement=NASTY) for r in assessment.recommendations
        ),
    )


def test_markup_and_control_characters_in_table_cells_are_kept_as_text(
    sample_assessment, tmp_path, charts
):
    """Table cells (key figures, gaps, recommendation cards) used to pass raw text to
    python-docx, which refuses control characters: the whole report failed."""
    path = render_docx(_nasty_names(sample_assessment), tmp_path / "nasty.docx", charts=charts)
    clean = 'A & B <w:t></w:t> ]]>  "quoted"'
    document = docx.Document(str(path))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert any(c.endswith(clean) for c in cells)  # an indicator name, literally
    assert clean in cells  # trend, gap detail, GAP statement
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "&lt;w:t&gt;" in body and "\x0b" not in body and "\x07" not in body


def test_a_recommendations_list_of_points_keeps_its_lines(sample_assessment, charts, tmp_path):
    """Line breaks in a card's text are line breaks in Word, not spaces (Coventry's
    recommendations list their points one a line)."""
    points = "The service should:\n- widen its hours\n- open a second site"
    first = replace(sample_assessment.recommendations[0], key_finding=points)
    wider = replace(
        sample_assessment, recommendations=(first, *sample_assessment.recommendations[1:])
    )
    document = docx.Document(str(render_docx(wider, tmp_path / "points.docx", charts=charts)))
    cells = [c for t in document.tables for row in t.rows for c in row.cells]
    shown = next(c for c in cells if c.text.startswith("The service should:"))
    assert shown.text == points  # python-docx reads each w:br back as a newline
    assert len(shown._tc.findall(".//" + qn("w:br"))) == 2
