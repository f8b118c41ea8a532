"""The findings of each subsection, the finding for each indicator result, and the
England tally of a group of them.

The wording rules live in :mod:`dana.assess.findings` (pure functions of a
:class:`~dana.assess.model.Figure`); this module feeds them what an
:class:`~dana.assess.figures.IndicatorResult` knows beyond its figure: how each
benchmark is named in a sentence, the comparator group's values for the rank, and the
first and last of the periods the recent trend looks at.
"""

from __future__ import annotations

import re
from collections import Counter

from dana.areas import ENGLAND
from dana.assess import findings, wording
from dana.assess.comparators import Comparators
from dana.assess.figures import TESTED_METHODS, IndicatorResult
from dana.assess.model import BenchmarkResult, Finding
from dana.assess.wording import Voice
from dana.stats.trend import TREND_POINTS
from dana.vocabulary import (
    BETTER,
    HIGHER,
    IMPROVING_TRENDS,
    LOW_IS_GOOD,
    LOWER,
    NO_SIGNIFICANT_CHANGE,
    NOT_COMPARED,
    SIMILAR,
    TREND_NOT_CALCULATED,
    WORSE,
    WORSENING_TRENDS,
)


def benchmark_label(bench: BenchmarkResult, comparators: Comparators) -> str:
    """How a benchmark is named in a sentence: 'England', 'the East of England region',
    'Cambridgeshire', 'the average of its 15 comparator areas'."""
    if bench.benchmark_code == ENGLAND:
        return "England"
    region = comparators.region
    if region is not None and bench.benchmark_code == region.code:
        return region.name if region.name == "London" else f"the {region.name} region"
    if bench.benchmark_code == "neighbours":
        found = re.search(r"\d+", bench.benchmark_name)
        count = f"{found.group(0)} " if found else ""
        return f"the average of its {count}comparator areas"
    return bench.benchmark_name


def first_and_last(result: IndicatorResult) -> tuple[tuple[str, float] | None, ...]:
    """The first and last of the (up to five) periods the recent trend looks at."""
    shown = result.series[result.series["value"].notna()].tail(TREND_POINTS)
    if len(shown) < 2:
        return None, None
    return (
        (str(shown["period"].iloc[0]), float(shown["value"].iloc[0])),
        (str(shown["period"].iloc[-1]), float(shown["value"].iloc[-1])),
    )


def _neighbour_values(result: IndicatorResult, comparators: Comparators) -> list[float] | None:
    """Values of the comparator areas at the reported period (the figure's rank group)."""
    if not comparators.neighbours or result.figure.value is None:
        return None
    return [result.values[a.code] for a in comparators.neighbours if a.code in result.values]


def indicator_slug(result: IndicatorResult) -> str:
    """The indicator's stable slug (:func:`dana.assess.findings.slug`)."""
    return findings.slug(result.indicator.id, result.indicator.short_name)


def _is_harm(result: IndicatorResult) -> bool:
    """A measure of harm (deaths, admissions) where low is good: similar to England is
    still harm."""
    return result.indicator.section.endswith("_harms") and result.figure.polarity == LOW_IS_GOOD


def _notes(result: IndicatorResult, voice: Voice, *, mixed: bool) -> list[str]:
    """The interpretations a seed would give for one figure (see :mod:`wording`)."""
    figure, indicator = result.figure, result.indicator
    notes = []
    england = figure.benchmark(ENGLAND)
    population = findings.unmet_population(indicator.name)
    if population and figure.unit == "%" and figure.value is not None and figure.value >= 50:
        tenths = round(figure.value / 10)
        form = voice.pick("unmet", wording.UNMET_FORMS)
        notes.append(form.format(tenths=tenths, population=population))
    if _is_harm(result) and england is not None and england.comparison == SIMILAR:
        notes.append(voice.pick("still_harm", wording.STILL_HARM_FORMS))
    base, things = _base(result)
    if base is not None and base < SMALL_NUMBER:
        form = voice.pick("small", wording.SMALL_NUMBER_FORMS)
        notes.append(form.format(count=findings.format_count(base), things=things))
    if "re-present" in indicator.name.lower() and voice.first_time("representation"):
        notes.append(
            "Re-presentation is counted among everyone who completed treatment; those who "
            "came back within six months are the ones left out of the successful-completion "
            "figures."
        )
    if mixed:
        notes.append(
            "The comparator values for this figure are synthetic (DANA's generator), so the "
            "comparison is for illustration only."
        )
    return notes


#: Fewer events (a rate) or people (a proportion's base) than this: the figure is unstable.
SMALL_NUMBER = 20


