"""`dana serve` over HTTP: the pages, their figures (the report's), CSVs, errors, safety."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import httpx
import pandas as pd
import pytest
from click.testing import CliRunner
from explorer_helpers import HOSTILE_NAME, RunningServer, write_small_file

from dana.assess import build_assessment
from dana.cli import main
from dana.explorer import DataStore, ServeError, create_app
from dana.explorer import pages as explorer_pages
from dana.explorer.pages import csv_text
from dana.explorer.server import bind, check_host
from dana.render import chart_table
from dana.render.figure_text import format_value

HOME = "E06000031"


@pytest.fixture(scope="module")
def client(explorer_url):
    with httpx.Client(base_url=explorer_url, timeout=120) as http:
        yield http


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_explorer_shows_the_same_figures_as_the_report(explorer_store, default_assessment):
    """No second computation: the explorer's build of the config's area is the report's,
    from the table it publishes beside its ranked all-areas tables, in which each cell
    those withhold is withheld too (dana.assess.national_withheld)."""
    snapshot = explorer_store.snapshot
    report = build_assessment(snapshot.config, table=snapshot.table, today=date.fromisoformat(
        default_assessment.generated
    ))  # fmt: skip
    explored = explorer_store.area(HOME).view.assessment
    assert explored.all_figures() == report.all_figures()
    assert explored.all_findings() == report.all_findings()
    # the one difference from the report built alone: the nationally withheld cells
    withheld = set(
        snapshot.national.rows.loc[
            snapshot.national.rows["suppressed"] & (snapshot.national.rows["area_code"] == HOME),
            "indicator_id",
        ]
    )
    alone = {f.indicator_id: f for f in default_assessment.all_figures()}
    for figure in explored.all_figures():
        if figure.indicator_id in withheld:
            assert figure.value is None
        elif figure.indicator_id in alone:
            assert figure.value == alone[figure.indicator_id].value


def test_home_page_offers_every_area(client, explorer_store):
    page = client.get("/")
    assert page.status_code == 200
    options = re.findall(r'<option value="(E\d{8})"', page.text)
    assert sorted(options) == sorted(a.code for a in explorer_store.snapshot.areas)
    assert len(options) == 153
    assert 'action="/area"' in page.text and '<label for="area-code">' in page.text
    # self-contained and locked down: nothing from outside this server
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["x-content-type-options"] == "nosniff"


def test_choosing_an_area_goes_to_its_page(client):
    chosen = client.get("/area", params={"code": HOME})
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/area/{HOME}"
    missing = client.get("/area", params={"code": "E99999999"})
    assert missing.status_code == 404
    assert "There is no area with the code \u201cE99999999\u201d" in missing.text


def test_area_page_lists_every_figure_as_the_report_writes_it(client, default_assessment):
    page = client.get(f"/area/{HOME}")
    assert page.status_code == 200
    words = text_of(page.text)
    for figure in default_assessment.all_figures():
        assert f'/area/{HOME}/indicator/{figure.indicator_id.replace(":", "%3A")}"' in page.text
        row = page.text.split(f'indicator/{figure.indicator_id.replace(":", "%3A")}"', 1)[1]
        assert f'<td class="num">{format_value(figure)}' in row.split("</tr>", 1)[0]
    assert "Every indicator at a glance" in words
    assert 'class="chart-svg-wrap"' in page.text  # the spine chart, drawn as in the report
    assert "Synthetic data." in words


@pytest.mark.parametrize(
    "indicator_id",
    ["92432", "ndtms:adults_in_treatment_drug", "93553", "ons:population_all_ages"],
)
def test_indicator_pages(client, explorer_store, indicator_id):
    page = client.get(f"/area/{HOME}/indicator/{indicator_id}")
    assert page.status_code == 200
    view = explorer_store.area(HOME).view.indicator(indicator_id)
    figure = view.figure
    words = text_of(page.text)
    assert f"<h1>{figure.name}</h1>" in page.text
    for bench in figure.benchmarks:
        assert bench.benchmark_name[1:] in words
    for chart in view.charts:
        assert f'id="{chart.id}"' in page.text
    if view.areas is not None:  # every area of the type, ranked
        assert len(re.findall(r"<tr( class=\"subject\")?><td>", page.text)) >= len(view.areas.data)
        assert "(this area)" in words
    assert "About this indicator" in words


def test_indicator_pages_have_trend_neighbours_and_funnel(client, explorer_store):
    view = explorer_store.area(HOME).view.indicator("ndtms:adults_in_treatment_drug")
    assert [c.kind for c in view.charts] == ["trend", "compare_bar", "funnel"]
    ranked = view.areas.data
    assert len(ranked) == 153 and ranked["Rank"].dropna().is_monotonic_increasing


def test_unknown_area_and_indicator_are_404_pages_naming_them(client):
    page = client.get("/area/NOT-AN-AREA")
    assert page.status_code == 404
    assert "There is no area with the code \u201cNOT-AN-AREA\u201d" in page.text
    page = client.get(f"/area/{HOME}/indicator/<script>alert(1)</script>")
    assert page.status_code == 404
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert" not in page.text
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "There is no page at" in page.text
    assert "Traceback" not in page.text


def test_the_explorer_is_read_only_and_checks_the_host(client):
    page = client.post("/", data={"x": "1"})
    assert page.status_code == 405 and "read-only" in page.text
    rebound = client.get("/", headers={"Host": "attacker.example"})
    assert rebound.status_code == 400


def test_csv_downloads(client, explorer_store):
    view = explorer_store.area(HOME).view
    figures = client.get(f"/area/{HOME}/data/figures.csv")
    assert figures.status_code == 200
    assert figures.headers["content-type"].startswith("text/csv")
    assert "attachment" in figures.headers["content-disposition"]
    frame = pd.read_csv(io.StringIO(figures.text), dtype={"indicator_id": str})
    nan = float("nan")
    expected = {f.indicator_id: nan if f.value is None else f.value
                for f in view.assessment.all_figures()}  # fmt: skip
    assert dict(zip(frame["indicator_id"], frame["value"], strict=True)) == pytest.approx(
        expected, nan_ok=True
    )
    chart = view.spine
    shown = client.get(f"/area/{HOME}/data/chart.{chart.id}.csv")
    assert pd.read_csv(io.StringIO(shown.text), dtype=str, keep_default_na=False).equals(
        chart_table(chart).astype(str)
    )
    ranked = client.get(f"/area/{HOME}/data/areas.92432.csv")
    assert len(pd.read_csv(io.StringIO(ranked.text))) == 153
    tables = [t for s in view.assessment.all_sections() for t in s.tables]
    assert tables  # the engagement evidence's tables
    area_page = client.get(f"/area/{HOME}").text
    for table in tables:
        link = f"/area/{HOME}/data/table.{table.id}.csv"
        assert link in area_page
        assert len(pd.read_csv(io.StringIO(client.get(link).text))) == len(table.data)
    missing = client.get(f"/area/{HOME}/data/nothing.csv")
    assert missing.status_code == 404 and "no table \u201cnothing\u201d" in missing.text


def test_csv_cells_never_run_as_spreadsheet_formulas():
    frame = pd.DataFrame({"a": ["=HYPERLINK(1)", "+1", "-2", "-x", "@SUM", "plain"], "b": range(6)})
    assert csv_text(frame).splitlines() == [
        "a,b", "'=HYPERLINK(1),0", "'+1,1", "-2,2", "'-x,3", "'@SUM,4", "plain,5",
    ]  # fmt: skip


def test_an_unexpected_failure_is_a_500_page_without_details(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(explorer_pages, "area_page", broken)
    page = client.get(f"/area/{HOME}")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and "secret internal detail" not in page.text


# --- a small local file: escaping, and data that changes while the explorer runs --------


def test_values_from_the_data_are_escaped(small_config):
    store = DataStore(small_config)
    server = RunningServer(create_app(store))
    try:
        area = httpx.get(f"{server.url}area/{HOME}", timeout=60).text
        indicator = httpx.get(
            f"{server.url}area/{HOME}/indicator/local:hostile_offences", timeout=60
        ).text
        report = httpx.get(f"{server.url}area/{HOME}/report", timeout=60)
    finally:
        server.stop()
    for page in (area, indicator):
        assert HOSTILE_NAME not in page
        assert "&lt;img src=x onerror=alert(1)&gt; offences" in page
    assert "<b>source</b>" not in indicator and "&lt;b&gt;source&lt;/b&gt;" in indicator
    # the area's needs assessment is the HTML report, with its own inline-only policy
    assert report.status_code == 200 and "Drug and alcohol needs assessment" in report.text
    assert HOSTILE_NAME not in report.text
    policy = report.headers["content-security-policy"]
    assert "'unsafe-inline'" in policy and "connect-src" not in policy


def test_a_changed_data_file_is_read_again_whole(small_config):
    store = DataStore(small_config, check_every=0)
    first = store.area(HOME).view.figures["local:hostile_offences"]
    local = small_config.parent / "local.csv"
    time.sleep(0.01)
    write_small_file(local, extra=600)  # Peterborough 2023: 902 of 120,000 = 7.5 per 1,000
    store.check()
    assert "being read again" in store.notice
    store.wait_for_reload()
    assert store.notice == ""
    second = store.area(HOME).view.figures["local:hostile_offences"]
    assert first.value == pytest.approx(302 / 120000 * 1000)
    assert second.value == pytest.approx(902 / 120000 * 1000)


def test_a_broken_data_file_is_reported_and_the_old_data_kept(small_config):
    store = DataStore(small_config, check_every=0)
    before = store.area(HOME).view.figures["local:hostile_offences"].value
    local = small_config.parent / "local.csv"
    local.write_text("indicator_id,indicator_name\nlocal:half", encoding="utf-8")  # half-written
    store.check()
    store.wait_for_reload()
    assert "could not be read" in store.notice and "local.csv" in store.notice
    assert store.area(HOME).view.figures["local:hostile_offences"].value == before
    store.check()  # the same broken file is reported once, not read again and again
    assert store._reloading is None or not store._reloading.is_alive()
    write_small_file(local, extra=1)
    store.check()
    store.wait_for_reload()
    assert store.notice == ""


# --- serving: addresses and ports ---------------------------------------------------------


def test_a_port_in_use_is_a_clear_error():
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
        assert result.exit_code == 1
        assert "already in use" in result.output and "Traceback" not in result.output
    finally:
        taken.close()


def test_other_addresses_need_an_explicit_flag_and_get_a_warning():
    assert check_host("127.0.0.1", False) is None
    assert check_host("localhost", False) is None
    with pytest.raises(ServeError, match="Add --allow-remote"):
        check_host("0.0.0.0", False)
    assert check_host("0.0.0.0", True).startswith("WARNING: serving on 0.0.0.0")
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1 and "--allow-remote" in result.output


def test_the_ranked_table_agrees_with_the_area_figures(explorer_store):
    """The all-areas summary (every area's row) and the single-area build say the same
    about the area: the value and the recent trend of every figure."""
    view = explorer_store.area(HOME).view
    rows = view.national.rows.set_index(["indicator_id", "area_code"])
    for figure in view.assessment.all_figures():
        if (figure.indicator_id, HOME) not in rows.index:
            continue  # not a catalogue indicator (transcribed or local)
        row = rows.loc[(figure.indicator_id, HOME)]
        assert row["trend"] == figure.trend, figure.indicator_id
        if figure.value is None:
            assert pd.isna(row["value"]), figure.indicator_id
        else:
            assert row["value"] == pytest.approx(figure.value), figure.indicator_id
