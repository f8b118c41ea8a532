"""Benchmark of rendering the default build: all four formats and each alone, against the
renderers of the baseline commit, measured in the same run.

Run from the repository root::

    .venv/bin/python benchmarks/render.py             # print results (3 runs each)
    .venv/bin/python benchmarks/render.py --write     # ... and rewrite its generated part
                                                      #     of docs/PERFORMANCE.md (between
                                                      #     the render-benchmark markers)
    .venv/bin/python benchmarks/render.py --runs 5 --baseline 1fa5ef9

Every timing is a fresh ``python`` process, so start-up (imports) is included, on data
already on disk: the embedded default assessment (Peterborough, synthetic; 40 charts).
It builds the assessment and writes the formats:

* this tree: ``dana report --out <folder> --format html --format docx --format pdf
  --format pptx`` (or one ``--format``), run as the user runs it: the command's warm
  worker pool, the charts drawn during the build and once for every format, the formats
  written in parallel;
* baseline: the same build and ``dana.assess.write_outputs`` of the baseline commit
  (checked out with ``git worktree`` into a temporary folder; it needs plotly, which
  this tree no longer does, and is skipped with a note when plotly is missing).

Both trees are compiled to bytecode before any run (see ``_compiled``). Runs of the two alternate (baseline, this tree, baseline, ...) so a change in the load of
the shared machine affects both. Reported: the median of the runs, the ratio, the build
time inside each process, and the outputs' sizes, pages and slides.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BASELINE = "1fa5ef9"
FORMATS = ("html", "docx", "pdf", "pptx")
CASES = ("all", *FORMATS)

_CURRENT = """
import json, sys, time
import dana.cli_report as cli_report
from dana.cli import main
out, case = sys.argv[1], sys.argv[2]
formats = ("html", "docx", "pdf", "pptx") if case == "all" else (case,)
built = {}
build = cli_report.build_assessment
def timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return build(*args, **kwargs)
    finally:
        built["s"] = time.perf_counter() - start
cli_report.build_assessment = timed
main(["report", "--out", out, *[x for f in formats for x in ("--format", f)]], standalone_mode=False)
print(json.dumps({"build_s": built["s"]}))
"""

_BASELINE = """
import json, sys, time
t0 = time.perf_counter()
from dana.assess import build_assessment, load_config, write_outputs
assessment = build_assessment(load_config())
built = time.perf_counter() - t0
out, case = sys.argv[1], sys.argv[2]
formats = ["html", "docx", "pdf", "pptx"] if case == "all" else [case]
write_outputs(assessment, out, formats)
print(json.dumps({"build_s": built}))
"""


def _baseline_tree(commit: str) -> Path | None:
    """A worktree of ``commit`` in a temporary folder (made once, reused)."""
    folder = Path(tempfile.gettempdir()) / f"dana-render-baseline-{commit}"
    if not (folder / "src" / "dana").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
            check=True,
            capture_output=True,
        )
    return folder


def _has_plotly() -> bool:
    return (
        subprocess.run([sys.executable, "-c", "import plotly"], capture_output=True).returncode == 0
    )


def _run(script: str, src: Path, case: str) -> tuple[float, float, Path]:
    out = Path(tempfile.mkdtemp(prefix="dana-render-bench-"))
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), case], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{case} failed ({src}):\n{done.stderr[-2000:]}")
    build = json.loads(done.stdout.strip().splitlines()[-1])["build_s"]
    return wall, build, out


def _outputs(folder: Path) -> dict[str, str]:
    """Size of each output, and pages / slides where they apply."""
    import pypdf
    from pptx import Presentation

    found = {}
    for path in sorted(folder.glob("*.*")):
        size = f"{path.stat().st_size / 1e6:.2f} MB"
        if path.suffix == ".pdf":
            size += f", {len(pypdf.PdfReader(str(path)).pages)} pages"
        elif path.suffix == ".pptx":
            size += f", {len(Presentation(str(path)).slides)} slides"
        found[path.suffix[1:]] = size
    return found


def _compiled(src: Path) -> None:
    """Compile a tree's modules to bytecode first, as an installed package's are: where
    PYTHONDONTWRITEBYTECODE is set (this benchmark's machine sets it), an editable
    install would otherwise compile every module again at every start."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True)


def run(runs: int, commit: str) -> dict:
    baseline = _baseline_tree(commit) if _has_plotly() else None
    _compiled(ROOT / "src")
    if baseline:
        _compiled(baseline / "src")
    results: dict = {"runs": runs, "baseline": commit if baseline else None, "cases": {}}
    sizes: dict = {}
    for case in CASES:
        mine, theirs, builds = [], [], []
        for _ in range(runs):
            if baseline:
                wall, _, out = _run(_BASELINE, baseline / "src", case)
                theirs.append(wall)
                if case == "all":
                    sizes["baseline"] = _outputs(out)
            wall, build, out = _run(_CURRENT, ROOT / "src", case)
            mine.append(wall)
            builds.append(build)
            if case == "all":
                sizes["this tree"] = _outputs(out)
        results["cases"][case] = {
            "this": statistics.median(mine),
            "baseline": statistics.median(theirs) if theirs else None,
            "build": statistics.median(builds),
            "all_this": mine,
            "all_baseline": theirs,
        }
        print(
            f"{case}: this tree {statistics.median(mine):.1f} s"
            + (f", baseline {statistics.median(theirs):.1f} s" if theirs else ""),
            flush=True,
        )
    results["sizes"] = sizes
    return results


def report(results: dict, info: dict) -> str:
    lines = [f"- {k}: {v}" for k, v in info.items()]
    lines += [
        "",
        f"| formats | this tree (median of {results['runs']}) | baseline {results['baseline'] or '(not run)'} | ratio | of which building the assessment | runs (this tree) |",
        "|---|---|---|---|---|---|",
    ]
    for case, r in results["cases"].items():
        base = f"{r['baseline']:.1f} s" if r["baseline"] else "-"
        ratio = "-"
        if r["baseline"]:
            speed = r["baseline"] / r["this"]
            ratio = f"{speed:.1f}x faster" if speed >= 1 else f"{1 / speed:.1f}x slower"
        label = "all four" if case == "all" else f"{case} alone"
        runs = ", ".join(f"{t:.1f}" for t in r["all_this"])
        lines.append(
            f"| {label} | {r['this']:.1f} s | {base} | {ratio} | {r['build']:.1f} s | {runs} |"
        )
    lines += [
        "",
        "| outputs of the four-format build | " + " | ".join(FORMATS) + " |",
        "|---|" + "---|" * len(FORMATS),
    ]
    for who, found in results["sizes"].items():
        lines.append(f"| {who} | " + " | ".join(found.get(f, "-") for f in FORMATS) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--write", action="store_true", help="rewrite docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    from run import machine  # the same machine description as the statistics benchmark

    body = report(run(args.runs, args.baseline), machine())
    print(body)
    if args.write:
        from run import write_performance_doc  # the one writer of the doc's generated parts

        print(f"wrote {write_performance_doc(body, 'render-benchmark', 'benchmarks/render.py')}")


if __name__ == "__main__":
    main()
