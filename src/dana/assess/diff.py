"""What changed between two editions of an assessment (``dana diff``, ``previous_edition:``).

:func:`diff_editions` compares an earlier :class:`~dana.assess.edition.Edition` with a
later one of the same area and lists, as :class:`Change` records:

- **comparisons that flipped**: a benchmark judgement (England, region, neighbours) that
  moved between better, similar and worse (or higher and lower). A move to or from "not
  compared" is a change of data, not of judgement, and is not listed;
- **trends that turned**: the recent-trend label changed (both calculated);
- **figures that moved beyond their interval**: the later figure's confidence interval
  excludes the earlier value, the Fingertips rule of :func:`dana.stats.compare` with the
  earlier value as the benchmark (so polarity decides better or worse). Figures without
  an interval are not judged;
- **recommendations whose evidence changed**: a recommendation (of the later edition, or
  of the earlier one when the later has none) linked to an indicator with one of the
  changes above, or to a finding whose words changed or went;
- **new and dropped indicators**: reported (a value, or withheld) in one edition only.

Changes are ordered by what matters most: the kinds in the order above, and within each
kind what got worse first, then what got better, then the rest; England before the
region before the neighbours; then the later edition's order of figures.

:func:`since_last_section` turns a diff into the report's "Since the last assessment"
section: findings and two tables (standard model objects).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.edition import Edition
from dana.assess.model import Figure, Finding, Section, Table
from dana.formatting import decimals_for, format_level, format_number, format_unit
from dana.vocabulary import (
    BETTER,
    COMPARISON_LABELS,
    HIGHER,
    IMPROVING_TRENDS,
    LOWER,
    NOT_COMPARED,
    SIMILAR,
    TREND_NOT_CALCULATED,
    WORSE,
    WORSENING_TRENDS,
)

__all__ = [
    "CHANGE_KINDS",
    "Change",
    "DiffError",
    "EditionDiff",
    "diff_editions",
    "headline_changes",
    "since_last_section",
]

COMPARISON, TREND, VALUE, RECOMMENDATION, NEW, DROPPED = (
    "comparison",
    "trend",
    "value",
    "recommendation",
    "new",
    "dropped",
)
#: Kinds of change, most important first, with their headings.
CHANGE_KINDS: dict[str, str] = {
    COMPARISON: "Comparisons that flipped",
    TREND: "Trends that turned",
    VALUE: "Figures that moved beyond their interval",
    RECOMMENDATION: "Recommendations whose evidence changed",
    NEW: "New indicators",
    DROPPED: "Dropped indicators",
}
#: What a change means for the area.
GOT_WORSE, GOT_BETTER, CHANGED = "worse", "better", "changed"
_OUTCOME_ORDER = {GOT_WORSE: 0, GOT_BETTER: 1, CHANGED: 2}
_JUDGED = {BETTER: 2, SIMILAR: 1, WORSE: 0}
_DIFFERENCES = {HIGHER, LOWER, SIMILAR}


class DiffError(ValueError):
    """Two editions that cannot be compared (different areas)."""


@dataclass(frozen=True)
class Change:
    """One thing that changed between two editions, with its sentence."""

    kind: str  # a key of CHANGE_KINDS
    indicator_id: str
    name: str
    outcome: str  # "worse", "better" or "changed"
    sentence: str
    benchmark: str = ""  # comparison flips: the benchmark's name
    before: str = ""  # the earlier label (comparison, trend) or period
    after: str = ""
    before_value: float | None = None
    after_value: float | None = None
    unit: str = ""
    value_type: str = ""
    recommendation: int | None = None  # recommendation changes: its number


@dataclass(frozen=True)
class EditionDiff:
    """The changes from ``old`` to ``new``, most important first."""

    old: Edition
    new: Edition
    changes: tuple[Change, ...]
    #: Remarks a reader must see (e.g. one edition uses synthetic data).
    notes: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    def counts(self) -> dict[str, int]:
        """Number of changes of each kind, in :data:`CHANGE_KINDS` order."""
        return {kind: len(self.of_kind(kind)) for kind in CHANGE_KINDS}

    def summary(self) -> str:
        """``"3 comparisons flipped, 2 trends turned, ..."``, or that nothing changed."""
        words = {
            COMPARISON: ("comparison flipped", "comparisons flipped"),
            TREND: ("trend turned", "trends turned"),
            VALUE: ("figure moved beyond its interval", "figures moved beyond their interval"),
            RECOMMENDATION: (
                "recommendation's evidence changed",
                "recommendations' evidence changed",
            ),
            NEW: ("new indicator", "new indicators"),
            DROPPED: ("indicator dropped", "indicators dropped"),
        }
        parts = [f"{n} {words[kind][n != 1]}" for kind, n in self.counts().items() if n]
        if not parts:
            return "Nothing changed beyond the figures' intervals."
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + "."


def _reported(figure: Figure | None) -> bool:
    return figure is not None and (figure.value is not None or figure.suppressed)


def _value_text(value, figure: Figure | Change) -> str:
    return format_unit(format_number(value, figure.unit, figure.value_type), figure.unit)


def _interval_text(figure: Figure) -> str:
    """``"75% to 85%"``, ``"377 to 433 per 100,000"``: at the value's precision."""
    places = decimals_for(figure.value, figure.unit, figure.value_type)
    lower, upper = (
        format_number(v, figure.unit, figure.value_type, decimals=places)
        for v in (figure.lower, figure.upper)
    )
    if figure.unit == "%":
        return f"{lower}% to {upper}%"
    return format_unit(f"{lower} to {upper}", figure.unit)


