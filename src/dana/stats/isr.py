"""Indirect standardisation: standardised ratios (SMR) and indirectly standardised rates.

Same API as every ``dana.stats`` method (see :mod:`dana.stats.proportions`): inputs are
scalars, arrays or column names of ``data=``; ``by=`` combines the age bands of each group
into one ratio; without ``by`` there is one ratio per input row (pass ``by`` to combine
age bands). ``confidence=`` takes one level or several.

The reference (usually England) is given per row or per age band, as either

* ``ref_x`` and ``ref_n``: reference events and population by age band, or
* ``ref_rate``: reference age-specific rates *per person* (events / population).

Each may be a column name of ``data``, an array with one value per row, a mapping or
Series from age-band label to value (matched through ``age=``), or a short sequence with
one value per age band (matched to each group's rows in order).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from dana.stats._bands import band_positions
from dana.stats._common import (
    StatsInputError,
    confidence_levels,
    method_labels,
    poisson_limits,
)
from dana.stats._frame import (
    Resolved,
    check,
    check_multiplier,
    fail,
    frame_of,
    group_sums,
    raw_column,
    resolve,
    sum_within,
)
from dana.stats._output import output


def smr(
    x,
    n,
    *,
    ref_x=None,
    ref_n=None,
    ref_rate=None,
    age=None,
    data=None,
    by=None,
    confidence=0.95,
    refvalue: float = 1,
) -> pd.DataFrame:
    """Standardised (mortality) ratio O/E with exact (O < 10) or Byar (O >= 10) limits.

    Formula (Breslow & Day 1987; Fingertips Public Health Technical Guidance,
    "Indirectly standardised ratios"), for age bands i with local population n_i and
    reference rate R_i = ref_x_i / ref_n_i::

        E     = sum(n_i R_i)              (expected events)
        O     = sum(O_i)
        value = O / E * refvalue
        lower = O_lower / E * refvalue,  upper = O_upper / E * refvalue

    O_lower, O_upper: exact chi-square limits below 10 events (Armitage & Berry), Byar's
    approximation from 10 (see :func:`dana.stats.rate`).

    Parameters
    ----------
    x, n
        Local events and population by age band.
    ref_x, ref_n, ref_rate
        The reference: counts and populations, or rates per person (see module docstring).
    age
        Age-band labels, needed when the reference is keyed by label.
    data, by, confidence
        As for :func:`dana.stats.proportion`.
    refvalue
        1 (ratio, default) or 100 (the SMR as often published: England = 100).

    Returns
    -------
    DataFrame with [by columns | data columns], ``count`` (O), ``expected`` (E),
    ``denominator`` (sum of n), ``value``, the limit columns and ``method``
    ("exact" / "Byar").

    Errors: negative or missing inputs; expected count 0 for a group (the reference
    rates are all 0 or the population is 0); a reference population of 0 in a band with
    reference events; a missing or repeated age band when the reference is per band.
    """
    frame, res, count, expected = _observed_expected(
        "smr", x, n, ref_x, ref_n, ref_rate, age, data, by
    )
    refvalue = check_multiplier(refvalue)
    scale = refvalue / expected
    limits = [
        (level, *poisson_limits(count, level, scale)) for level in confidence_levels(confidence)
    ]
    return output(
        res,
        {
            "count": count,
            "expected": expected,
            "denominator": frame["n"],
            "value": count * scale,
        },
        limits,
        after={"method": method_labels(count)},
    )


def isr(
    x,
    n,
    *,
    ref_x=None,
    ref_n=None,
    ref_rate=None,
    ref_crude_rate=None,
    age=None,
    data=None,
    by=None,
    confidence=0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised rate: the SMR times the reference crude rate.

    Formula (Fingertips Public Health Technical Guidance, "Indirectly standardised
    rates"; Breslow & Day 1987)::

        value = O / E * (sum(ref_x) / sum(ref_n)) * multiplier
        lower = O_lower / E * crude_ref * multiplier,  upper likewise with O_upper

    with E, O, O_lower, O_upper as in :func:`smr`. The reference crude rate is the sum of
    the reference events over the sum of the reference population across the group's
    age bands, or ``ref_crude_rate`` (per person) when only ``ref_rate`` is given.

    Returns a DataFrame with [by columns | data columns], ``count``, ``expected``,
    ``denominator``, ``value``, the limit columns and ``method``. Errors as for :func:`smr`.
    """
    frame, res, count, expected = _observed_expected(
        "isr", x, n, ref_x, ref_n, ref_rate, age, data, by
    )
    multiplier = check_multiplier(multiplier)
    if ref_crude_rate is not None:
        crude = np.broadcast_to(np.asarray(ref_crude_rate, dtype=float), count.shape)
    elif "ref_x" in frame:
        crude = frame["ref_x"] / frame["ref_n"]
    else:
        raise StatsInputError(
            "isr: give the reference as ref_x and ref_n (counts and populations), or "
            "give ref_crude_rate= (events per person) together with ref_rate="
        )
    scale = crude * multiplier / expected
    limits = [
        (level, *poisson_limits(count, level, scale)) for level in confidence_levels(confidence)
    ]
    return output(
        res,
        {
            "count": count,
            "expected": expected,
            "denominator": frame["n"],
            "value": count * scale,
        },
        limits,
        after={"method": method_labels(count)},
    )


