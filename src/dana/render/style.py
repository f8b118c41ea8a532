"""How the renderers show a comparison outcome and which colours they draw with.

The words, shapes and colours themselves are defined once in :mod:`dana.vocabulary`;
this module looks them up (with a clear error for an unknown outcome), picks the 99.8%
palette when a comparison used it, and chooses readable text on a coloured fill (WCAG
relative luminance). Formatting only: nothing here computes a statistic.
"""

from __future__ import annotations

from dana.vocabulary import (
    COMPARISON_COLOURS,
    COMPARISON_COLOURS_998,
    COMPARISON_LABELS,
    COMPARISON_SYMBOLS,
)

TEXT = "#0B0C0C"  # GOV.UK text
MUTED = "#505A5F"  # GOV.UK secondary text, 7:1 on white
ACCENT = "#1D70B8"  # GOV.UK blue: headings, table headers
WARNING = "#D4351C"  # the SYNTHETIC DATA badge
LIGHT = "#F3F2F1"  # label cells, pale badges
GRID = "#B1B4B6"

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


def _check(comparison: str) -> str:
    if comparison not in COMPARISON_LABELS:
        raise ValueError(
            f"unknown comparison category {comparison!r}; expected one of "
            f"{', '.join(COMPARISON_LABELS)}"
        )
    return comparison


def comparison_label(comparison: str) -> str:
    """Plain-English label, e.g. ``"not_compared"`` -> ``"Not compared"``."""
    return COMPARISON_LABELS[_check(comparison)]


def comparison_symbol(comparison: str) -> str:
    """A shape so significance is not shown by colour alone (▲ better, ▼ worse, ...)."""
    return COMPARISON_SYMBOLS[_check(comparison)]


def comparison_text(comparison: str) -> str:
    """Symbol and label together, e.g. ``"▼ Worse"``."""
    return f"{comparison_symbol(comparison)} {comparison_label(comparison)}"


def comparison_colour(comparison: str, confidence: float = 0.95) -> str:
    """Fill colour for a category; the 99.8% palette when the comparison used 99.8%."""
    palette = COMPARISON_COLOURS_998 if confidence >= 0.998 else COMPARISON_COLOURS
    return palette[_check(comparison)]


def text_colour_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = fill.lstrip("#")
    lum = 0.2126 * channel(h[0:2]) + 0.7152 * channel(h[2:4]) + 0.0722 * channel(h[4:6])
    # Contrast with white is 1.05/(L+0.05); with black (L+0.05)/0.05. Equal at L ~ 0.179.
    return "#FFFFFF" if lum < 0.179 else TEXT
