"""Synthetic death registrations (ONS-style extract), calibrated to England 2023.

About 600,000 deaths at scale 1 (England registers about 580,000 a year), with:

* drug-poisoning deaths (underlying cause X40-X44, X60-X64, Y10-Y14 or F11-F16/F18-F19):
  5,053, of which 3,353 drug misuse (ONS, England, 2023 registrations). Misuse deaths mention
  a controlled drug (T40.x, T42.4, T43.6) or have an F-code cause; the others mention only
  other drugs (paracetamol, antidepressants), so the T-code proxy DANA uses without the ONS
  drugs database is exact *on this synthetic data* (it would not be on real data);
* alcohol-specific deaths: 8,300 (RECORDS.md A4: England 2023 about 8,300, a GUESS from UK
  10,473), four in five alcoholic liver disease, peak ages 55-64, about 2:1 male;
* everything else from a mix of common causes including the partially attributable ones
  (cancers, liver disease, arrhythmias, falls...), so alcohol-related (AAF-weighted) deaths
  arise from the definitions rather than being set (no published England count in
  RECORDS.md to calibrate to).

2% of registrations fall in the previous year and 1% are Welsh residents (both excluded by
the definitions). Dates are ONS ``yyyymmdd`` text; there is no record key (as in ONS files).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from dana.records.synth import codes
from dana.records.synth.hes import Vocabulary
from dana.records.synth.world import World

TARGETS = {
    "deaths": 600_000,
    "drug_poisoning": 5_053,  # ONS deaths related to drug poisoning, England, 2023
    "drug_misuse": 3_353,  # same
    "alcohol_specific": 8_300,  # RECORDS.md A4 (GUESS)
}
ALCOHOL_SPECIFIC = {"K703": 45, "K709": 15, "K704": 10, "K701": 5, "K700": 5, "F102": 6,
                    "F101": 2.5, "F109": 1, "X45X": 6, "I426": 2, "K852": 1.2, "K860": 0.5,
                    "G312": 0.3, "K292": 0.3}  # fmt: skip
MISUSE_F = {"F112": 40, "F192": 35, "F142": 15, "F122": 5, "F132": 5}
POISONING_UCOD = {"X420": 45, "X440": 20, "X620": 15, "Y120": 10, "X410": 5, "X640": 5}
OTHER_POISONING_UCOD = {"X400": 15, "X410": 25, "X440": 20, "X610": 15, "X640": 15, "Y110": 10}
COMMON_CAUSES = {"F03X": 11, "G309": 4, "I219": 5, "I251": 6, "C349": 6, "J449": 5, "J189": 4,
                 "C189": 2.5, "C509": 2, "C159": 1.3, "C220": 1, "C61X": 2, "C259": 1.5,
                 "I64X": 3, "I619": 1.3, "I639": 2, "I48X": 1, "I10X": 0.6, "K746": 0.8,
                 "N189": 1, "E119": 1, "W19X": 1, "U071": 2, "R54X": 2, "I500": 2,
                 "C329": 0.3, "G409": 0.4, "C01X": 0.3}  # fmt: skip
PROFILES = {  # by age group 0-17 ... 85+
    "background": [0.01, 0.01, 0.02, 0.04, 0.1, 0.25, 0.6, 1.5, 4.0],
    "drug": [0.01, 0.4, 1.0, 1.5, 1.4, 0.8, 0.2, 0.05, 0.02],
    "alcohol": [0.0, 0.02, 0.2, 0.7, 1.4, 1.6, 1.0, 0.4, 0.15],
}
CAUSE_FIELDS = 15


def chunk(world: World, *, scale: float, seed: int, year: int) -> pa.Table:
    """All synthetic deaths of one registration year (small enough for one table)."""
    rng = np.random.default_rng(seed + 2)
    background, background_p = codes.background_vocabulary(seed)
    vocab = Vocabulary(background)
    n = {k: int(rng.poisson(v * scale)) for k, v in TARGETS.items()}
    misuse, other = n["drug_misuse"], max(n["drug_poisoning"] - n["drug_misuse"], 0)
    specific = n["alcohol_specific"]
    rest = max(n["deaths"] - misuse - other - specific, 0)
    groups = [
        ("misuse", misuse, "drug", 0.67),
        ("other_poisoning", other, "drug", 0.55),
        ("alcohol", specific, "alcohol", 0.65),
        ("background", rest, "background", 0.49),
    ]
    rows = []
    for name, count, profile, male in groups:
        kind = {"drug": "drug", "alcohol": "alcohol"}.get(profile, "none")
        people = world.draw(count, np.array(PROFILES[profile]), male, kind)
        cause = np.full((count, CAUSE_FIELDS + 1), -1, dtype=np.int32)
        k = rng.integers(0, 5, count)
        filler = rng.choice(len(background_p), size=(count, CAUSE_FIELDS), p=background_p)
        cause[:, 1:] = np.where(np.arange(CAUSE_FIELDS)[None, :] < k[:, None], filler, -1)
        if name == "misuse":
            f_code = rng.random(count) < 0.12
            cause[:, 0] = np.where(
                f_code, vocab.pick(rng, MISUSE_F, count), vocab.pick(rng, POISONING_UCOD, count)
            )
            cause[:, 1] = vocab.pick(rng, codes.CONTROLLED_MENTIONS, count)
        elif name == "other_poisoning":
            cause[:, 0] = vocab.pick(rng, OTHER_POISONING_UCOD, count)
            cause[:, 1] = vocab.pick(rng, codes.OTHER_DRUG_MENTIONS, count)
        elif name == "alcohol":
            cause[:, 0] = vocab.pick(rng, ALCOHOL_SPECIFIC, count)
        else:
            common = rng.random(count) < 0.7
            cause[:, 0] = np.where(
                common, vocab.pick(rng, COMMON_CAUSES, count),
                rng.choice(len(background_p), size=count, p=background_p),
            )  # fmt: skip
            ethanol = rng.random(count) < 0.001
            cause[ethanol, 1] = vocab.add("T510")
        rows.append((people, cause))
    people_list = [p for p, _ in rows]
    cause = np.concatenate([c for _, c in rows])
    total = len(cause)
    order = rng.permutation(total)
    cause = cause[order]
    lsoa = np.concatenate([p.lsoa for p in people_list])[order]
    district = np.concatenate([p.district for p in people_list])[order]
    age = np.concatenate([p.age for p in people_list])[order]
    sex = np.concatenate([p.sex for p in people_list])[order]
    first = date(year, 1, 1).toordinal()
    days = rng.integers(0, 365, total)
    earlier = rng.random(total) < 0.02
    days[earlier] -= 365
    registered = [date.fromordinal(first + int(d)).strftime("%Y%m%d") for d in days]
    la = world.districts[district].astype(object)
    la[rng.random(total) < 0.01] = "W06000015"
    columns = {
        "fic10und": vocab.column(cause[:, 0]),
        **{f"fic10men{i}": vocab.column(cause[:, i]) for i in range(1, CAUSE_FIELDS + 1)},
        "ageinyrs": pa.array(age.astype(np.int16)),
        "sex": pa.array(sex.astype(np.int8)),
        "dor": pa.array(registered, pa.string()),
        "laua": pa.array(la.tolist(), pa.string()),
        "lsoa11cd": pa.array(world.lsoa["lsoa"].to_numpy()[lsoa].tolist(), pa.string()),
    }
    return pa.table(columns)
