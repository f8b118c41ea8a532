"""How DANA writes a number: one rule for sentences, tables, charts and slides.

The rule follows the seed assessments ("705 per 100,000", "80%", "5.2%"):

- counts whole, with thousands separators ("1,147");
- ratios to 2 decimal places ("1.02");
- percentage changes to 1 decimal place ("-17.5%", as the seeds print them);
- percentages whole from 10% ("80%"), to 1 decimal place below 10% ("5.2%");
- other values (rates, scores, means) whole from 100 ("705"), to 1 decimal place below
  ("6.1").

An interval, a benchmark or a trend's end points are written at the precision of the
headline value they sit beside (:func:`decimals_for` of the headline, passed as
``decimals=``), so "8.6% (95% CI 6.1% to 12.0%)" and "498 (95% CI 468 to 529)".
Nothing here computes a statistic; missing values are written as ``-`` and suppressed
ones as ``*``.
"""

from __future__ import annotations

import math

SUPPRESSED = "*"
MISSING = "-"

#: Value types and units whose values are whole numbers, and those shown to 2 decimals.
_WHOLE_NUMBER_TYPES = frozenset({"count"})
_WHOLE_NUMBER_UNITS = frozenset({"count", "number", "people", "persons"})
_TWO_DECIMAL_TYPES = frozenset({"ratio"})
#: The unit of a percentage change (value type ``ratio``, multiplier 100).
PERCENT_CHANGE = "% change"


def is_missing(value) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimals_for(value: float | None, unit: str = "", value_type: str = "") -> int:
    """Decimal places :func:`format_number` uses for ``value`` (see the module docstring)."""
    if value_type in _WHOLE_NUMBER_TYPES or unit.strip().lower() in _WHOLE_NUMBER_UNITS:
        return 0
    if unit == PERCENT_CHANGE:
        return 1
    if value_type in _TWO_DECIMAL_TYPES:
        return 2
    if is_missing(value):
        return 1
    if unit == "%":
        return 0 if abs(value) >= 10 else 1
    return 0 if abs(value) >= 100 else 1


def format_number(
    value: float | None, unit: str = "", value_type: str = "", *, decimals: int | None = None
) -> str:
    """A number as DANA writes it; ``decimals`` overrides the rule; ``-`` when missing."""
    if is_missing(value):
        return MISSING
    places = decimals_for(value, unit, value_type) if decimals is None else decimals
    text = f"{value:,.{places}f}"
    # a tiny negative rounds to "-0.0": write it as zero, without the sign
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def format_count(count: float | None) -> str:
    """A count with thousands separators (estimates rounded to whole people)."""
    if is_missing(count):
        return MISSING
    return f"{round(count):,}"


def format_level(confidence: float) -> str:
    """``0.95`` -> ``"95%"``, ``0.998`` -> ``"99.8%"``."""
    return f"{confidence * 100:.1f}".rstrip("0").rstrip(".") + "%"


def format_unit(value_text: str, unit: str) -> str:
    """Attach a unit to a formatted value: ``"21%"``, ``"705 per 100,000"``."""
    if value_text in (SUPPRESSED, MISSING) or not unit or unit in ("count", "score"):
        return value_text
    if unit in ("%", PERCENT_CHANGE):
        return f"{value_text}%"
    return f"{value_text} {unit}"
