"""Penetration of treatment by ethnic group, age and sex (Bedford JSNA, Table 5).

A group's **penetration** is its share of the people in treatment over its share of the
resident population (:func:`dana.stats.penetration`): 100% means the group is in
treatment in proportion to its size, "assuming that drug use is the same across the
whole population" (Bedford). Groups whose 95% interval lies wholly below 100% are named
as under-penetrated, with the seed's small-numbers caveat ("the proportions of the
population are smaller and the numbers of clients smaller").

- **Ethnic group**: NDTMS's five high-level groups against the same five groups of the
  Census 2021 usual residents (all ages, ``ons:census2021_usual_residents``); "Not
  stated" clients count in the total but get no ratio.
- **Age** and **sex**: NDTMS adult age bands (18-29, 30-49, 50+) and sex against the
  adult residents (:func:`adult_residents`, from the ESP2013 5-year bands; the 18-19
  year olds are the 18+ total less the bands from 20, split by sex as the 15-19 band).

The treatment counts and the residents may come from different sources (e.g. synthetic
NDTMS counts over real Census shares in the Coventry example): the table's notes then
say which is which, so real and synthetic are never mixed silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.findings import finding, join_and
from dana.assess.model import Finding, Table
from dana.assess.parts import Parts
from dana.assess.profile import Topic
from dana.assess.provenance import is_synthetic
from dana.assess.shares import counts_by_category, disclose, group_ids, latest_sort
from dana.breakdowns import NOT_STATED
from dana.formatting import format_number
from dana.stats.penetration import OVER_PENETRATED, UNDER_PENETRATED

CENSUS_2021 = "ons:census2021_usual_residents"
ETHNIC_GROUP = "Ethnic group"
#: NDTMS adult age bands as (label, first age, last age or None).
ADULT_BANDS = (("18-29 yrs", 18, 29), ("30-49 yrs", 30, 49), ("50+ yrs", 50, None))
#: A group is "small" (the seed's caveat applies) below this share of residents (%) or
#: this many clients.
SMALL_SHARE, SMALL_COUNT = 10.0, 20
SMALL_NUMBERS = (
    "the proportions of the population are smaller and the numbers of clients smaller, so "
    "the figures are uncertain and further work is needed to understand the reasons"
)
FLAG_WORDS = {
    UNDER_PENETRATED: "Under-penetrated",
    OVER_PENETRATED: "Over-penetrated",
    "similar": "Similar",
    "not_compared": "Not compared",
}
COLUMNS = (
    "Breakdown",
    "Group",
    "People in treatment",
    "Share of people in treatment (%)",
    "Residents",
    "Share of residents (%)",
    "Penetration (%)",
    "Lower 95% CI (%)",
    "Upper 95% CI (%)",
    "Assessment",
)


@dataclass(frozen=True)
class Residents:
    """Residents by group for the assessed area: ``category_type, category, residents``."""

    frame: pd.DataFrame
    source: str
    period: str


def census_residents(table: pd.DataFrame, area_code: str) -> Residents | None:
    """Usual residents by NDTMS ethnic group (Census 2021), None when the table lacks them."""
    rows = table[
        (table["indicator_id"] == CENSUS_2021)
        & (table["area_code"] == area_code)
        & (table["category_type"] == ETHNIC_GROUP)
    ]
    if rows.empty:
        return None
    frame = pd.DataFrame(
        {
            "category_type": ETHNIC_GROUP,
            "category": rows["category"].astype(str).to_numpy(),
            "residents": rows["count"].astype(float).to_numpy(),
        }
    )
    return Residents(frame, str(rows["source"].iloc[0]), str(rows["period"].iloc[0]))


def adult_residents(bands: pd.DataFrame, adults: float | None = None) -> pd.DataFrame:
    """Adult residents in the NDTMS age bands and by sex, from ESP2013 5-year bands.

    ``bands`` has ``age_band`` ("0-4" ... "90+", or with " yrs"), ``sex`` (Male and
    Female, or Persons) and ``population``. The 18-19 year olds are ``adults`` (the 18+
    total, persons) less the bands from 20, split between the sexes as the 15-19 band is;
    without ``adults`` they are two fifths of the 15-19 band (an even spread over its
    five years). Returns ``category_type`` ("Age band" / "Sex"), ``category``,
    ``residents``; the sex rows only when ``bands`` has both sexes.
    """
    frame = bands.assign(
        age_band=bands["age_band"].astype(str).str.replace(" yrs", "", regex=False),
        population=bands["population"].astype(float),
    )
    by_sex = set(frame["sex"]) >= {"Male", "Female"}
    frame = frame[frame["sex"].isin(["Male", "Female"] if by_sex else ["Persons"])]
    frame = frame.assign(start=frame["age_band"].map(_band_start))
    teen = frame[frame["start"] == 15].groupby("sex")["population"].sum()
    from_20 = frame[frame["start"] >= 20]
    if adults is not None and not np.isnan(adults) and teen.sum() > 0:
        young = max(float(adults) - float(from_20["population"].sum()), 0.0)
        eighteen = teen / teen.sum() * young
    else:
        eighteen = teen * 2 / 5
    rows = []
    for label, first, last in ADULT_BANDS:
        inside = (from_20["start"] >= first) & (
            from_20["start"] <= (last if last is not None else 999)
        )
        count = float(from_20.loc[inside, "population"].sum())
        if first == 18:
            count += float(eighteen.sum())
        rows.append(("Age band", label, count))
    if by_sex:
        for sex in ("Male", "Female"):
            count = float(from_20.loc[from_20["sex"] == sex, "population"].sum())
            rows.append(("Sex", sex, count + float(eighteen.get(sex, 0.0))))
    return pd.DataFrame(rows, columns=["category_type", "category", "residents"])


def _band_start(label: str) -> int:
    return int(str(label).replace("+", "-").split("-")[0])


def penetration_frame(treated: pd.DataFrame, residents: pd.DataFrame) -> pd.DataFrame:
    """:func:`dana.stats.penetration` within each breakdown of ``treated``
    (:func:`~dana.assess.shares.counts_by_category` rows) against ``residents``.

    Treated categories without residents ("Not stated or missing") count in the total
    but get no ratio. Returns one row per treated category with ``category_type,
    category, count, total, residents, treatment_share, population_share, value,
    lower_95, upper_95, flag``.
    """
    merged = treated.merge(residents, on=["category_type", "category"], how="left")
    unknown = merged["residents"].isna().to_numpy()
    labels = np.where(unknown, "__unknown__", merged["category"].astype(str))
    work = merged.assign(_label=labels)
    result = stats.penetration(
        "count", "residents", group="_label", unknown="__unknown__", data=work, by="category_type"
    )
    keep = [
        "category_type",
        "category",
        "count",
        "total",
        "residents",
        "treatment_share",
        "population_share",
        "value",
        "lower_95",
        "upper_95",
        "flag",
    ]
    return result[keep].reset_index(drop=True)


def topic_penetration(
    table: pd.DataFrame,
    topic: Topic,
    area,
    *,
    target: int | None,
    rule,
    adults: pd.DataFrame | None,
    adults_source: str = "",
    adults_period: str = "",
) -> Parts:
    """The penetration table and findings for one chapter's adults in treatment."""
    ids = group_ids("in_treatment", topic.groups)
    sort = latest_sort(table, ids, area.code, target)
    if sort is None:
        return Parts()
    pieces, sources = [], []
    census = census_residents(table, area.code)
    types = []
    if census is not None:
        types.append(ETHNIC_GROUP)
        pieces.append(census.frame)
        sources.append(f"ethnic group: {census.source} ({census.period})")
    if adults is not None and not adults.empty:
        types += [t for t in ("Age band", "Sex") if t in set(adults["category_type"])]
        pieces.append(adults)
        sources.append(f"age and sex: {adults_source} ({adults_period})")
    if not pieces:
        return Parts()
    treated = counts_by_category(table, ids, area.code, sort, types)
    treated = treated[treated["count"].notna()]
    if treated.empty:
        return Parts()
    residents = pd.concat(pieces, ignore_index=True)
    residents = residents[residents["category_type"].isin(set(treated["category_type"]))]
    frame = penetration_frame(treated, residents)
    frame = disclose(frame, rule, derived=("treatment_share", "value", "lower_95", "upper_95"))
    frame.loc[frame["suppressed"], "flag"] = "not_compared"
    rows = table[
        table["indicator_id"].isin(ids)
        & (table["area_code"] == area.code)
        & (table["period_sort"] == sort)
    ]
    period, treated_source = str(rows["period"].iloc[0]), str(rows["source"].iloc[0])
    key = f"{topic.key}.penetration"
    data = _table(frame, key, topic, area.name, period, treated_source, sources)
    return Parts((data,), (), tuple(_findings(frame, key, topic, area.name, period, ids)))


