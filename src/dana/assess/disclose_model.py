"""One disclosure-control pass over the built assessment, which every renderer then reads.

:func:`disclose_assessment` runs after everything is built and before anything is
rendered (called once, in :func:`dana.assess.build.build_assessment`). It applies the
configured rule (:func:`dana.stats.suppress`, secondary suppression on for every preset
that has it) to every number in the model that counts people or events, wherever it is:

* **Figures.** Each figure's count (a count-type figure's value when it has no count),
  with secondary suppression *across* figures: the relations of
  :mod:`dana.assess.count_relations` (adults in treatment = drugs + alcohol only; a rate
  and the number it is built on) are additive groups, so a hidden count can never be
  recovered by subtraction. A proportion whose denominator is itself a count in the
  suppressed range is withheld too, and so is one whose denominator is a withheld
  count (:data:`~dana.assess.count_relations.DENOMINATOR_LINKS`: "166 of 324" would
  give back the 324 adults in alcohol treatment). A withheld figure loses its value, limits, count,
  rank, trend and comparisons; a finding written about it before it was withheld is
  replaced by the "not shown" sentence.
* **Tables**, generically, from their own description (``Table.counts``,
  ``Table.derived``, ``Table.total_row``): each count column is one additive group (its
  cells and, when the table has one, its total row); a derived column is withheld with
  its count. A table with count-like numbers that declares no counts is an internal
  error (:class:`DisclosureError`): nothing slips through undeclared.
* **Charts.** Rows marked ``suppressed`` have every number blanked; a funnel plot does
  not plot them at all and its limits are rounded to display precision; a breakdown
  chart's ``count`` column is controlled like a table column (panels by
  ``extra['group']``); a chart of a newly withheld figure marks the figure's point and
  its alt text is rewritten so it cannot describe a hidden value.

The pass is idempotent: run on its own output it changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.charts import funnel_limit_places
from dana.assess.count_relations import HEADLINE_RELATIONS, CountRelation
from dana.assess.disclosure import SUPPRESSED_NOTE, disclose_related
from dana.assess.model import Assessment, BenchmarkResult, Chart, Figure, Finding, Section, Table
from dana.formatting import SUPPRESSED
from dana.vocabulary import NOT_COMPARED, TREND_NOT_CALCULATED

#: Chart columns that hold a number about the row's own count (blanked when withheld).
CHART_NUMBERS = ("value", "lower", "upper", "count", "share", "denominator")
#: Column names that hold numbers which are never counts of people (years, ranks...).
NOT_COUNT_WORDS = ("year", "period", "rank", "number", "order", "position")


class DisclosureError(RuntimeError):
    """The model holds numbers the disclosure pass cannot control (a bug, not bad input):
    the message names the table and its columns."""


def disclose_assessment(
    assessment: Assessment,
    rule,
    *,
    relations: tuple[CountRelation, ...] = HEADLINE_RELATIONS,
) -> Assessment:
    """``assessment`` with disclosure control applied to every figure, table and chart.

    ``rule`` is the config's :class:`~dana.assess.config.SuppressionConfig` (``None``:
    no control, but undeclared tables are still refused).
    """
    arguments = None if rule is None else rule.suppress_arguments()
    sections = (*assessment.sections, *assessment.appendices)
    figures = _unique_figures(sections)
    withheld, small = _withheld_figures(figures, rule, arguments, relations, assessment.area.code)
    newly = {i for i in withheld if not figures[i].suppressed}
    changed = {i: _withhold(figures[i], drop_denominator=i in small) for i in withheld}
    context = _Pass(arguments, changed, newly, assessment.area.name)
    context.disclose_tables(sections)
    return replace(
        assessment,
        sections=tuple(context.section(s) for s in assessment.sections),
        appendices=tuple(context.section(s) for s in assessment.appendices),
    )


def _unique_figures(sections) -> dict[str, Figure]:
    out: dict[str, Figure] = {}

    def walk(items):
        for section in items:
            for figure in section.figures:
                out.setdefault(figure.indicator_id, figure)
            walk(section.subsections)

    walk(sections)
    return out


def _withheld_figures(figures, rule, arguments, relations, area_code) -> tuple[set[str], set[str]]:
    """Indicator ids whose figure must be withheld (the rule over every figure's count,
    with secondary suppression across the related ones), and those of proportions whose
    denominator is itself a count the rule hides."""
    if arguments is None or not figures:
        return {i for i, f in figures.items() if f.suppressed}, set()
    settings = stats.resolve_rule(**arguments)
    rows, small = [], set()
    for figure in figures.values():
        count = figure.count
        if count is None and figure.value_type == "count":
            count = figure.value
        small_denominator = (
            figure.value_type == "proportion"
            and figure.denominator is not None
            and _in_range(figure.denominator, settings)
        )
        if small_denominator:
            small.add(figure.indicator_id)
        hidden = figure.suppressed or small_denominator
        rows.append(
            {
                "indicator_id": figure.indicator_id,
                "area_code": area_code,
                "period": figure.period,
                "count": np.nan if hidden or count is None else float(count),
                "value": np.nan if hidden or figure.value is None else float(figure.value),
                "value_type": figure.value_type,
                "value_note": SUPPRESSED_NOTE if hidden else "",
            }
        )
    shown = disclose_related(pd.DataFrame(rows), rule, relations=relations)
    return set(shown.loc[shown["suppressed"].astype(bool), "indicator_id"]), small


def _in_range(count: float, settings) -> bool:
    """True when ``count`` is one the rule hides (primary suppression)."""
    if count == 0:
        return settings.suppress_zero
    return count <= settings.max_suppressed


def _withhold(figure: Figure, *, drop_denominator: bool) -> Figure:
    return replace(
        figure,
        value=None,
        lower=None,
        upper=None,
        count=None,
        # a withheld proportion's denominator may be a withheld count (a linked figure)
        denominator=None
        if drop_denominator or figure.value_type == "proportion"
        else figure.denominator,
        benchmarks=tuple(
            BenchmarkResult(
                b.benchmark_code, b.benchmark_name, b.benchmark_value, NOT_COMPARED, b.confidence
            )
            for b in figure.benchmarks
        ),
        trend=TREND_NOT_CALCULATED,
        rank=None,
        rank_of=None,
        suppressed=True,
        value_note=figure.value_note if figure.suppressed else SUPPRESSED_NOTE,
        display_value=SUPPRESSED,
    )


class _Pass:
    """The pass over sections, with what was decided about the figures."""

    def __init__(self, arguments, changed: dict[str, Figure], newly: set[str], area: str):
        self.arguments = arguments
        self.changed = changed
        self.newly = newly
        self.area = area
        self.tables: dict[int, Table] = {}

    def disclose_tables(self, sections) -> None:
        """Every table of ``sections`` (subsections too) under the rule, all at once
        (:func:`disclose_tables`); :meth:`section` then looks each one up."""
        found: dict[int, Table] = {}

        def walk(items):
            for section in items:
                for table in section.tables:
                    found.setdefault(id(table), table)
                walk(section.subsections)

        walk(sections)
        done = disclose_tables([self.series(t) for t in found.values()], self.arguments)
        self.tables = dict(zip(found, done, strict=True))

    def section(self, section: Section) -> Section:
        return replace(
            section,
            figures=tuple(self.changed.get(f.indicator_id, f) for f in section.figures),
            findings=tuple(self.finding(f) for f in section.findings),
            charts=tuple(c for c in (self.chart(c) for c in section.charts) if c is not None),
            tables=tuple(self.tables[id(t)] for t in section.tables),
            subsections=tuple(self.section(s) for s in section.subsections),
        )

    def series(self, table: Table) -> Table:
        """A figure's series table with the row of a figure withheld here blanked."""
        if table.series_of not in self.newly or "Period" not in table.data:
            return table
        data = table.data.copy()
        row = (data["Period"].astype(str) == self.changed[table.series_of].period).to_numpy()
        for column in data.columns:
            if column != "Period":
                data[column] = data[column].astype(object).where(~row, SUPPRESSED)
        return replace(table, data=data)

    def finding(self, finding: Finding) -> Finding:
        hidden = [i for i in finding.indicator_ids if i in self.newly]
        if not hidden:
            return finding
        names = ", ".join(self.changed[i].name for i in hidden)
        text = (
            f"The figure for {names} in {self.area} is not shown: it could reveal a small "
            "number and is suppressed (disclosure control)."
        )
        return replace(finding, text=text)

    def chart(self, chart: Chart) -> Chart | None:
        data = chart.data.copy()
        rewrite = False
        indicator = chart.extra.get("indicator_id")
        if indicator in self.newly:
            figure = self.changed[indicator]
            if chart.kind == "funnel":
                return None  # the subject's own point is withheld: no funnel to show
            if chart.kind == "trend" and "period" in data:
                data["suppressed"] = _flag(data) | (data["period"].astype(str) == figure.period)
            elif "is_subject" in data:
                data["suppressed"] = _flag(data) | data["is_subject"].fillna(False).astype(bool)
            rewrite = True
        if chart.kind == "small_trends" and "indicator_id" in data:
            periods = data["indicator_id"].map(
                {i: self.changed[i].period for i in self.newly if i in self.changed}
            )
            row = (data["period"].astype(str) == periods).to_numpy()
            if row.any():
                data["suppressed"] = _flag(data) | row
                rewrite = True
        if chart.kind == "spine" and "indicator_id" in data:
            keep = ~data["indicator_id"].isin(self.changed)
            rewrite |= not keep.all()
            data = data[keep].reset_index(drop=True)
            if data.empty:
                return None
        if chart.kind == "breakdown" and "count" in data:
            before = _flag(data)
            data = _control_counts(data, self.arguments, chart.extra.get("group"))
            rewrite |= bool((_flag(data) & ~before).any())
        extra = dict(chart.extra)
        if "suppressed" in data:
            hidden = _flag(data)
            if chart.kind == "funnel":
                if hidden.any():
                    subject = data["is_subject"].fillna(False).astype(bool)
                    if (hidden & subject).any():
                        return None
                    data = data[~hidden].reset_index(drop=True)
                    rewrite = True
            else:
                for column in CHART_NUMBERS:
                    if column in data:
                        data[column] = data[column].astype(float).where(~hidden, np.nan)
        if chart.kind == "funnel" and "limits" in extra:
            extra["limits"] = _rounded_limits(extra["limits"], chart)
        alt = _generic_alt(chart) if rewrite else chart.alt_text
        return replace(chart, data=data, extra=extra, alt_text=alt)


