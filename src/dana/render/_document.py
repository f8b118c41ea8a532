"""Content layout shared by the document renderers (DOCX, PPTX, PDF).

Nothing here computes a statistic. It decides *what goes where*: the rows of a key-figures
table, which chart shows which figure, which findings belong to a figure, the order and
numbering of slides in the slide pack (so the Word and PDF reports can point at "slide N"
the way the Cambridgeshire & Peterborough summary report does), and the fields of a
Coventry-style recommendation card. It also owns the atomic file write every renderer uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dana._atomic import write_atomic
from dana.assess.model import (
    OUTCOME_AREA_NAMES,
    TIMESCALE_NAMES,
    Assessment,
    Chart,
    DataGap,
    Figure,
    Finding,
    Recommendation,
    Section,
)
from dana.render._format import (
    SUPPRESSED,
    comparison_text,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_level,
    format_unit,
    format_value,
)

# Charts that show one indicator and can stand in for that indicator's compare table.
# Spine charts and pyramids summarise a whole section and get a slide of their own.
_SINGLE_INDICATOR_KINDS = {"trend", "compare_bar", "funnel"}

POPULATION_NAMES: dict[str, str] = {
    "cyp": "Children and young people",
    "adult": "Adults",
    "both": "Children and young people, and adults",
}

GAP_REASON_NAMES: dict[str, str] = {
    "no_data": "No data",
    "suppressed": "Suppressed (small numbers)",
    "out_of_date": "Out of date",
    "missing_for_comparators": "Missing for comparators",
    "not_supplied": "Local data not supplied",
}

SYNTHETIC_NOTICE = (
    "SYNTHETIC DATA: some or all figures in this document come from DANA's synthetic data "
    "generator. They are illustrative only and must not be cited or used for decisions."
)

# Slide-pack pagination: how many rows fit on one slide of each kind.
TABLE_ROWS_PER_SLIDE = 10
RECOMMENDATIONS_PER_LIST_SLIDE = 8
GAPS_PER_SLIDE = 6
PROVENANCE_PER_SLIDE = 8


# --- writing -------------------------------------------------------------------------------


def output_path(path: str | os.PathLike) -> Path:
    """``path`` as a Path, after checking its folder exists (checked before any rendering)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    The rename (``os.replace``) is atomic on one file system, so a renderer that fails
    half way never leaves a half-written document at ``path``; the temporary is removed.
    """
    return write_atomic(output_path(path), write)


def paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs at blank lines; single newlines become spaces."""
    blocks = re.split(r"\n\s*\n", text.strip()) if text and text.strip() else []
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks]


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigureRow:
    """One row of a key-figures table, every cell already text."""

    indicator: str
    period: str
    value: str  # with unit, "*" when suppressed
    interval: str  # "lo to hi", "*" when suppressed, "-" when absent
    england: str
    comparison: str  # symbol + word, e.g. "▼ Worse"; level noted when not 95%
    comparison_key: str  # the model's category, for colouring
    comparison_confidence: float
    trend: str
    source: str

    def cells(self, source_mark: str) -> tuple[str, ...]:
        """The row's cells under :data:`KEY_FIGURE_HEADERS` (the source as its note mark)."""
        return (
            self.indicator,
            self.period,
            self.value,
            self.interval,
            self.england,
            self.comparison,
            self.trend,
            source_mark,
        )


KEY_FIGURE_HEADERS = (
    "Indicator",
    "Period",
    "Value",
    "95% CI",
    "England",
    "Compared with England",
    "Recent trend",
    "Source",
)


