"""Standard populations for direct age-standardisation.

``ESP2013`` is the 2013 European Standard Population in the 19-band form used by OHID
Fingertips and PHEindicatormethods (``esp2013``): quinary bands 0-4 ... 85-89 and 90+,
where 0-4 combines the Eurostat bands <1 (1,000) and 1-4 (4,000), and 90+ combines
90-94 (800) and 95+ (200). The weights total 100,000.

Sources: Eurostat (2013) *Revision of the European Standard Population - Report of
Eurostat's task force*, KS-RA-13-028-EN-N; ONS "Revised European Standard Population
2013 (2013 ESP)"; PHEindicatormethods ``man/esp2013.Rd`` (19-band combination). See
DEFINITIONS.md section 5. Contains public sector information licensed under the Open
Government Licence v3.0.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class AgeBand:
    """One band of a standard population; ``upper`` is None for the open top band."""

    label: str
    lower: int
    upper: int | None
    weight: float


#: 2013 European Standard Population, 19 bands (Fingertips convention). Typed from the
#: Eurostat 2013 table, combining <1 + 1-4 and 90-94 + 95+ as Fingertips does.
ESP2013: tuple[AgeBand, ...] = (
    AgeBand("0-4", 0, 4, 5000),
    AgeBand("5-9", 5, 9, 5500),
    AgeBand("10-14", 10, 14, 5500),
    AgeBand("15-19", 15, 19, 5500),
    AgeBand("20-24", 20, 24, 6000),
    AgeBand("25-29", 25, 29, 6000),
    AgeBand("30-34", 30, 34, 6500),
    AgeBand("35-39", 35, 39, 7000),
    AgeBand("40-44", 40, 44, 7000),
    AgeBand("45-49", 45, 49, 7000),
    AgeBand("50-54", 50, 54, 7000),
    AgeBand("55-59", 55, 59, 6500),
    AgeBand("60-64", 60, 64, 6000),
    AgeBand("65-69", 65, 69, 5500),
    AgeBand("70-74", 70, 74, 5000),
    AgeBand("75-79", 75, 79, 4000),
    AgeBand("80-84", 80, 84, 2500),
    AgeBand("85-89", 85, 89, 1500),
    AgeBand("90+", 90, None, 1000),
)


def esp2013(min_age: int = 0, max_age: int | None = None) -> pd.Series:
    """ESP2013 weights as a Series indexed by band label, optionally for an age range.

    For an age-restricted indicator (e.g. ages 15-24) only the bands inside the range
    are kept, so a DSR divides by the sum of the included weights (DEFINITIONS.md
    section 5). A range that cuts through a band is an error rather than a guess.
    """
    bands = [
        band
        for band in ESP2013
        if band.lower >= min_age
        and (max_age is None or (band.upper is not None and band.upper <= max_age))
    ]
    lowers = {band.lower for band in ESP2013}
    uppers = {band.upper for band in ESP2013}
    if min_age not in lowers or (max_age is not None and max_age not in uppers):
        raise ValueError(
            f"age range {min_age}-{max_age} does not fall on ESP2013 band edges "
            "(bands are 0-4, 5-9, ..., 85-89, 90+)"
        )
    return pd.Series(
        [band.weight for band in bands],
        index=pd.Index([band.label for band in bands], name="age_band"),
        name="esp2013",
        dtype=float,
    )
