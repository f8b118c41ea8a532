"""Slope and relative index of inequality (SII, RII) across ordered deprivation quantiles.

References
----------
- Low A, Low A (2004) Measuring the gap: quantifying and comparing local health
  inequalities. *J Public Health* 26:388-395 (SII by weighted regression on the
  cumulative-population midpoint rank; confidence limits by simulation).
- Public Health England (2018) "Slope index of inequality (SII) and relative index of
  inequality (RII)" technical guidance, and PHEindicatormethods ``phe_sii`` (the
  simulation method, 100,000 repetitions, log / logit transforms).
- Mackenbach JP, Kunst AE (1997) Measuring the magnitude of socio-economic inequalities
  in health. *Soc Sci Med* 44:757-771 (RII = SII / mean).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from dana.stats._common import StatsInputError, confidence_levels, limit_columns, z_value
from dana.stats._frame import check, check_multiplier, resolve
from dana.stats._output import labels_column, output_per_group_row

VALUE_TYPES = ("normal", "rate", "proportion")
INTERVALS = ("simulation", "closed_form")
#: Fewer quantiles than this in a group: no SII (quintiles are the coarsest scale used).
MIN_QUANTILES = 5
#: Repetitions of the simulation (PHE default).
REPETITIONS = 100_000
#: Default seed of the simulation, so that a build is reproducible.
SEED = 1
#: Simulated values drawn at once (normal deviates), to bound memory.
_DRAW_BLOCK = 2_000_000


def sii(
    value,
    population,
    quantile,
    *,
    lower=None,
    upper=None,
    se=None,
    count=None,
    data=None,
    by=None,
    value_type: str = "normal",
    transform: bool = False,
    multiplier: float = 1,
    confidence=0.95,
    interval: str = "simulation",
    repetitions: int = REPETITIONS,
    seed: int = SEED,
    rii: bool = True,
) -> pd.DataFrame:
    """SII and RII of a value across ordered quantiles (e.g. IMD deciles), with limits.

    Parameters
    ----------
    value, population, quantile
        Per quantile row: the indicator value, the population it covers, and the quantile
        number (1, 2, ... in order along the deprivation scale; IMD numbers 1 = most
        deprived). Scalars, arrays or column names of ``data``.
    lower, upper, se, count
        The value's uncertainty, one of: ``se`` (its standard error); ``lower`` and
        ``upper`` (its confidence limits at ``confidence``'s first level, from which
        ``se = (upper - lower) / (2 z)``); or, for rates and proportions, ``count`` (the
        numerator: rates ``se = value / sqrt(count)``, proportions
        ``se = sqrt(p (1 - p) / (count / p))`` with p = value / multiplier).
    data, by
        DataFrame and the columns that identify each SII (e.g. ``["area", "sex"]``): the
        rows of a group are its quantiles.
    value_type, transform, multiplier
        ``"normal"`` (default), ``"rate"`` or ``"proportion"``. With ``transform=True``
        rates are simulated on the log scale and proportions on the logit scale (values
        per ``multiplier``, e.g. 100 for percentages), as PHE does for skewed intervals.
    confidence
        One level or several, e.g. ``(0.95, 0.998)``.
    interval
        ``"simulation"`` (PHE method, default) or ``"closed_form"``.
    repetitions, seed
        Simulation size (default 100,000) and seed (default 1). Each group draws from
        its own stream, seeded by ``seed`` and the group's key values, so a group's
        limits do not depend on which other groups are in the input.
    rii
        Also return the RII (default True).

    Returns
    -------
    DataFrame, one row per group and statistic: [by columns], ``statistic`` ("sii",
    "rii"), ``quantiles`` (number used), ``denominator`` (total population), ``mean``
    (population-weighted mean value), ``value``, the limit columns, ``value_note``
    (why not calculated, else missing) and ``method``.

    Method
    ------
    Within each group, sort the k quantiles by number, with populations N_i, values
    y_i, total N and weights w_i = N_i / N. The midpoint rank of quantile i is the
    cumulative population share at its middle::

        x_i = (N_1 + ... + N_{i-1} + N_i / 2) / N

    The SII is the slope b of the weighted least-squares line of y on x (weights w)::

        xbar = sum w x (= 0.5),  ybar = sum w y
        b = sum w (x - xbar)(y - ybar) / sum w (x - xbar)^2,      RII = b / ybar

    i.e. the fitted value at x = 1 (the far end from quantile 1) minus that at x = 0:
    with quantile 1 the most deprived, SII is "least minus most deprived", positive when
    the value rises with affluence (life expectancy), negative when it falls (most
    mortality rates).

    Simulation limits (Low & Low 2004; PHE): draw ``repetitions`` sets of values
    y*_i ~ Normal(y_i, se_i) (on the log or logit scale when transformed, then
    back-transformed), recompute SII and RII for each set, and take the
    ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles (type 7) of the simulated
    values. Closed-form limits: b is linear in y, ``b = sum c_i y_i`` with
    ``c_i = w_i (x_i - xbar) / sum w (x - xbar)^2``, so ``Var(b) = sum c_i^2 se_i^2``
    and the limits are ``b -/+ z sqrt(Var(b))``; for the RII by the delta method,
    ``Var(RII) = (Var(b) - 2 RII Cov(b, ybar) + RII^2 Var(ybar)) / ybar^2`` with
    ``Cov(b, ybar) = sum c_i w_i se_i^2`` and ``Var(ybar) = sum w_i^2 se_i^2`` (values
    on their own scale; ``transform`` is not used).

    Edge rules: a group with fewer than 5 quantiles gets no SII (NaN and a
    ``value_note``, not an error). Errors (:class:`~dana.stats.StatsInputError`,
    naming the group and row): missing, infinite or negative inputs, a population of 0,
    a quantile number repeated within a group, lower above upper, no uncertainty given,
    values that the chosen transform cannot take (rates <= 0, proportions outside
    (0, 1)).
    """
    levels = confidence_levels(confidence)
    if value_type not in VALUE_TYPES:
        raise StatsInputError(f"sii: value_type must be one of {VALUE_TYPES}, not {value_type!r}")
    if interval not in INTERVALS:
        raise StatsInputError(f"sii: interval must be one of {INTERVALS}, not {interval!r}")
    if isinstance(repetitions, bool) or not isinstance(repetitions, int | np.integer):
        raise StatsInputError(f"sii: repetitions must be a whole number, not {repetitions!r}")
    if repetitions < 100:
        raise StatsInputError(f"sii: repetitions={repetitions} is too few (100 or more)")
    multiplier = check_multiplier(multiplier)
    if se is None and count is None and (lower is None or upper is None):
        raise StatsInputError(
            "sii: give the values' uncertainty: se=, lower= and upper=, or count= "
            "(rates and proportions)"
        )
    if count is not None and value_type == "normal" and se is None and lower is None:
        raise StatsInputError("sii: count= gives standard errors for rates and proportions only")
    res = resolve(
        data,
        by,
        what="sii",
        optional=("lower", "upper", "se", "count"),
        pool_ungrouped=True,
        value=value,
        population=population,
        quantile=quantile,
        lower=lower if se is None else None,
        upper=upper if se is None else None,
        se=se,
        count=count if se is None and lower is None else None,
    )
    y = res["value"]
    check(res, res["population"] < 0, "sii: population is negative")
    check(res, res["population"] == 0, "sii: population is 0 (a quantile needs people)")
    if "se" in res:
        check(res, res["se"] < 0, "sii: se is negative")
    if "lower" in res:
        check(res, res["lower"] > res["upper"], "sii: lower limit is greater than upper limit")
    if "count" in res:
        check(res, res["count"] <= 0, "sii: count must be greater than 0 to give a standard error")
    if value_type == "rate" and transform:
        check(res, y <= 0, "sii: a rate must be greater than 0 for its log (transform=True)")
    if value_type == "proportion":
        p = y / multiplier
        check(res, (p < 0) | (p > 1), f"sii: a proportion must lie between 0 and {multiplier:g}")
        if transform:
            check(
                res,
                (p == 0) | (p == 1),
                "sii: a proportion of 0 or all has no logit (transform=True)",
            )

    groups = res.groups
    order = np.lexsort((res["quantile"], groups.codes))  # by group, then quantile number
    codes = groups.codes[order]
    q = res["quantile"][order]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] = (codes[1:] == codes[:-1]) & (q[1:] == q[:-1])
    check(res, _unsorted(repeated, order), "sii: quantile number appears twice in a group")
    sizes = np.bincount(codes, minlength=groups.count)
    too_few = sizes < MIN_QUANTILES

    fit = _Fit(res["population"][order], codes, groups.count)
    y = y[order]
    se_value, se_sim = _standard_errors(res, order, value_type, transform, multiplier, levels[0])
    sii_value = fit.slope(y)
    mean = fit.mean(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        rii_value = sii_value / mean
    if interval == "closed_form":
        limits = _closed_form(fit, se_value, sii_value, rii_value, mean, levels)
        method = "closed form (normal approximation)"
    else:
        scale = _scale(value_type if transform else "normal", multiplier)
        limits = _simulated(fit, y, se_sim, scale, groups, too_few, levels, repetitions, seed)
        method = f"simulation ({repetitions:,} repetitions, seed {seed})"
    estimates = {"sii": sii_value, "rii": rii_value}
    names = ["sii", "rii"] if rii else ["sii"]
    return _result(groups, sizes, fit.total, mean, estimates, limits, too_few, names, method)


def _unsorted(flags_sorted: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Flags for rows in sorted order, put back in input order."""
    flags = np.zeros(len(order), dtype=bool)
    flags[order] = flags_sorted
    return flags


