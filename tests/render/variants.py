"""Variants of the sample assessment used by the DOCX, PPTX and PDF renderer tests."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dana.assess.model import Assessment, Chart, Finding, Section, Table

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


def with_long_text(assessment: Assessment, words: int = 900) -> Assessment:
    """The Drugs chapter (no figures of its own) with a finding far too long for a slide."""
    text = " ".join(f"word{i}" for i in range(words))

    def fix(section: Section) -> Section:
        if section.id == "drugs":
            return replace(section, findings=(Finding(id="F-long-text", text=text),))
        return section

    return replace(assessment, sections=_map_sections(assessment.sections, fix))


def with_long_table(assessment: Assessment, rows: int = 60) -> Assessment:
    """A display table of ``rows`` rows (far more than a slide holds) in drug treatment."""
    data = pd.DataFrame({"Row": [f"row {i}" for i in range(rows)], "Count": range(100, 100 + rows)})
    table = Table(id="table-long", title="A long table", data=data, counts=("Count",))

    def fix(section: Section) -> Section:
        if section.id == "drugs-treatment":
            return replace(section, tables=(*section.tables, table))
        return section

    return replace(assessment, sections=_map_sections(assessment.sections, fix))


# --- the chart kinds and parts added for issue 11 ------------------------------------------


def small_trends_chart() -> Chart:
    """Three indicators' trends, one with a withheld period (shown as *)."""
    rows = []
    for indicator, name, unit, values in (
        ("92432", "Deaths from drug misuse", "per 100,000", [4.6, 5.0, 5.4, 5.9, 6.1]),
        ("90244", "Opiate completions", "%", [6.2, 5.9, None, 5.1, 4.7]),
        ("pop", "Population", "count", [200_000, 201_500, 203_000, 204_600, 206_000]),
    ):
        for i, value in enumerate(values):
            rows.append(
                {
                    "indicator_id": indicator,
                    "name": name,
                    "period": str(2019 + i),
                    "period_sort": (2019 + i) * 10000,
                    "value": value,
                    "lower": None if value is None else value * 0.9,
                    "upper": None if value is None else value * 1.1,
                    "benchmark_value": None if unit == "count" else 5.0,
                    "suppressed": value is None,
                    "unit": unit,
                }
            )
    return Chart(
        id="small_trends.sample",
        kind="small_trends",
        title="Drug treatment: trends in Peterborough",
        alt_text="3 small line charts: deaths rose from 4.6 to 6.1; completions fell from "
        "6.2% to 4.7% (2021 suppressed); population rose from 200,000 to 206,000.",
        data=pd.DataFrame(rows),
        notes="Shaded band: 95% confidence interval. Dashed line: England.",
        source="OHID Fingertips API",
        extra={"benchmark_name": "England", "level": 0.95},
    )


def breakdown_chart() -> Chart:
    """Ethnic group of adults in treatment in two panels; one category withheld."""
    categories = ["White", "Mixed", "Asian", "Black", "Other"]
    data = pd.DataFrame(
        {
            "group": ["Opiate"] * 5 + ["Alcohol only"] * 5,
            "category": categories * 2,
            "share": [81.0, 3.2, 8.4, 4.0, None, 88.0, 2.0, 5.0, 3.0, 2.0],
            "lower": [78.0, 2.4, 7.1, 3.2, None, 85.0, 1.2, 3.9, 2.1, 1.2],
            "upper": [84.0, 4.2, 9.9, 5.0, None, 90.0, 3.3, 6.4, 4.2, 3.3],
            "comparator_share": [75.0, 4.0, 11.0, 5.5, 4.5] * 2,
            "count": [405, 16, 42, 20, None, 264, 6, 15, 9, 6],
            "suppressed": [False] * 4 + [True] + [False] * 5,
        }
    )
    return Chart(
        id="breakdown.sample",
        kind="breakdown",
        title="Ethnic group of adults in treatment, Peterborough, 2023/24",
        alt_text="Bar chart of each ethnic group's share of adults in treatment, by "
        "substance, with residents' shares; one group suppressed.",
        data=data,
        unit="%",
        source="NDTMS ViewIt",
        extra={"group": "group", "comparator_name": "Residents"},
    )


def projection_chart() -> Chart:
    years = list(range(2023, 2031))
    data = pd.DataFrame(
        {
            "year": years * 2,
            "series": ["Dependent drinkers"] * 8 + ["Opiate and crack users"] * 8,
            "value": [2100 + 20 * i for i in range(8)] + [1500 + 10 * i for i in range(8)],
        }
    )
    return Chart(
        id="projection.sample",
        kind="projection",
        title="Projected need, Peterborough, 2023 to 2030",
        alt_text="Dependent drinkers rise from 2,100 to 2,240; opiate and crack users from "
        "1,500 to 1,570.",
        data=data,
        unit="people",
        source="ONS subnational population projections",
        extra={"base_year": 2023},
    )


#: A numeric display table: counts, a share, a year and a withheld cell (disclosure's *).
NUMERIC_TABLE = Table(
    id="table-numeric",
    title="Referrals by source, 2023/24",
    data=pd.DataFrame(
        {
            "Source": ["Self", "GP", "Criminal justice", "Total"],
            "Count": [1147, 212, "*", 1390],
            "Share (%)": [82.4, 15.3, "*", 100.0],
            "Rate": [95.3, 105.0, 7.26, 207.6],
            "Base year": [2023, 2023, 2023, 2023],
        }
    ),
    counts=("Count",),
    derived=(("Share (%)", "Count"),),
    total_row="Total",
)


def with_new_kinds(assessment: Assessment) -> Assessment:
    """A section drawing ``small_trends``, ``breakdown`` and ``projection`` with a
    numeric table, and an appendix holding a chart and a table."""
    depth = Section(
        id="depth",
        title="Who is in treatment",
        summary="The client profile and projected need.",
        findings=(Finding(id="F-depth", text="Most adults in treatment are White."),),
        charts=(small_trends_chart(), breakdown_chart(), projection_chart()),
        tables=(NUMERIC_TABLE,),
    )
    appendix = Section(
        id="appendix.sample",
        title="Funnel plots",
        summary="Every area against its denominator.",
        # the sample's funnel again, as its own chart (one figure number each)
        charts=(replace(assessment.sections[0].subsections[1].charts[1], id="funnel.appendix"),),
    )
    return replace(assessment, sections=(*assessment.sections, depth), appendices=(appendix,))
