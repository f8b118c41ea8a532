"""Benchmark of dana.stats against a straightforward pandas groupby-apply baseline.

Run from the repository root::

    .venv/bin/python benchmarks/run.py            # print results
    .venv/bin/python benchmarks/run.py --write    # ... and rewrite its section of docs/PERFORMANCE.md
    .venv/bin/python benchmarks/run.py --all      # ... then the all-areas summary (national.py)
                                                  #     and rendering (render.py)

Workloads (synthetic, seeded):

* proportion (Wilson) and rate (exact/Byar) on 1,000,000 rows summed into 100,000 groups;
  also ungrouped (one result per input row) on the same 1,000,000 rows;
* DSR (Dobson, ESP2013) for 150 areas x 20 years x 2 sexes x 19 age bands (114,000 rows,
  6,000 DSRs).

The baseline is the obvious pandas code: ``groupby(...).apply`` with a Python function
per group that sums the inputs and applies the same formulas with ``math``/``scipy``.
It is slow, so for proportion and rate it runs on a subset of the groups and its time is
scaled linearly to the full input (stated in the output). Both implementations must
agree (relative difference < 1e-9) on the groups the baseline covers.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dana._atomic import write_bytes_atomic  # noqa: E402
from dana.stats import dsr, proportion, rate  # noqa: E402
from dana.stats.standards import ESP2013  # noqa: E402

REPEATS = 5
BASELINE_REPEATS = 3
N_ROWS = 1_000_000
N_GROUPS = 100_000
BASELINE_GROUPS = 5_000  # the baseline runs on this many groups, then is scaled
Z95 = float(sp.norm.ppf(0.975))


# --- inputs -----------------------------------------------------------------------


def proportion_rate_input() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    group = np.sort(rng.integers(0, N_GROUPS, N_ROWS))
    n = rng.integers(1, 2_000, N_ROWS)
    x = rng.binomial(n, 0.05)
    return pd.DataFrame({"area": group // 10, "period": group % 10, "x": x, "n": n})


def dsr_input() -> pd.DataFrame:
    rng = np.random.default_rng(2013)
    areas, years, sexes, bands = 150, 20, 2, len(ESP2013)
    shape = (areas, years, sexes, bands)
    idx = np.indices(shape).reshape(4, -1)
    pop = rng.integers(200, 20_000, idx.shape[1])
    band_rate = np.linspace(0.0001, 0.01, bands)[idx[3]]
    return pd.DataFrame(
        {
            "area": idx[0],
            "year": 2000 + idx[1],
            "sex": np.where(idx[2] == 0, "Female", "Male"),
            "age": np.array([b.label for b in ESP2013])[idx[3]],
            "deaths": rng.poisson(pop * band_rate),
            "pop": pop,
        }
    )


# --- baseline: groupby-apply with a Python function per group --------------------


def _baseline_proportion(group: pd.DataFrame) -> pd.Series:
    x, n = group["x"].sum(), group["n"].sum()
    root = Z95 * math.sqrt(Z95**2 + 4 * x * (1 - x / n))
    denom = 2 * (n + Z95**2)
    return pd.Series(
        {
            "value": x / n * 100,
            "lower_95": (2 * x + Z95**2 - root) / denom * 100,
            "upper_95": (2 * x + Z95**2 + root) / denom * 100,
        }
    )


def _poisson_pair(o: float) -> tuple[float, float]:
    if o < 10:
        lower = 0.0 if o == 0 else sp.chi2.ppf(0.025, 2 * o) / 2
        return lower, sp.chi2.ppf(0.975, 2 * o + 2) / 2
    lower = o * (1 - 1 / (9 * o) - Z95 / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + Z95 / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


def _baseline_rate(group: pd.DataFrame) -> pd.Series:
    o, n = group["x"].sum(), group["n"].sum()
    lower, upper = _poisson_pair(o)
    return pd.Series(
        {"value": o / n * 1e5, "lower_95": lower / n * 1e5, "upper_95": upper / n * 1e5}
    )


_WEIGHTS = {b.label: b.weight for b in ESP2013}


def _baseline_dsr(group: pd.DataFrame) -> pd.Series:
    w = group["age"].map(_WEIGHTS)
    o_i, n_i = group["deaths"], group["pop"]
    rate_ = (w * o_i / n_i).sum() / w.sum()
    var = (w**2 * o_i / n_i**2).sum() / w.sum() ** 2
    o = o_i.sum()
    if o < 10:
        return pd.Series({"value": np.nan, "lower_95": np.nan, "upper_95": np.nan})
    lower, upper = _poisson_pair(max(o, 10))
    return pd.Series(
        {
            "value": rate_ * 1e5,
            "lower_95": (rate_ + math.sqrt(var / o) * (lower - o)) * 1e5,
            "upper_95": (rate_ + math.sqrt(var / o) * (upper - o)) * 1e5,
        }
    )


# --- timing -----------------------------------------------------------------------


def _median_time(func, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _agree(ours: pd.DataFrame, base: pd.DataFrame, keys: list[str]) -> float:
    """Largest relative difference between the two implementations (NaN == NaN)."""
    merged = ours.merge(base.reset_index(), on=keys, suffixes=("", "_base"))
    assert len(merged) == len(base), "baseline groups missing from dana output"
    worst = 0.0
    for col in ("value", "lower_95", "upper_95"):
        a, b = merged[col].to_numpy(float), merged[f"{col}_base"].to_numpy(float)
        assert (np.isnan(a) == np.isnan(b)).all(), f"{col}: NaN pattern differs"
        ok = ~np.isnan(a)
        worst = max(worst, float(np.max(np.abs(a[ok] - b[ok]) / np.abs(b[ok]), initial=0)))
    assert worst < 1e-9, f"dana and baseline disagree: relative difference {worst:.2e}"
    return worst


def run() -> list[dict]:
    results = []
    data = proportion_rate_input()
    keys = ["area", "period"]
    n_groups = data.groupby(keys).ngroups
    subset = data[data["area"] < BASELINE_GROUPS // 10]
    sub_groups = subset.groupby(keys).ngroups
    scale = n_groups / sub_groups

    for name, method, baseline in (
        ("proportion (Wilson)", proportion, _baseline_proportion),
        ("rate (exact < 10, Byar >= 10)", rate, _baseline_rate),
    ):
        ours_t, ours = _median_time(lambda m=method: m("x", "n", data=data, by=keys), REPEATS)
        base_t, base = _median_time(
            lambda b=baseline: subset.groupby(keys)[["x", "n"]].apply(b), BASELINE_REPEATS
        )
        diff = _agree(ours, base, keys)
        results.append(
            {
                "workload": f"{name}: {len(data):,} rows -> {n_groups:,} groups",
                "dana_s": ours_t,
                "baseline_s": base_t * scale,
                "baseline_note": f"groupby-apply on {sub_groups:,} groups, x{scale:.1f}",
                "max_rel_diff": diff,
            }
        )
        flat_t, _ = _median_time(lambda m=method: m(data["x"], data["n"]), REPEATS)
        results.append(
            {
                "workload": f"{name}: {len(data):,} rows ungrouped (one result per row)",
                "dana_s": flat_t,
                "baseline_s": None,
                "baseline_note": "no baseline (vectorised only)",
                "max_rel_diff": None,
            }
        )

    frame = dsr_input()
    keys = ["area", "year", "sex"]
    ours_t, ours = _median_time(
        lambda: dsr("deaths", "pop", age="age", data=frame, by=keys), REPEATS
    )
    base_t, base = _median_time(
        lambda: frame.groupby(keys)[["age", "deaths", "pop"]].apply(_baseline_dsr),
        BASELINE_REPEATS,
    )
    results.append(
        {
            "workload": f"DSR (Dobson, ESP2013): 150 areas x 20 years x 2 sexes x 19 bands "
            f"= {len(frame):,} rows -> {len(ours):,} DSRs",
            "dana_s": ours_t,
            "baseline_s": base_t,
            "baseline_note": f"groupby-apply on all {len(ours):,} groups",
            "max_rel_diff": _agree(ours, base, keys),
        }
    )
    return results


# --- reporting --------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024**2:.1f} GiB"
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def report(results: list[dict], info: dict) -> str:
    lines = [
        f"| workload | dana (median of {REPEATS}) | baseline | ratio | baseline run | max rel. diff |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        base = "-" if r["baseline_s"] is None else f"{r['baseline_s']:.2f} s"
        ratio = "-" if r["baseline_s"] is None else f"{r['baseline_s'] / r['dana_s']:.0f}x faster"
        diff = "-" if r["max_rel_diff"] is None else f"{r['max_rel_diff']:.1e}"
        lines.append(
            f"| {r['workload']} | {r['dana_s']:.3f} s | {base} | {ratio} | "
            f"{r['baseline_note']} | {diff} |"
        )
    machine_lines = [f"- {k}: {v}" for k, v in info.items()]
    return "\n".join(machine_lines + ["", *lines])


def write_performance_doc(body: str) -> Path:
    """Rewrite the statistics part of docs/PERFORMANCE.md atomically (temp file, rename).

    Everything from the first later section ("## All-areas summary", "# Report rendering",
    written by hand or by other benchmarks) onwards is kept as it is.
    """
    path = ROOT / "docs" / "PERFORMANCE.md"
    kept = ""
    if path.is_file():
        old = path.read_text(encoding="utf-8")
        later = [
            old.find(h) for h in ("\n## All-areas summary", "\n# Report rendering", "\n# Rendering")
        ]
        later = [i for i in later if i >= 0]
        kept = old[min(later) :] if later else ""
    text = (
        "# Performance of dana.stats\n\n"
        "Generated by `benchmarks/run.py`; reproduce with\n\n"
        "```\n.venv/bin/python benchmarks/run.py --write\n```\n\n"
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Inputs are synthetic "
        "and seeded (see the module docstring of `benchmarks/run.py`). dana times are the "
        f"median of {REPEATS} runs; the baseline (pandas `groupby().apply` with a Python "
        f"function per group, same formulas) is the median of {BASELINE_REPEATS} runs, and "
        "for proportion and rate it runs on a subset of the groups and is scaled linearly "
        "to the full input, as stated in the table. Every benchmark first checks that "
        "dana and the baseline agree to a relative difference below 1e-9.\n\n"
        "## Machine and results\n\n"
        f"{body}\n\n"
        "## Notes\n\n"
        "- No Python loop over groups: dana sums within groups with `np.bincount` on "
        "integer group codes (`dana.stats._frame`) and applies the formulas to whole arrays.\n"
        "- The machine is shared (2 cores used by several processes at once), so absolute "
        "times vary between runs by tens of percent; the ratios are the stable figure.\n"
    ) + kept
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite docs/PERFORMANCE.md")
    parser.add_argument(
        "--all", action="store_true", help="also run the all-areas summary benchmark"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    body = report(run(), machine())
    print(body)
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s)")
    if args.write:
        print(f"wrote {write_performance_doc(body)}")
    if args.all:
        import national

        print("\n# All-areas summary\n")
        national.main()
        import render

        print("\n# Rendering\n")
        render.main([])


if __name__ == "__main__":
    main()