def key_figure_row(figure: Figure) -> KeyFigureRow:
    bench = england_benchmark(figure)
    if bench is None:
        comparison, key, level = comparison_text("not_compared"), "not_compared", 0.95
    else:
        comparison, key, level = (
            comparison_text(bench.comparison),
            bench.comparison,
            bench.confidence,
        )
        if bench.comparison != "not_compared" and abs(bench.confidence - 0.95) > 1e-9:
            comparison += f" ({format_level(bench.confidence)})"
    interval = format_interval(figure)
    if interval not in (SUPPRESSED, "-") and abs(figure.confidence - 0.95) > 1e-9:
        interval += f" ({format_level(figure.confidence)})"
    return KeyFigureRow(
        indicator=figure.name,
        period=figure.period,
        value=format_unit(format_value(figure), figure.unit),
        interval=interval,
        england=format_unit(format_benchmark_value(figure, bench), figure.unit),
        comparison=comparison,
        comparison_key=key,
        comparison_confidence=level,
        trend=figure.trend,
        source=figure.source,
    )


@dataclass(frozen=True)
class SourceNotes:
    """A table's sources shown once, as numbered notes under it, instead of the same long
    text in every row: ``marks[i]`` is row i's reference ("[1]", "" without a source) and
    ``notes`` the numbered texts ("[1] ONS ..."), numbered in order of first use."""

    marks: tuple[str, ...]
    notes: tuple[str, ...]

    def footnote(self) -> str:
        """``"Sources: [1] ...; [2] ..."`` (``"Source: [1] ..."`` for one), or ``""``."""
        if not self.notes:
            return ""
        return ("Source: " if len(self.notes) == 1 else "Sources: ") + "; ".join(self.notes)


def source_notes(figures) -> SourceNotes:
    """Number the distinct sources of ``figures`` (after trimming) for a table's footnote."""
    numbers: dict[str, int] = {}
    marks = []
    for figure in figures:
        text = (figure.source or "").strip()
        if not text:
            marks.append("")
            continue
        number = numbers.setdefault(text, len(numbers) + 1)
        marks.append(f"[{number}]")
    notes = tuple(f"[{n}] {text}" for text, n in numbers.items())
    return SourceNotes(marks=tuple(marks), notes=notes)


def value_notes(figures) -> list[str]:
    """Each distinct value note once: ``"Note: ..."`` when every figure in the table has
    it, else ``"Name A; Name B: ..."`` (a note repeated on every row made tables unreadable)."""
    by_note: dict[str, list[str]] = {}
    for figure in figures:
        if figure.value_note:
            by_note.setdefault(figure.value_note.strip(), []).append(figure.name)
    return [
        f"Note: {note}" if len(names) == len(figures) > 1 else f"{'; '.join(names)}: {note}"
        for note, names in by_note.items()
    ]


def key_figure_notes(figures, sources: SourceNotes) -> str:
    """The footnote under a key-figures table: CI levels, the suppression mark, value
    notes and the numbered sources."""
    notes = []
    levels = sorted({f.confidence for f in figures if f.lower is not None})
    if levels:
        notes.append(
            f"CI: confidence interval ({', '.join(format_level(x) for x in levels)}). "
            "Comparisons with England are judged on the confidence interval."
        )
    if any(f.suppressed for f in figures):
        notes.append(f"{SUPPRESSED} Suppressed: too few events to publish.")
    notes += value_notes(figures)
    notes.append(sources.footnote())
    return " ".join(n for n in notes if n)


def table_footnote(table) -> str:
    """A display table's notes and source, as printed under it."""
    source = f"Source: {table.source}" if table.source else ""
    return " ".join(x for x in (table.notes, source) if x)


def provenance_cells(entry) -> tuple[str, ...]:
    """One provenance row: indicator (id), period, source, retrieved, method, CI, licence."""
    return (
        f"{entry.name} ({entry.indicator_id})",
        entry.period,
        entry.source,
        entry.retrieved,
        entry.method,
        format_level(entry.confidence),
        entry.licence,
    )


PROVENANCE_HEADERS = ("Indicator", "Period", "Source", "Retrieved", "Method", "CI", "Licence")


def fit_picture(pixels: tuple[int, int], max_width: float, max_height: float):
    """(width, height) filling ``max_width`` with the picture's aspect ratio kept,
    narrower when that would be taller than ``max_height`` (any length unit)."""
    px_w, px_h = pixels
    width, height = max_width, max_width * px_h / px_w
    if height > max_height:
        height, width = max_height, max_height * px_w / px_h
    return width, height