def _label(comparison: str) -> str:
    return COMPARISON_LABELS.get(comparison, comparison).lower()


def _periods(old: Figure, new: Figure) -> str:
    return f"{old.period} to {new.period}" if old.period != new.period else new.period


def _comparison_changes(old: Figure, new: Figure) -> list[Change]:
    out = []
    for bench in new.benchmarks:
        before = old.benchmark(bench.benchmark_code)
        if before is None or NOT_COMPARED in (before.comparison, bench.comparison):
            continue
        if before.comparison == bench.comparison:
            continue
        if before.comparison in _JUDGED and bench.comparison in _JUDGED:
            step = _JUDGED[bench.comparison] - _JUDGED[before.comparison]
            outcome = GOT_BETTER if step > 0 else GOT_WORSE
        elif {before.comparison, bench.comparison} <= _DIFFERENCES:
            outcome = CHANGED
        else:  # a polarity changed between editions: a change, not better or worse
            outcome = CHANGED
        sentence = (
            f"{new.name}: compared with {bench.benchmark_name}, now "
            f"{_label(bench.comparison)} (was {_label(before.comparison)}; "
            f"{_periods(old, new)})."
        )
        out.append(
            Change(
                COMPARISON, new.indicator_id, new.name, outcome, sentence,
                benchmark=bench.benchmark_name, before=before.comparison,
                after=bench.comparison, before_value=old.value, after_value=new.value,
                unit=new.unit, value_type=new.value_type,
            )
        )  # fmt: skip
    return out


def _trend_score(label: str) -> int:
    return 1 if label in IMPROVING_TRENDS else -1 if label in WORSENING_TRENDS else 0


def _trend_change(old: Figure, new: Figure) -> Change | None:
    if old.trend == new.trend or TREND_NOT_CALCULATED in (old.trend, new.trend):
        return None
    step = _trend_score(new.trend) - _trend_score(old.trend)
    outcome = GOT_BETTER if step > 0 else GOT_WORSE if step < 0 else CHANGED
    sentence = (
        f"{new.name}: the recent trend is now \u201c{new.trend}\u201d "
        f"(was \u201c{old.trend}\u201d; {_periods(old, new)})."
    )
    return Change(
        TREND, new.indicator_id, new.name, outcome, sentence, before=old.trend, after=new.trend,
        before_value=old.value, after_value=new.value, unit=new.unit, value_type=new.value_type,
    )  # fmt: skip


def _value_changes(pairs: list[tuple[Figure, Figure]]) -> list[Change]:
    """The later figures whose interval excludes the earlier value (Fingertips rule)."""
    judged = [
        (old, new)
        for old, new in pairs
        if None not in (old.value, new.value, new.lower, new.upper)
        and not (old.suppressed or new.suppressed)
    ]
    if not judged:
        return []
    frame = pd.DataFrame(
        {
            "value": [new.value for _, new in judged],
            "lower": [new.lower for _, new in judged],
            "upper": [new.upper for _, new in judged],
            "earlier": [old.value for old, _ in judged],
            "polarity": [new.polarity for _, new in judged],
        }
    )
    compared = stats.compare("value", "lower", "upper", "earlier", data=frame, polarity="polarity")
    out = []
    for (old, new), result in zip(judged, compared["comparison"], strict=True):
        if result in (SIMILAR, NOT_COMPARED):
            continue
        outcome = {BETTER: GOT_BETTER, WORSE: GOT_WORSE}.get(result, CHANGED)
        verb = "rose" if new.value > old.value else "fell"
        level = format_level(new.confidence)
        interval = _interval_text(new)
        sentence = (
            f"{new.name} {verb} from {_value_text(old.value, old)} ({old.period}) to "
            f"{_value_text(new.value, new)} ({new.period}); the new {level} interval "
            f"({interval}) excludes the earlier value."
        )
        out.append(
            Change(
                VALUE, new.indicator_id, new.name, outcome, sentence, before=old.period,
                after=new.period, before_value=old.value, after_value=new.value,
                unit=new.unit, value_type=new.value_type,
            )
        )  # fmt: skip
    return out


