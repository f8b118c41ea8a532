"""Synthetic NDTMS adult treatment episodes, calibrated to OHID 2023-24.

People in treatment in the year (scale 1): 310,863 - opiate 137,965, alcohol only 94,173,
the rest non-opiate (45% only, 55% with alcohol) - and new presentations 158,991 (OHID adult
treatment statistics 2023-24, RECORDS.md A4). Successful completion without re-presentation
is aimed at about 5% (opiate), 30% (non-opiate) and 35% (alcohol only) of each group in
treatment (RECORDS.md A4: a GUESS, "check the OHID tables").

Each person gets one journey open in the year. New presentations start in the year (a
quarter of them have an earlier journey that ended years before); the others started
earlier (opiate journeys are long: some over 6 years). Some journeys exit in the year -
successfully, by dropping out or being withdrawn, transferred, died - and some successful
exits are followed by a new episode: 1-5 months later (a re-presentation within 6 months)
or 7-11 months later (outside the window). 15% of journeys are two episodes with a gap of up
to 21 days (one journey by the NDTMS rule). Exit reasons are written as the NDTMS codes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from dana.records.synth.world import World

TARGETS = {"opiate": 137_965, "alcohol": 94_173, "non_opiate_total": 78_725}
NEW_SHARE = {"opiate": 0.22, "non_opiate": 0.77, "non_opiate_alcohol": 0.77, "alcohol": 0.72}
EXIT_IN_YEAR = {"opiate": 0.25, "non_opiate": 0.6, "non_opiate_alcohol": 0.6, "alcohol": 0.6}
SUCCESS_TARGET = {"opiate": 0.05, "non_opiate": 0.30, "non_opiate_alcohol": 0.30, "alcohol": 0.35}
REPRESENT_WITHIN_6 = 0.10
LABEL = {"opiate": "Opiate", "non_opiate": "Non-opiate only",
         "non_opiate_alcohol": "Non-opiate and alcohol", "alcohol": "Alcohol only"}  # fmt: skip
PROFILES = {  # by age group 0-17 ... 85+ (adults only)
    "opiate": [0, 0.2, 0.8, 1.5, 1.6, 0.7, 0.15, 0.02, 0],
    "non_opiate": [0, 1.6, 1.5, 0.9, 0.5, 0.2, 0.05, 0, 0],
    "alcohol": [0, 0.2, 0.6, 1.0, 1.4, 1.2, 0.6, 0.15, 0.02],
}


def _dates(days: np.ndarray) -> pa.Array:
    epoch = date(1970, 1, 1).toordinal()
    valid = ~np.isnan(days)
    values = np.where(valid, days, 0).astype(np.int64) - epoch
    return pa.array(values.astype(np.int32), mask=~valid).cast(pa.date32())


def chunk(world: World, *, scale: float, seed: int, year: int) -> pa.Table:
    rng = np.random.default_rng(seed + 3)
    start_fy, end_fy = date(year, 4, 1).toordinal(), date(year + 1, 3, 31).toordinal()
    counts = {
        "opiate": rng.poisson(TARGETS["opiate"] * scale),
        "alcohol": rng.poisson(TARGETS["alcohol"] * scale),
        "non_opiate": rng.poisson(0.45 * TARGETS["non_opiate_total"] * scale),
        "non_opiate_alcohol": rng.poisson(0.55 * TARGETS["non_opiate_total"] * scale),
    }
    rows: dict[str, list] = {
        k: [] for k in ("client", "start", "end", "group", "exit", "age", "sex", "district")
    }
    next_client = 1

    def add(client, start, end, group, exit_code, person):
        rows["client"].append(client)
        rows["start"].append(start)
        rows["end"].append(end)
        rows["group"].append(np.full(len(client), LABEL[group], dtype=object))
        rows["exit"].append(exit_code)
        for k in ("age", "sex", "district"):
            rows[k].append(person[k])

    for group, n in counts.items():
        kind = "drug" if group != "alcohol" else "alcohol"
        profile = PROFILES[
            "alcohol" if group == "alcohol" else "opiate" if group == "opiate" else "non_opiate"
        ]
        drawn = world.draw(int(n), np.array(profile, dtype=float), 0.67, kind)
        person = {"age": drawn.age, "sex": drawn.sex, "district": drawn.district}
        client = np.arange(next_client, next_client + n)
        next_client += n
        new = rng.random(n) < NEW_SHARE[group]
        long_mean = 4 * 365 if group == "opiate" else 220
        start = np.where(
            new,
            rng.integers(start_fy, end_fy + 1, n),
            start_fy - 1 - rng.exponential(long_mean, n).astype(np.int64),
        ).astype(float)
        exits = rng.random(n) < EXIT_IN_YEAR[group]
        exit_day = np.maximum(start, start_fy) + rng.random(n) * (
            end_fy - np.maximum(start, start_fy)
        )
        exit_day = np.floor(exit_day)
        success_p = SUCCESS_TARGET[group] / (EXIT_IN_YEAR[group] * (1 - REPRESENT_WITHIN_6))
        success = exits & (rng.random(n) < success_p)
        other = rng.choice(
            ["85", "86", "88", "83", "84", "89", "87"],
            size=n,
            p=[0.45, 0.12, 0.08, 0.2, 0.05, 0.05, 0.05],
        )
        exit_code = np.where(success, "80" if group != "alcohol" else "81", other).astype(object)
        later_end = np.where(rng.random(n) < 0.2, end_fy + rng.integers(1, 300, n), np.nan)
        end = np.where(exits, exit_day, later_end)
        exit_code[~exits & np.isnan(later_end)] = None
        # 15% of journeys are two episodes with a gap of up to 21 days
        split = (rng.random(n) < 0.15) & ~np.isnan(end) & (end - start > 60)
        cut = np.floor(start + (end - start) / 2)
        resume = cut + rng.integers(0, 22, n)
        first_end = np.where(split, cut, end)
        first_exit = np.where(split, "83", exit_code).astype(object)
        add(client, start, first_end, group, first_exit, person)
        if split.any():
            s = split
            add(
                client[s],
                resume[s],
                end[s],
                group,
                exit_code[s],
                {k: v[s] for k, v in person.items()},
            )
        # earlier journeys of returning clients
        back = new & (rng.random(n) < 0.25)
        prior_end = start - rng.integers(60, 1500, n)
        prior_start = prior_end - rng.integers(30, 400, n)
        add(client[back], prior_start[back], prior_end[back], group,
            rng.choice(["80", "85", "83"], size=int(back.sum())).astype(object),
            {k: v[back] for k, v in person.items()})  # fmt: skip
        # re-presentations after a successful exit: within 6 months or later
        soon = success & (rng.random(n) < REPRESENT_WITHIN_6)
        late = success & ~soon & (rng.random(n) < 0.05)
        for mask, low, high in ((soon, 30, 175), (late, 215, 330)):
            again = end + rng.integers(low, high, n)
            add(client[mask], again[mask], np.full(int(mask.sum()), np.nan), group,
                np.full(int(mask.sum()), None, dtype=object),
                {k: v[mask] for k, v in person.items()})  # fmt: skip
    data = {k: np.concatenate(v) for k, v in rows.items()}
    total = len(data["client"])
    order = rng.permutation(total)
    data = {k: v[order] for k, v in data.items()}
    ethnicity = rng.choice(list("ABCDEFGHJKLMNPRSZ"), size=total)
    return pa.table(
        {
            "client_id": pa.array(data["client"].astype(np.int64)),
            "episode_id": pa.array(np.arange(1, total + 1, dtype=np.int64)),
            "episode_start": _dates(data["start"].astype(float)),
            "episode_end": _dates(data["end"].astype(float)),
            "substance_group": pa.array(data["group"].tolist(), pa.string()),
            "exit_reason": pa.array(data["exit"].tolist(), pa.string()),
            "referral_source": pa.array(
                rng.choice(
                    ["Self", "GP", "Criminal justice", "Hospital", "Other"], size=total
                ).tolist()
            ),
            "age": pa.array(data["age"].astype(np.int16)),
            "sex": pa.array(np.where(data["sex"] == 1, "M", "F").tolist()),
            "ethnicity": pa.array(ethnicity.tolist()),
            "la_code": pa.array(world.districts[data["district"]].tolist()),
        }
    )
