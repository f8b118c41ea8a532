"""Indicators DANA derives from others in the indicator table (pure; no I/O).

* ``ons:drug_poisoning_deaths_crude_rate`` - deaths related to drug poisoning
  (``ons:drug_poisoning_deaths_count``, ONS, by registration year) per 100,000 residents
  of all ages (``ons:population_all_ages``, ONS mid-year estimate of the same year)::

      rate = deaths / population x 100,000

  with exact Poisson limits below 10 deaths and Byar's above (:func:`dana.stats.rate`).
  It is a **crude, single-year** rate of **all** drug poisonings. Fingertips 92432 is a
  directly age-standardised rate of deaths from drug *misuse* pooled over 3 years, and
  the catalogue's ``ons:drug_poisoning_deaths`` a 3-year pooled DSR: neither is
  comparable with it, hence its own id. Computed only for an area and year that have
  both a count and a population, and only from real figures (a row whose source is
  synthetic is never combined with a real one).
* ``ndtms:number_in_treatment_drug`` - adults in treatment for drugs: the sum of the NDTMS
  substance groups opiate, non-opiate only and non-opiate and alcohol (DEFINITIONS.md
  §3.1), per area, period, sex and age; missing when any group is missing. ViewIt LA
  counts are each rounded to 5, so the sum can be up to 7.5 from the true total. Only
  from real figures, like the crude rates (the catalogue marks it real-data-only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana import table as indicator_table
from dana.assess.provenance import is_synthetic

DRUG_DEATHS_COUNT = "ons:drug_poisoning_deaths_count"
DRUG_DEATHS_CRUDE_RATE = "ons:drug_poisoning_deaths_crude_rate"
POPULATION_ALL_AGES = "ons:population_all_ages"
DRUG_TREATMENT_GROUPS = (
    "ndtms:in_treatment:opiate",
    "ndtms:in_treatment:non_opiate_only",
    "ndtms:in_treatment:non_opiate_and_alcohol",
)
DRUG_TREATMENT_COUNT = "ndtms:number_in_treatment_drug"
_MATCH = ["area_code", "period", "sex"]
_SUM_NOTE = "Sum of the NDTMS opiate, non-opiate only and non-opiate and alcohol groups"
_INCOMPLETE_NOTE = (
    "Not available: one or more of the NDTMS opiate, non-opiate only and non-opiate and "
    "alcohol groups is missing or unknown, so their sum is unknown"
)


def _real_headline(frame: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Rows of one indicator with no breakdown, from sources that are not synthetic."""
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["category_type"] == "")]
    return rows[~rows["source"].map(is_synthetic).astype(bool)]


def drug_death_crude_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Crude drug-poisoning death rates per 100,000 (see the module docstring); may be empty."""
    deaths = _real_headline(frame, DRUG_DEATHS_COUNT)
    deaths = deaths[deaths["age"] == "All ages"]
    population = _real_headline(frame, POPULATION_ALL_AGES)
    population = population[(population["age"] == "All ages") & population["value"].gt(0)]
    pairs = deaths.merge(
        population[[*_MATCH, "value", "source"]].rename(
            columns={"value": "_population", "source": "_population_source"}
        ),
        on=_MATCH,
    )
    pairs = pairs[pairs["count"].notna()].reset_index(drop=True)
    if pairs.empty:
        return indicator_table.empty()
    rates = stats.rate(
        pairs["count"].to_numpy(),
        pairs["_population"].to_numpy(),
        confidence=(0.95, 0.998),
        multiplier=100_000,
    )
    out = pairs.assign(
        indicator_id=DRUG_DEATHS_CRUDE_RATE,
        indicator_name="Deaths related to drug poisoning, crude rate per 100,000 (single year)",
        denominator=pairs["_population"],
        value=rates["value"].to_numpy(),
        lower_95=rates["lower_95"].to_numpy(),
        upper_95=rates["upper_95"].to_numpy(),
        lower_99_8=rates["lower_99_8"].to_numpy(),
        upper_99_8=rates["upper_99_8"].to_numpy(),
        value_note="Crude rate computed by DANA: ONS deaths / ONS mid-year population x 100,000",
        value_type="crude_rate",
        multiplier=100_000.0,
        unit="per 100,000",
        source=pairs["source"] + "; " + pairs["_population_source"],
    )
    return indicator_table.coerce(out.drop(columns=["_population", "_population_source"]))


def drug_treatment_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Adults in treatment for drugs: the three NDTMS drug groups summed; may be empty."""
    groups = frame[
        frame["indicator_id"].isin(DRUG_TREATMENT_GROUPS) & (frame["category_type"] == "")
    ]
    # a real-data-only count: never summed from the synthetic default's groups
    groups = groups[~groups["source"].map(is_synthetic).astype(bool)]
    if groups.empty:
        return indicator_table.empty()
    keys = [
        "area_code",
        "area_name",
        "area_type",
        "parent_code",
        "period",
        "period_sort",
        "sex",
        "age",
    ]
    grouped = groups.groupby(keys)
    summed = grouped["count"].sum(min_count=1).to_frame()
    # a group that is missing or unknown makes the total unknown, not an undercount
    complete = (grouped["count"].count() == len(DRUG_TREATMENT_GROUPS)).to_numpy()
    summed.loc[~complete, "count"] = float("nan")
    summed["value_note"] = np.where(complete, _SUM_NOTE, _INCOMPLETE_NOTE)
    summed["source"] = grouped["source"].first()
    summed["retrieved"] = grouped["retrieved"].first()
    summed = summed.reset_index()
    out = summed.assign(
        indicator_id=DRUG_TREATMENT_COUNT,
        indicator_name="Adults in treatment for drugs (opiate, non-opiate, non-opiate and alcohol)",
        value=summed["count"],
        value_type="count",
        multiplier=1.0,
        unit="count",
        polarity="no_judgement",
    )
    return indicator_table.coerce(out)


def add_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with the derived indicators appended (rows already present are kept).

    The result is not validated here; the caller validates the whole table once.
    """
    extra = [
        d for d in (drug_death_crude_rates(frame), drug_treatment_counts(frame)) if not d.empty
    ]
    if not extra:
        return frame
    key = list(indicator_table.KEY)
    new = pd.concat(extra, ignore_index=True)
    present = new.set_index(key).index.isin(frame.set_index(key).index)
    return pd.concat([frame, new[~present]], ignore_index=True)
