"""Findings in words: one short paragraph per indicator, saying only what the figures support.

Every comparison is a category assigned by :func:`dana.stats.compare` (the Fingertips
rule: the area's confidence interval against the benchmark's point value). The wording
follows the category exactly:

========================  =====================================================
category                  wording
========================  =====================================================
``similar``               "similar to England (457)" - never "higher"/"lower"
``higher`` / ``lower``    "significantly higher/lower than England (457)"
``better`` / ``worse``    "significantly higher than England (457), which is
                          better" (direction recovered from the polarity)
``not_compared``          nothing, except an interval-less figure of a tested
                          indicator: "It is not compared with England (457)
                          because it has no confidence interval."
========================  =====================================================

"Significantly" is written only for one of those tested categories; a comparison at
99.8% says so ("significantly higher (99.8% confidence) than"). Benchmarks with the same
category share one phrase ("similar to England (5.7) and the East of England region
(3.1)"); different ones are joined with "but". Ranks among the comparator group are
descriptive (no test): "best"/"worst" only when the indicator has a polarity, "lowest"/
"highest" otherwise, "joint" for ties, and none for fewer than three areas. Trends use
the Fingertips recent-trend label over the last five periods; when it cannot be
calculated the paragraph simply has no trend sentence.

Numbers are written by :mod:`dana.formatting` (the one rule every output uses): counts
whole with thousands separators; rates of 100 or more whole ("705 per 100,000"), smaller
ones to 1 decimal place ("6.1"); percentages whole from 10% ("80%"), to 1 decimal place
below ("5.2%"); ratios to 2. An interval, a benchmark and a trend's end points are
written to the precision of the headline value, so "8.6% (95% CI 6.1% to 12.0%)" and
"498 (95% CI 468 to 529)".

Each indicator's paragraph has the stable id ``<catalogue section>.<indicator slug>``,
e.g. ``drug_treatment.adults_in_treatment_drug``, so recommendations can cite it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from dana.assess.model import BenchmarkResult, Figure, Finding
from dana.formatting import (
    decimals_for,
    format_count,
    format_level,
    format_number,
    format_unit,
    is_missing,
)
from dana.vocabulary import (
    BETTER,
    HIGH_IS_GOOD,
    HIGHER,
    LOW_IS_GOOD,
    LOWER,
    NO_SIGNIFICANT_CHANGE,
    SIMILAR,
    TREND_NOT_CALCULATED,
    WORSE,
)

#: Direction implied by a polarity-judged category (inverse of the Fingertips mapping).
_DIRECTION = {
    (BETTER, LOW_IS_GOOD): LOWER,
    (WORSE, LOW_IS_GOOD): HIGHER,
    (BETTER, HIGH_IS_GOOD): HIGHER,
    (WORSE, HIGH_IS_GOOD): LOWER,
}
_TESTED = (SIMILAR, HIGHER, LOWER, BETTER, WORSE)
_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}
#: Short names that read as countable things: "Peterborough had 1,147 adults in ...".
_COUNTABLE = re.compile(
    r"(?i)\b(deaths|admissions|adults|people|users|clients|offences|presentations|young people)\b"
)
#: Quintile labels of dana.stats.compare (quintile 1 = lowest value) in words.
_QUINTILE_WORDS = {
    "best": "the best fifth",
    "better": "the second-best fifth",
    "worse": "the second-worst fifth",
    "worst": "the worst fifth",
    "lowest": "the lowest fifth",
    "low": "the second-lowest fifth",
    "high": "the second-highest fifth",
    "highest": "the highest fifth",
    "middle": "the middle fifth",
}
#: Fewer areas than this in the comparator group (area included): no rank is given.
MIN_RANKED_AREAS = 3


# --- numbers (written by dana.formatting, the one number-writing rule) -----------------------


def age_phrase(age: str) -> str:
    """'18+ yrs' -> 'aged 18+'; '<18 yrs' -> 'aged under 18'; 'All ages' -> ''."""
    text = age.strip()
    if not text or text.lower() == "all ages":
        return ""
    text = re.sub(r"\s*yrs?$", "", text)
    if text.startswith("<"):
        return f"aged under {text[1:].strip()}"
    return f"aged {text}"


def _precision(figure: Figure) -> int | None:
    """Decimal places of the headline value, for numbers written beside it."""
    if is_missing(figure.value):
        return None
    return decimals_for(figure.value, figure.unit, figure.value_type)


def with_unit(value: float | None, figure: Figure, *, age: str = "", decimals=None) -> str:
    """'705 per 100,000 aged 18+', '80%', '171 days', '27.3' (scores and counts carry no
    unit)."""
    number = format_number(value, figure.unit, figure.value_type, decimals=decimals)
    aged = age_phrase(age) if figure.unit.startswith("per ") else ""
    return format_unit(number, figure.unit) + (f" {aged}" if aged else "")


def beside(value: float | None, figure: Figure) -> str:
    """A number written next to the headline: its precision, and its unit only where the
    number would be unclear without it ('81%', '171 days', but '612', not '612 per 100,000')."""
    places = _precision(figure)
    if figure.unit.startswith("per "):
        return format_number(value, figure.unit, figure.value_type, decimals=places)
    return with_unit(value, figure, decimals=places)


def interval(figure: Figure) -> str:
    """'95% CI 664 to 747' (at the headline value's precision) or '' without an interval."""
    if is_missing(figure.lower) or is_missing(figure.upper):
        return ""
    places = _precision(figure)
    low = format_number(figure.lower, figure.unit, figure.value_type, decimals=places)
    high = format_number(figure.upper, figure.unit, figure.value_type, decimals=places)
    percent = "%" if figure.unit == "%" else ""
    return f"{format_level(figure.confidence)} CI {low}{percent} to {high}{percent}"


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
    return f"{number}{suffix}"


def join_and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- comparisons -----------------------------------------------------------------------------


def _qualifier(level: float) -> str:
    return "" if math.isclose(level, 0.95) else f" ({format_level(level)} confidence)"


def _category_phrase(category: str, polarity: str, qualifier: str, targets: str) -> str:
    if category == SIMILAR:
        return f"similar to {targets}"
    if category in (HIGHER, LOWER):
        return f"significantly {category}{qualifier} than {targets}"
    direction = _DIRECTION.get((category, polarity))
    if direction is None:  # a judged category needs a polarity; say only what is known
        return f"significantly {category}{qualifier} than {targets}"
    return f"significantly {direction}{qualifier} than {targets}, which is {category}"


def comparison_clause(figure: Figure, benchmarks: Sequence[tuple[str, BenchmarkResult]]) -> str:
    """The tested comparisons in one clause, each worded strictly by its category.

    ``benchmarks`` are ``(name as written, result)`` in reading order (England first).
    Untested ones (``not_compared``) are left out; '' when none was tested.
    """
    groups: dict[tuple[str, float], list[str]] = {}
    for name, bench in benchmarks:
        if bench.comparison not in _TESTED or is_missing(bench.benchmark_value):
            continue
        key = (bench.comparison, round(bench.confidence, 4))
        groups.setdefault(key, []).append(f"{name} ({beside(bench.benchmark_value, figure)})")
    phrases = [
        _category_phrase(category, figure.polarity, _qualifier(level), join_and(targets))
        for (category, level), targets in groups.items()
    ]
    if len(phrases) <= 1:
        return "".join(phrases)
    if len(phrases) == 2:
        return f"{phrases[0]}, but {phrases[1]}"
    return "; ".join(phrases[:-1]) + "; and " + phrases[-1]


def comparison_phrase(figure: Figure, benchmark: BenchmarkResult, *, name: str = "") -> str:
    """The figure's comparison with one benchmark in words, strictly by its category:
    'similar to England (457)', 'significantly higher than England (457), which is worse';
    '' when it was not tested. ``name`` is how the benchmark is written (default its
    ``benchmark_name``). The one sentence-maker for a comparison: every output that says
    a comparison in words uses it (renderers draw only a badge, from dana.vocabulary)."""
    return comparison_clause(figure, [(name or benchmark.benchmark_name, benchmark)])


def quintile_phrase(label: str) -> str:
    """'better' -> 'in the second-best fifth of upper-tier local authorities'."""
    words = _QUINTILE_WORDS.get(label)
    return f"in {words} of upper-tier local authorities" if words else ""


def rank_sentence(value: float, others: Sequence[float], polarity: str) -> str:
    """The area's place among its comparator group (itself and ``others``), in words.

    Descriptive only (no test): 'best'/'worst' when the polarity says which way is better,
    else 'lowest'/'highest'; counted from whichever end is nearer; ties are 'joint'.
    E.g. value 498 among 15 others of which 12 are lower and 3 higher, low is good:
    13th best = 4th worst -> "It ranked 4th worst of the 16 areas in its comparator group."
    """
    total = 1 + len(others)
    if total < MIN_RANKED_AREAS:
        return ""
    below = sum(v < value for v in others)
    above = sum(v > value for v in others)
    joint = "joint " if below + above < len(others) else ""
    from_low, from_high = 1 + below, 1 + above
    group = f"of the {total} areas in its comparator group"
    if polarity in (LOW_IS_GOOD, HIGH_IS_GOOD):
        best, worst = (from_low, from_high) if polarity == LOW_IS_GOOD else (from_high, from_low)
        end, place = ("best", best) if best <= worst else ("worst", worst)
        if place == 1:
            return f"It was the {joint}{end} {group}."
        return f"It ranked {joint}{ordinal(place)} {end} {group}."
    end, place = ("lowest", from_low) if from_low <= from_high else ("highest", from_high)
    where = end if place == 1 else f"{ordinal(place)} {end}"
    return f"It had the {joint}{where} value {group}."


def trend_sentence(
    figure: Figure, first: tuple[str, float] | None, last: tuple[str, float] | None
) -> str:
    """The recent-trend label over the last five periods; '' when it cannot be calculated."""
    label = figure.trend
    if not label or label == TREND_NOT_CALCULATED:
        return ""
    span = ""
    if first and last:
        span = (
            f" ({beside(first[1], figure)} in {first[0]}, {beside(last[1], figure)} in {last[0]})"
        )
    if label == NO_SIGNIFICANT_CHANGE:
        return f"There was no significant change over the last five periods{span}."
    return f"It was {label.lower()} over the last five periods{span}."


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


def statement(
    figure: Figure, area_name: str, *, short_name: str, indicator_name: str, age: str
) -> str:
    """The figure itself, without a full stop: value, interval, count and period.

    'Peterborough had 1,147 adults in drug treatment in 2021/22, 705 per 100,000 aged 18+
    (95% CI 665 to 747)'; suppressed or missing values say so (as a whole sentence).
    """
    if figure.suppressed:
        return (
            f"The figure for {noun(short_name)} in {area_name} for {figure.period} is not "
            "shown: it is based on a small number and is suppressed (disclosure control)."
        )
    if is_missing(figure.value):
        return f"No value was published for {noun(short_name)} in {area_name} for {figure.period}."
    ci = interval(figure)
    value = with_unit(figure.value, figure, age=age)
    population = unmet_population(indicator_name)
    if population and figure.unit == "%":
        details = f" ({ci})" if ci else ""
        return (
            f"An estimated {value} of {population} in {area_name} were not in treatment in "
            f"{figure.period}{details}"
        )
    if (
        figure.count is not None
        and figure.value_type in ("crude_rate", "dsr", "isr")
        and _COUNTABLE.search(short_name)
    ):
        kind = {
            "crude_rate": "a rate of ",
            "dsr": "an age-standardised rate of ",
            "isr": "an indirectly standardised rate of ",
        }
        details = f" ({ci})" if ci else ""
        return (
            f"{area_name} had {format_count(figure.count)} {noun(short_name)} in "
            f"{figure.period}, {kind[figure.value_type]}{value}{details}"
        )
    if figure.value_type == "count" and _COUNTABLE.search(short_name):
        return f"{area_name} had {value} {noun(short_name)} in {figure.period}"
    parts = []
    if figure.count is not None and figure.denominator is not None and figure.unit == "%":
        parts.append(f"{format_count(figure.count)} of {format_count(figure.denominator)}")
    elif figure.count is not None and figure.value_type not in ("count", "score"):
        parts.append(f"count {format_count(figure.count)}")
    if ci:
        parts.append(ci)
    details = f" ({'; '.join(parts)})" if parts else ""
    return f"{short_name} in {area_name} was {value} in {figure.period}{details}"


def indicator_paragraph(
    figure: Figure,
    area_name: str,
    *,
    short_name: str,
    indicator_name: str,
    age: str,
    benchmarks: Sequence[tuple[str, BenchmarkResult]] = (),
    untested_england: BenchmarkResult | None = None,
    quintile: str = "",
    neighbour_values: Sequence[float] | None = None,
    first: tuple[str, float] | None = None,
    last: tuple[str, float] | None = None,
) -> str:
    """One indicator's finding: the figure and its tested comparisons in one sentence, then
    its rank in the comparator group and its recent trend, each only when it says something.

    ``untested_england`` is England's result for an indicator meant to be tested whose
    figure has no interval (said once, so the reader knows why there is no judgement).
    """
    opening = statement(
        figure, area_name, short_name=short_name, indicator_name=indicator_name, age=age
    )
    if opening.endswith("."):  # suppressed or missing: nothing else can be said
        return opening
    clause = comparison_clause(figure, benchmarks)
    if clause:
        sentences = [f"{opening}: {clause}."]
    elif quintile_phrase(quintile):
        sentences = [f"{opening}, {quintile_phrase(quintile)}."]
    else:
        sentences = [f"{opening}."]
    if untested_england is not None and not is_missing(untested_england.benchmark_value):
        sentences.append(
            f"It is not compared with England ({beside(untested_england.benchmark_value, figure)})"
            " because it has no confidence interval."
        )
    if neighbour_values is not None and figure.value_type != "count":
        sentences.append(rank_sentence(figure.value, neighbour_values, figure.polarity))
    sentences.append(trend_sentence(figure, first, last))
    return " ".join(s for s in sentences if s)


# --- summaries -------------------------------------------------------------------------------


def tally_sentence(counts: Mapping[str, int], untested: int = 0) -> str:
    """'Of the 13 indicators tested against England, 4 were significantly better, 7 similar
    and 2 significantly worse.' plus how many are shown without a test."""
    words = {
        BETTER: "significantly better",
        SIMILAR: "similar",
        WORSE: "significantly worse",
        HIGHER: "significantly higher",
        LOWER: "significantly lower",
    }
    parts = [(counts.get(c, 0), words[c]) for c in words if counts.get(c, 0)]
    unjudged = counts.get(HIGHER, 0) + counts.get(LOWER, 0)
    total = sum(n for n, _ in parts)
    if total == 0:
        text = "No indicator here could be tested against England."
    elif total == 1:
        text = f"The one indicator tested against England was {parts[0][1]}."
    elif len(parts) == 1:
        every = "Both" if total == 2 else f"All {total}"
        text = f"{every} indicators tested against England were {parts[0][1]}."
    else:
        listed = [f"{n} {w}" for n, w in parts]
        listed[0] = listed[0].replace(" ", " was " if parts[0][0] == 1 else " were ", 1)
        text = f"Of the {total} indicators tested against England, {join_and(listed)}."
    if unjudged and len(parts) > 1:
        these = "this has" if unjudged == 1 else f"these {unjudged} have"
        text = text[:-1] + f" ({these} no better or worse direction)."
    elif unjudged:
        text = text[:-1] + " (no better or worse direction)."
    if untested:
        verb = "is" if untested == 1 else "are"
        more = " more" if total else ""
        text += f" {untested}{more} {verb} shown for context, without a significance test."
    return text


def finding(id_: str, text: str, indicator_ids: Sequence[str] | str, kind: str) -> Finding:
    ids = (indicator_ids,) if isinstance(indicator_ids, str) else tuple(indicator_ids)
    return Finding(id=id_, text=text, indicator_ids=ids, kind=kind)


def slug(indicator_id: str, short_name: str) -> str:
    """Stable slug: the part after a prefix ('ndtms:adults_in_treatment_drug' ->
    'adults_in_treatment_drug'), or the short name for a numeric Fingertips id."""
    if ":" in indicator_id:
        return indicator_id.split(":", 1)[1]
    return re.sub(r"[^a-z0-9]+", "_", short_name.lower()).strip("_")
