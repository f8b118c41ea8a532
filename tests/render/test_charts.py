"""Charts: every kind draws a valid PNG and a plotly figure from the model's data alone."""

from __future__ import annotations

import dataclasses
import json
import struct

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dana.render import charts
from dana.render.charts import ChartDataError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _charts_by_kind(assessment) -> dict:
    return {c.kind: c for s in assessment.all_sections() for c in s.charts}


@pytest.fixture(scope="module")
def by_kind(sample_assessment):
    found = _charts_by_kind(sample_assessment)
    assert set(found) == {"trend", "compare_bar", "spine", "funnel", "pyramid"}
    return found


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_MAGIC
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("kind", ["trend", "compare_bar", "spine", "funnel", "pyramid"])
def test_every_kind_renders_a_valid_png_of_the_requested_width(by_kind, kind):
    png = charts.static_png(by_kind[kind], width_in=6, dpi=100)
    width, height = _png_size(png)
    # Tight cropping trims or extends margins a little around the 600 px canvas.
    assert 480 <= width <= 760, width
    assert 250 <= height <= 1200, height
    assert png.endswith(b"IEND\xaeB`\x82")


def test_png_carries_title_and_alt_text_as_metadata(by_kind):
    chart = by_kind["trend"]
    png = charts.static_png(chart, width_in=6, dpi=80, titled=False)
    assert b"tEXtTitle\x00" + chart.title.encode("latin-1") in png
    assert chart.alt_text.encode("latin-1") in png


@pytest.mark.parametrize("kind", ["trend", "compare_bar", "spine", "funnel", "pyramid"])
def test_plotly_json_round_trips(by_kind, kind):
    spec = charts.plotly_json(by_kind[kind])
    text = json.dumps(spec)
    assert json.loads(text) == spec
    fig = pio.from_json(text)  # plotly validates every property
    assert isinstance(fig, go.Figure)
    assert spec["layout"]["title"]["text"] == by_kind[kind].title
    assert spec["layout"]["meta"]["alt_text"] == by_kind[kind].alt_text


def test_compare_bar_draws_the_model_values_and_colours(by_kind):
    chart = by_kind["compare_bar"]
    bar = charts.plotly_json(chart)["data"][0]
    assert bar["type"] == "bar"
    assert bar["x"][:3] == [705.2, 512.4, 389.0]
    assert bar["x"][3] is None  # suppressed Thurrock: no bar
    # Fingertips colours: higher #003078, lower #5694CA, similar #FFDD00
    assert bar["marker"]["color"] == ["#003078", "#003078", "#5694CA", "#FFFFFF", "#FFDD00"]
    # error bars are the model's limits: 747.3 - 705.2 and 705.2 - 664.8
    assert bar["error_x"]["array"][0] == pytest.approx(42.1)
    assert bar["error_x"]["arrayminus"][0] == pytest.approx(40.4)


def test_compare_bar_labels_carry_the_symbol_and_suppression(by_kind):
    labels = charts.plotly_json(by_kind["compare_bar"])["data"][1]["text"]
    assert labels[0].strip() == "705.2 \u25b3"  # △ higher
    assert labels[2].strip() == "389.0 \u25bd"  # ▽ lower
    assert labels[3].strip().startswith("*")


def test_spine_positions_by_hand(by_kind):
    """Deaths from drug misuse: England 5.2, worst 16.9, best 1.9, value 6.1.

    Half-width = max(|16.9 - 5.2|, |1.9 - 5.2|) = 11.7; low is good so best is drawn
    right and the axis is flipped: position = 0.5 - (6.1 - 5.2) / (2 * 11.7) = 0.461538.
    Worst 16.9 -> 0.5 - 11.7/23.4 = 0; best 1.9 -> 0.5 + 3.3/23.4 = 0.641026.
    """
    spine = charts._spine_frame(by_kind["spine"])
    row = spine.iloc[0]
    assert row["pos_value"] == pytest.approx(0.461538, abs=1e-6)
    assert row["pos_worst"] == pytest.approx(0.0)
    assert row["pos_best"] == pytest.approx(0.641026, abs=1e-6)
    # Adults in treatment (no judgement, best=highest 820.4): 0.5 + (705.2-457)/(2*363.4)
    adults = spine.iloc[5]
    assert adults["pos_value"] == pytest.approx(0.5 + 248.2 / 726.8)
    assert not spine.iloc[6]["drawable"]  # all-missing row is shown as "no comparison"


def test_spine_marker_in_plotly_matches(by_kind):
    traces = charts.plotly_json(by_kind["spine"])["data"]
    # Markers are one trace per comparison category; find the row within its trace.
    markers = [t for t in traces if t.get("mode") == "markers" and t.get("y") != [None]]
    deaths = next(t for t in markers if "Deaths from drug misuse" in t["y"])
    i = deaths["y"].index("Deaths from drug misuse")
    assert deaths["x"][i] == pytest.approx(0.461538, abs=1e-6)
    assert deaths["marker"]["symbol"] == "circle"  # similar
    assert sum(len(t["y"]) for t in markers) == len(set().union(*(t["y"] for t in markers)))