def _flag(data: pd.DataFrame) -> pd.Series:
    if "suppressed" not in data:
        return pd.Series(False, index=data.index)
    return data["suppressed"].fillna(False).astype(bool)


def _generic_alt(chart: Chart) -> str:
    return (
        f"{chart.title}. Some values are suppressed to protect small numbers (shown as "
        f"{SUPPRESSED}); the data table beside the chart lists every value shown."
    )


def _rounded_limits(limits: pd.DataFrame, chart: Chart) -> pd.DataFrame:
    """Funnel limits at the places the funnel chose (``extra['limit_places']``), or by
    the same rule from its centre (:func:`dana.assess.charts.funnel_limit_places`)."""
    out = limits.copy()
    centre = out["centre"].dropna()
    places = chart.extra.get("limit_places")
    if places is None:
        places = funnel_limit_places(float(centre.iloc[0]) if len(centre) else None, chart.unit)
    for column in out.columns:
        if column != "x":
            out[column] = out[column].astype(float).round(places)
    return out


def _control_counts(data: pd.DataFrame, arguments, group: str | None) -> pd.DataFrame:
    """A chart's ``count`` column under the rule (each panel of ``group`` one additive
    group); withheld rows marked ``suppressed``."""
    if arguments is None:
        return data
    pre = _flag(data) | data["count"].isna()
    frame = pd.DataFrame(
        {
            "count": data["count"].astype(float).where(~pre, 0.0).to_numpy(),
            "_hidden": pre.to_numpy(),
            "_group": data[group].astype(str).to_numpy() if group in data else "all",
        }
    )
    published = stats.suppress(frame, "count", by="_group", hidden="_hidden", **arguments)
    out = data.copy()
    out["suppressed"] = published["suppressed"].to_numpy(dtype=bool)
    out["count"] = published["count"].to_numpy()
    return out


