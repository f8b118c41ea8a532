"""Benchmark of dana.stats on 1,000,000 rows: against today's code, a numpy floor and R.

Run from the repository root::

    .venv/bin/python benchmarks/run.py              # print the results
    .venv/bin/python benchmarks/run.py --write      # ... and rewrite docs/PERFORMANCE.md's
                                                    #     statistics section
    .venv/bin/python benchmarks/run.py --all        # ... then every other benchmark
                                                    #     (records.py at scale 0.1)
    .venv/bin/python benchmarks/run.py --only rate  # workloads whose name contains "rate"

Each workload (see ``stats_workloads.py``) is timed three or four ways in the same run,
on the same seeded inputs: dana (median of at least 5 runs after one warm-up call,
more for short calls: until 0.25 s of calls, at most 51), today's dana.stats (the code before
issue 12, loaded from git by ``baseline.py``; median of 3, on a subset scaled linearly
where it would take minutes), the numpy floor (likewise) and, when R is set up,
PHEindicatormethods (``phe_methods.R``, median of 5). Before timing counts, dana's
results must equal today's to a relative difference below 1e-9 (and R's, when it runs).

R (optional). The machine needs Debian's R and the package built from source::

    apt-get install r-base-core r-cran-dplyr r-cran-tidyr r-cran-purrr r-cran-rlang r-cran-broom
    R CMD INSTALL PHEindicatormethods_2.0.0.tar.gz   # source from CRAN or GitHub

``Rscript -e 'library(PHEindicatormethods)'`` must then work. With R and dplyr but not
the package (``apt-get install r-base-core r-cran-dplyr``), ``phe_standin.R`` is timed
instead: the package's formulas written with dplyr, a lower bound on its time (labelled
"R stand-in"). Without R, the R column is derived from the issue's measurement (PHEindicatormethods 2.0.0, R 4.2, same inputs,
one run on this machine): R's time = 0.7 x today's proportion time, 4 x today's rate
time, today's DSR time x 345. No other method was measured, so it has no R figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import BASELINE_REF, load_baseline  # noqa: E402
from r_side import r_timings  # noqa: E402
from stats_workloads import dsr_input, rows_input, workloads  # noqa: E402

from dana import stats  # noqa: E402
from dana._atomic import write_bytes_atomic  # noqa: E402
from dana.stats.standards import ESP2013  # noqa: E402

REPEATS = 5
BASELINE_REPEATS = 3
#: dana's and the floor's calls repeat until this much time has run (see _median_time).
SHORT_CALLS_S = 0.25
#: R's time relative to today's dana, measured for the issue (see the module docstring).
R_FACTOR_OF_TODAY = {"proportion": 0.7, "rate": 4.0, "dsr": 345.0}


def _median_time(
    func, repeats: int, *, warm_up: bool = False, until_s: float = 0.0, most: int = 51
) -> tuple[float, object]:
    """Median wall time of at least ``repeats`` calls, and of more (up to ``most``)
    until ``until_s`` seconds of calls have run: a 2 ms call moves by a third from one
    run to the next on a shared machine, and the median of a few dozen calls does not.
    ``warm_up`` makes one untimed call first (numba compiles dana's kernels on their
    first use, once per process)."""
    if warm_up:
        func()
    times, result = [], None
    while len(times) < repeats or (sum(times) < until_s and len(times) < most):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _subset(frame: pd.DataFrame, fraction: float) -> pd.DataFrame:
    return frame if fraction >= 1 else frame.iloc[: int(len(frame) * fraction)]


def agreement(ours: pd.DataFrame, theirs: pd.DataFrame, columns) -> float:
    """Largest relative difference over numeric columns; text columns must be equal."""
    assert len(ours) == len(theirs), f"row counts differ: {len(ours)} vs {len(theirs)}"
    worst = 0.0
    for column in columns:
        a, b = ours[column].reset_index(drop=True), theirs[column].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(b.dtype):
            a, b = a.to_numpy(float), b.to_numpy(float)
            assert (np.isnan(a) == np.isnan(b)).all(), f"{column}: missing values differ"
            ok = ~np.isnan(a)
            scale = np.maximum(np.abs(b[ok]), 1e-300)
            worst = max(worst, float(np.max(np.abs(a[ok] - b[ok]) / scale, initial=0)))
        else:
            assert (a.astype(str) == b.astype(str)).all(), f"{column}: labels differ"
    assert worst < 1e-9, f"results differ: relative difference {worst:.2e}"
    return worst


def run(only: str | None = None, baseline_ref: str = BASELINE_REF, use_r: bool = True):
    baseline, baseline_source = load_baseline(baseline_ref)
    rows, dsr_frame = rows_input(), dsr_input(ESP2013)
    chosen = [w for w in workloads(stats, baseline, rows, dsr_frame) if not only or only in w.name]
    r_measured, r_note, r_label = (
        r_timings(chosen, REPEATS) if use_r else ({}, "R not requested", "")
    )
    results = []
    for w in chosen:
        label = f"{w.name}, {w.shape}"
        print(f"  {label} ...", flush=True)
        dana_t, ours = _median_time(
            lambda w=w: w.dana(w.data), REPEATS, warm_up=True, until_s=SHORT_CALLS_S
        )
        with np.errstate(all="ignore"):  # the floors skip dana's edge rules (O = 0 ...)
            floor_t = _median_time(w.floor, REPEATS, until_s=SHORT_CALLS_S)[0] if w.floor else None
        base_t = diff = None
        if w.baseline is not None:
            part = _subset(w.data, w.baseline_fraction)
            base_t, theirs = _median_time(lambda w=w, p=part: w.baseline(p), BASELINE_REPEATS)
            base_t /= w.baseline_fraction
            mine = ours if w.baseline_fraction >= 1 else w.dana(part)
            diff = agreement(mine, theirs, w.compare_columns)
        r_t, r_source = r_measured.get(label), r_label
        if r_t is None and base_t is not None and w.method in R_FACTOR_OF_TODAY:
            r_t, r_source = base_t * R_FACTOR_OF_TODAY[w.method], "implied"
        results.append(
            {
                "workload": label,
                "rows": len(w.data),
                "results": len(ours),
                "dana": dana_t,
                "baseline": base_t,
                "scaled": w.baseline_fraction < 1,
                "floor": floor_t,
                "r": r_t,
                "r_source": r_source if r_t is not None else "",
                "diff": diff,
                "note": w.note,
            }
        )
    return results, baseline_source, r_note


def machine() -> dict:
    cpu, ram = "unknown", "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 1024**2:.1f} GiB"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu model": cpu,
        "ram": ram,
        "load average (1 min) at the start": f"{load:.2f}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def _seconds(value) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _ratio(numerator, denominator, word: str = "") -> str:
    if numerator is None or denominator is None:
        return "-"
    ratio = numerator / denominator
    text = f"{ratio:.2g}x" if ratio < 10 else f"{ratio:.0f}x"
    return f"{text} {word}".strip()


def report(results, info, baseline_source, r_note) -> str:
    lines = [f"- {k}: {v}" for k, v in info.items()]
    lines += [
        f"- today's code: {baseline_source}",
        f"- R: {r_note}",
        "",
        "| workload | rows -> results | dana | today | dana vs today | numpy floor "
        "| dana / floor | R | dana vs R | max rel. diff |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        today = _seconds(r["baseline"]) + (" (scaled)" if r["scaled"] else "")
        r_time = _seconds(r["r"]) + (f" ({r['r_source']})" if r["r_source"] else "")
        diff = "-" if r["diff"] is None else f"{r['diff']:.1e}"
        lines.append(
            f"| {r['workload']} | {r['rows']:,} -> {r['results']:,} | {_seconds(r['dana'])} "
            f"| {today} | {_ratio(r['baseline'], r['dana'], 'faster')} | {_seconds(r['floor'])} "
            f"| {_ratio(r['dana'], r['floor'])} | {r_time} | {_ratio(r['r'], r['dana'], 'faster')} "
            f"| {diff} |"
        )
    notes = [f"- {r['workload']}: {r['note']}" for r in results if r["note"]]
    return "\n".join(lines + ([""] + notes if notes else []))


def write_performance_doc(
    body: str, name: str = "stats-benchmark", by: str = "benchmarks/run.py"
) -> Path:
    """Rewrite one generated part of docs/PERFORMANCE.md atomically.

    The text between the markers ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` is
    replaced; everything else (written by hand or by other benchmarks) is kept as it is.
    """
    path = ROOT / "docs" / "PERFORMANCE.md"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    old = path.read_text(encoding="utf-8") if path.is_file() else f"{start}\n{end}\n"
    if start not in old or end not in old:
        raise SystemExit(f"{path}: the markers {start} / {end} are missing")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = f"{start}\nGenerated by `{by} --write` on {stamp}.\n\n{body}\n{end}"
    text = old[: old.index(start)] + block + old[old.index(end) + len(end) :]
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n", 2)[2],
    )  # fmt: skip
    parser.add_argument("--write", action="store_true", help="rewrite docs/PERFORMANCE.md")
    parser.add_argument("--all", action="store_true", help="also run the other benchmarks")
    parser.add_argument("--only", help="run only workloads whose name contains this text")
    parser.add_argument("--no-r", action="store_true", help="do not run R even if present")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref of today's code")
    args = parser.parse_args()
    started = time.perf_counter()
    info = machine()
    results, source, r_note = run(args.only, args.baseline_ref, use_r=not args.no_r)
    body = report(results, info, source, r_note)
    print(body)
    print(f"\n(total benchmark time {time.perf_counter() - started:.0f} s)")
    if args.write:
        print(f"wrote {write_performance_doc(body)}")
    if args.all:
        import national

        print("\n# All-areas summary\n")
        national.main([])
        import render

        print("\n# Rendering\n")
        render.main([])
        import records

        print("\n# Record-level engine\n")
        records.main(["--scale", "0.1"])


if __name__ == "__main__":
    main()
