"""Benchmark of the all-areas summary: the whole command, then the summary against a loop
over areas with the per-area builder.

Run from the repository root::

    .venv/bin/python benchmarks/national.py
    .venv/bin/python benchmarks/national.py --before /tmp/base   # interleaved with a
        # source tree of older code: git archive <commit> src | tar -x -C /tmp/base

* end to end: ``dana batch --out DIR`` (the summary alone, CSV + XLSX, start-up
  included) in a fresh interpreter, wall time and peak memory, median of 5; with it
  ``dana --help`` and ``import dana.cli``. With ``--before`` each run of the older code
  is interleaved with one of this code (the same load on both), the ratio is printed and
  the two outputs must agree: the CSV byte for byte, every part (XML) of the workbook.
* dana: :func:`dana.assess.summarise_areas` on the full embedded default table
  (every UTLA x every catalogue indicator), median of 5 runs.
* baseline: the straightforward loop, one call of the single-area builder's comparison
  step (:func:`dana.assess.figures.build_indicator_results`: headline rows, disclosure,
  compare with England and region, trend) per area, on a subset of areas, median of 3,
  scaled linearly to all areas. Before timing, the two must agree on ``vs_england`` for
  every (area, indicator) of the subset that neither suppresses.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dana.areas import ENGLAND, load_areas  # noqa: E402
from dana.assess import Area, AssessmentConfig, summarise_areas  # noqa: E402
from dana.assess.comparators import Comparators  # noqa: E402
from dana.assess.figures import TESTED_METHODS, build_indicator_results  # noqa: E402
from dana.catalogue import load_catalogue  # noqa: E402
from dana.data.default import load_default_table  # noqa: E402

SUBSET = 10


def _per_area(table, catalogue, codes):
    """{(area, indicator): vs_england} from the single-area builder, one area at a time."""
    areas = load_areas()
    out = {}
    for code in codes:
        info, region = areas.get(code), areas.region_of(code)
        comparators = Comparators(
            subject=Area(info.code, info.name, "utla", region.code, region.name),
            england=Area(ENGLAND, "England", "england"),
            region=Area(region.code, region.name, "region"),
        )
        config = AssessmentConfig(area=code, comparators={"neighbours": None})
        results, _ = build_indicator_results(table, catalogue, comparators, config)
        for result in results:
            for bench in result.figure.benchmarks:
                if bench.benchmark_code == ENGLAND and not result.figure.suppressed:
                    out[(code, result.indicator.id)] = bench.comparison
    return out


def _median_time(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


#: The command line in a fresh interpreter (the same form for older code without
#: ``python -m dana``).
_CLI = [sys.executable, "-c", "from dana.cli import main; main(prog_name='dana')"]
_COMMANDS = {
    "dana batch --out DIR": ["batch", "--out"],
    "dana --help": ["--help"],
    "import dana.cli": None,
}


def _run_once(arguments: list[str] | None, source: Path | None, out: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one command in a fresh interpreter."""
    env = dict(os.environ)
    if source is not None:  # the older code's src first on the path
        env["PYTHONPATH"] = str(source / "src")
    if arguments is None:
        command = [sys.executable, "-c", "import dana.cli"]
    else:
        command = _CLI + arguments + ([str(out)] if arguments[-1] == "--out" else [])
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed (status {status})")
    return seconds, usage.ru_maxrss / 1024


def _same_outputs(before: Path, after: Path) -> str:
    """The CSV byte-identical and every XLSX part byte-identical, or exit saying which not."""
    if not filecmp.cmp(before / "all_areas_summary.csv", after / "all_areas_summary.csv", False):
        raise SystemExit("the summary CSV differs between the two trees")
    with (
        zipfile.ZipFile(before / "all_areas_summary.xlsx") as old,
        zipfile.ZipFile(after / "all_areas_summary.xlsx") as new,
    ):
        if old.namelist() != new.namelist():
            raise SystemExit("the workbooks have different parts")
        for name in old.namelist():
            if old.read(name) != new.read(name):
                raise SystemExit(f"workbook part {name} differs between the two trees")
        return f"CSV byte-identical, all {len(old.namelist())} workbook parts byte-identical"


def end_to_end(runs: int = 5, before: Path | None = None) -> None:
    """Median wall time (and peak memory) of each command; interleaved with ``before``."""
    print(f"load average before: {Path('/proc/loadavg').read_text().strip()}")
    with tempfile.TemporaryDirectory() as folder:
        outs = {"before": Path(folder) / "before", "after": Path(folder) / "after"}
        for label, arguments in _COMMANDS.items():
            times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            for _ in range(runs):
                if before is not None:
                    times["before"].append(_run_once(arguments, before, outs["before"]))
                times["after"].append(_run_once(arguments, None, outs["after"]))
            line = []
            for tree in ("before", "after"):
                if times[tree]:
                    wall = statistics.median(t for t, _ in times[tree])
                    memory = max(m for _, m in times[tree])
                    line.append(f"{tree} {wall:.2f} s ({memory:.0f} MB)")
            if before is not None:
                ratio = statistics.median(t for t, _ in times["after"]) / statistics.median(
                    t for t, _ in times["before"]
                )
                line.append(f"ratio {ratio:.2f}")
            print(f"{label} (median of {runs}): " + ", ".join(line))
        if before is not None:
            print(_same_outputs(outs["before"], outs["after"]))
    print(f"load average after: {Path('/proc/loadavg').read_text().strip()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a source tree of older code (has src/)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument(
        "--no-loop", action="store_true", help="skip the per-area builder comparison"
    )
    args = parser.parse_args(argv)
    end_to_end(args.runs, args.before)
    if not args.no_loop:
        summary_against_loop()


def summary_against_loop() -> None:
    """summarise_areas against the per-area builder's loop (see the module docstring)."""
    table, catalogue = load_default_table(), load_catalogue()
    codes = sorted(a.code for a in load_areas().utlas())
    subset = codes[:: len(codes) // SUBSET][:SUBSET]

    dana_time, published = _median_time(lambda: summarise_areas(table, catalogue), 5)
    loop_time, looped = _median_time(lambda: _per_area(table, catalogue, subset), 3)

    summary = published.rows
    mine = summary[summary["area_code"].isin(subset) & ~summary["suppressed"]]
    agree = total = 0
    for row in mine.itertuples(index=False):
        key = (row.area_code, row.indicator_id)
        if key in looped and row.comparison_method in TESTED_METHODS:
            total += 1
            agree += looped[key] == row.vs_england
    if agree != total or total == 0:
        raise SystemExit(f"summary and per-area builder disagree on {total - agree}/{total}")
    scaled = loop_time * len(codes) / len(subset)
    print(f"areas x indicators: {len(codes)} x {len(catalogue)} = {len(summary)} rows")
    print(f"summarise_areas, all areas (median of 5): {dana_time:.2f} s")
    print(
        f"per-area builder loop, {len(subset)} areas (median of 3): {loop_time:.2f} s"
        f" -> {scaled:.1f} s scaled to {len(codes)} areas ({scaled / dana_time:.0f}x slower)"
    )
    print(f"vs_england agrees on all {total} compared (area, indicator) pairs of the subset")


if __name__ == "__main__":
    main()
