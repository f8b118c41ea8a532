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
#: Used without the package: the same formulas with dplyr (see phe_standin.R).
STAND_IN = HERE / "phe_standin.R"
STAND_IN_KEYS = {
    "proportion_ungrouped", "proportion_grouped", "rate_ungrouped", "rate_grouped",
    "mean_ungrouped", "mean_grouped", "isratio_ungrouped", "isratio_grouped",
    "funnel_proportion", "funnel_rate",
}  # fmt: skip
#: (workload name prefix, shape) -> the key phe_methods.R times it under
R_KEYS = {
    ("proportion", "ungrouped"): "proportion_ungrouped",
    ("proportion", "grouped"): "proportion_grouped",
    ("rate", "ungrouped"): "rate_ungrouped",
    ("rate", "grouped"): "rate_grouped",
    ("mean", "ungrouped"): "mean_ungrouped",
    ("mean", "grouped"): "mean_grouped",
    ("smr", "ungrouped"): "isratio_ungrouped",
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


def r_available() -> tuple[Path | None, str, str]:
    """The R script to run, what was found, and the label of its times in the table.

    PHEindicatormethods itself when installed (``phe_methods.R``, label "measured");
    else, with R and dplyr, the stand-in ``phe_standin.R`` (the same formulas and dplyr
    verbs, leaner than the package, so its time is a lower bound on the package's; label
    "R stand-in"); else no script.
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None, "Rscript not found (R is optional; see benchmarks/run.py --help)", ""

    def probe(expression: str) -> subprocess.CompletedProcess:
        return subprocess.run([rscript, "-e", expression], capture_output=True, text=True)

    version = subprocess.run([rscript, "--version"], capture_output=True, text=True)
    r_version = (version.stdout or version.stderr).splitlines()[0]
    package = probe("cat(as.character(packageVersion('PHEindicatormethods')))")
    if package.returncode == 0:
        return SCRIPT, f"PHEindicatormethods {package.stdout.strip()}, {r_version}", "measured"
    dplyr = probe("cat(as.character(packageVersion('dplyr')))")
    if dplyr.returncode == 0:
        return (
            STAND_IN,
            "PHEindicatormethods is not installed; R times are from phe_standin.R, its "
            f"formulas with dplyr {dplyr.stdout.strip()} ({r_version}), a lower bound on "
            "the package's time",
            "R stand-in",
        )
    return None, "R found but neither PHEindicatormethods nor dplyr is installed", ""


def r_timings(workloads, repeats: int) -> tuple[dict[str, float], str, str]:
    """{"<name>, <shape>": median seconds} for the workloads R can run, a note, and the
    label of the times (see :func:`r_available`)."""
    script, note, label = r_available()
    if script is None:
        return {}, note + "; R times below are implied by the issue's measurement", ""
    keyed = {_key(w): w for w in workloads if _key(w)}
    if script == STAND_IN:
        keyed = {k: w for k, w in keyed.items() if k in STAND_IN_KEYS}
    if not keyed:
        return {}, note + "; no workload with an R equivalent was chosen", ""
    folder = Path(tempfile.mkdtemp(prefix="dana-r-bench-"))
    written = set()
    for w in keyed.values():
        name = "dsr" if w.method == "dsr" else "rows"
        if name not in written:
            w.data.to_csv(folder / f"{name}.csv", index=False)
            written.add(name)
    done = subprocess.run(
        ["Rscript", str(script), str(folder), str(repeats), ",".join(keyed)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {}, f"{note}; {script.name} failed: {done.stderr.strip()[-500:]}", ""
    timings = pd.read_csv(folder / "timings.csv")
    out = {}
    for row in timings.itertuples(index=False):
        if np.isfinite(row.seconds):
            w = keyed[row.key]
            out[f"{w.name}, {w.shape}"] = float(row.seconds)
    _check_results(folder, keyed)
    return out, note + " (measured in this run)", label


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
        if "significance" in theirs and "significance" in ours:
            # the same label for every area (a value within 1e-9 of a limit may fall
            # either side of it under a different but equal formula: allowed)
            differ = (
                ours["significance"].astype(str).to_numpy()
                != theirs["significance"].astype(str).to_numpy()
            )
            if differ.any():
                near = _near_a_limit(ours, differ)
                if not near.all():
                    row = int(np.flatnonzero(differ)[~near][0])
                    raise SystemExit(
                        f"R and dana differ on {key} significance at row {row}: "
                        f"{ours['significance'].iloc[row]!r} against "
                        f"{theirs['significance'].iloc[row]!r}"
                    )


def _near_a_limit(ours: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """For the given rows, whether the value lies within 1e-9 (relative) of a limit."""
    value = ours["value"].to_numpy(float)[rows]
    limits = [c for c in ours.columns if c.startswith(("lower_", "upper_"))]
    near = np.zeros(len(value), dtype=bool)
    for column in limits:
        limit = ours[column].to_numpy(float)[rows]
        near |= np.abs(value - limit) <= 1e-9 * np.maximum(np.abs(limit), 1e-300)
    return near
