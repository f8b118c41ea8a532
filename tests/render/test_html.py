"""The self-contained accessible HTML report, checked by parsing what was written."""

from __future__ import annotations

import dataclasses
import re

import lxml.html
import pytest
from sample import SCRIPT

from dana.render import ChartCache, ChartDataError, numbering, render_html


@pytest.fixture(scope="module")
def interactive(sample_assessment, charts, tmp_path_factory):
    path = render_html(
        sample_assessment, tmp_path_factory.mktemp("html") / "report.html", charts=charts
    )
    text = path.read_text(encoding="utf-8")
    return path, text, lxml.html.document_fromstring(text)


@pytest.fixture(scope="module")
def static(sample_assessment, charts, tmp_path_factory):
    path = render_html(
        sample_assessment,
        tmp_path_factory.mktemp("html") / "static.html",
        interactive=False,
        charts=charts,
    )
    text = path.read_text(encoding="utf-8")
    return path, text, lxml.html.document_fromstring(text)


def _all_charts(assessment):
    return [c for s in assessment.all_sections() for c in s.charts]


def test_headings_follow_the_section_tree(sample_assessment, interactive):
    _, _, doc = interactive
    assert [h.text_content() for h in doc.xpath("//h1")] == [sample_assessment.title]
    levels = {h.get("id"): int(h.tag[1]) for h in doc.xpath("//h2|//h3|//h4") if h.get("id")}
    assert levels["heading-drugs"] == 2
    assert levels["heading-drugs-harm"] == 3
    assert levels["heading-drugs-treatment"] == 3
    assert levels["heading-cyp"] == 2
    assert not doc.xpath("//h5|//h6")
    # no level is skipped going down the page
    seq = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4")]
    assert all(b <= a + 1 for a, b in zip(seq, seq[1:], strict=False))


def test_landmarks_skip_link_and_contents(sample_assessment, interactive):
    _, _, doc = interactive
    assert doc.xpath("//header[@role='banner']")
    assert doc.xpath("//nav[@aria-labelledby='toc-heading']")
    assert doc.xpath("//footer[@role='contentinfo']")
    skip = doc.xpath("//a[@class='skip-link']")[0]
    assert skip.get("href") == "#main" and doc.xpath("//main[@id='main']")
    assert doc.xpath("/html/@lang") == ["en-GB"]
    title_page = doc.xpath("//header[@role='banner']")[0].text_content()
    for piece in (
        sample_assessment.area.name,
        sample_assessment.generated,
        sample_assessment.author,
    ):
        assert piece in title_page
    ids = set(doc.xpath("//@id"))
    toc_targets = [a.get("href")[1:] for a in doc.xpath("//nav//a")]
    for s in sample_assessment.all_sections():
        assert f"section-{s.id}" in toc_targets
    assert all(t in ids for t in toc_targets)
    # every in-page link lands somewhere
    assert all(a.get("href")[1:] in ids for a in doc.xpath("//a[starts-with(@href, '#')]"))


def test_every_chart_is_an_inline_svg_with_its_description_and_data_table(
    sample_assessment, interactive
):
    _, _, doc = interactive
    numbers = numbering(sample_assessment)
    for chart in _all_charts(sample_assessment):
        fig = doc.get_element_by_id(chart.id)
        assert fig.tag == "figure"
        (svg,) = fig.xpath(".//*[local-name()='svg']")
        assert svg.get("role") == "img"
        assert svg.xpath("./*[local-name()='title']")[0].text_content() == chart.title
        assert svg.xpath("./*[local-name()='desc']")[0].text_content() == chart.alt_text
        caption = fig.xpath(".//figcaption")[0].text_content()
        assert caption == f"Figure {numbers.figure(chart)}: {chart.title}"
        assert chart.alt_text in fig.xpath(".//p[@class='chart-description']")[0].text_content()
        table = fig.xpath(".//details//table")[0]
        assert len(table.xpath(".//tbody/tr")) == len(chart.data)
        assert table.xpath(".//caption")
        assert table.getparent().get("tabindex") == "0"  # the data can be reached by keyboard


