"""The all-areas table's withheld cells carried into every area's report of the same run.

The national summary (:func:`dana.assess.national.summarise_areas`) protects the areas of
each region with secondary suppression: a further area's count is withheld where a hidden
one could be worked out from the region's total. A single area's report shows its own
count, and the counts and rates of its comparator areas; published beside the national
table, they would give the secondary cell back, and with it the primary one.
:func:`withhold_nationally_withheld` blanks, in the indicator table every area's report of
the run is built from, each (indicator, area, period) the summary withheld, as a source
publishes a suppressed cell (no count, no value, a note saying so): every report then
withholds it too, and protects it like any other hidden count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.assess.disclosure import BLANKED
from dana.assess.model import NationalSummary

__all__ = ["NATIONAL_NOTE", "withhold_nationally_withheld"]

NATIONAL_NOTE = (
    "Value suppressed: withheld in the all-areas table of the same run (secondary "
    "suppression across the region)"
)
_BLANKED = ("count", *BLANKED)  # as a source publishes a suppressed cell


def withhold_nationally_withheld(table: pd.DataFrame, summary: NationalSummary) -> pd.DataFrame:
    """``table`` with every row of an (indicator, area, period) the summary withheld
    blanked (count, value and limits missing, ``value_note`` saying why). Breakdown rows
    of the cell are blanked too: their parts would add up to it. Never drops a row."""
    rows = summary.rows
    hidden = rows.loc[rows["suppressed"].astype(bool), ["indicator_id", "area_code", "period"]]
    if hidden.empty:
        return table
    keys = pd.MultiIndex.from_frame(hidden.astype(str).drop_duplicates())
    at = pd.MultiIndex.from_frame(table[["indicator_id", "area_code", "period"]].astype(str))
    chosen = np.asarray(at.isin(keys))
    if not chosen.any():
        return table
    out = table.copy()
    out.loc[chosen, list(_BLANKED)] = np.nan
    out.loc[chosen, "value_note"] = NATIONAL_NOTE
    return out