def test_funnel_draws_the_supplied_limits_unchanged(by_kind):
    chart = by_kind["funnel"]
    limits = chart.extra["limits"]
    traces = charts.plotly_json(chart)["data"]
    upper_998 = [t for t in traces if t.get("name") == "99.8% limits"][1]
    assert upper_998["y"] == pytest.approx(list(limits["upper_99_8"]))
    # One trace per marker style; every area appears exactly once across them.
    points = [t for t in traces if t.get("mode", "").startswith("markers") and t["x"] != [None]]
    names = [n.removeprefix("<b>").removesuffix("</b>") for t in points for n in t["text"]]
    assert sorted(names) == sorted(chart.data["area_name"])


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
    frame, has_share = charts._pyramid_frame(chart)
    assert has_share
    assert list(frame["male"]) == pytest.approx([10.0, 30.0])
    assert list(frame["female"]) == pytest.approx([20.0, 40.0])
    assert list(frame["cmp_male"]) == pytest.approx([20.0, 30.0])
    bars = charts.plotly_json(chart)["data"][:2]
    assert bars[0]["x"] == pytest.approx([-10.0, -30.0])  # males drawn left of zero
    assert bars[1]["x"] == pytest.approx([20.0, 40.0])
    table = charts.chart_table(chart)
    assert list(table["Share of residents (%)"]) == ["10.0", "30.0", "20.0", "40.0"]
    assert list(table["England share (%)"]) == ["20.0", "30.0", "20.0", "30.0"]
    assert charts.static_png(chart, width_in=4, dpi=60)[:8] == PNG_MAGIC


def test_pyramid_with_repeated_cells_is_an_error(by_kind):
    data = by_kind["pyramid"].data
    chart = dataclasses.replace(by_kind["pyramid"], data=pd.concat([data, data.iloc[:1]]))
    with pytest.raises(charts.ChartDataError, match="more than one row for age"):
        charts.plotly_json(chart)


def test_pyramid_without_comparator_plots_people(by_kind):
    chart = dataclasses.replace(
        by_kind["pyramid"], data=by_kind["pyramid"].data.drop(columns="comparator_share")
    )
    frame, has_share = charts._pyramid_frame(chart)
    assert not has_share
    assert frame["male"].iloc[0] == by_kind["pyramid"].data["population"].iloc[0]


def test_missing_column_is_named(by_kind):
    bad = dataclasses.replace(by_kind["trend"], data=by_kind["trend"].data.drop(columns="upper"))
    with pytest.raises(ChartDataError, match=r"chart-drug-deaths-trend.*upper"):
        charts.static_png(bad)
    with pytest.raises(ChartDataError, match="upper"):
        charts.plotly_json(bad)


def test_funnel_without_limits_is_an_error(by_kind):
    bad = dataclasses.replace(by_kind["funnel"], extra={})
    with pytest.raises(ChartDataError, match=r"extra\['limits'\]"):
        charts.plotly_json(bad)


def test_unknown_comparison_is_an_error(by_kind):
    data = by_kind["compare_bar"].data.assign(comparison="amber")
    with pytest.raises(ChartDataError, match="amber"):
        charts.static_png(dataclasses.replace(by_kind["compare_bar"], data=data))


def test_chart_table_is_the_data_behind_the_chart(by_kind):
    table = charts.chart_table(by_kind["compare_bar"])
    assert list(table["Area"]) == list(by_kind["compare_bar"].data["area_name"])
    assert table["Value"].iloc[3] == "*"
    assert table["Compared with benchmark"].iloc[0] == "\u25b3 Higher"
    trend = charts.chart_table(by_kind["trend"])
    assert list(trend.columns) == ["Period", "Value", "Lower CI", "Upper CI", "England"]
    assert trend["Value"].iloc[-1] == "6.1"


def test_caption_has_unit_notes_and_source(by_kind):
    text = charts.caption(by_kind["funnel"])
    assert text.startswith("Unit: %.")
    assert "Source: OHID NDTMS" in text


def test_static_png_is_drawn_once_per_chart_size_and_dpi(by_kind, monkeypatch):
    chart = by_kind["trend"]
    drawn = []
    real = charts._draw_png
    monkeypatch.setattr(charts, "_draw_png", lambda *a: drawn.append(a[1:]) or real(*a))
    first = charts.static_png(chart, width_in=5.123, dpi=60, titled=False)
    # same picture (width equal to 0.01 inch): served from the memo, not drawn again
    assert charts.static_png(chart, width_in=5.12, dpi=60, titled=False) is first
    charts.static_png(chart, width_in=5.12, dpi=61, titled=False)
    charts.static_png(dataclasses.replace(chart), width_in=5.12, dpi=60, titled=False)
    # a different dpi and a different (even if equal) chart object are drawn afresh
    assert drawn == [(5.12, 60, False), (5.12, 61, False), (5.12, 60, False)]