def test_static_mode_has_the_same_charts_and_no_script(sample_assessment, interactive, static):
    path, text, doc = static
    assert not doc.xpath("//script")
    assert len(doc.xpath("//*[local-name()='svg']")) == len(_all_charts(sample_assessment))
    assert "<svg" in text and "data:image" not in text
    assert path.stat().st_size < interactive[0].stat().st_size < 1_500_000


def test_self_contained_no_external_resources(interactive, static):
    for _, _text, doc in (interactive, static):
        for attr in doc.xpath("//script/@src|//link/@href|//img/@src|//iframe/@src"):
            assert not re.match(r"(?i)(https?:)?//", attr), attr
        assert not doc.xpath("//link[@rel='stylesheet']")
        assert doc.xpath("//style")


def test_no_plotting_library_is_embedded(interactive):
    path, text, doc = interactive
    assert "Plotly" not in text and "plotly" not in text
    (script,) = doc.xpath("//script")
    assert len(script.text_content()) < 5_000  # the small chart layer only
    assert path.stat().st_size < 1_500_000


def test_suppressed_figure_shows_star_not_a_number(interactive):
    _, _, doc = interactive
    row = doc.get_element_by_id("figure-local:deaths_in_alcohol_treatment")
    cells = row.xpath("./td")
    value = cells[1].text_content()
    assert value.startswith("*") and "suppressed" in value
    assert not re.search(r"\d", value)
    assert cells[2].text_content() == "*"  # interval


def test_key_figures_table_values(interactive):
    _, _, doc = interactive
    row = doc.get_element_by_id("figure-92796")  # hospital admissions for drug poisoning
    cells = [c.text_content().strip() for c in row.xpath("./td")]
    # period, value, CI, England, comparison, trend, rank, source
    assert cells[:4] == ["2021/22", "41.5", "36.2 to 47.4", "26.1"]
    adults = [
        c.text_content().strip()
        for c in doc.get_element_by_id("figure-local:adults_in_drug_treatment").xpath("./td")
    ]
    assert adults[1:4] == ["705", "665 to 747", "457"]  # dana.formatting: whole from 100
    assert cells[4] == "\u25bc Worse (99.8%)"
    assert cells[5] == "Decreasing and getting better"
    assert cells[6] == "5 of 5"
    badge = row.xpath(".//span[contains(@class, 'cmp-worse')]")[0]
    assert "#831504" in badge.get("style")  # 99.8% worse colour


def test_free_text_is_escaped(interactive):
    _, text, doc = interactive
    assert SCRIPT not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    finding = doc.get_element_by_id("finding-F-drugs-04")
    assert SCRIPT in finding.text_content()  # shown literally, as text
    assert finding.get("data-finding-id") == "F-drugs-04"
    # only our own script element exists: the chart layer
    assert len(doc.xpath("//script")) == 1
    # "&" in the SVG description is escaped too
    assert "upper 99.8% limit &amp; Medway" in text


def test_synthetic_banner_only_when_synthetic(sample_assessment, interactive, charts, tmp_path):
    _, _, doc = interactive
    banner = doc.xpath("//div[@class='synthetic-banner']")
    assert banner and "SYNTHETIC DATA" in banner[0].text_content()
    real = dataclasses.replace(sample_assessment, synthetic=False)
    text = render_html(real, tmp_path / "real.html", interactive=False, charts=charts).read_text()
    real_doc = lxml.html.document_fromstring(text)
    assert not real_doc.xpath("//div[@class='synthetic-banner']")
    assert "SYNTHETIC DATA" not in real_doc.text_content()


