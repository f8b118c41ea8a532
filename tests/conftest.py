"""Shared test fixtures: the shared-data folder and the expensive builds, made once.

- ``shared_data``: the real public data in ``../shared/data``; skips the test with a
  clear reason when that folder is absent (CI always has it). Tests that read it carry
  ``@pytest.mark.shared``; a test that asks for this fixture (or for the real-data build)
  gets the marker added here too, so ``-m "not shared"`` always leaves them out.
- Session-scoped builds, each made at most once per run and shared by every test
  module (the model is frozen, so sharing is safe; do not mutate the frames inside):
  ``default_assessment`` (the embedded default config), ``default_outputs`` (that
  assessment written once in all four formats), ``cp_assessment`` (the Cambridgeshire &
  Peterborough example) and ``coventry_assessment`` (the Coventry real-data example,
  shared-marked).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from dana.assess import Assessment, build_assessment, load_config
from dana.assess.config import example_config_path

# CI runs the property tests with a fixed seed so a run is repeatable; locally each run
# explores new examples. No deadline: the machine is shared and timing is not a property.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: Fixtures that read ../shared: a test using one is a shared-data test.
SHARED_FIXTURES = frozenset({"shared_data", "coventry_assessment"})
#: The date every shared build is stamped with, so outputs do not depend on the day.
BUILD_DATE = date(2025, 1, 1)


def pytest_collection_modifyitems(items):
    for item in items:
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)


def shared_data_folder() -> Path:
    """``../shared/data``, or skip the calling test with the reason it is missing."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.skip(f"real public data not found at {SHARED_DATA} (../shared is absent)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data, or skip the test when it is not beside the repository."""
    return shared_data_folder()


@pytest.fixture(scope="session")
def default_assessment() -> Assessment:
    """The embedded default config (Peterborough, synthetic data), built once."""
    return build_assessment(load_config(), today=BUILD_DATE)


@pytest.fixture(scope="session")
def default_outputs(default_assessment, tmp_path_factory) -> dict[str, Path]:
    """The default assessment written once as HTML, DOCX, PDF and PPTX: format -> path."""
    from dana.report import write_outputs  # the renderers load only for tests that ask

    folder = tmp_path_factory.mktemp("default_outputs")
    paths = write_outputs(default_assessment, folder)
    return {path.suffix.lstrip("."): path for path in paths}


@pytest.fixture(scope="session")
def cp_assessment() -> Assessment:
    """The Cambridgeshire & Peterborough example (transcribed 2021/22 figures)."""
    return build_assessment(load_config(example_config_path("cp")), today=BUILD_DATE)


@pytest.fixture(scope="session")
def coventry_assessment(shared_data) -> Assessment:
    """The Coventry real-data example, built from ``../shared/data`` (skips without it)."""
    config = load_config(example_config_path("coventry"), data_root=shared_data)
    return build_assessment(config, today=BUILD_DATE)
