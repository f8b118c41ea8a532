"""The explorer's pages as template data: the model's values formatted, charts drawn once.

Every number is formatted by :mod:`dana.render.figure_text` / :mod:`dana.formatting` and
every chart drawn by :mod:`dana.render` (the report's inline SVG, with its description and
its data as a table, :func:`dana.render.chart_table`), so a page says what the report
says. Comparisons carry a symbol and a word beside their colour. Nothing here computes a
statistic. :func:`downloads` names every table a page offers as CSV.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from dana.assess.explore import IndicatorView
from dana.assess.model import BenchmarkResult, Chart, Figure, Table
from dana.explorer.store import AreaEntry
from dana.formatting import format_count, format_level, format_number, format_unit
from dana.render import chart_caption, chart_table, render_html
from dana.render.figure_text import (
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_rank,
    format_value,
)
from dana.render.style import (
    comparison_colour,
    comparison_label,
    comparison_symbol,
    comparison_text,
    text_colour_on,
)
from dana.vocabulary import COMPARISON_LABELS, NOT_COMPARED

#: matplotlib drawing is done one chart at a time (the server answers in threads).
DRAW_LOCK = threading.Lock()
#: Chart kinds whose points read left to right (the report's keyboard order).
_ACROSS = {"trend", "funnel"}
#: Figure columns of the "every figure" CSV, in order.
FIGURE_COLUMNS = (
    "indicator_id", "name", "section", "period", "value", "lower", "upper", "confidence",
    "count", "denominator", "unit", "value_type", "polarity", "trend", "rank", "rank_of",
    "suppressed", "value_note", "source", "retrieved", "method",
)  # fmt: skip


def area_url(code: str) -> str:
    return f"/area/{quote(code, safe='')}"


def indicator_url(code: str, indicator_id: str) -> str:
    return f"{area_url(code)}/indicator/{quote(indicator_id, safe='')}"


def csv_url(code: str, key: str) -> str:
    return f"{area_url(code)}/data/{quote(key, safe='')}.csv"


def badge(bench: BenchmarkResult | None) -> dict | None:
    """A comparison as colour, symbol and word (never colour alone)."""
    if bench is None:
        return None
    fill = comparison_colour(bench.comparison, bench.confidence)
    label = comparison_label(bench.comparison)
    if bench.comparison != NOT_COMPARED and abs(bench.confidence - 0.95) > 1e-9:
        label += f" ({format_level(bench.confidence)})"
    return {
        "key": bench.comparison,
        "symbol": comparison_symbol(bench.comparison),
        "label": label,
        "fill": fill,
        "text": text_colour_on(fill),
    }


def chart_view(entry: AreaEntry, chart: Chart, code: str) -> dict:
    """A chart as the report shows it: SVG, description, caption, data table, CSV link."""
    with DRAW_LOCK:
        svg = entry.pictures.svg(chart).svg
    data = chart_table(chart)
    return {
        "chart": chart,
        "svg": svg,
        "caption": chart_caption(chart),
        "order": "across" if chart.kind in _ACROSS else "down",
        "table": table_rows(data),
        "csv": csv_url(code, f"chart.{chart.id}"),
    }


def table_rows(frame: pd.DataFrame) -> dict:
    """A display table (strings already) as columns and rows for the template."""
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": [
            ["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)
        ],
    }


def figure_row(code: str, figure: Figure) -> dict:
    england = england_benchmark(figure)
    region = next((b for b in figure.benchmarks if b.benchmark_code.startswith("E12")), None)
    return {
        "figure": figure,
        "url": indicator_url(code, figure.indicator_id),
        "value": format_value(figure),
        "interval": format_interval(figure),
        "england_value": format_benchmark_value(figure, england),
        "england": badge(england),
        "region": badge(region),
        "region_name": region.benchmark_name if region else "",
        "rank": format_rank(figure),
    }


def area_page(entry: AreaEntry, code: str) -> dict:
    """The area's overview: the spine chart across every indicator and every figure."""
    view = entry.view
    a = view.assessment
    sections = []
    for section, depth, trail in a.walk_sections():
        if section.figures:
            title = " - ".join((*trail, section.title)) if depth else section.title
            sections.append(
                {"title": title, "rows": [figure_row(code, f) for f in section.figures]}
            )
    return {
        "assessment": a,
        "spine": chart_view(entry, view.spine, code) if view.spine is not None else None,
        "sections": sections,
        "figures_csv": csv_url(code, "figures"),
        "report_url": f"{area_url(code)}/report",
        "neighbours": a.neighbours,
        # the assessment's own tables (engagement, breakdowns, ...), each as CSV
        "tables": [
            {"title": t.title, "csv": csv_url(code, f"table.{t.id}")}
            for s in a.all_sections()
            for t in s.tables
        ],
    }


