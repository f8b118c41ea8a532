"""The slide-pack renderer: re-open the .pptx with python-pptx and check the slides.

The expected slide order is counted by hand from the sample (tests/render/sample.py):

    1 title, 2 about,
    3 Drugs (divider; no figures of its own),
    4 The impact of drug use (divider), 5 trend chart (not linked to a figure in the
      sample, so shown with the section's charts), 6 deaths from drug misuse,
      7 drug-poisoning admissions,
    8 Drug service users (divider), 9 compare-bar chart, 10 funnel chart, 11 adults in
      treatment, 12 early exits, 13 opiate completions, 14 substance table,
    15 Alcohol (divider), 16 pyramid, 17 dependency, 18 deaths in treatment (suppressed),
    19 Children and young people (divider), 20 spine chart, 21 under-18 admissions,
      22 15-24 admissions,
    23 recommendations list, 24-26 one card each, 27 data gaps,
    28 sources (9 figures fit one slide), 29 licence.

Chart and table slides carry the shared figure and table numbers in their titles.
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
    with_long_finding,
)

from dana.render import numbering, render_pptx

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def pack(sample_assessment, charts, tmp_path_factory):
    path = tmp_path_factory.mktemp("pptx") / "pack.pptx"
    assert render_pptx(with_leaky_suppressed_value(sample_assessment), path, charts=charts) == path
    return Presentation(str(path))


@pytest.fixture(scope="module")
def linked_pack(sample_assessment, charts, tmp_path_factory):
    path = tmp_path_factory.mktemp("pptx") / "linked.pptx"
    return Presentation(
        str(render_pptx(with_linked_charts(sample_assessment), path, charts=charts))
    )


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


def _pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_slide_count_and_order(pack, sample_assessment):
    titles = [_title(s) for s in pack.slides]
    assert len(titles) == 29
    assert titles[0] == "Drugs and Alcohol Needs Assessment for Peterborough"
    numbers = numbering(sample_assessment)
    trend = sample_assessment.all_sections()[1].charts[0]
    assert titles[2:7] == [
        "Drugs",
        "The impact of drug use",
        f"Figure {numbers.figure(trend)}: {trend.title}",
        "Deaths from drug misuse",
        "Hospital admissions for drug poisoning",
    ]
    assert titles[10:13] == [
        "Adults in drug treatment",
        "Early unplanned exits from drug treatment",
        "Successful completion of drug treatment: opiate users",
    ]
    table = sample_assessment.all_sections()[2].tables[0]
    number = numbering(sample_assessment).table(table)
    assert titles[13] == f"Table {number}: Adults in treatment by substance group, 2021/22"
    assert titles[17] == "Deaths in alcohol treatment"
    assert titles[22] == "Recommendations"
    assert titles[23] == "Recommendation 1: To reduce early unplanned exits from drug treatment."
    assert titles[26] == "Areas where data was lacking"
    assert titles[27] == "Sources and methods"
    assert titles[28] == "Licence, attributions and disclosure control"


def test_every_slide_is_numbered_and_flagged_synthetic(pack):
    for number, slide in enumerate(pack.slides, 1):
        texts = _texts(slide)
        if number > 1:
            assert str(number) in texts, number
        assert any("SYNTHETIC" in t for t in texts), number


def test_figure_slide_shows_value_interval_comparison_finding_and_source(pack):
    slide = pack.slides[6]  # hospital admissions for drug poisoning
    texts = _texts(slide)
    assert "41.5 per 100,000" in texts
    assert any(t.startswith("95% CI 36.2 to 47.4") for t in texts)
    assert "\u25bc Worse than England (26.1 per 100,000), 99.8% level" in texts
    assert (
        "Hospital admissions for drug poisoning (41.5 per 100,000) are significantly worse "
        "than England (26.1) at the 99.8% level." in texts
    )
    assert any(t.startswith("Period: 2021/22. Source: OHID Fingertips API") for t in texts)
    # no chart for it in the sample: a compare table with each benchmark instead
    (table,) = [s.table for s in slide.shapes if s.has_table]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[1][:3] == ["Peterborough", "41.5 per 100,000", "36.2 to 47.4"]
    assert rows[2] == ["England", "26.1 per 100,000", "", "\u25bc Worse (99.8%)"]
    assert rows[3] == ["East of England", "22.3 per 100,000", "", "\u25bc Worse"]


def test_similar_reads_similar_to(pack):
    assert "\u25cf Similar to England (5.2 per 100,000)" in _texts(pack.slides[5])


def test_suppressed_figure_shows_star_and_never_the_number(pack):
    slide = pack.slides[17]
    texts = _texts(slide)
    assert "*" in texts
    assert not any(leak in t for t in texts for leak in LEAKY_TEXTS)
    all_text = " ".join(t for s in pack.slides for t in _texts(s))
    assert not any(leak in all_text for leak in LEAKY_TEXTS)


def test_free_text_survives_literally(pack):
    texts = _texts(pack.slides[11])
    assert f"Early unplanned exits (21.4%) are worse than England (15.6%). {SCRIPT}" in texts
    assert any("& are less likely to recover" in t for t in _texts(pack.slides[23]))


def test_section_charts_are_pictures_with_alt_text(pack, sample_assessment):
    alt = {c.id: c.alt_text for s in sample_assessment.all_sections() for c in s.charts}
    pictures = [p for slide in pack.slides for p in _pictures(slide)]
    assert sorted(p._element.nvPicPr.cNvPr.get("descr") for p in pictures) == sorted(alt.values())
    assert all(p.width.inches >= 4 for p in pictures)


def test_linked_charts_replace_compare_tables(linked_pack, sample_assessment):
    assert len(linked_pack.slides) == 26  # the three linked charts no longer need own slides
    slide = linked_pack.slides[4]
    assert _title(slide) == "Deaths from drug misuse"
    (picture,) = _pictures(slide)
    trend = next(c for c in sample_assessment.all_sections()[1].charts)
    assert picture._element.nvPicPr.cNvPr.get("descr") == trend.alt_text
    assert not any(s.has_table for s in slide.shapes)


def test_recommendation_card(pack):
    texts = _texts(pack.slides[23])
    assert "Early unplanned exits (21.4%) are worse than England (15.6%)." in " ".join(texts)
    card = "\n".join(texts)
    assert "GAP\nNo local data on reasons for early exit." in card  # the label says GAP once
    assert "GAP: " not in card
    assert "ADULT \u2713" in texts and "C&YP" in texts
    assert "TREATMENT \u2713" in texts and "RECOVERY \u2713" in texts and "HARM" in texts
    assert "Short term (under 6 months)" in texts
    assert any(t.endswith("Evidence: slide 12") for t in texts)


def test_data_gaps_and_licence(pack):
    gap_rows = [
        [c.text for c in row.cells]
        for s in pack.slides[26].shapes
        if s.has_table
        for row in s.table.rows
    ]
    assert gap_rows[1][:3] == [
        "Deaths in alcohol treatment",
        "Alcohol",
        "Suppressed (small numbers)",
    ]
    licence = " ".join(_texts(pack.slides[28]))
    assert "Open Government Licence v3.0" in licence
    assert "Counts of 1 to 7 are suppressed" in licence


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


def test_shapes_stay_on_the_slide_with_legible_text(pack, linked_pack):
    _assert_on_slide(pack)
    _assert_on_slide(linked_pack)


def test_overlong_finding_flows_to_a_continued_slide(sample_assessment, charts, tmp_path):
    """A finding too long for its box is never cut off: the rest goes on the next slide."""
    long = with_long_finding(sample_assessment, "92432", words=400)
    prs = Presentation(str(render_pptx(long, tmp_path / "long.pptx", charts=charts)))
    _assert_on_slide(prs)
    words = []
    titles = [_title(s) for s in prs.slides]
    first = titles.index("Deaths from drug misuse")
    assert titles[first + 1] == "Deaths from drug misuse (continued)"
    continued = [s for s in prs.slides if _title(s).startswith("Deaths from drug misuse")]
    assert len(continued) >= 2
    for slide in continued:
        for shape in slide.shapes:
            if shape.has_text_frame and "word" in shape.text_frame.text:
                words += [w for w in shape.text_frame.text.split() if w.startswith("word")]
    assert words == [f"word{i}" for i in range(400)]  # every word, once, in order
    assert "\u2026" not in " ".join(t for s in prs.slides for t in _texts(s))


def test_an_indicators_further_charts_follow_its_slide(sample_assessment, charts, tmp_path):
    """A figure with a trend, a bar and a funnel: the trend on the figure's slide, then a
    slide for each of the other two, in figure-number order, each large enough to read."""
    from dataclasses import replace

    drugs = sample_assessment.sections[0]
    harm, treatment = drugs.subsections
    adults = treatment.figures[0].indicator_id
    trend = replace(harm.charts[0], extra={**harm.charts[0].extra, "indicator_id": adults})
    linked = tuple(replace(c, extra={**c.extra, "indicator_id": adults}) for c in treatment.charts)
    treatment = replace(treatment, charts=(trend, *linked))
    harm = replace(harm, charts=())
    odd = replace(
        sample_assessment,
        sections=(replace(drugs, subsections=(harm, treatment)), *sample_assessment.sections[1:]),
    )
    prs = Presentation(str(render_pptx(odd, tmp_path / "grouped.pptx", charts=charts)))
    titles = [_title(s) for s in prs.slides]
    i = titles.index("Adults in drug treatment")
    numbers = numbering(odd)
    assert [numbers.figure(c) for c in treatment.charts] == [1, 2, 3]
    assert titles[i + 1 : i + 3] == [
        f"Figure {numbers.figure(c)}: {c.title}" for c in treatment.charts[1:]
    ]
    assert [len(_pictures(prs.slides[j])) for j in (i, i + 1, i + 2)] == [1, 1, 1]
    assert all(p.width.inches >= 6 for j in (i + 1, i + 2) for p in _pictures(prs.slides[j]))
    _assert_on_slide(prs)


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