def value_sentence(figure: Figure) -> str:
    """``"705.2 per 100,000 (95% CI 664.8 to 747.3)"``; just ``"*"`` when suppressed."""
    value = format_unit(format_value(figure), figure.unit)
    if figure.suppressed:
        return value
    interval = format_interval(figure)
    if interval in (SUPPRESSED, "-"):
        return value
    return f"{value} ({format_level(figure.confidence)} CI {interval})"


_CONNECTORS = {"similar": "to", "not_compared": "with"}


def comparison_phrase(figure: Figure, bench) -> str:
    """``"▼ Worse than England (26.1 per 100,000), 99.8% level"``, ``"● Similar to England
    (5.2 per 100,000)"`` or ``"○ Not compared with England (1.3%)"``."""
    words = comparison_text(bench.comparison)
    ref = format_unit(format_benchmark_value(figure, bench), figure.unit)
    connector = _CONNECTORS.get(bench.comparison, "than")
    level = ""
    if bench.comparison != "not_compared" and abs(bench.confidence - 0.95) > 1e-9:
        level = f", {format_level(bench.confidence)} level"
    shown = "" if ref == "-" else f" ({ref})"
    return f"{words} {connector} {bench.benchmark_name}{shown}{level}"


def comparison_sentence(figure: Figure, benchmarks=None) -> str:
    """Every benchmark's :func:`comparison_phrase`, joined with semicolons."""
    chosen = figure.benchmarks if benchmarks is None else benchmarks
    return "; ".join(comparison_phrase(figure, b) for b in chosen)


def _indicator_pattern(indicator_id: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(indicator_id)}(?![A-Za-z0-9])")


def chart_for_figure(section: Section, figure: Figure) -> Chart | None:
    """The section's single-indicator chart for this figure, if any.

    Matched by ``chart.extra['indicator_id']`` first, then by the indicator id appearing
    as a whole token in ``chart.id`` (so "9243" does not match "chart-92432-trend").
    """
    candidates = [c for c in section.charts if c.kind in _SINGLE_INDICATOR_KINDS]
    for chart in candidates:
        if str(chart.extra.get("indicator_id", "")) == figure.indicator_id:
            return chart
    pattern = _indicator_pattern(figure.indicator_id)
    for chart in candidates:
        if "indicator_id" not in chart.extra and pattern.search(chart.id):
            return chart
    return None


def figure_charts(section: Section) -> dict[str, Chart]:
    """indicator_id -> chart for every figure of ``section`` that has its own chart."""
    out = {}
    for fig in section.figures:
        chart = chart_for_figure(section, fig)
        if chart is not None:
            out[fig.indicator_id] = chart
    return out


def charts_in_reading_order(section: Section) -> list[Chart]:
    """The section's charts as the reports print them: single-indicator charts first,
    in figure order, then the section-wide ones (spine, pyramid, unmatched)."""
    return list(figure_charts(section).values()) + section_charts(section)


def section_charts(section: Section) -> list[Chart]:
    """Charts of ``section`` not shown alongside a single figure (spine, pyramid, unmatched)."""
    used = {id(c) for c in figure_charts(section).values()}
    return [c for c in section.charts if id(c) not in used]


def findings_for_figure(section: Section, figure: Figure) -> list[Finding]:
    return [f for f in section.findings if figure.indicator_id in f.indicator_ids]


def unlinked_findings(section: Section) -> list[Finding]:
    """Findings of ``section`` that point at none of its figures."""
    ids = {f.indicator_id for f in section.figures}
    return [f for f in section.findings if not ids.intersection(f.indicator_ids)]


def walk_sections(assessment: Assessment) -> Iterator[tuple[Section, int]]:
    """Every section with its depth (1 = top level), depth first."""

    def walk(sections, depth):
        for s in sections:
            yield s, depth
            yield from walk(s.subsections, depth + 1)

    yield from walk(assessment.sections, 1)