def disclose_table(table: Table, arguments) -> Table:
    """One table under the rule, read through its own ``counts``/``derived``/``total_row``.

    Each count column is an additive group of its cells (with the total row when the
    table names one); a withheld cell, and every derived cell built on it, holds
    :data:`dana.formatting.SUPPRESSED`. A count column holding text other than that mark,
    or a table with count-like numbers and no declared counts, is a
    :class:`DisclosureError`.
    """
    return disclose_tables([table], arguments)[0]


def disclose_tables(tables: list[Table], arguments) -> list[Table]:
    """:func:`disclose_table` of each table, with one :func:`dana.stats.suppress` call
    for every count column of them all (each column's groups kept apart, so the result
    is the same as one call per column; the per-call cost was most of the pass)."""
    columns = [_count_columns(table, arguments) for table in tables]
    frames = [frame for found in columns for _, frame in found]
    if not frames:
        return list(tables)
    offsets = np.cumsum([0] + [int(f["_group"].max()) + 1 if len(f) else 0 for f in frames[:-1]])
    together = pd.concat(
        [f.assign(_group=f["_group"] + offset) for f, offset in zip(frames, offsets, strict=True)],
        ignore_index=True,
    )
    try:
        published = stats.suppress(together, "count", by="_group", hidden="_hidden", **arguments)
    except stats.StatsInputError:
        if len(frames) == 1:
            raise
        # one column at a time, so the error names the row of the column it is about
        return [t if not found else disclose_table(t, arguments) for t, found in zip(tables, columns, strict=True)]  # fmt: skip
    hidden_all = published["suppressed"].to_numpy(dtype=bool)
    counts_all = published["count"].to_numpy()
    out, start = [], 0
    for table, found in zip(tables, columns, strict=True):
        if not found:
            out.append(table)
            continue
        data = table.data.copy()
        for column, frame in found:
            stop = start + len(frame)
            hidden, counts = hidden_all[start:stop], counts_all[start:stop]
            start = stop
            not_given = frame["_not_given"].to_numpy(dtype=bool)
            hidden = hidden & ~not_given
            counts = np.where(not_given, np.nan, counts)
            shown = [SUPPRESSED if h else _number(v) for h, v in zip(hidden, counts, strict=True)]
            data[column] = pd.Series(shown, index=table.data.index, dtype=object)
            for derived, base in table.derived:
                if base == column:
                    data[derived] = table.data[derived].astype(object).where(~hidden, SUPPRESSED)
        out.append(replace(table, data=data))
    return out