def test_figure_size_matches_the_drawn_png(by_kind):
    for kind in ("trend", "compare_bar", "spine"):
        width, height = charts.figure_size(by_kind[kind], 6.0)
        png = charts.static_png(by_kind[kind], width_in=6.0, dpi=100, titled=False)
        px_w, px_h = _png_size(png)
        assert width == 6.0
        # the PNG is the figure cropped to its contents plus a 0.15 inch margin
        assert abs(px_w / 100 - width) < 0.6 and abs(px_h / 100 - height) < 0.6, kind


@pytest.mark.parametrize("kind", ["trend", "compare_bar", "spine", "funnel", "pyramid"])
def test_narrow_figures_keep_their_layout(by_kind, kind, recwarn):
    """At 4 inches the legend wraps instead of squeezing the axes to nothing (matplotlib
    warned "constrained_layout not applied because axes sizes collapsed to zero")."""
    charts.static_png(by_kind[kind], width_in=4.0, dpi=30)
    assert not [w for w in recwarn if "constrained_layout" in str(w.message)]


def test_plotly_json_floats_are_compact_but_faithful(by_kind):
    assert charts._compact(0.1 + 0.2) == 0.3
    assert charts._compact(705.2000000000001) == 705.2
    assert charts._compact(float("nan")) is None
    spec = charts.plotly_json(by_kind["spine"])
    text = json.dumps(spec)
    assert "0000000000" not in text and "9999999999" not in text
    # drawing positions keep 6 significant figures: 0.5 + (705.2-457)/(2*363.4)
    adults = [t for t in spec["data"] if "Adults in drug treatment" in (t.get("y") or [])]
    marker = next(t for t in adults if t.get("mode") == "markers")
    i = marker["y"].index("Adults in drug treatment")
    assert marker["x"][i] == pytest.approx(0.5 + 248.2 / 726.8, rel=1e-6)


# --- disclosure control and scales ----------------------------------------------------------


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
    table = charts.chart_table(chart)
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
    # only withheld rows (this one, and any the sample already withholds) show "*"
    assert sum(v == "*" for v in table["Value"]) == int(chart.data["value"].isna().sum())


def test_suppressed_trend_period_is_drawn_as_a_star_not_a_point(by_kind):
    chart = _with_suppressed_row(by_kind["trend"], 1)
    spec = charts.plotly_json(chart)
    period = str(charts._trend_frame(chart)["period"][1])
    stars = [a for a in spec["layout"].get("annotations", []) if a["text"] == "*"]
    assert [a["x"] for a in stars] == [period]
    line = next(t for t in spec["data"] if t.get("mode") == "lines+markers")
    assert line["y"][list(line["x"]).index(period)] is None  # a gap, not a number
    assert charts.static_png(chart, width_in=4, dpi=60)[:8] == PNG_MAGIC


def test_suppressed_value_cannot_leak_through_the_chart(by_kind):
    """A builder that forgot to blank the value: the data table still shows only "*"."""
    chart = _with_suppressed_row(by_kind["compare_bar"], 0)
    leaky = chart.data.copy()
    leaky.loc[0, ["value", "lower", "upper"]] = [987.654, 986.0, 989.0]
    table = charts.chart_table(dataclasses.replace(chart, data=leaky))
    assert list(table.iloc[0][["Value", "Lower CI", "Upper CI"]]) == ["*", "*", "*"]
    assert not any("987" in str(v) for v in table.to_numpy().ravel())


def test_funnel_log_axis_keeps_the_model_limits(by_kind):
    chart = by_kind["funnel"]
    log = dataclasses.replace(chart, extra={**chart.extra, "x_scale": "log"})
    spec = charts.plotly_json(log)
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert "logarithmic" in spec["layout"]["xaxis"]["title"]["text"]
    limits = chart.extra["limits"].sort_values("x")
    upper = next(
        t for t in spec["data"] if t.get("name") == "99.8% limits" and t["showlegend"] is False
    )
    assert upper["y"] == pytest.approx(list(limits["upper_99_8"]), rel=1e-5)
    linear = charts.plotly_json(chart)
    assert linear["layout"]["xaxis"].get("type") != "log"
    assert charts.static_png(log, width_in=5, dpi=60)[:8] == PNG_MAGIC


def test_trend_hover_names_the_models_confidence_level(by_kind):
    chart = by_kind["trend"]
    level = dataclasses.replace(chart, extra={**chart.extra, "level": 0.998})
    line = next(t for t in charts.plotly_json(level)["data"] if t.get("mode") == "lines+markers")
    assert "99.8% CI" in line["hovertemplate"]
