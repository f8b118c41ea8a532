"""The arithmetic consistency checks: populations, subsets and unmet need.

Part of :mod:`dana.assess.consistency` (which runs them, with the checks on words,
charts and sources); see its docstring for the table of every check. Each check returns
:class:`~dana.assess.notes_model.CheckResult` values whose problems name the figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from dana.assess.model import Assessment, Figure
from dana.assess.notes_model import CheckResult
from dana.assess.provenance import is_synthetic
from dana.formatting import decimals_for


@dataclass(frozen=True)
class BuildFacts:
    """What the build knew that the model does not carry."""

    #: indicator id -> the figure's age group ("18+ yrs")
    ages: dict[str, str] = field(default_factory=dict)
    #: indicator ids whose area value and benchmark values mix real and synthetic rows
    mixed: frozenset[str] = frozenset()
    #: the source of the population behind the pyramid chart ("" when none is drawn)
    population_source: str = ""
    #: indicator ids DANA computed itself (dana.assess.derived): never "as published"
    derived: frozenset[str] = frozenset()


#: (subset, superset, what the subset is): both must be shown for the same period.
SUBSETS: tuple[tuple[str, str, str], ...] = (
    ("92432", "ons:drug_poisoning_deaths", "drug-misuse deaths are a subset of drug poisonings"),
    (
        "ons:drug_misuse_deaths_count",
        "ons:drug_poisoning_deaths_count",
        "drug-misuse deaths are a subset of drug poisonings",
    ),
    (
        "ndtms:adults_in_treatment_opiate",
        "ndtms:adults_in_treatment_drug",
        "opiate clients are a subset of all adults in drug treatment",
    ),
    (
        "ndtms:adults_in_treatment_non_opiate",
        "ndtms:adults_in_treatment_drug",
        "non-opiate clients are a subset of all adults in drug treatment",
    ),
)
#: (unmet-need indicator, in-treatment indicators whose count is the people in treatment)
UNMET_NEED_PAIRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("93532", ("ndtms:number_in_treatment_alcohol", "ndtms:adults_in_treatment_alcohol")),
)
#: Counts published rounded to 5 (NDTMS) may be off by this much.
COUNT_ROUNDING = 2.5


def label(figure: Figure) -> str:
    """How a figure is named in a problem: name, id and period."""
    return f"'{figure.name}' ({figure.indicator_id}, {figure.period})"


def published(figures: Iterable[Figure], facts: BuildFacts) -> bool:
    return all(not is_synthetic(f.source) and f.indicator_id not in facts.derived for f in figures)


def tolerance(figure: Figure) -> float:
    """Half a unit of the figure's printed precision, relative to its value."""
    if figure.value in (None, 0):
        return 0.0
    places = decimals_for(figure.value, figure.unit, figure.value_type)
    return 0.5 * 10 ** (-places) / abs(figure.value)


def _start_year(period: str) -> str:
    found = re.match(r"\d{4}", period.strip())
    return found.group(0) if found else period


def check_one_denominator(assessment: Assessment, facts: BuildFacts) -> CheckResult:
    """Rates of one period and age group share one population; so does the population
    figure of that year and age."""
    groups: dict[tuple[str, str], list[tuple[Figure, float]]] = {}
    for figure in assessment.all_figures():
        age = facts.ages.get(figure.indicator_id, "")
        if figure.value is None or not age:
            continue
        if figure.value_type == "crude_rate" and figure.denominator and figure.count is not None:
            groups.setdefault((figure.period, age), []).append((figure, figure.denominator))
    populations = {
        (_start_year(f.period), facts.ages.get(f.indicator_id, "")): f
        for f in assessment.all_figures()
        if f.indicator_id.startswith("ons:population_") and f.value is not None
    }
    problems = []
    for (period, age), members in groups.items():
        if " - " not in period:  # a pooled period's denominator is person-years
            population = populations.get((_start_year(period), age))
            if population is not None:
                members = [*members, (population, float(population.value))]
        low = min(members, key=lambda m: m[1])
        high = max(members, key=lambda m: m[1])
        allowed = 0.001 + tolerance(low[0]) + tolerance(high[0])
        if high[1] > low[1] * (1 + allowed):
            listed = "; ".join(f"{label(f)}: {d:,.0f}" for f, d in members)
            problems.append(
                f"{period}, age {age}: the figures imply different populations ({listed})"
            )
    return CheckResult(
        "one_denominator",
        "One population per area, period and age group across all rates",
        soft=False,
        problems=tuple(problems),
    )


def by_id(assessment: Assessment) -> dict[str, Figure]:
    """Every figure of the assessment by indicator id."""
    return {f.indicator_id: f for f in assessment.all_figures()}


