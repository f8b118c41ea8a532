"""Charts: each kind drawn from the model's data alone, checked by what is in the picture.

The PNG's size is read from its header; the SVG is parsed and its marks, tooltips and
text compared with values written out from the sample (tests/render/sample.py).
"""

from __future__ import annotations

import dataclasses
import struct

import pandas as pd
import pytest
from lxml import etree
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dana.render import ChartCache, ChartDataError, chart_caption, chart_table, draw_picture
from dana.render.chart_data import pyramid_frame, spine_frame
from dana.render.chart_draw import draw
from dana.render.chart_style import DPI, RC_PARAMS, WIDTH_IN

SVG = "{http://www.w3.org/2000/svg}"
KINDS = ["trend", "compare_bar", "spine", "funnel", "pyramid"]


@pytest.fixture(scope="module")
def by_kind(sample_assessment):
    found = {c.kind: c for s in sample_assessment.all_sections() for c in s.charts}
    assert set(found) == set(KINDS)
    return found


@pytest.fixture(scope="module")
def pictures(by_kind, charts):
    charts.prepare(by_kind.values())
    return {kind: charts.png(chart) for kind, chart in by_kind.items()}


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _svg(picture):
    return etree.fromstring(picture.svg.encode())


def _tips(picture) -> list[str]:
    return [
        m.find(f"{SVG}title").text
        for m in _svg(picture).iter()
        if "pt" in (m.get("class") or "").split()
    ]


def _texts(picture) -> list[str]:
    return ["".join(t.itertext()) for t in _svg(picture).iter(f"{SVG}text")]


@pytest.mark.parametrize("kind", KINDS)
def test_png_has_the_pictures_size_at_the_chart_resolution(pictures, kind):
    picture = pictures[kind]
    assert picture.width_in == pytest.approx(WIDTH_IN)
    assert _png_size(picture.png) == (round(WIDTH_IN * DPI), round(picture.height_in * DPI))


@pytest.mark.parametrize("kind", KINDS)
def test_svg_is_an_image_with_the_charts_title_and_description(pictures, by_kind, kind):
    root = _svg(pictures[kind])
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == by_kind[kind].title
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == by_kind[kind].alt_text
    assert root.find(f"{SVG}metadata") is None


def test_trend_has_one_tooltip_per_period_with_its_value(pictures):
    # six periods 2015-17 .. 2020-22, 6.1 (4.3 to 8.4) last; England 5.2
    tips = _tips(pictures["trend"])
    assert len(tips) == 6
    assert tips[-1] == "2020 - 22: 6.1 per 100,000 (CI 4.3 to 8.4); England 5.2"
    assert "2020 - 22" in _texts(pictures["trend"])


def test_compare_bar_has_one_tooltip_per_shown_bar(pictures, by_kind):
    # five areas, Thurrock suppressed: four bars; Peterborough's headline 705.2 is written
    # whole (dana.formatting), so the whole chart is: 705 (665 to 747), 512, 389, 456
    tips = _tips(pictures["compare_bar"])
    assert tips == [
        "Peterborough: 705 per 100,000 (CI 665 to 747); \u25b3 Higher",
        "Luton: 512 per 100,000 (CI 478 to 548); \u25b3 Higher",
        "Southend-on-Sea: 389 per 100,000 (CI 358 to 422); \u25bd Lower",
        "Medway: 456 per 100,000 (CI 429 to 484); \u25cf Similar",
    ]
    texts = _texts(pictures["compare_bar"])
    assert all(name in texts for name in by_kind["compare_bar"].data["area_name"])
    assert "* value not available" in texts and "England: 457" in texts


def test_funnel_spine_and_pyramid_tooltips_cover_every_plotted_point(pictures, by_kind):
    funnel = by_kind["funnel"].data
    tips = _tips(pictures["funnel"])
    assert len(tips) == len(funnel)  # 8 areas, none withheld
    assert "Peterborough: 4.1% (denominator 1,000)" in tips
    # spine: six rows drawable, the all-missing row is "No comparison available"
    spine = _tips(pictures["spine"])
    assert len(spine) == 6
    assert "Deaths from drug misuse: 6.1 (England 5.2); \u25cf Similar" in spine
    assert "No comparison available" in _texts(pictures["spine"])
    pyramid = _tips(pictures["pyramid"])
    assert len(pyramid) == 2 * by_kind["pyramid"].data["age"].nunique()


