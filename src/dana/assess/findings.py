"""Findings in words: sentences generated from figures, and only what the figures support.

Every sentence is built from a :class:`~dana.assess.model.Figure` whose comparison
categories were assigned by :func:`dana.stats.compare` (the Fingertips rule: the area's
confidence interval against the benchmark's point value). The wording follows the
category exactly:

========================  =====================================================
category                  wording
========================  =====================================================
``similar``               "similar to England (457)" - never "higher"/"lower"
``higher`` / ``lower``    "significantly higher/lower than England (457)"
``better`` / ``worse``    "significantly higher than England (457), which is
                          better" (direction recovered from the polarity)
``not_compared``          "not compared with England" and the reason (no
                          interval, no benchmark value, suppressed, not
                          benchmarked)
========================  =====================================================

A comparison at 99.8% says so ("significantly higher (99.8% confidence) than").
Trends use the Fingertips recent-trend label over the last five periods. Numbers are
formatted by :func:`format_number`: counts whole with thousands separators; rates of
100 or more whole ("705 per 100,000"), smaller ones to 1 decimal place ("6.1");
percentages whole from 10% ("80%"), to 1 decimal place below ("5.2%"); ratios to 2.

Each finding has a stable id ``<catalogue section>.<indicator slug>.<aspect>`` (aspect
``england``, ``region``, ``neighbours``, ``trend``), e.g.
``drug_treatment.adults_in_treatment_drug.england``, so recommendations can cite it.
"""

from __future__ import annotations

import math
import re

from dana.assess.model import BenchmarkResult, Figure, Finding

#: Direction implied by a polarity-judged category (inverse of the Fingertips mapping).
_DIRECTION = {
    ("better", "low_is_good"): "lower",
    ("worse", "low_is_good"): "higher",
    ("better", "high_is_good"): "higher",
    ("worse", "high_is_good"): "lower",
}
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
#: Short names that read as countable things: "Peterborough had 1,147 adults in ...".
_COUNTABLE = re.compile(
    r"(?i)\b(deaths|admissions|adults|people|users|clients|offences|presentations|young people)\b"
)


# --- numbers ---------------------------------------------------------------------------------


def format_number(value: float | None, unit: str = "", value_type: str = "") -> str:
    """A number as written in a sentence (see the module docstring); "-" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value_type == "count" or unit == "count":
        return f"{round(value):,}"
    if value_type == "ratio":
        return f"{value:,.2f}"
    if unit == "%":
        return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def format_count(count: float | None) -> str:
    """A count with thousands separators (estimates rounded to whole people)."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return "-"
    return f"{round(count):,}"


def age_phrase(age: str) -> str:
    """'18+ yrs' -> 'aged 18+'; '<18 yrs' -> 'aged under 18'; 'All ages' -> ''."""
    text = age.strip()
    if not text or text.lower() == "all ages":
        return ""
    text = re.sub(r"\s*yrs?$", "", text)
    if text.startswith("<"):
        return f"aged under {text[1:].strip()}"
    return f"aged {text}"


def with_unit(value: float | None, figure: Figure, *, age: str = "") -> str:
    """'705 per 100,000 aged 18+', '80%', '27.3' (scores and counts carry no unit)."""
    number = format_number(value, figure.unit, figure.value_type)
    if figure.unit == "%":
        return f"{number}%"
    if figure.unit.startswith("per "):
        aged = age_phrase(age)
        return f"{number} {figure.unit}" + (f" {aged}" if aged else "")
    if figure.unit and figure.unit not in ("count", "score"):
        return f"{number} {figure.unit}"  # "171 days"
    return number


def interval(figure: Figure) -> str:
    """'95% CI 664 to 747' or '' when the figure has no interval."""
    if figure.lower is None or figure.upper is None:
        return ""
    level = _level(figure.confidence)
    low = format_number(figure.lower, figure.unit, figure.value_type)
    high = format_number(figure.upper, figure.unit, figure.value_type)
    percent = "%" if figure.unit == "%" else ""
    return f"{level} CI {low}{percent} to {high}{percent}"


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
    return f"{number}{suffix}"


