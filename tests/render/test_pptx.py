"""The slide-pack renderer: re-open the .pptx with python-pptx and check the slides.

The expected slide order is counted by hand from the sample (tests/render/sample.py),
each section's panels paired two to a slide (dana.render.slide_panels):

    1 title, 2 about,
    3 Drugs (a chapter with only its summary: the summary as text),
    4 The impact of drug use: its 2 key figures beside the trend chart (Figure 1),
    5 Drug service users & service outcomes (1 of 2): 3 key figures beside the bar
      chart (Figure 2),
    6 ... (2 of 2): the funnel (Figure 3) beside the substance table (Table 3, four
      short rows: half a slide holds it),
    7 Alcohol: 2 key figures beside the pyramid (Figure 4),
    8 Children and young people: 2 key figures beside the spine chart (Figure 5),
    9 recommendations list, 10-12 one card each, 13 data gaps,
    14 sources, licence and disclosure control.

So 14 slides for 9 figures, 5 charts and a table (the old one-slide-per-figure pack had
29). Findings sit in each slide's speaker notes.
"""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu
from variants import (
    LEAKY_TEXTS,
    with_leaky_suppressed_value,
    with_linked_charts,
    with_long_table,
    with_long_text,
)

from dana.render import numbering, render_pptx

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def pack(sample_assessment, charts, tmp_path_factory):
    path = tmp_path_factory.mktemp("pptx") / "pack.pptx"
    assert render_pptx(with_leaky_suppressed_value(sample_assessment), path, charts=charts) == path
    return Presentation(str(path))


def _title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def _rows(slide) -> list[list[str]]:
    return [
        [c.text for c in row.cells] for s in slide.shapes if s.has_table for row in s.table.rows
    ]


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_slide_count_and_order(pack, sample_assessment):
    titles = [_title(s) for s in pack.slides]
    assert titles == [
        "Drugs and Alcohol Needs Assessment for Peterborough",
        "About this slide pack",
        "Drugs",
        "The impact of drug use",
        "Drug service users & service outcomes (1 of 2)",
        "Drug service users & service outcomes (2 of 2)",
        "Alcohol",
        "Children and young people",
        "Recommendations",
        "Recommendation 1: To reduce early unplanned exits from drug treatment.",
        "Recommendation 2: To investigate hospital admissions for drug poisoning.",
        "Recommendation 3: To develop the approach to prevention for school-aged children.",
        "Areas where data was lacking",
        "Sources, licence and disclosure control",
    ]
    assert "Drugs" in _texts(pack.slides[3])  # a subsection's kicker names its chapter


def test_each_section_slide_pairs_its_key_figures_with_a_chart(pack, sample_assessment):
    numbers = numbering(sample_assessment)
    harm, treatment = sample_assessment.sections[0].subsections
    slide = pack.slides[3]
    (picture,) = _pictures(slide)
    assert picture._element.nvPicPr.cNvPr.get("descr") == harm.charts[0].alt_text
    assert f"Figure {numbers.figure(harm.charts[0])}: {harm.charts[0].title}" in _texts(slide)
    rows = _rows(slide)
    assert rows[0] == ["Indicator", "Value", "England", "Compared with England", "Recent trend"]
    assert [r[0] for r in rows[1:]] == [f.name for f in harm.figures]
    # the funnel beside the substance table, which keeps its number and header
    rows = _rows(pack.slides[5])
    table = treatment.tables[0]
    assert f"Table {numbers.table(table)}: {table.title}" in _texts(pack.slides[5])
    assert rows[0] == list(table.data.columns) and len(rows) == 5


def test_key_figure_rows_say_value_england_comparison_and_trend(pack):
    rows = {r[0]: r for r in _rows(pack.slides[3])[1:]}
    assert rows["Hospital admissions for drug poisoning"][1:4] == [
        "41.5 per 100,000",
        "26.1 per 100,000",
        "\u25bc Worse (99.8%)",
    ]
    assert rows["Deaths from drug misuse"][3] == "\u25cf Similar"
    footer = " ".join(_texts(pack.slides[3]))
    assert "Source: OHID Fingertips API" in footer


