"""Display helpers: labels, symbols, colours (PRACTICE.md §4.2) and number formatting."""

from __future__ import annotations

import dataclasses

import pytest
from sample import (
    ALCOHOL_DEPENDENT_ADULTS,
    DEATHS_IN_ALCOHOL_TREATMENT,
    DRUG_ADMISSIONS,
    EARLY_EXITS,
)

from dana.render import _format as fmt

CATEGORIES = ("better", "similar", "worse", "higher", "lower", "not_compared")


def _contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio, written out independently of the module."""

    def lum(h: str) -> float:
        rgb = [int(h.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_labels_are_the_fingertips_words():
    assert [fmt.comparison_label(c) for c in CATEGORIES] == [
        "Better",
        "Similar",
        "Worse",
        "Higher",
        "Lower",
        "Not compared",
    ]


def test_every_category_has_its_own_symbol_so_colour_is_not_needed():
    symbols = [fmt.comparison_symbol(c) for c in CATEGORIES]
    assert len(set(symbols)) == len(CATEGORIES)
    assert fmt.comparison_text("worse") == "\u25bc Worse"


def test_colours_are_the_fingertips_palette():
    # PRACTICE.md §4.2, FingertipsNext BenchmarkLabelConfig.ts
    assert fmt.comparison_colour("better") == "#00703C"
    assert fmt.comparison_colour("similar") == "#FFDD00"
    assert fmt.comparison_colour("worse") == "#D4351C"
    assert fmt.comparison_colour("lower") == "#5694CA"
    assert fmt.comparison_colour("higher") == "#003078"
    assert fmt.comparison_colour("better", 0.998) == "#85994B"
    assert fmt.comparison_colour("worse", 0.998) == "#831504"
    assert fmt.comparison_colour("lower", 0.998) == "#AFCFE5"
    assert fmt.comparison_colour("higher", 0.998) == "#1D70B8"
    assert fmt.comparison_colour("similar", 0.998) == "#FFDD00"


@pytest.mark.parametrize("confidence", [0.95, 0.998])
@pytest.mark.parametrize("category", CATEGORIES)
def test_badge_text_meets_wcag_aa_contrast(category, confidence):
    fill = fmt.comparison_colour(category, confidence)
    assert _contrast(fill, fmt.text_colour_on(fill)) >= 4.5


def test_unknown_category_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown comparison category 'amber'"):
        fmt.comparison_label("amber")


def test_series_palette_is_okabe_ito():
    assert set(fmt.SERIES_PALETTE) == {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
        "#000000",
    }


def test_suppressed_figure_shows_star_never_a_number():
    assert fmt.format_value(DEATHS_IN_ALCOHOL_TREATMENT) == "*"
    assert fmt.format_interval(DEATHS_IN_ALCOHOL_TREATMENT) == "*"
    # even if a value leaked into a suppressed figure, the star wins
    leaked = dataclasses.replace(DEATHS_IN_ALCOHOL_TREATMENT, value=2.1, display_value="2.1")
    assert fmt.format_value(leaked) == "*"


def test_display_value_from_the_model_is_used_as_is():
    assert fmt.format_value(dataclasses.replace(EARLY_EXITS, display_value="21")) == "21"


@pytest.mark.parametrize(
    ("value", "unit", "value_type", "expected"),
    [
        (2891.0, "count", "count", "2,891"),
        (1234567.4, "count", "count", "1,234,567"),
        (705.249, "per 100,000", "crude_rate", "705.2"),
        (12345.66, "per 100,000", "dsr", "12,345.7"),
        (21.45, "%", "proportion", "21.4"),  # binary float 21.45 is 21.4499...
        (0.876, "", "ratio", "0.88"),
        (None, "%", "proportion", "-"),
        (float("nan"), "%", "proportion", "-"),
    ],
)
def test_format_number(value, unit, value_type, expected):
    assert fmt.format_number(value, unit, value_type) == expected


def test_format_value_without_display_value_uses_unit_decimals():
    assert (
        fmt.format_value(dataclasses.replace(ALCOHOL_DEPENDENT_ADULTS, display_value="")) == "2,891"
    )
    assert fmt.format_value(dataclasses.replace(EARLY_EXITS, display_value="")) == "21.4"


def test_interval_rank_level_and_england_benchmark():
    assert fmt.format_interval(DRUG_ADMISSIONS) == "36.2 to 47.4"
    assert fmt.format_interval(ALCOHOL_DEPENDENT_ADULTS) == "-"
    assert fmt.format_rank(DRUG_ADMISSIONS) == "5 of 5"
    assert fmt.format_rank(EARLY_EXITS) == "-"
    assert fmt.format_level(0.95) == "95%"
    assert fmt.format_level(0.998) == "99.8%"
    bench = fmt.england_benchmark(DRUG_ADMISSIONS)
    assert (bench.benchmark_name, bench.comparison, bench.confidence) == ("England", "worse", 0.998)
    assert fmt.format_benchmark_value(DRUG_ADMISSIONS, bench) == "26.1"
    assert fmt.format_unit("21.4", "%") == "21.4%"
    assert fmt.format_unit("705.2", "per 100,000") == "705.2 per 100,000"
    assert fmt.format_unit("*", "%") == "*"
