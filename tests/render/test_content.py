"""What every format says: labels and colours, a figure's text, notes, provenance, the
outline and its numbering, and the layout arithmetic (text measure, slide flow, Word pages,
table columns). Expected values are written out by hand."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from sample import (
    ALCOHOL_DEPENDENT_ADULTS,
    DEATHS_IN_ALCOHOL_TREATMENT,
    DRUG_ADMISSIONS,
    EARLY_EXITS,
)

from dana.render import document_outline, measure, numbering, style
from dana.render.content import (
    comparator_sentence,
    gap_section,
    gap_statement_text,
    provenance_table,
    recommendation_fields,
    section_titles,
    source_notes,
    value_notes,
)
from dana.render.docx_pages import TEXT_HEIGHT_PT, PageModel, TextStyle
from dana.render.figure_text import (
    comparison_badge,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_rank,
    format_value,
)
from dana.render.slide_text import flow, text_height
from dana.render.table_layout import column_widths, fitting_size

CATEGORIES = ("better", "similar", "worse", "higher", "lower", "not_compared")


def _contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio, written out independently of the module."""

    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --- labels and colours ------------------------------------------------------------------


def test_every_outcome_has_a_word_a_shape_and_the_fingertips_colour():
    assert [style.comparison_text(c) for c in CATEGORIES] == [
        "\u25b2 Better", "\u25cf Similar", "\u25bc Worse", "\u25b3 Higher", "\u25bd Lower", "\u25cb Not compared",
    ]  # fmt: skip
    # PRACTICE.md §4.2, FingertipsNext BenchmarkLabelConfig.ts
    assert style.comparison_colour("worse") == "#D4351C"
    assert style.comparison_colour("worse", 0.998) == "#831504"
    assert style.comparison_colour("higher") == "#003078"


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("category", CATEGORIES)
def test_badge_text_meets_wcag_aa_contrast(category, confidence):
    fill = style.comparison_colour(category, confidence)
    assert _contrast(fill, style.text_colour_on(fill)) >= 4.5


def test_unknown_category_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown comparison category 'amber'"):
        style.comparison_label("amber")


# --- a figure as text (dana.formatting's one rule) ---------------------------------------------


def test_figure_text_follows_the_one_number_rule():
    # 41.5 (36.2 to 47.4): below 100, one decimal; England 26.1 at the same precision
    assert format_value(DRUG_ADMISSIONS) == "41.5"
    assert format_interval(DRUG_ADMISSIONS) == "36.2 to 47.4"
    assert format_benchmark_value(DRUG_ADMISSIONS, england_benchmark(DRUG_ADMISSIONS)) == "26.1"
    # 21.4% (18.2 to 25.0), England 15.6%: whole from 10%, so 21 (18 to 25) and 16
    assert format_value(EARLY_EXITS) == "21"
    assert format_interval(EARLY_EXITS) == "18 to 25"
    assert format_benchmark_value(EARLY_EXITS, england_benchmark(EARLY_EXITS)) == "16"
    assert format_value(ALCOHOL_DEPENDENT_ADULTS) == "2,891"
    assert format_interval(ALCOHOL_DEPENDENT_ADULTS) == "-"
    assert format_rank(DRUG_ADMISSIONS) == "5 of 5" and format_rank(EARLY_EXITS) == "-"


def test_suppressed_figure_shows_star_never_a_number():
    assert format_value(DEATHS_IN_ALCOHOL_TREATMENT) == "*"
    assert format_interval(DEATHS_IN_ALCOHOL_TREATMENT) == "*"
    leaked = dataclasses.replace(DEATHS_IN_ALCOHOL_TREATMENT, value=2.1, display_value="2.1")
    assert format_value(leaked) == "*"


def test_comparison_badge_has_symbol_label_and_value():
    bench = england_benchmark(DRUG_ADMISSIONS)
    assert (
        comparison_badge(DRUG_ADMISSIONS, bench)
        == "\u25bc Worse than England (26.1 per 100,000), 99.8% level"
    )
    assert (
        comparison_badge(EARLY_EXITS, england_benchmark(EARLY_EXITS))
        == "\u25bc Worse than England (16%)"
    )


# --- notes, provenance, gaps ----------------------------------------------------------------


def test_sources_are_numbered_once_in_order_of_first_use():
    figures = [
        SimpleNamespace(source="DANA synthetic generator (seed 20230401) - not real data"),
        SimpleNamespace(source="OHID Fingertips API"),
        SimpleNamespace(source=" DANA synthetic generator (seed 20230401) - not real data "),
        SimpleNamespace(source=""),
    ]
    notes = source_notes(figures)
    assert notes.marks == ("[1]", "[2]", "[1]", "")
    assert notes.footnote() == (
        "Sources: [1] DANA synthetic generator (seed 20230401) - not real data; [2] OHID Fingertips API"
    )
    assert source_notes(figures[1:2]).footnote() == "Source: [1] OHID Fingertips API"
    assert source_notes([]).footnote() == ""


