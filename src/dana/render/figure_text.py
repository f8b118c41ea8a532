"""A figure's value, interval, benchmark and comparison as the reader sees them.

Numbers follow the one rule in :mod:`dana.formatting`; an interval and a benchmark are
written at the precision of the headline value beside them ("705 (95% CI 665 to 747)").
A suppressed figure shows ``*`` for its value and interval, whatever number the model
holds. Formatting only: nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Iterable

from dana.assess.model import BenchmarkResult, Figure
from dana.formatting import (
    MISSING,
    SUPPRESSED,
    decimals_for,
    format_level,
    format_number,
    format_unit,
)
from dana.render.style import comparison_text
from dana.vocabulary import NOT_COMPARED, SIMILAR


def _places(figure: Figure) -> int:
    return decimals_for(figure.value, figure.unit, figure.value_type)


def format_value(figure: Figure) -> str:
    """The figure's value as displayed: ``*`` when suppressed, the model's own
    ``display_value`` when set, otherwise the number by :mod:`dana.formatting`."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.display_value:
        return figure.display_value
    return format_number(figure.value, figure.unit, figure.value_type)


def value_with_unit(figure: Figure) -> str:
    """``"705 per 100,000"``, ``"21%"``, ``"*"``."""
    return format_unit(format_value(figure), figure.unit)


def format_interval(figure: Figure) -> str:
    """Confidence interval as ``"665 to 747"`` at the value's precision; ``*`` when
    suppressed, ``-`` when absent."""
    if figure.suppressed:
        return SUPPRESSED
    if figure.lower is None or figure.upper is None:
        return MISSING
    places = _places(figure)
    lo = format_number(figure.lower, figure.unit, figure.value_type, decimals=places)
    hi = format_number(figure.upper, figure.unit, figure.value_type, decimals=places)
    return f"{lo} to {hi}"


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
    """The benchmark's value at the precision of the figure's own value."""
    if benchmark is None:
        return MISSING
    places = _places(figure) if not figure.suppressed else None
    return format_number(benchmark.benchmark_value, figure.unit, figure.value_type, decimals=places)


def common_level(figures: Iterable[Figure]) -> float | None:
    """The confidence level shared by all figures with an interval, or None if mixed."""
    levels = {f.confidence for f in figures if f.lower is not None}
    return levels.pop() if len(levels) == 1 else None


def is_default_level(confidence: float) -> bool:
    return abs(confidence - 0.95) < 1e-9


def comparison_words(bench: BenchmarkResult) -> str:
    """``"▼ Worse"``, with the level when it is not 95%: ``"▼ Worse (99.8%)"``."""
    words = comparison_text(bench.comparison)
    if bench.comparison != NOT_COMPARED and not is_default_level(bench.confidence):
        words += f" ({format_level(bench.confidence)})"
    return words


_CONNECTORS = {SIMILAR: "to", NOT_COMPARED: "with"}


def comparison_badge(figure: Figure, bench: BenchmarkResult) -> str:
    """The text of a comparison badge: symbol, label and the benchmark's value, e.g.
    ``"▼ Worse than England (26 per 100,000), 99.8% level"``, ``"● Similar to England
    (5.2 per 100,000)"`` or ``"○ Not compared with England (1.3%)"``.

    (The sentence about a comparison is written by the assessment; this is the label a
    renderer prints inside a coloured badge.)"""
    words = comparison_text(bench.comparison)
    ref = format_unit(format_benchmark_value(figure, bench), figure.unit)
    connector = _CONNECTORS.get(bench.comparison, "than")
    level = ""
    if bench.comparison != NOT_COMPARED and not is_default_level(bench.confidence):
        level = f", {format_level(bench.confidence)} level"
    shown = "" if ref == MISSING else f" ({ref})"
    return f"{words} {connector} {bench.benchmark_name}{shown}{level}"


def comparison_badges(figure: Figure, benchmarks=None) -> list[str]:
    """:func:`comparison_badge` for every benchmark (all of the figure's by default)."""
    chosen = figure.benchmarks if benchmarks is None else benchmarks
    return [comparison_badge(figure, b) for b in chosen]
