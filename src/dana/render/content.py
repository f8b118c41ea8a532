"""What goes where in every format: rows of the key-figures table, the notes under it,
which charts belong to which figure, recommendation cards, data gaps and provenance.

Nothing here computes a statistic or draws; every value is the model's, written by
:mod:`dana.render.figure_text`. The document renderers (HTML, Word, PDF, slides) all take
their content from here, so they say the same things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
from dana.formatting import MISSING, SUPPRESSED, format_level, format_unit
from dana.render.figure_text import (
    comparison_words,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_rank,
    is_default_level,
    value_with_unit,
)
from dana.render.style import comparison_text
from dana.vocabulary import NOT_COMPARED

# Charts that show one indicator; spine charts and pyramids summarise a whole section.
SINGLE_INDICATOR_KINDS = frozenset({"trend", "compare_bar", "funnel"})

POPULATION_NAMES: dict[str, str] = {
    "cyp": "Children and young people",
    "adult": "Adults",
    "both": "Children and young people, and adults",
}
POPULATION_LABELS = {"cyp": "C&YP", "adult": "ADULT"}

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
HOW_TO_READ = (
    "Each figure is compared with England using its confidence interval. The result is "
    "shown in words, with a symbol and a colour, so it does not depend on seeing colour. "
    "Better, similar and worse are used where a higher or lower value is clearly good or "
    "bad; higher and lower (in blue) where it is not. Values shown as * are suppressed to "
    "protect confidentiality."
)


def paragraphs(text: str) -> list[str]:
    """Split free text into paragraphs at blank lines; single newlines become spaces."""
    blocks = re.split(r"\n\s*\n", text.strip()) if text and text.strip() else []
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks]


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text as ``str`` without the control characters XML (Word, PowerPoint) cannot hold."""
    return _XML_ILLEGAL.sub("", "" if text is None else str(text))


def cell_text(value: object) -> str:
    """A display-table cell as text: the model's tables are already formatted and suppressed."""
    if value is None or (isinstance(value, float) and value != value):
        return MISSING
    return xml_safe(value)


# --- key figures ---------------------------------------------------------------------------


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
    rank: str
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
#: Key-figure columns kept on one line (period, value, interval, England value).
KEY_FIGURE_UNBROKEN = frozenset({1, 2, 3, 4})


