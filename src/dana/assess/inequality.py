"""Health inequalities within the area: SII and RII across deprivation deciles, and life
expectancy with its gap to England.

- **Deprivation deciles** (the ``Deprivation decile`` convention of
  :mod:`dana.breakdowns`: one row per decile, 1 the most deprived, with its events,
  population and rate): for every indicator with decile rows for the assessed area (in
  the embedded default, alcohol-specific mortality 91380 and admissions 92906; a local
  file or the record-level engine can supply others), the slope index of inequality
  (SII) and relative index (RII) by :func:`dana.stats.sii` (PHE method: weighted
  regression on the cumulative-population midpoint, simulation limits, seeded). The SII
  is "least minus most deprived" (:func:`dana.stats.sii`): negative when a rate is
  higher in more deprived areas; the findings say it as a gap in words. Each decile's
  rate is also compared with the area's overall rate (a ``compare_bar`` chart).
- **Life expectancy**: a published life-expectancy indicator in the table (any
  indicator whose name says "life expectancy", in years), or one computed by
  :func:`dana.stats.life_expectancy` from deaths (``ons:deaths_all_causes``) and
  population (``ons:population_all_ages``) by ESP2013 age band and sex, for the area
  and England; the gap is area minus England.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dana import stats
from dana.areas import ENGLAND
from dana.assess.findings import finding
from dana.assess.model import Chart, Table
from dana.assess.parts import Parts
from dana.assess.shares import disclose
from dana.breakdowns import DEPRIVATION_DECILE as DECILE_TYPE
from dana.formatting import format_number
from dana.vocabulary import COMPARISON_LABELS

DEATHS = "ons:deaths_all_causes"
POPULATION = "ons:population_all_ages"
BAND_TYPE = "Age band (ESP2013)"
#: Start ages of the ESP2013 bands (0-4 combined), the life table used with them.
ESP_AGES = (0, *range(5, 95, 5))
SEED = 20230401  # the SII simulation's seed: one build, one answer
#: Fewest deciles with a rate that a slope index is fitted to (PHE fits all ten; a slope
#: through a handful of withheld-around points would say little).
MIN_DECILES = 5
_FIRST_NUMBER = re.compile(r"\d+")


def decile_number(label: str) -> int:
    """The decile a category names: its first number ("1 (most deprived)" -> 1)."""
    found = _FIRST_NUMBER.search(str(label))
    if found is None:
        raise ValueError(f"deprivation decile {label!r} has no decile number")
    return int(found.group(0))


def decile_rows(table: pd.DataFrame, area_code: str, target: int | None) -> dict[str, pd.DataFrame]:
    """Each indicator's decile rows for the area at its latest period (up to ``target``)."""
    rows = table[(table["area_code"] == area_code) & (table["category_type"] == DECILE_TYPE)]
    if target is not None:
        rows = rows[rows["period_sort"] <= target]
    out = {}
    for indicator_id, group in rows.groupby("indicator_id", sort=False):
        latest = group[group["period_sort"] == group["period_sort"].max()]
        out[str(indicator_id)] = latest.assign(
            quantile=latest["category"].map(decile_number)
        ).sort_values("quantile")
    return out


def sii_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """SII and RII of one indicator's decile rows (:func:`dana.stats.sii`): one row per
    statistic with ``value``, ``lower_95``, ``upper_95``, ``mean``, ``quantiles``."""
    usable = rows[rows["value"].notna() & rows["denominator"].gt(0)]
    value_type = "rate" if str(rows["value_type"].iloc[0]) in ("crude_rate", "dsr") else "normal"
    has_limits = usable["lower_95"].notna().all() and usable["upper_95"].notna().all()
    uncertainty = {"lower": "lower_95", "upper": "upper_95"} if has_limits else {"count": "count"}
    return stats.sii(
        "value",
        "denominator",
        "quantile",
        data=usable,
        value_type=value_type,
        multiplier=float(rows["multiplier"].iloc[0]),
        seed=SEED,
        **uncertainty,
    )


