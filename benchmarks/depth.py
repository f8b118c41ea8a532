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
  formats, with and without the depth parts (median of ``--render-runs``, alternating),
  and the rendering split by step (charts drawn, each format written; one process).

The client profile and penetration work is its parts' own time plus reading the depth
rows (mostly profile breakdowns); it and all the depth parts are reported as a share of
the report build (build + all four formats) when ``--render`` is given, else of the
build. The rendering of the depth parts' tables and charts is the renderers' work and is
reported separately.
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
from dana.assess import (  # noqa: E402
    build_assessment,
    load_config,
    penetration,
    population,
    profile,
    young_people,
)
from dana.assess import depth as depth_parts  # noqa: E402
from dana.assess.comparators import resolve_comparators  # noqa: E402
from dana.assess.figures import build_indicator_results  # noqa: E402
from dana.assess.layout import table_indicators, topic_sections  # noqa: E402
from dana.assess.load import load_table  # noqa: E402
from dana.assess.profile import TOPICS  # noqa: E402
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
    area, rule = comparators.subject, config.suppression
    local = depth_parts.local_rows(data, area.code)

    def profile_and_penetration():
        for topic in TOPICS.values():
            profile.adult_profile(local, topic, comparators, target=None, rule=rule)
            adults, source, period = population.adult_residents_for(
                local, area.code, 2023, default_data=True
            )
            penetration.topic_penetration(
                local, topic, area, target=None, rule=rule, adults=adults,
                adults_source=source, adults_period=period,
            )  # fmt: skip
        young_people.young_people_profile(local, comparators, target=None, rule=rule)

    steps = {
        "read the tables without the depth rows": lambda: load_table(config, depth=False),
        "read the tables with the depth rows": lambda: load_table(config),
        "all depth parts (add_depth)": lambda: depth_parts.add_depth(
            sections, data, results, comparators, config
        ),
        "of which client profiles and penetration": profile_and_penetration,
    }
    return {
        name: statistics.median(_timed(step)[1] for _ in range(runs))
        for name, step in steps.items()
    }


def render_split(config) -> dict[str, dict[str, float]]:
    """CPU seconds to draw the charts and write each format, one process, no pool."""
    from dana.render.formats import RENDERERS, prepare_charts  # renderers: only when asked

    out = {}
    for key, depth in (("without", False), ("with", True)):
        assessment = build_assessment(config, depth=depth)
        _, draw, cache = _timed(lambda assessment=assessment: prepare_charts(assessment, workers=1))
        out[key] = {"draw the charts": draw}
        with tempfile.TemporaryDirectory() as folder:
            for fmt, render in RENDERERS.items():
                path = Path(folder) / f"report.{fmt}"
                out[key][f"write {fmt}"] = _timed(
                    lambda render=render, path=path, a=assessment, c=cache: render(
                        a, path, charts=c
                    )
                )[1]
    return out


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


def report(build_times, part_times, report_times, split, machine: dict) -> str:
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
    lines += ["", "| step (alone, median CPU) | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in part_times.items()]
    reading = part_times["read the tables with the depth rows"] - part_times["read the tables without the depth rows"]  # fmt: skip
    profile_cost = part_times["of which client profiles and penetration"] + reading
    lines += [
        "",
        f"The client profile and penetration work (its parts, {part_times['of which client profiles and penetration']:.2f} s, "
        f"plus reading every depth row, {reading:.2f} s, most of them profile breakdowns) takes "
        f"{profile_cost:.2f} s: {profile_cost / total:.1%} of {share_of}. All the depth "
        f"parts together (the build's CPU difference, {added:.2f} s) are {added / total:.1%}.",
    ]  # fmt: skip
    if split:
        lines += ["", "| rendering, one process, CPU | without the depth parts | with them | added |", "|---|---|---|---|"]  # fmt: skip
        for step in split["with"]:
            before, after = split["without"][step], split["with"][step]
            lines.append(f"| {step} | {before:.2f} s | {after:.2f} s | {after - before:+.2f} s |")
        before, after = sum(split["without"].values()), sum(split["with"].values())
        lines.append(f"| all | {before:.2f} s | {after:.2f} s | {after - before:+.2f} s ({(after - before) / before:+.0%}) |")  # fmt: skip
    lines += ["", *(f"- {key}: {value}" for key, value in machine.items())]
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
    split = render_split(config) if args.render else None
    body = report(build_times, part_times, report_times, split, machine())
    print(body)
    if args.write:
        print(f"wrote {write_performance_doc(body)}")


if __name__ == "__main__":
    main()
