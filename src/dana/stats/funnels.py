"""Funnel-plot control limits for proportions, rates and ratios (Spiegelhalter 2005).

:func:`funnel_limits` returns either the limit curves over a range of denominators (for
drawing the funnel) or, for each area, its value, the limits at its own denominator and
which side of them it falls ("High (0.025)", "Low (0.001)"...), as PHEindicatormethods
does.

References
----------
- Spiegelhalter DJ (2005) Funnel plots for comparing institutional performance.
  *Statistics in Medicine* 24:1185-1202.
- PHEindicatormethods ``R/Funnels.R`` and ``R/utils.R`` (``sigma_adjustment``,
  ``poisson_funnel``, ``assign_funnel_significance``); Fingertips technical guidance
  "Funnel plots" (June 2017).
- Manktelow BN & Seaton SE (2012) PLoS One 7:e45723 (interpolating discrete limits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._common import (
    EXACT_BELOW,
    StatsInputError,
    confidence_levels,
    limit_columns,
    poisson_limits,
    z_value,
)
from dana.stats._frame import check, check_multiplier, fail, resolve
from dana.stats._output import carry_columns, labels_column
from dana.stats._poisson_funnel import limit_counts

STATISTICS = ("proportion", "rate", "ratio")
_DEFAULT_MULTIPLIER = {"proportion": 100.0, "rate": 100_000.0, "ratio": 1.0}
_NOT_SIGNIFICANT = "Not significant"
_NOT_APPLICABLE = "Not applicable: fewer than 10 events"


def funnel_limits(
    statistic: str,
    x=None,
    n=None,
    *,
    data=None,
    by=None,
    value=None,
    target: float | None = None,
    multiplier: float | None = None,
    confidence=(0.95, 0.998),
    denominators=None,
    n_points: int | None = None,
    overdispersion: bool = False,
) -> pd.DataFrame:
    """Funnel-plot control limits, for plotting or for classifying areas.

    Parameters
    ----------
    statistic:
        ``"proportion"`` (numerator x out of denominator N), ``"rate"`` (events O per
        population n) or ``"ratio"`` (observed O over expected E, e.g. an SMR).
    x, n:
        Counts x (events O) and denominators n (for ratios, expected counts E): scalars, arrays or column names of ``data=``. For a rate given as a
        value (e.g. a DSR), pass ``value=`` and ``x=`` and omit ``n``:
        it is derived as ``multiplier * O / value`` (the PHE "derived denominator").
    by:
        Key column(s): one funnel (one centre line) per group, e.g. per indicator.
    target:
        The centre line, on the output scale (e.g. 25 for 25% with multiplier 100).
        Default: the pooled value ``sum(x) / sum(N) * multiplier`` of the areas given
        (proportions, rates), or ``1 * multiplier`` for ratios.
    multiplier:
        100 (percent) for proportions, 100,000 for rates and 1 for ratios by default.
    confidence:
        One level or several; default 95% and 99.8% (PHE's 2 and 3 sigma limits,
        tails of 0.025 and 0.001).
    denominators, n_points:
        Give either to get the limit *curves*: one row per denominator (for ratios, the
        expected count E) with ``denominator``, ``value`` (the centre line) and limit
        columns. ``n_points`` spaces points geometrically from the smallest to 1.1 x the
        largest denominator in the data. Without them, one row per area is returned.
    overdispersion:
        Spiegelhalter's (2005, s.4) multiplicative over-dispersion adjustment: z-scores
        ``z_i = (y_i - centre) / sqrt(V_i)`` are winsorised at their 10th and 90th
        percentiles, ``phi = mean(z_w^2)``, and when ``phi > 1`` every limit's distance
        from the centre is multiplied by ``sqrt(phi)``. Areas are then classified by
        their value against the adjusted limits. Needs area data.

    Returns
    -------
    DataFrame
        Per area (data columns first): ``count``, ``denominator``, ``value``,
        ``centre``, ``lower_<level>``/``upper_<level>`` at the area's own denominator,
        ``significance`` ("High (0.001)", "High (0.025)", "Low (0.025)", "Low (0.001)"
        or "Not significant", from the widest level the area is beyond) and ``outlier``
        ("high", "low" or "none": beyond the limits of the *highest* confidence level
        asked for), both pandas Categoricals that compare equal to text, plus ``phi`` when ``overdispersion=True``. Rates given as
        ``value=`` (DSRs) with fewer than 10 events are "Not applicable: fewer than 10
        events" / ``not_applicable`` (PHE: "Not applicable for events less than 10 for
        dsrs"), and are left out of the centre and of phi.

    Formulas
    --------
    Proportions (PHE ``sigma_adjustment``), with a = centre / multiplier and z the
    two-sided normal quantile of the level::

        first = a (N/z^2 + 1);   last = 1/z^2 + 1/N
        adj   = sqrt((-8 a (N/z^2 + 1))^2 - 64 (1/z^2 + 1/N) a (N (a (N/z^2 + 2) - 1) + z^2 (a - 1)))
        lower, upper = (first -/+ adj/8) / last / N * multiplier

    This simplifies algebraically to ``a -/+ z sqrt(a (1 - a) / N)``, which is what is
    computed: the values whose Wilson score interval just reaches ``a``, so an area is
    outside the limits exactly when its Wilson interval excludes the centre. Limits are
    clamped to [0, multiplier] (PHEindicatormethods clamps to 0-100 whatever the
    multiplier, which is wrong per 1,000).

    Rates and ratios: under the null the count is Poisson with mean
    ``E = denominator * centre / multiplier``. The upper limit is the count U with
    ``P(X >= U | E) = alpha/2`` and the lower the count L with ``P(X <= L | E) = alpha/2``,
    the Poisson tails made continuous through the incomplete gamma function
    (``gammainc(U, E) = alpha/2``, ``gammaincc(L + 1, E) = alpha/2``), solved by
    bisection. This is the same as PHE's bisection on exact Poisson tail
    probabilities, and equivalently U is the count whose exact chi-square lower
    confidence limit ``chi2_inv(alpha/2; 2U)/2`` equals E, and L the count whose exact
    upper limit ``chi2_inv(1 - alpha/2; 2L + 2)/2`` equals E. Above 4,096 areas the counts
    come from a spline fitted once per level to the bisection (within 1e-9 of it; see
    :mod:`dana.stats._poisson_funnel`). Limits on the output scale
    are ``U / denominator * multiplier``; L is 0 when E < -ln(alpha/2) (3.689 at 95%).

    Edge rules
    ----------
    Areas are classified as Fingertips does: proportions by value against the limits
    (identical to the Wilson rule above); rates and ratios by the area's own Poisson
    limits (exact below 10 events, Byar's at 10 or more, see
    :func:`dana.stats._common.poisson_limits`) against the centre, so a count of 10+
    lying within 0.2% of a limit may fall either side. Denominators must be > 0 and
    counts >= 0 (proportions: x <= N); errors name the offending row or group.
    """
    if statistic not in STATISTICS:
        raise StatsInputError(
            f"funnel_limits: statistic must be one of {STATISTICS}, not {statistic!r}"
        )
    levels = confidence_levels(confidence)
    multiplier = (
        _DEFAULT_MULTIPLIER[statistic] if multiplier is None else check_multiplier(multiplier)
    )
    curve = denominators is not None or n_points is not None
    has_areas = x is not None or n is not None or value is not None
    if curve and denominators is not None and n_points is not None:
        raise StatsInputError("funnel_limits: give denominators= or n_points=, not both")
    if not has_areas:
        if not curve:
            raise StatsInputError(
                "funnel_limits: give area data (x and n) or, for the limit "
                "curves alone, target= and denominators="
            )
        if target is None and statistic != "ratio":
            raise StatsInputError(
                "funnel_limits: without area data, target= (the centre) is needed"
            )
        if denominators is None:
            raise StatsInputError(
                "funnel_limits: n_points= needs area data to span; give denominators="
            )
        if overdispersion:
            raise StatsInputError(
                "funnel_limits: overdispersion=True needs area data to estimate phi"
            )
        centre = np.array([_default_target(statistic, target, multiplier)])
        return _curves(statistic, centre, None, np.ones(1), levels, multiplier, denominators, None)

    areas = _areas(statistic, x, n, value, data, by, target, multiplier)
    phi = _phi(statistic, areas, multiplier) if overdispersion else np.ones(areas["n_groups"])
    if curve:
        keys = areas["keys"] if areas["grouped"] else None
        return _curves(
            statistic,
            areas["centre"],
            keys,
            phi,
            levels,
            multiplier,
            denominators,
            n_points,
            areas["denominator"],
            areas["codes"],
        )
    return _classify(statistic, areas, phi, levels, multiplier, data, overdispersion)


def _default_target(statistic: str, target, multiplier: float) -> float:
    if target is not None:
        centre = float(target)
        upper_bound = multiplier if statistic == "proportion" else np.inf
        if not 0 < centre < upper_bound:
            raise StatsInputError(
                f"funnel_limits: target={target!r} must be above 0"
                + (f" and below the multiplier {multiplier:g}" if statistic == "proportion" else "")
            )
        return centre
    if statistic == "ratio":
        return multiplier
    raise StatsInputError("funnel_limits: target= is needed")


def _areas(statistic, numerator, denominator, value, data, by, target, multiplier) -> dict:
    """Resolve and validate the area inputs; derive denominators; compute the centre(s)."""
    if numerator is None:
        raise StatsInputError("funnel_limits: x= (the counts) is needed for area data")
    if denominator is None and (value is None or statistic == "proportion"):
        raise StatsInputError(
            "funnel_limits: n= (the denominators) is needed (rates may give value= instead, "
            "from which the denominator is derived)"
        )
    res = resolve(
        data,
        by,
        what="funnel_limits",
        optional=("n", "value"),
        x=numerator,
        n=denominator,
        value=value,
    )
    x = res["x"]
    check(res, x < 0, f"funnel_limits: count x is negative ({statistic})")
    not_applicable = np.zeros(len(x), dtype=bool)
    if denominator is None:
        # DSR-type values: PHE gives "Not applicable for events less than 10 for dsrs"
        v = res["value"]
        check(res, v < 0, "funnel_limits: value is negative")
        check(res, (v == 0) & (x > 0), "funnel_limits: value 0 with events cannot derive n")
        not_applicable = x < EXACT_BELOW
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.where(x > 0, multiplier * x / v, np.nan)
    else:
        n = res["n"]
        check(res, n <= 0, "funnel_limits: denominator n must be greater than zero")
    if statistic == "proportion":
        check(res, x > n, "funnel_limits: count x is greater than denominator n")

    groups = res.groups
    codes = groups.codes if groups.grouped else np.zeros(len(x), dtype=int)
    n_groups = groups.count if groups.grouped else 1
    if target is not None:
        centre = np.full(n_groups, float(target))
    elif statistic == "ratio":
        centre = np.full(n_groups, multiplier)
    else:
        usable = np.isfinite(n) & ~not_applicable
        if not groups.grouped and usable.all():  # one funnel of every area: two sums
            sum_x, sum_n = np.array([x.sum(dtype=float)]), np.array([n.sum(dtype=float)])
        else:
            sum_x = np.bincount(codes, weights=np.where(usable, x, 0), minlength=n_groups)
            sum_n = np.bincount(codes, weights=np.where(usable, n, 0), minlength=n_groups)
        centre = sum_x / sum_n * multiplier
    if statistic == "proportion":
        bad = (centre <= 0) | (centre >= multiplier)
        problem = (
            "funnel_limits: the centre proportion must lie strictly between 0 and the "
            "multiplier (all zeros or all events give no funnel)"
        )
    else:
        bad = centre <= 0
        problem = "funnel_limits: the centre rate must be greater than zero"
    if groups.grouped:
        fail(groups, bad, problem)
    elif bad.any():
        raise StatsInputError(f"{problem}: all rows (centre {centre[0]:g})")
    return {
        "numerator": x,
        "denominator": n,
        "not_applicable": not_applicable,
        "value": res["value"] if denominator is None else x / n * multiplier,
        "codes": codes,
        "n_groups": n_groups,
        "centre": centre,
        "grouped": groups.grouped,
        "keys": groups.keys,
        "groups": groups,
        "resolved": res,
    }


def _limits(statistic, centre, n, level, multiplier, phi):
    """Lower and upper limits on the output scale at denominators ``n``."""
    z = z_value(level)
    if statistic == "proportion":
        if phi is None and centre.strides == (0,):  # one funnel: the centre is a scalar
            a = float(centre[0]) / multiplier
            half = np.sqrt(n)  # z sqrt(a (1 - a)) m / sqrt(N), built in place
            np.divide(z * np.sqrt(a * (1 - a)) * multiplier, half, out=half)
            lower, upper = a * multiplier - half, half
            upper += a * multiplier
            # a in (0, 1): the lower limit is below m and the upper above 0
            return np.maximum(lower, 0, out=lower), np.minimum(upper, multiplier, out=upper)
        a = centre / multiplier
        half = z * np.sqrt(a * (1 - a) / n)
        lower, upper = (a - half) * multiplier, (a + half) * multiplier
    else:
        expected = n * centre / multiplier
        low_count, high_count = limit_counts(expected, 1 - level)
        lower, upper = low_count / n * multiplier, high_count / n * multiplier
    if phi is not None:  # over-dispersion: widen by sqrt(phi) about the centre
        lower = centre - np.sqrt(phi) * (centre - lower)
        upper = centre + np.sqrt(phi) * (upper - centre)
    if statistic == "proportion":
        return np.clip(lower, 0, multiplier), np.clip(upper, 0, multiplier)
    return np.maximum(lower, 0.0), upper


def _curves(
    statistic,
    centre,
    keys,
    phi,
    levels,
    multiplier,
    denominators,
    n_points,
    area_denominators=None,
    codes=None,
) -> pd.DataFrame:
    """Limit curves: one row per (group, denominator)."""
    if denominators is not None:
        grid = np.asarray(denominators, dtype=float).ravel()
        if grid.size == 0 or not np.isfinite(grid).all() or (grid <= 0).any():
            raise StatsInputError(
                "funnel_limits: denominators= must be finite and greater than zero"
            )
        group_of = np.repeat(np.arange(len(centre)), grid.size)
        n = np.tile(grid, len(centre))
    else:
        if int(n_points) < 2:
            raise StatsInputError("funnel_limits: n_points= must be at least 2")
        usable = np.isfinite(area_denominators)
        smallest = np.full(len(centre), np.inf)
        largest = np.zeros(len(centre))
        np.minimum.at(smallest, codes[usable], area_denominators[usable])
        np.maximum.at(largest, codes[usable], area_denominators[usable])
        # one geometric grid per funnel, shape (groups, n_points)
        n = np.geomspace(smallest, 1.1 * largest, int(n_points)).T.ravel()
        group_of = np.repeat(np.arange(len(centre)), int(n_points))
    body = {"denominator": n, "value": centre[group_of]}
    for level in levels:
        widen = None if (phi == 1).all() else phi[group_of]
        lower, upper = _limits(statistic, centre[group_of], n, level, multiplier, widen)
        lo_name, hi_name = limit_columns(level)
        body[lo_name], body[hi_name] = lower, upper
    result = pd.DataFrame(body)
    if keys is not None:
        result = pd.concat([keys.iloc[group_of].reset_index(drop=True), result], axis=1)
    return result


def _phi(statistic, areas, multiplier):
    """Spiegelhalter's winsorised multiplicative over-dispersion factor, per funnel (>= 1)."""
    codes, n_groups = areas["codes"], areas["n_groups"]
    centre = areas["centre"][codes]
    n = areas["denominator"]
    if statistic == "proportion":
        variance = (centre / multiplier) * (1 - centre / multiplier) * multiplier**2 / n
    else:
        variance = centre * multiplier / n  # Var(O) = E, so Var(O/n * m) = centre * m / n
    usable = ~areas["not_applicable"]
    z = np.where(usable, (areas["value"] - centre) / np.sqrt(variance), np.nan)
    frame = pd.DataFrame({"group": codes, "z": z})
    bounds = frame.groupby("group")["z"].quantile([0.1, 0.9]).unstack()
    low = bounds[0.1].to_numpy()[codes]
    high = bounds[0.9].to_numpy()[codes]
    winsorised = np.where(usable, np.clip(z, low, high), 0.0)
    sizes = np.bincount(codes, weights=usable, minlength=n_groups)
    phi = np.bincount(codes, weights=winsorised**2, minlength=n_groups) / sizes
    return np.maximum(phi, 1.0)