def test_recommendation_cards_like_coventry(sample_assessment, interactive):
    _, _, doc = interactive
    cards = doc.xpath("//article[contains(@class, 'rec-card')]")
    assert len(cards) == len(sample_assessment.recommendations) == 3
    first = doc.get_element_by_id("rec-1")
    text = first.text_content()
    for piece in ("Recommendation 1", "Key finding", "Impact", "Short term (under 6 months)"):
        assert piece in text
    assert "No local data on reasons for early exit." in text  # GAP statement
    on = [li.text_content() for li in first.xpath(".//li[contains(@class, 'on')]")]
    assert any("Adult" in t for t in on) and not any("C&YP" in t for t in on)
    assert any("TREATMENT" in t for t in on) and any("RECOVERY" in t for t in on)
    assert not any(t.startswith("USE") or "\u2713 USE" in t for t in on)
    third_on = [
        li.text_content()
        for li in doc.get_element_by_id("rec-3").xpath(".//li[contains(@class, 'on')]")
    ]
    assert any("C&YP" in t for t in third_on)
    # evidence links point at findings that exist
    (link,) = first.xpath(".//a[@href='#finding-F-drugs-04']")
    # the reader sees the finding's short label, the same one printed beside the finding
    label = doc.get_element_by_id("finding-F-drugs-04").xpath("./span[@class='finding-id']")[0]
    assert link.text_content() == label.text_content()
    assert re.fullmatch(r"F\d+", label.text_content())


def test_data_gaps_provenance_attributions_disclosure(sample_assessment, interactive):
    _, text, doc = interactive
    gaps = doc.xpath("//section[@id='data-gaps']//tbody/tr")
    assert len(gaps) == len(sample_assessment.data_gaps)
    prov = doc.xpath("//table[@class='provenance']/tbody/tr")
    assert len(prov) == len(sample_assessment.provenance) == len(sample_assessment.all_figures())
    assert "99.8%" not in prov[0].text_content()  # every figure's interval is 95%...
    appendix = doc.get_element_by_id("appendix").text_content()
    assert "CI for every figure: 95%" in " ".join(appendix.split())  # ...said once
    for line in sample_assessment.attributions:
        assert line.replace("&", "&amp;") in text
    assert sample_assessment.disclosure in doc.get_element_by_id("appendix").text_content()


def test_failed_render_leaves_the_previous_file_untouched(sample_assessment, charts, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("previous report")
    chart = _all_charts(sample_assessment)[0]
    broken_chart = dataclasses.replace(chart, data=chart.data.drop(columns="lower"))
    first = sample_assessment.sections[0]
    harm = dataclasses.replace(first.subsections[0], charts=(broken_chart,))
    broken = dataclasses.replace(
        sample_assessment,
        sections=(dataclasses.replace(first, subsections=(harm,)),),
    )
    with pytest.raises(ChartDataError, match="lower"):
        render_html(broken, target, charts=charts)
    assert target.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_markup_in_chart_text_stays_text_inside_the_svg(sample_assessment, tmp_path):
    """Chart titles, alt text and area names travel inside the inline SVG: markup in them
    must be escaped there, never run or end the SVG early."""
    from variants import _map_sections

    evil = "</svg><script>alert(2)</script> & <!--"

    def fix(section):
        charts = tuple(
            dataclasses.replace(c, title=c.title + evil, alt_text=c.alt_text + evil)
            for c in section.charts
        )
        return dataclasses.replace(section, charts=charts)

    odd = dataclasses.replace(
        sample_assessment, sections=_map_sections(sample_assessment.sections, fix)
    )
    text = render_html(odd, tmp_path / "evil.html", charts=ChartCache(workers=1)).read_text(
        encoding="utf-8"
    )
    doc = lxml.html.document_fromstring(text)
    assert (
        len(doc.xpath("//script")) == 1
        and "alert(2)" not in doc.xpath("//script")[0].text_content()
    )
    titles = doc.xpath("//*[local-name()='svg']/*[local-name()='title']")
    assert titles and all(
        t.text_content().endswith(evil) for t in titles
    )  # the text survives intact


def test_chart_layer_reads_points_from_the_svg(interactive):
    """The script reads each point's tooltip from the SVG and makes the chart one tab
    stop with arrow-key navigation; every point it can find carries a tooltip."""
    _, _, doc = interactive
    script = doc.xpath("//script")[0].text_content()
    for needle in ('querySelectorAll(".pt")', "ArrowRight", "tabIndex = 0", 'role", "status'):
        assert needle in script
    points = doc.xpath("//*[local-name()='svg']//*[contains(concat(' ', @class, ' '), ' pt ')]")
    assert points and all(p.xpath("./*[local-name()='title']") for p in points)