def test_findings_are_in_the_speaker_notes(pack):
    notes = _notes(pack.slides[3])
    assert (
        "Hospital admissions for drug poisoning (41.5 per 100,000) are significantly worse "
        "than England (26.1) at the 99.8% level." in notes
    )
    assert "Line chart" in notes or "Figure 1:" in notes  # the chart's description too


def test_every_slide_is_numbered_and_flagged_synthetic(pack):
    for number, slide in enumerate(pack.slides, 1):
        texts = _texts(slide)
        if number > 1:
            assert str(number) in texts, number
        assert any("SYNTHETIC" in t for t in texts), number


def test_suppressed_figure_shows_star_and_never_the_number(pack):
    rows = {r[0]: r for r in _rows(pack.slides[6])[1:]}
    assert rows["Deaths in alcohol treatment"][1] == "*"
    all_text = " ".join(t for s in pack.slides for t in [*_texts(s), _notes(s)])
    assert not any(leak in all_text for leak in LEAKY_TEXTS)


def test_free_text_survives_literally(pack):
    assert f"Early unplanned exits (21.4%) are worse than England (15.6%). {SCRIPT}" in _notes(
        pack.slides[4]
    )
    assert any("& are less likely to recover" in t for t in _texts(pack.slides[9]))


def test_every_chart_is_a_picture_with_alt_text(pack, sample_assessment):
    alt = {c.id: c.alt_text for s in sample_assessment.all_sections() for c in s.charts}
    pictures = [p for slide in pack.slides for p in _pictures(slide)]
    assert sorted(p._element.nvPicPr.cNvPr.get("descr") for p in pictures) == sorted(alt.values())
    assert all(p.width.inches >= 3.5 for p in pictures)


def test_linking_charts_to_figures_changes_nothing_on_the_slides(
    sample_assessment, charts, tmp_path
):
    """Charts are placed by section, beside the section's key figures, whether or not
    they are tagged with an indicator (they were given a slide of their own before)."""
    path = render_pptx(with_linked_charts(sample_assessment), tmp_path / "l.pptx", charts=charts)
    titles = [_title(s) for s in Presentation(str(path)).slides]
    assert len(titles) == 14 and titles[3] == "The impact of drug use"


def test_recommendation_card(pack):
    texts = _texts(pack.slides[9])
    assert "Early unplanned exits (21.4%) are worse than England (15.6%)." in " ".join(texts)
    card = "\n".join(texts)
    assert "GAP\nNo local data on reasons for early exit." in card  # the label says GAP once
    assert "GAP: " not in card
    assert "ADULT \u2713" in texts and "C&YP" in texts
    assert "TREATMENT \u2713" in texts and "RECOVERY \u2713" in texts and "HARM" in texts
    assert "Short term (under 6 months)" in texts
    # the card's finding (early exits) is a key figure on slide 5
    assert any(t.endswith("Evidence: slide 5") for t in texts)


def test_data_gaps_sources_and_licence(pack):
    gap_rows = _rows(pack.slides[12])
    assert gap_rows[1][:3] == [
        "Deaths in alcohol treatment",
        "Alcohol",
        "Suppressed (small numbers)",
    ]
    licence = " ".join(_texts(pack.slides[13]))
    assert "Open Government Licence v3.0" in licence
    assert "Counts of 1 to 7 are suppressed" in licence
    assert "Sources: OHID Fingertips API (" in licence  # each source once, with its count


def _assert_on_slide(prs):
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= width, (number, shape.name)
            assert shape.top + shape.height <= height, (number, shape.name)
            if shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    for run in para.runs:
                        assert run.font.size is None or run.font.size >= Emu(7 * 12700), number
            if shape.has_table:  # a table's rows end above the footer
                bottom = shape.top + sum(row.height for row in shape.table.rows)
                assert bottom <= height - Emu(int(0.8 * 914400)), number


