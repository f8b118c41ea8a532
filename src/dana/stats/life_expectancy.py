"""Life expectancy from an abridged life table: Chiang II with the Silcocks final band.

The method OHID Fingertips and PHEindicatormethods (``phe_life_expectancy``) use, from
deaths and populations in the 20 age bands <1, 1-4, 5-9, ..., 85-89, 90+.

References
----------
- Chiang CL (1984) *The Life Table and its Applications*. Malabar (FL): Krieger
  (abridged life table, "Chiang II", and the variance of the expectation of life).
- Silcocks PBS, Jenner DA, Reza R (2001) Life expectancy as a summary of mortality in a
  population: statistical considerations and suitability for use by health
  authorities. *J Epidemiol Community Health* 55:38-43 (the variance contribution of
  the open-ended final age band).
- Public Health England, "Life expectancy calculator" and technical guidance (the age
  bands, a = 0.1 for the first year of life and 0.5 otherwise, l_0 = 100,000, and the
  reporting rules); PHEindicatormethods ``phe_life_expectancy`` documentation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.stats._bands import band_positions, normalise_band_label
from dana.stats._common import StatsInputError, confidence_levels, limit_columns, z_value
from dana.stats._frame import check, raw_column, resolve
from dana.stats._output import labels_column, output_per_group_row

#: Start ages of the Fingertips / PHEindicatormethods life-table bands:
#: <1, 1-4, 5-9, ..., 85-89, 90+.
LIFE_TABLE_AGES: tuple[int, ...] = (0, 1, *range(5, 95, 5))
#: LE is not calculated at an age where the population from that age up is below this.
MIN_POPULATION = 5_000
#: LE is not reported where its 95% confidence interval is wider than this (years).
MAX_INTERVAL_WIDTH = 20.0
#: Radix of the life table (people alive at the start).
RADIX = 100_000.0
METHOD = "Chiang II, Silcocks final band"


def life_expectancy(
    deaths,
    population,
    *,
    age=None,
    data=None,
    by=None,
    ages=LIFE_TABLE_AGES,
    at="all",
    confidence=0.95,
) -> pd.DataFrame:
    """Life expectancy at each age of an abridged life table, with confidence limits.

    Parameters
    ----------
    deaths, population
        Deaths and (mid-year) population in each age band: arrays or column names of
        ``data`` (a scalar is a one-band table, ``ages=(0,)``).
    age
        The band of each row: its start age (0, 1, 5, ..., 90) or its label (``"<1"``,
        ``"1-4"``, ``"Aged 85-89"``, ``"90+"``; ``"0"`` and ``"under 1"`` also mean <1).
        If omitted, the rows of each group are the bands in order.
    data, by
        DataFrame (or DataFrameGroupBy) and grouping column(s): one life table per
        group, or one for all rows without ``by``.
    ages
        Start ages of the bands, the last one open-ended. Default
        :data:`LIFE_TABLE_AGES` (Fingertips: <1, 1-4, 5-year bands to 85-89, 90+).
    at
        Ages to report LE at: ``"all"`` (every band's start age, as PHEindicatormethods
        ``le_age = "all"``), one start age, or several.
    confidence
        One level or several, e.g. ``(0.95, 0.998)``.

    Returns
    -------
    DataFrame, one row per group and age: [by columns], ``age`` (start age x),
    ``count`` (deaths aged x and over), ``denominator`` (population aged x and over),
    ``value`` (LE at x, years), the limit columns, ``value_note`` (why a value is not
    calculated, else missing) and ``method``.

    Formulas
    --------
    For band i with start age x_i, width n_i = x_{i+1} - x_i, deaths D_i, population
    P_i and a_i the average fraction of the band lived by those who die in it (0.1 for
    the first year of life, 0.5 otherwise)::

        M_i = D_i / P_i
        q_i = n_i M_i / (1 + (1 - a_i) n_i M_i)        (q = 1 in the open final band w)
        l_0 = 100,000;  l_{i+1} = l_i (1 - q_i);  d_i = l_i - l_{i+1}
        L_i = n_i (l_{i+1} + a_i d_i);   L_w = l_w / M_w
        T_i = sum_{j >= i} L_j;          e_i = T_i / l_i

    Variance (Chiang), with Var(q_i) = q_i^2 (1 - q_i) / D_i (0 when D_i = 0), and the
    final band's term from Silcocks et al. (2001), the delta-method variance of
    L_w = l_w / M_w with Var(M_w) = D_w / P_w^2::

        S_i = l_i^2 ((1 - a_i) n_i + e_{i+1})^2 Var(q_i)      (i < w)
        S_w = l_w^2 / (M_w^2 D_w)                             (= (l_w / 2)^2 4 / (D_w M_w^2))
        Var(e_x) = sum_{i >= x} S_i / l_x^2
        limits = e_x -/+ z sqrt(Var(e_x))

    Edge rules (PHEindicatormethods ``phe_life_expectancy``; PHE life expectancy
    calculator), each giving ``value`` NaN and a ``value_note``, never an error:

    * the population aged x and over is below 5,000: LE at x is not calculated (so a
      small area gets LE at birth but not at 85);
    * deaths exceed the population in any band, a band has no population, or a band's
      death rate is so high that q_i > 1: no LE is calculated for that group;
    * no deaths in the final (open) band: its L_w = l_w / M_w is infinite, so no LE is
      calculated for that group. No deaths in any other band is fine (q_i = 0 and the
      band adds nothing to the variance);
    * the 95% interval is wider than 20 years: the value is not reported.

    Errors (:class:`~dana.stats.StatsInputError`, naming the group and row): negative,
    missing or infinite deaths or populations; a band missing or repeated in a group;
    ages not strictly increasing; ``at`` not one of the start ages.
    """
    levels = confidence_levels(confidence)
    band_ages = _check_ages(ages)
    wanted = _check_at(at, band_ages)
    res = resolve(
        data, by, what="life_expectancy", pool_ungrouped=True, deaths=deaths, population=population
    )
    d_in, p_in = res["deaths"], res["population"]
    if not ((d_in >= 0) & (p_in >= 0)).all():
        check(res, d_in < 0, "life_expectancy: deaths is negative")
        check(res, p_in < 0, "life_expectancy: population is negative")
    labels = _band_labels(band_ages)
    age_labels = None if age is None else _canonical(raw_column(data, age, "age", len(res)), labels)
    positions = band_positions(
        res, age_labels, labels, "life_expectancy", among="the life-table bands"
    )
    groups = res.groups
    k = len(band_ages)
    deaths_by_band = np.zeros((groups.count, k))
    pops_by_band = np.zeros((groups.count, k))
    deaths_by_band[groups.codes, positions] = d_in
    pops_by_band[groups.codes, positions] = p_in

    table = _life_table(deaths_by_band, pops_by_band, band_ages)
    reason, words = _group_reasons(deaths_by_band, pops_by_band, table["q"], labels)
    columns = [band_ages.index(a) for a in wanted]
    value = table["e"][:, columns]
    variance = table["variance"][:, columns]
    deaths_up = np.cumsum(deaths_by_band[:, ::-1], axis=1)[:, ::-1][:, columns]
    pops_up = np.cumsum(pops_by_band[:, ::-1], axis=1)[:, ::-1][:, columns]
    # why each (group, age) has no value: the group's reason, else a per-age rule
    reason = np.repeat(reason[:, None], len(columns), axis=1)
    with np.errstate(invalid="ignore"):
        too_wide = 2 * z_value(0.95) * np.sqrt(variance) > MAX_INTERVAL_WIDTH
    for rule, text in (
        (pops_up < MIN_POPULATION, f"population aged x and over below {MIN_POPULATION:,}"),
        (too_wide, f"95% confidence interval wider than {MAX_INTERVAL_WIDTH:g} years"),
    ):
        reason[(reason == 0) & rule] = len(words)
        words.append(f"LE not calculated: {text}")
    hide = reason > 0
    value = np.where(hide, np.nan, value)
    body = {"age": np.tile(np.asarray(wanted, dtype=np.int64), groups.count)}
    body.update(count=deaths_up.ravel(), denominator=pops_up.ravel(), value=value.ravel())
    for level in levels:
        with np.errstate(invalid="ignore"):
            half = z_value(level) * np.sqrt(variance)
        lo_name, hi_name = limit_columns(level)
        body[lo_name] = np.where(hide, np.nan, value - half).ravel()
        body[hi_name] = np.where(hide, np.nan, value + half).ravel()
    body["value_note"] = pd.array(words, dtype="string").take(reason.ravel())
    body["method"] = labels_column([METHOD], np.zeros(value.size, np.int8))
    return output_per_group_row(groups, np.repeat(np.arange(groups.count), len(wanted)), body)


def _life_table(deaths: np.ndarray, pops: np.ndarray, band_ages: tuple[int, ...]) -> dict:
    """The life table of each group (rows) over the bands (columns), and Var(e_x)."""
    groups, k = deaths.shape
    width = np.diff(np.asarray(band_ages, dtype=float))  # n_i for the closed bands
    fraction = np.where((np.asarray(band_ages[:-1]) == 0) & (width == 1), 0.1, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = deaths / pops  # M_i
        q = np.ones_like(rate)
        nm = width * rate[:, :-1]
        q[:, :-1] = nm / (1 + (1 - fraction) * nm)
        alive = np.empty_like(rate)  # l_i
        alive[:, 0] = RADIX
        alive[:, 1:] = RADIX * np.cumprod(1 - q[:, :-1], axis=1)
        dying = alive.copy()  # d_i; d_w = l_w
        dying[:, :-1] = alive[:, :-1] - alive[:, 1:]
        lived = np.empty_like(rate)  # L_i
        lived[:, :-1] = width * (alive[:, 1:] + fraction * dying[:, :-1])
        lived[:, -1] = alive[:, -1] / rate[:, -1]
        total = np.cumsum(lived[:, ::-1], axis=1)[:, ::-1]  # T_i
        e = total / alive
        var_q = np.where(deaths[:, :-1] > 0, q[:, :-1] ** 2 * (1 - q[:, :-1]) / deaths[:, :-1], 0.0)
        terms = np.empty_like(rate)  # S_i
        terms[:, :-1] = alive[:, :-1] ** 2 * ((1 - fraction) * width + e[:, 1:]) ** 2 * var_q
        terms[:, -1] = alive[:, -1] ** 2 / (rate[:, -1] ** 2 * deaths[:, -1])
        variance = np.cumsum(terms[:, ::-1], axis=1)[:, ::-1] / alive**2
    return {"e": e, "variance": variance, "q": q}


def _group_reasons(deaths, pops, q, labels) -> tuple[np.ndarray, list]:
    """Per group, the code of the reason no LE can be calculated (0: none), and the words.

    The first rule that applies is the one named, at the first band it applies to.
    """
    words: list = [None]
    reason = np.zeros(deaths.shape[0], dtype=np.intp)
    closed = q.copy()
    closed[:, -1] = 0.0  # the open band's q is 1 by definition
    with np.errstate(invalid="ignore"):
        rules = (
            (pops == 0, "population is 0 in band {}"),
            (deaths > pops, "deaths exceed population in band {}"),
            (closed >= 1, "probability of dying 1 or more in band {}"),
        )
    for bad, text in reversed(rules):  # earlier rules overwrite later ones
        first = np.argmax(bad, axis=1)
        reason = np.where(bad.any(axis=1), len(words) + first, reason)
        words += [f"LE not calculated: {text.format(label)}" for label in labels]
    final = (deaths[:, -1] == 0) & (reason == 0)
    reason[final] = len(words)
    words.append(f"LE not calculated: no deaths in the final band {labels[-1]}")
    return reason, words


def _band_labels(band_ages: tuple[int, ...]) -> list[str]:
    """Canonical labels: '<1' for a first band of one year from 0, 'a-b', last 'w+'."""
    labels = []
    for start, stop in zip(band_ages[:-1], band_ages[1:], strict=True):
        labels.append("<1" if (start, stop) == (0, 1) else f"{start}-{stop - 1}")
    labels.append(f"{band_ages[-1]}+")
    return labels


def _canonical(age: pd.Series, labels: list[str]) -> pd.Series:
    """Row age labels as canonical band labels (start ages and aliases of <1 accepted)."""
    by_start = {}
    for label in labels:
        start = 0 if label == "<1" else int(label.rstrip("+").split("-")[0])
        by_start[start] = label
    aliases = {"0": by_start.get(0, "0"), "under1": "<1", "0-0": "<1"} if "<1" in labels else {}
    codes, distinct = pd.factorize(age, use_na_sentinel=False)
    mapped = []
    for label in distinct:
        if isinstance(label, int | float | np.integer | np.floating) and not pd.isna(label):
            mapped.append(
                by_start.get(int(label), str(label)) if label == int(label) else str(label)
            )
            continue
        text = normalise_band_label(label)
        mapped.append(aliases.get(text, text))
    return pd.Series(np.asarray(mapped, dtype=object)[codes])


def _check_ages(ages) -> tuple[int, ...]:
    try:
        values = tuple(int(a) for a in ages)
    except (TypeError, ValueError):
        raise StatsInputError(
            f"life_expectancy: ages= must be whole start ages, got {ages!r}"
        ) from None
    if (
        not values
        or values[0] < 0
        or any(b <= a for a, b in zip(values[:-1], values[1:], strict=True))
    ):
        raise StatsInputError(
            f"life_expectancy: ages= must be increasing start ages from 0 or more, got {ages!r}"
        )
    return values


def _check_at(at, band_ages: tuple[int, ...]) -> list[int]:
    if isinstance(at, str):
        if at != "all":
            raise StatsInputError(f"life_expectancy: at= must be 'all' or start ages, not {at!r}")
        return list(band_ages)
    wanted = [at] if np.ndim(at) == 0 else list(at)
    unknown = [a for a in wanted if a not in band_ages]
    if unknown or not wanted:
        raise StatsInputError(
            f"life_expectancy: at={at!r}: LE is given at the bands' start ages {list(band_ages)}"
        )
    return [int(a) for a in wanted]
