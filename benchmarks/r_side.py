"""The R side of the statistics benchmark: PHEindicatormethods on the same inputs.

:func:`r_timings` writes the benchmark's inputs as CSV files, runs ``phe_methods.R``
with ``Rscript`` and reads back the median time of each PHEindicatormethods call and its
results, which must equal dana's to a relative difference below 1e-9. When ``Rscript``
or the package is missing it returns no timings and says why (the benchmark then falls
back to the R times implied by the issue's measurement; see ``run.py``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "phe_methods.R"
#: (workload name prefix, shape) -> the key phe_methods.R times it under
R_KEYS = {
    ("proportion", "ungrouped"): "proportion_ungrouped",
    ("proportion", "grouped"): "proportion_grouped",
    ("rate", "ungrouped"): "rate_ungrouped",
    ("rate", "grouped"): "rate_grouped",
    ("mean", "ungrouped"): "mean_ungrouped",
    ("mean", "grouped"): "mean_grouped",
    ("smr", "grouped"): "isratio_grouped",
    ("funnel_limits, proportion", "ungrouped"): "funnel_proportion",
    ("funnel_limits, rate", "ungrouped"): "funnel_rate",
    ("dsr", "grouped"): "dsr_grouped",
}


def _key(workload) -> str | None:
    for (prefix, shape), key in R_KEYS.items():
        if workload.name.startswith(prefix) and workload.shape == shape:
            return key
    return None


def r_available() -> tuple[bool, str]:
    """Whether Rscript and PHEindicatormethods are installed, and what was found."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return False, "Rscript not found (R is optional; see benchmarks/run.py --help)"
    probe = subprocess.run(
        [rscript, "-e", "cat(as.character(packageVersion('PHEindicatormethods')))"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return False, "R found but PHEindicatormethods is not installed"
    version = subprocess.run([rscript, "--version"], capture_output=True, text=True)
    r_version = (version.stdout or version.stderr).splitlines()[0]
    return True, f"PHEindicatormethods {probe.stdout.strip()}, {r_version}"


def r_timings(workloads, repeats: int) -> tuple[dict[str, float], str]:
    """{"<name>, <shape>": median seconds} for the workloads R can run, and a note."""
    ok, note = r_available()
    if not ok:
        return {}, note + "; R times below are implied by the issue's measurement"
    keyed = {_key(w): w for w in workloads if _key(w)}
    if not keyed:
        return {}, note + "; no workload with an R equivalent was chosen"
    folder = Path(tempfile.mkdtemp(prefix="dana-r-bench-"))
    written = set()
    for w in keyed.values():
        name = "dsr" if w.method == "dsr" else "rows"
        if name not in written:
            w.data.to_csv(folder / f"{name}.csv", index=False)
            written.add(name)
    done = subprocess.run(
        ["Rscript", str(SCRIPT), str(folder), str(repeats), ",".join(keyed)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {}, f"{note}; phe_methods.R failed: {done.stderr.strip()[-500:]}"
    timings = pd.read_csv(folder / "timings.csv")
    out = {}
    for row in timings.itertuples(index=False):
        if np.isfinite(row.seconds):
            w = keyed[row.key]
            out[f"{w.name}, {w.shape}"] = float(row.seconds)
    _check_results(folder, keyed)
    return out, note + " (measured in this run)"


def _check_results(folder: Path, keyed) -> None:
    """R's value and limits must equal dana's (relative difference below 1e-9)."""
    for key, w in keyed.items():
        path = folder / f"result_{key}.csv"
        if not path.exists():
            continue
        theirs = pd.read_csv(path)
        ours = w.dana(w.data)
        for r_column, column in (
            ("value", "value"),
            ("lowercl", "lower_95"),
            ("uppercl", "upper_95"),
        ):
            if r_column not in theirs or column not in ours:
                continue
            a, b = ours[column].to_numpy(float), theirs[r_column].to_numpy(float)
            ok = ~np.isnan(b)
            worst = np.max(np.abs(a[ok] - b[ok]) / np.maximum(np.abs(b[ok]), 1e-300), initial=0)
            if worst >= 1e-9:
                raise SystemExit(f"R and dana differ on {key} {column}: {worst:.2e}")