class _Fit:
    """The weighted regression design of every group: weights w, ranks x, coefficients c.

    Rows are sorted by group then quantile. ``c_i = w_i (x_i - xbar) / Sxx`` makes the
    slope ``sum c_i y_i`` and the mean ``sum w_i y_i`` (both linear in y).
    """

    def __init__(self, pops: np.ndarray, codes: np.ndarray, n_groups: int):
        self.codes, self.n_groups = codes, n_groups
        self.total = np.bincount(codes, weights=pops, minlength=n_groups)
        group_start = np.concatenate(([0.0], np.cumsum(self.total)[:-1]))
        before = np.cumsum(pops) - pops - group_start[codes]  # earlier rows of the group
        self.weights = pops / self.total[codes]
        self.ranks = (before + pops / 2) / self.total[codes]
        xbar = self._sum(self.weights * self.ranks)
        dx = self.ranks - xbar[codes]
        sxx = self._sum(self.weights * dx * dx)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.coefficients = self.weights * dx / sxx[codes]

    def _sum(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes, weights=values, minlength=self.n_groups)

    def slope(self, y: np.ndarray) -> np.ndarray:
        return self._sum(self.coefficients * y)

    def mean(self, y: np.ndarray) -> np.ndarray:
        return self._sum(self.weights * y)