def penetration_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A :func:`penetration_frame` result as the report's table columns (:data:`COLUMNS`)."""
    return pd.DataFrame(
        {
            COLUMNS[0]: frame["category_type"].astype(str),
            COLUMNS[1]: frame["category"].astype(str),
            COLUMNS[2]: frame["count"].astype(float),
            COLUMNS[3]: frame["treatment_share"].astype(float),
            COLUMNS[4]: frame["residents"].astype(float),
            COLUMNS[5]: frame["population_share"].astype(float),
            COLUMNS[6]: frame["value"].astype(float),
            COLUMNS[7]: frame["lower_95"].astype(float),
            COLUMNS[8]: frame["upper_95"].astype(float),
            COLUMNS[9]: [FLAG_WORDS.get(f, str(f)) for f in frame["flag"]],
        }
    )


def _table(frame, key, topic, area_name, period, treated_source, resident_sources) -> Table:
    data = penetration_columns(frame)
    mixed = _mixing_note(treated_source, resident_sources)
    notes = (
        "Penetration = share of the people in treatment / share of residents x 100: above "
        "100% the group is in treatment more than its size would suggest, below 100% less, "
        "assuming substance use is the same across the whole population (Bedford JSNA, "
        "Table 5). 95% limits: Wilson limits of the treatment share over the residents' "
        "share (a census count, treated as known). Residents: "
        + "; ".join(resident_sources)
        + ". Ethnic groups compare NDTMS's five groups with all-age Census residents; 'Not "
        "stated' clients count in the total but get no ratio." + mixed
    )
    return Table(
        id=key,
        title=f"Penetration of treatment for {topic.noun} by ethnic group, age and sex, "
        f"{area_name}, {period}",
        data=data,
        notes=notes,
        source="; ".join([treated_source, *(s.split(": ", 1)[-1] for s in resident_sources)]),
        counts=(COLUMNS[2],),
        derived=tuple((c, COLUMNS[2]) for c in (COLUMNS[3], COLUMNS[6], COLUMNS[7], COLUMNS[8])),
    )


