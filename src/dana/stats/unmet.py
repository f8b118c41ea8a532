"""Unmet need: the share of an estimated population that is not in treatment.

Used for Fingertips 93532 (dependent drinkers not in treatment) and 93517 (opiate and/or
crack cocaine users not in treatment). Pure: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._common import StatsInputError


def unmet_need(
    in_treatment, estimate, estimate_lower, estimate_upper, *, multiplier: float = 100.0
):
    """Unmet need: the share of an estimated population not in treatment, with 95% limits.

    DEFINITIONS.md §3.5 (Fingertips 93532 / 93517)::

        value    = (1 - N_tx / prev)   * multiplier
        lower_95 = (1 - N_tx / prev_L) * multiplier      (prev_L = lower limit of the estimate)
        upper_95 = (1 - N_tx / prev_U) * multiplier      (prev_U = upper limit of the estimate)

    The limits carry only the uncertainty of the prevalence estimate (the number in
    treatment is a count of real people); they are not Wilson intervals. Fingertips
    publishes ``count`` = prev - N_tx (estimated number not in treatment) and
    ``denominator`` = prev. Scalars or equal-length arrays; returns a DataFrame with
    columns count, denominator, value, lower_95, upper_95. Pure: no I/O.

    Raises ``ValueError`` for negative or non-finite inputs, limits that do not bracket
    the estimate, or more people in treatment than the estimate.
    """
    arrays = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(a, dtype=float))
            for a in (in_treatment, estimate, estimate_lower, estimate_upper)
        )
    )
    n_tx, prev, prev_l, prev_u = arrays
    names = ("in_treatment", "estimate", "estimate_lower", "estimate_upper")
    for name, arr in zip(names, arrays, strict=True):
        bad = ~np.isfinite(arr) | (arr < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise StatsInputError(
                f"unmet_need: {name} at position {i} is {arr[i]!r} (must be finite and >= 0)"
            )
    for i in np.flatnonzero((prev_l > prev) | (prev_u < prev) | (prev <= 0)):
        raise StatsInputError(
            f"unmet_need: at position {i} the limits {prev_l[i]:g}-{prev_u[i]:g} do not contain "
            f"the positive estimate {prev[i]:g}"
        )
    for i in np.flatnonzero(n_tx > prev):
        raise StatsInputError(
            f"unmet_need: at position {i} {n_tx[i]:g} in treatment exceeds the estimate {prev[i]:g}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):  # prev_L = 0: no finite lower limit
        lower = (1 - n_tx / prev_l) * multiplier
    return pd.DataFrame(
        {
            "count": prev - n_tx,
            "denominator": prev,
            "value": (1 - n_tx / prev) * multiplier,
            "lower_95": lower,
            "upper_95": (1 - n_tx / prev_u) * multiplier,
        }
    )
