"""The words DANA judges with: one home for each vocabulary, imported everywhere else.

Nothing here computes or reads anything; it is the bottom layer, importable by every
other module (the indicator table, the statistics, the assessment, the renderers).

- **Polarity** of an indicator: whether a low value is good, a high value is good, or
  neither (Fingertips "polarity": ``RAG - Low is good``, ``RAG - High is good``, ``BOB``).
- **Comparison outcomes** of :func:`dana.stats.compare` and their labels, shapes and
  colours. Colours follow Fingertips (FingertipsNext ``BenchmarkLabelConfig.ts``,
  PRACTICE.md §4.2): GOV.UK green/yellow/red for better/similar/worse, blue for the
  polarity-free higher/lower so that "different" is not read as "good or bad". Colour is
  never the only carrier (WCAG 2.2, 1.4.1 Use of Color): every outcome has a text label
  and a shape symbol.
- **Recent-trend labels** of :func:`dana.stats.trend` (the Fingertips wording).
- **Value types** and **area types** of the tidy indicator table (:mod:`dana.table`).
  Fingertips' numeric area-type IDs live with the area hierarchy in :mod:`dana.areas`.
"""

from __future__ import annotations

# --- polarity ----------------------------------------------------------------------------

LOW_IS_GOOD = "low_is_good"
HIGH_IS_GOOD = "high_is_good"
NO_JUDGEMENT = "no_judgement"
POLARITIES = (LOW_IS_GOOD, HIGH_IS_GOOD, NO_JUDGEMENT)

# --- comparison outcomes -----------------------------------------------------------------

BETTER, SIMILAR, WORSE = "better", "similar", "worse"
HIGHER, LOWER = "higher", "lower"
NOT_COMPARED = "not_compared"
COMPARISONS = (BETTER, SIMILAR, WORSE, HIGHER, LOWER, NOT_COMPARED)

#: Outcome of a significant difference, by (polarity, direction); direction -1 means the
#: area is below the benchmark, +1 above it.
DIFFERENCE_OUTCOME: dict[tuple[str, int], str] = {
    (LOW_IS_GOOD, -1): BETTER,
    (LOW_IS_GOOD, 1): WORSE,
    (HIGH_IS_GOOD, -1): WORSE,
    (HIGH_IS_GOOD, 1): BETTER,
    (NO_JUDGEMENT, -1): LOWER,
    (NO_JUDGEMENT, 1): HIGHER,
}

#: Quintile labels from the lowest value to the highest, by polarity.
QUINTILE_LABELS: dict[str, tuple[str, ...]] = {
    NO_JUDGEMENT: ("lowest", "low", "middle", "high", "highest"),
    LOW_IS_GOOD: ("best", "better", "middle", "worse", "worst"),
    HIGH_IS_GOOD: ("worst", "worse", "middle", "better", "best"),
}

COMPARISON_LABELS: dict[str, str] = {
    BETTER: "Better",
    SIMILAR: "Similar",
    WORSE: "Worse",
    HIGHER: "Higher",
    LOWER: "Lower",
    NOT_COMPARED: "Not compared",
}

#: Shapes carry the outcome without colour: filled for a judgement (better/worse), hollow
#: for a polarity-free difference (higher/lower), circles for no difference.
COMPARISON_SYMBOLS: dict[str, str] = {
    BETTER: "\u25b2",  # ▲
    SIMILAR: "\u25cf",  # ●
    WORSE: "\u25bc",  # ▼
    HIGHER: "\u25b3",  # △
    LOWER: "\u25bd",  # ▽
    NOT_COMPARED: "\u25cb",  # ○
}

#: The matching chart marker shapes (matplotlib codes) and whether the marker is filled.
COMPARISON_MARKERS: dict[str, tuple[str, bool]] = {
    BETTER: ("^", True),
    SIMILAR: ("o", True),
    WORSE: ("v", True),
    HIGHER: ("^", False),
    LOWER: ("v", False),
    NOT_COMPARED: ("o", False),
}

#: Fingertips 95% palette. "Not compared" is white with a black border.
COMPARISON_COLOURS: dict[str, str] = {
    BETTER: "#00703C",
    SIMILAR: "#FFDD00",
    WORSE: "#D4351C",
    LOWER: "#5694CA",
    HIGHER: "#003078",
    NOT_COMPARED: "#FFFFFF",
}

#: Fingertips 99.8% palette; similar and not compared are unchanged.
COMPARISON_COLOURS_998: dict[str, str] = {
    **COMPARISON_COLOURS,
    BETTER: "#85994B",
    WORSE: "#831504",
    LOWER: "#AFCFE5",
    HIGHER: "#1D70B8",
}

#: GOV.UK text black, used to outline every outcome swatch.
BORDER_COLOUR = "#0B0C0C"

# --- recent trend ------------------------------------------------------------------------

INCREASING, DECREASING = "Increasing", "Decreasing"
NO_SIGNIFICANT_CHANGE = "No significant change"
TREND_NOT_CALCULATED = "Cannot be calculated"
GETTING_BETTER, GETTING_WORSE = " and getting better", " and getting worse"
IMPROVING_TRENDS = (INCREASING + GETTING_BETTER, DECREASING + GETTING_BETTER)
WORSENING_TRENDS = (INCREASING + GETTING_WORSE, DECREASING + GETTING_WORSE)
TRENDS = (
    *IMPROVING_TRENDS,
    *WORSENING_TRENDS,
    INCREASING,
    DECREASING,
    NO_SIGNIFICANT_CHANGE,
    TREND_NOT_CALCULATED,
)

# --- the indicator table's categorical columns -------------------------------------------

AREA_TYPES = ("england", "region", "utla", "ltla", "other")
VALUE_TYPES = ("proportion", "crude_rate", "dsr", "isr", "ratio", "count", "mean", "score")