def _standard_errors(res, order, value_type, transform, multiplier, level):
    """Standard errors of the (sorted) values: on the value scale and the simulation scale."""
    y = res["value"][order]
    p = y / multiplier
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        if "se" in res:
            se_value = res["se"][order]
        elif "lower" in res:
            se_value = (res["upper"][order] - res["lower"][order]) / (2 * z)
        elif value_type == "rate":
            se_value = y / np.sqrt(res["count"][order])  # Poisson: sqrt(O) / n * multiplier
        else:
            se_value = multiplier * p * np.sqrt((1 - p) / res["count"][order])  # binomial
        if not transform or value_type == "normal":
            return se_value, se_value
        if "lower" in res and "se" not in res:
            lo, hi = res["lower"][order], res["upper"][order]
            forward = _scale(value_type, multiplier)[0]
            check(
                res,
                _bad_limits(value_type, res, multiplier),
                "sii: limits the transform cannot take",
            )
            return se_value, (forward(hi) - forward(lo)) / (2 * z)
        if value_type == "rate":  # delta method: se(log y) = se(y) / y
            return se_value, se_value / y
        return se_value, se_value / (multiplier * p * (1 - p))  # se(logit p) = se(p) / p(1-p)


def _bad_limits(value_type, res, multiplier) -> np.ndarray:
    lo, hi = res["lower"], res["upper"]
    if value_type == "rate":
        return lo <= 0
    return (lo <= 0) | (hi >= multiplier)


