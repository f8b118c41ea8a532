"""The assessment model: plain, immutable data that every renderer reads and none changes.

Built by ``dana.assess`` from the indicator table and ``dana.stats``; consumed by
``dana.render``. Renderers never compute statistics: every number, limit, comparison
category, trend label and sentence a reader sees is already here, as data.

Structure::

    Assessment
      area, comparators, period, title, author, generated, introduction, synthetic
      sections: [Section]            # mirrors the seeds' chapters, may nest
          figures:  [Figure]         # one indicator for the area, with its judgement
          findings: [Finding]        # editable sentences, each pointing at figures
          charts:   [Chart]          # chart spec + tidy data behind it + alt text
          tables:   [Table]          # tidy tables for display (already suppressed)
          subsections: [Section]
      recommendations: [Recommendation]
      data_gaps: [DataGap]
      provenance: [ProvenanceEntry]  # one per figure shown
      attributions: [str]            # licence statements (OGL v3.0 etc.)
      disclosure: str                # the suppression rule applied, in words
      analyst_notes: AnalystNotes    # for the team only: its own file, not the report

    NationalSummary                  # every area x every indicator (dana batch)
      rows: DataFrame, area_type, period, disclosure, licence, synthetic_warning

Importing this module loads no pandas, scipy or renderer: frames are only held here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dana.assess.notes_model import AnalystNotes
from dana.vocabulary import COMPARISONS, TREND_NOT_CALCULATED

if TYPE_CHECKING:  # the model holds frames but never needs pandas to be imported
    import pandas as pd

Comparison = Literal[COMPARISONS]  # Literal[("a", "b")] is Literal["a", "b"]
ChartKind = Literal[
    "trend", "compare_bar", "spine", "funnel", "pyramid", "breakdown", "projection", "small_trends"
]
Timescale = Literal["short", "medium", "long", "not_stated"]
Population = Literal["cyp", "adult", "both"]
OutcomeArea = Literal["USE", "CRIME", "HARM", "SUPPLY", "TREATMENT", "RECOVERY"]

OUTCOME_AREA_NAMES: dict[str, str] = {
    "USE": "Reducing drug use",
    "CRIME": "Reducing drug-related crime",
    "HARM": "Reducing drug-related deaths and harm",
    "SUPPLY": "Reducing drug supply",
    "TREATMENT": "Increasing engagement in treatment",
    "RECOVERY": "Improving recovery outcomes",
}
TIMESCALE_NAMES: dict[str, str] = {
    "short": "Short term (under 6 months)",
    "medium": "Medium term (1-2 years)",
    "long": "Long term (3+ years)",
    "not_stated": "Timescale not stated",
}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    area_type: str  # "utla", "region", "england", ...
    region_code: str = ""
    region_name: str = ""


@dataclass(frozen=True)
class BenchmarkResult:
    """The area's figure compared with one benchmark (England, region, neighbours' mean...)."""

    benchmark_code: str
    benchmark_name: str
    benchmark_value: float | None
    comparison: Comparison
    confidence: float  # the level the comparison used, e.g. 0.95


@dataclass(frozen=True)
class Figure:
    """One indicator for the assessed area, with everything needed to state and judge it."""

    indicator_id: str
    name: str
    section: str
    period: str
    value: float | None  # None when suppressed or missing
    lower: float | None
    upper: float | None
    confidence: float  # level of lower/upper, e.g. 0.95
    count: float | None
    denominator: float | None
    unit: str  # "%", "per 100,000", ...
    value_type: str
    polarity: str
    benchmarks: tuple[BenchmarkResult, ...] = ()
    trend: str = TREND_NOT_CALCULATED  # Fingertips recent-trend label (dana.vocabulary)
    rank: int | None = None  # 1 = lowest value among area + neighbours
    rank_of: int | None = None
    suppressed: bool = False
    value_note: str = ""
    source: str = ""
    retrieved: str = ""
    method: str = ""  # e.g. "Directly standardised rate, Dobson limits (ESP2013)"
    #: the value as every output writes it (dana.formatting), e.g. "705"; "*" when suppressed
    display_value: str = ""

    def benchmark(self, code_or_name: str) -> BenchmarkResult | None:
        for b in self.benchmarks:
            if code_or_name in (b.benchmark_code, b.benchmark_name):
                return b
        return None


@dataclass(frozen=True)
class Finding:
    """A sentence in words, generated from figures and editable in every output."""

    id: str
    text: str
    indicator_ids: tuple[str, ...] = ()
    kind: str = "statement"  # "comparison", "trend", "unmet_need", "engagement", ...
    #: where the evidence is: the id of the section that gives the figures in full (key
    #: findings point at it; "" for a finding in its own section)
    section_id: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart spec: the renderer draws ``data``; it never recomputes anything.

    ``data`` is a tidy frame whose columns depend on ``kind``:

    - trend: period, period_sort, value, lower, upper, [benchmark_value], [comparison],
      [suppressed]
    - compare_bar: area_name, value, lower, upper, comparison, is_subject, [suppressed]
    - spine: indicator_id, name, value, benchmark_value, worst, q25, q75, best, comparison
    - funnel: area_name, denominator, value, is_subject, [comparison], [suppressed], plus
      funnel limit columns (x, lower_95, upper_95, lower_99_8, upper_99_8, centre) in
      ``extra['limits']``
    - pyramid: age, sex, population, and optionally share (the cell's percentage of the
      area's total population, 0-100) with comparator_share (the comparator's cell as a
      percentage of its own total, 0-100); renderers draw shares when both are present

    - breakdown: category, share, lower, upper, [comparator_share], [count], [suppressed]
      (horizontal bars of each category's share of a total, 0-100, with its interval, and
      optionally the comparator's share as a marker: a client profile or penetration);
      ``extra['group']`` may name a column splitting the bars into panels (e.g. substance
      group)
    - projection: year, series, value, [lower], [upper] (one line per series over the
      projection years: projected population or need; ``extra['base_year']`` marks the
      last observed year)
    - small_trends: indicator_id, name, period, period_sort, value, lower, upper,
      [benchmark_value], [comparison], [suppressed], [unit] (one small trend panel per
      indicator, several indicators in one chart: the seeds' "one chart per idea")

    ``suppressed`` (bool) marks a row whose value was withheld by disclosure control: its
    value is missing and every renderer shows ``*`` for it.

    Optional ``extra`` keys read by renderers: benchmark_name, benchmark_value (trend,
    compare_bar), limits (funnel, required), centre_name, x_label and x_scale ("linear"
    or "log"), limit_places (funnel), comparator_name (pyramid), level (the confidence level of a
    trend's or bar's limits), indicator_id (links a chart to its figure).
    """

    id: str
    kind: ChartKind
    title: str
    alt_text: str
    data: pd.DataFrame
    unit: str = ""
    notes: str = ""
    source: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A table for display. ``data`` holds numbers, not text: renderers format them.

    Disclosure control (one pass over the whole model) reads the table's own description
    of its numbers: ``counts`` are the columns of counts of people or events it applies
    to; ``derived`` pairs each column computed from a count (a share, a rate) with that
    count column, so it is withheld with it; ``total_row`` is the value in the first
    column of the row holding the table's total ("" when there is none), so no withheld
    count can be recovered as the total minus the others. A table whose counts are parts
    of a total shown elsewhere must carry that total as its total row; without one each
    cell is controlled on its own. A withheld cell holds ``dana.formatting.SUPPRESSED``
    ("*"); a table with whole-number columns it neither names in ``counts`` nor in
    ``not_counts`` is refused by the pass.
    """

    id: str
    title: str
    data: pd.DataFrame
    notes: str = ""
    source: str = ""
    counts: tuple[str, ...] = ()
    derived: tuple[tuple[str, str], ...] = ()
    total_row: str = ""
    #: Whole-number columns that count neither people nor events (a quartile, a number of
    #: areas, a modelled estimate): declared so the pass knows they were looked at.
    not_counts: tuple[str, ...] = ()
    #: The indicator whose periods the rows are (a ``Period`` column), for a table of one
    #: figure's series: the pass withholds the row of a figure it withholds.
    series_of: str = ""
    #: True when every cell is a figure of the report, already put through the report's
    #: disclosure control with its related figures (a side-by-side table of figures):
    #: the disclosure pass leaves such a table as it is.
    figures_only: bool = False
    #: True when an empty count cell means the source gave no count (a figure printed as a
    #: share only), not that it was withheld: a withheld count is then written as
    #: :data:`dana.formatting.SUPPRESSED`, and a row with no count keeps its other cells.
    missing_counts_not_given: bool = False


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    summary: str = ""
    figures: tuple[Figure, ...] = ()
    findings: tuple[Finding, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    number: int
    title: str
    key_finding: str
    impact: str
    description: str
    timescale: Timescale
    population: Population
    outcome_areas: tuple[OutcomeArea, ...]
    gap_statement: str = ""
    theme: str = ""
    finding_ids: tuple[str, ...] = ()
    indicator_ids: tuple[str, ...] = ()
    #: the register's own statement of evidence that is not a figure of the report
    #: ("evidence from engagement"), or why a linked figure is cited although it is
    #: suppressed, missing or not significantly different
    evidence: str = ""
    #: why the timescale is ``not_stated`` (e.g. "Coventry prints no timescales")
    timescale_note: str = ""
    #: phrases in this entry that are not personal (kept by redaction): a ward named
    #: after a person, the author of a published review
    not_personal: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataGap:
    indicator_id: str
    name: str
    section: str
    reason: Literal[
        "no_data", "suppressed", "out_of_date", "missing_for_comparators", "not_supplied"
    ]
    detail: str  # for the reader: what is missing, in words (no config keys)
    #: for the analyst notes: how to fill it (config keys, source types, tools)
    how_to_fill: str = ""


@dataclass(frozen=True)
class ProvenanceEntry:
    indicator_id: str
    name: str
    period: str
    source: str
    retrieved: str
    method: str
    confidence: float
    licence: str = "Open Government Licence v3.0"


def walk_section_tree(sections, depth: int = 0, trail: tuple[str, ...] = ()):
    """``sections`` and their subsections depth first, as ``(section, depth, trail)``:
    the walker behind :meth:`Assessment.walk_sections`, also for sections not yet in an
    assessment (the build's drafts)."""
    for section in sections:
        yield section, depth, trail
        yield from walk_section_tree(section.subsections, depth + 1, (*trail, section.title))


@dataclass(frozen=True)
class Assessment:
    title: str
    area: Area
    comparators: tuple[Area, ...]
    period: str
    generated: str  # ISO date
    sections: tuple[Section, ...]
    recommendations: tuple[Recommendation, ...] = ()
    data_gaps: tuple[DataGap, ...] = ()
    provenance: tuple[ProvenanceEntry, ...] = ()
    attributions: tuple[str, ...] = ()
    disclosure: str = ""
    synthetic: bool = False  # True when any figure comes from the synthetic generator
    introduction: str = ""
    author: str = ""  # the team or author named in the config
    #: Appendices after the main body (funnels, full trend tables, methods), in order.
    appendices: tuple[Section, ...] = ()
    #: The team's notes (checks, warnings, gaps and how to fill them, unaddressed
    #: findings with drafts): written to their own file, never rendered in the report.
    analyst_notes: AnalystNotes | None = None

    @property
    def neighbours(self) -> tuple[Area, ...]:
        """The comparator areas other than England and the region (statistical neighbours)."""
        return tuple(a for a in self.comparators if a.area_type not in ("england", "region"))

    def walk_sections(self, *, appendices: bool = False):
        """Every section depth first, as ``(section, depth, trail)``: depth 0 for a chapter,
        and the trail of its ancestors' titles. The one section walker every layer uses;
        with ``appendices`` the appendices' sections follow the body's."""

        yield from walk_section_tree(self.sections)
        if appendices:
            yield from walk_section_tree(self.appendices)

    def all_sections(self):
        """Every section, depth first."""
        return [section for section, _, _ in self.walk_sections()]

    def all_figures(self):
        return [f for s in self.all_sections() for f in s.figures]

    def all_findings(self):
        return [f for s in self.all_sections() for f in s.findings]

    def all_tables(self):
        """Every table of the body and the appendices (detailed tables are in an appendix)."""
        return [t for s, _, _ in self.walk_sections(appendices=True) for t in s.tables]


@dataclass(frozen=True)
class NationalSummary:
    """Every area of a type judged on every indicator: what ``dana batch`` publishes.

    Built by :func:`dana.assess.summarise_areas`; written (CSV and XLSX) by
    :mod:`dana.render.national`. ``rows`` has one row per area x indicator with the
    columns of :data:`dana.assess.national.COLUMNS`, already disclosure-controlled;
    ``disclosure`` states the rule that was applied to them; ``synthetic_warning`` is
    the synthetic-data statement when any row is synthetic, else "".
    """

    rows: pd.DataFrame
    area_type: str
    period: str  # "latest" or the label asked for
    disclosure: str
    licence: str  # the licence statement (OGL v3.0)
    synthetic_warning: str = ""

    @property
    def synthetic(self) -> bool:
        """True when any row comes from DANA's synthetic generator."""
        return bool(self.synthetic_warning)