def _ranked(table: Table | None, code: str, subject: str, unit: str, value_type: str) -> dict:
    if table is None:
        return {}
    data = table.data
    rows = []
    for record in data.to_dict("records"):
        number = {"unit": unit, "value_type": value_type}
        rows.append(
            {
                "subject": record["Area"] == subject,
                "cells": [
                    "-" if pd.isna(record["Rank"]) else str(int(record["Rank"])),
                    str(record["Area"]),
                    str(record["Region"] or ""),
                    str(record["Period"] or ""),
                    "*" if pd.isna(record["Value"]) else format_number(record["Value"], **number),
                    _limits(record, number),
                    format_count(None if pd.isna(record["Count"]) else record["Count"]),
                    _comparison_words(record["Compared with England"], record["Comparison method"]),
                    str(record["Recent trend"] or ""),
                ],
            }
        )
    return {
        "table": table,
        "columns": [
            "Rank",
            "Area",
            "Region",
            "Period",
            "Value",
            "Interval",
            "Count",
            "Compared with England",
            "Recent trend",
        ],  # fmt: skip
        "rows": rows,
        "csv": csv_url(code, f"areas.{table.id.split('.', 1)[1]}"),
    }


def _comparison_words(comparison, method) -> str:
    """``"▲ Better"`` for a comparison with England; ``"Quintile: better"`` for an
    indicator judged by its quintile among all areas (not a comparison with England)."""
    if not isinstance(comparison, str) or not comparison:
        return "-"
    if method == "quintiles":
        return f"Quintile: {comparison}"
    return comparison_text(comparison) if comparison in COMPARISON_LABELS else comparison


def _limits(record: dict, number: dict) -> str:
    if pd.isna(record["Lower limit"]) or pd.isna(record["Upper limit"]):
        return "-"
    return (
        f"{format_number(record['Lower limit'], **number)} to "
        f"{format_number(record['Upper limit'], **number)}"
    )


def indicator_page(entry: AreaEntry, code: str, page: IndicatorView) -> dict:
    """One indicator for the area: figure, comparisons, charts, ranks, metadata."""
    f = page.figure
    comparisons = [
        {
            "name": b.benchmark_name[:1].upper() + b.benchmark_name[1:],
            "value": format_unit(format_benchmark_value(f, b), f.unit),
            "badge": badge(b),
            "level": format_level(b.confidence),
        }
        for b in f.benchmarks
    ]
    facts = [
        ("Value", format_unit(format_value(f), f.unit)),
        (f"{format_level(f.confidence)} confidence interval", format_interval(f)),
        ("Count", "*" if f.suppressed else format_count(f.count)),
        ("Denominator", format_count(f.denominator)),
        ("Period", f.period),
        ("Recent trend", f.trend),
        ("Rank among neighbours (1 = lowest)", format_rank(f)),
    ]
    if f.value_note:
        facts.append(("Note", f.value_note))
    return {
        "figure": f,
        "facts": facts,
        "comparisons": comparisons,
        "comparisons_csv": csv_url(code, f"benchmarks.{f.indicator_id}"),
        "findings": page.findings,
        "charts": [chart_view(entry, c, code) for c in page.charts],
        "has_funnel": any(c.kind == "funnel" for c in page.charts),
        "ranked": _ranked(page.areas, code, entry.view.assessment.area.name, f.unit, f.value_type),
        "metadata": page.metadata,
        "provenance": page.provenance,
        "area_url": area_url(code),
    }


