"""Several formats of one build: charts drawn once, then the formats written side by side.

:func:`render_formats` is what a build of every format calls (``dana.report`` wraps it in
its all-or-nothing publishing): it draws every chart the formats need once
(:class:`~dana.render.chart_pictures.ChartCache`, in a process pool), then writes the
formats in parallel worker processes, longest first, each file whole or not at all. On
2 cores this roughly halves the time of writing the four formats one after another.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from dana.assess.model import Assessment
from dana.render.chart_pictures import ChartCache, assessment_charts
from dana.render.docx import render_docx
from dana.render.html import render_html
from dana.render.pdf import render_pdf
from dana.render.pptx import render_pptx
from dana.render.writing import output_path

FORMATS = ("html", "docx", "pdf", "pptx")
RENDERERS = {"html": render_html, "docx": render_docx, "pdf": render_pdf, "pptx": render_pptx}
#: The picture each format embeds.
PICTURES = {"html": "svg", "docx": "png", "pdf": "png", "pptx": "png"}
#: Longest first, so the last format to start is a short one (measured on the default build).
_COST_ORDER = ("pptx", "pdf", "docx", "html")


def _check(formats) -> list[str]:
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ValueError(
            f"unknown output format(s) {', '.join(unknown)}; expected one of {', '.join(FORMATS)}"
        )
    return formats


def prepare_charts(
    assessment: Assessment, formats=FORMATS, *, workers: int | None = None
) -> ChartCache:
    """A cache with every chart of ``assessment`` drawn once for ``formats`` (PNG and/or
    SVG from the same drawing), in a process pool when there are enough charts."""
    cache = ChartCache(workers)
    cache.prepare(assessment_charts(assessment), {PICTURES[f] for f in _check(formats)})
    return cache


def _render_one(job) -> str:
    fmt, assessment, path, charts = job
    return str(RENDERERS[fmt](assessment, path, charts=charts))


def render_formats(
    assessment: Assessment,
    targets: Mapping[str, str | os.PathLike],
    *,
    charts: ChartCache | None = None,
    workers: int | None = None,
) -> dict[str, Path]:
    """Write ``assessment`` in each format of ``targets`` (format -> file path) and return
    the written paths. A failure is raised as it was raised in the renderer, after the
    other formats finish; a failed format leaves no file behind, and the caller decides
    what to do with the ones that succeeded (``dana.report`` publishes all or none)."""
    formats = _check(targets)
    for fmt in formats:
        output_path(targets[fmt])  # a missing folder fails before any drawing
    cache = charts if charts is not None else prepare_charts(assessment, formats, workers=workers)
    pool_size = min(cache.workers if workers is None else max(1, workers), len(formats))
    order = [f for f in _COST_ORDER if f in formats]
    if pool_size < 2:
        return {f: Path(RENDERERS[f](assessment, targets[f], charts=cache)) for f in order}
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    jobs = [(f, assessment, targets[f], cache) for f in order]
    with ProcessPoolExecutor(pool_size, mp_context=multiprocessing.get_context(method)) as pool:
        futures = {f: pool.submit(_render_one, job) for f, job in zip(order, jobs, strict=True)}
        failures = [future.exception() for future in futures.values() if future.exception()]
    if failures:
        raise failures[0]
    return {f: Path(futures[f].result()) for f in formats}
