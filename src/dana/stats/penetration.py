"""Treatment penetration: a group's share of the treatment population over its share of residents.

The "penetration rate" of needs assessments (Bedford Borough JSNA, Drug misuse, Table 5:
"calculated based on the proportions of people by ethnic group from the NDTMS in
treatment data compared with the ONS 2011 Census data by ethnic group. A figure greater
than 100% means that the population in treatment is greater than that of the population
as a whole for that ethnic group"), for any grouping: ethnic group, age band, sex.

References
----------
- Wilson EB (1927) Probable inference, the law of succession, and statistical
  inference. *JASA* 22:209-212; Newcombe RG, Altman DG (2000) in *Statistics with
  Confidence*, 2nd ed., ch. 6 (the score interval for the treatment share).
- Altman DG et al. (2000) *Statistics with Confidence*, ch. 7: a ratio of an estimate to
  a known constant has the estimate's limits divided by the constant. The census share
  is a count of the whole population (Census 2021 / 2011 usual residents), so it is
  treated as known; were both shares sampled, a Katz log interval for the ratio of two
  proportions would be the choice (Katz D et al. 1978 *Biometrics* 34:469-474).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._common import StatsInputError, confidence_levels, limit_columns, wilson
from dana.stats._frame import check, check_multiplier, fail, raw_column, resolve
from dana.stats._output import carry_columns, text_column
from dana.vocabulary import NOT_COMPARED, SIMILAR

UNDER_PENETRATED = "under-penetrated"
OVER_PENETRATED = "over-penetrated"
#: The ``flag`` words: interval below 1, above 1, containing 1, or no ratio.
FLAGS = (UNDER_PENETRATED, SIMILAR, OVER_PENETRATED, NOT_COMPARED)


def penetration(
    treated,
    population,
    *,
    group=None,
    unknown=None,
    data=None,
    by=None,
    confidence=0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Penetration of treatment into each group: treatment share / resident share.

    Parameters
    ----------
    treated
        People in treatment in each group (counts; shares such as 84.4 (%) give the
        right ratio but not a meaningful interval).
    population
        Residents in each group (Census counts, or shares). May be missing for the
        ``unknown`` rows.
    group, unknown
        The group label of each row (column name or array) and the label, or list of
        labels, of rows whose group was not recorded ("Missing/unknown"). Those rows
        count in the treatment total, as in Bedford's Table 5, but get no ratio: their
        ``value`` is NaN and ``flag`` "not_compared".
    data, by
        DataFrame and the column(s) within which shares add up (e.g. ``"area"``), one
        treatment population per ``by`` group; without ``by`` all rows form one.
    confidence, multiplier
        Confidence level(s); ``multiplier`` 100 gives percentages (100 = in proportion
        to the population), 1 a plain ratio.

    Returns
    -------
    One row per input row (data columns first): ``count`` (treated), ``treatment_share``
    and ``population_share`` (times ``multiplier``), ``value`` (the penetration), the
    limit columns, and ``flag``: "under-penetrated" (upper limit below ``multiplier``),
    "over-penetrated" (lower limit above it), "similar", or "not_compared", read from
    the first confidence level's interval.

    Formulas
    --------
    Within each ``by`` group, with x_i treated in group i, X = sum x (all rows,
    unknown included), P_i residents of group i and P = sum P (known rows)::

        treatment share t_i = x_i / X,      population share s_i = P_i / P
        value = t_i / s_i * multiplier
        limits = Wilson(x_i, X) / s_i * multiplier

    The Wilson score limits of t_i (see :func:`dana.stats.proportion`); s_i is treated
    as known (a census count), so the ratio's limits are t_i's limits divided by s_i.
    An interval that excludes ``multiplier`` (1, or 100%) flags the group. With small
    counts the interval is wide and a group is rarely flagged: the Bedford caveat that
    "the proportions of the population are smaller and the numbers of clients smaller"
    is what the interval expresses.

    Errors (:class:`~dana.stats.StatsInputError`, naming the group and row): negative,
    missing or infinite counts, a known group with no population (its penetration
    would be infinite) or a missing one, and a ``by`` group with nobody in treatment.
    """
    levels = confidence_levels(confidence)
    multiplier = check_multiplier(multiplier)
    res = resolve(
        data,
        by,
        what="penetration",
        allow_missing=True,
        treated=treated,
        population=population,
    )
    size = len(res)
    is_unknown = _unknown_rows(data, group, unknown, size)
    x, pop = res["treated"], res["population"]
    check(res, np.isnan(x), "penetration: treated is missing (NaN)")
    check(res, x < 0, "penetration: treated is negative")
    known = ~is_unknown
    check(res, known & np.isnan(pop), "penetration: population is missing (NaN)")
    check(res, known & (pop <= 0), "penetration: population must be greater than 0")
    groups = res.groups
    # shares add up within the by= groups (all rows without by=)
    codes = groups.codes if groups.by else np.zeros(size, dtype=np.intp)
    n_groups = groups.count if groups.by else 1
    treated_total = np.bincount(codes, weights=x, minlength=n_groups)
    known_pop = np.where(known, pop, 0.0)
    pop_total = np.bincount(codes, weights=known_pop, minlength=n_groups)
    bad = treated_total == 0
    if groups.by:
        fail(groups, bad, "penetration: nobody is in treatment")
        fail(groups, pop_total == 0, "penetration: no population in the known groups")
    elif bad.any():
        raise StatsInputError("penetration: nobody is in treatment (treated adds up to 0)")
    share_pop = np.where(known, known_pop / pop_total[codes], np.nan)
    body = {"count": x}
    limits = []
    for level in levels:
        share, lower, upper = wilson(x, treated_total[codes], level)
        limits.append((level, lower, upper))
    with np.errstate(divide="ignore", invalid="ignore"):
        body["treatment_share"] = share * multiplier
        body["population_share"] = share_pop * multiplier
        body["value"] = np.where(known, share / share_pop * multiplier, np.nan)
        for level, lower, upper in limits:
            lo_name, hi_name = limit_columns(level)
            body[lo_name] = np.where(known, lower / share_pop * multiplier, np.nan)
            body[hi_name] = np.where(known, upper / share_pop * multiplier, np.nan)
    first = limit_columns(levels[0])  # the flag reads the first level's interval
    below = body[first[1]] < multiplier
    above = body[first[0]] > multiplier
    flag = np.where(below, 0, np.where(above, 2, 1))
    flag[is_unknown] = 3
    body["flag"] = text_column(FLAGS, flag)
    return carry_columns(data, body, res)


def _unknown_rows(data, group, unknown, size: int) -> np.ndarray:
    """True for rows whose group label is one of ``unknown``."""
    if unknown is None:
        return np.zeros(size, dtype=bool)
    if group is None:
        raise StatsInputError("penetration: unknown= names group labels, so group= is needed")
    labels = raw_column(data, group, "group", size)
    wanted = [unknown] if isinstance(unknown, str) else list(unknown)
    return labels.isin(wanted).to_numpy()