def _reworded(old: Edition, new: Edition) -> set[str]:
    """Ids of findings of ``old`` whose words changed in ``new``, or that ``new`` dropped."""
    later = {f.id: f.text for f in new.findings}
    return {f.id for f in old.findings if later.get(f.id) != f.text}


def _short(change: Change) -> str:
    """A change in a few words, for the list of a recommendation's evidence."""
    if change.kind == COMPARISON:
        return (
            f"{change.name} compared with {change.benchmark}: {_label(change.before)} to "
            f"{_label(change.after)}"
        )
    if change.kind == TREND:
        return f"{change.name} trend: {change.before} to {change.after}"
    if change.kind == VALUE:
        return (
            f"{change.name}: {_value_text(change.before_value, change)} to "
            f"{_value_text(change.after_value, change)}"
        )
    return change.sentence.rstrip(".")


def _recommendation_changes(old: Edition, new: Edition, changes: list[Change]) -> list[Change]:
    register = new.recommendations or old.recommendations
    by_indicator: dict[str, list[Change]] = {}
    for change in changes:
        by_indicator.setdefault(change.indicator_id, []).append(change)
    reworded = _reworded(old, new)
    out = []
    for rec in register:
        evidence = [c for i in rec.indicator_ids for c in by_indicator.get(i, [])]
        findings = [f for f in rec.finding_ids if f in reworded]
        if not evidence and not findings:
            continue
        reasons = [_short(c) for c in evidence]
        if findings:
            n = len(findings)
            reasons.append(
                f"{n} linked finding{'s' if n != 1 else ''} now read{'s' if n == 1 else ''} differently"
            )
        worse = any(c.outcome == GOT_WORSE for c in evidence)
        sentence = (
            f"Recommendation {rec.number} ({rec.title.rstrip('.')}) rests on evidence that "
            "changed: " + "; ".join(reasons) + "."
        )
        out.append(
            Change(
                RECOMMENDATION, ",".join(rec.indicator_ids), rec.title,
                GOT_WORSE if worse else CHANGED, sentence, recommendation=rec.number,
            )
        )  # fmt: skip
    return out


def _presence_change(kind: str, figure: Figure) -> Change:
    shown = "withheld (small numbers)" if figure.suppressed else _value_text(figure.value, figure)
    if kind == NEW:
        sentence = f"{figure.name} is reported for the first time ({figure.period}: {shown})."
    else:
        sentence = f"{figure.name} is no longer reported (last: {figure.period}, {shown})."
    return Change(
        kind, figure.indicator_id, figure.name, CHANGED, sentence,
        before=figure.period if kind == DROPPED else "",
        after=figure.period if kind == NEW else "",
        before_value=figure.value if kind == DROPPED else None,
        after_value=figure.value if kind == NEW else None,
        unit=figure.unit, value_type=figure.value_type,
    )  # fmt: skip


def _check_same_area(old: Edition, new: Edition) -> None:
    if old.area.code != new.area.code:
        raise DiffError(
            f"cannot compare editions for different areas: {old.source or 'the earlier'} is "
            f"{old.area.name} ({old.area.code}), {new.source or 'the later'} is "
            f"{new.area.name} ({new.area.code})"
        )


