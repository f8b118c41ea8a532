"""Fixtures shared by the renderer tests (HTML, charts, DOCX, PPTX, PDF)."""

from __future__ import annotations

import pytest
from sample import build_sample_assessment

from dana.assess.model import Assessment
from dana.render import ChartCache


@pytest.fixture(scope="session")
def sample_assessment() -> Assessment:
    """A small hand-built assessment covering every chart kind and comparison category.

    The model is frozen, so one instance is safely shared by the whole session.
    """
    return build_sample_assessment()


@pytest.fixture(scope="session")
def charts() -> ChartCache:
    """One picture cache for the whole session: each chart object is drawn once (in this
    process, so the tests stay deterministic and light on the shared machine)."""
    return ChartCache(workers=1)
