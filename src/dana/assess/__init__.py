"""The assessment layer: a config and the indicator table in, the assessment model out.

Public API::

    from dana.assess import load_config, build_assessment, comparison_phrase

    config = load_config("my_assessment.yaml")    # or load_config() for the default
    assessment = build_assessment(config)         # an Assessment (plain, frozen data)
    summary = summarise_areas(table)              # every area x indicator (dana batch)

- :func:`load_config` / :class:`AssessmentConfig` / :class:`ConfigError`: the YAML config,
  validated before anything is built (errors name the file and the key).
- :func:`build_assessment`: the whole single-area assessment.
- :func:`summarise_areas`: the all-areas summary (:class:`NationalSummary`);
  :class:`NationalSummaryError` for bad arguments to it.
- :func:`comparison_phrase`: a figure's comparison with one benchmark, in words.
- :func:`disclosure_statement`: the disclosure rule applied, in words.
- The model (:mod:`dana.assess.model`): :class:`Assessment`, :class:`Section`,
  :class:`Figure`, :class:`BenchmarkResult`, :class:`Finding`, :class:`Chart`,
  :class:`Table`, :class:`Recommendation`, :class:`DataGap`, :class:`ProvenanceEntry`,
  :class:`Area`, :class:`NationalSummary`.

Writing the model as HTML, DOCX, PDF and PPTX is :func:`dana.report.write_outputs` (the
layer above); the renderers themselves are :mod:`dana.render`.

The model is imported at once; everything else on first use, so that
``import dana.assess.model`` (what the renderers read) loads no pandas, scipy or
plotting library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from dana.assess.model import (
    Area,
    Assessment,
    BenchmarkResult,
    Chart,
    DataGap,
    Figure,
    Finding,
    NationalSummary,
    ProvenanceEntry,
    Recommendation,
    Section,
    Table,
)

if TYPE_CHECKING:  # for type checkers and editors; at run time see __getattr__ below
    from dana.assess.build import build_assessment
    from dana.assess.config import AssessmentConfig, ConfigError, load_config
    from dana.assess.disclosure import disclosure_statement
    from dana.assess.findings import comparison_phrase
    from dana.assess.national import NationalSummaryError, summarise_areas

#: Public name -> the module that defines it (imported when the name is first used).
_LAZY = {
    "AssessmentConfig": "dana.assess.config",
    "ConfigError": "dana.assess.config",
    "load_config": "dana.assess.config",
    "build_assessment": "dana.assess.build",
    "comparison_phrase": "dana.assess.findings",
    "disclosure_statement": "dana.assess.disclosure",
    "summarise_areas": "dana.assess.national",
    "NationalSummaryError": "dana.assess.national",
}

__all__ = [
    "Area",
    "Assessment",
    "AssessmentConfig",
    "BenchmarkResult",
    "Chart",
    "ConfigError",
    "DataGap",
    "Figure",
    "Finding",
    "NationalSummary",
    "NationalSummaryError",
    "ProvenanceEntry",
    "Recommendation",
    "Section",
    "Table",
    "build_assessment",
    "comparison_phrase",
    "disclosure_statement",
    "load_config",
    "summarise_areas",
]


def __getattr__(name: str):
    """Load a public name's module on first use (PEP 562); see the module docstring."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dana.assess' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
