"""The warm chart pool ``dana report`` opens before the build: charts handed to it come
back as the same pictures a cache draws in this process, and a cache sent elsewhere
(or asked for a picture) waits for its charts first."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from dana.render import ChartCache, chart_pool, render_formats
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