def _base(result: IndicatorResult) -> tuple[float | None, str]:
    figure = result.figure
    if figure.value is None or figure.value_type in ("count", "score", "mean"):
        return None, ""
    if figure.unit == "%":
        if findings.unmet_population(result.indicator.name):
            return None, ""  # its base is an estimate of need, not people counted
        return figure.denominator, "people"
    words = findings.COUNTABLE.search(result.indicator.short_name)
    return figure.count, (words.group(0).lower() if words else "events")


def indicator_finding(
    result: IndicatorResult,
    comparators: Comparators,
    *,
    voice: Voice | None = None,
    mixed: bool = False,
    lead: bool = True,
) -> Finding:
    """One indicator's own finding (id ``<section>.<slug>``): the figure with its tested
    comparisons (England, region, comparator areas), its rank and its recent trend, and
    with a ``voice`` the seeds' interpretation and varied wording."""
    figure, indicator = result.figure, result.indicator
    tested = indicator.comparison in TESTED_METHODS
    england = figure.benchmark(ENGLAND)
    benchmarks = [(benchmark_label(b, comparators), b) for b in figure.benchmarks] if tested else []
    no_interval = (
        tested
        and england is not None
        and england.comparison == NOT_COMPARED
        and figure.value is not None
        and (figure.lower is None or figure.upper is None)
    )
    first, last = first_and_last(result)
    text = findings.indicator_paragraph(
        figure,
        comparators.subject.name,
        short_name=indicator.short_name,
        indicator_name=indicator.name,
        age=indicator.age,
        benchmarks=benchmarks,
        untested_england=england if no_interval else None,
        quintile=result.quintile,
        neighbour_values=_neighbour_values(result, comparators),
        first=first,
        last=last,
        voice=voice,
        notes=() if voice is None else _notes(result, voice, mixed=mixed),
        extremes_only=voice is not None,
        say_stable=voice is None or lead,
    )
    kind = "unmet_need" if findings.unmet_population(indicator.name) else "comparison"
    return findings.finding(finding_id(result), text, figure.indicator_id, kind)


def indicator_findings(result: IndicatorResult, comparators: Comparators) -> list[Finding]:
    """One finding per indicator, in the plain form (no interpretation, first wordings)."""
    return [indicator_finding(result, comparators)]


def finding_id(result: IndicatorResult) -> str:
    """An indicator's own finding id: ``<catalogue section>.<slug>``."""
    return f"{result.indicator.section}.{indicator_slug(result)}"


def _england(result: IndicatorResult) -> str:
    england = result.figure.benchmark(ENGLAND)
    return NOT_COMPARED if england is None else england.comparison


def _changing(result: IndicatorResult) -> bool:
    trend = result.figure.trend
    return trend not in ("", NO_SIGNIFICANT_CHANGE, TREND_NOT_CALCULATED)


def _difference(result: IndicatorResult) -> float:
    """The relative difference from England (0 when there is no England value)."""
    england = result.figure.benchmark(ENGLAND)
    value = result.figure.value
    if england is None or value is None or not england.benchmark_value:
        return 0.0
    return abs(value - england.benchmark_value) / abs(england.benchmark_value)


def _item(result: IndicatorResult, *, with_england: bool) -> str:
    """'drug misuse deaths (3.7 per 100,000; England 5.7)' for a grouped sentence."""
    figure = result.figure
    text = (
        f"{findings.noun(result.indicator.short_name)} ({findings.with_unit(figure.value, figure)}"
    )
    england = figure.benchmark(ENGLAND)
    if with_england and england is not None and england.benchmark_value is not None:
        text += f"; England {findings.beside(england.benchmark_value, figure)}"
    return text + f", {figure.period})"


def _group_text(forms, kind: str, members, area: str, voice: Voice, *, with_england=True) -> str:
    items = findings.join_and([_item(r, with_england=with_england) for r in members])
    verb = "was" if len(members) == 1 else "were"
    text = voice.pick(kind, forms).format(items=items, verb=verb, Area=area)
    return text[:1].upper() + text[1:]


