"""Client profiles and pathways as breakdown rows (the breakdown convention).

One indicator per measure x NDTMS substance group - ``ndtms:in_treatment:opiate``,
``ndtms:new_presentations:alcohol_only``, ``ndtms:exits:...``,
``ndtms:first_interventions:...`` (``ndtms:in_treatment`` etc. = all adults, the sum of
the four groups) - and ``ndtms:yp_in_treatment`` for young people. Headline counts for
every published year (in treatment, new presentations, exits); breakdowns for the latest
year, each row ``count`` = people in the category and ``denominator`` = the headline
total, categories named as NDTMS ViewIt names them (:mod:`dana.breakdowns`).

Coherence with the rest of the default data (checked by tests/data/test_depth_data.py):

* groups sum to the all-adults figure; a category of new presentations never exceeds the
  same category of people in treatment (a hypergeometric draw from it);
* ethnic groups are the existing ``Ethnic groups`` split of adults in treatment (White
  British + White other = White), divided between the drug groups with fixed margins;
* exits, deaths, parents and waits are the arrays of :mod:`.pathways` and of the
  waiting-time and 6-years-in-treatment models, so a headline figure and its breakdown
  agree.

Category shares are GUESSES of the right order from the NDTMS annual report profiles
(OHID "Adult substance misuse treatment statistics 2022 to 2023"). Not real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.data.synthetic.pathways import (
    EXIT_REASONS,
    GROUPS,
    exits,
    in_treatment,
    new_presentations,
    parents_living_with_children,
)
from dana.data.synthetic.world import PERIOD_END_YEARS, YEARS, period_label

#: Category shares by group (opiate, non-opiate only, non-opiate and alcohol, alcohol only).
SHARES: dict[str, tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]] = {
    "Sex": (("Male", "Female"), ((0.73, 0.27), (0.70, 0.30), (0.72, 0.28), (0.60, 0.40))),
    "Age band": (
        ("18-29 yrs", "30-49 yrs", "50+ yrs"),
        ((0.05, 0.55, 0.40), (0.40, 0.50, 0.10), (0.25, 0.60, 0.15), (0.08, 0.47, 0.45)),
    ),
    "Mental health treatment need": (
        ("Need, receiving treatment", "Need, not receiving treatment",
         "No mental health treatment need", "Not stated or missing"),
        ((0.45, 0.17, 0.33, 0.05), (0.40, 0.20, 0.35, 0.05), (0.48, 0.18, 0.29, 0.05),
         (0.47, 0.15, 0.33, 0.05)),
    ),
    "Disability": (
        ("Any disability", "No disability", "Not stated"),
        ((0.28, 0.60, 0.12), (0.22, 0.66, 0.12), (0.25, 0.63, 0.12), (0.26, 0.62, 0.12)),
    ),
    "Employment status": (
        ("Regular employment", "Unemployed or economically inactive",
         "Long-term sick or disabled", "In education", "Unpaid voluntary work", "Other",
         "Not stated or missing"),
        ((0.10, 0.55, 0.22, 0.01, 0.01, 0.05, 0.06), (0.30, 0.42, 0.10, 0.08, 0.01, 0.04, 0.05),
         (0.25, 0.45, 0.14, 0.03, 0.01, 0.05, 0.07), (0.35, 0.30, 0.18, 0.01, 0.01, 0.08, 0.07)),
    ),
    "Housing need": (
        ("Urgent housing problem", "Housing problem", "No housing problem", "Other",
         "Not stated or missing"),
        ((0.18, 0.17, 0.55, 0.04, 0.06), (0.08, 0.12, 0.70, 0.04, 0.06),
         (0.10, 0.14, 0.66, 0.04, 0.06), (0.06, 0.09, 0.75, 0.04, 0.06)),
    ),
    "Referral source": (
        ("Self, family and friends", "Health services and social care", "Criminal justice",
         "Substance misuse service", "Other", "Missing"),
        ((0.55, 0.14, 0.15, 0.10, 0.04, 0.02), (0.45, 0.20, 0.22, 0.05, 0.06, 0.02),
         (0.50, 0.20, 0.15, 0.07, 0.06, 0.02), (0.55, 0.32, 0.03, 0.03, 0.05, 0.02)),
    ),
    "Injecting status": (
        ("Currently injecting", "Previously injected", "Never injected", "Declined to answer",
         "Missing"),
        ((0.25, 0.30, 0.40, 0.02, 0.03), (0.01, 0.03, 0.91, 0.02, 0.03),
         (0.01, 0.04, 0.90, 0.02, 0.03), (0.005, 0.02, 0.93, 0.02, 0.025)),
    ),
}  # fmt: skip
TIME_IN_TREATMENT = ("under 1 year", "1 to 2 years", "2 to 4 years", "4 to 6 years", "over 6 years")
_TIME_SHARES = {"opiate": (0.35, 0.20, 0.25, 0.20), "other": (0.62, 0.20, 0.10, 0.04, 0.04)}
PARENTAL = ("Parent living with children", "Other contact living with children",
            "Parent not living with children", "Not a parent, no contact with children",
            "Incomplete data")  # fmt: skip
_PARENTAL_REST = (0.07, 0.28, 0.55, 0.10)
SETTINGS = ("Community", "Inpatient unit", "Residential rehabilitation", "Recovery house")
_SETTING_SHARES = {"opiate": (0.02, 0.01, 0.005), "non_opiate_only": (0.01, 0.01, 0.005),
                   "non_opiate_and_alcohol": (0.03, 0.02, 0.005),
                   "alcohol_only": (0.06, 0.02, 0.005)}  # fmt: skip
WAITS = ("3 weeks and under", "over 3 to 6 weeks", "over 6 weeks")
ETHNIC_NDTMS = ("White", "Mixed", "Asian", "Black", "Other")
#: Breakdowns of each measure (ViewIt reports some for new presentations only).
IN_TREATMENT_TYPES = ("Sex", "Age band", "Ethnic group", "Parental status",
                      "Mental health treatment need", "Time in treatment", "Setting")  # fmt: skip
NEW_TYPES = ("Sex", "Age band", "Ethnic group", "Parental status", "Mental health treatment need",
             "Disability", "Employment status", "Housing need", "Referral source",
             "Injecting status")  # fmt: skip
#: Shared with people in treatment: new presentations are drawn from them (never more).
_FROM_IN_TREATMENT = ("Sex", "Age band", "Ethnic group", "Parental status",
                      "Mental health treatment need")  # fmt: skip

YOUNG_PEOPLE: dict[str, tuple[str, tuple[str, ...], tuple[float, ...]]] = {
    "Sex": ("complete", ("Male", "Female"), (0.62, 0.38)),
    "Age band": ("complete", ("Under 14", "14-15 yrs", "16-17 yrs"), (0.10, 0.38, 0.52)),
    "Age at first use": ("complete", ("Under 10", "10-12", "13-14", "15 and over", "Not stated"),
                         (0.03, 0.22, 0.45, 0.25, 0.05)),
    "Source of referral": ("complete", ("Education", "Youth justice", "Children's social care",
                           "Health services", "Self, family and friends", "Other"),
                           (0.28, 0.16, 0.17, 0.12, 0.12, 0.15)),
    "Substance cited": ("overlapping", ("Cannabis", "Alcohol", "Cocaine", "Ecstasy",
                        "Nitrous oxide", "Other"), (0.87, 0.42, 0.10, 0.05, 0.05, 0.05)),
    "Vulnerability": ("overlapping", ("Early onset of substance use", "Poly-drug use",
                      "Mental health treatment need", "Affected by others' substance use",
                      "Not in education, employment or training", "Looked-after child",
                      "Self-harm", "Domestic abuse", "Sexual exploitation"),
                      (0.70, 0.45, 0.40, 0.25, 0.15, 0.12, 0.15, 0.20, 0.05)),
}  # fmt: skip
MEASURE_NAMES = {
    "in_treatment": "Adults in treatment",
    "new_presentations": "Adults newly presenting to treatment",
    "exits": "Adults exiting treatment",
    "first_interventions": "Adults starting a first treatment intervention",
}
GROUP_NAMES = {"opiate": "Opiate", "non_opiate_only": "Non-opiate only",
               "non_opiate_and_alcohol": "Non-opiate and alcohol", "alcohol_only": "Alcohol only"}  # fmt: skip


def indicator_id(measure: str, group: str) -> str:
    return f"ndtms:{measure}" if group == "all" else f"ndtms:{measure}:{group}"


def indicator_name(measure: str, group: str) -> str:
    base = MEASURE_NAMES[measure]
    return base if group == "all" else f"{base} ({GROUP_NAMES[group]})"


def _multinomial(rng, total: np.ndarray, shares) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return rng.multinomial(total.astype(np.int64), p / p.sum()).astype(float)


def _sub_draw(rng, pool: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``size`` people drawn without replacement from categories ``pool`` (n, k)."""
    return np.stack(
        [
            rng.multivariate_hypergeometric(p.astype(np.int64), int(s))
            for p, s in zip(pool, size, strict=True)
        ]  # fmt: skip
    ).astype(float)


