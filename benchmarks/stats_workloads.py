"""The statistics benchmark's inputs and workloads: dana, today's code, and a numpy floor.

Inputs are synthetic and seeded. ``rows``: 1,000,000 rows with a count x ~ Binomial(n,
0.05) out of n ~ Uniform{1..1999}, keyed by ``area`` (10,000) x ``period`` (10) =
100,000 groups of about 10 rows, sorted by key. ``dsr``: 150 areas x 20 years x 2
sexes x 19 ESP2013 bands = 114,000 rows, 6,000 DSRs.

Each :class:`Workload` times three things on the same input:

* ``dana``: the method as a user calls it (DataFrame columns, or arrays);
* ``baseline``: the same call on today's code (:mod:`baseline`), possibly on a subset
  of rows and scaled linearly (``baseline_fraction``), because some of today's methods
  take minutes on a million rows;
* ``floor``: the least numpy code that computes the same numbers (the formula on whole
  arrays, group codes given), i.e. "a single numpy pass over the same rows".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy import stats as sp

N_ROWS = 1_000_000
N_GROUPS = 100_000
Z95 = float(sp.norm.ppf(0.975))
KEYS = ["area", "period"]


@dataclass
class Workload:
    name: str
    method: str  # the dana / PHEindicatormethods method family (for the R factors)
    shape: str  # "ungrouped" or "grouped"
    dana: Callable[[object], pd.DataFrame]
    baseline: Callable[[object, pd.DataFrame], pd.DataFrame] | None
    floor: Callable[[], object] | None
    data: pd.DataFrame
    #: run the baseline on this fraction of the rows (whole groups) and scale its time
    baseline_fraction: float = 1.0
    compare_columns: tuple[str, ...] = ("value", "lower_95", "upper_95")
    note: str = ""


def rows_input() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    group = np.sort(rng.integers(0, N_GROUPS, N_ROWS))
    n = rng.integers(1, 2_000, N_ROWS)
    x = rng.binomial(n, 0.05)
    value = x / n * 100
    spread = rng.uniform(0.5, 3, N_ROWS)
    return pd.DataFrame(
        {
            "area": group // 10,
            "period": group % 10,
            "x": x,
            "n": n,
            "ref_rate": rng.uniform(0.04, 0.06, N_ROWS),
            "value": value,
            "lower_95": value - spread,
            "upper_95": value + spread,
            "count": rng.integers(0, 40, N_ROWS),
        }
    )


def dsr_input(bands) -> pd.DataFrame:
    rng = np.random.default_rng(2013)
    shape = (150, 20, 2, len(bands))
    idx = np.indices(shape).reshape(4, -1)
    pop = rng.integers(200, 20_000, idx.shape[1])
    band_rate = np.linspace(0.0001, 0.01, len(bands))[idx[3]]
    return pd.DataFrame(
        {
            "area": idx[0],
            "year": 2000 + idx[1],
            "sex": np.where(idx[2] == 0, "Female", "Male"),
            "age": np.array([b.label for b in bands])[idx[3]],
            "deaths": rng.poisson(pop * band_rate),
            "pop": pop,
        }
    )


# --- numpy floors: the formula on whole arrays ------------------------------------------


def _codes(frame: pd.DataFrame) -> np.ndarray:
    return (frame["area"].to_numpy() * 10 + frame["period"].to_numpy()).astype(np.intp)


def wilson_floor(x, n):
    z2 = Z95 * Z95
    root = Z95 * np.sqrt(z2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z2)
    return x / n * 100, (2 * x + z2 - root) / denom * 100, (2 * x + z2 + root) / denom * 100


_EXACT = (
    sp.chi2.ppf(0.025, 2 * np.arange(1, 10)) / 2,
    sp.chi2.ppf(0.975, 2 * np.arange(10) + 2) / 2,
)


def poisson_floor(o, scale):
    lower = o * (1 - 1 / (9 * o) - Z95 / (3 * np.sqrt(o))) ** 3
    o1 = o + 1
    upper = o1 * (1 - 1 / (9 * o1) + Z95 / (3 * np.sqrt(o1))) ** 3
    small = o < 10
    whole = o[small].astype(int)
    lower[small] = np.concatenate(([0.0], _EXACT[0]))[whole]
    upper[small] = _EXACT[1][whole]
    return o * scale, lower * scale, upper * scale


def grouped_sums(codes, *arrays):
    return [np.bincount(codes, weights=a, minlength=N_GROUPS) for a in arrays]


def mean_floor(values, codes=None):
    if codes is None:
        m, s = values.mean(), values.std(ddof=1)
        half = sp.t.ppf(0.975, len(values) - 1) * s / np.sqrt(len(values))
        return m, m - half, m + half
    k = np.bincount(codes, minlength=N_GROUPS).astype(float)
    m = np.bincount(codes, weights=values, minlength=N_GROUPS) / k
    s = np.sqrt(np.bincount(codes, weights=(values - m[codes]) ** 2, minlength=N_GROUPS) / (k - 1))
    distinct, inverse = np.unique(k, return_inverse=True)
    half = sp.t.ppf(0.975, distinct - 1)[inverse] * s / np.sqrt(k)
    return m, m - half, m + half


def funnel_rate_floor(x, n, centre, multiplier=100_000.0):
    """Exact Poisson funnel limits at each area by bisection (what today's code does)."""
    e = n * centre / multiplier
    tail = 0.025
    lo, hi = np.zeros_like(e), e + 10 * np.sqrt(e) + 40
    for _ in range(80):
        mid = (lo + hi) / 2
        above = special.gammainc(np.maximum(mid, 1e-300), e) > tail
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return (lo + hi) / 2 / n * multiplier


def compare_floor(value, lower, upper, bench):
    return np.where(upper < bench, "lower", np.where(lower > bench, "higher", "similar"))


def suppress_floor(counts, hide_upto=7, round_to=5):
    hidden = (counts >= 1) & (counts <= hide_upto)
    published = np.floor(counts / round_to + 0.5) * round_to
    return np.where(hidden, np.nan, published), hidden


def workloads(stats, baseline, rows: pd.DataFrame, dsr_frame: pd.DataFrame) -> list[Workload]:
    """The benchmark's workloads; ``baseline`` is today's dana.stats module (or None)."""
    x, n = rows["x"].to_numpy(float), rows["n"].to_numpy(float)
    codes = _codes(rows)
    v, lo, hi = (rows[c].to_numpy() for c in ("value", "lower_95", "upper_95"))
    counts = rows["count"].to_numpy(float)
    centre_rate = x.sum() / n.sum() * 100_000
    b = baseline
    out = [
        Workload(
            "proportion (Wilson)", "proportion", "ungrouped",
            lambda d: stats.proportion("x", "n", data=d),
            (lambda d: b.proportion("x", "n", data=d)) if b else None,
            lambda: wilson_floor(x, n), rows,
        ),
        Workload(
            "proportion (Wilson)", "proportion", "grouped",
            lambda d: stats.proportion("x", "n", data=d, by=KEYS),
            (lambda d: b.proportion("x", "n", data=d, by=KEYS)) if b else None,
            lambda: wilson_floor(*grouped_sums(codes, x, n)), rows,
        ),
        Workload(
            "rate (exact < 10, Byar >= 10)", "rate", "ungrouped",
            lambda d: stats.rate("x", "n", data=d),
            (lambda d: b.rate("x", "n", data=d)) if b else None,
            lambda: poisson_floor(x, 100_000 / n), rows,
        ),
        Workload(
            "rate (exact < 10, Byar >= 10)", "rate", "grouped",
            lambda d: stats.rate("x", "n", data=d, by=KEYS),
            (lambda d: b.rate("x", "n", data=d, by=KEYS)) if b else None,
            lambda: (lambda sx, sn: poisson_floor(sx, 100_000 / sn))(*grouped_sums(codes, x, n)),
            rows,
        ),
        Workload(
            "mean (t limits)", "mean", "ungrouped",
            lambda d: stats.mean("value", data=d),
            (lambda d: b.mean("value", data=d)) if b else None,
            lambda: mean_floor(v), rows,
        ),
        Workload(
            "mean (t limits)", "mean", "grouped",
            lambda d: stats.mean("value", data=d, by=KEYS),
            (lambda d: b.mean("value", data=d, by=KEYS)) if b else None,
            lambda: mean_floor(v, codes), rows,
        ),
        Workload(
            "smr (indirect, O/E)", "isr", "ungrouped",
            lambda d: stats.smr("x", "n", ref_rate="ref_rate", data=d),
            (lambda d: b.smr("x", "n", ref_rate="ref_rate", data=d)) if b else None,
            lambda: poisson_floor(x, 1 / (n * rows["ref_rate"].to_numpy())), rows,
        ),
        Workload(
            "smr (indirect, O/E)", "isr", "grouped",
            lambda d: stats.smr("x", "n", ref_rate="ref_rate", data=d, by=KEYS),
            (lambda d: b.smr("x", "n", ref_rate="ref_rate", data=d, by=KEYS)) if b else None,
            lambda: (lambda so, se: poisson_floor(so, 1 / se))(
                *grouped_sums(codes, x, n * rows["ref_rate"].to_numpy())
            ),
            rows,
        ),
        Workload(
            "funnel_limits, proportion, per area", "funnel", "ungrouped",
            lambda d: stats.funnel_limits("proportion", "x", "n", data=d),
            (lambda d: b.funnel_limits("proportion", "x", "n", data=d))
            if b else None,
            lambda: wilson_floor(x, n), rows,
            compare_columns=("value", "lower_95", "upper_95", "significance"),
        ),
        Workload(
            "funnel_limits, rate, per area", "funnel", "ungrouped",
            lambda d: stats.funnel_limits("rate", "x", "n", data=d),
            (lambda d: b.funnel_limits("rate", "x", "n", data=d))
            if b else None,
            lambda: funnel_rate_floor(x, n, centre_rate), rows,
            baseline_fraction=0.02,
            compare_columns=("value", "significance"),
            note="today's code and the floor solve every area's limits by bisection; the floor at 95% only",
        ),
        Workload(
            "compare (CI vs benchmark)", "compare", "ungrouped",
            lambda d: stats.compare(data=d, benchmark=5.0, polarity="low_is_good"),
            (lambda d: b.compare(data=d, benchmark=5.0, polarity="low_is_good")) if b else None,
            lambda: compare_floor(v, lo, hi, 5.0), rows,
            compare_columns=("comparison",),
        ),
        Workload(
            "quantiles (quartiles)", "quantiles", "ungrouped",
            lambda d: stats.quantiles("value", data=d),
            (lambda d: b.quantiles("value", data=d)) if b else None,
            lambda: np.quantile(v, [0.25, 0.5, 0.75]), rows,
            compare_columns=("value",),
        ),
        Workload(
            "quantiles (quartiles)", "quantiles", "grouped",
            lambda d: stats.quantiles("value", data=d, by=KEYS),
            (lambda d: b.quantiles("value", data=d, by=KEYS)) if b else None,
            lambda: v[np.lexsort((v, codes))], rows,
            compare_columns=("value",),
        ),
        Workload(
            "quantiles (quintile of each row)", "quantiles", "ungrouped",
            lambda d: stats.quantiles("value", data=d, assign=5),
            (lambda d: b.quantiles("value", data=d, assign=5)) if b else None,
            lambda: np.argsort(np.argsort(v)) * 5 // len(v) + 1, rows,
            compare_columns=("quantile",),
        ),
        Workload(
            "suppress (HES 2018: 1-7 hidden, round to 5)", "suppress", "ungrouped",
            lambda d: stats.suppress(d, rule="hes2018"),
            (lambda d: b.suppress(d, rule="hes2018")) if b else None,
            lambda: suppress_floor(counts), rows[["area", "period", "count"]],
            compare_columns=("count", "count_display"),
            note="the floor makes no display text; dana writes count_display and the reason",
        ),
        Workload(
            "suppress (NDTMS, secondary within areas)", "suppress", "grouped",
            lambda d: stats.suppress(d, rule="ndtms", by="area"),
            (lambda d: b.suppress(d, rule="ndtms", by="area")) if b else None,
            lambda: suppress_floor(counts, 4, 1), rows[["area", "period", "count"]],
            compare_columns=("count", "count_display"),
            note="the floor is primary suppression only",
        ),
        Workload(
            "dsr (Dobson, ESP2013), 6,000 groups x 19 bands", "dsr", "grouped",
            lambda d: stats.dsr("deaths", "pop", age="age", data=d, by=["area", "year", "sex"]),
            (lambda d: b.dsr("deaths", "pop", age="age", data=d, by=["area", "year", "sex"]))
            if b else None,
            None, dsr_frame,
        ),
    ]  # fmt: skip
    return out
