"""PHE estimates of the number of alcohol-dependent adults (18+) by upper-tier LA.

Reads the PHE/OHID "Estimates of alcohol dependent adults in England" table as
re-published by ONS for SDG 3.5.1 (``PHE_Centre, Local_Authority, Area_Code_GSS,
Alcohol_dependent, Alcohol_lower_CI, Alcohol_upper_CI, Year``): current-method estimates
for 2015/16, 2016/17 and 2017/18 with 95% confidence intervals, and earlier estimates
for 2010-2014 without intervals (written "NA" in the file). These estimates are the
denominator of unmet need for alcohol treatment (DEFINITIONS.md §3.5).

:func:`unmet_need` is a pure calculation (no I/O); it belongs with the statistics and
may move to :mod:`dana.stats`.

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from dana.sources import _read
from dana.sources.errors import SourceFileError

INDICATOR_ID = "phe:alcohol_dependent_adults"
INDICATOR_NAME = "Estimated number of alcohol-dependent adults (18+)"
SOURCE = "PHE, Estimates of alcohol dependent adults in England (via ONS SDG 3.5.1 inputs)"
#: R's missing-value marker, used in the file where no interval was published.
NOT_AVAILABLE = "NA"
#: Non-GSS codes in the file and the code the same publisher uses for that area in later
#: years: the 2010-2014 rows give "Cornwall & Isles of Scilly" the placeholder E0999,
#: the 2015/16-2016/17 rows give the same combined area E06000052.
CODE_FIXES = {"E0999": "E06000052"}

_COLUMNS = {
    "area_code": "Area_Code_GSS",
    "area_name": "Local_Authority",
    "value": "Alcohol_dependent",
    "lower_95": "Alcohol_lower_CI",
    "upper_95": "Alcohol_upper_CI",
    "period": "Year",
}


def read_alcohol_dependence_estimates(
    path: str | Path,
    *,
    code_fixes: Mapping[str, str] = CODE_FIXES,
    source: str = SOURCE,
    retrieved: str | None = None,
) -> pd.DataFrame:
    """Read the PHE alcohol-dependence estimates into indicator-table rows.

    One row per area and year: value_type "count" (an estimated number of people, so
    ``count`` = ``value`` = the estimate), age "18+ yrs", sex "Persons", 95% limits
    where published. Rows without limits carry the value note "No confidence interval
    published". The estimate itself must be present on every row; "NA" is accepted
    only in the two limit columns. Limits that do not bracket the estimate are errors.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    _read.require_columns(raw, _COLUMNS.values(), path)
    raw["Area_Code_GSS"] = raw["Area_Code_GSS"].str.strip()
    raw["Year"] = raw["Year"].str.strip()
    for old, new in code_fixes.items():
        fixed = raw["Area_Code_GSS"].eq(old)
        if fixed.any():
            summary.note(
                f"area code {old!r} replaced by {new!r} on {int(fixed.sum())} row(s) "
                f"(rows {', '.join(map(str, raw.index[fixed]))})"
            )
            raw.loc[fixed, "Area_Code_GSS"] = new
    _read.check_area_codes(raw, "Area_Code_GSS", path)
    _read.check_unique(raw, ["Area_Code_GSS", "Year"], path, what="area and year")
    period_sort = _read.period_sort_keys(raw, "Year", path)

    estimate = _read.parse_numbers(raw, "Alcohol_dependent", path, blank_ok=False)
    limits = {
        c: _read.parse_numbers(raw, c, path, blank_ok=False, markers=[NOT_AVAILABLE])
        for c in ("Alcohol_lower_CI", "Alcohol_upper_CI")
    }
    lower, upper = limits["Alcohol_lower_CI"], limits["Alcohol_upper_CI"]
    if (estimate < 0).any():
        row = (estimate < 0).idxmax()
        raise SourceFileError(path, "negative estimate", row=int(row), column="Alcohol_dependent")
    one_sided = lower.isna() != upper.isna()
    if one_sided.any():
        row = one_sided.idxmax()
        raise SourceFileError(path, "only one of the two confidence limits is given", row=int(row))
    outside = (lower > estimate) | (upper < estimate)
    if outside.any():
        row = outside.idxmax()
        raise SourceFileError(
            path,
            f"confidence interval {lower[row]:g}-{upper[row]:g} does not contain the estimate {estimate[row]:g}",
            row=int(row),
        )

    rows = pd.DataFrame(
        {
            "indicator_id": INDICATOR_ID,
            "indicator_name": INDICATOR_NAME,
            "area_code": raw["Area_Code_GSS"],
            "area_name": raw["Local_Authority"].str.strip(),
            "area_type": raw["Area_Code_GSS"].map(_read.area_type),
            "parent_code": raw["Area_Code_GSS"].map(_read.parent_code),
            "period": raw["Year"],
            "period_sort": period_sort,
            "sex": "Persons",
            "age": "18+ yrs",
            "count": estimate,
            "value": estimate,
            "lower_95": lower,
            "upper_95": upper,
            "value_note": np.where(lower.isna(), "No confidence interval published", ""),
            "polarity": "low_is_good",
            "value_type": "count",
            "multiplier": 1.0,
            "unit": "count",
            "source": source,
            "retrieved": _read.retrieved_date(path, None, retrieved),
        }
    )
    rows = rows.sort_values(["area_code", "period_sort"], kind="stable")
    return _read.finish_table(rows, path, summary)