def _count_columns(table: Table, arguments) -> list[tuple[str, pd.DataFrame]]:
    """``(column, frame for suppress)`` for each count column of ``table`` the rule
    applies to (none when the table holds no counts or there is no rule); a table that
    declares its counts wrongly, or none while holding count-like numbers, is a
    :class:`DisclosureError`."""
    data = table.data
    if table.figures_only:
        return []
    if not table.counts:
        undeclared = [c for c in _count_like(data) if c not in table.not_counts]
        if undeclared:
            raise DisclosureError(
                f"table {table.id!r} ({table.title!r}) has count-like column(s) "
                f"{undeclared} but declares no counts: set Table.counts (and derived, "
                "total_row) so disclosure control can apply to it, or Table.not_counts"
            )
        return []
    missing = [c for c in (*table.counts, *(d for d, _ in table.derived)) if c not in data]
    if missing:
        raise DisclosureError(f"table {table.id!r} declares column(s) {missing} it does not have")
    if table.missing_counts_not_given and table.total_row:
        raise DisclosureError(
            f"table {table.id!r}: a table with a total row cannot leave counts not given"
        )
    if arguments is None:
        return []
    found = []
    for column in table.counts:
        values = data[column]
        missing = values.isna().to_numpy()
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            # numbers only: no mark to look for, nothing to parse
            pre = missing
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            pre = (values.astype(str) == SUPPRESSED).to_numpy() | missing
            numbers = pd.to_numeric(values.where(~pre), errors="coerce").to_numpy(dtype=float)
        not_given = missing if table.missing_counts_not_given else np.zeros(len(values), bool)
        pre = pre & ~not_given
        unreadable = np.isnan(numbers) & ~pre & ~not_given
        if unreadable.any():
            bad = values.iloc[int(np.flatnonzero(unreadable)[0])]
            raise DisclosureError(
                f"table {table.id!r}: count column {column!r} holds {bad!r}, not a number"
            )
        frame = pd.DataFrame(
            {
                "count": np.where(np.isnan(numbers), 0.0, numbers),
                "_hidden": pre,
                # no count given: nothing to protect, and it hides nothing else (each
                # such table's cells are their own groups); published as it is
                "_not_given": not_given,
                # with a total row, the cells and the total are one additive group;
                # without one, each cell is published on its own
                "_group": np.zeros(len(data), dtype=np.int64)
                if table.total_row
                else np.arange(len(data), dtype=np.int64),
            }
        )
        found.append((column, frame))
    return found


def _number(value: float):
    """A published count as a plain int when whole (tables print it as written)."""
    return int(value) if float(value).is_integer() else float(value)


def _count_like(data: pd.DataFrame) -> list[str]:
    """Numeric columns of whole numbers >= 0 not named as years, ranks or numbers."""
    found = []
    for column in data.columns:
        name = str(column).lower()
        if any(word in name for word in NOT_COUNT_WORDS):
            continue
        values = pd.to_numeric(data[column], errors="coerce")
        if values.notna().sum() == 0 or data[column].dtype == bool:
            continue
        if data[column].dtype == object and values.isna().any():
            continue  # text, not numbers
        whole = values.dropna()
        if (whole >= 0).all() and np.all(np.mod(whole, 1) == 0):
            found.append(str(column))
    return found