def test_shapes_stay_on_the_slide_with_legible_text(pack):
    _assert_on_slide(pack)


def test_overlong_text_flows_on_with_every_word_once(sample_assessment, charts, tmp_path):
    """A section text too long for a slide is never cut off: it continues in the next
    panel (two columns, then further slides), every word once and in order."""
    prs = Presentation(
        str(render_pptx(with_long_text(sample_assessment, 900), tmp_path / "t.pptx", charts=charts))
    )
    _assert_on_slide(prs)
    words = [
        w
        for s in prs.slides
        if _title(s).startswith("Drugs")
        for t in _texts(s)
        for w in t.split()
        if w.startswith("word")
    ]
    assert words == [f"word{i}" for i in range(900)]
    assert "\u2026" not in " ".join(t for s in prs.slides for t in _texts(s))


def test_a_long_table_continues_with_its_header_repeated(sample_assessment, charts, tmp_path):
    prs = Presentation(
        str(render_pptx(with_long_table(sample_assessment, 60), tmp_path / "r.pptx", charts=charts))
    )
    _assert_on_slide(prs)
    bodies = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_table and shape.table.cell(0, 0).text == "Row":
                rows = [[c.text for c in r.cells] for r in shape.table.rows]
                assert rows[0] == ["Row", "Count"]
                bodies += [r[0] for r in rows[1:]]
    assert bodies == [f"row {i}" for i in range(60)]  # every row once, in order
    assert any("(2 of " in t for s in prs.slides for t in _texts(s))


def test_failed_write_leaves_no_file(sample_assessment, charts, tmp_path, monkeypatch):
    import pptx.presentation

    def half_save(self, path):
        with open(path, "wb") as fh:
            fh.write(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(pptx.presentation.Presentation, "save", half_save)
    with pytest.raises(OSError, match="disk full"):
        render_pptx(sample_assessment, tmp_path / "pack.pptx", charts=charts)
    assert list(tmp_path.iterdir()) == []


def test_charts_match_figures_by_extra_or_whole_token(sample_assessment):
    from dataclasses import replace

    from dana.render.content import charts_for_figure

    section = sample_assessment.all_sections()[1]  # the impact of drug use
    deaths = section.figures[0]
    trend = section.charts[0]
    assert deaths.indicator_id == "92432"
    assert charts_for_figure(section, deaths) == []  # the sample leaves charts unlinked
    by_id = replace(section, charts=(replace(trend, id="chart-92432-trend"),))
    assert charts_for_figure(by_id, deaths) == [by_id.charts[0]]
    near_miss = replace(deaths, indicator_id="9243")
    assert charts_for_figure(by_id, near_miss) == []
    by_extra = replace(section, charts=(replace(trend, extra={"indicator_id": "92432"}),))
    assert charts_for_figure(by_extra, deaths) == [by_extra.charts[0]]
    # a spine chart summarises many indicators and never stands in for one
    spine = sample_assessment.all_sections()[-1].charts[0]
    as_spine = replace(section, charts=(replace(spine, extra={"indicator_id": "92432"}),))
    assert charts_for_figure(as_spine, deaths) == []


def test_the_pack_draws_only_the_charts_it_shows(sample_assessment, tmp_path):
    """An appendix chart (a funnel) is not on any slide, so writing the pack alone never
    draws it."""
    from variants import with_new_kinds

    from dana.render.chart_pictures import ChartCache, assessment_charts

    wider = with_new_kinds(sample_assessment)
    cache = ChartCache(workers=1)
    pack = Presentation(str(render_pptx(wider, tmp_path / "pack.pptx", charts=cache)))
    pictures = [
        shape.name
        for slide in pack.slides
        for shape in slide.shapes
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    every = assessment_charts(wider)
    assert "funnel.appendix" in [c.id for c in every]
    assert cache.drawn == len(pictures) == len(every) - 1
