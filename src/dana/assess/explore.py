"""What the local explorer (``dana serve``) shows for one area: the same build as the report.

:func:`explore_area` builds the area's assessment with :func:`dana.assess.build_assessment`
and keeps the judged indicator results that build made, so each indicator page is drawn
from exactly what the report says (no second computation):

- :class:`AreaView`: the :class:`~dana.assess.model.Assessment`, one spine chart across
  every indicator (:func:`dana.assess.charts.spine_chart`, as the report's topic spines),
  and :meth:`AreaView.indicator` for a page per indicator;
- :class:`IndicatorView`: the area's :class:`~dana.assess.model.Figure` with its
  benchmarks, its trend chart with limits, its comparison with the area's neighbours and
  its funnel of every upper-tier authority (the report's chart specs of
  :mod:`dana.assess.charts`), the assessment's sentences about it, its catalogue
  metadata and provenance, and every area of its type ranked, from the national summary
  (:func:`dana.assess.summarise_areas`, computed once for all areas and passed in).

Everything here is model data (Charts and Tables with their counts described for
disclosure control); the explorer's pages format it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pandas as pd

from dana.assess import charts, trend_charts
from dana.assess.build import build_assessment
from dana.assess.config import AssessmentConfig
from dana.assess.figures import IndicatorResult
from dana.assess.model import (
    Assessment,
    Chart,
    Figure,
    Finding,
    NationalSummary,
    ProvenanceEntry,
    Table,
)

__all__ = ["AreaView", "IndicatorView", "explore_area", "metadata_rows", "ranked_areas"]

#: Metadata fields shown for an indicator, in order, with their labels.
METADATA_FIELDS = (
    ("id", "DANA indicator id"),
    ("fingertips_id", "Fingertips indicator id"),
    ("name", "Name"),
    ("definition", "Definition"),
    ("method", "Method"),
    ("value_type", "Value type"),
    ("unit", "Unit"),
    ("polarity", "Polarity"),
    ("comparison", "Comparison with England"),
    ("age", "Age"),
    ("sex", "Sex"),
    ("period_type", "Period type"),
    ("citation", "Citation"),
    ("verification", "Verification"),
)

#: Columns of the ranked table of every area (from the national summary's rows).
RANKED_COLUMNS = {
    "rank": "Rank",
    "area_name": "Area",
    "region_name": "Region",
    "period": "Period",
    "value": "Value",
    "lower": "Lower limit",
    "upper": "Upper limit",
    "count": "Count",
    "denominator": "Denominator",
    "comparison_method": "Comparison method",
    "vs_england": "Compared with England",
    "vs_region": "Compared with region",
    "quintile": "Quintile",
    "trend": "Recent trend",
    "funnel_significance": "Funnel plot",
}


@dataclass(frozen=True)
class IndicatorView:
    """One indicator for one area: the figure, its charts, sentences, metadata, ranks."""

    figure: Figure
    charts: tuple[Chart, ...]
    findings: tuple[Finding, ...]
    metadata: tuple[tuple[str, str], ...]
    provenance: ProvenanceEntry | None
    #: every area of the type, ranked (None when the national summary lacks the indicator)
    areas: Table | None


def metadata_rows(indicator) -> tuple[tuple[str, str], ...]:
    """(label, text) for each known metadata field of a catalogue entry that has a value."""
    rows = []
    for name, label in METADATA_FIELDS:
        value = getattr(indicator, name, None)
        if value not in (None, ""):
            rows.append((label, str(value)))
    return tuple(rows)


def ranked_areas(national: NationalSummary, indicator_id: str, name: str) -> Table | None:
    """Every area's row of ``national`` for one indicator, ranked (lowest value first)."""
    rows = national.rows[national.rows["indicator_id"] == indicator_id]
    if rows.empty:
        return None
    ordered = rows.sort_values(["rank", "area_name"], na_position="last", kind="stable")
    data = ordered.loc[:, list(RANKED_COLUMNS)].rename(columns=RANKED_COLUMNS)
    return Table(
        id=f"areas.{indicator_id}",
        title=f"{name}: every {national.area_type.upper()} ranked (1 = lowest value)",
        data=data.reset_index(drop=True),
        notes=national.disclosure,
        source="; ".join(sorted(set(rows["source"].dropna().astype(str)) - {""})),
        counts=("Count",),
        derived=(("Value", "Count"), ("Lower limit", "Count"), ("Upper limit", "Count")),
    )


@dataclass
class AreaView:
    """An area's built assessment and the results behind it (indicator pages on demand)."""

    assessment: Assessment
    spine: Chart | None
    national: NationalSummary
    results: dict[str, IndicatorResult]
    comparators: object
    _pages: dict[str, IndicatorView] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def figures(self) -> dict[str, Figure]:
        return {f.indicator_id: f for f in self.assessment.all_figures()}

    def indicator(self, indicator_id: str) -> IndicatorView | None:
        """The indicator's page (made once), or None when the area has no such figure."""
        with self._lock:
            if indicator_id not in self._pages:
                page = self._make(indicator_id)
                if page is None:
                    return None
                self._pages[indicator_id] = page
            return self._pages[indicator_id]

    def _make(self, indicator_id: str) -> IndicatorView | None:
        figure = self.figures.get(indicator_id)
        result = self.results.get(indicator_id)
        if figure is None or result is None:
            return None
        drawn = []
        for make in (trend_charts.trend_chart, charts.compare_bar_chart, charts.funnel_chart):
            chart = make(result, self.comparators)
            if chart is not None:
                drawn.append(chart)
        said = tuple(f for f in self.assessment.all_findings() if indicator_id in f.indicator_ids)
        provenance = next(
            (p for p in self.assessment.provenance if p.indicator_id == indicator_id), None
        )
        return IndicatorView(
            figure=figure,
            charts=tuple(drawn),
            findings=said,
            metadata=metadata_rows(result.indicator),
            provenance=provenance,
            areas=ranked_areas(self.national, indicator_id, figure.name),
        )


def explore_area(
    config: AssessmentConfig,
    *,
    table: pd.DataFrame,
    catalogue,
    national: NationalSummary,
    today=None,
) -> AreaView:
    """Build the area's assessment (as the report does) and keep what its pages need."""
    kept: dict = {}

    def keep(_data, comparators, results) -> None:
        kept["comparators"] = comparators
        kept["results"] = results

    assessment = build_assessment(
        config, table=table, catalogue=catalogue, today=today, on_results=keep
    )
    results = {r.figure.indicator_id: r for r in kept["results"]}
    spine = charts.spine_chart(list(results.values()), kept["comparators"], key="explorer")
    return AreaView(
        assessment=assessment,
        spine=spine,
        national=national,
        results=results,
        comparators=kept["comparators"],
    )