def _split_ethnic(rng, ethnic_total: np.ndarray, group_totals: list[np.ndarray]) -> list:
    """Divide each area's ethnic counts (n, 5) between groups whose totals sum to it."""
    remaining = ethnic_total.copy()
    out = []
    for total in group_totals[:-1]:
        part = _sub_draw(rng, remaining, total)
        out.append(part)
        remaining = remaining - part
    out.append(remaining)
    return out


def latest_profiles(sim, ethnic_counts: dict[str, np.ndarray], frames_latest) -> dict:
    """Latest-year breakdowns: ``{(measure, group): {category_type: (categories, counts)}}``.

    ``ethnic_counts``: the existing ``Ethnic groups`` split (UTLA x 6) of adults in drug
    and in alcohol treatment; ``frames_latest(indicator_id)``: a model's UTLA counts in the
    latest year (waits over 3 weeks, opiate clients over 6 years in treatment).
    """
    rng = sim.rng
    year = YEARS.index(PERIOD_END_YEARS[-1])
    treated = {g: a[:, year] for g, a in in_treatment(sim).items()}
    new = {g: a[:, year] for g, a in new_presentations(sim).items()}
    parents = {g: a[:, year] for g, a in parents_living_with_children(sim).items()}
    leaving = exits(sim)

    def to_ndtms(six: np.ndarray) -> np.ndarray:  # WB, White other, Mixed, Asian, Black, Other
        return np.column_stack([six[:, 0] + six[:, 1], six[:, 2], six[:, 3], six[:, 4], six[:, 5]])

    drug_ethnic = _split_ethnic(
        rng, to_ndtms(ethnic_counts["drug"]), [treated[g] for g in GROUPS[:3]]
    )
    ethnic = dict(zip(GROUPS[:3], drug_ethnic, strict=True))
    ethnic["alcohol_only"] = to_ndtms(ethnic_counts["alcohol"])
    over_3 = {"drug": frames_latest("ndtms:waiting_over_3_weeks_drug"),
              "alcohol_only": frames_latest("ndtms:waiting_over_3_weeks_alcohol")}  # fmt: skip
    waits_drug = _sub_draw(rng, np.column_stack([new[g] for g in GROUPS[:3]]), over_3["drug"])
    six_years = frames_latest("ndtms:opiate_in_treatment_6_years_plus")

    out: dict = {}
    for index, group in enumerate(GROUPS):
        total = treated[group]
        cells: dict[str, tuple] = {}
        for kind in ("Sex", "Age band", "Mental health treatment need"):
            categories, shares = SHARES[kind]
            cells[kind] = (categories, _multinomial(rng, total, shares[index]))
        cells["Ethnic group"] = (ETHNIC_NDTMS, ethnic[group])
        rest = _multinomial(rng, total - parents[group], _PARENTAL_REST)
        cells["Parental status"] = (PARENTAL, np.column_stack([parents[group], rest]))
        if group == "opiate":
            shorter = _multinomial(rng, total - six_years, _TIME_SHARES["opiate"])
            cells["Time in treatment"] = (TIME_IN_TREATMENT, np.column_stack([shorter, six_years]))
        else:
            cells["Time in treatment"] = (
                TIME_IN_TREATMENT, _multinomial(rng, total, _TIME_SHARES["other"]),
            )  # fmt: skip
        special = np.column_stack(
            [rng.binomial(total.astype(np.int64), p) for p in _SETTING_SHARES[group]]
        ).astype(float)
        community = total - rng.binomial(total.astype(np.int64), 0.01)
        cells["Setting"] = (SETTINGS, np.column_stack([community, special]))
        out[("in_treatment", group)] = cells

        fresh: dict[str, tuple] = {}
        for kind in _FROM_IN_TREATMENT:
            categories, pool = cells[kind]
            fresh[kind] = (categories, _sub_draw(rng, pool, new[group]))
        for kind in ("Disability", "Employment status", "Housing need", "Referral source",
                     "Injecting status"):  # fmt: skip
            categories, shares = SHARES[kind]
            fresh[kind] = (categories, _multinomial(rng, new[group], shares[index]))
        out[("new_presentations", group)] = fresh

        reasons = leaving[group]
        out[("exits", group)] = {
            "Exit reason": (
                EXIT_REASONS,
                np.column_stack([reasons[r][:, year] for r in EXIT_REASONS]),
            )
        }
        waited = waits_drug[:, index] if index < 3 else over_3["alcohol_only"]
        longer = rng.binomial(waited.astype(np.int64), 0.3).astype(float)
        out[("first_interventions", group)] = {
            "Wait for first intervention": (
                WAITS, np.column_stack([new[group] - waited, waited - longer, longer]),
            )
        }  # fmt: skip
    for measure in ("in_treatment", "new_presentations", "exits", "first_interventions"):
        first = out[(measure, GROUPS[0])]
        out[(measure, "all")] = {
            kind: (first[kind][0], sum(out[(measure, g)][kind][1] for g in GROUPS))
            for kind in first
        }
    return out


