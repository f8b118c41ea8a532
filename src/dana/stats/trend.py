"""The Fingertips "recent trend" marker over the last five time points.

:func:`trend` labels each series (one per group, e.g. per indicator x area) as
"Increasing and getting worse", "Decreasing and getting better", "No significant
change", "Cannot be calculated"... Vectorised: the last five points of every group are
laid out as a (groups, 5) array, so there is no Python loop over groups.

References
----------
- Armitage P (1955) Tests for linear trends in proportions and frequencies.
  *Biometrics* 11:375-386 (chi-square test for linear trend).
- OHID Fingertips Public Health Technical Guidance, "Recent trends"; PHEindicatormethods
  development branch ``add_trend_markers`` (``assign_trend_markers``, 2025).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as _sp

from dana.stats._common import (
    StatsInputError,
    confidence_levels,
    limit_columns,
    z_value,
)
from dana.stats._frame import check, frame_of, raw_column, resolve
from dana.stats._output import output
from dana.vocabulary import DECREASING, GETTING_BETTER, GETTING_WORSE, INCREASING, POLARITIES
from dana.vocabulary import NO_SIGNIFICANT_CHANGE as NO_CHANGE
from dana.vocabulary import TREND_NOT_CALCULATED as CANNOT

#: Points used: the most recent five.
TREND_POINTS = 5
#: Chi-square with 1 df at 99.8%: 9.5495 (= 3.090232^2).
TREND_THRESHOLD = float(_sp.chi2.ppf(0.998, 1))


def trend(
    value=None,
    lower=None,
    upper=None,
    *,
    x=None,
    n=None,
    period=None,
    data=None,
    by=None,
    value_type: str = "proportion",
    polarity="no_judgement",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Recent-trend marker for one series or many (``by=``), as in Fingertips.

    Parameters
    ----------
    value, lower, upper:
        For value types other than proportions: the values and their confidence limits
        at level ``confidence`` (scalars, arrays or column names of ``data=``; with
        ``data=`` they default to ``"value"``, ``"lower_95"``, ``"upper_95"``).
    x, n:
        For proportions: counts and denominators (default columns ``"count"`` and
        ``"denominator"``).
    period:
        The time point of each row (column name or array), anything that sorts in time
        order: ``period_sort`` (the default with ``data=``), years, or labels such as
        "2019/20". Points are scored 1..5 in time order (equally spaced, as Fingertips'
        consecutive periods are).
    by:
        Key columns of the series (e.g. ``["indicator_id", "area_code", "sex", "age"]``);
        without it, all rows form one series.
    value_type:
        ``"proportion"`` uses Armitage's chi-square test on counts; anything else (the
        indicator table's ``crude_rate``, ``dsr``, ``isr``...) uses inverse-variance
        weighted regression. A column name of ``data`` may be given (constant per series).
    polarity:
        ``"low_is_good"``, ``"high_is_good"``, ``"no_judgement"`` or a column name
        (constant per series).

    Returns
    -------
    DataFrame
        One row per series (group keys first) with ``trend`` (the label),
        ``statistic`` (chi-square, 1 df), ``slope`` (change per time point: of the
        proportion as a fraction, or of the value), ``method``, ``n_points``,
        ``period_from``/``period_to`` (the points used) and ``note`` (why a trend
        cannot be calculated or was overruled, else "").

    Formulas
    --------
    Proportions (Armitage 1955), with scores x_i = 1..5, counts r_i of n_i,
    ``N = sum n``, ``p = sum r / N``, ``xbar = sum n x / N``::

        T    = sum r_i (x_i - xbar)            (slope = T / sum n_i (x_i - xbar)^2)
        chi2 = T^2 / (p (1 - p) sum n_i (x_i - xbar)^2)

    Other values, with variances from the limits ``var_i = ((U_i - L_i) / (2 z))^2``
    (z for ``confidence``), weights ``w_i = 1/var_i``, weighted means xbar, ybar::

        Sxx  = sum w (x - xbar)^2 ;  Sxy = sum w (x - xbar)(y - ybar)
        slope = Sxy / Sxx ;  chi2 = slope^2 / Var(slope) = Sxy^2 / Sxx

    The trend is significant when ``chi2 > 9.5495`` (chi-square 1 df at 99.8%).

    Edge rules
    ----------
    - The last five time points are used. Fewer than five, a period repeated within a
      series, or a missing input among the five give "Cannot be calculated".
    - Outlier check: the slope is recomputed leaving out each of the five points in
      turn; if any of these slopes lacks the full slope's sign (flips or is zero) the
      result is "No significant change".
    - All five proportions 0 (or all 1) cannot change: "No significant change".
    - "Increasing"/"Decreasing" get "and getting better"/"and getting worse" when the
      polarity is low_is_good/high_is_good.
    - Negative counts, counts above denominators, denominators <= 0 or limits with
      upper <= lower raise :class:`StatsInputError` naming the series.
    """
    (level,) = confidence_levels(confidence)
    frame = frame_of(data)
    if frame is not None:
        # default to the indicator table's columns that this value type needs
        kind = _per_series_text(frame, value_type, "value_type", None)
        wants_counts = kind is None or kind == "proportion"
        wants_limits = kind is None or kind != "proportion"
        defaults = {
            "period": (period, "period_sort", True),
            "x": (x, "count", wants_counts),
            "n": (n, "denominator", wants_counts),
            "value": (value, "value", wants_limits),
            "lower": (lower, limit_columns(level)[0], wants_limits),
            "upper": (upper, limit_columns(level)[1], wants_limits),
        }
        chosen = {
            name: column if given is None and wanted and column in frame.columns else given
            for name, (given, column, wanted) in defaults.items()
        }
        period, x, n = chosen["period"], chosen["x"], chosen["n"]
        value, lower, upper = chosen["value"], chosen["lower"], chosen["upper"]
    if period is None:
        raise StatsInputError("trend: period= (the time point of each row) is needed")
    res = resolve(
        data,
        by,
        what="trend",
        optional=("x", "n", "value", "lower", "upper"),
        pool_ungrouped=True,
        allow_missing=True,
        x=x,
        n=n,
        value=value,
        lower=lower,
        upper=upper,
    )
    size, groups = len(res), res.groups
    codes, n_series = groups.codes, groups.count
    periods = raw_column(frame, period, "period", size)
    check(res, periods.isna().to_numpy(), "trend: period is missing")

    # per-series settings, checked constant within each series
    is_prop = _per_series_text(frame, value_type, "value_type", (codes, n_series, res))
    is_prop = np.broadcast_to(np.asarray(is_prop == "proportion"), (n_series,))
    pol = np.broadcast_to(
        np.asarray(_per_series_text(frame, polarity, "polarity", (codes, n_series, res))),
        (n_series,),
    )
    bad_pol = ~np.isin(pol, POLARITIES)
    if bad_pol.any():
        raise StatsInputError(
            f"trend: polarity {pol[bad_pol][0]!r} is not one of {POLARITIES} "
            f"({groups.label(int(np.flatnonzero(bad_pol)[0]))})"
        )
    row_prop = is_prop[codes]
    for name in ("x", "n") if row_prop.any() else ():
        if name not in res:
            raise StatsInputError(f"trend: {name}= is needed for proportions")
    for name in ("value", "lower", "upper") if (~row_prop).any() else ():
        if name not in res:
            raise StatsInputError(f"trend: {name}= is needed for value type {value_type!r}")

    # lay out the last five points of every series as (series, 5)
    period_rank = pd.Series(periods).rank(method="dense").to_numpy()
    order = np.lexsort((period_rank, codes))
    sorted_codes, sorted_rank = codes[order], period_rank[order]
    duplicated = np.zeros(n_series, dtype=bool)
    same = (sorted_codes[1:] == sorted_codes[:-1]) & (sorted_rank[1:] == sorted_rank[:-1])
    duplicated[sorted_codes[1:][same]] = True
    sizes = np.bincount(codes, minlength=n_series)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    from_end = sizes[sorted_codes] - 1 - (np.arange(size) - starts[sorted_codes])
    keep = from_end < TREND_POINTS
    rows, series, slot = order[keep], sorted_codes[keep], TREND_POINTS - 1 - from_end[keep]

    def grid(values):
        out = np.full((n_series, TREND_POINTS), np.nan)
        out[series, slot] = values[rows]
        return out

    period_from = np.full(n_series, None, dtype=object)
    period_to = np.full(n_series, None, dtype=object)
    first_slot = slot == TREND_POINTS - np.minimum(sizes, TREND_POINTS)[series]
    period_from[series[first_slot]] = periods.to_numpy(dtype=object)[rows[first_slot]]
    period_to[series[slot == TREND_POINTS - 1]] = periods.to_numpy(dtype=object)[
        rows[slot == TREND_POINTS - 1]
    ]

    scores = np.arange(1.0, TREND_POINTS + 1)
    statistic = np.full(n_series, np.nan)
    slope = np.full(n_series, np.nan)
    loo_slopes = np.full((n_series, TREND_POINTS), np.nan)
    missing = np.zeros(n_series, dtype=bool)

    if is_prop.any():
        _validate_counts(res, row_prop)
        r, n_grid = grid(res["x"]), grid(res["n"])
        missing |= is_prop & np.isnan(r + n_grid).any(axis=1)
        stat, b, loo = _armitage(r, n_grid, scores)
        statistic = np.where(is_prop, stat, statistic)
        slope = np.where(is_prop, b, slope)
        loo_slopes = np.where(is_prop[:, None], loo, loo_slopes)
    if (~is_prop).any():
        lo_in, hi_in = res["lower"], res["upper"]
        check(
            res,
            (~row_prop) & (hi_in <= lo_in),
            "trend: upper limit must be greater than lower limit",
        )
        y = grid(res["value"])
        variance = ((grid(hi_in) - grid(lo_in)) / (2 * z_value(level))) ** 2
        missing |= ~is_prop & np.isnan(y + variance).any(axis=1)
        stat, b, loo = _weighted_regression(y, 1 / variance, scores)
        statistic = np.where(is_prop, statistic, stat)
        slope = np.where(is_prop, slope, b)
        loo_slopes = np.where(is_prop[:, None], loo_slopes, loo)

    direction = np.sign(slope)
    flipped = (np.sign(loo_slopes) != direction[:, None]).any(axis=1)
    too_few = sizes < TREND_POINTS
    cannot = too_few | duplicated | missing
    significant = ~cannot & (statistic > TREND_THRESHOLD) & ~flipped & (direction != 0)

    label = np.where(direction > 0, INCREASING, DECREASING).astype(object)
    worse = ((pol == "low_is_good") & (direction > 0)) | ((pol == "high_is_good") & (direction < 0))
    judged = pol != "no_judgement"
    label = np.where(judged, label + np.where(worse, GETTING_WORSE, GETTING_BETTER), label)
    label = np.where(significant, label, NO_CHANGE)
    label = np.where(cannot, CANNOT, label)

    note = np.full(n_series, "", dtype=object)
    outlier = ~cannot & (statistic > TREND_THRESHOLD) & (flipped | (direction == 0))
    note[outlier] = "significant, but leaving one point out changes the slope's sign"
    note[missing] = "a value or limit is missing among the last 5 time points"
    note[duplicated] = "a period appears more than once in the series"
    note[too_few] = "fewer than 5 time points"
    statistic = np.where(cannot, np.nan, statistic)
    slope = np.where(cannot, np.nan, slope)

    return output(
        res,
        {
            "trend": pd.array(label, dtype="str"),
            "statistic": statistic,
            "slope": slope,
            "method": pd.array(
                np.where(is_prop, "chi_square_linear_trend", "weighted_regression"), dtype="str"
            ),
            "n_points": np.minimum(sizes, TREND_POINTS),
            "period_from": period_from,
            "period_to": period_to,
            "note": pd.array(note, dtype="str"),
        },
    )


