"""Display helpers shared by every renderer (HTML, DOCX, PPTX, PDF, charts).

Formatting only: nothing here computes a statistic. Values, limits and comparison
categories come from the assessment model; these helpers turn them into text and colour
the same way in every output.

The comparison labels, shapes and colours are defined once in :mod:`dana.vocabulary`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from dana.assess.model import BenchmarkResult, Figure
from dana.vocabulary import (
    COMPARISON_COLOURS,
    COMPARISON_COLOURS_998,
    COMPARISON_LABELS,
    COMPARISON_SYMBOLS,
)

SUPPRESSED = "*"
MISSING = "-"

# Okabe & Ito (2008) colour-blind-safe palette, ordered so the first series are the most
# distinct; yellow is last because it has poor contrast on white.
SERIES_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
)

# Value types whose values are whole numbers and those shown with two decimals.
_WHOLE_NUMBER_TYPES = {"count"}
_WHOLE_NUMBER_UNITS = {"count", "number", "people", "persons", "days", "years"}
_TWO_DECIMAL_TYPES = {"ratio"}


def _check_comparison(comparison: str) -> str:
    if comparison not in COMPARISON_LABELS:
        raise ValueError(
            f"unknown comparison category {comparison!r}; expected one of "
            f"{', '.join(COMPARISON_LABELS)}"
        )
    return comparison


def comparison_label(comparison: str) -> str:
    """Plain-English label, e.g. ``"not_compared"`` -> ``"Not compared"``."""
    return COMPARISON_LABELS[_check_comparison(comparison)]


def comparison_symbol(comparison: str) -> str:
    """A shape so significance is not shown by colour alone (▲ better, ▼ worse, ...)."""
    return COMPARISON_SYMBOLS[_check_comparison(comparison)]


def comparison_text(comparison: str) -> str:
    """Symbol and label together, e.g. ``"▼ Worse"``."""
    return f"{comparison_symbol(comparison)} {comparison_label(comparison)}"


def comparison_colour(comparison: str, confidence: float = 0.95) -> str:
    """Fill colour for a category; the 99.8% palette when the comparison used 99.8%."""
    palette = COMPARISON_COLOURS_998 if confidence >= 0.998 else COMPARISON_COLOURS
    return palette[_check_comparison(comparison)]


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = fill.lstrip("#")
    lum = 0.2126 * channel(h[0:2]) + 0.7152 * channel(h[2:4]) + 0.0722 * channel(h[4:6])
    # Contrast with white is 1.05/(L+0.05); with black (L+0.05)/0.05. Equal at L ~ 0.179.
    return "#FFFFFF" if lum < 0.179 else "#0B0C0C"


def decimals_for(unit: str = "", value_type: str = "") -> int:
    """Decimal places for display: 0 for counts, 2 for ratios, 1 for rates and percentages."""
    if value_type in _WHOLE_NUMBER_TYPES or unit.strip().lower() in _WHOLE_NUMBER_UNITS:
        return 0
    if value_type in _TWO_DECIMAL_TYPES:
        return 2
    return 1


def format_number(
    value: float | None, unit: str = "", value_type: str = "", *, decimals: int | None = None
) -> str:
    """A number with thousand separators and unit-appropriate decimals; ``-`` if missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    places = decimals_for(unit, value_type) if decimals is None else decimals
    return f"{value:,.{places}f}"


def format_value(figure: Figure) -> str:
    """The figure's value as displayed: ``*`` when suppressed, the model's own
    ``display_value`` when set, otherwise the number formatted for its unit."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.display_value:
        return figure.display_value
    return format_number(figure.value, figure.unit, figure.value_type)


def format_interval(figure: Figure) -> str:
    """Confidence interval as ``"612.0 - 805.3"``; ``*`` when suppressed, ``-`` when absent."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.lower is None or figure.upper is None:
        return MISSING
    lo = format_number(figure.lower, figure.unit, figure.value_type)
    hi = format_number(figure.upper, figure.unit, figure.value_type)
    return f"{lo} to {hi}"


def format_level(confidence: float) -> str:
    """``0.95`` -> ``"95%"``, ``0.998`` -> ``"99.8%"``."""
    return f"{confidence * 100:.1f}".rstrip("0").rstrip(".") + "%"


def format_unit(value_text: str, unit: str) -> str:
    """Attach a unit to a formatted value: ``"21.4%"``, ``"705.2 per 100,000"``."""
    if value_text in (SUPPRESSED, MISSING) or not unit or unit in ("count", "score"):
        return value_text
    return f"{value_text}{unit}" if unit == "%" else f"{value_text} {unit}"


def format_rank(figure: Figure) -> str:
    """``"2 of 5"`` or ``-``."""
    if figure.rank is None:
        return MISSING
    return f"{figure.rank} of {figure.rank_of}" if figure.rank_of else str(figure.rank)


def england_benchmark(figure: Figure) -> BenchmarkResult | None:
    """The England comparison if present, otherwise the first benchmark."""
    found = figure.benchmark("E92000001") or figure.benchmark("England")
    return found or (figure.benchmarks[0] if figure.benchmarks else None)


def format_benchmark_value(figure: Figure, benchmark: BenchmarkResult | None) -> str:
    if benchmark is None:
        return MISSING
    return format_number(benchmark.benchmark_value, figure.unit, figure.value_type)


def common_level(figures: Iterable[Figure]) -> float | None:
    """The confidence level shared by all figures with an interval, or None if mixed."""
    levels = {f.confidence for f in figures if f.lower is not None}
    return levels.pop() if len(levels) == 1 else None
