"""What each record-level indicator is: name, value type, ages, denominator, disclosure rule.

The *counting* rules live with their extract (:mod:`dana.records.hospital`,
:mod:`dana.records.deaths`, :mod:`dana.records.treatment`); this table says how the counts
become indicator rows. Output ids are ``records:<name>``; ``catalogue_id`` names the
catalogue indicator the definition reproduces (its official pooling in ``official_years``:
a single-year run of a 3-year indicator says so in ``value_note``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dana.vocabulary import HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT

PREFIX = "records:"
#: Age groups of the age breakdown, by extract kind (lower bounds; the last is open).
AGE_GROUPS = {
    "hes": (0, 18, 25, 40, 65),
    "deaths": (0, 18, 25, 40, 65),
    "treatment": (18, 30, 50),
}


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str  # hes / deaths / treatment
    title: str
    value_type: str  # dsr, crude_rate, proportion, count
    polarity: str
    catalogue_id: str | None = None
    official_years: int = 1
    ages: tuple[int | None, int | None] = (None, None)
    denominator: str | None = None  # another indicator's count (proportions)
    multiplier: float = 100_000
    rule: str = "lape"
    note: str = ""

    @property
    def id(self) -> str:
        return PREFIX + self.name

    @property
    def age_label(self) -> str:
        low, high = self.ages
        if low is None and high is None:
            return "All ages"
        if low is None or low == 0:
            return f"<{high + 1} yrs"
        return f"{low}+ yrs" if high is None else f"{low}-{high} yrs"

    @property
    def unit(self) -> str:
        return {"proportion": "%", "count": "count"}.get(self.value_type, "per 100,000")


_AAF = "AAF-weighted count (PHE 2020 AAFs)"
_PROXY = (
    "drug misuse approximated from ICD-10 T-code mentions (T40.0-T40.9, T42.4, T43.6): "
    "not comparable with ONS, whose drugs database identifies controlled drugs"
)

DEFINITIONS: tuple[Definition, ...] = (
    Definition("alcohol_specific_admissions", "hes", "Admission episodes for alcohol-specific conditions", "dsr", LOW_IS_GOOD, "92906"),
    Definition("alcohol_specific_admissions_u18", "hes", "Admission episodes for alcohol-specific conditions, under 18s", "crude_rate", LOW_IS_GOOD, "92904", 3, (0, 17)),
    Definition("alcohol_related_narrow", "hes", "Admission episodes for alcohol-related conditions (Narrow)", "dsr", LOW_IS_GOOD, "93764", note=_AAF),
    Definition("alcohol_related_broad", "hes", "Admission episodes for alcohol-related conditions (Broad)", "dsr", LOW_IS_GOOD, "fingertips:alcohol_related_admissions_broad", note=_AAF),
    Definition("drug_poisoning_admissions", "hes", "Hospital admissions for poisoning by drug misuse", "dsr", LOW_IS_GOOD, "hes:admissions_drug_poisoning"),
    Definition("substance_misuse_15_24", "hes", "Hospital admissions due to substance misuse (15 to 24 years)", "dsr", LOW_IS_GOOD, "90808", 3, (15, 24)),
    Definition("drug_poisoning_deaths", "deaths", "Deaths related to drug poisoning", "dsr", LOW_IS_GOOD, "ons:drug_poisoning_deaths", 3),
    Definition("drug_misuse_deaths", "deaths", "Deaths from drug misuse", "dsr", LOW_IS_GOOD, "92432", 3),
    Definition("alcohol_specific_deaths", "deaths", "Alcohol-specific deaths", "dsr", LOW_IS_GOOD, "91380", 3),
    Definition("alcohol_related_deaths", "deaths", "Alcohol-related deaths", "dsr", LOW_IS_GOOD, "93763", note=_AAF),
    Definition("in_treatment", "treatment", "Adults in treatment for drugs and/or alcohol", "crude_rate", NO_JUDGEMENT, "ndtms:number_in_treatment", ages=(18, None), rule="ndtms"),
    Definition("in_treatment_opiate", "treatment", "Adults in treatment: opiate", "crude_rate", NO_JUDGEMENT, "ndtms:adults_in_treatment_opiate", ages=(18, None), rule="ndtms"),
    Definition("in_treatment_non_opiate", "treatment", "Adults in treatment: non-opiate (only, or with alcohol)", "crude_rate", NO_JUDGEMENT, "ndtms:adults_in_treatment_non_opiate", ages=(18, None), rule="ndtms"),
    Definition("in_treatment_alcohol", "treatment", "Adults in treatment: alcohol only", "crude_rate", NO_JUDGEMENT, "ndtms:adults_in_treatment_alcohol", ages=(18, None), rule="ndtms"),
    Definition("new_presentations", "treatment", "New presentations to treatment (adults)", "count", NO_JUDGEMENT, "ndtms:new_presentations_drug", ages=(18, None), multiplier=1, rule="ndtms"),
    Definition("successful_completion_opiate", "treatment", "Successful completion of drug treatment without re-presentation within 6 months - opiate", "proportion", HIGH_IS_GOOD, "90244", ages=(18, None), denominator="in_treatment_opiate", multiplier=100, rule="ndtms"),
    Definition("successful_completion_non_opiate", "treatment", "Successful completion of drug treatment without re-presentation within 6 months - non-opiate", "proportion", HIGH_IS_GOOD, "90245", ages=(18, None), denominator="in_treatment_non_opiate", multiplier=100, rule="ndtms"),
    Definition("successful_completion_alcohol", "treatment", "Successful completion of alcohol treatment without re-presentation within 6 months", "proportion", HIGH_IS_GOOD, "92447", ages=(18, None), denominator="in_treatment_alcohol", multiplier=100, rule="ndtms"),
    Definition("early_unplanned_exits", "treatment", "New presentations leaving treatment in an unplanned way within 12 weeks", "proportion", LOW_IS_GOOD, None, ages=(18, None), denominator="new_presentations", multiplier=100, rule="ndtms", note="definition inferred (DEFINITIONS.md s.3.2)"),
    Definition("in_treatment_over_6_years", "treatment", "Adults in treatment whose current journey began over 6 years before the period ended", "proportion", NO_JUDGEMENT, None, ages=(18, None), denominator="in_treatment", multiplier=100, rule="ndtms"),
    Definition("penetration_opiate_18_64", "treatment", "Opiate clients in treatment aged 18-64 (numerator for unmet need; the OCU estimate, 93517, covers 15-64)", "crude_rate", NO_JUDGEMENT, None, ages=(18, 64), rule="ndtms"),
    Definition("penetration_alcohol_18_plus", "treatment", "Alcohol clients in treatment aged 18+ (numerator for unmet need, 93532)", "crude_rate", NO_JUDGEMENT, None, ages=(18, None), rule="ndtms", note="alcohol only plus non-opiate and alcohol (inferred)"),
)  # fmt: skip

BY_NAME = {d.name: d for d in DEFINITIONS}
DRUG_MISUSE_PROXY_NOTE = _PROXY


def definitions(kind: str | None = None) -> tuple[Definition, ...]:
    """All definitions, or those of one extract kind."""
    return tuple(d for d in DEFINITIONS if kind is None or d.kind == kind)


def indicator_index(name: str) -> int:
    """Position of a definition in :data:`DEFINITIONS` (the engine carries integers)."""
    return next(i for i, d in enumerate(DEFINITIONS) if d.name == name)
