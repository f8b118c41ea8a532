"""Synthetic HES APC episodes, calibrated to the national 2023-24 figures.

Every admission episode belongs to one class; the class fixes its special diagnosis and
where it sits (the rest are background codes, 1-20 positions, about 5 on average):

===== ===================================================== ===================================
class special diagnosis                                     counts towards
===== ===================================================== ===================================
WP    wholly attributable, primary                           specific, narrow 1, broad 1
WS    wholly attributable (not external), a secondary        specific, broad 1
WE    wholly attributable external cause (Y90/Y91/X45...),   specific, narrow 1, broad 1
      secondary, after an injury primary
PP    partially attributable chronic condition, primary      narrow AAF, broad AAF
PS    partially attributable chronic condition, secondary    broad AAF
PE    partially attributable external cause, secondary,      narrow AAF, broad AAF
      after an injury primary
DP    drug poisoning T40.x / T43.6, primary                  drug poisoning (and 15-24 misuse)
SM    mental and behavioural disorder due to drugs, primary  15-24 substance misuse
BG    background codes only                                  nothing
===== ===================================================== ===================================

Counts are solved so that the expected national totals equal the OHID 2023-24 figures
(:data:`TARGETS`): WP:WS:WE split alcohol-specific 30:62:8; the narrow total not reached by
WP and WE is split PP:PE 70:30; PS makes up the broad total. Expected AAFs come from the
embedded PHE 2020 table and each class's age-sex distribution (:func:`expected_aaf`), so
the calibration uses the definitions, and the engine's counts on the output are an
independent check (tests/records/test_synthetic.py). Another 4% of rows fail the OHID
rules or are bad data (later episodes of a spell, unfinished, regular attenders, sex not
known, Welsh residents, ends outside the year, impossible ages, missing dates, duplicate
keys), 1% of records in reorganised areas carry a retired district code, and 0.1% of
diagnoses are written in other forms (``K70.3``, ``k703 ``, ``I10``) or malformed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from dana.records.synth import codes
from dana.records.synth.world import World, earlier_codes, region_letter

#: National calibration targets, England 2023-24 (RECORDS.md A4).
TARGETS = {
    "admission_episodes": 17_600_000,  # FAEs, all causes: NHS Digital HES APC [3rd]
    "alcohol_specific": 339_916,  # OHID Alcohol profile commentary, Feb 2025
    "alcohol_narrow": 280_747,  # same (AAF-weighted)
    "alcohol_broad": 1_018_986,  # same (AAF-weighted)
    "drug_poisoning": 17_000,  # GUESS: order of NHS Digital "poisoning by illicit drugs"
    "substance_misuse": 14_000,  # GUESS: F11-F19 primary admissions
}
PROFILES = {  # relative rate by age group 0-17, 18-24, 25-34, ..., 75-84, 85+ (GUESS)
    "background": [0.15, 0.15, 0.2, 0.22, 0.27, 0.35, 0.5, 0.8, 1.1],
    "alcohol": [0.01, 0.3, 0.6, 0.9, 1.2, 1.2, 0.9, 0.6, 0.4],
    "chronic": [0.0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0, 1.3, 1.4],
    "injury": [0.4, 0.6, 0.4, 0.35, 0.35, 0.4, 0.6, 1.2, 2.2],
    "drug": [0.2, 1.0, 1.2, 1.1, 0.8, 0.4, 0.15, 0.05, 0.02],
    "substance": [0.3, 1.5, 1.0, 0.8, 0.5, 0.3, 0.1, 0.05, 0.02],
}
NOISE_SHARE = 0.042
CHUNK = 1_000_000
MAX_DIAG = 20


@dataclass(frozen=True)
class Class:
    name: str
    profile: str
    male_share: float
    risk: str
    primary: dict | None  # special primary code mixture (None: background)
    secondary: dict | None  # special secondary code mixture
    injury_primary: bool = False


CLASSES = (
    Class("WP", "alcohol", 0.66, "alcohol", codes.WHOLLY_PRIMARY, None),
    Class("WS", "alcohol", 0.64, "alcohol", None, codes.WHOLLY_SECONDARY),
    Class("WE", "alcohol", 0.62, "alcohol", None, codes.WHOLLY_EXTERNAL, injury_primary=True),
    Class("PP", "chronic", 0.55, "alcohol", codes.PARTIAL_PRIMARY, None),
    Class("PS", "chronic", 0.52, "alcohol", None, codes.PARTIAL_SECONDARY),
    Class("PE", "injury", 0.5, "alcohol", None, codes.PARTIAL_EXTERNAL, injury_primary=True),
    Class("DP", "drug", 0.55, "drug", codes.DRUG_POISONING, None),
    Class("SM", "substance", 0.68, "drug", codes.SUBSTANCE_F, None),
    Class("BG", "background", 0.45, "none", None, None),
)


def class_counts(world: World) -> dict[str, float]:
    """Expected admission episodes per class at scale 1 (see the module docstring)."""

    def aaf(c: Class, mixture: dict) -> float:
        age_sex = world.age_sex(np.array(PROFILES[c.profile]), c.male_share, c.risk)
        return codes.expected_aaf(mixture, "morbidity", age_sex)

    by = {c.name: c for c in CLASSES}
    specific = TARGETS["alcohol_specific"]
    n = {"WP": 0.30 * specific, "WS": 0.62 * specific, "WE": 0.08 * specific}
    partial_narrow = TARGETS["alcohol_narrow"] - n["WP"] - n["WE"]
    n["PP"] = 0.7 * partial_narrow / aaf(by["PP"], codes.PARTIAL_PRIMARY)
    n["PE"] = 0.3 * partial_narrow / aaf(by["PE"], codes.PARTIAL_EXTERNAL)
    partial_broad = TARGETS["alcohol_broad"] - specific - partial_narrow
    n["PS"] = partial_broad / aaf(by["PS"], codes.PARTIAL_SECONDARY)
    n["DP"] = TARGETS["drug_poisoning"]
    n["SM"] = TARGETS["substance_misuse"]
    n["BG"] = TARGETS["admission_episodes"] - sum(n.values())
    return n


def _dictionary(values: np.ndarray) -> pa.Array:
    """Text column as a dictionary array (fast to build and to write)."""
    vocab, index = np.unique(values.astype(str), return_inverse=True)
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), pa.array(vocab))


class Vocabulary:
    """Every code string written, as indices (-1 = empty field): cheap for 20 x 1M cells."""

    def __init__(self, background: np.ndarray) -> None:
        self.codes = list(background)
        self.index = {c: i for i, c in enumerate(self.codes)}

    def add(self, code: str) -> int:
        if code not in self.index:
            self.index[code] = len(self.codes)
            self.codes.append(code)
        return self.index[code]

    def pick(self, rng: np.random.Generator, mixture: dict, n: int) -> np.ndarray:
        positions = np.array([self.add(c) for c in mixture], dtype=np.int32)
        p = np.array(list(mixture.values()), dtype=float)
        return positions[rng.choice(len(positions), size=n, p=p / p.sum())]

    def column(self, indices: np.ndarray) -> pa.Array:
        return pa.DictionaryArray.from_arrays(
            pa.array(indices, mask=indices < 0), pa.array(self.codes, pa.string())
        )


class HesWriter:
    """Draws chunks of episodes; :meth:`chunks` yields pyarrow tables."""

    def __init__(self, world: World, *, scale: float, seed: int, year: int) -> None:
        self.world, self.scale, self.year = world, scale, year
        self.rng = np.random.default_rng(seed + 1)
        background, self.background_p = codes.background_vocabulary(seed)
        self.vocab = Vocabulary(background)
        expected = class_counts(world)
        self.counts = {
            name: int(self.rng.poisson(value * scale / (1 - NOISE_SHARE)))
            for name, value in expected.items()
        }
        self.total = sum(self.counts.values())
        self.earlier = earlier_codes()
        self.letters = region_letter()
        self.next_key = 300_000_000_000

    def chunks(self):
        remaining = dict(self.counts)
        n_chunks = max(1, int(np.ceil(self.total / CHUNK)))
        for i in range(n_chunks):
            share = {k: v // (n_chunks - i) for k, v in remaining.items()}
            for k in share:
                remaining[k] -= share[k]
            yield self._chunk(share)

    def _chunk(self, counts: dict[str, int]) -> pa.Table:
        rng, world = self.rng, self.world
        parts = []
        for c in CLASSES:
            n = counts[c.name]
            if n == 0:
                continue
            people = world.draw(n, np.array(PROFILES[c.profile]), c.male_share, c.risk)
            parts.append((c, people, self._diagnoses(c, n)))
        lsoa = np.concatenate([p.lsoa for _, p, _ in parts])
        district = np.concatenate([p.district for _, p, _ in parts])
        age = np.concatenate([p.age for _, p, _ in parts]).astype(np.int64)
        sex = np.concatenate([p.sex for _, p, _ in parts]).astype(np.int64)
        diag = np.concatenate([d for _, _, d in parts])
        n = len(age)
        order = rng.permutation(n)
        lsoa, district, age, sex, diag = (
            lsoa[order],
            district[order],
            age[order],
            sex[order],
            diag[order],
        )
        return self._table(lsoa, district, age, sex, diag)

    def _diagnoses(self, c: Class, n: int) -> np.ndarray:
        """n x 20 code indices into the vocabulary (-1 = empty field)."""
        rng, vocab = self.rng, self.vocab
        k = np.minimum(rng.geometric(0.2, n), MAX_DIAG)
        if c.secondary is not None:
            k = np.maximum(k, 2)
        p = self.background_p
        diag = rng.choice(len(p), size=(n, MAX_DIAG), p=p).astype(np.int32)
        diag[np.arange(MAX_DIAG)[None, :] >= k[:, None]] = -1
        if c.primary is not None:
            diag[:, 0] = vocab.pick(rng, c.primary, n)
        elif c.injury_primary:
            diag[:, 0] = vocab.pick(rng, codes.INJURY_PRIMARY, n)
        if c.secondary is not None:
            position = 1 + np.floor(rng.random(n) * (k - 1)).astype(int)
            diag[np.arange(n), position] = vocab.pick(rng, c.secondary, n)
        return diag

    def _table(self, lsoa, district, age, sex, diag) -> pa.Table:
        rng, world, n = self.rng, self.world, len(age)
        fy_start = date(self.year, 4, 1).toordinal()
        epiend = fy_start + rng.integers(0, 366, n)
        epistat = np.full(n, 3)
        epiorder = np.full(n, "01", dtype=object)
        classpat = rng.choice([1, 2, 5], size=n, p=[0.62, 0.36, 0.02])
        district_code = world.districts[district].astype(object)
        region = world.region_of(world.districts[district])
        resgor = np.array([self.letters.get(r, "U") for r in region], dtype=object)
        startage = age.copy()
        infants = (age == 0) & (rng.random(n) < 0.3)
        startage[infants] = rng.integers(7001, 7005, infants.sum())
        # rows that fail the OHID rules or carry bad data
        noise = rng.random(n) < NOISE_SHARE
        kind = rng.choice(9, size=n, p=[0.6, 0.07, 0.1, 0.025, 0.07, 0.1, 0.005, 0.005, 0.025])
        later = noise & (kind == 0)
        epiorder[later] = rng.choice(["02", "03", "04"], size=later.sum())
        epistat[noise & (kind == 1)] = 1
        classpat[noise & (kind == 2)] = rng.choice([3, 4], size=(noise & (kind == 2)).sum())
        sex = sex.copy()
        sex[noise & (kind == 3)] = rng.choice([0, 9], size=(noise & (kind == 3)).sum())
        wales = noise & (kind == 4)
        resgor[wales] = "W"
        district_code[wales] = "W06000015"
        outside = noise & (kind == 5)
        epiend[outside] = fy_start + rng.choice([-30, 400], size=outside.sum())
        startage[noise & (kind == 6)] = rng.choice(
            [151, 200, 7009], size=(noise & (kind == 6)).sum()
        )
        missing_end = noise & (kind == 7)
        keys = self.next_key + np.arange(n, dtype=np.int64)
        self.next_key += n
        duplicate = noise & (kind == 8) & (np.arange(n) > 0)
        keys[duplicate] = keys[np.flatnonzero(duplicate) - 1]
        # retired district codes, unknown residence
        for current, old in self.earlier.items():
            rows = (district_code == current) & (rng.random(n) < 0.01)
            district_code[rows] = rng.choice(old, size=rows.sum())
        unknown = ~noise & (rng.random(n) < 0.0005)
        district_code[unknown] = None
        resgor[unknown] = "Y"
        diag = self._odd_forms(diag)
        columns = {
            "EPIKEY": pa.array(keys),
            "EPISTAT": pa.array(epistat.astype(np.int8)),
            "EPIORDER": pa.array(epiorder.astype(str)),
            "CLASSPAT": pa.array(classpat.astype(np.int8)),
            "ADMIMETH": pa.array(
                rng.choice(
                    ["11", "12", "21", "22", "2A", "81"],
                    size=n,
                    p=[0.3, 0.08, 0.4, 0.12, 0.05, 0.05],
                )
            ),
            "SEX": pa.array(sex.astype(np.int8)),
            "STARTAGE": pa.array(startage.astype(np.int16)),
            "EPIEND": pa.array(
                epiend - date(1970, 1, 1).toordinal(), pa.int32(), mask=missing_end
            ).cast(pa.date32()),
            "RESGOR": _dictionary(resgor),
            "RESLADST_ONS": pa.array(district_code.tolist(), pa.string()),
            "LSOA11": _dictionary(world.lsoa["lsoa"].to_numpy()[lsoa]),
            "ETHNOS": _dictionary(
                rng.choice(list("ABCDEFGHJKLMNPRSZ") + ["99"], size=n, p=_ETHNOS_P)
            ),
        }
        for pos in range(MAX_DIAG):
            columns[f"DIAG_{pos + 1:02d}"] = self.vocab.column(diag[:, pos])
        return pa.table(columns)

    def _odd_forms(self, diag: np.ndarray) -> np.ndarray:
        """0.1% of codes in another written form (K70.3, I10, k703 ), 0.01% malformed."""
        rng, vocab = self.rng, self.vocab
        filled = diag >= 0
        rows, cols = np.nonzero(filled & (rng.random(diag.shape) < 0.001))
        forms = rng.integers(0, 2, len(rows))
        for r, c, f in zip(rows, cols, forms, strict=True):
            code = vocab.codes[diag[r, c]]
            odd = (
                code[:3]
                if code[3] == "X"
                else (f"{code[:3]}.{code[3]}" if f else f"{code.lower()} ")
            )
            diag[r, c] = vocab.add(odd)
        diag[filled & (rng.random(diag.shape) < 0.0001)] = vocab.add("??9")
        return diag


_ETHNOS_P = np.array([70, 3, 5, 0.8, 0.5, 0.6, 0.8, 3, 1.5, 1, 0.7, 1.2, 1.6, 0.6, 0.4, 1.5, 6, 2])
_ETHNOS_P = _ETHNOS_P / _ETHNOS_P.sum()