def decile_parts(table: pd.DataFrame, area, *, target: int | None, rule) -> Parts:
    """A table of SII and RII per indicator, each indicator's decile rates and chart.

    The SII uses the unrounded decile rows; the deciles shown are disclosure-controlled
    (the configured rule, a second decile withheld where one could be worked out from the
    total), their rates and limits withheld with their counts."""
    found = decile_rows(table, area.code, target)
    if not found:
        return Parts()
    summary, tables, charts, findings = [], [], [], []
    for indicator_id, rows in found.items():
        if (rows["value"].notna() & rows["denominator"].gt(0)).sum() < MIN_DECILES:
            continue  # too few deciles with a published rate (withheld, or none) for a slope
        name = str(rows["indicator_name"].iloc[0]) or indicator_id
        period = str(rows["period"].iloc[0])
        unit = str(rows["unit"].iloc[0])
        result = sii_frame(rows).set_index("statistic")
        sii, rii = result.loc["sii"], result.loc["rii"]
        summary.append(
            {
                "Indicator": name,
                "Period": period,
                "Deciles": int(sii["quantiles"]),
                "Mean": float(sii["mean"]),
                "SII": float(sii["value"]),
                "SII lower 95% CI": float(sii["lower_95"]),
                "SII upper 95% CI": float(sii["upper_95"]),
                "RII": float(rii["value"]),
                "RII lower 95% CI": float(rii["lower_95"]),
                "RII upper 95% CI": float(rii["upper_95"]),
                "Unit": unit,
            }
        )
        shown = disclose(rows, rule, derived=("value", "lower_95", "upper_95"))
        tables.append(_decile_table(shown, indicator_id, name, area.name, period))
        chart = _decile_chart(rows, shown, indicator_id, name, area.name, period)
        if chart is not None:
            charts.append(chart)
        findings.append(
            finding(
                f"inequalities.{indicator_id}",
                _sii_sentence(sii, rii, name, area.name, period, unit, len(rows)),
                indicator_id,
                "inequality",
            )
        )
    sources = "; ".join(sorted({str(s) for r in found.values() for s in r["source"]}))
    tables.insert(
        0,
        Table(
            id="inequalities.sii",
            title=f"Inequality by deprivation within {area.name}: slope and relative index",
            data=pd.DataFrame(summary),
            notes="Deciles of the area's own neighbourhoods (LSOAs) by IMD score, 1 the most "
            "deprived. SII: the modelled difference in the rate between the least and the "
            "most deprived ends of the area (least minus most deprived, so negative when the "
            "rate is higher in deprived areas), by population-weighted regression on each "
            "decile's midpoint rank; RII = SII / mean. 95% limits by simulation (PHE method, "
            f"100,000 draws, seed {SEED}).",
            source=sources,
            not_counts=("Deciles",),  # how many deciles had a rate
        ),
    )
    return Parts(tuple(tables), tuple(charts), tuple(findings))


def _sii_sentence(sii, rii, name, area_name, period, unit, deciles) -> str:
    value, low, high = (float(sii[c]) for c in ("value", "lower_95", "upper_95"))
    if np.isnan(value):
        return (
            f"{name}: the slope index of inequality could not be calculated ({sii['value_note']})."
        )
    gap = -value
    direction = "higher" if gap > 0 else "lower"
    significant = not (low <= 0 <= high)
    unit_text = f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else "")
    subject = name[0].lower() + name[1:] if name[1:2].islower() else name
    text = (
        f"The rate of {subject} in {area_name} ({period}) was {format_number(abs(gap))}{unit_text} "
        f"{direction} at the most deprived end of the area than at the least deprived (slope "
        f"index of inequality across {deciles} deprivation deciles, 95% CI "
        f"{format_number(-high)} to {format_number(-low)}); "
    )
    text += (
        "the gap is statistically significant"
        if significant
        else "the interval includes no gap, so the difference may be chance"
    )
    rii_value = float(rii["value"])
    if not np.isnan(rii_value):
        text += (
            f". Relative to the area's mean rate the gap is {format_number(abs(rii_value) * 100, '%')}% "
            "(relative index of inequality)"
        )
    return text + "."


