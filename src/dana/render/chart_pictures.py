"""Each chart drawn once per build and shared by every format.

:class:`ChartCache` holds the pictures of one build: a PNG (for Word, PDF and slides) and
an inline SVG (for HTML), both saved from the same matplotlib drawing, so the four
formats show the same chart. :meth:`ChartCache.prepare` draws every missing picture up
front, in a process pool when there are enough to pay for it (2 cores: about twice as
fast for the default build's 49 charts); afterwards renderers only look pictures up.
With a warm pool open (:mod:`dana.render.chart_pool`, ``dana report``) it hands the
charts to that pool in reading order and returns at once: a lookup waits for its own
picture only, so a renderer lays out its first pages while the later charts are drawn.
matplotlib is loaded only where a chart is drawn.

Renderers given no cache share one per assessment object (:func:`shared_cache`), so
calling ``render_docx``, ``render_pdf`` and ``render_pptx`` one after another on the same
assessment still draws each chart once.
"""

from __future__ import annotations

import dataclasses
import io
import os
import weakref
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from dana._workers import start_worker
from dana.assess.model import Assessment, Chart
from dana.render import chart_pool, measure
from dana.render.chart_style import DPI, RC_PARAMS
from dana.render.outline import all_sections_in_order

PNG, SVG = "png", "svg"
PICTURE_FORMATS = (PNG, SVG)
#: Fewer charts than this are drawn in this process: starting workers would cost more.
PARALLEL_FROM = 6
#: ``DANA_CHART_WORKERS=1`` draws in this process (e.g. to profile); default: the cores.
WORKERS_ENV = "DANA_CHART_WORKERS"
#: Charts per task sent to a warm pool (small, so the first pictures come back soon).
STREAM_CHUNK = 2


class Drawing(NamedTuple):
    """A chart handed to a warm pool: the chart, the task drawing it (with others), its
    place in that task's pictures, and the formats being drawn."""

    chart: Chart
    task: Future
    position: int
    formats: tuple[str, ...]


@dataclass(frozen=True)
class ChartPicture:
    """One chart's drawing: PNG bytes and/or HTML-ready SVG markup, and its size."""

    chart_id: str
    width_in: float
    height_in: float
    png: bytes | None = None
    svg: str | None = None

    @property
    def pixels(self) -> tuple[int, int]:
        """The PNG's size in pixels (the picture's size at :data:`DPI`)."""
        return round(self.width_in * DPI), round(self.height_in * DPI)


def draw_picture(chart: Chart, formats=PICTURE_FORMATS) -> ChartPicture:
    """Draw ``chart`` once and save it in each of ``formats`` ("png", "svg")."""
    unknown = set(formats) - set(PICTURE_FORMATS)
    if unknown:
        raise ValueError(f"unknown picture format(s) {sorted(unknown)}; expected png or svg")
    # deferred: matplotlib loads only in the process that draws
    from matplotlib import rc_context

    from dana.render.chart_draw import draw
    from dana.render.chart_svg import finish_svg

    with rc_context(RC_PARAMS):
        fig, tips = draw(chart)
        width, height = fig.get_size_inches()
        png = svg = None
        if PNG in formats:
            png = _rgb_png(fig, chart)
        if SVG in formats:
            buf = io.BytesIO()
            fig.savefig(
                buf,
                format="svg",
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
            )
            svg = finish_svg(
                buf.getvalue(), chart_id=chart.id, title=chart.title, desc=chart.alt_text, tips=tips
            )
    return ChartPicture(chart.id, float(width), float(height), png=png, svg=svg)