def _observed_expected(what, x, n, ref_x, ref_n, ref_rate, age, data, by):
    """Validate inputs; return (group sums, resolved inputs, observed O, expected E)."""
    if ref_rate is None and (ref_x is None or ref_n is None):
        raise StatsInputError(
            f"{what}: give the reference as ref_x and ref_n, or as ref_rate (per person)"
        )
    if ref_rate is not None and (ref_x is not None or ref_n is not None):
        raise StatsInputError(f"{what}: give either ref_rate or ref_x and ref_n, not both")
    per_band = {
        name: value
        for name, value in (("ref_x", ref_x), ("ref_n", ref_n), ("ref_rate", ref_rate))
        if _is_per_band(value, data, x)
    }
    per_row = {
        name: value
        for name, value in (("ref_x", ref_x), ("ref_n", ref_n), ("ref_rate", ref_rate))
        if value is not None and name not in per_band
    }
    res = resolve(data, by, what=what, x=x, n=n, **per_row)
    if per_band:
        res = _add_band_values(what, res, per_band, age, data)
    if not all((res[name] >= 0).all() for name in res.values):
        for name in res.values:
            check(res, res[name] < 0, f"{what}: {name} is negative")
    if ref_rate is None:
        check(
            res,
            (res["ref_n"] == 0) & (res["ref_x"] > 0),
            f"{what}: reference population ref_n is 0 but ref_x is not",
        )
        safe = np.where(res["ref_n"] == 0, 1.0, res["ref_n"])
        rates = res["ref_x"] / safe
    else:
        rates = res["ref_rate"]
    expected = sum_within(res.groups, res["n"] * rates)
    fail(
        res.groups,
        expected == 0,
        f"{what}: expected count is 0 (reference rates or population are 0)",
    )
    names = ["x", "n"] + (["ref_x", "ref_n"] if ref_rate is None else [])
    sums = group_sums(res, *names)
    return sums, res, sums["x"], expected


def _is_per_band(value, data, x) -> bool:
    """A reference keyed by age band (mapping / labelled Series / short sequence)?"""
    if isinstance(value, Mapping):
        return True
    if value is None or isinstance(value, str) or np.ndim(value) == 0:
        return False
    if isinstance(value, pd.Series):
        return not isinstance(value.index, pd.RangeIndex)
    if data is not None:
        rows = len(frame_of(data))
    elif not isinstance(x, str) and np.ndim(x) == 1:
        rows = len(x)
    else:
        return False
    return len(value) != rows


def _add_band_values(what, res: Resolved, per_band: dict, age, data) -> Resolved:
    """Look up per-band reference values for each row (checks every band is present)."""
    tables = {}
    for name, value in per_band.items():
        if isinstance(value, Mapping | pd.Series):
            table = pd.Series(value, dtype=float)
            table.index = table.index.map(str)
        else:
            if age is not None:
                raise StatsInputError(
                    f"{what}: {name} is a plain sequence, matched to rows by position; to "
                    "match the age= labels give it as a mapping {age band: value}"
                )
            table = pd.Series(np.asarray(value, dtype=float))
            table.index = [f"band {i + 1}" for i in range(len(table))]
        tables[name] = table
    bands = list(next(iter(tables.values())).index)
    for name, table in tables.items():
        if list(table.index) != bands:
            raise StatsInputError(f"{what}: the reference inputs do not cover the same age bands")
        if table.isna().any():
            raise StatsInputError(f"{what}: {name} has missing values for age bands {bands}")
    age_labels = None if age is None else raw_column(data, age, "age", len(res))
    positions = band_positions(res, age_labels, bands, what)
    values = dict(res.values)
    for name, table in tables.items():
        values[name] = table.to_numpy()[positions]
    return Resolved(values=values, groups=res.groups, borrowed=res.borrowed)