def _tail_label(level: float) -> str:
    return f"{(1 - level) / 2:.6g}"


def _classify(statistic, areas, phi, levels, multiplier, data, overdispersion) -> pd.DataFrame:
    codes = areas["codes"]
    size = len(codes)
    centre = areas["centre"]
    # one funnel: a broadcast view instead of a gathered copy
    centre = np.broadcast_to(centre[0], size) if len(centre) == 1 else centre[codes]
    n, x, value = areas["denominator"], areas["numerator"], areas["value"]
    phi_rows = phi[codes] if overdispersion else None
    body = {"count": x, "denominator": n, "value": value, "centre": centre}
    # label codes: 0 not significant, then High/Low per level (narrowest first), then n/a
    words = [_NOT_SIGNIFICANT]
    significance = np.zeros(size, dtype=np.intp)
    outlier = np.zeros(size, dtype=np.intp)  # none, high, low, not applicable
    for level in sorted(levels):  # widest level last so it overwrites narrower labels
        lower, upper = _limits(statistic, centre, n, level, multiplier, phi_rows)
        lo_name, hi_name = limit_columns(level)
        body[lo_name], body[hi_name] = lower, upper
        if statistic == "proportion" or overdispersion:
            high, low = value > upper, value < lower
        else:
            # the area's own limits on the count scale against the expected count
            # E = n * centre / multiplier (for ratios, E itself): no rounding from
            # dividing by n, so an exact tie O_limit = E is "not significant"
            count_low, count_high = poisson_limits(x, level)
            expected = n * centre / multiplier
            high, low = count_low > expected, count_high < expected
        tail = _tail_label(level)
        significance[high] = len(words)
        significance[low] = len(words) + 1
        words += [f"High ({tail})", f"Low ({tail})"]
        if level == max(levels):
            outlier[high], outlier[low] = 1, 2
    not_applicable = areas["not_applicable"]
    significance[not_applicable] = len(words)
    outlier[not_applicable] = 3
    # few words, a million rows: one small code per row, not a string per row
    body["significance"] = labels_column([*words, _NOT_APPLICABLE], significance)
    body["outlier"] = labels_column(["none", "high", "low", "not_applicable"], outlier)
    if overdispersion:
        body["phi"] = phi_rows
    return carry_columns(data, body, areas["resolved"])
