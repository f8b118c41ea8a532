"""Chart-drawing processes started before the build, warmed while the assessment is built.

``dana report`` opens :func:`warm_pool` as soon as its config is read: the worker
processes start (fork) and each loads matplotlib, the fonts and the renderers of the
chosen formats while this process builds the assessment. The build offers its charts
as it makes them and the pool starts drawing them
(:func:`dana.render.chart_pictures.draw_ahead`); once the build (with its one disclosure
pass) is done, :meth:`dana.render.chart_pictures.ChartCache.prepare` keeps each picture
drawn ahead whose chart the pass left unchanged and hands the other disclosed charts to
the open pool (:func:`active`) without waiting. A renderer in this process waits only
for the picture it is about to place, and :func:`dana.render.formats.render_formats`
writes several formats in the same workers.

Without an open pool (library use, ``dana batch``, the tests) every caller starts and
stops its own workers as before.
"""

from __future__ import annotations

import importlib
import io
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress

from dana._workers import collect_less, start_worker

_active: tuple[ProcessPoolExecutor, int] | None = None
#: Charts the open pool is drawing ahead of the build's disclosure pass
#: (:func:`dana.render.chart_pictures.draw_ahead`): chart id ->
#: :class:`dana.render.chart_pictures.Drawing`. Emptied when the pool closes.
_ahead: dict = {}
#: How much a worker lowers its priority (``os.nice``): the build in this process comes first.
WORKER_NICENESS = 10


def fork_context():
    """The start method of every DANA pool: fork where there is one (the workers start
    with this process's modules), else spawn."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def active() -> tuple[ProcessPoolExecutor, int] | None:
    """The open warm pool and its number of workers, or None."""
    return _active


def drawn_ahead() -> dict:
    """The open pool's drawings ahead of the disclosure pass (see :data:`_ahead`)."""
    return _ahead


def cancel_ahead(keep: set[str]) -> int:
    """Cancel the drawings ahead that have not started and draw no chart whose id is in
    ``keep`` (the formats being written show none of them: the slide pack alone shows no
    funnel). Returns how many charts were let go."""
    by_task: dict = {}
    for chart_id, drawing in _ahead.items():
        by_task.setdefault(drawing.task, []).append(chart_id)
    cancelled = 0
    for task, chart_ids in by_task.items():
        if keep.isdisjoint(chart_ids) and task.cancel():
            for chart_id in chart_ids:
                del _ahead[chart_id]
            cancelled += len(chart_ids)
    return cancelled


def warm_up(modules: Iterable[str] = ()) -> None:
    """Load what drawing needs (matplotlib, its PNG and SVG writers, the fonts) by
    drawing a throw-away picture, then ``modules`` (the renderers to come). Runs in each
    worker as it starts; a failure here is left for the real drawing to report.

    The worker lowers its own priority first: while this process builds the
    assessment, the warm-up takes only the time the build leaves unused."""
    start_worker()
    with suppress(AttributeError, OSError):  # no os.nice on every platform
        os.nice(WORKER_NICENESS)
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure

        from dana.render import measure
        from dana.render.chart_style import FONT_KEY, RC_PARAMS

        importlib.import_module("dana.render.chart_draw")  # every chart kind's module
        for font in (FONT_KEY, f"{FONT_KEY}-bold"):  # the faces chart text is measured in
            measure.text_width("Warm", 1.0, font)
        with rc_context(RC_PARAMS):
            fig = Figure(figsize=(1, 1), dpi=20)
            fig.add_subplot().set_title("Warm ▲", fontweight="bold")
            for fmt in ("png", "svg"):
                fig.savefig(io.BytesIO(), format=fmt)
        for module in modules:
            importlib.import_module(module)
        collect_less()  # what was just loaded is never scanned again
    except Exception:  # noqa: BLE001  (drawing reports it, with the chart it concerns)
        return


def _nothing() -> None:
    return None


@contextmanager
def warm_pool(workers: int, modules: Iterable[str] = ()) -> Iterator[ProcessPoolExecutor | None]:
    """Start ``workers`` processes now (each running :func:`warm_up` with ``modules``)
    and make them the pool every chart cache and format writer uses until the block
    ends. Fewer than 2 workers opens no pool (everything runs in this process)."""
    global _active
    if workers < 2 or _active is not None:
        yield None
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=fork_context(), initializer=warm_up, initargs=(tuple(modules),)
    )
    pool.submit(_nothing)  # with fork, the first task starts every worker at once
    _active = (pool, workers)
    try:
        yield pool
    finally:
        _active = None
        # pictures drawn ahead and not used (charts the disclosure pass changed) are dropped
        _ahead.clear()
        pool.shutdown(wait=True, cancel_futures=True)
