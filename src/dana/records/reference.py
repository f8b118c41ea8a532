"""The embedded definition tables, read once, as exact-match lookups for the engines.

The tables are authored in ``dana/records/definitions/`` (each file's header cites the
official source): ``alcohol_specific.csv`` (wholly attributable codes, HES and ONS lists),
``aaf_phe2020_conditions.csv`` and ``aaf_phe2020_fractions.csv`` (PHE 2020 AAFs),
``drug_codes.csv`` (ONS drug-poisoning and misuse, HES drug poisoning and substance misuse)
and ``ndtms_discharge_reasons.csv``.

Lookups built here (pandas frames; the engines receive them as in-memory tables):

* :func:`hes_code_table` - one row per canonical code that any hospital definition uses:
  ``code``, ``wholly`` (alcohol-specific), ``condition`` (partially attributable, morbidity
  codes), ``external`` (chapter XX), ``drug_poisoning`` (primary-diagnosis list),
  ``substance_primary`` / ``substance_any`` (15-24 substance misuse).
* :func:`death_code_table` - the same for deaths: ``wholly`` (ONS 2017 list), ``condition``
  (mortality codes), ``alcohol_any_position`` (T51.0/T51.1/T51.9, which count in any cause
  field), ``drug_poisoning``, ``drug_misuse_cause``, ``controlled_drug_proxy``.
* :func:`aaf_table` - ``condition``, ``measure``, ``sex`` (1 male, 2 female), ``aaf_band``,
  ``aaf_c`` (the fraction in hundredths, an integer: every PHE fraction has two decimal
  places, so sums are exact and identical on every engine), positive fractions only.

A code that is wholly attributable is never also given a partial condition (K85.2 is
wholly attributable; the rest of K85 is "acute and chronic pancreatitis").
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

import pandas as pd

from dana.records.codes import expand_icd10, is_external_cause

#: The PHE 2020 AAF age bands (no fractions below 16).
AAF_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("16-24", 16, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85+", 85, None),
)
MEASURES = ("morbidity", "mortality")
_SEX = {"male": 1, "female": 2}


def read_definition(name: str) -> list[dict[str, str]]:
    """Rows of one embedded definition table (``#`` header lines skipped)."""
    text = resources.files("dana.records").joinpath("definitions", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@lru_cache(maxsize=2)
def alcohol_specific_codes(kind: str) -> frozenset[str]:
    """Wholly attributable codes: ``kind`` "hes" (admissions) or "ons_deaths" (deaths)."""
    if kind not in ("hes", "ons_deaths"):
        raise ValueError(f"kind must be 'hes' or 'ons_deaths', not {kind!r}")
    codes: set[str] = set()
    for row in read_definition("alcohol_specific.csv"):
        if row[kind] == "1":
            codes |= expand_icd10(row["code"])
    return frozenset(codes)


@lru_cache(maxsize=2)
def aaf_condition_codes(measure: str) -> dict[str, str]:
    """Canonical code -> partially attributable condition, for one measure."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    wholly = alcohol_specific_codes("hes")
    result: dict[str, str] = {}
    for row in read_definition("aaf_phe2020_conditions.csv"):
        if row["measure"] not in (measure, "both"):
            continue
        for code in expand_icd10(row["icd10"]) - wholly:
            if code in result and result[code] != row["condition"]:
                raise ValueError(
                    f"aaf_phe2020_conditions.csv: {code} is in both {result[code]!r} and "
                    f"{row['condition']!r} ({measure})"
                )
            result[code] = row["condition"]
    return result


@lru_cache(maxsize=1)
def aaf_fractions() -> pd.DataFrame:
    """Every published fraction: condition, measure, sex (1/2), aaf_band, aaf (may be <= 0)."""
    rows = []
    for row in read_definition("aaf_phe2020_fractions.csv"):
        measures = MEASURES if row["measure"] == "both" else (row["measure"],)
        for measure in measures:
            for band, _, _ in AAF_BANDS:
                rows.append(
                    {
                        "condition": row["condition"],
                        "measure": measure,
                        "sex": _SEX[row["sex"]],
                        "aaf_band": band,
                        "aaf": float(row[band]),
                    }
                )
    return pd.DataFrame(rows)


def aaf_table(measure: str) -> pd.DataFrame:
    """Positive fractions of one measure for the engines: ``condition_id`` (index into
    :func:`condition_labels`), ``sex`` (1/2), ``aaf_band`` (index into :data:`AAF_BANDS`)
    and ``aaf_c``, the fraction in hundredths (int)."""
    frame = aaf_fractions()
    frame = frame[(frame["measure"] == measure) & (frame["aaf"] > 0)]
    conditions = {label: i for i, label in enumerate(condition_labels())}
    bands = {label: i for i, (label, _, _) in enumerate(AAF_BANDS)}
    return pd.DataFrame(
        {
            "condition_id": frame["condition"].map(conditions).astype("int16").to_numpy(),
            "sex": frame["sex"].astype("int8").to_numpy(),
            "aaf_band": frame["aaf_band"].map(bands).astype("int8").to_numpy(),
            "aaf_c": (frame["aaf"] * 100).round().astype("int64").to_numpy(),
        }
    )


@lru_cache(maxsize=8)
def drug_code_list(name: str) -> frozenset[str]:
    """Canonical codes of one list in ``drug_codes.csv`` (e.g. ``"ons_drug_poisoning"``)."""
    codes: set[str] = set()
    for row in read_definition("drug_codes.csv"):
        if row["code_list"] == name:
            codes |= expand_icd10(row["icd10"])
    if not codes:
        raise KeyError(f"no drug code list {name!r} in drug_codes.csv")
    return frozenset(codes)


WHOLLY_LABEL = "Wholly attributable conditions"


@lru_cache(maxsize=1)
def condition_labels() -> tuple[str, ...]:
    """``condition`` index -> label: wholly attributable first, then the PHE conditions."""
    names = sorted({row["condition"] for row in read_definition("aaf_phe2020_conditions.csv")})
    return (WHOLLY_LABEL, *names)


def _code_frame(flags: dict[str, frozenset[str]], conditions: dict[str, str]) -> pd.DataFrame:
    codes = sorted(set().union(*flags.values(), conditions))
    frame = pd.DataFrame({"code": codes})
    for name, members in flags.items():
        frame[name] = frame["code"].isin(members)
    frame["condition"] = frame["code"].map(conditions).astype(object)
    index = {label: i for i, label in enumerate(condition_labels())}
    frame["condition_id"] = frame["condition"].map(index).fillna(-1).astype("int16")
    frame["external"] = frame["code"].map(is_external_cause)
    return frame


@lru_cache(maxsize=1)
def hes_code_table() -> pd.DataFrame:
    """Lookup for the hospital definitions (see the module docstring)."""
    return _code_frame(
        {
            "wholly": alcohol_specific_codes("hes"),
            "drug_poisoning": drug_code_list("hes_drug_poisoning_primary"),
            "substance_primary": drug_code_list("hes_substance_misuse_primary"),
            "substance_any": drug_code_list("hes_substance_misuse_any"),
        },
        aaf_condition_codes("morbidity"),
    )


#: Alcohol codes the OHID alcohol-related mortality indicator looks for in every cause field
#: (ethanol, methanol, alcohol unspecified; Fingertips 93763 metadata).
ALCOHOL_ANY_CAUSE = frozenset({"T510", "T511", "T519"})


@lru_cache(maxsize=1)
def death_code_table() -> pd.DataFrame:
    """Lookup for the death definitions (see the module docstring)."""
    return _code_frame(
        {
            "wholly": alcohol_specific_codes("ons_deaths"),
            "alcohol_any_position": ALCOHOL_ANY_CAUSE,
            "drug_poisoning": drug_code_list("ons_drug_poisoning"),
            "drug_misuse_cause": drug_code_list("ons_drug_misuse_cause"),
            "controlled_drug_proxy": drug_code_list("controlled_drug_proxy"),
        },
        aaf_condition_codes("mortality"),
    )


@lru_cache(maxsize=1)
def discharge_reasons() -> pd.DataFrame:
    """NDTMS exit reasons: code (may be ""), category, successful, unplanned (bools)."""
    rows = read_definition("ndtms_discharge_reasons.csv")
    return pd.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "category": [r["category"] for r in rows],
            "successful": [r["successful"] == "1" for r in rows],
            "unplanned": [r["unplanned"] == "1" for r in rows],
        }
    )