def test_value_notes_are_written_once():
    synthetic = "Synthetic data, not real"
    figures = [
        SimpleNamespace(name="A", value_note=synthetic),
        SimpleNamespace(name="B", value_note=synthetic),
    ]
    assert value_notes(figures) == [f"Note: {synthetic}"]
    mixed = [*figures, SimpleNamespace(name="C", value_note="Modelled estimate")]
    assert value_notes(mixed) == [f"A; B: {synthetic}", "C: Modelled estimate"]


def test_provenance_says_what_every_row_shares_once(sample_assessment):
    table = provenance_table(sample_assessment.provenance)
    # the sample's nine entries share retrieval date, 95% level and licence, not the source
    assert dict(table.shared) == {
        "Retrieved": "2026-11-20",
        "Licence": "Open Government Licence v3.0",
        "CI": "95%",
    }
    assert table.headers == ("Indicator", "Period", "Source", "Method")
    assert len(table.rows) == 9
    blank = dataclasses.replace(sample_assessment.provenance[0], retrieved="")
    assert provenance_table([blank])  # one entry: nothing is "shared"
    assert provenance_table([blank]).rows[0][3] == "not recorded"  # never a blank cell


def test_comparator_sentence_names_england_and_region_once_then_the_neighbours(sample_assessment):
    from dana.assess.model import Area

    england = Area("E92000001", "England", "england")
    region = Area("E12000006", "East of England", "region")
    assessment = dataclasses.replace(
        sample_assessment, comparators=(england, region, *sample_assessment.comparators)
    )
    assert comparator_sentence(assessment) == (
        "Peterborough is compared with England, the East of England region and its comparator "
        "areas (Luton, Southend-on-Sea, Thurrock, Medway)."
    )


@pytest.mark.parametrize(
    "typed",
    ["GAP: No local data.", "gap - No local data.", "  GAP:No local data.", "No local data."],
)
def test_gap_statement_is_labelled_once(sample_assessment, typed):
    rec = dataclasses.replace(sample_assessment.recommendations[0], gap_statement=typed)
    assert gap_statement_text(rec) == "No local data."
    assert dict(recommendation_fields(rec))["GAP"] == "No local data."


def test_gap_section_is_a_title_never_an_identifier(sample_assessment):
    from dana.assess.model import DataGap

    titles = section_titles(sample_assessment)
    assert (
        gap_section(DataGap("x", "X", sample_assessment.sections[0].id, "no_data", ""), titles)
        == "Drugs"
    )
    assert gap_section(DataGap("x", "X", "drug_harms", "no_data", ""), titles) == "Drug harms"


# --- the outline and its numbering ----------------------------------------------------------


def test_outline_lists_every_part_once_with_stable_anchors(sample_assessment):
    outline = document_outline(sample_assessment)
    anchors = [h.anchor for h in outline]
    assert len(anchors) == len(set(anchors))
    sections = [h.section.id for h in outline if h.section is not None]
    assert sections == [s.id for s in sample_assessment.all_sections()]
    assert [h.title for h in outline][:3] == ["Introduction", "How to read this report", "Drugs"]
    assert outline[-1].title == "Licence and attributions"


def test_numbering_counts_figures_and_tables_in_reading_order(sample_assessment):
    """By hand from the sample: the impact of drug use has key figures (Table 1) and the
    trend (Figure 1); service users key figures (Table 2), bar and funnel (Figures 2, 3,
    both unlinked so in section order) and the substance table (Table 3); alcohol's key
    figures (Table 4) and pyramid (Figure 4); children's key figures (Table 5) and the
    spine (Figure 5); then recommendations (6), data gaps (7), provenance (8)."""
    numbers = numbering(sample_assessment)
    sections = {s.id: s for s in sample_assessment.all_sections()}
    assert [numbers.figure(c) for s in sections.values() for c in s.charts] == [1, 2, 3, 4, 5]
    assert [numbers.key_figures(s) for s in sections.values() if s.figures] == [1, 2, 4, 5]
    assert numbers.table(sections["drugs-treatment"].tables[0]) == 3
    assert [numbers.part(k) for k in ("recommendations", "data_gaps", "provenance")] == [6, 7, 8]


# --- layout arithmetic ---------------------------------------------------------------------


def test_text_is_measured_with_real_font_metrics():
    # Helvetica (= Arial) advance widths: "H" 722, "i" 222 per 1000 em, so "Hi" at 10 pt is 9.44
    assert measure.text_width("Hi", 10, "arial") == pytest.approx(9.44)
    assert measure.wrap("aa bb cc", 10, measure.text_width("aa bb", 10, "arial"), "arial") == [
        "aa bb",
        "cc",
    ]
    # a word wider than the line is broken between characters, nothing is lost
    assert "".join(measure.wrap("x" * 50, 10, 30, "arial")) == "x" * 50


