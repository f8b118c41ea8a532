"""One record-level run: extracts in, the tidy indicator table and a summary out.

:func:`compute_indicators` reads each extract given (HES, deaths, treatment), stages it
(typed fields, residence, one reason per record), counts every indicator of its kind on the
engine, brings back only the aggregated cubes, computes values with :mod:`dana.stats`,
applies disclosure control and returns a validated indicator table
(:mod:`dana.table`) with a summary that accounts for every record read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dana import table as contract
from dana.records import deaths, hospital, treatment
from dana.records.aggregate import cubes
from dana.records.assemble import assemble
from dana.records.cells import Populations, event_cells
from dana.records.common import LA_STATUS
from dana.records.engines import Engine, connect
from dana.records.errors import RecordsInputError
from dana.records.extracts import Extract, open_extract
from dana.records.indicators import DRUG_MISUSE_PROXY_NOTE, definitions
from dana.records.period import Period, financial_year
from dana.records.population import Denominators, default_denominators, from_frame, scaled
from dana.records.values import values

KINDS = {"hes": hospital, "deaths": deaths, "treatment": treatment}
SUMMARY_COLUMNS = ("extract", "file", "outcome", "reason", "records")


@dataclass(frozen=True)
class RecordsResult:
    """The indicator table, and what happened to every record."""

    table: pd.DataFrame
    summary: pd.DataFrame
    notes: tuple[str, ...] = field(default=())
    engine: str = "duckdb"

    def summary_text(self) -> str:
        """A plain-text account: records read, used, and why the others were not."""
        lines = []
        for (kind, file), rows in self.summary.groupby(["extract", "file"], sort=False):
            total = int(rows["records"].sum())
            used = int(rows.loc[rows["outcome"] == "used", "records"].sum())
            lines.append(f"{kind} ({file}): {total:,} records read, {used:,} used")
            for row in rows[rows["outcome"] != "used"].itertuples():
                lines.append(f"  {row.records:>12,}  {row.outcome}: {row.reason}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def _period_for(kind: str, period: Period) -> Period:
    return period.calendar() if kind == "deaths" else period


def _source(extract: Extract, engine: Engine, den: Denominators, lsoa_source: str | None) -> str:
    origin = extract.synthetic or f"Record-level {extract.kind} extract {extract.label}"
    text = f"{origin} via DANA records engine; denominators: {den.source}"
    return text + (f"; LSOA lookup: {lsoa_source}" if lsoa_source else "")


def _summary(engine: Engine, extract: Extract, staged, reasons) -> tuple[pd.DataFrame, list[str]]:
    """Records by reason (one query, with the LA-code status of the used ones)."""
    grouped = staged.group_by(["reason", "la_status"]).aggregate(records=staged.count())
    both = engine.collect(grouped)
    both["reason"] = both["reason"].map(lambda i: None if pd.isna(i) else reasons[int(i)])
    counts = both.groupby("reason", dropna=False, as_index=False, sort=False)["records"].sum()
    outcome = counts["reason"].fillna("used: ").str.split(":").str[0]
    frame = pd.DataFrame(
        {
            "extract": extract.kind,
            "file": extract.label,
            "outcome": outcome,
            "reason": counts["reason"].fillna("").str.split(": ", n=1).str[-1],
            "records": counts["records"].astype("int64"),
        }
    ).sort_values(
        ["outcome", "records", "reason"], ascending=[False, False, True], kind="mergesort"
    )
    used = both[both["reason"].isna()]
    status = used.groupby("la_status", as_index=False)["records"].sum()
    status["la_status"] = status["la_status"].map(dict(enumerate(LA_STATUS)))
    notes = []
    for row in status.itertuples():
        if row.la_status == "earlier code":
            notes.append(f"{extract.kind}: {row.records:,} used records had an LA code of an "
                         "earlier vintage, mapped to the current LA")  # fmt: skip
        elif row.la_status in ("not recognised", "missing"):
            notes.append(f"{extract.kind}: {row.records:,} used records had an LA code "
                         f"{row.la_status}: counted in England only, not in any LA")  # fmt: skip
    if extract.columns.ignored:
        notes.append(f"{extract.kind}: {len(extract.columns.ignored)} column(s) not used")
    return frame.reset_index(drop=True), notes


def _rows(kind, the_cubes, populations: Populations, *, band_cut) -> pd.DataFrame:
    computed, cells_by_name = [], {}
    den = populations.den
    for definition in definitions(kind):
        weighted = definition.name in (
            "alcohol_related_narrow",
            "alcohol_related_broad",
            "alcohol_related_deaths",
        )
        cells_by_name[definition.name] = event_cells(definition, the_cubes, weighted=weighted)
    for definition in definitions(kind):
        events = cells_by_name[definition.name]
        if definition.value_type == "proportion":
            denominator = cells_by_name[definition.denominator].assign(indicator=definition.name)
            result = values(definition, events, None, denominator)
        else:
            population = populations.cells(definition, events)
            result = values(definition, events, population)
        if definition.value_type in ("dsr", "crude_rate") and den.cuts_bands(*definition.ages):
            band_cut.add((definition.name, definition.age_label))
        computed.append(result.assign(indicator=definition.name))
    return pd.concat(computed, ignore_index=True)


def compute_indicators(
    *,
    hes=None,
    deaths=None,
    treatment=None,
    year: int,
    last_year: int | None = None,
    engine: str | Engine = "duckdb",
    population: pd.DataFrame | None = None,
    population_source: str = "population frame supplied by the user",
    lsoa: pd.DataFrame | None = None,
    lsoa_source: str | None = None,
    disclosure: bool = True,
) -> RecordsResult:
    """Every record-level indicator of the extracts given, for financial year ``year``
    (to ``last_year`` for a pooled period; deaths use the same calendar years).

    ``population``: denominators (see :mod:`dana.records.population`), else the embedded
    synthetic default. ``lsoa``: an LSOA lookup (:mod:`dana.records.geography`) for the
    deprivation-decile and small-area breakdowns, which are left out without one.
    """
    sources = {"hes": hes, "deaths": deaths, "treatment": treatment}
    if not any(v is not None for v in sources.values()):
        raise RecordsInputError("give at least one extract (hes=, deaths= or treatment=)")
    period = financial_year(year, last_year)
    own = isinstance(engine, str)
    eng = connect(engine) if own else engine
    try:
        extracts = {k: open_extract(eng, k, s) for k, s in sources.items() if s is not None}
        if population is None:
            den = default_denominators(period.years)
            scales = {e.sample_scale for e in extracts.values() if e.sample_scale is not None}
            if len(scales) > 1:
                raise RecordsInputError(f"synthetic extracts of different scales {sorted(scales)}")
            if scales and scales != {1.0}:
                den = scaled(den, scales.pop())
        else:
            den = from_frame(population, source=population_source)
        # one set of population cells for every kind (deaths' calendar years are the same
        # years as the financial years' mid-year estimates)
        populations = Populations(den, period.years, lsoa)
        tables, summaries, notes = [], [], []
        for kind, extract in extracts.items():
            module = KINDS[kind]
            kind_period = _period_for(kind, period)
            staging = module.stage(eng, extract, kind_period, lsoa)
            staged = eng.materialise(staging.table, f"{kind}_staged")
            summary, kind_notes = _summary(eng, extract, staged, staging.reasons)
            events = module.count(eng, extract, staged, staging, kind_period)
            # the cubes read the events four ways: computed once
            events = eng.materialise(events, f"{kind}_events")
            the_cubes = cubes(eng, events, kind=kind, lsoa=lsoa)
            band_cut: set = set()
            computed = _rows(kind, the_cubes, populations, band_cut=band_cut)
            extra = {}
            if kind == "deaths" and "controlled_drug" not in extract.columns.fields:
                extra["drug_misuse_deaths"] = DRUG_MISUSE_PROXY_NOTE
            small = (
                {} if lsoa is None else dict(zip(lsoa["small_area"], lsoa["district"], strict=True))
            )
            rule = "ndtms" if kind == "treatment" else "lape"
            tables.append(
                assemble(
                    computed, period=kind_period, source=_source(extract, eng, den, lsoa_source),
                    retrieved=_retrieved(extract), rule=rule, band_cut=band_cut,
                    small_parents=small, extra_notes=extra, disclosure=disclosure,
                )
            )  # fmt: skip
            summaries.append(summary)
            notes += kind_notes + list(staging.notes)
        result = contract.concat(tables, where="record-level indicators")
        return RecordsResult(
            result, pd.concat(summaries, ignore_index=True), tuple(notes), eng.name
        )
    finally:
        if own:
            eng.close()
        else:
            eng.release()


def _retrieved(extract: Extract) -> str:
    newest = max(Path(p).stat().st_mtime for p in extract.files)
    return dt.date.fromtimestamp(newest).isoformat()