def _level(confidence: float) -> str:
    return f"{confidence * 100:.1f}".rstrip("0").rstrip(".") + "%"


# --- comparisons -----------------------------------------------------------------------------


def comparison_phrase(
    benchmark: BenchmarkResult, figure: Figure, *, reason: str = "", age: str = ""
) -> str:
    """The comparison with one benchmark, worded strictly by its category.

    ``reason`` explains a ``not_compared`` (e.g. "this indicator is not benchmarked");
    without one, the reason is inferred from what is missing.
    """
    name = benchmark.benchmark_name
    bench = benchmark.benchmark_value
    bench_text = "" if bench is None else f" ({with_unit(bench, figure)})"
    category = benchmark.comparison
    if category == "similar":
        return f"similar to {name}{bench_text}"
    if category in ("higher", "lower"):
        return f"significantly {category}{_qualifier(benchmark)} than {name}{bench_text}"
    if category in ("better", "worse"):
        direction = _DIRECTION.get((category, figure.polarity))
        if direction is None:  # a judged category needs a polarity; say only what is known
            return f"significantly {category}{_qualifier(benchmark)} than {name}{bench_text}"
        return (
            f"significantly {direction}{_qualifier(benchmark)} than {name}{bench_text}, "
            f"which is {category}"
        )
    return f"not compared with {name} ({reason or _missing_reason(benchmark, figure)})"


def _qualifier(benchmark: BenchmarkResult) -> str:
    if math.isclose(benchmark.confidence, 0.95):
        return ""
    return f" ({_level(benchmark.confidence)} confidence)"


def _missing_reason(benchmark: BenchmarkResult, figure: Figure) -> str:
    if figure.suppressed:
        return "the value is suppressed"
    if figure.value is None:
        return "no value"
    if benchmark.benchmark_value is None:
        return f"no {benchmark.benchmark_name} value for this period"
    if figure.lower is None or figure.upper is None:
        return "no confidence interval"
    return "not benchmarked"


# --- sentences -------------------------------------------------------------------------------


def noun(short_name: str) -> str:
    """'Adults in drug treatment' -> 'adults in drug treatment' (acronyms kept: 'OCU ...')."""
    first = short_name.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return short_name
    return short_name[:1].lower() + short_name[1:]


def unmet_population(indicator_name: str) -> str | None:
    """'Proportion of dependent drinkers not in treatment (%)' -> 'dependent drinkers'."""
    match = re.search(r"(?i)proportion of (.+?) not in treatment", indicator_name)
    if not match:
        return None
    return re.sub(r"\s*\(i\.e\.[^)]*\)", "", match.group(1)).strip()


def headline(
    figure: Figure,
    area_name: str,
    *,
    short_name: str,
    indicator_name: str,
    age: str,
    england: BenchmarkResult | None,
    england_reason: str = "",
) -> str:
    """The headline sentence: the value, its interval, count, and the England comparison."""
    if figure.suppressed or figure.value is None:
        why = (
            "it is based on a small number and is suppressed (disclosure control)"
            if figure.suppressed
            else "no value was published"
        )
        return (
            f"{short_name} in {area_name} for {figure.period} is not shown because {why}, "
            "so it is not compared with England."
        )
    ci = interval(figure)
    compared = (
        ""
        if england is None
        else ", " + comparison_phrase(england, figure, reason=england_reason, age=age)
    )
    value = with_unit(figure.value, figure, age=age)
    population = unmet_population(indicator_name)
    if population and figure.unit == "%":
        details = f" ({ci})" if ci else ""
        return (
            f"An estimated {value} of {population} in {area_name} were not in treatment in "
            f"{figure.period}{details}{compared}."
        )
    if (
        figure.count is not None
        and figure.value_type in ("crude_rate", "dsr", "isr")
        and _COUNTABLE.search(short_name)
    ):
        kind = {"dsr": "an age-standardised rate of ", "isr": "an indirectly standardised rate of "}
        details = f" ({ci})" if ci else ""
        return (
            f"{area_name} had {format_count(figure.count)} {noun(short_name)} in "
            f"{figure.period}, {kind.get(figure.value_type, '')}{value}{details}{compared}."
        )
    parts = []
    if figure.count is not None and figure.denominator is not None and figure.unit == "%":
        parts.append(f"{format_count(figure.count)} of {format_count(figure.denominator)}")
    elif figure.count is not None and figure.value_type not in ("count", "score"):
        parts.append(f"count {format_count(figure.count)}")
    if ci:
        parts.append(ci)
    details = f" ({'; '.join(parts)})" if parts else ""
    return f"{short_name} in {area_name} was {value} in {figure.period}{details}{compared}."


