"""Render an assessment as one self-contained, accessible HTML file.

The file works offline on a council intranet and needs no plotting library: every chart
is the same matplotlib drawing as in the other formats, inlined as SVG with its text kept
as text (``role="img"`` with a title and description), followed by its data in a table.
So a chart shows without JavaScript; with it, a small script (``templates/report.js``,
about 2 kB) adds tooltips on hover and keyboard reading of every point (Tab to the
chart, then the arrow keys). The default build is well under 1.5 MB.

Accessibility (WCAG 2.2 AA intent): one ``h1``, sections as ``h2``-``h4``, landmarks
(banner, navigation, main, contentinfo), a skip link and table of contents, every chart
with a text description and its data as a keyboard-reachable table, significance shown
by symbol and words as well as colour, GOV.UK text colours, visible focus, and print
styles (A4, charts kept whole, no navigation). All free text is escaped by Jinja2
autoescaping. Figure and table numbers come from :func:`dana.render.outline.numbering`,
so they match the Word, PDF and slide versions.

The renderer reads the model only; it computes no statistics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from dana.assess.model import (
    OUTCOME_AREA_NAMES,
    TIMESCALE_NAMES,
    Assessment,
    Chart,
    Figure,
    Section,
)
from dana.formatting import format_level
from dana.render.chart_data import caption, chart_table
from dana.render.chart_pictures import ChartCache, pictures_for
from dana.render.content import (
    HOW_TO_READ,
    POPULATION_NAMES,
    SourceNotes,
    charts_in_reading_order,
    comparator_sentence,
    gap_reason,
    gap_section,
    gap_statement_text,
    paragraphs,
    provenance_table,
    section_titles,
    source_notes,
)
from dana.render.figure_text import (
    common_level,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_rank,
    format_value,
    is_default_level,
)
from dana.render.outline import (
    DATA_GAPS,
    PROVENANCE,
    RECOMMENDATIONS,
    Numbering,
    document_outline,
    numbering,
)
from dana.render.style import comparison_colour, comparison_label, comparison_symbol, text_colour_on
from dana.render.writing import atomic_write
from dana.vocabulary import COMPARISON_LABELS, NOT_COMPARED, SIMILAR

__all__ = ["render_html"]

_TEMPLATES = Path(__file__).parent / "templates"
POPULATION_LABELS = {"cyp": "C&YP", "adult": "Adult"}
# Charts whose points read left to right (over time, by size); the rest top to bottom.
_ACROSS = {"trend", "funnel"}


@dataclass
class _SectionView:
    section: Section
    level: int
    key_figures: list[dict] = field(default_factory=list)
    ci_header: str = "Confidence interval"
    sources: SourceNotes | None = None
    key_figures_number: int = 0
    charts: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    subsections: list[_SectionView] = field(default_factory=list)


def _badge(comparison: str, confidence: float) -> dict:
    fill = comparison_colour(comparison, confidence)
    label = comparison_label(comparison)
    if comparison not in (SIMILAR, NOT_COMPARED) and not is_default_level(confidence):
        label = f"{label} ({format_level(confidence)})"
    return {
        "key": comparison,
        "symbol": comparison_symbol(comparison),
        "label": label,
        "fill": fill,
        "text": text_colour_on(fill),
    }


def _figure_row(figure: Figure) -> dict:
    bench = england_benchmark(figure)
    return {
        "figure": figure,
        "value": format_value(figure),
        "interval": format_interval(figure),
        "benchmark_name": bench.benchmark_name if bench else "",
        "benchmark_value": format_benchmark_value(figure, bench),
        "badge": _badge(bench.comparison, bench.confidence) if bench else None,
        "rank": format_rank(figure),
    }


def _table_view(df: pd.DataFrame) -> dict:
    return {
        "columns": [str(c) for c in df.columns],
        "rows": [["" if pd.isna(v) else str(v) for v in row] for row in df.itertuples(index=False)],
    }


def _chart_view(chart: Chart, numbers: Numbering, pictures: ChartCache) -> dict:
    return {
        "chart": chart,
        "number": numbers.figure(chart),
        "caption": caption(chart),
        "svg": pictures.svg(chart).svg,
        "order": "across" if chart.kind in _ACROSS else "down",
        "data_table": _table_view(chart_table(chart)),
    }


def _section_view(
    section: Section, depth: int, numbers: Numbering, pictures: ChartCache
) -> _SectionView:
    view = _SectionView(section=section, level=min(2 + depth, 4))
    view.key_figures = [_figure_row(f) for f in section.figures]
    view.sources = source_notes(section.figures)
    for row, mark in zip(view.key_figures, view.sources.marks, strict=True):
        row["source_mark"] = mark
    level = common_level(section.figures)
    if level is not None:
        view.ci_header = f"{format_level(level)} confidence interval"
    if section.figures:
        view.key_figures_number = numbers.key_figures(section)
    view.charts = [_chart_view(c, numbers, pictures) for c in charts_in_reading_order(section)]
    view.tables = [
        {"table": t, "number": numbers.table(t), **_table_view(t.data)} for t in section.tables
    ]
    view.subsections = [_section_view(s, depth + 1, numbers, pictures) for s in section.subsections]
    return view


def _toc(assessment: Assessment) -> list[dict]:
    """The outline as a nested list: ``{"heading": h, "children": [...]}``."""
    root: list[dict] = []
    stack: list[tuple[int, list]] = [(0, root)]
    for heading in document_outline(assessment):
        while stack[-1][0] >= heading.level:
            stack.pop()
        node = {"heading": heading, "children": []}
        stack[-1][1].append(node)
        stack.append((heading.level, node["children"]))
    return root


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _context(assessment: Assessment, interactive: bool, pictures: ChartCache) -> dict:
    numbers = numbering(assessment)
    sections = [_section_view(s, 0, numbers, pictures) for s in assessment.sections]
    has_charts = any(s.charts for s in assessment.all_sections())
    return {
        "a": assessment,
        "sections": sections,
        "toc": _toc(assessment),
        "legend": [_badge(c, 0.95) for c in COMPARISON_LABELS],
        "how_to_read": HOW_TO_READ,
        "introduction": paragraphs(assessment.introduction),
        "comparator_sentence": comparator_sentence(assessment),
        "css": (_TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "script": (_TEMPLATES / "report.js").read_text(encoding="utf-8")
        if interactive and has_charts
        else "",
        "numbers": numbers,
        "part_numbers": {
            k: numbers.tables.get(k) for k in (RECOMMENDATIONS, DATA_GAPS, PROVENANCE)
        },
        "provenance": provenance_table(assessment.provenance),
        "outcome_area_names": OUTCOME_AREA_NAMES,
        "timescale_names": TIMESCALE_NAMES,
        "population_labels": POPULATION_LABELS,
        "population_names": POPULATION_NAMES,
        "gap_reason": gap_reason,
        "gap_section": gap_section,
        "gap_statement_text": gap_statement_text,
        "section_titles": section_titles(assessment),
    }


def render_html(
    assessment: Assessment,
    path: str | os.PathLike,
    *,
    interactive: bool = True,
    charts: ChartCache | None = None,
) -> Path:
    """Write ``assessment`` to ``path`` as one self-contained HTML file and return the path.

    ``interactive=False`` leaves out the script (the charts and their data tables are the
    same). ``charts`` is the build's picture cache (:class:`~dana.render.ChartCache`),
    shared with the other formats; without one, renderers of the same assessment share
    one. The file is written to a temporary file beside ``path`` and renamed, so a
    failure never leaves a half-written report.
    """
    context = _context(assessment, interactive, pictures_for(assessment, charts, "svg"))
    html = _environment().get_template("report.html.j2").render(**context)
    return atomic_write(path, lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))