def _per_series_text(frame, setting, name: str, grouping):
    """A per-series text setting: a scalar word, or a column constant within each series.

    With ``grouping=None`` only a scalar is resolved (a column gives None, "unknown yet").
    """
    if isinstance(setting, str) and (frame is None or setting not in frame.columns):
        return np.asarray(setting, dtype=object)
    if grouping is None:
        return None
    codes, n_series, res = grouping
    column = raw_column(frame, setting, name, len(codes)).astype(object).to_numpy()
    first = np.empty(n_series, dtype=object)
    first[codes[::-1]] = column[::-1]
    check(res, column != first[codes], f"trend: {name} differs within a series")
    return first


def _validate_counts(res, rows) -> None:
    r, n = res["x"], res["n"]
    check(res, rows & (r < 0), "trend: count x is negative")
    check(res, rows & (n <= 0), "trend: denominator n must be greater than zero")
    check(res, rows & (r > n), "trend: count x is greater than denominator n")


def _leave_one_out(array: np.ndarray) -> np.ndarray:
    """(series, 5) -> (series, 5 left out, 5) with the left-out point zeroed (weight 0)."""
    keep = 1.0 - np.eye(TREND_POINTS)
    return array[:, None, :] * keep[None, :, :]


def _armitage(r: np.ndarray, n: np.ndarray, x: np.ndarray):
    """Chi-square for linear trend, slope of p on x (weights n), leave-one-out slope signs."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = n.sum(axis=1)
        p = r.sum(axis=1) / total
        xbar = (n * x).sum(axis=1) / total
        dev = x - xbar[:, None]
        t = (r * dev).sum(axis=1)
        sxx = (n * dev**2).sum(axis=1)
        chi2 = np.where((p > 0) & (p < 1), t**2 / (p * (1 - p) * sxx), 0.0)
        slope = t / sxx
        n_loo, r_loo = _leave_one_out(n), _leave_one_out(r)
        xbar_loo = (n_loo * x).sum(axis=2) / n_loo.sum(axis=2)
        t_loo = (r_loo * (x - xbar_loo[..., None])).sum(axis=2)
    return chi2, slope, t_loo


def _weighted_regression(y: np.ndarray, w: np.ndarray, x: np.ndarray):
    """Inverse-variance weighted slope of y on x, its Wald chi-square, leave-one-out slopes."""
    with np.errstate(invalid="ignore", divide="ignore"):
        xbar = (w * x).sum(axis=1) / w.sum(axis=1)
        ybar = (w * y).sum(axis=1) / w.sum(axis=1)
        dx, dy = x - xbar[:, None], y - ybar[:, None]
        sxx = (w * dx**2).sum(axis=1)
        sxy = (w * dx * dy).sum(axis=1)
        slope = sxy / sxx
        chi2 = sxy**2 / sxx
        w_loo = _leave_one_out(w)
        y_loo = y[:, None, :]
        xbar_loo = (w_loo * x).sum(axis=2) / w_loo.sum(axis=2)
        ybar_loo = (w_loo * y_loo).sum(axis=2) / w_loo.sum(axis=2)
        sxy_loo = (w_loo * (x - xbar_loo[..., None]) * (y_loo - ybar_loo[..., None])).sum(axis=2)
    return chi2, slope, sxy_loo