def _scale(value_type: str, multiplier: float):
    """(forward, back) transforms of the simulation scale: identity, log or logit."""
    if value_type == "rate":
        return np.log, np.exp
    if value_type == "proportion":
        return (
            lambda v: np.log(v / (multiplier - v)),  # logit of v / multiplier
            lambda t: multiplier / (1 + np.exp(-t)),
        )
    return None, None


def _closed_form(fit: _Fit, se, sii_value, rii_value, mean, levels):
    variance = se * se
    var_b = fit._sum(fit.coefficients**2 * variance)
    cov = fit._sum(fit.coefficients * fit.weights * variance)
    var_mean = fit._sum(fit.weights**2 * variance)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_rii = (var_b - 2 * rii_value * cov + rii_value**2 * var_mean) / mean**2
    limits = {}
    for level in levels:
        z = z_value(level)
        limits[level] = {
            "sii": (sii_value - z * np.sqrt(var_b), sii_value + z * np.sqrt(var_b)),
            "rii": (rii_value - z * np.sqrt(var_rii), rii_value + z * np.sqrt(var_rii)),
        }
    return limits


def _group_seed(seed: int, key: tuple) -> np.random.SeedSequence:
    """A random stream per group from the seed and the group's key values (stable text)."""
    plain = tuple(v.item() if isinstance(v, np.generic) else v for v in key)
    digest = hashlib.blake2b(repr(plain).encode("utf-8"), digest_size=8).digest()
    return np.random.SeedSequence([int(seed), int.from_bytes(digest, "little")])


def _simulated(fit, y, se, scale, groups, skip, levels, repetitions, seed):
    """Simulation limits of SII and RII per group (a loop over groups, each vectorised)."""
    forward, back = scale
    centre = y if forward is None else forward(y)
    probs = [p for level in levels for p in ((1 - level) / 2, (1 + level) / 2)]
    found = {name: np.full((groups.count, len(probs)), np.nan) for name in ("sii", "rii")}
    starts = np.concatenate(([0], np.cumsum(np.bincount(fit.codes, minlength=groups.count))))
    key_rows = (
        groups.keys[list(groups.by)].itertuples(index=False, name=None) if groups.by else None
    )
    for g in range(groups.count):
        key = next(key_rows) if key_rows is not None else ()
        if skip[g]:
            continue
        rows = slice(starts[g], starts[g + 1])
        rng = np.random.default_rng(_group_seed(seed, key))
        k = rows.stop - rows.start
        slopes, ratios = [], []
        block = max(1, _DRAW_BLOCK // k)
        for first in range(0, repetitions, block):
            draws = rng.standard_normal((min(block, repetitions - first), k))
            draws *= se[rows]
            draws += centre[rows]
            values = draws if back is None else back(draws)
            slope = values @ fit.coefficients[rows]
            slopes.append(slope)
            ratios.append(slope / (values @ fit.weights[rows]))
        found["sii"][g] = np.quantile(np.concatenate(slopes), probs)
        found["rii"][g] = np.quantile(np.concatenate(ratios), probs)
    return {
        level: {name: (found[name][:, 2 * i], found[name][:, 2 * i + 1]) for name in found}
        for i, level in enumerate(levels)
    }


def _result(groups, sizes, total, mean, estimates, limits, too_few, names, method):
    """One row per group and statistic."""
    n_names = len(names)
    group_of = np.repeat(np.arange(groups.count), n_names)
    stat_of = np.tile(np.arange(n_names), groups.count)

    def interleave(per_name):
        stacked = np.column_stack([np.where(too_few, np.nan, per_name[n]) for n in names])
        return stacked.ravel()

    body = {
        "statistic": labels_column(names, stat_of),
        "quantiles": sizes[group_of],
        "denominator": total[group_of],
        "mean": mean[group_of],
        "value": interleave(estimates),
    }
    for level, by_name in limits.items():
        lo_name, hi_name = limit_columns(level)
        body[lo_name] = interleave({n: by_name[n][0] for n in names})
        body[hi_name] = interleave({n: by_name[n][1] for n in names})
    note = f"SII not calculated: fewer than {MIN_QUANTILES} quantiles"
    body["value_note"] = pd.array([None, note], dtype="string").take(too_few[group_of].astype(int))
    body["method"] = labels_column([method], np.zeros(len(group_of), np.int8))
    return output_per_group_row(groups, group_of, body)