def benchmark_sentence(
    figure: Figure, area_name: str, benchmark: BenchmarkResult, *, short_name: str, reason: str = ""
) -> str:
    """'For adults in drug treatment, Peterborough (705 per 100,000, 2021/22) was similar to ...'."""
    if figure.value is None:
        return f"{short_name} in {area_name} is not compared with {benchmark.benchmark_name}."
    value = with_unit(figure.value, figure)
    phrase = comparison_phrase(benchmark, figure, reason=reason)
    return f"For {noun(short_name)}, {area_name} ({value}, {figure.period}) was {phrase}."


def neighbours_sentence(
    figure: Figure,
    area_name: str,
    benchmark: BenchmarkResult | None,
    *,
    short_name: str,
    reason: str = "",
) -> str:
    """Rank among the neighbours and the comparison with their average."""
    parts = []
    if figure.rank is not None and figure.rank_of is not None and figure.rank_of > 1:
        place = (
            "the lowest"
            if figure.rank == 1
            else "the highest"
            if figure.rank == figure.rank_of
            else f"the {ordinal(figure.rank)} lowest"
        )
        parts.append(
            f"{area_name} had {place} value of {figure.rank_of} areas (itself and its "
            f"comparators) for {noun(short_name)} in {figure.period}"
        )
    if benchmark is not None and figure.value is not None:
        parts.append(f"it was {comparison_phrase(benchmark, figure, reason=reason)}")
    if not parts:
        return f"{short_name} in {area_name} is not compared with its neighbours."
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def trend_sentence(
    figure: Figure,
    area_name: str,
    *,
    short_name: str,
    first: tuple[str, float] | None,
    last: tuple[str, float] | None,
    note: str = "",
) -> str:
    """The recent-trend label in words, with the first and last of the five points."""
    label = figure.trend
    if label == "Cannot be calculated":
        why = f" ({note})" if note else ""
        return f"A recent trend for {noun(short_name)} in {area_name} cannot be calculated{why}."
    span = ""
    if first and last:
        span = (
            f": {with_unit(first[1], figure)} in {first[0]} and "
            f"{with_unit(last[1], figure)} in {last[0]}"
        )
    if label == "No significant change":
        return (
            f"There was no significant change in {noun(short_name)} in {area_name} over "
            f"the last five periods{span}."
        )
    return f"{short_name} in {area_name} was {label.lower()} over the last five periods{span}."


def finding(id_: str, text: str, indicator_id: str, kind: str) -> Finding:
    return Finding(id=id_, text=text, indicator_ids=(indicator_id,), kind=kind)


def slug(indicator_id: str, short_name: str) -> str:
    """Stable slug: the part after a prefix ('ndtms:adults_in_treatment_drug' ->
    'adults_in_treatment_drug'), or the short name for a numeric Fingertips id."""
    if ":" in indicator_id:
        return indicator_id.split(":", 1)[1]
    return re.sub(r"[^a-z0-9]+", "_", short_name.lower()).strip("_")
