"""Shared test fixtures.

Tests that read the real public data in ``../shared/data`` use the ``shared_data``
fixture, which skips with a clear reason when that folder is absent (CI always has it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests with a fixed seed so a run is repeatable; locally each run
# explores new examples. No deadline: the machine is shared and timing is not a property.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data, or skip the test when it is not beside the repository."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"real public data not found at {SHARED_DATA} (../shared is absent)")
    return SHARED_DATA
