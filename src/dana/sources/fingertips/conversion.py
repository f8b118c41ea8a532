"""Parsed Fingertips rows -> the tidy indicator table (:mod:`dana.table`).

Values, limits, count and denominator are taken exactly as published (no rounding);
``period_sort`` is "Time period Sortable" (start year x 10000). Polarity, value type,
multiplier and unit come from an :class:`IndicatorDescription` per indicator: from the
catalogue where it has the indicator, else from the metadata endpoint
(:func:`describe_from_metadata`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dana import table as indicator_table
from dana.sources.fingertips.errors import FingertipsBadResponse, FingertipsError

SOURCE_NAME = "OHID Fingertips API"


@dataclass(frozen=True)
class IndicatorDescription:
    """What the indicator table needs to know about an indicator beyond the data rows."""

    indicator_id: str
    name: str
    polarity: str
    value_type: str
    multiplier: float
    unit: str
    #: "catalogue" or "metadata" (the API's metadata endpoint)
    origin: str = "metadata"


#: Fingertips "Value type" text -> the indicator table's value_type.
_VALUE_TYPES = (
    ("indirectly standardised", "isr"),
    ("directly standardised", "dsr"),
    ("crude rate", "crude_rate"),
    ("proportion", "proportion"),
    ("percentage", "proportion"),
    ("ratio", "ratio"),
    ("count", "count"),
    ("mean", "mean"),
    # life expectancy is the mean age at death of the life-table cohort
    ("life expectancy", "mean"),
    ("score", "score"),
)


def value_type_from_text(text: str, indicator_id: str) -> str:
    """Fingertips "Value type" text -> value_type; :class:`FingertipsBadResponse` if unknown."""
    lowered = text.strip().lower()
    for needle, value_type in _VALUE_TYPES:
        if needle in lowered:
            return value_type
    raise FingertipsBadResponse(
        f"indicator {indicator_id}: unrecognised Fingertips value type {text!r}"
        f" (known: {sorted({v for _, v in _VALUE_TYPES})})"
    )


def polarity_from_text(text: str) -> str:
    """ "RAG - Low is good" / "Low is good" -> low_is_good; BOB, "No judgement" -> no_judgement."""
    lowered = text.lower()
    if "low is good" in lowered or "lower is better" in lowered:
        return "low_is_good"
    if "high is good" in lowered or "higher is better" in lowered:
        return "high_is_good"
    return "no_judgement"


def multiplier_from_unit(unit: str) -> float:
    """ "%" -> 100, "per 100,000" -> 100000, anything else (count, score, years) -> 1."""
    text = unit.strip().lower()
    if text == "%":
        return 100.0
    match = re.fullmatch(r"per\s+([\d,]+)(?:\s.*)?", text)
    if match:
        return float(match.group(1).replace(",", ""))
    return 1.0


def describe_from_metadata(metadata: pd.DataFrame) -> dict[str, IndicatorDescription]:
    """Descriptions from the metadata endpoint's CSV (see ``parse_metadata_csv``)."""
    out = {}
    for _, row in metadata.iterrows():
        indicator_id = str(row["Indicator ID"]).strip()
        unit = str(row["Unit"]).strip()
        out[indicator_id] = IndicatorDescription(
            indicator_id=indicator_id,
            name=str(row["Indicator"]).strip(),
            polarity=polarity_from_text(str(row["Polarity"])),
            value_type=value_type_from_text(str(row["Value type"]), indicator_id),
            multiplier=multiplier_from_unit(unit),
            unit=unit,
            origin="metadata",
        )
    return out


_NUMBER_COLUMNS = {
    "Value": "value",
    "Lower CI 95.0 limit": "lower_95",
    "Upper CI 95.0 limit": "upper_95",
    "Lower CI 99.8 limit": "lower_99_8",
    "Upper CI 99.8 limit": "upper_99_8",
    "Count": "count",
    "Denominator": "denominator",
}
_TEXT_COLUMNS = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Parent Code": "parent_code",
    "Time period": "period",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Value note": "value_note",
}


def area_type_from_label(label: str, child_area_type: str) -> str:
    """Fingertips "Area Type" text -> table area_type.

    "England", "Region"; counties ("County", "Counties & UAs (from Apr 2023)",
    "County & UA (pre 4/19)", "Upper tier local authorities ...") -> utla; districts
    ("District", "Districts & UAs ...", "Lower tier ...") -> ltla. A unitary authority ("UA")
    is both, so it takes the requested child area type.
    """
    text = label.strip().lower()
    if text == "england":
        return "england"
    if text.startswith("region"):
        return "region"
    if text.startswith(("count", "upper tier")):
        return "utla"
    if text.startswith(("district", "lower tier")):
        return "ltla"
    if text in ("ua", "unitary authority"):
        return child_area_type
    return "other"


def _numbers(frame: pd.DataFrame, column: str, where: str) -> list[float]:
    out = []
    for line_no, text in enumerate(frame[column].tolist(), start=2):
        text = "" if text is None else str(text).strip()
        if text == "":
            out.append(math.nan)
            continue
        try:
            number = float(text)  # accepts the API's exponent form, e.g. "1.2E-05"
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or "_" in text:  # float() also takes "inf", "1_0"
            raise FingertipsBadResponse(
                f"{where}, row {line_no}, column {column!r}: {text!r} is not a number"
            )
        out.append(number)
    return out


def to_indicator_table(
    data: pd.DataFrame,
    descriptions: Mapping[str, IndicatorDescription],
    *,
    retrieved: str,
    child_area_type: str = "utla",
    where: str = SOURCE_NAME,
) -> pd.DataFrame:
    """Convert a parsed Fingertips data CSV (``parse_data_csv``) to the indicator table.

    ``source`` is "OHID Fingertips API" and ``retrieved`` the ISO date of the download.
    Name checks against the catalogue are the caller's (:func:`check_names`). The
    result is validated with :func:`dana.table.validate`.
    """
    if data.empty:
        return indicator_table.empty()
    ids = data["Indicator ID"].str.strip()
    missing = sorted(set(ids) - set(descriptions))
    if missing:
        raise FingertipsError(
            f"{where}: no metadata for indicator(s) {missing}: polarity, value type and unit"
            " are unknown (not in the catalogue, and the metadata endpoint was not read)"
        )
    out = pd.DataFrame(
        {new: data[old].fillna("").str.strip() for old, new in _TEXT_COLUMNS.items()}
    )
    for old, new in _NUMBER_COLUMNS.items():
        out[new] = _numbers(data, old, where)
    sortable = data["Time period Sortable"].fillna("").str.strip()
    bad = [i + 2 for i, s in enumerate(sortable) if not s.isdigit()]
    if bad:
        raise FingertipsBadResponse(
            f"{where}, row {bad[0]}, column 'Time period Sortable': {sortable.iloc[bad[0] - 2]!r}"
            " is not a sortable period (e.g. 20180000)"
        )
    out["period_sort"] = sortable.astype("int64")
    out["area_type"] = [area_type_from_label(t, child_area_type) for t in data["Area Type"]]
    described = [descriptions[i] for i in ids]
    out["polarity"] = [d.polarity for d in described]
    out["value_type"] = [d.value_type for d in described]
    out["multiplier"] = [d.multiplier for d in described]
    out["unit"] = [d.unit for d in described]
    out["source"] = SOURCE_NAME
    out["retrieved"] = retrieved
    converted = indicator_table.coerce(out)
    return indicator_table.validate(converted, where=where)