def _decile_table(rows, indicator_id, name, area_name, period) -> Table:
    data = pd.DataFrame(
        {
            "Decile": rows["category"].astype(str).to_numpy(),
            "Events": rows["count"].astype(float).to_numpy(),
            "Population": rows["denominator"].astype(float).to_numpy(),
            "Rate": rows["value"].astype(float).to_numpy(),
            "Lower 95% CI": rows["lower_95"].astype(float).to_numpy(),
            "Upper 95% CI": rows["upper_95"].astype(float).to_numpy(),
        }
    )
    unit = str(rows["unit"].iloc[0])
    return Table(
        id=f"inequalities.{indicator_id}.deciles",
        title=f"{name} by deprivation decile, {area_name}, {period}",
        data=data,
        notes=f"Rate {unit} ({str(rows['value_type'].iloc[0]).replace('_', ' ')}), 95% "
        "limits; population in person-years for a pooled period.",
        source=str(rows["source"].iloc[0]),
        counts=("Events",),
        derived=(("Rate", "Events"), ("Lower 95% CI", "Events"), ("Upper 95% CI", "Events")),
    )


def _decile_chart(rows, shown, indicator_id, name, area_name, period) -> Chart | None:
    """Each decile's rate against the area's overall rate (crude when the deciles are):
    the overall rate from the unrounded ``rows``, the deciles as ``shown``."""
    count = rows["count"].sum()
    population = rows["denominator"].sum()
    if population <= 0:
        return None
    multiplier = float(rows["multiplier"].iloc[0])
    overall = float(count / population * multiplier)
    polarity = str(rows["polarity"].iloc[0])
    judged = stats.compare(
        shown["value"].to_numpy(float),
        shown["lower_95"].to_numpy(float),
        shown["upper_95"].to_numpy(float),
        overall,
        polarity=polarity,
    )
    data = pd.DataFrame(
        {
            "area_name": shown["category"].astype(str).to_numpy(),
            "value": shown["value"].astype(float).to_numpy(),
            "lower": shown["lower_95"].astype(float).to_numpy(),
            "upper": shown["upper_95"].astype(float).to_numpy(),
            "comparison": judged["comparison"].astype(str).to_numpy(),
            "is_subject": False,
            "suppressed": shown["suppressed"].astype(bool).to_numpy(),
        }
    )
    tally = judged["comparison"].value_counts()
    worse = int(tally.get("worse", 0) + tally.get("higher", 0))
    return Chart(
        id=f"inequalities.{indicator_id}.chart",
        kind="compare_bar",
        title=f"{name} by deprivation decile, {area_name}, {period}",
        alt_text=f"{name} in each of {len(rows)} deprivation deciles of {area_name}, most "
        f"deprived first, compared with the area's overall rate of {format_number(overall)}: "
        f"{worse} decile(s) significantly above it "
        f"({COMPARISON_LABELS.get('worse', 'Worse').lower()} or higher).",
        data=data,
        unit=str(rows["unit"].iloc[0]),
        notes="Each decile's rate with its 95% interval; the line is the area's overall rate "
        "from the same decile counts.",
        source=str(rows["source"].iloc[0]),
        extra={
            "benchmark_name": f"{area_name} overall",
            "benchmark_value": overall,
            "level": 0.95,
            "indicator_id": indicator_id,
        },
    )


# --- life expectancy ------------------------------------------------------------------------


