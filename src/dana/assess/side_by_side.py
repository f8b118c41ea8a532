"""Two areas side by side: the seeds' "Cambridgeshire and Peterborough" way of writing.

When an assessment names exactly one comparator area (``comparators: neighbours:
[Cambridgeshire]``), it covers both areas, as the C&P summary report does: each topic
section gets a table with every figure the data holds for the assessed area, the partner
area, any area covering both (e.g. E47000008, the Combined Authority) and England, and
one finding comparing the two areas in words where both have a value ("705 per 100,000 in
Peterborough against 306 in Cambridgeshire (2.3 times as high)"). The comparison between
the areas is descriptive (the report's own words: "rates in Peterborough double that of
Cambridgeshire"); only the England comparisons of the section's figures are tested.

Table cells are written by :mod:`dana.formatting` (each row has its own unit, so the
cell is text at the figure's own precision); disclosure control is applied to the rows
first, so a withheld count shows as ``*``.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dana.areas import ENGLAND
from dana.assess import findings
from dana.assess.comparators import Comparators
from dana.assess.disclosure import disclose_related
from dana.assess.layout import section_for_name, subsection_key
from dana.assess.model import Finding, Section, Table
from dana.assess.provenance import is_published_report
from dana.formatting import SUPPRESSED, decimals_for, format_number, format_unit

#: A ratio between the two areas at least this far from 1 is said in words.
NOTABLE_RATIO = 1.5


class _Placed:
    """Just enough of a catalogue indicator for :func:`subsection_key`."""

    def __init__(self, name: str, section: str) -> None:
        self.name, self.short_name, self.section = name, name, section


def _areas(table: pd.DataFrame, comparators: Comparators) -> list[tuple[str, str]]:
    subject, partner = comparators.subject, comparators.neighbours[0]
    both = table[(table["area_type"] == "other")][["area_code", "area_name"]].drop_duplicates()
    areas = [(partner.code, partner.name), (subject.code, subject.name)]
    areas += [(c, n) for c, n in zip(both["area_code"], both["area_name"], strict=True)]
    if comparators.england is not None:
        areas.append((ENGLAND, "England"))
    return areas


def _cell(row) -> str:
    if bool(row.get("suppressed", False)):
        return SUPPRESSED
    if pd.isna(row["value"]):
        return ""
    value, unit, kind = float(row["value"]), str(row["unit"]), str(row["value_type"])
    # a printed figure keeps its printed precision (18.6%, not the rule's 19%)
    places = decimals_for(value, unit, kind)
    if is_published_report(str(row["source"])) and "." in repr(value):
        places = max(places, min(len(repr(value).split(".")[1].rstrip("0")), 2))
    number = format_number(value, unit, kind, decimals=places)
    return format_unit(number, str(row["unit"])) if row["unit"] in ("%", "days") else number


def side_by_side(
    sections: list[Section],
    table: pd.DataFrame,
    comparators: Comparators,
    catalogue,
    *,
    target_sort: int | None,
    rule,
) -> tuple[list[Section], frozenset[str]]:
    """``sections`` with a side-by-side table (and a comparison finding) added to each
    section that has figures for the two areas; and the indicator ids the tables show."""
    if len(comparators.neighbours) != 1:
        return sections, frozenset()
    areas = _areas(table, comparators)
    codes = [c for c, _ in areas]
    rows = table[(table["category_type"] == "") & table["area_code"].isin(codes)]
    if target_sort is not None:
        rows = rows[rows["period_sort"] <= target_sort]
    # the same control as the report's figures, related counts included
    rows = disclose_related(rows.reset_index(drop=True), rule)
    known = {i.id: i for i in catalogue}
    placed: dict[str, list[str]] = {}
    for indicator_id, group in rows.groupby("indicator_id", sort=False):
        name = str(group["indicator_name"].iloc[0])
        info = known.get(indicator_id) or _Placed(name, section_for_name(name))
        placed.setdefault(subsection_key(info), []).append(str(indicator_id))
    shown: set[str] = set()

    def add(section: Section) -> Section:
        children = tuple(add(s) for s in section.subsections)
        ids = placed.get(section.id, [])
        if not ids:
            return replace(section, subsections=children)
        data, words = _rows(rows[rows["indicator_id"].isin(ids)], areas, comparators)
        if data.empty:
            return replace(section, subsections=children)
        shown.update(ids)
        names = [n for _, n in areas]
        extra = Table(
            id=f"{section.id}.side_by_side",
            title=f"{section.title}: {findings.join_and(names)}",
            data=data,
            notes="Figures as published; * = withheld (a count below the disclosure threshold).",
            source=_cite(rows[rows["indicator_id"].isin(ids)]["source"]),
            figures_only=True,
        )
        found = section.findings
        if words:
            found = (*found, Finding(f"{section.id}.between_areas", words, tuple(ids), "between"))
        return replace(
            section, tables=(*section.tables, extra), findings=found, subsections=children
        )

    return [add(s) for s in sections], frozenset(shown)


def _cite(sources: pd.Series) -> str:
    """The sources once: a shared citation is written once, then each section after it."""
    unique = sorted(set(sources.astype(str)))
    cited = [u.rsplit(", ", 1) for u in unique]
    if len(unique) > 1 and all(len(c) == 2 for c in cited) and len({c[0] for c in cited}) == 1:
        return f"{cited[0][0]}: " + "; ".join(c[1] for c in cited)
    return "; ".join(unique)


def _rows(rows: pd.DataFrame, areas, comparators: Comparators) -> tuple[pd.DataFrame, str]:
    subject, partner = comparators.subject, comparators.neighbours[0]
    records, said = [], []
    for _indicator_id, group in rows.groupby("indicator_id", sort=False):
        for (period, age), at in group.groupby(["period", "age"], sort=False):
            by_area = {r["area_code"]: r for _, r in at.iterrows()}
            first = at.iloc[0]
            label = str(first["indicator_name"]) + (
                f" ({age})" if age not in ("", "All ages", "18+ yrs") else ""
            )
            record = {"Indicator": label, "Period": str(period)}
            for code, name in areas:
                record[name] = _cell(by_area[code]) if code in by_area else ""
            records.append(record)
            mine, theirs = by_area.get(subject.code), by_area.get(partner.code)
            if mine is None or theirs is None or pd.isna(mine["value"]) or pd.isna(theirs["value"]):
                continue
            if min(mine["value"], theirs["value"]) <= 0 or str(first["unit"]) == "% change":
                continue
            ratio = float(mine["value"]) / float(theirs["value"])
            if 1 / NOTABLE_RATIO < ratio < NOTABLE_RATIO:
                continue
            high, low, times = (
                (subject, partner, ratio) if ratio > 1 else (partner, subject, 1 / ratio)
            )
            said.append(
                f"{findings.noun(label)}: {_cell(mine)} in {subject.name} against {_cell(theirs)} "
                f"in {partner.name} ({times:.1f} times as high in {high.name})"
            )
    words = ""
    if said:
        words = "Between the two areas, the figures differed most for " + "; ".join(said) + "."
    return pd.DataFrame(records), words