def _rgb_png(fig, chart: Chart) -> bytes:
    """The figure as an 8-bit RGB PNG (no alpha channel), at fast compression
    (:mod:`dana.render.png_write`).

    matplotlib's ``savefig`` always writes RGBA; a chart's background is opaque, and
    without the alpha channel the file is a quarter smaller, quicker to write, and the
    PDF can embed its bytes as they are (:mod:`dana.render.pdf_image`). Any
    transparent pixel is laid over white, as the page shows it."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dana.render.png_write import rgb_png

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    alpha = rgba[..., 3:]
    if alpha.min() == 255:
        rgb = rgba[..., :3]
    else:
        opacity = alpha / 255.0
        rgb = (rgba[..., :3] * opacity + 255.0 * (1.0 - opacity)).round().astype(np.uint8)
    text = {"Title": chart.title, "Description": chart.alt_text, "Software": "DANA"}
    return rgb_png(rgb, dpi=DPI, text=text)


def _draw_many(job: tuple[list[Chart], tuple[str, ...]]) -> list[ChartPicture]:
    charts, formats = job
    return [draw_picture(c, formats) for c in charts]


def workers_wanted() -> int:
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 4))


class ChartCache:
    """The pictures of one build, keyed by chart object and picture format."""

    def __init__(self, workers: int | None = None):
        self.workers = workers_wanted() if workers is None else max(1, workers)
        self._pictures: dict[int, tuple[Chart, ChartPicture]] = {}
        self._pending: dict[int, Drawing] = {}  # charts handed to a warm pool, by id()
        self.drawn = 0  # how many drawings this cache has made (each makes all formats asked)
        self.adopted = 0  # how many of them were drawn ahead of the build's end (draw_ahead)

    def __getstate__(self):
        # keys are id()s, which do not survive pickling (a renderer in a worker process)
        self.wait()
        return {
            "workers": self.workers,
            "drawn": self.drawn,
            "adopted": self.adopted,
            "pictures": list(self._pictures.values()),
        }

    def __setstate__(self, state):
        self.workers, self.drawn, self.adopted = state["workers"], state["drawn"], state["adopted"]
        self._pending = {}
        self._pictures = {id(chart): (chart, picture) for chart, picture in state["pictures"]}

    def _has(self, chart: Chart, fmt: str) -> bool:
        self._settle(chart)
        hit = self._pictures.get(id(chart))
        return hit is not None and hit[0] is chart and getattr(hit[1], fmt) is not None

    def _store(self, chart: Chart, picture: ChartPicture) -> None:
        old = self._pictures.get(id(chart))
        if old is not None and old[0] is chart:
            picture = ChartPicture(
                picture.chart_id, picture.width_in, picture.height_in,
                png=picture.png or old[1].png, svg=picture.svg or old[1].svg,
            )  # fmt: skip
        self._pictures[id(chart)] = (chart, picture)
        self.drawn += 1

    def prepare(self, charts, formats=PICTURE_FORMATS) -> None:
        """Draw every picture of ``charts`` not yet drawn, in parallel when it pays."""
        formats = tuple(f for f in PICTURE_FORMATS if f in set(formats))
        todo = list(
            {
                id(c): c
                for c in charts
                if not self._coming(c, formats) and not all(self._has(c, f) for f in formats)
            }.values()
        )
        if not todo:
            return
        warm = chart_pool.active()
        if warm is not None and self.workers > 1:
            self._hand_over(warm[0], self._adopt(todo, formats), formats)
            return
        workers = min(self.workers, len(todo))
        if workers < 2 or len(todo) < PARALLEL_FROM:
            for chart in todo:
                self._store(chart, draw_picture(chart, formats))
            return
        # The fonts text is measured with, loaded once here before the workers fork (each
        # worker, and each format's worker after them, would otherwise load them again).
        measure.register_dejavu()
        # Interleave so each worker gets a similar mix of cheap and dear chart kinds.
        chunks = [todo[i :: workers * 2] for i in range(workers * 2)]
        with ProcessPoolExecutor(
            workers, mp_context=chart_pool.fork_context(), initializer=start_worker
        ) as pool:
            results = list(pool.map(_draw_many, [(chunk, formats) for chunk in chunks]))
        for chunk, pictures in zip(chunks, results, strict=True):
            for chart, picture in zip(chunk, pictures, strict=True):
                self._store(chart, picture)

    def _hand_over(self, pool: ProcessPoolExecutor, todo: list[Chart], formats) -> None:
        """Send ``todo`` to the warm pool in reading order, a few charts a task."""
        for drawing in _submit(pool, todo, formats):
            self._pending[id(drawing.chart)] = drawing

    def _adopt(self, todo: list[Chart], formats) -> list[Chart]:
        """Take over the pictures drawn ahead (:func:`draw_ahead`) of every chart in
        ``todo`` that is the same chart (:func:`same_chart`); return the others."""
        rest = []
        for chart in todo:
            hit = chart_pool.drawn_ahead().get(chart.id)
            if (
                hit is not None
                and set(formats) <= set(hit.formats)
                and same_chart(hit.chart, chart)
            ):
                self._pending[id(chart)] = hit._replace(chart=chart)
                self.adopted += 1
            else:
                rest.append(chart)
        return rest

    def _coming(self, chart: Chart, formats) -> bool:
        """True when ``chart`` is being drawn in every one of ``formats`` already."""
        hit = self._pending.get(id(chart))
        return hit is not None and hit.chart is chart and set(formats) <= set(hit.formats)

    def _settle(self, chart: Chart) -> None:
        """Wait for ``chart``'s task, if it has one, and keep the picture it drew."""
        hit = self._pending.get(id(chart))
        if hit is None or hit.chart is not chart:
            return
        picture = hit.task.result()[hit.position]  # a drawing's error is raised here
        del self._pending[id(chart)]
        self._store(chart, picture)

    def wait(self) -> None:
        """Wait until every chart handed to a warm pool is drawn (and kept)."""
        while self._pending:
            self._settle(next(iter(self._pending.values())).chart)

    def picture(self, chart: Chart, fmt: str) -> ChartPicture:
        """The chart's picture with ``fmt`` ("png" or "svg") drawn, drawing it if needed."""
        if not self._has(chart, fmt):
            self._store(chart, draw_picture(chart, (fmt,)))
        return self._pictures[id(chart)][1]

    def png(self, chart: Chart) -> ChartPicture:
        return self.picture(chart, PNG)

    def svg(self, chart: Chart) -> ChartPicture:
        return self.picture(chart, SVG)


