"""Consistency checks over the assessment model, run before anything is rendered.

An assessment never contradicts itself. Each check reads the finished model (and, where
the model does not carry it, what the build knew: each figure's age group and the
sources of its benchmark rows) and returns a :class:`~dana.assess.notes_model.CheckResult`
whose problems name every figure involved. :func:`enforce` raises
:class:`ConsistencyError` when a hard check fails, so a contradictory report is never
written; the results, passed or failed, go into the analyst notes.

==========================  ====================================================  =====
check                       what must hold                                        kind
==========================  ====================================================  =====
``one_denominator``         the rates of one area, period and age group divide    hard
                            by one population (within the published rounding),
                            and it agrees with the population figure of that
                            year and age
``subsets``                 a subset never exceeds its superset: drug-misuse <=   hard*
                            drug-poisoning deaths, opiate or non-opiate <= all
                            drug treatment, in treatment <= estimated need, a
                            proportion's count <= its denominator, a table's
                            parts <= its total row
``unmet_need``              unmet need = 1 - in treatment / need, to the          hard*
                            published rounding (plus the counts' rounding to 5)
``funnels``                 a funnel's verdict on the area (inside or outside     hard
                            the limits) agrees with the figure's own comparison
                            with England, at the figure's confidence level
``verdicts``                every sentence about a figure's comparison with       hard
                            England uses that figure's category
``gaps``                    no data gap for a figure the report shows (or for a   hard
                            measure another shown figure carries)
``synthetic_mixing``        a figure whose value and benchmarks mix real and      hard
                            synthetic data says so in its finding
``introduction``            the introduction claims engagement only when the      hard
                            report has an engagement section
``sources``                 each chart's source is its figure's source, and the   hard
                            pyramid's is the population's own
==========================  ====================================================  =====

\\* soft when every figure involved is published (not synthetic, not DANA's own
arithmetic): published reports do contradict themselves (the C&P summary's unmet need
does not follow from its own in-treatment counts). DANA reports the figures as printed
and lists the disagreement in the analyst notes; it never hides or "corrects" them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from dana import stats
from dana.areas import ENGLAND
from dana.assess.consistency_arithmetic import (
    BuildFacts,
    by_id,
    check_one_denominator,
    check_subsets,
    check_unmet_need,
    label,
)
from dana.assess.model import Assessment, Chart, Figure, Finding
from dana.assess.notes_model import CheckResult
from dana.assess.provenance import is_synthetic
from dana.vocabulary import BETTER, HIGHER, LOWER, NOT_COMPARED, SIMILAR, WORSE


class ConsistencyError(ValueError):
    """A hard consistency check failed: the message names every figure involved."""


_VERDICT = re.compile(
    r"(similar to|in line with|close to|significantly (?:higher|lower)(?: \([^)]*\))? than"
    r"|(?:higher|lower|better|worse) than)\s+(?:England|England's|the England)"
)


# --- the checks ------------------------------------------------------------------------------


def _outside(significance: str, confidence: float) -> str:
    """'high'/'low' when a funnel class puts the area outside the limits of ``confidence``."""
    text = significance.lower()
    strict = "(0.001)" in text
    if not strict and ("(0.025)" not in text or confidence > 0.99):
        return ""
    return "high" if text.startswith("high") else "low" if text.startswith("low") else ""


def funnel_disagreement(chart: Chart, figure: Figure) -> str:
    """Why a funnel's verdict on the area contradicts the figure's England comparison
    ('' when they agree). The funnel's centre is England's value, so the two must say the
    same at the figure's own confidence level."""
    england = figure.benchmark(ENGLAND)
    if england is None or england.comparison == NOT_COMPARED or "significance" not in chart.data:
        return ""
    mine = chart.data[chart.data["is_subject"]]
    if mine.empty:
        return ""
    side = _outside(str(mine["significance"].iloc[0]), figure.confidence)
    direction = _direction(figure, england.comparison)
    if england.comparison == SIMILAR and side:
        return (
            f"the funnel puts {label(figure)} {side} outside its limits, but the figure's "
            "interval makes it similar to England"
        )
    if england.comparison != SIMILAR and side != direction:
        where = f"{side} outside" if side else "inside"
        return (
            f"the funnel puts {label(figure)} {where} its limits, but the figure is "
            f"{england.comparison} than England"
        )
    return ""


def _direction(figure: Figure, comparison: str) -> str:
    if comparison in (HIGHER, LOWER):
        return "high" if comparison == HIGHER else "low"
    low_is_good = figure.polarity == "low_is_good"
    if comparison == BETTER:
        return "low" if low_is_good else "high"
    if comparison == WORSE:
        return "high" if low_is_good else "low"
    return ""