def warm_up(entry: AreaEntry) -> int:
    """Draw every chart of an area's pages and of its report ahead of the first reader,
    one chart at a time (a request waits for one drawing at most); return how many."""
    view = entry.view
    charts = [view.spine] if view.spine is not None else []
    for indicator_id in view.figures:
        page = view.indicator(indicator_id)
        charts += list(page.charts) if page else []
    charts += [c for s in view.assessment.all_sections() for c in s.charts]
    for chart in charts:
        with DRAW_LOCK:
            entry.pictures.svg(chart)
    report_html(entry)
    return len(charts)


def report_html(entry: AreaEntry) -> str:
    """The area's report as ``dana report`` writes it (drawn once, then kept)."""
    if entry.report_html is None:
        with DRAW_LOCK, tempfile.TemporaryDirectory(prefix="dana-serve-") as folder:
            path = render_html(entry.view.assessment, Path(folder) / "report.html",
                               charts=entry.pictures)  # fmt: skip
            entry.report_html = path.read_text(encoding="utf-8")
    return entry.report_html


# --- CSV downloads ----------------------------------------------------------------------


def _figures_frame(entry: AreaEntry) -> pd.DataFrame:
    rows = []
    for f in entry.view.assessment.all_figures():
        row = {c: getattr(f, c) for c in FIGURE_COLUMNS}
        england = england_benchmark(f)
        row["england_value"] = england.benchmark_value if england else None
        row["vs_england"] = england.comparison if england else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=[*FIGURE_COLUMNS, "england_value", "vs_england"])


def _charts(entry: AreaEntry) -> dict[str, Chart]:
    view = entry.view
    found = {c.id: c for s in view.assessment.all_sections() for c in s.charts}
    if view.spine is not None:
        found[view.spine.id] = view.spine
    return found


def downloads(entry: AreaEntry, key: str) -> tuple[str, pd.DataFrame] | None:
    """``(file name, table)`` for a CSV key of the area's pages, or None if unknown.

    Keys: ``figures``; ``chart.<chart id>`` (its data as shown); ``table.<table id>``
    (a table of the assessment); ``areas.<indicator id>`` (every area ranked);
    ``benchmarks.<indicator id>`` (the figure's comparisons).
    """
    view = entry.view
    stem = view.assessment.area.name.lower().replace(" ", "-")
    if key == "figures":
        return f"{stem}-figures.csv", _figures_frame(entry)
    kind, _, rest = key.partition(".")
    if kind == "chart":
        chart = _charts(entry).get(rest)
        if chart is None and rest.split(".", 1)[-1] in view.figures:
            page = view.indicator(rest.split(".", 1)[-1])  # an indicator page's chart
            chart = next((c for c in page.charts if c.id == rest), None) if page else None
        return None if chart is None else (f"{stem}-{rest}.csv", chart_table(chart))
    if kind == "table":
        found = {t.id: t for s in view.assessment.all_sections() for t in s.tables}
        return None if rest not in found else (f"{stem}-{rest}.csv", found[rest].data)
    if kind in ("areas", "benchmarks") and rest in view.figures:
        page = view.indicator(rest)
        if kind == "areas":
            return None if page.areas is None else (f"areas-{rest}.csv", page.areas.data)
        frame = pd.DataFrame(
            [
                {
                    "benchmark_code": b.benchmark_code,
                    "benchmark_name": b.benchmark_name,
                    "benchmark_value": b.benchmark_value,
                    "comparison": b.comparison,
                    "confidence": b.confidence,
                }
                for b in page.figure.benchmarks
            ]
        )
        return f"{stem}-{rest}-comparisons.csv", frame
    return None


_FORMULA_START = ("=", "+", "@", "\t", "\r")


def csv_text(frame: pd.DataFrame) -> str:
    """The table as CSV; a text cell that a spreadsheet would run as a formula (``=``,
    ``+``, ``@``, or ``-`` not followed by a digit) gets a leading apostrophe."""

    def safe(value):
        if (
            isinstance(value, str)
            and value
            and (
                value.startswith(_FORMULA_START)
                or (value.startswith("-") and not value[1:2].isdigit() and value != "-")
            )
        ):
            return "'" + value
        return value

    return frame.map(safe).to_csv(index=False, lineterminator="\n")
