"""Marks every test of the sources and data areas that reads ../shared with ``shared``.

A test reads the real public data exactly when its fixture closure includes
``shared_data`` (directly, or through a fixture such as ``real_server``); marking it
here means no such test can be left unmarked, and ``pytest -m "not shared"`` runs the
rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_AREAS = tuple(Path(__file__).resolve().parents[1] / name for name in ("sources", "data"))


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(str(item.fspath)).resolve()
        in_area = any(area in path.parents for area in _AREAS)
        if in_area and "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