def test_ids_are_unique_across_charts_on_one_page(pictures):
    ids = [el.get("id") for p in pictures.values() for el in _svg(p).iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    for picture in pictures.values():
        root = _svg(picture)
        own = {el.get("id") for el in root.iter() if el.get("id")}
        refs = [el.get("href")[1:] for el in root.iter() if el.get("href")]
        assert set(refs) <= own  # every reference resolves inside its own chart


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_falls_outside_the_picture_and_no_layout_search_is_used(by_kind, kind):
    with rc_context(RC_PARAMS):
        fig, _ = draw(by_kind[kind])
        assert fig.get_layout_engine() is None  # margins computed, not searched for
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        box = fig.bbox
        for text in fig.findobj(
            lambda a: hasattr(a, "get_text") and a.get_visible() and a.get_text()
        ):
            extent = text.get_window_extent(renderer)
            assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, (kind, text.get_text())
            assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, (kind, text.get_text())


def test_spine_positions_by_hand(by_kind):
    """Deaths from drug misuse: England 5.2, worst 16.9, best 1.9, value 6.1.

    Half-width = max(|16.9 - 5.2|, |1.9 - 5.2|) = 11.7; low is good so best is drawn
    right and the axis is flipped: position = 0.5 - (6.1 - 5.2) / (2 * 11.7) = 0.461538.
    Worst 16.9 -> 0.5 - 11.7/23.4 = 0; best 1.9 -> 0.5 + 3.3/23.4 = 0.641026.
    """
    spine = spine_frame(by_kind["spine"])
    row = spine.iloc[0]
    assert row["pos_value"] == pytest.approx(0.461538, abs=1e-6)
    assert row["pos_worst"] == pytest.approx(0.0)
    assert row["pos_best"] == pytest.approx(0.641026, abs=1e-6)
    # Adults in treatment (no judgement, best=highest 820.4): 0.5 + (705.2-457)/(2*363.4)
    assert spine.iloc[5]["pos_value"] == pytest.approx(0.5 + 248.2 / 726.8)
    assert not spine.iloc[6]["drawable"]  # all-missing row is shown as "no comparison"


def test_pyramid_draws_the_model_shares_unchanged(by_kind):
    """The bars are the model's ``share`` and the outline its ``comparator_share``, both
    percentages: the renderer divides nothing (male 10% and 30%, female 20% and 40%)."""
    chart = dataclasses.replace(
        by_kind["pyramid"],
        data=pd.DataFrame(
            {
                "age": ["0-39", "40+", "0-39", "40+"],
                "sex": ["Male", "Male", "Female", "Female"],
                "population": [1000, 3000, 2000, 4000],
                "share": [10.0, 30.0, 20.0, 40.0],
                "comparator_share": [20.0, 30.0, 20.0, 30.0],
            }
        ),
    )
    frame, has_share = pyramid_frame(chart)
    assert has_share
    assert list(frame["male"]) == [10.0, 30.0]
    assert list(frame["female"]) == [20.0, 40.0]
    assert list(frame["cmp_male"]) == [20.0, 30.0]
    table = chart_table(chart)
    assert list(table["Share of residents (%)"]) == ["10.0", "30.0", "20.0", "40.0"]
    assert list(table["England share (%)"]) == ["20.0", "30.0", "20.0", "30.0"]
    tips = [
        t
        for t in (
            m.find(f"{SVG}title").text
            for m in etree.fromstring(draw_picture(chart, ("svg",)).svg.encode()).iter()
            if m.get("class", "").startswith("pt")
        )
    ]
    assert sorted(tips) == sorted(
        ["Male, 0-39: 10.0%", "Male, 40+: 30.0%", "Female, 0-39: 20.0%", "Female, 40+: 40.0%"]
    )


def test_pyramid_with_repeated_cells_is_an_error(by_kind):
    data = by_kind["pyramid"].data
    chart = dataclasses.replace(by_kind["pyramid"], data=pd.concat([data, data.iloc[:1]]))
    with pytest.raises(ChartDataError, match="more than one row for age"):
        chart_table(chart)


def test_missing_column_is_named(by_kind):
    bad = dataclasses.replace(by_kind["trend"], data=by_kind["trend"].data.drop(columns="upper"))
    with pytest.raises(ChartDataError, match=r"chart-drug-deaths-trend.*upper"):
        draw_picture(bad)


def test_funnel_without_limits_is_an_error(by_kind):
    with pytest.raises(ChartDataError, match=r"extra\['limits'\]"):
        draw_picture(dataclasses.replace(by_kind["funnel"], extra={}))


def test_unknown_comparison_is_an_error(by_kind):
    data = by_kind["compare_bar"].data.assign(comparison="amber")
    with pytest.raises(ChartDataError, match="amber"):
        draw_picture(dataclasses.replace(by_kind["compare_bar"], data=data))


def test_chart_table_is_the_data_behind_the_chart(by_kind):
    table = chart_table(by_kind["compare_bar"])
    assert list(table["Area"]) == list(by_kind["compare_bar"].data["area_name"])
    assert list(table["Value"]) == ["705", "512", "389", "*", "456"]
    assert table["Compared with benchmark"].iloc[0] == "\u25b3 Higher"
    trend = chart_table(by_kind["trend"])
    assert list(trend.columns) == ["Period", "Value", "Lower CI", "Upper CI", "England"]
    assert trend["Value"].iloc[-1] == "6.1"


def test_caption_has_unit_notes_and_source(by_kind):
    text = chart_caption(by_kind["funnel"])
    assert text.startswith("Unit: %.")
    assert "Source: OHID NDTMS" in text


def _with_suppressed_row(chart, row: int):
    """The chart with one row withheld as the builder marks it: value and limits blank,
    ``suppressed`` true."""
    data = chart.data.copy()
    data["suppressed"] = False
    for column in ("value", "lower", "upper"):
        if column in data.columns:
            data.loc[row, column] = float("nan")
    data.loc[row, "suppressed"] = True
    return dataclasses.replace(chart, data=data)


@pytest.mark.parametrize("kind", ["trend", "compare_bar", "funnel"])
def test_suppressed_rows_are_starred_in_the_data_table(by_kind, kind):
    chart = _with_suppressed_row(by_kind[kind], 1)
    table = chart_table(chart)
    row = (
        table.iloc[1]
        if kind != "trend"
        else table[table["Period"] == chart.data["period"][1]].iloc[0]
    )
    assert row["Value"] == "*"
    if kind != "funnel":
        assert row["Lower CI"] == row["Upper CI"] == "*"
    if "Compared with benchmark" in table.columns:
        assert row["Compared with benchmark"] == ""  # no judgement of a withheld value
    assert sum(v == "*" for v in table["Value"]) == int(chart.data["value"].isna().sum())


def test_suppressed_value_cannot_leak_through_the_chart(by_kind):
    """A builder that forgot to blank the value: neither the table nor the picture's text
    and tooltips show it."""
    chart = _with_suppressed_row(by_kind["compare_bar"], 0)
    leaky = chart.data.copy()
    leaky.loc[0, ["value", "lower", "upper"]] = [987.654, 986.0, 989.0]
    leaky_chart = dataclasses.replace(chart, data=leaky)
    table = chart_table(leaky_chart)
    assert list(table.iloc[0][["Value", "Lower CI", "Upper CI"]]) == ["*", "*", "*"]
    assert not any("98" in str(v) for v in table.to_numpy().ravel())
    svg = draw_picture(leaky_chart, ("svg",)).svg
    assert "987" not in svg and "988" not in svg and "986" not in svg


def test_suppressed_trend_period_is_a_star_not_a_point(by_kind):
    chart = _with_suppressed_row(by_kind["trend"], 1)
    picture = draw_picture(chart, ("svg",))
    tips = [
        t
        for t in (
            m.find(f"{SVG}title").text
            for m in etree.fromstring(picture.svg.encode()).iter()
            if m.get("class", "").startswith("pt")
        )
    ]
    period = str(chart.data["period"][1])
    assert len(tips) == 5 and not any(t.startswith(period) for t in tips)
    assert "*" in [
        "".join(t.itertext()) for t in etree.fromstring(picture.svg.encode()).iter(f"{SVG}text")
    ]


def test_funnel_log_axis_is_labelled(by_kind):
    chart = by_kind["funnel"]
    log = dataclasses.replace(chart, extra={**chart.extra, "x_scale": "log"})
    texts = [
        "".join(t.itertext())
        for t in etree.fromstring(draw_picture(log, ("svg",)).svg.encode()).iter(f"{SVG}text")
    ]
    assert "Denominator (logarithmic scale)" in texts


def test_each_chart_is_drawn_once_per_cache(by_kind):
    cache = ChartCache(workers=1)
    chart = by_kind["trend"]
    first = cache.png(chart)
    assert cache.png(chart) is first and cache.drawn == 1
    cache.prepare([chart], ("png",))
    assert cache.drawn == 1  # nothing left to draw
    cache.svg(chart)  # a format not yet drawn: one more drawing
    assert cache.drawn == 2
    cache.png(dataclasses.replace(chart))  # an equal but different chart object
    assert cache.drawn == 3


def test_parallel_drawing_gives_the_same_pictures(by_kind):
    """Six charts (enough for the process pool) drawn by two workers and in this process."""
    many = [dataclasses.replace(c) for c in by_kind.values()] + [
        dataclasses.replace(by_kind["trend"])
    ]
    pooled = ChartCache(workers=2)
    pooled.prepare(many)
    serial = ChartCache(workers=1)
    serial.prepare(many)
    for chart in many:
        assert pooled.svg(chart).svg == serial.svg(chart).svg
        assert pooled.png(chart).png == serial.png(chart).png
    assert pooled.drawn == serial.drawn == len(many)


def test_a_cache_sent_to_another_process_still_finds_its_pictures(sample_assessment, charts):
    """Renderers in worker processes receive the build's cache with the assessment; the
    pictures must be found there, not drawn again."""
    import pickle

    chart = sample_assessment.all_sections()[1].charts[0]
    charts.png(chart)
    assessment, cache = pickle.loads(pickle.dumps((sample_assessment, charts)))
    copied = assessment.all_sections()[1].charts[0]
    drawn = cache.drawn
    assert cache.png(copied).png == charts.png(chart).png
    assert cache.drawn == drawn


@pytest.mark.parametrize("kind", KINDS)
def test_png_is_rgb_with_the_same_pixels_as_matplotlibs_own(pictures, by_kind, kind):
    """The PNG has no alpha channel (the PDF copies its bytes) and shows what matplotlib's
    own PNG shows: the same drawing, its opaque RGBA pixels without the alpha."""
    import io

    import numpy as np
    from PIL import Image

    saved = Image.open(io.BytesIO(pictures[kind].png))
    assert saved.mode == "RGB"
    assert saved.text["Title"] == by_kind[kind].title
    with rc_context(RC_PARAMS):
        fig, _ = draw(by_kind[kind])
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
    theirs = np.asarray(Image.open(buf))
    assert (theirs[..., 3] == 255).all()
    assert np.array_equal(np.asarray(saved), theirs[..., :3])


def test_a_transparent_png_background_is_laid_over_white(by_kind):
    import io

    import numpy as np
    from PIL import Image

    from dana.render.chart_pictures import _rgb_png

    with rc_context(RC_PARAMS):
        fig, _ = draw(by_kind["trend"])
        # half-transparent red: over white it is pink; dropping the alpha would leave red
        fig.patch.set_facecolor((1.0, 0.0, 0.0, 0.5))
        for ax in fig.axes:
            ax.patch.set_alpha(0.0)
        pixels = np.asarray(Image.open(io.BytesIO(_rgb_png(fig, by_kind["trend"]))))
    assert pixels.shape[2] == 3
    assert np.abs(pixels[0, 0].astype(int) - [255, 128, 128]).max() <= 1  # a corner


def test_row_labels_are_where_tick_labels_put_them(by_kind):
    """row_labels draws a bar chart's row names as plain text: the same picture, pixel
    for pixel, as matplotlib's own tick labels with ticks of length 0."""
    import io

    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    from dana.render.chart_style import row_labels

    def png(labelled) -> np.ndarray:
        with rc_context(RC_PARAMS):
            fig = Figure(figsize=(4, 2), dpi=DPI)
            ax = fig.add_axes((0.4, 0.1, 0.5, 0.8))
            ax.barh([0, 1, 2], [3, 1, 2])
            labelled(ax)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI)
        return np.asarray(Image.open(buf))

    names = ["Peterborough", "Two\nlines", "England"]

    def ticks(ax):
        ax.set_yticks([0, 1, 2], names)
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.tick_params(axis="y", length=0, labelsize=9)

    assert np.array_equal(png(ticks), png(lambda ax: row_labels(ax, [0, 1, 2], names, bold=[0])))
