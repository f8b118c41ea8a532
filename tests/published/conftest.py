"""Fixtures shared by the tests of the transcribed seed assessments (dana/data/published)."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

#: Each folder of dana/data/published with a figures.csv, and the seed it transcribes.
SEED_OF_FOLDER = {
    "cambridgeshire_peterborough": "000",
    "medway": "002",
    "bedford": "003",
    "coventry": "004",
}


def pytest_generate_tests(metafunc):
    # a test that takes ``folder`` runs once for each transcribed figures file
    if "folder" in metafunc.fixturenames:
        metafunc.parametrize("folder", list(SEED_OF_FOLDER))


def read_text_csv(path) -> pd.DataFrame:
    """A transcription CSV as text, the existing seed reader's way ('#' comment lines)."""
    return pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def text_csv():
    """:func:`read_text_csv`, for tests that read other transcription CSVs."""
    return read_text_csv


@pytest.fixture(scope="session")
def published():
    return resources.files("dana.data") / "published"


@pytest.fixture(scope="session")
def seed_of_folder() -> dict[str, str]:
    return dict(SEED_OF_FOLDER)


@pytest.fixture(scope="session")
def figures(published) -> dict[str, pd.DataFrame]:
    """Each figures.csv as text, plus count_num, denominator_num, value_num, multiplier_num."""
    frames = {}
    for folder in SEED_OF_FOLDER:
        frame = read_text_csv(published / folder / "figures.csv")
        for column in ("count", "denominator", "value", "multiplier"):
            frame[column + "_num"] = pd.to_numeric(frame[column].replace("", None))
        frames[folder] = frame
    return frames
