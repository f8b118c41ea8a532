"""The all-areas summary as files: a CSV and an XLSX workbook (``dana batch``).

Writes a :class:`~dana.assess.model.NationalSummary` (computed by
:func:`dana.assess.summarise_areas`) and computes nothing: every value, judgement,
note, the disclosure statement and the licence come from the summary. Both files are
published together or not at all (:func:`dana._atomic.publish_together`).
"""

from __future__ import annotations

import os
from pathlib import Path

from dana._atomic import publish_together
from dana.assess.model import NationalSummary
from dana.render.xlsx import BOLD, WRAPPED, Sheet, write_workbook

__all__ = ["SUMMARY_CSV", "SUMMARY_XLSX", "write_csv", "write_summary", "write_xlsx"]

SUMMARY_CSV = "all_areas_summary.csv"
SUMMARY_XLSX = "all_areas_summary.xlsx"
_SECTION_TITLES = {
    "context": "Context",
    "alcohol_harms": "Alcohol harms",
    "alcohol_treatment": "Alcohol treatment",
    "drug_harms": "Drug harms",
    "drug_treatment": "Drug treatment",
    "young_people": "Young people",
    "wider_determinants": "Wider determinants",
}
_LEGEND = (
    (
        "Row",
        "One area x one catalogue indicator, at the indicator's latest period for the "
        "area type (or the latest up to the period asked for). Areas without data keep their "
        "row, with a note.",
    ),
    (
        "value, lower, upper",
        "The published value and its confidence limits at the level in "
        "'confidence' (the catalogue's: 99.8% for indicators compared at 99.8%, else 95%).",
    ),
    (
        "count, denominator",
        "After disclosure control: hidden counts are blank and "
        "'suppressed' is TRUE, and the value built on a hidden count is blanked too. "
        "Secondary suppression protects each indicator x region (areas add up to their "
        "region).",
    ),
    (
        "vs_england, vs_region (confidence interval)",
        "Fingertips rule: the area's interval "
        "compared with the benchmark's value. better / worse (by the indicator's polarity), "
        "lower / higher (no judgement of good or bad), similar (the interval includes the "
        "benchmark), not_compared (no value, no limits, no benchmark, or not benchmarked).",
    ),
    (
        "vs_england, vs_region (quintiles)",
        "For indicators compared by quintiles: the area's "
        "fifth among all areas of the type in England (vs_england) or in its region "
        "(vs_region; not_compared where the region has fewer than five). best ... worst by "
        "polarity, or lowest ... highest.",
    ),
    (
        "rank, rank_of, quintile",
        "Rank among all areas of the type with a value: 1 = the "
        "LOWEST value (ties share the lower rank), whatever the polarity. Quintile 1 holds "
        "the lowest fifth of values.",
    ),
    (
        "trend",
        "Fingertips recent-trend marker over the last five periods (chi-square test "
        "for linear trend at 99.8%): Increasing / Decreasing (and getting better / worse), "
        "No significant change, or Cannot be calculated (see trend_note).",
    ),
    (
        "funnel, funnel_significance",
        "Position against funnel-plot limits centred on "
        "England's value (proportions: Wilson; rates and DSRs: exact Poisson). funnel: high / "
        "low = beyond the 99.8% limits, none = within them. funnel_significance also gives the "
        "95% (0.025) level.",
    ),
    (
        "Methods",
        "dana.stats: compare, trend, quantiles, funnel_limits, suppress; formulas "
        "and references in their docstrings and docs/PERFORMANCE.md.",
    ),
)


def write_summary(summary: NationalSummary, out_dir: str | os.PathLike) -> list[Path]:
    """Write :data:`SUMMARY_CSV` and :data:`SUMMARY_XLSX` into ``out_dir``, all or nothing.

    Both files are written into a staging folder inside ``out_dir`` and moved into
    place (``os.replace``) only when both succeeded; on failure ``out_dir`` keeps what it
    had (:func:`dana._atomic.publish_together`). The workbook has a Legend sheet
    (categories, methods, the disclosure rule applied, the licence and, when the data
    is synthetic, a warning) and one sheet per assessment section with a frozen header
    row.
    """
    return publish_together(
        out_dir,
        lambda staging: [
            write_csv(summary, staging / SUMMARY_CSV),
            write_xlsx(summary, staging / SUMMARY_XLSX),
        ],
        prefix="batch",
    )


def write_csv(summary: NationalSummary, path: Path) -> Path:
    """The summary's rows as UTF-8 CSV, one row per area x indicator."""
    summary.rows.to_csv(path, index=False, encoding="utf-8")
    return path


def write_xlsx(summary: NationalSummary, path: Path) -> Path:
    """The workbook: a Legend sheet, then one sheet per assessment section (header row
    bold and frozen, with a filter), written by :mod:`dana.render.xlsx`."""
    rows = summary.rows
    lines = [("DANA all-areas summary", "")]
    if summary.synthetic_warning:
        lines.append(("SYNTHETIC DATA", summary.synthetic_warning))
    lines += list(_LEGEND)
    if summary.disclosure:
        lines.append(("Disclosure control", summary.disclosure))
    lines.append(("Licence", summary.licence))
    sheets = [
        Sheet("Legend", lines, header=False, styles={0: BOLD, 1: WRAPPED}, widths={0: 38, 1: 110})
    ]
    columns = list(rows.columns)
    # the cells as Python objects (None where empty) once, then cut into one sheet per section
    cells = rows.astype(object)
    cells = cells.where(cells.notna(), None).to_numpy()
    sections = rows["section"].to_numpy()
    for section in dict.fromkeys(sections):
        values = cells[sections == section].tolist()
        sheets.append(Sheet(_SECTION_TITLES.get(section, section)[:31], [columns, *values]))
    return write_workbook(path, sheets)