# --- recommendations and gaps ---------------------------------------------------------------


def recommendation_fields(rec: Recommendation) -> list[tuple[str, str]]:
    """The labelled fields of a Coventry-style recommendation card, in reading order."""
    fields = [
        ("Key finding", rec.key_finding),
        ("Impact", rec.impact),
        ("Description", rec.description),
        ("Timescale", TIMESCALE_NAMES.get(rec.timescale, rec.timescale)),
        ("Area", population_badges(rec)),
        ("Outcome framework area", outcome_badges(rec)),
    ]
    if rec.gap_statement:
        fields.append(("GAP", gap_statement_text(rec)))
    if rec.theme:
        fields.append(("Theme", rec.theme))
    return fields


def gap_statement_text(rec: Recommendation) -> str:
    """The GAP statement without a leading "GAP:" (authors often type it, Medway-style);
    every card already labels the field "GAP", so the word is not printed twice."""
    return re.sub(r"^\s*GAP\s*[:\-\u2013]\s*", "", rec.gap_statement, flags=re.IGNORECASE)


def population_badges(rec: Recommendation) -> str:
    """``"C&YP"``, ``"ADULT"`` or ``"C&YP, ADULT"``, as on Coventry's cards."""
    return {"cyp": "C&YP", "adult": "ADULT", "both": "C&YP, ADULT"}.get(
        rec.population, rec.population
    )


def outcome_badges(rec: Recommendation) -> str:
    """``"TREATMENT (Increasing engagement in treatment); ..."``."""
    return "; ".join(f"{a} ({OUTCOME_AREA_NAMES.get(a, a)})" for a in rec.outcome_areas)


def gap_reason(gap: DataGap) -> str:
    return GAP_REASON_NAMES.get(gap.reason, gap.reason)


def gap_section(gap: DataGap, titles: dict[str, str]) -> str:
    """The title of the gap's section; a key the report has no section for (the
    catalogue's ``drug_harms``) is shown as words ("Drug harms"), never as an identifier."""
    if gap.section in titles:
        return titles[gap.section]
    return gap.section.replace("_", " ").strip().capitalize()


# --- the slide pack plan -------------------------------------------------------------------


@dataclass(frozen=True)
class Slide:
    """One slide of the pack: what it shows, and the model objects it needs."""

    kind: str  # title, about, divider, figure, chart, table, rec_list, rec, gaps, sources, licence
    section: Section | None = None
    depth: int = 0
    figure: Figure | None = None
    chart: Chart | None = None
    table_part: tuple[object, int, int] | None = None  # (Table, first row, last row + 1)
    items: tuple = ()
    part: int = 1
    parts: int = 1


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def slide_plan(assessment: Assessment) -> list[Slide]:
    """The slides of the pack, in order. Slide N is ``slide_plan(a)[N - 1]``.

    Title, about; per section a divider, one slide per key figure (its chart or a compare
    table, findings, value and comparison), one per section-level chart, display tables
    paginated; then recommendations (list, one card each), data gaps, sources, licence.
    """
    slides = [Slide("title"), Slide("about")]
    for section, depth in walk_sections(assessment):
        slides.append(Slide("divider", section=section, depth=depth))
        charts = figure_charts(section)
        for fig in section.figures:
            slides.append(
                Slide(
                    "figure",
                    section=section,
                    depth=depth,
                    figure=fig,
                    chart=charts.get(fig.indicator_id),
                )
            )
        for chart in section_charts(section):
            slides.append(Slide("chart", section=section, depth=depth, chart=chart))
        for table in section.tables:
            n = len(table.data)
            starts = list(range(0, n, TABLE_ROWS_PER_SLIDE)) or [0]
            for i, start in enumerate(starts, 1):
                slides.append(
                    Slide(
                        "table",
                        section=section,
                        depth=depth,
                        table_part=(table, start, min(n, start + TABLE_ROWS_PER_SLIDE)),
                        part=i,
                        parts=len(starts),
                    )
                )
    if assessment.recommendations:
        recs = list(assessment.recommendations)
        chunks = _chunks(recs, RECOMMENDATIONS_PER_LIST_SLIDE)
        for i, chunk in enumerate(chunks, 1):
            slides.append(Slide("rec_list", items=tuple(chunk), part=i, parts=len(chunks)))
        slides.extend(Slide("rec", items=(rec,)) for rec in recs)
    if assessment.data_gaps:
        chunks = _chunks(list(assessment.data_gaps), GAPS_PER_SLIDE)
        for i, chunk in enumerate(chunks, 1):
            slides.append(Slide("gaps", items=tuple(chunk), part=i, parts=len(chunks)))
    if assessment.provenance:
        chunks = _chunks(list(assessment.provenance), PROVENANCE_PER_SLIDE)
        for i, chunk in enumerate(chunks, 1):
            slides.append(Slide("sources", items=tuple(chunk), part=i, parts=len(chunks)))
    slides.append(Slide("licence"))
    return slides


