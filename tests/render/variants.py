"""Variants of the sample assessment used by the DOCX, PPTX and PDF renderer tests."""

from __future__ import annotations

from dataclasses import replace

from dana.assess.model import Assessment, Finding, Section

# A number no renderer may print: it sits in a suppressed figure's ``value``.
LEAKY_VALUE = 987.654
LEAKY_TEXTS = ("987.7", "987.65", "987,")

# Charts of the sample linked to the figure they show (the sample leaves them unlinked).
CHART_INDICATORS = {
    "chart-drug-deaths-trend": "92432",
    "chart-adults-in-treatment-bar": "local:adults_in_drug_treatment",
    "chart-opiate-completion-funnel": "90244",
}


def _map_sections(sections, fn):
    return tuple(fn(replace(s, subsections=_map_sections(s.subsections, fn))) for s in sections)


def with_leaky_suppressed_value(assessment: Assessment) -> Assessment:
    """The suppressed figure carries a real number, as a careless builder might leave it."""

    def fix(section: Section) -> Section:
        figures = tuple(
            replace(f, value=LEAKY_VALUE, lower=LEAKY_VALUE - 1, upper=LEAKY_VALUE + 1)
            if f.suppressed
            else f
            for f in section.figures
        )
        return replace(section, figures=figures)

    return replace(assessment, sections=_map_sections(assessment.sections, fix))


def with_linked_charts(assessment: Assessment) -> Assessment:
    """Trend, bar and funnel charts tagged with ``extra['indicator_id']``."""

    def fix(section: Section) -> Section:
        charts = tuple(
            replace(c, extra={**c.extra, "indicator_id": CHART_INDICATORS[c.id]})
            if c.id in CHART_INDICATORS
            else c
            for c in section.charts
        )
        return replace(section, charts=charts)

    return replace(assessment, sections=_map_sections(assessment.sections, fix))


def with_long_finding(assessment: Assessment, indicator_id: str, words: int = 400) -> Assessment:
    """A finding far too long for a slide, attached to ``indicator_id``."""
    text = " ".join(f"word{i}" for i in range(words))

    def fix(section: Section) -> Section:
        if any(f.indicator_id == indicator_id for f in section.figures):
            extra = Finding(id="F-long", text=text, indicator_ids=(indicator_id,))
            return replace(section, findings=(*section.findings, extra))
        return section

    return replace(assessment, sections=_map_sections(assessment.sections, fix))
