"""Fixtures of the explorer tests: the default data's store and a real server for it.

``explorer_store`` reads the default data once for the session (and builds Peterborough,
the config's area); ``explorer_url`` serves it with uvicorn on a free port of 127.0.0.1
in a background thread, as ``dana serve`` does, so the tests (and the browser) talk to a
real HTTP server. ``small_config`` is a tiny config on one local file (hostile names, a
file that can be changed while the explorer runs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from explorer_helpers import RunningServer, write_small_file

from dana.explorer import DataStore, create_app


@pytest.fixture(scope="session")
def explorer_store() -> DataStore:
    """The default config's data, read once (Peterborough built)."""
    return DataStore()


@pytest.fixture(scope="session")
def explorer_url(explorer_store):
    server = RunningServer(create_app(explorer_store))
    yield server.url
    server.stop()


@pytest.fixture
def small_config(tmp_path) -> Path:
    write_small_file(tmp_path / "local.csv")
    config = tmp_path / "small.yaml"
    config.write_text(
        "area: Peterborough\n"
        "comparators:\n  neighbours: [E06000032, E06000055, E06000056]\n"
        "data:\n  builtin: none\n  local_files: [local.csv]\n"
        "sections: [introduction, wider_determinants, data_gaps]\n",
        encoding="utf-8",
    )
    return config
