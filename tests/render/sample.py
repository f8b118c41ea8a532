"""A small, realistic assessment built by hand, for renderer tests.

Shaped like the Cambridgeshire & Peterborough summary report (seed 000) and Coventry's
recommendation cards (seed 004). Figures are ILLUSTRATIVE, loosely modelled on the seed
(e.g. Peterborough 705 adults in drug treatment per 100,000 vs England 457, seed 000
"Drug service users"); they are not to be cited, so the assessment is flagged synthetic.

Figures leave ``display_value`` empty, as the builder does, so renderers write every
number by the one rule of :mod:`dana.formatting` (705.2 is shown as "705").

It deliberately covers what renderers must handle: nested sections, every comparison
category (better, similar, worse, higher, lower, not_compared), a suppressed figure, a
99.8% comparison, one chart of each kind with the columns documented in
``dana.assess.model.Chart``, a table with a suppressed cell, three recommendations with
outcome areas and timescales, data gaps, provenance, attributions and disclosure text,
and free text containing ``<script>alert(1)</script>`` and ``&`` to test escaping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana.assess.model import (
    Area,
    Assessment,
    BenchmarkResult,
    Chart,
    DataGap,
    Figure,
    Finding,
    ProvenanceEntry,
    Recommendation,
    Section,
    Table,
)

SCRIPT = "<script>alert(1)</script>"

ENGLAND = ("E92000001", "England")
REGION = ("E12000006", "East of England")
NEIGHBOURS_MEAN = ("neighbours", "Nearest neighbours (mean)")

AREA = Area(
    code="E06000031",
    name="Peterborough",
    area_type="utla",
    region_code=REGION[0],
    region_name=REGION[1],
)
COMPARATORS = (
    Area("E06000032", "Luton", "utla", *REGION),
    Area("E06000033", "Southend-on-Sea", "utla", *REGION),
    Area("E06000034", "Thurrock", "utla", *REGION),
    Area("E06000035", "Medway", "utla", "E12000008", "South East"),
)

FINGERTIPS = "OHID Fingertips API"
NDTMS = "OHID NDTMS (National Drug Treatment Monitoring System)"
RETRIEVED = "2026-11-20"


def _bench(code_name, value, comparison, confidence=0.95) -> BenchmarkResult:
    code, name = code_name
    return BenchmarkResult(code, name, value, comparison, confidence)


def _figure(**kw) -> Figure:
    defaults = dict(
        confidence=0.95,
        count=None,
        denominator=None,
        source=FINGERTIPS,
        retrieved=RETRIEVED,
    )
    defaults.update(kw)
    return Figure(**defaults)


# --- figures: one per comparison category, plus a suppressed one -------------------------

DRUG_DEATHS = _figure(
    indicator_id="92432",
    name="Deaths from drug misuse",
    section="drugs-harm",
    period="2020 - 22",
    value=6.1,
    lower=4.3,
    upper=8.4,
    count=38,
    denominator=620_000,
    unit="per 100,000",
    value_type="dsr",
    polarity="low_is_good",
    benchmarks=(
        _bench(ENGLAND, 5.2, "similar"),
        _bench(REGION, 4.1, "similar"),
    ),
    trend="No significant change",
    rank=3,
    rank_of=5,
    method="Directly standardised rate, Dobson limits (ESP2013)",
)

DRUG_ADMISSIONS = _figure(
    indicator_id="92796",
    name="Hospital admissions for drug poisoning",
    section="drugs-harm",
    period="2021/22",
    value=41.5,
    lower=36.2,
    upper=47.4,
    count=229,
    denominator=551_800,
    unit="per 100,000",
    value_type="dsr",
    polarity="low_is_good",
    benchmarks=(
        _bench(ENGLAND, 26.1, "worse", 0.998),
        _bench(REGION, 22.3, "worse"),
    ),
    trend="Decreasing and getting better",
    rank=5,
    rank_of=5,
    method="Directly standardised rate, Dobson limits (ESP2013)",
)

ADULTS_IN_TREATMENT = _figure(
    indicator_id="local:adults_in_drug_treatment",
    name="Adults in drug treatment",
    section="drugs-treatment",
    period="2021/22",
    value=705.2,
    lower=664.8,
    upper=747.3,
    count=1_147,
    denominator=162_650,
    unit="per 100,000",
    value_type="crude_rate",
    polarity="no_judgement",
    benchmarks=(_bench(ENGLAND, 457.0, "higher"),),
    trend="Increasing",
    rank=1,
    rank_of=5,
    source=NDTMS,
    method="Crude rate per 100,000 adults aged 18+, Byar limits",
)

EARLY_EXITS = _figure(
    indicator_id="local:early_unplanned_exit",
    name="Early unplanned exits from drug treatment",
    section="drugs-treatment",
    period="2021/22",
    value=21.4,
    lower=18.2,
    upper=25.0,
    count=112,
    denominator=523,
    unit="%",
    value_type="proportion",
    polarity="low_is_good",
    benchmarks=(_bench(ENGLAND, 15.6, "worse"),),
    trend="Increasing and getting worse",
    source=NDTMS,
    method="Proportion, Wilson score limits",
)

OPIATE_COMPLETION = _figure(
    indicator_id="90244",
    name="Successful completion of drug treatment: opiate users",
    section="drugs-treatment",
    period="2021",
    value=4.1,
    lower=3.0,
    upper=5.6,
    count=41,
    denominator=1_000,
    unit="%",
    value_type="proportion",
    polarity="high_is_good",
    benchmarks=(_bench(ENGLAND, 5.0, "similar"),),
    trend="Decreasing and getting worse",
    rank=4,
    rank_of=5,
    method="Proportion, Wilson score limits",
)

YP_ALCOHOL_ADMISSIONS = _figure(
    indicator_id="92904",
    name="Admission episodes for alcohol-specific conditions - Under 18s",
    section="cyp",
    period="2018/19 - 20/21",
    value=14.3,
    lower=10.1,
    upper=19.6,
    count=37,
    denominator=86_250,
    unit="per 100,000",
    value_type="crude_rate",
    polarity="low_is_good",
    benchmarks=(_bench(ENGLAND, 29.3, "better"),),
    trend="Cannot be calculated",
    rank=1,
    rank_of=5,
    method="Crude rate per 100,000 aged under 18, Byar limits",
)

YP_SUBSTANCE_ADMISSIONS = _figure(
    indicator_id="90808",
    name="Hospital admissions due to substance misuse (15 to 24 years)",
    section="cyp",
    period="2018/19 - 20/21",
    value=52.8,
    lower=44.0,
    upper=62.9,
    count=128,
    denominator=80_800,
    unit="per 100,000",
    value_type="dsr",
    polarity="no_judgement",
    benchmarks=(_bench(ENGLAND, 81.2, "lower"),),
    trend="Decreasing",
    method="Directly standardised rate, Dobson limits (ESP2013)",
)

ALCOHOL_DEPENDENT_ADULTS = _figure(
    indicator_id="93532",
    name="Adults with alcohol dependency (estimated)",
    section="alcohol",
    period="2018/19",
    value=2_891.0,
    lower=None,
    upper=None,
    count=None,
    denominator=None,
    unit="count",
    value_type="count",
    polarity="no_judgement",
    benchmarks=(_bench(ENGLAND, None, "not_compared"),),
    value_note="Modelled estimate; no confidence interval published",
    method="Synthetic estimate applied to mid-year population",
)

DEATHS_IN_ALCOHOL_TREATMENT = _figure(
    indicator_id="local:deaths_in_alcohol_treatment",
    name="Deaths in alcohol treatment",
    section="alcohol",
    period="2018/19 - 20/21",
    value=None,
    lower=None,
    upper=None,
    count=None,
    denominator=375,
    unit="%",
    value_type="proportion",
    polarity="low_is_good",
    benchmarks=(_bench(ENGLAND, 1.3, "not_compared"),),
    suppressed=True,
    value_note="Value suppressed: count between 1 and 7",
    source=NDTMS,
    method="Proportion, Wilson score limits",
    display_value="*",
)


# --- charts: one of each kind --------------------------------------------------------------


def _trend_chart() -> Chart:
    periods = ["2015 - 17", "2016 - 18", "2017 - 19", "2018 - 20", "2019 - 21", "2020 - 22"]
    data = pd.DataFrame(
        {
            "period": periods,
            "period_sort": [(2015 + i) * 10000 for i in range(len(periods))],
            "value": [4.6, 5.0, 5.4, 5.9, 6.3, 6.1],
            "lower": [3.0, 3.4, 3.7, 4.1, 4.5, 4.3],
            "upper": [6.7, 7.1, 7.6, 8.2, 8.6, 8.4],
            "benchmark_value": [4.3, 4.5, 4.7, 5.0, 5.1, 5.2],
        }
    )
    return Chart(
        id="chart-drug-deaths-trend",
        kind="trend",
        title="Deaths from drug misuse, Peterborough and England, 2015-17 to 2020-22",
        alt_text=(
            "Line chart: Peterborough's rate of deaths from drug misuse rose from 4.6 per "
            "100,000 in 2015-17 to 6.1 in 2020-22; England rose from 4.3 to 5.2. "
            "Peterborough's confidence interval overlaps England's value in every period."
        ),
        data=data,
        unit="per 100,000",
        notes="Directly standardised rate (ESP2013), 95% confidence interval (Dobson).",
        source=f"{FINGERTIPS}, indicator 92432, retrieved {RETRIEVED}",
        extra={"benchmark_name": "England"},
    )


def _compare_bar_chart() -> Chart:
    data = pd.DataFrame(
        {
            "area_name": ["Peterborough", "Luton", "Southend-on-Sea", "Thurrock", "Medway"],
            "value": [705.2, 512.4, 389.0, float("nan"), 455.9],
            "lower": [664.8, 478.3, 358.1, float("nan"), 428.6],
            "upper": [747.3, 548.1, 421.6, float("nan"), 484.4],
            "comparison": ["higher", "higher", "lower", "not_compared", "similar"],
            "is_subject": [True, False, False, False, False],
        }
    )
    return Chart(
        id="chart-adults-in-treatment-bar",
        kind="compare_bar",
        title="Adults in drug treatment per 100,000 adults, 2021/22: Peterborough and neighbours",
        alt_text=(
            "Bar chart: Peterborough has 705 adults in drug treatment per 100,000, the "
            "highest of five areas and higher than England (457). Thurrock's value is "
            "suppressed."
        ),
        data=data,
        unit="per 100,000",
        notes="Crude rate per 100,000 aged 18+, 95% confidence interval (Byar). "
        "Thurrock suppressed (*) under the disclosure rule.",
        source=f"{NDTMS}, retrieved {RETRIEVED}",
        extra={"benchmark_value": 457.0, "benchmark_name": "England"},
    )


def _spine_chart() -> Chart:
    rows = [
        # indicator_id, name, value, benchmark, worst, q25, q75, best, comparison
        ("92432", "Deaths from drug misuse", 6.1, 5.2, 16.9, 6.4, 3.6, 1.9, "similar"),
        ("92796", "Hospital admissions for drug poisoning", 41.5, 26.1, 71.2, 32.3, 19.0, 7.5, "worse"),
        ("90244", "Successful completion: opiate users", 4.1, 5.0, 1.6, 3.9, 6.2, 11.0, "similar"),
        ("92904", "Alcohol-specific admissions, under 18s", 14.3, 29.3, 87.0, 38.5, 20.3, 7.6, "better"),
        ("90808", "Substance misuse admissions, 15-24", 52.8, 81.2, 23.6, 60.2, 99.7, 201.4, "lower"),
        ("local:adults_in_drug_treatment", "Adults in drug treatment", 705.2, 457.0, 201.0, 372.1, 528.7, 820.4, "higher"),
        ("93532", "Adults with alcohol dependency", float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), "not_compared"),
    ]  # fmt: skip
    data = pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "name",
            "value",
            "benchmark_value",
            "worst",
            "q25",
            "q75",
            "best",
            "comparison",
        ],
    )
    return Chart(
        id="chart-spine",
        kind="spine",
        title="Peterborough compared with England across drug and alcohol indicators",
        alt_text=(
            "Spine chart of seven indicators: hospital admissions for drug poisoning are "
            "worse than England; under-18 alcohol-specific admissions are better; deaths "
            "from drug misuse and opiate treatment completions are similar."
        ),
        data=data,
        notes="Centre line is England. Grey bar: range of upper-tier local authorities "
        "(worst to best); dark band: 25th to 75th percentile.",
        source=f"{FINGERTIPS}, retrieved {RETRIEVED}",
    )


def _funnel_chart() -> Chart:
    """Funnel of opiate completions; limits from the normal approximation to the binomial."""
    centre = 5.0
    x = np.linspace(100, 3000, 59)
    p = centre / 100
    sd = np.sqrt(p * (1 - p) / x) * 100
    limits = pd.DataFrame(
        {
            "x": x,
            "lower_95": np.clip(centre - 1.959964 * sd, 0, None),
            "upper_95": centre + 1.959964 * sd,
            "lower_99_8": np.clip(centre - 3.090232 * sd, 0, None),
            "upper_99_8": centre + 3.090232 * sd,
            "centre": np.full_like(x, centre),
        }
    )
    data = pd.DataFrame(
        {
            "area_name": [
                "Peterborough",
                "Luton",
                "Southend-on-Sea",
                "Thurrock",
                "Medway",
                "Milton Keynes",
                "Bedford",
                "Central Bedfordshire",
            ],
            "denominator": [1000, 1480, 820, 610, 1750, 1190, 540, 720],
            "value": [4.1, 6.9, 5.5, 2.1, 3.2, 5.9, 8.9, 4.6],
            "is_subject": [True, False, False, False, False, False, False, False],
        }
    )
    return Chart(
        id="chart-opiate-completion-funnel",
        kind="funnel",
        title="Successful completion of drug treatment (opiates), 2021: funnel plot",
        alt_text=(
            "Funnel plot: Peterborough's completion rate of 4.1% from 1,000 opiate clients "
            "lies within the 95% limits around England's 5.0%. Bedford lies above the "
            "upper 99.8% limit & Medway below the lower 95% limit."
        ),
        data=data,
        unit="%",
        notes="Control limits at 95% and 99.8% around England's value.",
        source=f"{NDTMS}, retrieved {RETRIEVED}",
        extra={"limits": limits, "centre_name": "England"},
    )


def _pyramid_chart() -> Chart:
    ages = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    # Illustrative shape of a young urban UTLA (~215,000 people).
    base = np.array(
        [15.8, 15.2, 14.1, 12.0, 12.9, 15.9, 16.4, 16.0, 14.6, 13.9, 13.7, 12.4, 10.6, 9.2, 8.3, 5.7, 3.9, 3.6]
    )  # fmt: skip
    male = np.round(base * 620).astype(int)
    female = np.round(base * 600 * np.linspace(1.0, 1.35, len(ages))).astype(int)
    england_share = [
        2.7,
        2.9,
        2.9,
        2.7,
        2.9,
        3.3,
        3.4,
        3.4,
        3.2,
        3.1,
        3.3,
        3.4,
        3.1,
        2.6,
        2.6,
        2.0,
        1.3,
        1.2,
    ]
    data = pd.DataFrame(
        {
            "age": ages * 2,
            "sex": ["Male"] * len(ages) + ["Female"] * len(ages),
            "population": np.concatenate([male, female]),
            "comparator_share": england_share * 2,
        }
    )
    # The builder supplies each cell's share of the area's residents (renderers never divide).
    data["share"] = data["population"] / data["population"].sum() * 100
    return Chart(
        id="chart-population-pyramid",
        kind="pyramid",
        title="Population of Peterborough by age and sex, mid-2021",
        alt_text=(
            "Population pyramid: Peterborough has a younger age profile than England, "
            "with more people aged 25 to 39 and fewer aged 65 and over."
        ),
        data=data,
        unit="people",
        notes="Outline shows England's share of population in each age band.",
        source="ONS mid-year population estimates, retrieved 2026-11-20",
        extra={"comparator_name": "England"},
    )


# --- the assessment -------------------------------------------------------------------------


def build_sample_assessment() -> Assessment:
    """Build the hand-made sample assessment (synthetic, illustrative figures)."""
    trend, bar, spine, funnel, pyramid = (
        _trend_chart(),
        _compare_bar_chart(),
        _spine_chart(),
        _funnel_chart(),
        _pyramid_chart(),
    )

    drugs_harm = Section(
        id="drugs-harm",
        title="The impact of drug use",
        summary="Drug-related deaths are similar to England, but hospital admissions for "
        "drug poisoning are significantly higher.",
        figures=(DRUG_DEATHS, DRUG_ADMISSIONS),
        findings=(
            Finding(
                id="F-drugs-01",
                text="The rate of deaths from drug misuse in Peterborough (6.1 per 100,000, "
                "2020 - 22) is similar to England (5.2 per 100,000).",
                indicator_ids=("92432",),
                kind="comparison",
            ),
            Finding(
                id="F-drugs-02",
                text="Hospital admissions for drug poisoning (41.5 per 100,000) are "
                "significantly worse than England (26.1) at the 99.8% level.",
                indicator_ids=("92796",),
                kind="comparison",
            ),
        ),
        charts=(trend,),
    )
    drugs_treatment = Section(
        id="drugs-treatment",
        title="Drug service users & service outcomes",
        summary="Peterborough has a high rate of adults in drug treatment; early "
        "unplanned exits are worse than England.",
        figures=(ADULTS_IN_TREATMENT, EARLY_EXITS, OPIATE_COMPLETION),
        findings=(
            Finding(
                id="F-drugs-03",
                text="Peterborough has 705 adults in drug treatment per 100,000, higher "
                "than England (457.0).",
                indicator_ids=("local:adults_in_drug_treatment",),
                kind="comparison",
            ),
            Finding(
                id="F-drugs-04",
                text=f"Early unplanned exits (21.4%) are worse than England (15.6%). {SCRIPT}",
                indicator_ids=("local:early_unplanned_exit",),
                kind="comparison",
            ),
        ),
        charts=(bar, funnel),
        tables=(
            Table(
                id="table-substance-groups",
                title="Adults in treatment by substance group, 2021/22",
                data=pd.DataFrame(
                    {
                        "Substance group": [
                            "Opiate",
                            "Non-opiate only",
                            "Non-opiate & alcohol",
                            "Alcohol only",
                        ],
                        "Number": ["612", "*", "254", "375"],
                        "Per cent": ["47.1", "*", "19.6", "28.9"],
                        "England per cent": ["48.6", "6.3", "15.9", "29.2"],
                    }
                ),
                notes="Counts of 1 to 7 are suppressed (*).",
                source=f"{NDTMS}, retrieved {RETRIEVED}",
            ),
        ),
    )
    drugs = Section(
        id="drugs",
        title="Drugs",
        summary="Drug-related harm and treatment in Peterborough.",
        subsections=(drugs_harm, drugs_treatment),
    )
    alcohol = Section(
        id="alcohol",
        title="Alcohol",
        summary="An estimated 2,891 adults are alcohol dependent.",
        figures=(ALCOHOL_DEPENDENT_ADULTS, DEATHS_IN_ALCOHOL_TREATMENT),
        findings=(
            Finding(
                id="F-alcohol-01",
                text="An estimated 2,891 adults in Peterborough are dependent on alcohol & "
                "may need specialist treatment.",
                indicator_ids=("93532",),
                kind="unmet_need",
            ),
            Finding(
                id="F-alcohol-02",
                text="Deaths in alcohol treatment are too few to publish (*).",
                indicator_ids=("local:deaths_in_alcohol_treatment",),
            ),
        ),
        charts=(pyramid,),
    )
    cyp = Section(
        id="cyp",
        title="Children and young people",
        summary="Under-18 alcohol-specific admissions are better than England.",
        figures=(YP_ALCOHOL_ADMISSIONS, YP_SUBSTANCE_ADMISSIONS),
        findings=(
            Finding(
                id="F-cyp-01",
                text="Admissions for alcohol-specific conditions among under-18s (14.3 per "
                "100,000) are better than England (29.3).",
                indicator_ids=("92904",),
                kind="comparison",
            ),
        ),
        charts=(spine,),
    )

    # every figure shown gets a provenance entry
    figures = [fig for s in (drugs_harm, drugs_treatment, alcohol, cyp) for fig in s.figures]
    provenance = tuple(
        ProvenanceEntry(
            indicator_id=f.indicator_id,
            name=f.name,
            period=f.period,
            source=f.source,
            retrieved=f.retrieved,
            method=f.method,
            confidence=f.confidence,
        )
        for f in figures
    )

    return Assessment(
        title="Drugs and Alcohol Needs Assessment for Peterborough",
        area=AREA,
        comparators=COMPARATORS,
        period="2021/22",
        generated="2026-11-24",
        sections=(drugs, alcohol, cyp),
        recommendations=(
            Recommendation(
                number=1,
                title="To reduce early unplanned exits from drug treatment.",
                key_finding="Early unplanned exits (21.4%) are worse than England (15.6%).",
                impact="People leaving treatment early lose protection against overdose & "
                "are less likely to recover.",
                description="Review engagement in the first 12 weeks of treatment, with "
                f"input from people with lived experience. {SCRIPT}",
                timescale="short",
                population="adult",
                outcome_areas=("TREATMENT", "RECOVERY"),
                gap_statement="No local data on reasons for early exit.",
                theme="Treatment outcomes",
                finding_ids=("F-drugs-04",),
                indicator_ids=("local:early_unplanned_exit",),
            ),
            Recommendation(
                number=2,
                title="To investigate hospital admissions for drug poisoning.",
                key_finding="Admissions for drug poisoning are significantly worse than England.",
                impact="Each admission is a missed chance to engage people in treatment.",
                description="Audit admissions with the acute trust and agree a pathway from "
                "hospital to the community treatment service.",
                timescale="medium",
                population="both",
                outcome_areas=("HARM",),
                theme="Working with other services",
                finding_ids=("F-drugs-02",),
                indicator_ids=("92796",),
            ),
            Recommendation(
                number=3,
                title="To develop the approach to prevention for school-aged children.",
                key_finding="Under-18 alcohol-specific admissions are better than England.",
                impact="Prevention protects this position as the population grows.",
                description="Work with schools to evaluate drug and alcohol education.",
                timescale="long",
                population="cyp",
                outcome_areas=("USE", "SUPPLY", "CRIME"),
                gap_statement="School survey data are not available for Peterborough.",
                theme="Prevention",
                finding_ids=("F-cyp-01",),
                indicator_ids=("92904",),
            ),
        ),
        data_gaps=(
            DataGap(
                indicator_id="local:deaths_in_alcohol_treatment",
                name="Deaths in alcohol treatment",
                section="alcohol",
                reason="suppressed",
                detail="Fewer than 8 deaths in the period; value suppressed.",
            ),
            DataGap(
                indicator_id="local:school_survey",
                name="Year 10 pupils who drank alcohol in the last week",
                section="cyp",
                reason="no_data",
                detail="No school survey for Peterborough since 2019.",
            ),
        ),
        provenance=provenance,
        attributions=(
            "Contains public sector information licensed under the Open Government Licence v3.0.",
            "Contains OHID Fingertips data © Crown copyright & database right 2026.",
        ),
        disclosure="Counts of 1 to 7 are suppressed and shown as *; rates and percentages "
        "based on suppressed counts are also suppressed.",
        synthetic=True,
        author="Public Health Intelligence Team (illustrative)",
        introduction="This assessment brings together public data on drug and alcohol use, "
        "harm and treatment in Peterborough, compared with England & its nearest "
        "neighbours.",
    )