def evidence_slides(assessment: Assessment) -> dict[str, int]:
    """Slide number of the evidence for each indicator id and each finding id.

    An indicator's evidence is its figure slide. A finding points at the slide of its
    first indicator shown in the pack, or its section's divider when it has none.
    """
    out: dict[str, int] = {}
    divider_of: dict[str, int] = {}
    for number, slide in enumerate(slide_plan(assessment), 1):
        if slide.kind == "figure":
            out.setdefault(slide.figure.indicator_id, number)
        elif slide.kind == "divider":
            divider_of[slide.section.id] = number
    for section, _ in walk_sections(assessment):
        for finding in section.findings:
            slides = [out[i] for i in finding.indicator_ids if i in out]
            out.setdefault(finding.id, slides[0] if slides else divider_of[section.id])
    return out


def slide_reference(finding: Finding, evidence: dict[str, int]) -> str:
    """``"slide 7"`` or ``"slides 7, 9"``: every figure slide the finding rests on."""
    numbers = sorted({evidence[i] for i in finding.indicator_ids if i in evidence})
    if not numbers:
        numbers = [evidence[finding.id]] if finding.id in evidence else []
    if not numbers:
        return ""
    label = "slide" if len(numbers) == 1 else "slides"
    return f"{label} {', '.join(str(n) for n in numbers)}"


def card_fields(rec: Recommendation, evidence: dict[str, int]) -> list[tuple[str, str]]:
    """:func:`recommendation_fields` plus, when the pack shows it, where the evidence is."""
    fields = recommendation_fields(rec)
    slides = recommendation_evidence(rec, evidence)
    if slides:
        fields.append(("Evidence", f"See {slides} of the slide pack."))
    return fields


def recommendation_evidence(rec: Recommendation, evidence: dict[str, int]) -> str:
    """``"slides 5, 9"``: the figure slides behind a recommendation's indicators and findings."""
    numbers = sorted({evidence[i] for i in (*rec.indicator_ids, *rec.finding_ids) if i in evidence})
    if not numbers:
        return ""
    return ("slide " if len(numbers) == 1 else "slides ") + ", ".join(str(n) for n in numbers)


def section_titles(assessment: Assessment) -> dict[str, str]:
    return {s.id: s.title for s, _ in walk_sections(assessment)}


def comparator_sentence(assessment: Assessment) -> str:
    """``"Peterborough is compared with England, the East of England region and its
    comparator areas (Luton, Medway)."``"""
    parts = ["England"]
    if assessment.area.region_name:
        parts.append(f"the {assessment.area.region_name} region")
    if assessment.neighbours:
        names = ", ".join(a.name for a in assessment.neighbours)
        parts.append(f"its comparator areas ({names})")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{assessment.area.name} is compared with {listed}."


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text as ``str`` without the control characters XML (Word, PowerPoint) cannot hold."""
    return _XML_ILLEGAL.sub("", "" if text is None else str(text))


def cell_text(value: object) -> str:
    """A display-table cell as text: the model's tables are already formatted and suppressed."""
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return xml_safe(value)