def section_findings(
    section_key: str,
    results: list[IndicatorResult],
    comparators: Comparators,
    voice: Voice,
    *,
    mixed: frozenset[str] = frozenset(),
) -> tuple[list[Finding], dict[str, str]]:
    """A subsection's findings, leading with what matters, and the finding aliases.

    Order (the seeds' argument): significantly worse than England (largest difference
    first), then large unmet need, worsening trends and differences without a direction,
    each in its own paragraph with its interpretation; then improving trends; then what
    is significantly better, and what is similar, each said once for the group (with "a
    harm similar to England is still harm" for harms); then figures shown for context,
    and those withheld or missing. Groups have the ids ``<section_key>.better``,
    ``.similar``, ``.context`` and ``.withheld``; the aliases map each grouped
    indicator's own id to its group's, so a recommendation citing it still resolves.
    """
    area = comparators.subject.name
    shown = [r for r in results if r.figure.value is not None]
    absent = [r for r in results if r.figure.value is None]
    lead, improving, better, similar, context = [], [], [], [], []
    for result in shown:
        category = _england(result)
        unmet = findings.unmet_population(result.indicator.name)
        large_unmet = unmet and result.figure.value >= 50
        if (
            category in (WORSE, HIGHER, LOWER)
            or large_unmet
            or result.figure.trend in WORSENING_TRENDS
        ):
            lead.append(result)
        elif result.figure.trend in IMPROVING_TRENDS or _changing(result):
            improving.append(result)
        elif category == BETTER:
            better.append(result)
        elif category == SIMILAR:
            similar.append(result)
        else:
            context.append(result)
    lead.sort(key=lambda r: (_england(r) != WORSE, -_difference(r)))
    out: list[Finding] = []
    aliases: dict[str, str] = {}

    def own(result, lead=False):
        indicator_id = result.figure.indicator_id
        out.append(
            indicator_finding(
                result, comparators, voice=voice, mixed=indicator_id in mixed, lead=lead
            )
        )

    def group(kind, forms, members, finding_kind, suffix="", **options):
        if not members:
            return
        text = _group_text(forms, kind, members, area, voice, **options)
        if suffix:
            text += " " + suffix
        group_id = f"{section_key}.{kind}"
        ids = tuple(r.figure.indicator_id for r in members)
        out.append(findings.finding(group_id, text, ids, finding_kind))
        aliases.update({finding_id(r): group_id for r in members})

    for result in lead:
        own(result, lead=True)
    for result in improving:
        own(result)
    grouped_better = len(better) > 1 and not any(r.figure.indicator_id in mixed for r in better)
    for result in [] if grouped_better else better:
        own(result)
    if grouped_better:
        harm = all(_is_harm(r) for r in better)
        note = voice.pick("better_harm", wording.BETTER_HARM_FORMS) if harm else ""
        group("better", wording.BETTER_GROUP_FORMS, better, "better_group", note)
    if len(similar) > 1 and not any(r.figure.indicator_id in mixed for r in similar):
        harm = all(_is_harm(r) for r in similar)
        note = voice.pick("still_harm", wording.STILL_HARM_FORMS) if harm else ""
        group("similar", wording.SIMILAR_GROUP_FORMS, similar, "similar_group", note)
    else:
        for result in similar:
            own(result)
    if len(context) > 1:
        group("context", wording.CONTEXT_GROUP_FORMS, context, "context", with_england=False)
    else:
        for result in context:
            own(result)
    for result in absent:
        own(result)
    return out, aliases


def finding_aliases(results: list[IndicatorResult], every: list[Finding]) -> dict[str, str]:
    """Each indicator's own finding id (``<section>.<slug>``) -> the id of the finding that
    states it, where the report groups it with others (for the register's links)."""
    ids = {f.id for f in every}
    aliases = {}
    for result in results:
        own = finding_id(result)
        if own in ids:
            continue
        indicator_id = result.figure.indicator_id
        holder = next(
            (
                f.id
                for f in every
                if indicator_id in f.indicator_ids and not f.id.startswith("summary.")
            ),
            None,
        )
        if holder is not None:
            aliases[own] = holder
    return aliases


def england_counts(results: list[IndicatorResult]) -> tuple[Counter, int]:
    """Tested England comparisons by category, and how many figures are shown untested."""
    counts, untested = Counter(), 0
    for result in results:
        england = result.figure.benchmark(ENGLAND)
        if england is not None and england.comparison != NOT_COMPARED:
            counts[england.comparison] += 1
        elif result.figure.value is not None:
            untested += 1
    return counts, untested


def tally(results: list[IndicatorResult], voice: Voice | None = None) -> str:
    """'Of the 13 indicators tested against England, ...' for a group of results; with a
    ``voice`` the closing "shown for context" clause is worded in turn."""
    text = findings.tally_sentence(*england_counts(results))
    if voice is None or "shown for context, without a significance test." not in text:
        return text
    form = voice.pick("context_tally", wording.CONTEXT_TALLY_FORMS)
    return text.replace("shown for context, without a significance test.", form)
