"""The embedded tables kept on disk between runs: the same frame, or no cache at all."""

from __future__ import annotations

import pandas as pd
import pytest

from dana.data import default, frame_cache


class Counted:
    """``make`` for :func:`cached_frame` that counts how often the frame was made."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.calls = frame, 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.frame


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_cache.TABLE_CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cached_table_equals_the_table_made_afresh_dtypes_and_all(cache_in):
    fresh = default._overlay()
    make = Counted(fresh)
    first = frame_cache.cached_frame("indicators", make)
    again = frame_cache.cached_frame("indicators", make)
    assert make.calls == 1  # the second came from the file
    assert len(list(cache_in.glob("indicators-*.arrow"))) == 1
    pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    assert again.dtypes.equals(fresh.dtypes) and again.index.equals(fresh.index)
    assert first is fresh
    column = again["area_code"].array._pa_array  # one chunk, as the CSV reader makes it
    assert column.num_chunks == fresh["area_code"].array._pa_array.num_chunks == 1


def test_a_change_to_the_package_makes_a_new_entry_and_drops_the_old(cache_in, monkeypatch):
    make = Counted(pd.DataFrame({"a": [1.0, 2.0]}))
    frame_cache.cached_frame("t", make)
    monkeypatch.setattr(frame_cache, "_fingerprint", lambda: "changed")
    frame_cache.cached_frame("t", make)
    assert make.calls == 2
    (entry,) = cache_in.glob("t-*.arrow")
    assert entry.name.endswith("-changed.arrow")


def test_the_fingerprint_follows_every_package_file(tmp_path, monkeypatch):
    package = tmp_path / "dana"
    (package / "data").mkdir(parents=True)
    (package / "data" / "table.csv").write_text("a\n1\n")
    monkeypatch.setattr(frame_cache, "_PACKAGE", package)
    before = frame_cache._fingerprint()
    (package / "data" / "table.csv").write_text("a\n12\n")  # one byte longer
    assert frame_cache._fingerprint() != before


def test_the_cache_sits_in_danas_cache_folder_unless_turned_off(tmp_path, monkeypatch):
    monkeypatch.delenv(frame_cache.TABLE_CACHE_ENV, raising=False)
    monkeypatch.setenv(frame_cache.CACHE_ENV, str(tmp_path / "dana"))
    assert frame_cache.cache_dir() == tmp_path / "dana" / "tables"
    monkeypatch.setenv(frame_cache.TABLE_CACHE_ENV, "off")
    monkeypatch.chdir(tmp_path)
    make = Counted(pd.DataFrame({"a": [1]}))
    frame_cache.cached_frame("t", make)
    frame_cache.cached_frame("t", make)
    assert make.calls == 2 and frame_cache.cache_dir() is None
    assert not list(tmp_path.rglob("*.arrow"))


def test_a_damaged_entry_or_an_unwritable_folder_only_costs_the_time(tmp_path, monkeypatch):
    blocked = tmp_path / "a file"
    blocked.write_text("in the way")
    monkeypatch.setenv(frame_cache.TABLE_CACHE_ENV, str(blocked / "cache"))
    make = Counted(pd.DataFrame({"a": [1.5]}))
    assert frame_cache.cached_frame("t", make)["a"].tolist() == [1.5]

    folder = tmp_path / "cache"
    monkeypatch.setenv(frame_cache.TABLE_CACHE_ENV, str(folder))
    frame_cache.cached_frame("t", make)
    (entry,) = folder.glob("t-*.arrow")
    entry.write_bytes(b"not an arrow file")
    assert frame_cache.cached_frame("t", make)["a"].tolist() == [1.5]
    assert make.calls == 3
    assert frame_cache.cached_frame("t", make)["a"].tolist() == [1.5]  # stored again
    assert make.calls == 3


def test_the_default_builds_combined_table_is_kept_and_equals_the_table_made_afresh(
    cache_in, monkeypatch
):
    from dana.assess import load_config
    from dana.assess.load import load_table

    config = load_config()
    load_table(config)  # made and kept
    again = load_table(config)  # read back
    assert len(list(cache_in.glob("combined-*.arrow"))) == 1
    monkeypatch.setenv(frame_cache.TABLE_CACHE_ENV, "off")
    fresh = load_table(config)
    pd.testing.assert_frame_equal(again, fresh, check_exact=True)
    assert again.index.equals(fresh.index)


def test_a_config_with_its_own_data_is_never_answered_from_the_kept_table(cache_in, tmp_path):
    from dana.assess import load_config
    from dana.assess.load import load_table
    from dana.table import COLUMNS, KEY

    row = default.load_default_table().iloc[[0]].copy()
    row["value"] = row["value"] + 1.0  # a local correction of one default row
    row.loc[:, list(COLUMNS)].to_csv(tmp_path / "local.csv", index=False)
    config = tmp_path / "own.yaml"
    config.write_text(
        "area: Peterborough\ndata:\n  builtin: default\n  local_files: [local.csv]\n",
        encoding="utf-8",
    )
    table = load_table(load_config(config))
    got = table.merge(row[list(KEY)], on=list(KEY))
    assert got["value"].tolist() == row["value"].tolist()
    assert not list(cache_in.glob("combined-*.arrow"))
