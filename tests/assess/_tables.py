"""Small hand-built indicator tables for the assessment tests."""

from __future__ import annotations

import pandas as pd

from dana import table
from dana.catalogue import Indicator

AREA = ("E06000031", "Peterborough", "utla", "E12000006")
NEIGHBOUR = ("E10000003", "Cambridgeshire", "utla", "E12000006")
REGION = ("E12000006", "East of England", "region", "E92000001")
ENGLAND = ("E92000001", "England", "england", "")
SOURCE = "Hand-built test table"


def indicator(indicator_id="local:test_rate", **overrides) -> Indicator:
    fields = dict(
        id=indicator_id,
        fingertips_id=None,
        name="Adults in drug treatment (rate per 100,000 aged 18+)",
        short_name="Adults in drug treatment",
        section="drug_treatment",
        polarity="no_judgement",
        value_type="crude_rate",
        multiplier=100000,
        unit="per 100,000",
        age="18+ yrs",
        period_type="financial_year",
        comparison="ci_95",
        method="Crude rate per 100,000 adults, Byar limits.",
        definition="Test indicator.",
        verified=False,
        verification="test",
        citation="test",
    )
    fields.update(overrides)
    return Indicator(**fields)


class Catalogue(list):
    """Just enough of dana.catalogue.Catalogue for build_assessment."""

    @property
    def ids(self):
        return [i.id for i in self]

    def provided_by(self):
        """Which source type publishes what: the packaged catalogue's answer."""
        from dana.catalogue import load_catalogue

        return load_catalogue().provided_by()


def rows(
    ind: Indicator,
    area,
    periods,
    *,
    value,
    lower=None,
    upper=None,
    count=None,
    denom=None,
    lower_99_8=None,
    upper_99_8=None,
    source=SOURCE,
):
    """One row per period for one area (value/limits may be lists, one per period)."""

    def pick(item, i):
        return item[i] if isinstance(item, list) else item

    code, name, area_type, parent = area
    out = []
    for i, (label, year) in enumerate(periods):
        out.append(
            {
                "indicator_id": ind.id,
                "indicator_name": ind.name,
                "area_code": code,
                "area_name": name,
                "area_type": area_type,
                "parent_code": parent,
                "period": label,
                "period_sort": year * 10000,
                "age": ind.age,
                "count": pick(count, i),
                "denominator": pick(denom, i),
                "value": pick(value, i),
                "lower_95": pick(lower, i),
                "upper_95": pick(upper, i),
                "lower_99_8": pick(lower_99_8, i),
                "upper_99_8": pick(upper_99_8, i),
                "polarity": ind.polarity,
                "value_type": ind.value_type,
                "multiplier": ind.multiplier,
                "unit": ind.unit,
                "source": source,
                "retrieved": "2024-01-01",
            }
        )
    return out


def make_table(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records)
    for column in (
        "count",
        "denominator",
        "value",
        "lower_95",
        "upper_95",
        "lower_99_8",
        "upper_99_8",
    ):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return table.validate(table.coerce(frame), where="test table")


def fy(start: int) -> tuple[str, int]:
    return (f"{start}/{str(start + 1)[2:]}", start)
