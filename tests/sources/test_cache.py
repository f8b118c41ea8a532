"""The on-disk response cache: round trip, atomic writes, freshness, and the cached table."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dana import table as indicator_table
from dana.sources import cache as cache_module
from dana.sources.cache import ResponseCache, cached_table

RECORDINGS = Path(__file__).parent / "recordings"
DATA_URL = (
    "http://127.0.0.1/api/all_data/csv/by_indicator_id?indicator_ids=92432"
    "&child_area_type_id=502&parent_area_type_id=6&include_sortable_time_periods=yes"
)
META_URL = "http://127.0.0.1/api/indicator_metadata/csv/by_indicator_id?indicator_ids=92432"


def _fill(cache: ResponseCache, retrieved: datetime, url: str = DATA_URL) -> None:
    cache.put(
        url,
        (RECORDINGS / "data_92432_502.csv").read_bytes(),
        retrieved=retrieved,
        kind="indicator_data",
        info={"indicator_ids": "92432", "child_area_type_id": "502"},
    )
    cache.put(
        META_URL,
        (RECORDINGS / "metadata_authored.csv").read_bytes(),
        retrieved=retrieved,
        kind="indicator_metadata",
        info={"indicator_ids": "92432"},
    )


def test_round_trip_keeps_body_and_metadata(tmp_path):
    cache = ResponseCache(tmp_path)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    cache.put("http://x/api/profiles", b"[1, 2]", status=200, retrieved=when, kind="profiles")
    entry = cache.get("http://x/api/profiles")
    assert entry.body == b"[1, 2]"
    assert (entry.url, entry.status, entry.kind, entry.retrieved) == (
        "http://x/api/profiles",
        200,
        "profiles",
        when,
    )
    assert entry.age > timedelta(days=300)
    assert "2026-01-02T03:04:05+00:00 (" in entry.age_text and "days ago)" in entry.age_text
    assert cache.get("http://x/api/area_types") is None
    assert [e.url for e in cache.entries()] == ["http://x/api/profiles"]
    assert cache.entries()[0].body is None  # listings do not read bodies
    cache.remove("http://x/api/profiles")
    assert cache.get("http://x/api/profiles") is None and cache.entries() == []


def test_failed_write_leaves_no_entry_and_no_temp_file(tmp_path, monkeypatch):
    cache = ResponseCache(tmp_path)
    cache.put("http://x/a", b"old body")
    real_replace = os.replace

    def fail_on_metadata(src, dst):
        if str(dst).endswith(".json"):
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(cache_module.os, "replace", fail_on_metadata)
    with pytest.raises(OSError, match="disk full"):
        cache.put("http://x/a", b"new body that never commits")
    with pytest.raises(OSError, match="disk full"):
        cache.put("http://x/b", b"never committed")
    monkeypatch.setattr(cache_module.os, "replace", real_replace)
    # the body was replaced but its metadata was not: the torn entry reads as absent
    assert cache.get("http://x/a") is None
    assert cache.get("http://x/b") is None
    assert not list((tmp_path / "responses").glob("*.tmp"))
    cache.put("http://x/a", b"again")
    assert cache.get("http://x/a").body == b"again"


def test_corrupted_body_reads_as_absent(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("http://x/a", b"complete body")
    body_file = next((tmp_path / "responses").glob("*.body"))
    body_file.write_bytes(b"complete b")  # cut short behind the cache's back
    assert cache.get("http://x/a") is None


def test_freshness(tmp_path):
    cache = ResponseCache(tmp_path)
    entry = cache.put("http://x/a", b"x", retrieved=datetime.now(UTC) - timedelta(days=10))
    assert cache.is_fresh(entry, None)
    assert cache.is_fresh(entry, timedelta(days=11))
    assert not cache.is_fresh(entry, timedelta(days=9))
    assert not cache.is_fresh(entry, 3600.0)


def test_default_directory_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DANA_CACHE_DIR", str(tmp_path / "here"))
    assert ResponseCache().directory == tmp_path / "here"
    monkeypatch.delenv("DANA_CACHE_DIR")
    assert ResponseCache().directory == Path.home() / ".cache" / "dana"


def test_cached_table_keeps_newest_copy_once_and_filters(tmp_path):
    cache = ResponseCache(tmp_path)
    _fill(cache, datetime(2025, 6, 1, tzinfo=UTC), url=DATA_URL + "&profile_id=87")
    _fill(cache, datetime(2026, 2, 1, tzinfo=UTC))
    table = cache.cached_table(catalogue=None)
    # the recording has 10 rows; the two downloads hold the same rows, kept once
    assert len(table) == 10
    assert set(table["retrieved"]) == {"2026-02-01"}
    indicator_table.validate(table)
    peterborough = cache.cached_table(area_codes=["E06000031"], catalogue=None)
    assert set(peterborough["area_code"]) == {"E06000031"} and len(peterborough) == 4
    persons = peterborough[peterborough["sex"] == "Persons"]
    assert list(persons["value"]) == [6.689112531, 7.052270919]
    assert list(persons["count"]) == [42.0, 45.0]
    assert set(persons["unit"]) == {"per 100,000"}
    assert cache.cached_table(indicator_ids=["93532"], catalogue=None).empty


def test_module_level_cached_table(tmp_path):
    _fill(ResponseCache(tmp_path), datetime(2026, 2, 1, tzinfo=UTC))
    table = cached_table(["E92000001"], ["92432"], cache_dir=tmp_path)
    assert list(table["period"]) == ["2020 - 22", "2021 - 23"]
    assert list(table["area_type"]) == ["england", "england"]


def test_empty_cache_gives_empty_table(tmp_path):
    assert ResponseCache(tmp_path / "nothing").cached_table().empty


def test_revised_figures_between_downloads_are_reported_and_newest_kept(tmp_path):
    cache = ResponseCache(tmp_path)
    _fill(cache, datetime(2025, 6, 1, tzinfo=UTC), url=DATA_URL + "&profile_id=87")
    newer = (RECORDINGS / "data_92432_502.csv").read_bytes().replace(b"5.149201347", b"5.2")
    cache.put(
        DATA_URL,
        newer,
        retrieved=datetime(2026, 2, 1, tzinfo=UTC),
        kind="indicator_data",
        info={"indicator_ids": "92432", "child_area_type_id": "502"},
    )
    with pytest.warns(cache_module.RevisedDataWarning, match=r"1 row\(s\) differ.*E92000001"):
        table = cache.cached_table(catalogue=None)
    assert len(table) == 10  # one row per key: the revision replaced, not added
    england = table[(table["area_code"] == "E92000001") & (table["period"] == "2020 - 22")]
    assert list(england["value"]) == [5.2]
