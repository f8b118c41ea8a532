"""`dana fetch`, `dana data list`, `dana data show` against the replay server."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from replay_server import ReplayServer

from dana.catalogue import load_catalogue
from dana.cli import main
from dana.sources.cache import ResponseCache

INDICATORS = ["--indicator", "93532", "--indicator", "93517", "--indicator", "92432"]


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_fetch_fills_cache_then_works_offline(shared_data, tmp_path):
    cache_dir = str(tmp_path)
    with ReplayServer(shared_data) as server:
        fetch = ("fetch", "--area", "E06000001", *INDICATORS, "--base-url", server.base_url)
        first = _run(*fetch, "--cache-dir", cache_dir)
        served = list(server.requests)
    assert first.exit_code == 0, first.output
    assert "Hartlepool (E06000001), Fingertips area type 502" in first.output
    assert "downloaded now" in first.output
    # the authored 92432 recording has no Hartlepool rows: say so rather than stay silent
    assert "no rows for Hartlepool (E06000001) in indicator(s) 92432" in first.output
    # one area lookup, then one metadata and one data request per indicator
    assert len(served) == 1 + 2 * 3
    assert all("indicator_ids=" not in path or "," not in path for path in served)
    kinds = sorted(e.kind for e in ResponseCache(tmp_path).entries())
    assert kinds == ["areas"] + ["indicator_data"] * 3 + ["indicator_metadata"] * 3

    # the server is stopped: the same command answers from the cache
    second = _run(*fetch, "--cache-dir", cache_dir)
    assert second.exit_code == 0, second.output
    assert "from cache, retrieved" in second.output and "(0 days old)" in second.output

    listing = _run("data", "list", "--cache-dir", cache_dir)
    assert listing.exit_code == 0
    assert "indicator_data" in listing.output
    assert all(i in listing.output for i in ("93532", "93517", "92432"))

    shown = _run("data", "show", "93532", "--area", "E10000031", "--cache-dir", cache_dir)
    assert shown.exit_code == 0, shown.output
    for published in ("79.89793213", "74.64258841", "84.57822749", "4018.333333", "5029.333333"):
        assert published in shown.output


def test_a_new_indicator_downloads_only_itself(shared_data, tmp_path):
    with ReplayServer(shared_data) as server:
        base = ("fetch", "--area", "E06000031", "--base-url", server.base_url)
        first = _run(*base, "--indicator", "93532", "--cache-dir", str(tmp_path))
        served_before = len(server.requests)
        second = _run(
            *base, "--indicator", "93532", "--indicator", "92432", "--cache-dir", str(tmp_path)
        )
        new_requests = server.requests[served_before:]
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert len(new_requests) == 2  # 92432's metadata and data; 93532 and the areas are cached
    assert all("indicator_ids=92432" in path for path in new_requests)


def _fetch_replayed(tmp_path, *args, failures=0):
    """Run `dana fetch` against the authored recordings; `failures` 500s come first."""
    with ReplayServer() as server:
        server.fail_next(failures)
        return _run("fetch", *args, "--base-url", server.base_url, "--cache-dir", str(tmp_path))


def test_fetch_by_base_url_with_authored_recordings(tmp_path):
    result = _fetch_replayed(tmp_path, "--area", "E06000031", "--indicator", "92432")
    assert result.exit_code == 0, result.output
    table = ResponseCache(tmp_path).cached_table(
        area_codes=["E06000031", "E12000006", "E92000001"], catalogue=None
    )
    assert set(table["area_type"]) == {"utla", "region", "england"}


@pytest.mark.parametrize(
    ("area", "indicator", "message"),
    [
        ("E06999999", "92432", "E06999999 is not an area of Fingertips area type(s) 502"),
        ("E06000031", "12345678", "no indicator with ID 12345678"),
    ],
)
def test_fetch_unknown_area_or_indicator_is_named(tmp_path, area, indicator, message):
    result = _fetch_replayed(tmp_path, "--area", area, "--indicator", indicator)
    assert result.exit_code == 1
    assert message in result.output


def test_fetch_persistent_500_fails_clearly_without_caching_data(tmp_path):
    result = _fetch_replayed(
        tmp_path, "--area", "E06000031", "--indicator", "92432", "--retries", "0", failures=10
    )
    assert result.exit_code == 1
    assert "HTTP 500 after 1 attempt(s)" in result.output
    assert ResponseCache(tmp_path).entries() == []


def test_fetch_needs_indicators(tmp_path):
    result = _run("fetch", "--area", "E06000031", "--cache-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "--indicator" in result.output


def test_data_show_nothing_cached(tmp_path):
    result = _run("data", "show", "92432", "--cache-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "nothing cached for indicator 92432" in result.output
    assert "Nothing cached" in _run("data", "list", "--cache-dir", str(tmp_path)).output


def test_fetch_older_vintage(tmp_path):
    result = _fetch_replayed(
        tmp_path, "--area", "E06000031", "--indicator", "91123", "--area-type", "utla_2021"
    )
    assert result.exit_code == 0, result.output
    assert "area type 402" in result.output


def test_data_template_writes_a_template_the_importer_reads(tmp_path):
    from dana.sources.local import read_indicator_file

    target = tmp_path / "local.csv"
    result = _run("data", "template", str(target))
    assert result.exit_code == 0, result.output
    rows = read_indicator_file(target)
    assert set(rows["indicator_id"]) == {
        "local:police_drug_offences",
        "local:hclic_drug_dependency_support_need",
        "local:school_survey_drank_last_week",
    }
    again = _run("data", "template", str(target))
    assert again.exit_code != 0 and "already exists" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--indicator", "abc"], "'abc' is not a Fingertips indicator ID"),
        (["--indicator", "92432", "--base-url", "ftp://x/"], "must start with https://"),
        (["--indicator", "92432", "--max-age", "-3"], "Invalid value for '--max-age'"),
        (["--indicator", "92432", "--timeout", "0"], "Invalid value for '--timeout'"),
    ],
)
def test_fetch_bad_option_values_fail_before_any_download(tmp_path, args, message):
    # port 9 (discard) is never contacted: each error comes before the first request
    base = ["--base-url", "http://127.0.0.1:9/api/"] if "--base-url" not in args else []
    result = _run("fetch", "--area", "E06000031", "--cache-dir", str(tmp_path), *base, *args)
    assert result.exit_code == 2  # a usage error, not a crash (which exits 1 with a traceback)
    assert isinstance(result.exception, SystemExit)
    assert message in result.output


@pytest.mark.shared
def test_fetch_whole_catalogue_for_peterborough_in_the_real_service_shapes(shared_data, tmp_path):
    """Component area types, "Compared to percentiles", out-of-memory 500s above 10 IDs:
    `dana fetch --all-catalogue` completes; a withdrawn ID (90000) and an unknown value
    type (99001) are reported and skipped, not fatal."""
    catalogue_ids = {str(i) for i in load_catalogue().fingertips_ids()}
    assert len(catalogue_ids) == 21  # Fingertips IDs in dana/data/catalogue.yaml
    with ReplayServer(shared_data, catalogue_data=True) as server:
        result = _run(
            "fetch", "--area", "E06000031", "--all-catalogue", "--indicator", "90000",
            "--indicator", "99001", "--base-url", server.base_url, "--cache-dir", str(tmp_path),
        )  # fmt: skip
        served = list(server.requests)
    assert result.exit_code == 0, result.output
    assert "Peterborough (E06000031), Fingertips area type 502" in result.output
    assert "Skipped indicator 90000: Fingertips has no indicator with ID 90000" in result.output
    assert "Skipped indicator 99001: indicator 99001: unrecognised Fingertips value type" in (
        " ".join(result.output.split())
    )
    data_requests = [p for p in served if "all_data" in p]
    assert len(data_requests) == 21  # one per catalogue indicator; none for the skipped two
    assert all("child_area_type_id=502" in p for p in data_requests)
    table = ResponseCache(tmp_path).cached_table()
    assert set(table["indicator_id"]) == catalogue_ids
    # the real exports of 93532 / 93517 are subsets without Peterborough; every other
    # catalogue indicator has Peterborough rows
    peterborough = set(table.loc[table["area_code"] == "E06000031", "indicator_id"])
    assert peterborough == catalogue_ids - {"93532", "93517"}