#: A figure's interval and the funnel model's interval at the figure's own count and
#: denominator may differ in width by this fraction and still be "the same model".
SAME_MODEL_TOLERANCE = 0.25


def same_uncertainty_model(figure: Figure, statistic: str, multiplier: float) -> bool:
    """True when the figure's interval is the one the funnel's model (Wilson for a
    proportion, Byar for a rate) gives at its own count and denominator.

    An unmet-need figure's interval carries the prevalence estimate's uncertainty (e.g.
    73-83%), far wider than a binomial interval around the same value: a binomial funnel
    would judge it on a different model, and could contradict its own comparison.
    """
    if figure.count is None or not figure.denominator or figure.lower is None:
        return False
    if figure.upper is None or figure.upper <= figure.lower:
        return False
    make = stats.proportion if statistic == "proportion" else stats.rate
    model = make(
        figure.count, figure.denominator, confidence=figure.confidence, multiplier=multiplier
    )
    level = "99_8" if figure.confidence > 0.99 else "95"
    width = float(model[f"upper_{level}"].iloc[0] - model[f"lower_{level}"].iloc[0])
    return abs(width - (figure.upper - figure.lower)) <= SAME_MODEL_TOLERANCE * width


def mixed_sources(results, comparators) -> frozenset[str]:
    """Indicator ids whose area value and benchmark values (England, region, neighbours)
    come from real and synthetic rows at once, at the reported period."""
    codes = [a.code for a in comparators.all() if a.code != comparators.subject.code]
    mixed = set()
    for result in results:
        if result.figure.value is None:
            continue
        rows = result.rows
        benchmarks = (
            (rows["period_sort"] == result.period_sort)
            & rows["value"].notna()
            & rows["area_code"].isin(codes)
        ).to_numpy()
        mine = is_synthetic(result.figure.source)
        sources = set(rows["source"].to_numpy()[benchmarks])
        if any(is_synthetic(source) != mine for source in sources):
            mixed.add(result.figure.indicator_id)
    return frozenset(mixed)