def _mixing_note(treated_source: str, resident_sources: list[str]) -> str:
    treated_synthetic = is_synthetic(treated_source)
    real = [s for s in resident_sources if not is_synthetic(s)]
    fake = [s for s in resident_sources if is_synthetic(s)]
    if treated_synthetic and real:
        return (
            " Mixed sources: the people in treatment are SYNTHETIC (DANA's embedded default "
            "data) while the residents are real (" + "; ".join(real) + "); the penetration is "
            "illustrative until real NDTMS counts are loaded."
        )
    if not treated_synthetic and fake:
        return (
            " Mixed sources: the people in treatment are real while the residents are "
            "SYNTHETIC (" + "; ".join(fake) + "); the penetration is illustrative."
        )
    return ""


def _findings(frame, key, topic, area_name, period, ids) -> list[Finding]:
    out = []
    who = f"adults in treatment for {topic.noun}"
    under = frame[(frame["flag"] == UNDER_PENETRATED)]
    if not under.empty:
        groups = join_and(
            [
                f"{_group_words(r)} (penetration {format_number(r['value'], '%')}%, 95% CI "
                f"{format_number(r['lower_95'], '%')}% to {format_number(r['upper_95'], '%')}%)"
                for _, r in under.iterrows()
            ]
        )
        text = (
            f"{area_name} is under-penetrating {groups}: fewer {who} came from "
            f"{'these groups' if len(under) > 1 else 'this group'} than their share of "
            f"residents would suggest in {period} (100% is in proportion), assuming substance "
            "use is the same across the whole population."
        )
        small = under[(under["population_share"] < SMALL_SHARE) | (under["count"] < SMALL_COUNT)]
        if not small.empty:
            named = join_and([_group_words(r) for _, r in small.iterrows()])
            text += f" However, for {named} {SMALL_NUMBERS}."
    else:
        text = (
            f"No group of {who} in {area_name} was significantly under-penetrated in {period}: "
            "every group's 95% interval for penetration includes 100% or lies above it."
        )
    out.append(finding(key, text, tuple(ids), "penetration"))
    ethnic = frame[frame["category_type"] == ETHNIC_GROUP]
    white = ethnic[ethnic["category"] == "White"]
    if len(white) == 1 and pd.notna(white["count"].iloc[0]):
        row = white.iloc[0]
        # minority = everyone recorded less White (withheld cells sum to total - shown)
        stated = float(row["total"]) - float(
            ethnic.loc[ethnic["category"] == NOT_STATED, "count"].sum()
        )
        minority_treated = (stated - float(row["count"])) / float(row["total"]) * 100
        minority_residents = 100 - row["population_share"]
        out.append(
            finding(
                f"{key}.minority_ethnic",
                f"{format_number(minority_treated, '%')}% of {who} in {area_name} in {period} "
                f"were from an ethnic group other than White, against "
                f"{format_number(minority_residents, '%')}% of residents (Census 2021).",
                tuple(ids),
                "penetration",
            )
        )
    return out


def _group_words(row) -> str:
    if row["category_type"] == ETHNIC_GROUP:
        return f"the {row['category']} population"
    if row["category_type"] == "Age band":
        return f"people aged {str(row['category']).replace(' yrs', '')}"
    return (
        f"{str(row['category']).lower()}s"
        if row["category"] in ("Male", "Female")
        else str(row["category"])
    )