def test_slide_text_flows_without_losing_a_word():
    paragraphs = [" ".join(f"w{i}-{j}" for j in range(60)) for i in range(6)]
    pages = flow(paragraphs, 4.0, 2.0, 16, 10)
    assert len(pages) > 1
    words = " ".join(p.text.replace("\n", " ") for p in pages).split()
    assert words == " ".join(paragraphs).split()
    for page in pages:
        assert text_height(page.text, page.size, 4.0) <= 2.0 and page.size >= 10
    short = flow(["Short."], 4.0, 2.0, 16, 10)
    assert len(short) == 1 and short[0].size == 16


def test_word_pages_are_poured_like_word():
    """728.5 pt of text height (A4, 2 cm margins). One-line paragraphs of 14 pt with 6 pt
    after take 20 pt each: 36 fill 720 pt, the 37th (14 pt more) starts page 2."""
    assert pytest.approx((29.7 - 4) / 2.54 * 72) == TEXT_HEIGHT_PT
    line = TextStyle(11, 14, after=6)
    model = PageModel()
    for i in range(37):
        model.paragraph("x", line, anchor=f"p{i}")
    pages = model.pages()
    assert pages["p35"] == 1 and pages["p36"] == 2
    # a heading that keeps with its paragraph moves with it when the paragraph cannot fit
    model = PageModel()
    for _ in range(35):
        model.paragraph("x", line)
    model.paragraph("Heading", TextStyle(13, 17, after=6, keep_with_next=True), anchor="h")
    model.picture(100, keep_with_next=False)
    assert model.pages()["h"] == 2
    # a chapter starts on a new page
    model = PageModel()
    model.paragraph("x", line)
    model.paragraph("Chapter", TextStyle(16, 20), anchor="c", page_break_before=True)
    assert model.pages(first_page=3)["c"] == 4


def test_table_columns_never_break_a_number():
    rows = [
        ("Indicator", "Value"),
        ("Resident population, all ages (ONS mid-year estimate)", "57,171,453"),
    ]
    widths = column_widths(rows, 200, size=7.5, padding=9)
    assert sum(widths) == pytest.approx(200)
    assert widths[1] >= measure.text_width("57,171,453", 7.5, "sans") + 9


def test_a_table_too_narrow_for_its_words_breaks_words_of_text_never_its_numbers():
    """Nine columns of long words in 200 points: the words must break, but the number
    column keeps the width of its widest number and the text columns share the rest."""
    word = "Estimatingthecrimereductionbenefits"  # one long unbreakable word
    rows = [tuple(f"Heading{c}" for c in range(9)), (*[word] * 4, "44,231", *[word] * 4)]
    widths = column_widths(rows, 200, size=7.5, padding=8, unbroken={4})
    assert sum(widths) == pytest.approx(200)
    assert widths[4] >= measure.text_width("44,231", 7.5, "sans") + 8
    assert widths[0] == pytest.approx(widths[8]) and widths[0] < widths[4]


def test_a_table_takes_the_largest_type_at_which_no_word_breaks():
    """Ten words of about 48 points at 7.5 points (bold headers) do not fit 480 points
    with padding; at 7 points they do. Too many words for any size: the smallest."""
    rows = [("Breakdown",) * 10, ("Penetrated",) * 10]
    widest = max(
        measure.text_width("Breakdown", 7.5, "sans-bold"),
        measure.text_width("Penetrated", 7.5, "sans"),
    )
    total = 10 * (widest + 9) - 5  # five points short at 7.5
    assert fitting_size(rows, total, (7.5, 7.0, 6.5), padding=9) == 7.0
    assert fitting_size(rows, 10 * (widest + 9), (7.5, 7.0), padding=9) == 7.5
    assert fitting_size(rows, 100, (7.5, 7.0, 6.5), padding=9) == 6.5


def test_paragraph_spacing_is_the_larger_of_after_and_before_as_word_and_libreoffice_set_it():
    """Lines of 14 pt with 6 pt before and 6 pt after are 20 pt apart, not 26: 36 fit on
    a page of 728.5 pt (36 x 14 + 35 x 6 = 714), where adding the two would fit 28."""
    spaced = TextStyle(11, 14, before=6, after=6)
    model = PageModel()
    for i in range(37):
        model.paragraph("x", spaced, anchor=f"p{i}")
    pages = model.pages()
    assert pages["p35"] == 1 and pages["p36"] == 2


def test_the_word_contents_of_the_default_build_fills_two_pages(default_assessment):
    """64 headings: the contents runs onto a second page, so the body starts on page 4
    (every contents number was one short when the contents was counted as one page)."""
    from dana.render.docx import _contents_pages
    from dana.render.outline import document_outline

    outline = document_outline(default_assessment)
    assert len(outline) > 50
    assert _contents_pages(outline) == 2
