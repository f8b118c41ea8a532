"""The chart kinds and parts added for the document shape (issue 11) in every format:
``small_trends``, ``breakdown`` and ``projection`` charts, display tables of numbers,
and lettered appendices. The sample variant (tests/render/variants.py) is written once in
the four formats."""

from __future__ import annotations

import dataclasses
import struct

import pytest
from docx import Document
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader
from variants import (
    NUMERIC_TABLE,
    breakdown_chart,
    projection_chart,
    small_trends_chart,
    with_new_kinds,
)

from dana.render import ChartDataError, chart_table, draw_picture, render_formats
from dana.render.chart_style import DPI
from dana.render.table_text import column_text, display_cells

SVG = "{http://www.w3.org/2000/svg}"
NEW = ("small_trends.sample", "breakdown.sample", "projection.sample")


@pytest.fixture(scope="module")
def varied(sample_assessment):
    return with_new_kinds(sample_assessment)


@pytest.fixture(scope="module")
def written(varied, charts, tmp_path_factory):
    folder = tmp_path_factory.mktemp("new_kinds")
    targets = {f: folder / f"report.{f}" for f in ("html", "docx", "pdf", "pptx")}
    return render_formats(varied, targets, charts=charts, workers=1)


@pytest.fixture(scope="module")
def new_charts(varied):
    return {c.id: c for s in varied.all_sections() for c in s.charts if c.id in NEW}


def _tips(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode())
    return [
        m.find(f"{SVG}title").text for m in root.iter() if "pt" in (m.get("class") or "").split()
    ]


def test_each_new_kind_is_drawn_once_as_png_and_svg(new_charts, charts):
    for chart in new_charts.values():
        picture = charts.picture(chart, "png")
        width, height = struct.unpack(">II", picture.png[16:24])
        assert (width, height) == picture.pixels
        assert round(picture.width_in * DPI) == width and picture.height_in > 1.5
        assert charts.svg(chart).svg.startswith("<svg")


def test_small_trends_has_a_tooltip_per_drawn_point_and_hides_the_withheld(new_charts, charts):
    tips = _tips(charts.svg(new_charts["small_trends.sample"]).svg)
    assert len(tips) == 5 + 4 + 5  # one period of completions withheld
    assert "Opiate completions, 2020: 5.9% (95% CI 5.3 to 6.5); England 5.0%" in tips
    assert not any("2021" in t and "completions" in t for t in tips)
    population = [t for t in tips if t.startswith("Population, 2023: 206,000")]
    assert population and "England" not in population[0]  # a count: no England on its scale


def test_small_trends_table_writes_each_panel_at_its_own_precision():
    table = chart_table(small_trends_chart())
    rows = {(r.Indicator, r.Period): r for r in table.itertuples()}
    assert rows[("Deaths from drug misuse", "2023")].Value == "6.1"
    assert rows[("Opiate completions", "2021")].Value == "*"
    assert rows[("Population", "2019")].Value == "200,000"
    assert list(table.columns) == [
        "Indicator",
        "Period",
        "Value",
        "Lower CI",
        "Upper CI",
        "England",
    ]


def test_breakdown_bars_and_table_withhold_the_suppressed_category(charts):
    chart = breakdown_chart()
    tips = _tips(draw_picture(chart, ("svg",)).svg)
    assert len(tips) == 9 and "White: 81.0%" in tips  # 10 categories, one withheld
    table = chart_table(chart)
    withheld = table[(table["Group"] == "Opiate") & (table["Category"] == "Other")].iloc[0]
    assert (withheld["Count"], withheld["Share (%)"]) == ("*", "*")
    assert table.iloc[0]["Residents share (%)"] == "75.0"


def test_projection_has_a_point_per_year_and_series():
    chart = projection_chart()
    tips = _tips(draw_picture(chart, ("svg",)).svg)
    assert len(tips) == 16 and "Dependent drinkers, 2030: 2,240 people" in tips
    assert len(chart_table(chart)) == 16


@pytest.mark.parametrize(
    ("chart", "column"),
    [
        (small_trends_chart(), "period_sort"),
        (breakdown_chart(), "share"),
        (projection_chart(), "series"),
    ],
)
def test_missing_columns_are_named(chart, column):
    broken = dataclasses.replace(chart, data=chart.data.drop(columns=column))
    with pytest.raises(ChartDataError, match=column):
        draw_picture(broken)


def test_a_breakdown_group_must_be_a_column():
    chart = dataclasses.replace(breakdown_chart(), extra={"group": "substance"})
    with pytest.raises(ChartDataError, match="substance"):
        draw_picture(chart)


def test_table_numbers_are_written_by_the_one_rule():
    headers, rows, numeric = display_cells(NUMERIC_TABLE)
    assert headers == ["Source", "Count", "Share (%)", "Rate", "Base year"]
    assert numeric == {1, 2, 3, 4}
    # counts whole with separators; a % column by the percentage rule (whole from 10%);
    # other values at the most decimals any of them needs (95.3 -> 1), so 105 -> "105.0"
    assert rows[0] == ["Self", "1,147", "82", "95.3", "2023"]
    assert rows[1] == ["GP", "212", "15", "105.0", "2023"]
    assert rows[2] == ["Criminal justice", "*", "*", "7.3", "2023"]
    assert column_text("Value", [None, float("nan"), "n/a"]) == (["-", "-", "n/a"], False)


def test_every_format_shows_the_new_charts_and_the_numeric_table(varied, written, new_charts):
    alts = {c.alt_text for c in new_charts.values()}
    html = written["html"].read_text(encoding="utf-8")
    for chart in new_charts.values():
        assert f'id="{chart.id}"' in html and f"{chart.alt_text}" in html
    assert ">1,147</td>" in html and ">105.0</td>" in html
    pictures = Document(str(written["docx"])).inline_shapes
    assert alts <= {p._inline.docPr.get("descr") for p in pictures}
    everything = [c for s in varied.all_sections() for c in s.charts]
    everything += [c for s in varied.appendices for c in s.charts]
    reader = PdfReader(str(written["pdf"]))
    assert sum(len(page.images) for page in reader.pages) == len(everything)
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Criminal justice * * 7.3 2023" in text
    slides = Presentation(str(written["pptx"])).slides
    shown = {
        s._element.nvPicPr.cNvPr.get("descr")
        for slide in slides
        for s in slide.shapes
        if s.shape_type == MSO_SHAPE_TYPE.PICTURE
    }
    assert alts <= shown


def test_appendices_are_lettered_and_numbered_after_the_body(varied, written):
    reader = PdfReader(str(written["pdf"]))
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top[-2:] == ["Appendix A: Funnel plots", "Appendix B: data sources and methods"]
    headings = [
        p.text for p in Document(str(written["docx"])).paragraphs if p.style.name == "Heading 1"
    ]
    assert headings[-2:] == ["Appendix A: Funnel plots", "Appendix B: data sources and methods"]
    html = written["html"].read_text(encoding="utf-8")
    assert html.index("Appendix A: Funnel plots") > html.index("Areas where data was lacking")
    # the appendix's funnel is numbered after every chart of the body
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Figure 9: " in text and text.index("Figure 9: ") > text.index(
        "Appendix A: Funnel plots"
    )
