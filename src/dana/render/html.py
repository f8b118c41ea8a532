"""Render an assessment as one self-contained, accessible HTML file.

The file works offline on a council intranet: CSS is inline, and with ``interactive``
plotly.js from the installed plotly package is inlined once per page (about 4.8 MB);
without it, charts are inline PNGs and the page is a few hundred kB. Nothing is fetched
from the network.

Accessibility (WCAG 2.2 AA intent): one ``h1``, sections as ``h2``-``h4``, landmarks
(banner, navigation, main, contentinfo), a skip link and table of contents, every chart
with a text description (``aria-label``/``alt`` and a visible description) and its data
as a table in a ``<details>``, significance shown by symbol and words as well as colour,
GOV.UK text colours, visible focus, and print styles. All free text is escaped by
Jinja2 autoescaping.

The renderer reads the model only; it computes no statistics.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from dana.assess.model import (
    OUTCOME_AREA_NAMES,
    TIMESCALE_NAMES,
    Assessment,
    Chart,
    Figure,
    Section,
    Table,
)
from dana.render import charts as _charts
from dana.render._document import (
    POPULATION_NAMES,
    SourceNotes,
    atomic_write,
    gap_reason,
    gap_section,
    gap_statement_text,
    section_titles,
    source_notes,
)
from dana.render._format import (
    common_level,
    comparison_colour,
    comparison_label,
    comparison_symbol,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_level,
    format_rank,
    format_value,
    text_colour_on,
)
from dana.vocabulary import COMPARISON_LABELS

__all__ = ["render_html"]

_TEMPLATES = Path(__file__).parent / "templates"

POPULATION_LABELS = {"cyp": "C&YP", "adult": "Adult"}


@dataclass
class _Counter:
    """Figure and table numbers across the whole document, in reading order."""

    figures: int = 0
    tables: int = 0


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


def _json_for_script(obj: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _badge(comparison: str, confidence: float) -> dict:
    fill = comparison_colour(comparison, confidence)
    label = comparison_label(comparison)
    if comparison in ("better", "worse", "higher", "lower") and confidence != 0.95:
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


def _chart_view(chart: Chart, counter: _Counter, interactive: bool) -> dict:
    counter.figures += 1
    view = {
        "chart": chart,
        "number": counter.figures,
        "caption": _charts.caption(chart),
        "data_table": _table_view(_charts.chart_table(chart)),
    }
    if interactive:
        spec = _charts.plotly_json(chart)
        # The <figcaption> carries the title; a second one inside the chart is noise.
        spec["layout"].pop("title", None)
        spec["layout"].setdefault("margin", {})["t"] = 20
        view["plotly_json"] = _json_for_script(spec)
    else:
        png = _charts.static_png(chart, titled=False)
        view["png_base64"] = base64.b64encode(png).decode("ascii")
    return view


def _tabular_view(table: Table, counter: _Counter) -> dict:
    counter.tables += 1
    return {"table": table, "number": counter.tables, **_table_view(table.data)}


def _section_view(
    section: Section, depth: int, counter: _Counter, interactive: bool
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
        counter.tables += 1
        view.key_figures_number = counter.tables
    view.charts = [_chart_view(c, counter, interactive) for c in section.charts]
    view.tables = [_tabular_view(t, counter) for t in section.tables]
    view.subsections = [
        _section_view(s, depth + 1, counter, interactive) for s in section.subsections
    ]
    return view


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _context(assessment: Assessment, interactive: bool) -> dict:
    counter = _Counter()
    sections = [_section_view(s, 0, counter, interactive) for s in assessment.sections]
    legend = [_badge(c, 0.95) for c in COMPARISON_LABELS]
    plotly_js = ""
    if interactive and any(s.charts for s in assessment.all_sections()):
        from plotly.offline import get_plotlyjs

        plotly_js = get_plotlyjs().replace("</script", "<\\/script")
    return {
        "a": assessment,
        "sections": sections,
        "legend": legend,
        "css": (_TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "plotly_js": plotly_js,
        "interactive": interactive,
        "outcome_area_names": OUTCOME_AREA_NAMES,
        "timescale_names": TIMESCALE_NAMES,
        "population_labels": POPULATION_LABELS,
        "population_names": POPULATION_NAMES,
        "gap_reason": gap_reason,
        "gap_section": gap_section,
        "gap_statement_text": gap_statement_text,
        "section_titles": section_titles(assessment),
        "format_level": format_level,
    }


def render_html(
    assessment: Assessment, path: str | os.PathLike, *, interactive: bool = True
) -> Path:
    """Write ``assessment`` to ``path`` as one self-contained HTML file and return the path.

    ``interactive=True`` embeds plotly.js once and draws every chart with it;
    ``interactive=False`` embeds static PNG charts instead (a much smaller file). The file
    is written to a temporary file beside ``path`` and renamed, so a failure never leaves
    a half-written report.
    """
    out = Path(path)
    html = _environment().get_template("report.html.j2").render(**_context(assessment, interactive))
    out.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(out, lambda tmp: tmp.write_text(html, encoding="utf-8", newline="\n"))
