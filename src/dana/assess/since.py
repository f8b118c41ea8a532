"""The config's ``previous_edition:``: "Since the last assessment", inside the report.

:func:`add_previous_edition` reads the earlier edition's JSON
(:func:`dana.assess.edition.read_edition`), compares it with the assessment just built
(:func:`dana.assess.diff.diff_editions`) and puts the resulting section
(:func:`dana.assess.diff.since_last_section`) straight after the key findings. An edition
that cannot be read, or is of another area, is a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

from dataclasses import replace

from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.diff import DiffError, diff_editions, since_last_section
from dana.assess.edition import EditionError, edition_of, read_edition
from dana.assess.model import Assessment

__all__ = ["add_previous_edition"]


def add_previous_edition(assessment: Assessment, config: AssessmentConfig) -> Assessment:
    """``assessment`` with a "Since the last assessment" section when the config names a
    previous edition (unchanged otherwise)."""
    if not config.previous_edition:
        return assessment
    path = config.path(config.previous_edition)
    try:
        earlier = read_edition(path)
        diff = diff_editions(earlier, edition_of(assessment, source="this assessment"))
    except (EditionError, DiffError) as exc:
        raise ConfigError(f"previous_edition: {exc}") from None
    sections = list(assessment.sections)
    after = 1 if sections and sections[0].id == "summary" else 0
    sections.insert(after, since_last_section(diff))
    return replace(assessment, sections=tuple(sections))
