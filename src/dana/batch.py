"""Every area's report in one run (``dana batch --reports html,docx,pdf,pptx``).

:func:`write_area_reports` builds and writes one assessment per area, one area per core:

- **Computed once.** The indicator table is read and validated once, the catalogue
  once, the all-areas summary (``dana batch`` itself) once; worker processes share them
  (forked, not copied) and build each area from them (``validated=True``: no second
  check), so an area costs only its own figures, charts and files.
- **Every core.** A process pool of ``workers`` (default: the machine's cores); inside a
  worker each area is drawn and written in that one process (``workers=1``), so two
  cores run two areas, not one area's formats fighting for them.
- **Whole or nothing, per area.** Each area's files are made in a staging folder and
  moved into place together (:func:`dana.report.write_outputs`); a finished area's files
  are never touched again.
- **Progress that tells the truth.** ``progress`` receives an :class:`Event` as each
  area starts, as each of its formats is written and when it is done (with its files,
  bytes and seconds), from which the CLI shows the area and format, the time left and a
  summary at the end.
- **A full disk stops the run cleanly.** When an area fails (no space left on the
  device, or anything else), no further area is started, those already running finish,
  and :class:`BatchStopped` carries what was done, the area that failed and why.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

from dana._workers import start_worker
from dana.assess import build_assessment, load_config
from dana.report import write_outputs

#: Event kinds, in the order an area sends them.
STARTED, FORMAT, DONE, FAILED = "started", "format", "done", "failed"


@dataclass(frozen=True)
class AreaReport:
    """One area's finished files."""

    code: str
    name: str
    paths: tuple[Path, ...]
    bytes: int
    seconds: float  # build and every format, in its worker
    build_seconds: float
    format_seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaFailure:
    """The area that stopped the run, and why, in words (``disk_full`` when the output
    folder's device ran out of space)."""

    code: str
    name: str
    reason: str
    disk_full: bool = False


@dataclass(frozen=True)
class Event:
    """What :func:`write_area_reports` tells ``progress``: an area ``started``, one of its
    formats written (``format``, with ``fmt`` and its seconds), ``done`` (``report``) or
    ``failed`` (``failure``)."""

    kind: str
    code: str
    name: str = ""
    fmt: str = ""
    seconds: float = 0.0
    report: AreaReport | None = None
    failure: AreaFailure | None = None


@dataclass(frozen=True)
class BatchResult:
    """The reports written (in the order they finished), and the time the run took."""

    reports: tuple[AreaReport, ...]
    seconds: float
    failure: AreaFailure | None = None
    not_started: tuple[str, ...] = ()

    @property
    def files(self) -> int:
        return sum(len(r.paths) for r in self.reports)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.reports)


class BatchStopped(RuntimeError):
    """An area failed: the run stopped, with every finished area's files whole."""

    def __init__(self, result: BatchResult):
        failure = result.failure
        super().__init__(f"report for {failure.name} ({failure.code}) failed: {failure.reason}")
        self.result = result


Progress = Callable[[Event], None]

# The shared inputs of a worker process (set once per process by _start_worker).
_SHARED: dict = {}


def _start_worker(table, catalogue, folder, formats, events) -> None:
    start_worker()  # a batch killed outright leaves no worker waiting
    _SHARED.update(table=table, catalogue=catalogue, folder=folder, formats=formats, events=events)


def _emit(event: Event) -> None:
    _SHARED["events"](event) if callable(_SHARED["events"]) else _SHARED["events"].put(event)


def area_config(code: str):
    """The default config for one area: its own title (the default file's names
    Peterborough), and no recommendations register or engagement evidence, which are
    the default area's own (each area's team supplies its own with `dana report`)."""
    return load_config(None, area=code, title="", recommendations=None, engagement=None)


def _write_area(code: str) -> AreaReport:
    """Build and write one area's reports in this process (see the module docstring)."""
    started = time.perf_counter()
    _emit(Event(STARTED, code))
    assessment = build_assessment(
        area_config(code), table=_SHARED["table"], catalogue=_SHARED["catalogue"], validated=True
    )
    name = assessment.area.name
    built = time.perf_counter()
    timings: dict[str, float] = {}
    last = [built]

    def written(fmt: str, _path) -> None:
        now = time.perf_counter()
        timings[fmt] = now - last[0]
        last[0] = now
        _emit(Event(FORMAT, code, name, fmt=fmt, seconds=timings[fmt]))

    # the publishable files only: a national run's analyst notes (one per area, for each
    # local team) come from `dana report` for that area
    paths = write_outputs(
        assessment,
        _SHARED["folder"],
        _SHARED["formats"],
        workers=1,
        on_format=written,
        analyst_notes=False,
    )
    return AreaReport(
        code=code,
        name=name,
        paths=tuple(paths),
        bytes=sum(p.stat().st_size for p in paths),
        seconds=time.perf_counter() - started,
        build_seconds=built - started,
        format_seconds=timings,
    )


