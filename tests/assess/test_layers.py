"""The layering of the assessment: imports point down, the model is light, files are small.

sources -> indicator table -> stats -> assess (the model) -> render -> dana.report and
the CLI. Checked from the source text (``ast``), so an import hidden inside a function
counts as much as one at the top; only imports under ``if TYPE_CHECKING:`` (never run)
are left out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dana.assess

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "dana"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
#: The modules of the assessment layer and the top layer over it (this suite's area).
OWN = sorted(
    m
    for m in MODULES
    if m.startswith(("dana.assess", "dana.explorer"))
    or m
    in (
        "dana.cli",
        "dana.cli_report",
        "dana.cli_batch",
        "dana.cli_diff",
        "dana.cli_serve",
        "dana.report",
        "dana.render.national",
        "dana._atomic",
        "dana._workers",
    )
)


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_only(tree: ast.Module) -> set[int]:
    """Nodes under ``if TYPE_CHECKING:``: never run, so they import nothing."""
    return {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING")
        for statement in block.body
        for node in ast.walk(statement)
    }


def _imports(module: str) -> list[tuple[str, ast.AST, bool]]:
    """(imported dana module, node, inside a function?) for every import the module runs."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    type_only = _type_only(tree)
    nested = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            # "from package import submodule" imports the submodule, not the package's API
            names = (
                submodules
                if all(s in MODULES for s in submodules)
                else [node.module, *(s for s in submodules if s in MODULES)]
            )
        else:
            continue
        for name in names:
            target = _resolve(name) if name.startswith("dana") else None
            if target and target != module:
                found.append((target, node, id(node) in nested))
    return found


GRAPH = {m: {target for target, _, _ in _imports(m)} for m in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_importing_the_model_loads_no_pandas_scipy_or_renderer():
    code = (
        "import sys, dana.assess.model\n"
        "heavy = ('pandas', 'scipy', 'matplotlib', 'numpy', 'dana.render', 'dana.stats')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or "
        "m.startswith(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_no_import_cycle_through_the_assessment_layer():
    touching = [c for c in _cycles() if set(c) & set(OWN)]
    assert touching == []


@pytest.mark.parametrize("module", OWN)
def test_assess_never_imports_the_renderers_and_only_the_top_layer_does(module):
    targets = GRAPH[module]
    if module.startswith("dana.assess"):
        above = ("dana.render", "dana.report", "dana.cli", "dana.explorer")
        assert not {t for t in targets if t.startswith(above)}
    if module == "dana.render.national":  # a renderer reads only the model
        assert {t for t in targets if t.startswith("dana.assess")} == {"dana.assess.model"}


def test_the_renderers_are_imported_only_by_the_report_and_the_cli():
    importers = {
        m
        for m, targets in GRAPH.items()
        if not m.startswith("dana.render") and any(t.startswith("dana.render") for t in targets)
    }
    assert importers <= {
        "dana.report",
        "dana.cli",
        *(m for m in MODULES if m.startswith("dana.cli_")),
        # the explorer's pages are a top layer too: they show what the renderers draw
        *(m for m in MODULES if m.startswith("dana.explorer")),
    }


@pytest.mark.parametrize("module", OWN)
def test_files_are_small_and_imports_inside_functions_say_why(module):
    path = MODULES[module]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 500, f"{path.name} has {len(lines)} lines"
    for _, node, nested in _imports(module):
        if nested:  # a deferred import (or group of them) carries its one-line reason above
            above = node.lineno - 2
            while lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            reason = lines[above].strip()
            assert reason.startswith("#"), f"{path.name}:{node.lineno} defers an import silently"


def test_the_public_api_is_small_and_every_name_resolves():
    for name in dana.assess.__all__:
        assert getattr(dana.assess, name) is not None, name
    assert "write_outputs" not in dana.assess.__all__  # writing files is dana.report's
    with pytest.raises(AttributeError):
        dana.assess.write_outputs  # noqa: B018
