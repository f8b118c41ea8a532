"""Start-up: what a command loads before it does any work.

``import dana.cli`` (so ``dana --help`` and every command's start) loads click and rich
only; each command loads its own libraries when it runs. ``dana batch`` (the all-areas
summary) loads none of the report renderers, the record-level engine, the web server or
the Fingertips client, and no pandera: a sound table is validated without it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: What ``dana --help`` must not load (the libraries of the commands, not of the CLI).
NOT_FOR_HELP = {
    "pandas", "numpy", "scipy", "pyarrow", "pandera", "pydantic", "yaml", "httpx",
    "matplotlib", "reportlab", "docx", "pptx", "ibis", "duckdb", "starlette", "uvicorn",
    "jinja2", "openpyxl",
}  # fmt: skip
#: What the all-areas summary does not need.
NOT_FOR_BATCH = {
    "pandera", "hypothesis", "pyspark", "matplotlib", "reportlab", "docx", "pptx", "ibis",
    "duckdb", "sqlglot", "starlette", "uvicorn", "jinja2", "openpyxl", "httpx",
}  # fmt: skip


def _loaded(code: str) -> tuple[set[str], set[str]]:
    """(top-level packages, dana modules) in sys.modules after ``code`` in a fresh python."""
    report = "import sys, json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    )
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    return {m.split(".")[0] for m in modules}, {m for m in modules if m.startswith("dana")}


def test_help_loads_click_and_rich_and_none_of_the_commands_libraries():
    packages, _ = _loaded(
        "from dana.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert {"click", "rich"} <= packages
    assert not packages & NOT_FOR_HELP, sorted(packages & NOT_FOR_HELP)


#: Loaded only when a command writes reports, records or serves pages.
RENDER_ENGINE_SERVER = {
    "matplotlib", "reportlab", "docx", "pptx", "ibis", "duckdb", "starlette", "uvicorn",
}  # fmt: skip


@pytest.mark.parametrize("command", ["report", "example", "batch", "fetch", "diff", "serve"])
def test_a_commands_help_loads_no_renderer_engine_or_server(command):
    # (report, example and serve list the config's formats and examples: they read the
    # config module, which loads pandas; none loads what the command then uses)
    packages, _ = _loaded(
        "from dana.cli import main\ntry:\n"
        f"    main([{command!r}, '--help'])\nexcept SystemExit:\n    pass"
    )
    assert not packages & RENDER_ENGINE_SERVER, sorted(packages & RENDER_ENGINE_SERVER)


def test_the_all_areas_summary_loads_no_renderer_engine_server_or_pandera(tmp_path):
    out = tmp_path / "summary"
    packages, dana_modules = _loaded(
        "from dana.cli import main\n"
        f"main(['batch', '--out', {str(out)!r}, '--areas', 'Peterborough'], standalone_mode=False)"
    )
    assert (out / "all_areas_summary.csv").is_file() and (out / "all_areas_summary.xlsx").is_file()
    assert not packages & NOT_FOR_BATCH, sorted(packages & NOT_FOR_BATCH)
    renderers = {m for m in dana_modules if m.startswith("dana.render.")}
    assert renderers == {"dana.render.national", "dana.render.xlsx"}
    assert not {m for m in dana_modules if m.startswith(("dana.records", "dana.explorer"))}