def _failure(code: str, names: dict[str, str], exc: BaseException) -> AreaFailure:
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if full:
        reason = f"the output folder is full (no space left on the device): {exc}"
    else:
        reason = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
    return AreaFailure(code, names.get(code, code), reason, disk_full=full)


def write_area_reports(
    codes: Sequence[str],
    table,
    catalogue,
    folder: str | os.PathLike,
    formats: Sequence[str],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    names: dict[str, str] | None = None,
) -> BatchResult:
    """Each area's assessment written in ``formats`` into ``folder`` (see the module
    docstring). ``table`` must already be validated (:func:`dana.table.validate`);
    ``names`` (code -> area name) words a failure before the area was built. Raises
    :class:`BatchStopped` when an area fails."""
    tell = progress or (lambda _event: None)
    names = dict(names or {})
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(codes) or 1))
    started = time.perf_counter()
    reports: list[AreaReport] = []
    failure: AreaFailure | None = None
    remaining = list(codes)
    if workers == 1:

        def named(event: Event) -> None:
            tell(
                Event(STARTED, event.code, names.get(event.code, event.code))
                if event.kind == STARTED
                else event
            )

        _start_worker(table, catalogue, folder, tuple(formats), named)
        while remaining and failure is None:
            code = remaining.pop(0)
            try:
                report = _write_area(code)
            except Exception as exc:  # every failure stops the run, reported in words
                failure = _failure(code, names, exc)
                tell(Event(FAILED, code, failure.name, failure=failure))
            else:
                reports.append(report)
                tell(Event(DONE, code, report.name, seconds=report.seconds, report=report))
    else:
        failure, remaining = _in_pool(
            codes, table, catalogue, folder, formats, workers, tell, names, reports
        )
    result = BatchResult(
        reports=tuple(reports),
        seconds=time.perf_counter() - started,
        failure=failure,
        not_started=tuple(remaining),
    )
    if failure is not None:
        raise BatchStopped(result)
    return result


def _in_pool(codes, table, catalogue, folder, formats, workers, tell, names, reports):
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    events = context.Queue()
    failure = None
    told: dict[str, set[str]] = {}  # area -> formats reported so far
    finished_areas: set[str] = set()

    def relay(event: Event) -> None:
        if event.code in finished_areas:
            return  # arrived after the area's result, which already reported it
        if event.kind == STARTED:
            event = Event(STARTED, event.code, names.get(event.code, event.code))
        told.setdefault(event.code, set()).add(event.fmt)
        tell(event)

    def drain() -> None:
        while True:
            try:
                relay(events.get_nowait())
            except Empty:
                return

    def finish(event: Event) -> None:
        """An area's result: first any of its format events still in the queue's pipe
        (the result can overtake them), so progress always reads in order."""
        report = event.report
        if report is not None:
            for fmt, seconds in report.format_seconds.items():
                if fmt not in told.get(event.code, set()):
                    relay(Event(FORMAT, event.code, report.name, fmt=fmt, seconds=seconds))
        finished_areas.add(event.code)
        tell(event)

    initargs = (table, catalogue, folder, tuple(formats), events)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=initargs
    ) as pool:
        pending = {pool.submit(_write_area, code): code for code in codes}
        order = list(codes)
        while pending:
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            drain()
            for future in finished:
                code = pending.pop(future)
                order.remove(code)
                if future.cancelled():
                    continue
                exc = future.exception()
                if exc is None:
                    report = future.result()
                    reports.append(report)
                    finish(Event(DONE, code, report.name, seconds=report.seconds, report=report))
                    continue
                failed = _failure(code, names, exc)
                finish(Event(FAILED, code, failed.name, failure=failed))
                if failure is None:
                    failure = failed
                    # no further area starts; the ones running finish (their files whole)
                    for other in list(pending):
                        if other.cancel():
                            pending.pop(other)
        drain()
    not_started = tuple(order) if failure is not None else ()
    return failure, list(not_started)
