"""The assessment layer: config -> assessment model -> output files.

Public API::

    config = load_config("my_assessment.yaml")      # or load_config() for the default
    assessment = build_assessment(config)             # dana.assess.model.Assessment
    paths = write_outputs(assessment, "out", ["html", "docx", "pdf", "pptx"])
"""

from dana.assess.build import build_assessment
from dana.assess.config import AssessmentConfig, ConfigError, load_config
from dana.assess.output import write_outputs

__all__ = ["AssessmentConfig", "ConfigError", "build_assessment", "load_config", "write_outputs"]
