"""Value for money: a transparent benefit-cost model of treatment, in Bedford's lines.

The model (:func:`benefit_cost`) multiplies activity by unit values from a CSV file
(:func:`read_unit_values`; DANA's default is ``dana/data/value_for_money_unit_values.csv``
with a citation and a status for every value, replaceable by a council's own through the
config key ``value_for_money.unit_values``):

* **in-year benefits** = people in effective treatment x (crime saving + health saving +
  QALYs gained x the value of a QALY), per substance group;
* **accrued benefits** = people in sustained recovery (successful completions who did not
  re-present within 6 months: PHOF C19) x the same kinds of value per person;
* **harm without treatment** = the estimated users (the prevalence estimate) x the harm
  per user; **crimes prevented** = people x crimes prevented per person;
* **net benefit** = benefits - spend; **benefit-cost ratio** = benefits / spend, "for
  every £1.00 spent ... £2.47 was gained in benefits" (Bedford JSNA, NDTMS VFM tool
  2012-13: in-year 8.4 / 3.4 = 2.47; accrued 11.6 / 3.4 = 3.41, printed 3.40).

Activity comes from the table (adults in treatment, completions, prevalence estimates)
unless the config gives it (``value_for_money.activity``); spend only from the config.
Every unit value used is listed in the output with its source; a value that is negative
or has no source is an error naming the file, row and column.

Activity the report withholds (a figure disclosure control suppresses, or a count the
rule hides) is not valued: each benefit line is activity x a published unit value, so a
valued count could be divided back out of the benefits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dana.assess.disclosure import Rule, apply_disclosure
from dana.assess.findings import finding
from dana.assess.model import Table
from dana.assess.parts import Parts
from dana.formatting import format_number

#: Activity read from the table: (group, stage) -> [(indicator, column)] summed.
ACTIVITY = {
    ("drug", "effective_treatment"): [("ndtms:adults_in_treatment_drug", "count")],
    ("alcohol", "effective_treatment"): [("ndtms:adults_in_treatment_alcohol", "count")],
    ("drug", "sustained_recovery"): [("90244", "count"), ("90245", "count")],
    ("alcohol", "sustained_recovery"): [("92447", "count")],
    ("drug", "no_treatment"): [("93517", "denominator")],
    ("alcohol", "no_treatment"): [("93532", "denominator")],
}
ACTIVITY_WORDS = {
    "effective_treatment": "people in effective treatment (all adults in treatment unless given)",
    "sustained_recovery": "people in sustained recovery (completions not re-presenting in 6 months)",
    "no_treatment": "estimated users (prevalence estimate)",
}

#: The unit-values file's columns shown in the report, and their headings.
UNIT_VALUE_HEADERS = {
    "group": "Group", "stage": "Stage", "kind": "Kind", "value": "Value", "unit": "Unit",
    "price_year": "Price year", "source": "Source", "location": "Where in the source",
    "status": "Status",
}  # fmt: skip


def _in_words(code: object) -> str:
    """A code of the unit-values file as a reader would write it: ``no_treatment`` ->
    "No treatment", ``qaly_value`` -> "Value of a QALY"."""
    if code == "qaly_value":
        return "Value of a QALY"
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class BenefitCost:
    """The model's result in GBP: every line of Bedford's summary table."""

    harm: float | None
    spend: float | None
    in_year: dict[str, float]  # kind -> GBP from people in effective treatment
    accrued: dict[str, float]  # kind -> GBP from people in sustained recovery
    crimes_prevented: float

    @property
    def in_year_total(self) -> float:
        return sum(self.in_year.values())

    @property
    def total(self) -> float:
        return self.in_year_total + sum(self.accrued.values())

    def by_domain(self) -> dict[str, float]:
        """Crime, and health (cost savings and QALYs)."""
        every = _merge(self.in_year, self.accrued)
        return {
            "Crime": every.get("crime", 0.0),
            "Health": every.get("health", 0.0) + every.get("qaly", 0.0),
        }

    def by_kind(self) -> dict[str, float]:
        every = _merge(self.in_year, self.accrued)
        return {"Cost savings": every.get("crime", 0.0) + every.get("health", 0.0), "QALY benefits": every.get("qaly", 0.0)}  # fmt: skip

    def net(self, *, accrued: bool) -> float | None:
        if self.spend is None:
            return None
        return (self.total if accrued else self.in_year_total) - self.spend

    def ratio(self, *, accrued: bool) -> float | None:
        if not self.spend:
            return None
        return (self.total if accrued else self.in_year_total) / self.spend


def _merge(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {k: a.get(k, 0.0) + b.get(k, 0.0) for k in {*a, *b}}


def benefit_cost(
    units: pd.DataFrame, activity: dict[tuple[str, str], float], spend: float | None
) -> BenefitCost:
    """Benefits, harm and crimes prevented from unit values and activity counts.

    ``activity`` maps (group, stage) to the people (or estimated users) it counts; a
    (group, stage) with no activity contributes nothing. QALYs are valued at the
    ``qaly_value`` row (none: QALYs are not valued).
    """
    qaly_rows = units[units["kind"] == "qaly_value"]
    qaly_value = float(qaly_rows["value"].iloc[0]) if len(qaly_rows) else 0.0
    in_year: dict[str, float] = {}
    accrued: dict[str, float] = {}
    harm, crimes = None, 0.0
    for _, row in units.iterrows():
        people = activity.get((row["group"], row["stage"]))
        if people is None or row["kind"] == "qaly_value":
            continue
        if row["kind"] == "harm":
            harm = (harm or 0.0) + people * row["value"]
            continue
        if row["kind"] == "crimes_prevented":
            crimes += people * row["value"]
            continue
        amount = people * row["value"] * (qaly_value if row["kind"] == "qaly" else 1.0)
        target = in_year if row["stage"] == "effective_treatment" else accrued
        target[row["kind"]] = target.get(row["kind"], 0.0) + amount
    return BenefitCost(harm, spend, in_year, accrued, crimes)


def table_activity(
    table: pd.DataFrame,
    area_code: str,
    target: int | None,
    *,
    withheld: Collection[str] = (),
    rule: Rule = None,
) -> tuple[dict[tuple[str, str], tuple[float, str, str]], set[tuple[str, str]]]:
    """Activity from the table at each measure's latest period: (group, stage) -> (count,
    what it is and when, the rows' source); and the (group, stage) pairs left out because
    a count they sum is withheld (an indicator in ``withheld``, or a count ``rule`` hides)."""
    out, hidden = {}, set()
    for key, sources in ACTIVITY.items():
        total, periods, origins = 0.0, [], []
        for indicator_id, column in sources:
            rows = table[
                (table["indicator_id"] == indicator_id)
                & (table["area_code"] == area_code)
                & (table["category_type"] == "")
                & table[column].notna()
            ]
            if target is not None:
                rows = rows[rows["period_sort"] <= target]
            if rows.empty:
                total = np.nan
                break
            latest = rows.loc[[rows["period_sort"].idxmax()]]
            if column == "count" and (
                indicator_id in withheld or apply_disclosure(latest, rule)["suppressed"].any()
            ):
                hidden.add(key)
                total = np.nan
                break
            row = latest.iloc[0]
            total += float(row[column])
            name = row.get("indicator_name")
            name = name if isinstance(name, str) and name.strip() else indicator_id
            periods.append(f"the {column} of {name}, {row['period']}")
            origins.append(str(row["source"]))
        if not np.isnan(total):
            out[key] = (total, "; ".join(periods), "; ".join(dict.fromkeys(origins)))
    return out, hidden


def value_for_money_parts(
    table: pd.DataFrame,
    area,
    spec,
    units: pd.DataFrame,
    units_path: str,
    *,
    target: int | None,
    withheld: Collection[str] = (),
    rule: Rule = None,
) -> Parts:
    """The "Value for money" tables and findings. ``withheld``: indicators whose figures
    the report withholds; ``rule``: the disclosure rule (see the module docstring)."""
    found, hidden = table_activity(table, area.code, target, withheld=withheld, rule=rule)
    given = {tuple(k.split(".", 1)): float(v) for k, v in (spec.activity or {}).items()}
    hidden -= given.keys()
    activity = {k: v for k, (v, _, _) in found.items()}
    activity.update(given)
    used = units[
        units.apply(
            lambda r: (r["group"], r["stage"]) in activity or r["kind"] == "qaly_value", axis=1
        )
    ]
    if used.empty:
        return Parts()
    result = benefit_cost(used, activity, spec.spend)
    lines = _lines(result)
    summary = Table(
        id="value_for_money.summary",
        title=f"Value for money of treatment, {area.name}",
        data=pd.DataFrame(lines, columns=["Line", "Item", "GBP million", "Number"]),
        not_counts=("Line", "Number"),  # line labels; crimes prevented is modelled
        notes="Benefits = activity x unit value (the unit values and activity tables below). "
        "Net benefit = total benefit - spend; benefit-cost ratio = benefit / spend. "
        + (
            f"Spend: {spec.spend_source}."
            if spec.spend is not None
            else "No spend was given (config: value_for_money.spend), so no net benefit or ratio."
        )  # fmt: skip
        + _withheld_note(hidden)
        + " Unit values with status 'to be checked against the source' are DANA's "
        "transcription, not yet checked; replace them with your own.",
        # pieces joined by "; " as every source (provenance_note reads each piece once)
        source=f"DANA value-for-money model; {units_path}",
    )
    shown = used[list(UNIT_VALUE_HEADERS)].reset_index(drop=True)
    for column in ("group", "stage", "kind"):  # the file's codes, in words ("no_treatment")
        shown[column] = shown[column].map(_in_words)
    units_table = Table(
        id="value_for_money.unit_values",
        title="Unit values used, and their sources",
        data=shown.rename(columns=UNIT_VALUE_HEADERS),
        notes=f"From {units_path} (config: value_for_money.unit_values). Price years differ; "
        "nothing is uprated.",
        source=units_path,
        not_counts=("Value", "Price year"),  # unit values in GBP, and their price years
    )
    records = []
    valued = set(zip(used["group"], used["stage"], strict=True))
    for (group, stage), people in sorted(activity.items()):
        if (group, stage) not in valued:
            continue
        where = (
            "config: value_for_money.activity"
            if (group, stage) in given
            else found[(group, stage)][1]
        )
        origin = "" if (group, stage) in given else found[(group, stage)][2]
        records.append(
            {
                "Group": _in_words(group),
                "Activity": ACTIVITY_WORDS[stage],
                "People": people,
                "Source": where,
                "_origin": origin,
            }
        )
    activity_table = Table(
        id="value_for_money.activity",
        title=f"Activity the benefits are counted from, {area.name}",
        data=pd.DataFrame(records).drop(columns="_origin"),
        counts=("People",),
        notes="Counts from the indicator table (latest period) unless the config gives them.",
        source="; ".join(sorted({r["_origin"] for r in records if r["_origin"]})),
    )
    return Parts(
        (summary, units_table, activity_table),
        (),
        (finding("value_for_money.summary", _sentence(result, area.name, units), (), "value_for_money"),),
    )  # fmt: skip


def _withheld_note(hidden: set[tuple[str, str]]) -> str:
    if not hidden:
        return ""
    what = "; ".join(f"{ACTIVITY_WORDS[stage]}, {group}" for group, stage in sorted(hidden))
    return (
        f" Not valued, because the count is withheld by disclosure control: {what}; "
        "the benefits above leave it out."
    )


def _millions(value: float | None) -> float:
    return np.nan if value is None else value / 1e6


def _lines(result: BenefitCost) -> list[tuple]:
    domain, kind = result.by_domain(), result.by_kind()
    return [
        (
            "1",
            "Estimated harm if no estimated user were in treatment",
            _millions(result.harm),
            np.nan,
        ),
        ("2", "Total spend on treatment", _millions(result.spend), np.nan),
        ("3", "Total benefits accrued", _millions(result.total), np.nan),
        ("3(i)", "Crime cost savings", _millions(domain["Crime"]), np.nan),
        ("3(i)", "Health cost savings and QALY benefits", _millions(domain["Health"]), np.nan),
        ("3(ii)", "Cost savings", _millions(kind["Cost savings"]), np.nan),
        ("3(ii)", "QALY benefits", _millions(kind["QALY benefits"]), np.nan),
        (
            "3(iii)",
            "Benefits in the year from people in effective treatment",
            _millions(result.in_year_total),
            np.nan,
        ),  # fmt: skip
        (
            "3(iii)",
            "Accrued benefits from people in sustained recovery",
            _millions(result.total - result.in_year_total),
            np.nan,
        ),  # fmt: skip
        ("4", "Crimes prevented (accrued)", np.nan, result.crimes_prevented),
        (
            "5",
            "Accrued net benefit (total benefit - spend)",
            _millions(result.net(accrued=True)),
            np.nan,
        ),  # fmt: skip
        ("6", "In-year net benefit", _millions(result.net(accrued=False)), np.nan),
        (
            "7",
            "Accrued benefit-cost ratio (GBP per GBP 1 spent)",
            np.nan,
            _ratio(result.ratio(accrued=True)),
        ),  # fmt: skip
        (
            "8",
            "In-year benefit-cost ratio (GBP per GBP 1 spent)",
            np.nan,
            _ratio(result.ratio(accrued=False)),
        ),  # fmt: skip
    ]


def _ratio(value: float | None) -> float:
    return np.nan if value is None else value


def _sentence(result: BenefitCost, area_name: str, units: pd.DataFrame) -> str:
    valued = sorted(
        {f"{g} {k.replace('_', ' ')}" for g, k in zip(units["group"], units["kind"], strict=True)}
    )
    text = (
        f"On the unit values used ({', '.join(valued)}), treatment in {area_name} brings "
        f"estimated benefits of £{format_number(result.total / 1e6, decimals=1)} million, "
        f"£{format_number(result.in_year_total / 1e6, decimals=1)} million of them in the year"
    )
    ratio = result.ratio(accrued=False)
    if ratio is not None:
        text += (
            f": for every £1.00 spent on the local treatment system, £{format_number(ratio, decimals=2)} "
            f"was gained in benefits in the year (£{format_number(result.ratio(accrued=True), decimals=2)} "
            "with the accrued benefits of sustained recovery)"
        )
    else:
        text += "; no spend was given, so no benefit-cost ratio"
    return (
        text + ". The values are estimates from national unit costs; check each against its source."
    )