def key_figure_row(figure: Figure) -> KeyFigureRow:
    bench = england_benchmark(figure)
    if bench is None:
        comparison, key, level = comparison_text(NOT_COMPARED), NOT_COMPARED, 0.95
    else:
        comparison, key, level = comparison_words(bench), bench.comparison, bench.confidence
    interval = format_interval(figure)
    if interval not in (SUPPRESSED, MISSING) and not is_default_level(figure.confidence):
        interval += f" ({format_level(figure.confidence)})"
    england = format_benchmark_value(figure, bench)
    return KeyFigureRow(
        indicator=figure.name,
        period=figure.period,
        value=value_with_unit(figure),
        interval=interval,
        england=format_unit(england, figure.unit),
        comparison=comparison,
        comparison_key=key,
        comparison_confidence=level,
        trend=figure.trend,
        rank=format_rank(figure),
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
    notes and the numbered sources, each a sentence."""
    notes = []
    levels = sorted({f.confidence for f in figures if f.lower is not None})
    if levels:
        notes.append(
            f"CI: confidence interval ({', '.join(format_level(x) for x in levels)}). "
            "Comparisons with England are judged on the confidence interval."
        )
    if any(f.suppressed for f in figures):
        notes.append(f"{SUPPRESSED} Suppressed: too few events to publish.")
    notes += [n if n.endswith(".") else n + "." for n in value_notes(figures)]
    notes.append(sources.footnote())
    return " ".join(n for n in notes if n)


def table_footnote(table) -> str:
    """A display table's notes and source, as printed under it."""
    source = f"Source: {table.source}" if table.source else ""
    return " ".join(x for x in (table.notes, source) if x)


# --- provenance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvenanceTable:
    """The provenance appendix: columns that vary by figure, and what every row shares
    (a source or licence common to all is said once above the table, not 42 times)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    shared: tuple[tuple[str, str], ...]  # (label, text) true of every row


def provenance_table(entries) -> ProvenanceTable:
    columns = {
        "Indicator": [f"{e.name} ({e.indicator_id})" for e in entries],
        "Period": [e.period for e in entries],
        "Source": [e.source or MISSING for e in entries],
        "Retrieved": [e.retrieved or "not recorded" for e in entries],
        "Method": [e.method or MISSING for e in entries],
        "CI": [format_level(e.confidence) for e in entries],
        "Licence": [e.licence or MISSING for e in entries],
    }
    shared = []
    for label in ("Source", "Retrieved", "Licence", "CI"):
        values = set(columns[label])
        if len(entries) > 1 and len(values) == 1:
            shared.append((label, values.pop()))
            del columns[label]
    headers = tuple(columns)
    rows = tuple(zip(*columns.values(), strict=True)) if entries else ()
    return ProvenanceTable(headers=headers, rows=rows, shared=tuple(shared))


# --- charts beside figures ----------------------------------------------------------------------


def _indicator_pattern(indicator_id: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(indicator_id)}(?![A-Za-z0-9])")


def charts_for_figure(section: Section, figure: Figure) -> list[Chart]:
    """The section's single-indicator charts of this figure, in section order.

    Matched by ``chart.extra['indicator_id']``, or (when a chart has none) by the
    indicator id appearing as a whole token in ``chart.id`` ("9243" does not match
    "chart-92432-trend").
    """
    pattern = _indicator_pattern(figure.indicator_id)
    out = []
    for chart in section.charts:
        if chart.kind not in SINGLE_INDICATOR_KINDS:
            continue
        linked = chart.extra.get("indicator_id")
        if linked is not None:
            if str(linked) == figure.indicator_id:
                out.append(chart)
        elif pattern.search(chart.id):
            out.append(chart)
    return out


def figure_charts(section: Section) -> dict[str, list[Chart]]:
    """indicator_id -> the charts of that figure, for every figure that has any."""
    out: dict[str, list[Chart]] = {}
    taken: set[int] = set()
    for fig in section.figures:
        charts = [c for c in charts_for_figure(section, fig) if id(c) not in taken]
        if charts:
            out[fig.indicator_id] = charts
            taken.update(id(c) for c in charts)
    return out


def section_charts(section: Section) -> list[Chart]:
    """Charts of ``section`` not shown beside a single figure (spine, pyramid, unmatched)."""
    used = {id(c) for charts in figure_charts(section).values() for c in charts}
    return [c for c in section.charts if id(c) not in used]


def charts_in_reading_order(section: Section) -> list[Chart]:
    """The section's charts as every format shows them: the section-wide overview
    (spine, pyramid, unmatched) first, then each figure's charts in figure order."""
    grouped = figure_charts(section)
    return section_charts(section) + [
        c for f in section.figures for c in grouped.get(f.indicator_id, [])
    ]


def findings_for_figure(section: Section, figure: Figure) -> list[Finding]:
    return [f for f in section.findings if figure.indicator_id in f.indicator_ids]


def unlinked_findings(section: Section) -> list[Finding]:
    """Findings of ``section`` that point at none of its figures."""
    ids = {f.indicator_id for f in section.figures}
    return [f for f in section.findings if not ids.intersection(f.indicator_ids)]


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


def section_titles(assessment: Assessment) -> dict[str, str]:
    return {s.id: s.title for s, _, _ in assessment.walk_sections()}


def section_trail(assessment: Assessment, section_id: str) -> str:
    """``"Drugs › Drug service users"``: the section's title after its ancestors'."""
    for section, _, trail in assessment.walk_sections():
        if section.id == section_id:
            return " \u203a ".join((*trail, section.title))
    return ""


def introduction_paragraphs(assessment: Assessment) -> list[str]:
    """The report's introduction: the author's text, who the area is compared with, how
    slide references read, and the small-numbers rule."""
    parts = [*paragraphs(assessment.introduction), comparator_sentence(assessment)]
    parts.append(
        "References such as “(slide 7)” point to the slide in the accompanying slide "
        "pack, produced from the same assessment, where the evidence is shown."
    )
    if assessment.disclosure:
        parts.append(f"Small numbers: {assessment.disclosure}")
    return parts


def disclosure_paragraphs(assessment: Assessment) -> list[str]:
    """The disclosure-control rule applied, and what a suppressed value looks like."""
    return [
        assessment.disclosure or "No disclosure rule was recorded for this assessment.",
        "Suppressed values are shown as * and are never published.",
    ]


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
