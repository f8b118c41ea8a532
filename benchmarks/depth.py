"""Benchmark of the depth parts (profiles, penetration, pathways, population, inequalities,
demand, value for money): what they add to a report build.

Run from the repository root::

    .venv/bin/python benchmarks/depth.py                 # print results (5 runs)
    .venv/bin/python benchmarks/depth.py --render        # ... with the four formats written
    .venv/bin/python benchmarks/depth.py --render --write  # ... and rewrite the "Depth"
                                                           #     section of PERFORMANCE.md

In one process, on the embedded default config (Peterborough, synthetic), after a
warm-up build (imports, packaged files read):

* **build**: ``build_assessment(config)`` against ``build_assessment(config,
  depth=False)`` (no depth rows read, no depth parts: the assessment as before), runs of
  the two alternating so a change in the shared machine's load affects both; wall and
  CPU time, median of the runs;
* **parts**: each depth part alone on the loaded table (median of the runs);
* **report** (``--render``): the build plus ``dana.report.write_outputs`` of all four
  formats, with and without the depth parts (median of ``--render-runs``, alternating).

The depth cost is the difference of the medians; it is reported as a share of the report
build (build + all four formats) when ``--render`` is given, else of the build.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dana._atomic import write_bytes_atomic  # noqa: E402
from dana.assess import build_assessment, load_config  # noqa: E402
from dana.assess import depth as depth_parts  # noqa: E402
from dana.assess.comparators import resolve_comparators  # noqa: E402
from dana.assess.figures import build_indicator_results  # noqa: E402
from dana.assess.layout import table_indicators, topic_sections  # noqa: E402
from dana.assess.load import load_table  # noqa: E402
from dana.catalogue import load_catalogue  # noqa: E402

HEADING = "\n# Depth of the assessment\n"


def _timed(func):
    wall, cpu = time.perf_counter(), time.process_time()
    value = func()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def builds(config, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Alternating builds with and without the depth parts: (wall, cpu) per run."""
    out = {"with": [], "without": []}
    for _ in range(runs):
        for key, depth in (("without", False), ("with", True)):
            wall, cpu, _ = _timed(lambda depth=depth: build_assessment(config, depth=depth))
            out[key].append((wall, cpu))
    return out


def parts(config, runs: int) -> dict[str, float]:
    """Each step the depth adds, alone, on data already loaded (median CPU seconds)."""
    catalogue = load_catalogue()
    comparators = resolve_comparators(config)
    steps = {"read and merge the depth rows": lambda: load_table(config)}
    data = load_table(config)
    indicators = list(catalogue) + table_indicators(data, catalogue)
    results, _ = build_indicator_results(data, indicators, comparators, config)
    sections = topic_sections(
        results,
        comparators,
        include=config.include,
        key_indicators=frozenset(config.key_indicators),
        table=data,
    )
    steps["all depth parts (add_depth)"] = lambda: depth_parts.add_depth(
        sections, data, results, comparators, config
    )
    timings = {}
    for name, step in steps.items():
        timings[name] = statistics.median(_timed(step)[1] for _ in range(runs))
    timings["read the tables without depth rows"] = statistics.median(
        _timed(lambda: load_table(config, depth=False))[1] for _ in range(runs)
    )
    return timings


def reports(config, runs: int) -> dict[str, list[float]]:
    """Build + all four formats, with and without the depth parts (wall seconds)."""
    from dana.report import write_outputs  # the renderers load only when asked for

    out = {"with": [], "without": []}
    for _ in range(runs):
        for key, depth in (("without", False), ("with", True)):
            with tempfile.TemporaryDirectory() as folder:
                wall, _, _ = _timed(
                    lambda depth=depth, folder=folder: write_outputs(
                        build_assessment(config, depth=depth), Path(folder)
                    )
                )
            out[key].append(wall)
    return out


def _median(values, index=None) -> float:
    return statistics.median(v if index is None else v[index] for v in values)


def report(build_times, part_times, report_times, machine: dict) -> str:
    lines = ["| measure | without the depth parts | with them | added | runs (with) |", "|---|---|---|---|---|"]  # fmt: skip
    for label, index in (("build, wall", 0), ("build, CPU", 1)):
        without, with_ = _median(build_times["without"], index), _median(build_times["with"], index)
        runs = ", ".join(f"{r[index]:.2f}" for r in build_times["with"])
        lines.append(
            f"| {label} | {without:.2f} s | {with_:.2f} s | {with_ - without:+.2f} s "
            f"({(with_ - without) / without:+.0%}) | {runs} |"
        )
    share_of = "the build (CPU)"
    added = _median(build_times["with"], 1) - _median(build_times["without"], 1)
    total = _median(build_times["with"], 1)
    if report_times:
        without, with_ = _median(report_times["without"]), _median(report_times["with"])
        runs = ", ".join(f"{r:.1f}" for r in report_times["with"])
        lines.append(
            f"| report build (build + four formats), wall | {without:.1f} s | {with_:.1f} s | "
            f"{with_ - without:+.1f} s ({(with_ - without) / without:+.0%}) | {runs} |"
        )
        total, share_of = with_, "the report build (wall)"
    lines += ["", "| step the depth adds (alone, median CPU) | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in part_times.items()]
    lines += [
        "",
        f"The depth parts' own work (the build's CPU difference, {added:.2f} s) is "
        f"{added / total:.1%} of {share_of}.",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
    ]
    return "\n".join(lines)


def write_performance_doc(body: str) -> Path:
    """Replace (or add, before "# Rendering") this benchmark's section of PERFORMANCE.md."""
    path = ROOT / "docs" / "PERFORMANCE.md"
    old = path.read_text(encoding="utf-8")
    section = (
        HEADING + "\nGenerated by `benchmarks/depth.py`; reproduce with\n\n"
        "```\n.venv/bin/python benchmarks/depth.py --render --write\n```\n\n"
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in one process on the "
        "default config (Peterborough, synthetic), after a warm-up build; builds with and "
        "without the depth parts alternate. The machine is shared with other helpers (load "
        "average 4-8 on 2 cores during the run), so wall times vary by tens of percent; CPU "
        "times are steadier. The lead re-measures on a quiet machine.\n\n" + body + "\n"
    )
    if HEADING in old:
        start = old.index(HEADING)
        rest = old[start + len(HEADING) :]
        end = rest.find("\n# ")
        new = old[:start] + section + ("" if end < 0 else rest[end:])
    elif "\n# Rendering\n" in old:
        at = old.index("\n# Rendering\n")
        new = old[:at] + section + old[at:]
    else:
        new = old.rstrip("\n") + "\n" + section
    write_bytes_atomic(path, new.encode("utf-8"))
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--render", action="store_true", help="also write the four formats")
    parser.add_argument("--render-runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="rewrite docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    from run import machine  # the same machine description as the other benchmarks

    config = load_config()
    build_assessment(config)  # warm-up: imports, packaged tables read and cached
    build_times = builds(config, args.runs)
    part_times = parts(config, args.runs)
    report_times = reports(config, args.render_runs) if args.render else None
    body = report(build_times, part_times, report_times, machine())
    print(body)
    if args.write:
        print(f"wrote {write_performance_doc(body)}")


if __name__ == "__main__":
    main()
