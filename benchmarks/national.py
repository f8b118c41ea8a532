"""Benchmark of the all-areas summary against a loop over areas with the per-area builder.

Run from the repository root::

    .venv/bin/python benchmarks/national.py

* dana: :func:`dana.assess.summarise_areas` on the full embedded default table
  (every UTLA x every catalogue indicator), median of 5 runs.
* baseline: the straightforward loop, one call of the single-area builder's comparison
  step (:func:`dana.assess.figures.build_indicator_results`: headline rows, disclosure,
  compare with England and region, trend) per area, on a subset of areas, median of 3,
  scaled linearly to all areas. Before timing, the two must agree on ``vs_england`` for
  every (area, indicator) of the subset that neither suppresses.
"""

from __future__ import annotations

import statistics
import sys
import time
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


def main() -> None:
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
