"""Several formats of one build: charts drawn once, then the formats written side by side.

:func:`render_formats` is what a build of every format calls (``dana.report`` wraps it in
its all-or-nothing publishing): it draws every chart the formats need once
(:class:`~dana.render.chart_pictures.ChartCache`, in a process pool), then writes the
formats in parallel worker processes, longest first, each file whole or not at all. On
2 cores this roughly halves the time of writing the four formats one after another.
With a warm pool open (:func:`dana.render.chart_pool.warm_pool`, as ``dana report``
does) the charts are drawn and the formats written in its workers, which loaded
matplotlib and the renderers while the assessment was built.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from pathlib import Path

from dana._workers import start_worker
from dana.assess.config_names import FORMATS
from dana.assess.model import Assessment
from dana.render import chart_pool
from dana.render.chart_pictures import ChartCache, assessment_charts
from dana.render.writing import output_path


def renderer_module(fmt: str) -> str:
    """The module that writes ``fmt`` (``dana.render.html``, ...)."""
    return f"dana.render.{fmt}"


def _renderer(fmt: str):
    """``dana.render.<fmt>.render_<fmt>``, imported on first call: writing one format
    loads only its own library (python-docx, reportlab, python-pptx, Jinja2, jsonschema)."""
    module, name = renderer_module(fmt), f"render_{fmt}"

    def render(assessment, path, **kwargs):
        return getattr(importlib.import_module(module), name)(assessment, path, **kwargs)

    render.__name__ = render.__qualname__ = name
    render.__doc__ = f"Write one assessment as {fmt.upper()}: :func:`{module}.{name}`."
    return render


RENDERERS = {fmt: _renderer(fmt) for fmt in FORMATS}
#: The picture each format embeds (JSON holds each chart's data, no picture).
PICTURES = {"html": "svg", "docx": "png", "pdf": "png", "pptx": "png", "json": None}
#: Longest first, so the last format to start is a short one (measured on the default build).
_COST_ORDER = ("pptx", "pdf", "docx", "html", "json")


def _check(formats) -> list[str]:
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        raise ValueError(
            f"unknown output format(s) {', '.join(unknown)}; expected one of {', '.join(FORMATS)}"
        )
    return formats


def _slide_charts(assessment: Assessment) -> list:
    # deferred: the slide plan loads only when slides are written
    from dana.render.slides import slide_charts

    return slide_charts(assessment)


#: The formats that show fewer charts than the report, and which (the slide pack: no
#: funnel, no depth chart); every other format with pictures shows every chart.
_FEWER_CHARTS = {"pptx": _slide_charts}


def charts_shown(assessment: Assessment, formats) -> list:
    """The charts ``formats`` show between them: every chart of the assessment in
    reading order, or for formats that show fewer (:data:`_FEWER_CHARTS`) theirs."""
    every = assessment_charts(assessment)
    wanted = [f for f in formats if PICTURES[f] is not None]
    if any(f not in _FEWER_CHARTS for f in wanted):
        return every
    shown = {id(c): c for f in wanted for c in _FEWER_CHARTS[f](assessment)}
    return list(shown.values())


def prepare_charts(
    assessment: Assessment, formats=FORMATS, *, workers: int | None = None
) -> ChartCache:
    """A cache with every chart ``formats`` show (:func:`charts_shown`) drawn once for
    them (PNG and/or SVG from the same drawing), in a process pool when there are
    enough charts. Charts drawn ahead of the build's end that none of them shows are
    let go if their drawing has not started."""
    formats = _check(formats)
    cache = ChartCache(workers)
    pictures = {PICTURES[f] for f in formats} - {None}
    if pictures:
        shown = charts_shown(assessment, formats)
        cache.prepare(shown, pictures)
        chart_pool.cancel_ahead({chart.id for chart in shown})
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
    on_format: Callable[[str, Path], None] | None = None,
) -> dict[str, Path]:
    """Write ``assessment`` in each format of ``targets`` (format -> file path) and return
    the written paths. A failure is raised as it was raised in the renderer, after the
    other formats finish; a failed format leaves no file behind, and the caller decides
    what to do with the ones that succeeded (``dana.report`` publishes all or none).

    ``workers=1`` draws the charts and writes the formats one after another in this
    process (``dana batch`` runs one area per core instead). ``on_format(fmt, path)`` is
    called as each format is written (for progress)."""
    formats = _check(targets)
    for fmt in formats:
        output_path(targets[fmt])  # a missing folder fails before any drawing
    cache = charts if charts is not None else prepare_charts(assessment, formats, workers=workers)
    pool_size = min(cache.workers if workers is None else max(1, workers), len(formats))
    order = [f for f in _COST_ORDER if f in formats]
    done = on_format or (lambda _fmt, _path: None)
    if pool_size < 2:
        written = {}
        for fmt in order:
            written[fmt] = Path(RENDERERS[fmt](assessment, targets[fmt], charts=cache))
            done(fmt, written[fmt])
        return {f: written[f] for f in formats}
    cache.wait()  # every picture drawn before the cache is sent to the writers
    jobs = [(f, assessment, targets[f], cache) for f in order]
    warm = chart_pool.active()
    opened = (
        nullcontext(warm[0])
        if warm is not None
        else ProcessPoolExecutor(
            pool_size, mp_context=chart_pool.fork_context(), initializer=start_worker
        )
    )
    with opened as pool:
        futures = {pool.submit(_render_one, job): f for f, job in zip(order, jobs, strict=True)}
        for future in as_completed(futures):
            if future.exception() is None:
                done(futures[future], Path(future.result()))
        failures = [future.exception() for future in futures if future.exception()]
    if failures:
        raise failures[0]
    by_format = {f: Path(future.result()) for future, f in futures.items()}
    return {f: by_format[f] for f in formats}
