"""The seeds' printed figures as indicator tables: what the two rebuilt examples read.

:func:`load_published_table` reads ``published/<assessment>/figures.csv`` (transcribed
by hand, one row per printed figure, each citing its section and sentence: see
``published/README.md``) into the indicator table (:mod:`dana.table`). The printed value
is kept exactly. Limits are computed only where the printed numbers allow it, and the
value note says so: a rate with a printed count and a population backed out of the
printed rate gets Byar limits (:func:`dana.stats.rate`), and a share with a printed count
and denominator Wilson limits (:func:`dana.stats.proportion`). Area codes the area table
does not hold (E47000008, the Cambridgeshire and Peterborough Combined Authority, which
covers exactly both areas) are typed ``other``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats, table
from dana.areas import load_areas
from dana.data.packaged import read_packaged_csv
from dana.data.transcribed import CP_SOURCE

#: assessment folder -> (citation, publication date)
CITATIONS = {
    "cambridgeshire_peterborough": (CP_SOURCE, "2023-03"),
    "coventry": (
        "Coventry City Council, Coventry Substance Misuse Needs Assessment (2022)",
        "2022",
    ),
}
_RATE_NOTE = (
    "As printed; 95%/99.8% limits computed by DANA (Byar) from the printed count and a "
    "population backed out of the printed rate"
)
_SHARE_NOTE = "As printed; 95%/99.8% limits computed by DANA (Wilson) from the printed counts"


def _number(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column.replace("", np.nan)).to_numpy(dtype=float)


def load_published_table(assessment: str) -> pd.DataFrame:
    """The printed figures of ``assessment`` ("cambridgeshire_peterborough", "coventry")."""
    if assessment not in CITATIONS:
        raise KeyError(f"no transcribed assessment {assessment!r}; known: {sorted(CITATIONS)}")
    citation, published = CITATIONS[assessment]
    name = f"published/{assessment}/figures.csv"
    seed = read_packaged_csv(name, comment="#", dtype=str, keep_default_na=False)
    seed = seed[seed["area_code"] != ""].reset_index(drop=True)
    areas = load_areas()
    known = {code: areas.get(code) for code in set(seed["area_code"]) if code in areas}
    frame = pd.DataFrame(
        {
            "indicator_id": seed["indicator_id"],
            "indicator_name": seed["indicator_name"],
            "area_code": seed["area_code"],
            "area_name": seed["area_name"],
            "area_type": [known[c].area_type if c in known else "other" for c in seed["area_code"]],
            "parent_code": [known[c].parent_code if c in known else "" for c in seed["area_code"]],
            "period": seed["period"],
            "period_sort": seed["period"].str[:4].astype(int) * 10000,
            "sex": "Persons",
            "age": seed["age"],
            "category_type": seed["category_type"],
            "category": seed["category"],
            "count": _number(seed["count"]),
            "denominator": _number(seed["denominator"]),
            "value": _number(seed["value"]),
            "multiplier": _number(seed["multiplier"]),
            "polarity": seed["polarity"],
            "value_type": seed["value_type"],
            "unit": seed["unit"],
            "source": citation + ", " + seed["section"],
            "retrieved": published,
        }
    )
    frame = table.coerce(frame)
    counted = frame["count"].notna() & frame["denominator"].gt(0)
    rates = (
        counted & (seed["denominator_status"] == "derived") & (frame["value_type"] == "crude_rate")
    )
    shares = (
        counted
        & (frame["value_type"] == "proportion")
        & (seed["denominator_status"] == "published")
        & (frame["count"] <= frame["denominator"])
    )
    kinds = ((rates, stats.rate, _RATE_NOTE), (shares, stats.proportion, _SHARE_NOTE))
    for kind_mask, method, note in kinds:
        for multiplier in frame.loc[kind_mask, "multiplier"].unique():
            mask = kind_mask & (frame["multiplier"] == multiplier)
            limits = method(
                frame.loc[mask, "count"].to_numpy(),
                frame.loc[mask, "denominator"].to_numpy(),
                confidence=(0.95, 0.998),
                multiplier=float(multiplier),
            )
            for column in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
                frame.loc[mask, column] = limits[column].to_numpy()
            frame.loc[mask, "value_note"] = note
    return table.validate(frame, where=f"dana/data/{name}")
