"""Fixtures shared by the data tests: one run of the generator for the whole session."""

from __future__ import annotations

import pytest

from dana.data import synthetic


@pytest.fixture(scope="session")
def default_data():
    """Everything the generator makes (about 10 s): run once, shared."""
    return synthetic.generate_all()