def _published_life_expectancy(table: pd.DataFrame, area_code: str) -> pd.DataFrame:
    names = table["indicator_name"].astype(str).str.lower()
    rows = table[
        names.str.contains("life expectancy")
        & table["area_code"].isin([area_code, ENGLAND])
        & (table["category_type"] == "")
    ]
    if rows.empty:
        return rows
    latest = rows[
        rows["period_sort"] == rows.loc[rows["area_code"] == area_code, "period_sort"].max()
    ]
    return latest


def _computed_life_expectancy(table: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """LE at birth by sex from deaths and population by ESP2013 band (area and England)."""
    deaths = table[(table["indicator_id"] == DEATHS) & (table["category_type"] == BAND_TYPE)]
    population = table[
        (table["indicator_id"] == POPULATION) & (table["category_type"] == BAND_TYPE)
    ]
    keys = ["area_code", "period", "sex", "category"]
    joined = deaths[[*keys, "period_sort", "count", "area_name"]].merge(
        population[[*keys, "count"]].rename(columns={"count": "population"}), on=keys
    )
    joined = joined[joined["area_code"].isin([area_code, ENGLAND])]
    if joined.empty or area_code not in set(joined["area_code"]):
        return pd.DataFrame()
    latest = joined[
        joined["period_sort"] == joined.loc[joined["area_code"] == area_code, "period_sort"].max()
    ]
    latest = latest.assign(
        age=latest["category"].map(lambda c: int(_FIRST_NUMBER.search(c).group(0)))
    )
    result = stats.life_expectancy(
        "count", "population", age="age", data=latest.sort_values("age"),
        by=["area_code", "area_name", "period", "sex"], ages=ESP_AGES, at=0,
    )  # fmt: skip
    return result.assign(indicator_name="Life expectancy at birth (computed by DANA)")


def life_expectancy_parts(table: pd.DataFrame, area) -> Parts:
    """Life expectancy and its gap to England, by sex, where the data allow."""
    rows = _published_life_expectancy(table, area.code)
    how = "as published"
    if rows.empty:
        rows = _computed_life_expectancy(table, area.code)
        how = (
            "computed by DANA from deaths and population by ESP2013 age band (Chiang II "
            "abridged life table, dana.stats.life_expectancy)"
        )
    if rows.empty:
        return Parts()
    mine = rows[rows["area_code"] == area.code].set_index("sex")
    england = rows[rows["area_code"] == ENGLAND].set_index("sex")
    records, sentences = [], []
    for sex in [s for s in ("Male", "Female", "Persons") if s in mine.index]:
        value = float(mine.at[sex, "value"])
        bench = float(england.at[sex, "value"]) if sex in england.index else np.nan
        records.append(
            {
                "Sex": sex,
                "Period": str(mine.at[sex, "period"]),
                "Life expectancy (years)": value,
                "Lower 95% CI": float(mine.at[sex, "lower_95"]),
                "Upper 95% CI": float(mine.at[sex, "upper_95"]),
                "England (years)": bench,
                "Gap to England (years)": value - bench,
            }
        )
        if not np.isnan(bench):
            word = "longer" if value >= bench else "shorter"
            sentences.append(
                f"{sex.lower() if sex != 'Persons' else 'overall'} "
                f"{format_number(value, decimals=1)} years, {format_number(abs(value - bench), decimals=1)} "
                f"years {word} than England's {format_number(bench, decimals=1)}"
            )
    if not records:
        return Parts()
    data = pd.DataFrame(records)
    text = (
        f"Life expectancy at birth in {area.name} ({data['Period'].iloc[0]}): "
        + ("; ".join(sentences) if sentences else "no England figure to compare with")
        + "."
    )
    table_out = Table(
        id="inequalities.life_expectancy",
        title=f"Life expectancy at birth, {area.name} and England",
        data=data,
        notes=f"Life expectancy {how}; gap = area minus England.",
        source="; ".join(sorted({str(s) for s in rows.get("source", pd.Series(["DANA"]))})),
    )
    return Parts(
        (table_out,), (), (finding("inequalities.life_expectancy", text, (), "inequality"),)
    )