def check_subsets(assessment: Assessment, facts: BuildFacts) -> list[CheckResult]:
    """Subsets never exceed their supersets (hard, and soft for published figures)."""
    figures = by_id(assessment)
    hard, soft = [], []

    def report(message: str, involved: Sequence[Figure]) -> None:
        (soft if published(involved, facts) else hard).append(message)

    for small_id, big_id, why in SUBSETS:
        small, big = figures.get(small_id), figures.get(big_id)
        if small is None or big is None or small.period != big.period:
            continue
        comparable = small.value is not None and big.value is not None and small.unit == big.unit
        if comparable and small.value > big.value * (1 + tolerance(big)) + 1e-9:
            report(
                f"{label(small)} is {small.value:g}, above {label(big)} {big.value:g} ({why})",
                (small, big),
            )
        if small.count is not None and big.count is not None and small.count > big.count:
            report(
                f"{label(small)} counts {small.count:g}, more than {label(big)} "
                f"{big.count:g} ({why})",
                (small, big),
            )
    for unmet_id, treated_ids in UNMET_NEED_PAIRS:
        unmet = figures.get(unmet_id)
        if unmet is None or not unmet.denominator:
            continue
        for treated in (figures.get(i) for i in treated_ids):
            if treated is None or treated.count is None or treated.period != unmet.period:
                continue
            if treated.count > unmet.denominator + COUNT_ROUNDING:
                report(
                    f"{label(treated)} counts {treated.count:g} in treatment, more than the "
                    f"{unmet.denominator:g} estimated to need it ({label(unmet)})",
                    (treated, unmet),
                )
    for figure in figures.values():
        counted = figure.unit == "%" and figure.count is not None and figure.denominator
        if counted and figure.count > figure.denominator + COUNT_ROUNDING:
            report(
                f"{label(figure)}: count {figure.count:g} exceeds its denominator "
                f"{figure.denominator:g}",
                (figure,),
            )
    for section in assessment.all_sections():
        for table in section.tables:
            hard.extend(_table_total_problems(table))
    return [
        CheckResult(
            "subsets", "Subsets never exceed their supersets", soft=False, problems=tuple(hard)
        ),
        CheckResult(
            "subsets_published",
            "Published figures that exceed their published supersets (reported as printed)",
            soft=True,
            problems=tuple(soft),
        ),
    ]


def _table_total_problems(table) -> list[str]:
    if not table.total_row or not table.counts or table.data.empty:
        return []
    first = table.data.columns[0]
    is_total = table.data[first].astype(str) == table.total_row
    if not is_total.any():
        return []
    problems = []
    for column in table.counts:
        values = table.data[column]
        total = values[is_total].iloc[0]
        if not isinstance(total, int | float) or (isinstance(total, float) and math.isnan(total)):
            continue
        for category, part in zip(table.data[first][~is_total], values[~is_total], strict=True):
            if isinstance(part, int | float) and not math.isnan(part) and part > total:
                problems.append(
                    f"table '{table.title}': {category} ({part:g}) exceeds the total "
                    f"({total:g}) in column {column!r}"
                )
    return problems


def check_unmet_need(assessment: Assessment, facts: BuildFacts) -> list[CheckResult]:
    """Unmet need = 1 - in treatment / need (DEFINITIONS.md 3.5), to the published rounding.

    Two things must hold. The figure's own arithmetic: value = not in treatment / need
    (its count over its denominator). And the alcohol-only count in treatment (a part of
    everyone the estimate counts as treated: people treated for alcohol with non-opiate
    drugs are counted too) never exceeds the in-treatment number the estimate implies,
    need x (1 - unmet), beyond the counts' rounding to 5.
    """
    figures = by_id(assessment)
    hard, soft = [], []
    for figure in figures.values():
        own = figure.unit == "%" and figure.count is not None and figure.denominator
        if not own or figure.value is None or "not in treatment" not in figure.name.lower():
            continue
        expected = 100 * figure.count / figure.denominator
        allowed = 0.5 * 10 ** -decimals_for(figure.value, "%", "proportion") + 1e-6
        if abs(figure.value - expected) > allowed:
            message = (
                f"{label(figure)} is {figure.value:g}%, but its own {figure.count:g} not in "
                f"treatment of {figure.denominator:g} in need gives {expected:.1f}%"
            )
            (soft if published((figure,), facts) else hard).append(message)
    for unmet_id, treated_ids in UNMET_NEED_PAIRS:
        unmet = figures.get(unmet_id)
        if unmet is None or unmet.value is None or not unmet.denominator:
            continue
        implied = unmet.denominator * (1 - unmet.value / 100)
        places = decimals_for(unmet.value, "%", "proportion")
        slack = unmet.denominator * 0.5 * 10**-places / 100 + COUNT_ROUNDING
        for treated in (figures.get(i) for i in treated_ids):
            if treated is None or treated.count is None or treated.period != unmet.period:
                continue
            if treated.count > implied + slack:
                message = (
                    f"{label(unmet)} is {unmet.value:g}% of {unmet.denominator:g} in need, so "
                    f"about {implied:,.0f} in treatment, but {label(treated)} counts "
                    f"{treated.count:g}: 1 - {treated.count:g} / {unmet.denominator:g} = "
                    f"{100 * (1 - treated.count / unmet.denominator):.1f}%"
                )
                (soft if published((unmet, treated), facts) else hard).append(message)
            break  # one in-treatment count per unmet-need figure
    return [
        CheckResult(
            "unmet_need",
            "Unmet need equals 1 - in treatment / need, to the published rounding",
            soft=False,
            problems=tuple(hard),
        ),
        CheckResult(
            "unmet_need_published",
            "Published unmet need that does not follow from the published counts "
            "(reported as printed)",
            soft=True,
            problems=tuple(soft),
        ),
    ]