def check_funnels(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    figures = by_id(assessment)
    problems = []
    sections = [*assessment.all_sections(), *assessment.appendices]
    for chart in (c for s in sections for c in s.charts if c.kind == "funnel"):
        figure = figures.get(chart.extra.get("indicator_id", ""))
        if figure is not None and (reason := funnel_disagreement(chart, figure)):
            problems.append(f"chart '{chart.title}': {reason}")
    return CheckResult(
        "funnels",
        "Each funnel plot agrees with its figure's own comparison with England",
        soft=False,
        problems=tuple(problems),
    )


def _expected_words(figure: Figure) -> str | None:
    england = figure.benchmark(ENGLAND)
    if england is None or england.comparison == NOT_COMPARED:
        return None
    return "similar" if england.comparison == SIMILAR else _direction(figure, england.comparison)


def _said(verdict: str) -> str:
    if verdict.startswith(("similar", "in line", "close")):
        return "similar"
    for word, side in (("higher", "high"), ("lower", "low")):
        if word in verdict:
            return side
    return "judged"  # "better than"/"worse than": checked through the polarity below


def check_verdicts(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    """Every England verdict in a finding agrees with the figures it cites."""
    figures = by_id(assessment)
    problems = []
    for finding in _all_findings(assessment):
        cited = [figures[i] for i in finding.indicator_ids if i in figures]
        verdicts = [_said(m.group(1)) for m in _VERDICT.finditer(finding.text)]
        if not cited or not verdicts:
            continue
        expected = {_expected_words(f) for f in cited} - {None}
        if len(cited) == 1 and expected:
            wanted = expected.pop()
            wrong = [v for v in verdicts if v not in (wanted, "judged")]
            if wrong:
                problems.append(
                    f"finding {finding.id}: says {wrong[0]!r} of {label(cited[0])}, whose "
                    f"comparison with England is {wanted!r}"
                )
        elif finding.kind in GROUP_KINDS:
            want = GROUP_KINDS[finding.kind]
            odd = [f for f in cited if not _in_group(f, want)]
            if odd:
                listed = ", ".join(label(f) for f in odd)
                problems.append(f"finding {finding.id} groups as {want}: {listed}")
    return CheckResult(
        "verdicts",
        "Every sentence about a figure's comparison with England agrees with it",
        soft=False,
        problems=tuple(problems),
    )


#: Finding kinds that group several figures under one verdict, and that verdict.
GROUP_KINDS = {"similar_group": SIMILAR, "better_group": BETTER}


def _in_group(figure: Figure, want: str) -> bool:
    england = figure.benchmark(ENGLAND)
    return england is not None and england.comparison == want


def _all_findings(assessment: Assessment) -> list[Finding]:
    return [f for s in (*assessment.all_sections(), *assessment.appendices) for f in s.findings]


def check_gaps(
    assessment: Assessment, facts: BuildFacts, covered_by: dict[str, tuple[str, ...]]
) -> CheckResult:
    """No gap says 'no data' for a figure the report shows."""
    shown = {f.indicator_id for f in assessment.all_figures() if f.value is not None}
    problems = []
    for gap in assessment.data_gaps:
        if gap.reason not in ("no_data", "not_supplied"):
            continue
        carriers = [gap.indicator_id, *covered_by.get(gap.indicator_id, ())]
        showing = [i for i in carriers if i in shown]
        if showing:
            problems.append(
                f"data gap '{gap.name}' ({gap.indicator_id}: {gap.reason}) while the report "
                f"shows {', '.join(showing)}"
            )
    return CheckResult(
        "gaps",
        "No data gap is listed for a figure the report shows",
        soft=False,
        problems=tuple(problems),
    )


def check_synthetic_mixing(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    figures = by_id(assessment)
    said = {}
    for finding in _all_findings(assessment):
        for indicator_id in finding.indicator_ids:
            said[indicator_id] = said.get(indicator_id, False) or "synthetic" in finding.text
    problems = [
        f"{label(figures[i])} compares real and synthetic values without saying so"
        for i in sorted(facts.mixed)
        if i in figures and not said.get(i, False)
    ]
    return CheckResult(
        "synthetic_mixing",
        "Real and synthetic values are never combined in one figure without saying so",
        soft=False,
        problems=tuple(problems),
    )


_ENGAGEMENT_WORDS = re.compile(r"(?i)\b(engagement|lived experience|interview|survey of)\b")


def check_introduction(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    has_engagement = any(s.id == "engagement" for s in assessment.all_sections())
    problems = []
    if not has_engagement and _ENGAGEMENT_WORDS.search(assessment.introduction):
        problems.append(
            "the introduction describes engagement work, but the report has no engagement section"
        )
    return CheckResult(
        "introduction",
        "The introduction describes only what the report contains",
        soft=False,
        problems=tuple(problems),
    )


def check_sources(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    figures = by_id(assessment)
    problems = []
    for section in (*assessment.all_sections(), *assessment.appendices):
        for chart in section.charts:
            figure = figures.get(chart.extra.get("indicator_id", ""))
            if chart.kind == "pyramid":
                expected = facts.population_source
                if expected and chart.source != expected:
                    problems.append(
                        f"chart '{chart.title}' names {chart.source!r} as its source, but its "
                        f"population comes from {expected!r}"
                    )
            elif figure is not None and figure.source and figure.source not in chart.source:
                problems.append(
                    f"chart '{chart.title}' names {chart.source!r} as its source, but "
                    f"{label(figure)} comes from {figure.source!r}"
                )
    return CheckResult(
        "sources",
        "Every chart's 'Source:' names where its figures came from",
        soft=False,
        problems=tuple(problems),
    )


Check = Callable[[Assessment, BuildFacts], CheckResult | list[CheckResult]]


def run_checks(
    assessment: Assessment, facts: BuildFacts, *, covered_by: dict[str, tuple[str, ...]]
) -> tuple[CheckResult, ...]:
    """Every check, in the order of the module docstring's table."""
    results: list[CheckResult] = [check_one_denominator(assessment, facts)]
    results += check_subsets(assessment, facts)
    results += check_unmet_need(assessment, facts)
    results.append(check_funnels(assessment, facts))
    results.append(check_verdicts(assessment, facts))
    results.append(check_gaps(assessment, facts, covered_by))
    results.append(check_synthetic_mixing(assessment, facts))
    results.append(check_introduction(assessment, facts))
    results.append(check_sources(assessment, facts))
    return tuple(results)


def enforce(checks: Sequence[CheckResult]) -> None:
    """Raise :class:`ConsistencyError` listing every problem of every failed hard check."""
    failed = [c for c in checks if not c.soft and not c.passed]
    if not failed:
        return
    lines = [f"{c.description}: {p}" for c in failed for p in c.problems]
    raise ConsistencyError(
        "the assessment contradicts itself, so no report was written:\n  - " + "\n  - ".join(lines)
    )
