"""The warm chart pool ``dana report`` opens before the build: charts handed to it come
back as the same pictures a cache draws in this process, and a cache sent elsewhere
(or asked for a picture) waits for its charts first."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from dana.render import ChartCache, chart_pool, render_formats
from dana.render.chart_pictures import draw_ahead, same_chart
from dana.render.chart_pool import warm_pool


@pytest.fixture(scope="module")
def some_charts(sample_assessment):
    kinds = {c.kind: c for s in sample_assessment.all_sections() for c in s.charts}
    return [dataclasses.replace(c) for c in kinds.values()]


def test_charts_handed_to_the_warm_pool_are_the_ones_drawn_here(some_charts):
    serial = ChartCache(workers=1)
    serial.prepare(some_charts)
    with warm_pool(2) as pool:
        assert pool is not None and chart_pool.active() == (pool, 2)
        cache = ChartCache(workers=2)
        cache.prepare(some_charts)
        cache.prepare(some_charts, ("svg",))  # already on its way: nothing sent twice
        for chart in some_charts:
            assert cache.svg(chart).svg == serial.svg(chart).svg
            assert cache.png(chart).png == serial.png(chart).png
        assert cache.drawn == len(some_charts)
    assert chart_pool.active() is None


def test_a_cache_with_charts_on_their_way_waits_before_it_is_sent(some_charts):
    with warm_pool(2):
        cache = ChartCache(workers=2)
        cache.prepare(some_charts, ("png",))
        copy = pickle.loads(pickle.dumps(cache))
    assert copy.drawn == cache.drawn == len(some_charts)
    state = copy.__getstate__()
    assert [chart.id for chart, _ in state["pictures"]] == [c.id for c in some_charts]
    assert all(picture.png for _, picture in state["pictures"])


def test_one_worker_opens_no_pool():
    with warm_pool(1) as pool:
        assert pool is None and chart_pool.active() is None


def test_formats_written_in_the_warm_pool_match(sample_assessment, tmp_path):
    with warm_pool(2, ["dana.render.html", "dana.render.json"]):
        warm = render_formats(
            sample_assessment, {f: tmp_path / f"warm.{f}" for f in ("html", "json")}
        )
    cold = render_formats(
        sample_assessment, {f: tmp_path / f"cold.{f}" for f in ("html", "json")}, workers=1
    )
    assert warm["html"].read_bytes() == cold["html"].read_bytes()
    assert warm["json"].read_bytes() == cold["json"].read_bytes()


def test_a_drawing_error_is_raised_where_the_picture_is_asked_for(some_charts):
    broken = dataclasses.replace(some_charts[0], kind="no-such-kind")
    with warm_pool(2):
        cache = ChartCache(workers=2)
        cache.prepare([broken, *some_charts[1:]])
        with pytest.raises(Exception, match="no-such-kind"):
            cache.png(broken)


def _withheld(chart):
    """``chart`` as a disclosure pass leaves it when its first value is withheld."""
    data = chart.data.copy()
    value = next(c for c in ("value", "share", "population") if c in data.columns)
    data.loc[data.index[0], value] = float("nan")
    data["suppressed"] = [True] + [False] * (len(data) - 1)
    return dataclasses.replace(chart, data=data)


def test_charts_drawn_ahead_and_left_as_they_were_are_not_drawn_again(some_charts):
    serial = ChartCache(workers=1)
    with warm_pool(2):
        draw_ahead(some_charts, ("svg",))
        # the disclosure pass makes new chart objects; equal ones keep their pictures
        final = [dataclasses.replace(c, data=c.data.copy()) for c in some_charts]
        cache = ChartCache(workers=2)
        cache.prepare(final, ("svg",))
        assert cache.adopted == len(final)
        for chart in final:
            assert cache.svg(chart).svg == serial.svg(chart).svg


def test_a_chart_the_disclosure_pass_changed_is_drawn_again_from_its_final_spec(some_charts):
    original = next(c for c in some_charts if c.kind == "compare_bar")
    final = _withheld(original)
    with warm_pool(2):
        draw_ahead([original], ("svg", "png"))
        cache = ChartCache(workers=2)
        cache.prepare([final])
        assert cache.adopted == 0
        drawn = cache.svg(final).svg
    serial = ChartCache(workers=1)
    assert drawn == serial.svg(final).svg
    assert drawn != serial.svg(original).svg  # the withheld value is not in the picture


def test_pictures_drawn_ahead_in_fewer_formats_are_not_taken(some_charts):
    with warm_pool(2):
        draw_ahead(some_charts[:2], ("svg",))
        cache = ChartCache(workers=2)
        cache.prepare(some_charts[:2], ("svg", "png"))
        assert cache.adopted == 0
        assert all(cache.png(c).png for c in some_charts[:2])


def test_drawings_ahead_no_format_shows_are_let_go_unless_started(some_charts):
    """Twenty charts queued in two workers: those not yet started and not kept are
    cancelled and forgotten; a kept chart, and one sharing a task with it, is drawn."""
    many = [dataclasses.replace(c, id=f"{c.id}.{n}") for n in range(4) for c in some_charts]
    kept = many[-1].id  # queued last: certainly not started when the rest are let go
    with warm_pool(2):
        draw_ahead(many, ("png",))
        ahead = dict(chart_pool.drawn_ahead())
        cancelled = chart_pool.cancel_ahead({kept})
        left = chart_pool.drawn_ahead()
        assert cancelled > 0 and len(left) == len(many) - cancelled
        assert kept in left and ahead[kept].task.result()[ahead[kept].position].png
        for chart_id, drawing in ahead.items():
            assert (chart_id in left) == (not drawing.task.cancelled())


def test_same_chart_compares_every_field_and_the_frames_cell_by_cell(some_charts):
    chart = next(c for c in some_charts if c.kind == "compare_bar")
    copy = dataclasses.replace(chart, data=chart.data.copy(), extra=dict(chart.extra))
    assert same_chart(chart, copy)
    assert not same_chart(chart, _withheld(chart))
    assert not same_chart(chart, dataclasses.replace(chart, alt_text=chart.alt_text + "."))
    retyped = chart.data.copy()
    number = next(c for c in retyped.columns if retyped[c].dtype.kind == "f")
    retyped[number] = retyped[number].astype(object)
    assert not same_chart(chart, dataclasses.replace(chart, data=retyped))
    # a missing value equals a missing value; a value that cannot be compared is different
    gaps = chart.data.copy()
    gaps.loc[gaps.index[0], number] = float("nan")
    assert same_chart(
        dataclasses.replace(chart, data=gaps), dataclasses.replace(chart, data=gaps.copy())
    )
    odd = dataclasses.replace(chart, extra={**chart.extra, "marks": np.arange(3)})
    assert not same_chart(odd, dataclasses.replace(odd, extra=dict(odd.extra)))


def test_dana_report_draws_ahead_and_writes_the_page_a_cold_render_writes(tmp_path):
    """End to end: ``dana report`` (warm pool, charts drawn during the build) writes the
    same HTML as building and rendering in one process with no pool."""
    from click.testing import CliRunner

    from dana.assess import build_assessment, load_config
    from dana.cli import main
    from dana.render import render_formats

    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path), "--format", "html"])
    assert result.exit_code == 0, result.output
    (page,) = tmp_path.glob("dana-*.html")
    cold = render_formats(
        build_assessment(load_config()), {"html": tmp_path / "cold.html"}, workers=1
    )
    assert page.read_bytes() == cold["html"].read_bytes()


def test_a_bad_config_after_the_workers_started_fails_cleanly_and_stops_them(tmp_path, monkeypatch):
    """With ``--format`` on the command line the workers start before the config is read:
    a config error is still one line, and no worker outlives the command."""
    import multiprocessing

    from click.testing import CliRunner

    from dana.cli import main

    opened = []

    def recording_pool(workers, modules=()):
        opened.append(workers)
        return warm_pool(workers, modules)

    monkeypatch.setattr(chart_pool, "warm_pool", recording_pool)
    config = tmp_path / "assessment.yaml"
    config.write_text("area: Nowhere-on-Sea\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["report", "--config", str(config), "--out", str(tmp_path / "out"), "--format", "pdf"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Nowhere-on-Sea" in result.output
    assert opened and opened[0] >= 2  # the workers had started
    assert chart_pool.active() is None
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out").exists()


def test_workers_stop_when_the_command_is_killed_outright(tmp_path):
    """SIGKILL leaves a pool no chance to shut down: its workers notice and exit."""
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, time\n"
        "from dana.render.chart_pool import warm_pool\n"
        "with warm_pool(2) as pool:\n"
        "    print(*pool._processes, flush=True)\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def test_a_worker_that_starts_after_its_parent_died_exits():
    """A pool's initializer can run after its parent has been killed (a busy machine):
    the worker still knows which process it was forked by, and exits."""
    import subprocess
    import sys
    import time

    script = (
        "import os, signal, time\n"
        "from dana._workers import exit_with_parent\n"
        "readable, writable = os.pipe()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    os.close(writable)\n"
        "    os.read(readable, 1)  # returns when the parent is gone\n"
        "    exit_with_parent()  # what every pool's initializer starts with\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.2)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # an exited child of a dead parent is reaped by init; a zombie counts as gone
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


def test_a_process_that_forked_still_watches_its_own_parent():
    """Forking notes this process's pid for the child only: the process itself still
    watches its own parent (a batch run in one process starts its worker in itself)."""
    import os

    from dana import _workers

    child = os.fork()
    if child == 0:
        os._exit(0 if _workers._forked_by == os.getppid() else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _workers._forked_by is None  # this test process was not forked by DANA