def young_people_profile(sim, total: np.ndarray) -> dict[str, tuple]:
    """Latest-year breakdowns of young people in treatment (``total``: UTLA counts)."""
    rng = sim.rng
    cells = {}
    for kind, (form, categories, shares) in YOUNG_PEOPLE.items():
        if form == "complete":
            cells[kind] = (categories, _multinomial(rng, total, shares))
        else:
            cells[kind] = (categories, np.column_stack(
                [rng.binomial(total.astype(np.int64), p) for p in shares]).astype(float))  # fmt: skip
    return cells


def headline_series(sim) -> dict[tuple[str, str], np.ndarray]:
    """Counts for every simulated year: ``{(measure, group): (UTLA, year)}``."""
    treated, new, leaving = in_treatment(sim), new_presentations(sim), exits(sim)
    series = {}
    for group in (*GROUPS, "all"):
        series[("in_treatment", group)] = treated[group]
        series[("new_presentations", group)] = new[group]
        series[("exits", group)] = (
            sum(leaving[g]["total"] for g in GROUPS) if group == "all" else leaving[group]["total"]
        )
    return series


def rows(world, unit_info: pd.DataFrame, ident: str, name: str, age: str,
         labels: list[tuple[str, int]], totals: np.ndarray,
         breakdowns: dict[str, tuple] | None = None) -> pd.DataFrame:  # fmt: skip
    """Indicator rows for every unit: ``totals`` (UTLA, periods) headline counts, plus the
    ``breakdowns`` of the last period (categories, UTLA x k counts), summed upwards."""
    up_totals = world.up(totals)
    units = len(world.units)
    frames = [
        pd.DataFrame(
            {
                "unit": np.arange(units),
                "period": labels[i][0],
                "period_sort": labels[i][1],
                "category_type": "",
                "category": "",
                "count": up_totals[:, i],
                "denominator": np.nan,
            }
        )  # fmt: skip
        for i in range(len(labels))
    ]
    for kind, (categories, counts) in (breakdowns or {}).items():
        up = world.up(counts)
        frames.append(
            pd.DataFrame(
                {
                    "unit": np.repeat(np.arange(units), len(categories)),
                    "period": labels[-1][0],
                    "period_sort": labels[-1][1],
                    "category_type": kind,
                    "category": np.tile(categories, units),
                    "count": up.ravel(),
                    "denominator": np.repeat(up_totals[:, -1], len(categories)),
                }
            )  # fmt: skip
        )
    frame = pd.concat(frames, ignore_index=True).merge(unit_info, on="unit").drop(columns="unit")
    return frame.assign(indicator_id=ident, indicator_name=name, age=age, value=frame["count"])


def financial_labels(years=PERIOD_END_YEARS) -> list[tuple[str, int]]:
    return [period_label("financial_year", y) for y in years]