def diff_editions(old: Edition, new: Edition) -> EditionDiff:
    """What changed from ``old`` to ``new`` (same area), most important first.

    Raises :class:`DiffError` when the editions are of different areas.
    """
    _check_same_area(old, new)
    order = {f.indicator_id: i for i, f in enumerate(new.figures)}
    order.update({f.indicator_id: len(order) + i for i, f in enumerate(old.figures)})
    earlier = {f.indicator_id: f for f in old.figures if _reported(f)}
    later = {f.indicator_id: f for f in new.figures if _reported(f)}
    pairs = [(earlier[i], later[i]) for i in later if i in earlier]

    changes: list[Change] = []
    for before, after in pairs:
        changes += _comparison_changes(before, after)
        trend = _trend_change(before, after)
        if trend is not None:
            changes.append(trend)
    changes += _value_changes(pairs)
    changes += _recommendation_changes(old, new, changes)
    changes += [_presence_change(NEW, later[i]) for i in later if i not in earlier]
    changes += [_presence_change(DROPPED, earlier[i]) for i in earlier if i not in later]

    kinds = list(CHANGE_KINDS)
    # England, then the region, then the neighbours: the order the figures list them
    benchmark_order = {
        (f.indicator_id, b.benchmark_name): i
        for f in new.figures
        for i, b in enumerate(f.benchmarks)
    }

    def rank(change: Change):
        return (
            kinds.index(change.kind),
            _OUTCOME_ORDER[change.outcome],
            benchmark_order.get((change.indicator_id, change.benchmark), 0),
            change.recommendation or 0,
            order.get(change.indicator_id.split(",")[0], len(order)),
        )

    ranked = sorted(changes, key=rank)
    notes = []
    if old.synthetic != new.synthetic:
        synthetic = "earlier" if old.synthetic else "later"
        notes.append(
            f"The {synthetic} edition contains synthetic data and the other does not: "
            "changes between them are not changes in the area."
        )
    elif old.synthetic:
        notes.append("Both editions contain synthetic data: illustrative only.")
    return EditionDiff(old=old, new=new, changes=tuple(ranked), notes=tuple(notes))


#: Most findings the report's "since the last assessment" section lists.
MAX_SINCE_FINDINGS = 8


def headline_changes(diff: EditionDiff, limit: int = MAX_SINCE_FINDINGS) -> list[Change]:
    """The changes that matter most, one per indicator: what got worse first (a flipped
    comparison, then a turned trend, then a moved figure), then what got better, then the
    rest; recommendations and new or dropped indicators are left to the full list."""
    kinds = list(CHANGE_KINDS)
    judged = [c for c in diff.changes if c.kind in (COMPARISON, TREND, VALUE)]
    ranked = sorted(judged, key=lambda c: (_OUTCOME_ORDER[c.outcome], kinds.index(c.kind)))
    chosen, seen = [], set()
    for change in ranked:
        if change.indicator_id not in seen:
            seen.add(change.indicator_id)
            chosen.append(change)
    return chosen[:limit]


def _number(value) -> float:
    return np.nan if value is None else float(value)


def since_last_section(diff: EditionDiff, *, section_id: str = "since_last") -> Section:
    """The report's "Since the last assessment" section: a summary, the most important
    changes as findings (at most :data:`MAX_SINCE_FINDINGS`), and two tables: the
    judgements that changed, and the figures that moved beyond their interval."""
    previous = diff.old.label
    summary = f"Compared with the previous edition ({previous}): {diff.summary()}"
    if diff.notes:
        summary += " " + " ".join(diff.notes)
    findings = tuple(
        Finding(
            id=f"{section_id}_{number}",
            text=change.sentence,
            indicator_ids=tuple(i for i in change.indicator_id.split(",") if i),
            kind="since_last",
        )
        for number, change in enumerate(headline_changes(diff), 1)
    )
    judgements = [c for c in diff.changes if c.kind in (COMPARISON, TREND)]
    judged = pd.DataFrame(
        {
            "Indicator": [c.name for c in judgements],
            "Judgement": [
                f"Compared with {c.benchmark}" if c.kind == COMPARISON else "Recent trend"
                for c in judgements
            ],
            "Before": [_label(c.before) if c.kind == COMPARISON else c.before for c in judgements],
            "Now": [_label(c.after) if c.kind == COMPARISON else c.after for c in judgements],
        }
    )
    moved = diff.of_kind(VALUE)
    values = pd.DataFrame(
        {
            "Indicator": [c.name for c in moved],
            "Earlier period": [c.before for c in moved],
            "Earlier value": [_number(c.before_value) for c in moved],
            "Period": [c.after for c in moved],
            "Value": [_number(c.after_value) for c in moved],
            "Unit": [c.unit for c in moved],
        }
    )
    source = f"DANA diff of this assessment against {previous}"
    parts = (
        ("judgements", "Comparisons and trends that changed since the last assessment",
         judged, ""),
        ("values", "Figures that moved beyond their confidence interval", values,
         "The later figure's confidence interval excludes the earlier value."),
    )  # fmt: skip
    tables = tuple(
        Table(id=f"{section_id}.{key}", title=title, data=data, notes=notes, source=source)
        for key, title, data, notes in parts
        if len(data)
    )
    return Section(
        id=section_id,
        title="Since the last assessment",
        summary=summary,
        findings=findings,
        tables=tables,
    )
