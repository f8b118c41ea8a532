"""Computed cells -> the tidy indicator table (:mod:`dana.table`), disclosure control applied.

Adds what the contract needs around each value: the indicator's id and name, the area's
name, type and parent (from :func:`dana.areas.load_areas`; small areas are ``other`` with
their district as parent), the period label and sort key, polarity, multiplier, unit,
``source`` (the extract, the engine, the denominators and LSOA lookup used; every part that
is synthetic says so) and ``retrieved`` (the extract's date). Notes: the definition's own
caveat, a single-year run of an indicator published as a pooled one, populations estimated
from 5-year bands.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import table as contract
from dana.areas import ENGLAND, load_areas
from dana.records.cells import CELL_KEY, DECILE, DECILE_NOT_KNOWN
from dana.records.disclosure import protect
from dana.records.indicators import BY_NAME
from dana.records.period import Period
from dana.vocabulary import NO_JUDGEMENT


def _area_info(codes: pd.Series, small_parents: dict[str, str]) -> pd.DataFrame:
    areas = load_areas()
    rows = []
    for code in codes.unique():
        if code in small_parents:
            rows.append((code, f"Small area {code}", "other", small_parents[code]))
            continue
        info = areas.get(code)
        rows.append((code, info.name, info.area_type, info.parent_code))
    return pd.DataFrame(rows, columns=["area_code", "area_name", "area_type", "parent_code"])


def _note(
    indicator: str, age: str, note: str, period: Period, band_cut: set, extra: dict[str, str]
) -> str:
    definition = BY_NAME[indicator]
    parts = [note] if note else []
    if definition.note:
        parts.append(definition.note)
    if indicator in extra:
        parts.append(extra[indicator])
    years = period.last - period.first + 1
    if definition.official_years != years:
        parts.append(
            f"{years}-year figure; the published indicator pools {definition.official_years} years"
        )
    if (indicator, age) in band_cut:
        parts.append("population for this age range estimated from 5-year bands")
    return "; ".join(parts)


def _notes(
    frame: pd.DataFrame, period: Period, band_cut: set[str], extra: dict[str, str]
) -> np.ndarray:
    """Each row's note, written once per distinct (indicator, age, value note)."""
    keys = ["indicator", "age", "value_note"]
    distinct = frame[keys].drop_duplicates()
    written = [
        _note(indicator, age, note, period, band_cut, extra)
        for indicator, age, note in zip(*(distinct[k] for k in keys), strict=True)
    ]
    lookup = distinct.assign(_note=written)
    return frame[keys].merge(lookup, on=keys, how="left")["_note"].to_numpy(dtype=object)


def _by_indicator(indicators: pd.Series, attribute: str) -> np.ndarray:
    """A definition attribute for each row's indicator."""
    values = {name: getattr(d, attribute) for name, d in BY_NAME.items()}
    return indicators.map(values).to_numpy(dtype=object)


#: Age groups of an all-ages indicator: the ``Age band`` breakdown of its headline row.
AGE_BAND = "Age band"
#: Records whose LSOA is not in the lookup: outside the ten deprivation strata.
DECILE_NOT_KNOWN_TYPE = "Deprivation decile not known"
LSOA_NOT_IN_LOOKUP = "LSOA not in the lookup"


def publish_breakdowns(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells -> the table's breakdown convention, after disclosure control.

    An age group of an indicator (``age`` not its headline age) becomes the ``Age band``
    breakdown of the headline age (category = the group, e.g. "40-64 yrs"), so district x
    age reads as one breakdown of each district's row. The decile of records whose LSOA
    is not in the lookup leaves ``Deprivation decile`` (whose categories are the ten
    deciles the inequality methods read) for a type of its own, still published so every
    record is accounted for. Disclosure ran on the cells' own grouping (the same sums).
    """
    out = frame.copy()
    by_age = out["category_type"].eq("") & out["age"].ne(out["headline_age"])
    out.loc[by_age, "category"] = out.loc[by_age, "age"]
    out.loc[by_age, "category_type"] = AGE_BAND
    out.loc[by_age, "age"] = out.loc[by_age, "headline_age"]
    unknown = out["category_type"].eq(DECILE) & out["category"].eq(DECILE_NOT_KNOWN)
    out.loc[unknown, "category_type"] = DECILE_NOT_KNOWN_TYPE
    out.loc[unknown, "category"] = LSOA_NOT_IN_LOOKUP
    return out


def assemble(
    computed: pd.DataFrame,
    *,
    period: Period,
    source: str,
    retrieved: str,
    rule: str,
    band_cut: set[tuple[str, str]],
    small_parents: dict[str, str],
    extra_notes: dict[str, str],
    disclosure: bool = True,
) -> pd.DataFrame:
    """Indicator-table rows of one extract's indicators (validated by the caller)."""
    if computed.empty:
        return contract.empty()
    frame = computed.merge(_area_info(computed["area_code"], small_parents), on="area_code")
    frame["value_note"] = _notes(frame, period, band_cut, extra_notes)
    frame["headline_age"] = _by_indicator(frame["indicator"], "age_label")
    counted = frame["value_type"].eq("count").to_numpy()
    multiplier = _by_indicator(frame["indicator"], "multiplier").astype(float)
    proportion = frame["value_type"].eq("proportion").to_numpy()
    frame["multiplier"] = np.where(counted, 1.0, np.where(proportion, 100.0, multiplier))
    unit = np.where(counted, "count", np.where(proportion, "%", "per 100,000"))
    frame["unit"] = unit
    frame["polarity"] = np.where(
        counted, NO_JUDGEMENT, _by_indicator(frame["indicator"], "polarity")
    )
    if disclosure:
        frame = protect(frame, rule)
    frame = publish_breakdowns(frame)
    frame["indicator_id"] = _by_indicator(frame["indicator"], "id")
    frame["indicator_name"] = _by_indicator(frame["indicator"], "title")
    frame["period"] = period.label
    frame["period_sort"] = period.sort_key
    frame["source"] = source
    frame["retrieved"] = retrieved
    frame["parent_code"] = np.where(frame["area_code"].eq(ENGLAND), "", frame["parent_code"])
    frame = frame.drop(columns=[c for c in ("indicator", "headline_age") if c in frame])
    order = ["area_type", "area_code", "sex", "age", "category_type", "category"]
    frame = frame.sort_values(["indicator_id", *order], kind="mergesort")
    return contract.coerce(frame[[c for c in contract.COLUMNS if c in frame.columns]])


__all__ = [
    "AGE_BAND",
    "CELL_KEY",
    "DECILE_NOT_KNOWN_TYPE",
    "LSOA_NOT_IN_LOOKUP",
    "assemble",
    "publish_breakdowns",
]