_shared: tuple[weakref.ref, ChartCache] | None = None


def shared_cache(assessment: Assessment) -> ChartCache:
    """The cache of the assessment most recently rendered (a new one for a new object)."""
    global _shared
    if _shared is not None and _shared[0]() is assessment:
        return _shared[1]
    cache = ChartCache()
    _shared = (weakref.ref(assessment), cache)
    return cache


def pictures_for(
    assessment: Assessment, charts: ChartCache | None, fmt: str, shown=None
) -> ChartCache:
    """The build's cache (``charts``, or the assessment's shared one) with the ``fmt``
    picture of every chart drawn, or of the charts ``shown`` only (the slide pack shows
    fewer than the report): what each renderer calls before it lays anything out."""
    cache = charts if charts is not None else shared_cache(assessment)
    cache.prepare(assessment_charts(assessment) if shown is None else shown, (fmt,))
    return cache


def _submit(pool: ProcessPoolExecutor, charts: list[Chart], formats):
    """Hand ``charts`` to ``pool`` a few at a time: a :class:`Drawing` per chart."""
    formats = tuple(formats)
    for start in range(0, len(charts), STREAM_CHUNK):
        chunk = charts[start : start + STREAM_CHUNK]
        task = pool.submit(_draw_many, (chunk, formats))
        for position, chart in enumerate(chunk):
            yield Drawing(chart, task, position, formats)


def draw_ahead(charts, formats) -> None:
    """Start drawing ``charts`` in the open warm pool before the build is finished.

    The build offers its charts as it makes them (``build_assessment(on_charts=...)``),
    before its disclosure pass. A picture drawn ahead is used only for a final chart
    that is :func:`same_chart` as the one drawn, so nothing the disclosure pass changes
    (a withheld value, a ``suppressed`` mark, a reworded alt text) can reach an output:
    a changed chart is drawn again from its final spec. Without an open pool, or with
    no picture format, this does nothing.
    """
    warm = chart_pool.active()
    formats = tuple(f for f in PICTURE_FORMATS if f in set(formats))
    if warm is None or not formats:
        return
    ahead = chart_pool.drawn_ahead()
    todo = [c for c in charts if c.id not in ahead or not same_chart(ahead[c.id].chart, c)]
    for drawing in _submit(warm[0], todo, formats):
        ahead[drawing.chart.id] = drawing


def same_chart(first: Chart, second: Chart) -> bool:
    """True when two chart specs draw the same picture: every field equal, each frame
    with the same columns, dtypes, index and values (a missing value equal only to a
    missing value). Anything that cannot be compared counts as different."""
    return first is second or all(
        _same(getattr(first, f.name), getattr(second, f.name)) for f in dataclasses.fields(Chart)
    )


def _same(first, second) -> bool:
    if type(first) is not type(second):
        return False
    if isinstance(first, pd.DataFrame):
        return (
            list(first.columns) == list(second.columns)
            and first.dtypes.equals(second.dtypes)
            and first.index.equals(second.index)
            and first.equals(second)
        )
    if isinstance(first, dict):
        return first.keys() == second.keys() and all(_same(first[k], second[k]) for k in first)
    if isinstance(first, list | tuple):
        return len(first) == len(second) and all(map(_same, first, second))
    try:
        return bool(first == second)
    except (TypeError, ValueError):  # an array, say: not compared, so drawn again
        return False


def assessment_charts(assessment: Assessment) -> list[Chart]:
    """Every chart of the assessment, in section order, the appendices' last."""
    return [c for s, _ in all_sections_in_order(assessment) for c in s.charts]
