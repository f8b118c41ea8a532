"""Code mixtures of the synthetic records and the expected AAF of each (for calibration).

Each class of synthetic record draws its special diagnosis from a weighted list of
canonical codes (HES style, 4 characters). Background ("neutral") codes come from a seeded
vocabulary that excludes every code any DANA definition uses, so a background code never
counts towards an indicator by accident.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dana.records import reference

WHOLLY_PRIMARY = {"K703": 22, "K709": 6, "K704": 4, "K700": 3, "K701": 2, "F102": 20, "F100": 14,
                  "F103": 6, "F101": 5, "F104": 2, "K852": 5, "K860": 2, "I426": 1, "G621": 1,
                  "T510": 4, "R780": 1, "G312": 1, "E244": 0.2, "Q860": 0.3, "K292": 0.5}  # fmt: skip
WHOLLY_SECONDARY = {"F102": 30, "F101": 22, "F100": 14, "F109": 4, "K703": 8, "K709": 3,
                    "K700": 2, "R780": 3, "F103": 3, "G621": 1, "I426": 1, "K852": 1}  # fmt: skip
WHOLLY_EXTERNAL = {"Y919": 40, "Y911": 10, "Y903": 10, "Y900": 25, "X45X": 8, "X65X": 4, "Y15X": 3}
PARTIAL_PRIMARY = {"I48X": 15, "J189": 10, "J181": 4, "G409": 6, "G403": 2, "C159": 3, "C189": 4,
                   "C20X": 2, "C509": 7, "C220": 2, "K859": 3, "K850": 1, "K861": 1, "K746": 3,
                   "I500": 8, "I10X": 3, "A159": 0.5, "C329": 1, "C01X": 1, "C109": 1,
                   "I690": 0.5, "I693": 0.8, "I850": 0.4, "O039": 0.5, "I471": 2}  # fmt: skip
PARTIAL_SECONDARY = {"I10X": 62, "I48X": 22, "I500": 5, "J189": 3, "G409": 3, "K746": 2,
                     "C509": 1.5, "C189": 1, "I471": 0.5}  # fmt: skip
PARTIAL_EXTERNAL = {"W19X": 30, "W010": 9, "W100": 5, "W180": 4, "X599": 10, "Y049": 6, "Y040": 3,
                    "X619": 3, "X609": 2, "X789": 4, "V892": 4, "V234": 2, "V475": 1, "W269": 3,
                    "X429": 2, "W549": 2, "Y349": 2, "X019": 0.5, "W699": 0.5}  # fmt: skip
INJURY_PRIMARY = {"S720": 12, "S069": 10, "S099": 8, "S520": 6, "S610": 6, "T140": 8, "S828": 5,
                  "S422": 4, "S000": 6, "S011": 5, "T117": 2, "S301": 3}  # fmt: skip
DRUG_POISONING = {"T401": 15, "T402": 25, "T404": 12, "T405": 22, "T407": 6, "T406": 2, "T403": 6,
                  "T436": 12}  # fmt: skip
SUBSTANCE_F = {"F192": 20, "F191": 10, "F122": 12, "F121": 8, "F142": 10, "F141": 6, "F112": 10,
               "F150": 4, "F132": 5, "F190": 8, "F120": 5}  # fmt: skip
CONTROLLED_MENTIONS = {"T401": 30, "T402": 20, "T403": 15, "T404": 8, "T405": 15, "T424": 7,
                       "T436": 5}  # fmt: skip
OTHER_DRUG_MENTIONS = {"T391": 30, "T430": 15, "T432": 20, "T426": 15, "T509": 20}


def _normalised(weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    codes = np.array(list(weights))
    p = np.array(list(weights.values()), dtype=float)
    return codes, p / p.sum()


def pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    codes, p = _normalised(weights)
    return codes[rng.choice(len(codes), size=n, p=p)]


@lru_cache(maxsize=1)
def _used_codes() -> frozenset[str]:
    used = set(reference.hes_code_table()["code"]) | set(reference.death_code_table()["code"])
    return frozenset(used)


def background_vocabulary(seed: int, size: int = 2500) -> tuple[np.ndarray, np.ndarray]:
    """Neutral codes and Zipf weights: letters outside chapter XX, no defined code, no
    poisoning (T36-T65) and no drug/alcohol chapter F1 codes."""
    rng = np.random.default_rng(seed)
    letters = list("ABCDEGHIJKLMNOQRZ")
    codes: list[str] = []
    used = _used_codes()
    while len(codes) < size:
        letter = letters[rng.integers(len(letters))]
        code = f"{letter}{rng.integers(0, 100):02d}{'X0123456789'[rng.integers(11)]}"
        if code in used or code in codes or code.startswith(("F1", "K7", "K8", "C")):
            continue
        codes.append(code)
    weights = 1.0 / np.arange(1, size + 1) ** 1.05
    return np.array(codes), weights / weights.sum()


def expected_aaf(weights: dict[str, float], measure: str, age_sex: np.ndarray) -> float:
    """Mean positive AAF of a code mixture for people distributed as ``age_sex`` (a 2 x 91
    array of probabilities: sex 1/2 by single year of age 0-90); wholly codes count 1."""
    conditions = reference.aaf_condition_codes(measure)
    wholly = reference.alcohol_specific_codes("hes" if measure == "morbidity" else "ons_deaths")
    table = reference.aaf_table(measure)
    labels = reference.condition_labels()
    lookup = {
        (labels[r.condition_id], r.sex, reference.AAF_BANDS[r.aaf_band][0]): r.aaf_c / 100
        for r in table.itertuples()
    }
    band_of = []
    for age in range(91):
        band = next(
            (b for b, lo, hi in reference.AAF_BANDS if lo <= age and (hi is None or age <= hi)),
            None,
        )
        band_of.append(band)
    codes, p = _normalised(weights)
    total = 0.0
    for code, share in zip(codes, p, strict=True):
        if code in wholly:
            total += share
            continue
        condition = conditions.get(code)
        if condition is None:
            continue
        value = sum(
            age_sex[sex - 1, age] * lookup.get((condition, sex, band_of[age]), 0.0)
            for sex in (1, 2)
            for age in range(91)
            if band_of[age] is not None
        )
        total += share * value
    return total
