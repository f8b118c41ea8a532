"""Findings in words, checked against the intervals that justify them."""

from __future__ import annotations

import pytest
from _tables import AREA, ENGLAND, NEIGHBOUR, Catalogue, fy, indicator, make_table, rows

from dana.assess import build_assessment
from dana.assess.config import AssessmentConfig
from dana.assess.findings import format_count, format_number

PERIOD = [fy(2021)]


def _config(**overrides) -> AssessmentConfig:
    fields = dict(
        area="Peterborough",
        comparators={"england": True, "region": False, "neighbours": None},
        data={"builtin": "none"},
        sections=["alcohol", "drugs", "data_gaps"],
    )
    fields.update(overrides)
    return AssessmentConfig(**fields)


def _build(ind, records, **config):
    return build_assessment(
        _config(**config), table=make_table(records), catalogue=Catalogue([ind])
    )


def _finding(assessment, suffix):
    (found,) = [f for f in assessment.all_findings() if f.id.endswith(suffix)]
    return found.text


def _england(value=457.0):
    return rows(indicator(), ENGLAND, PERIOD, value=value)


def test_interval_straddling_england_is_similar_never_higher():
    # 470 with 95% CI 440-500 contains England's 457: "similar", though 470 > 457.
    ind = indicator()
    records = rows(ind, AREA, PERIOD, value=470.0, lower=440.0, upper=500.0) + rows(
        ind, ENGLAND, PERIOD, value=457.0
    )
    assessment = _build(ind, records)
    (figure,) = assessment.all_figures()
    assert figure.benchmark("England").comparison == "similar"
    text = _finding(assessment, ".england")
    assert "similar to England (457 per 100,000)" in text
    assert "higher" not in text


def test_interval_wholly_above_england_is_significantly_higher():
    # Seed 000: Peterborough 1,147 adults in drug treatment, 705 per 100,000 aged 18+,
    # England 457. Byar 95% limits for 1,147 events on 162,695 adults are 665-747
    # (dana.data.default derives them the same way); 665 > 457, so higher.
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=705.0, lower=665.0, upper=747.0, count=1147, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    text = _finding(_build(ind, records), "drug_treatment.test_rate.england")
    assert text == (
        "Peterborough had 1,147 adults in drug treatment in 2021/22, 705 per 100,000 aged 18+ "
        "(95% CI 665 to 747), significantly higher than England (457 per 100,000)."
    )


@pytest.mark.parametrize(
    ("polarity", "lower", "upper", "expected"),
    [
        (
            "high_is_good",
            665.0,
            747.0,
            "significantly higher than England (457 per 100,000), which is better",
        ),
        (
            "low_is_good",
            665.0,
            747.0,
            "significantly higher than England (457 per 100,000), which is worse",
        ),
        (
            "low_is_good",
            300.0,
            400.0,
            "significantly lower than England (457 per 100,000), which is better",
        ),
        (
            "high_is_good",
            300.0,
            400.0,
            "significantly lower than England (457 per 100,000), which is worse",
        ),
    ],
)
def test_polarity_turns_direction_into_better_or_worse(polarity, lower, upper, expected):
    ind = indicator(polarity=polarity)
    value = (lower + upper) / 2
    records = rows(ind, AREA, PERIOD, value=value, lower=lower, upper=upper) + rows(
        ind, ENGLAND, PERIOD, value=457.0
    )
    assessment = _build(ind, records)
    assert expected in _finding(assessment, ".england")
    category = assessment.all_figures()[0].benchmark("England").comparison
    assert category == expected.rsplit(" ", 1)[-1]


def test_comparison_uses_the_catalogue_level_99_8():
    # 95% CI 460-520 excludes 457, but the 99.8% CI 450-530 includes it: at the catalogue's
    # 99.8% level the figure is similar, and its limits are the 99.8% ones.
    ind = indicator(comparison="ci_99_8")
    records = rows(
        ind, AREA, PERIOD, value=490.0, lower=460.0, upper=520.0, lower_99_8=450.0, upper_99_8=530.0
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records)
    (figure,) = assessment.all_figures()
    assert (figure.lower, figure.upper, figure.confidence) == (450.0, 530.0, 0.998)
    assert "similar to England" in _finding(assessment, ".england")
    assert "99.8% CI 450 to 530" in _finding(assessment, ".england")
    # the config can force 95% for every indicator
    forced = _build(ind, records, confidence=0.95)
    assert "significantly higher than England" in _finding(forced, ".england")


def test_no_interval_means_not_compared():
    ind = indicator()
    records = rows(ind, AREA, PERIOD, value=705.0) + rows(ind, ENGLAND, PERIOD, value=457.0)
    text = _finding(_build(ind, records), ".england")
    assert "not compared with England (no confidence interval)" in text
    assert "higher" not in text and "similar" not in text


def test_unmet_need_sentence():
    # Seed 000 / DOMAIN.md: an estimated 80% of dependent drinkers not in treatment.
    ind = indicator(
        "93532",
        fingertips_id=93532,
        name="Proportion of dependent drinkers not in treatment (%)",
        short_name="Unmet need (alcohol)",
        section="alcohol_treatment",
        polarity="low_is_good",
        value_type="proportion",
        multiplier=100,
        unit="%",
    )
    records = rows(ind, AREA, PERIOD, value=80.2, lower=77.1, upper=83.4) + rows(
        ind, ENGLAND, PERIOD, value=80.0
    )
    assessment = _build(ind, records)
    (finding,) = [
        f
        for f in assessment.all_findings()
        if f.id == "alcohol_treatment.unmet_need_alcohol.england"
    ]
    assert finding.text == (
        "An estimated 80% of dependent drinkers in Peterborough were not in treatment in "
        "2021/22 (95% CI 77% to 83%), similar to England (80%)."
    )
    assert finding.kind == "unmet_need"


def test_neighbour_rank_and_comparison():
    ind = indicator()
    records = (
        rows(ind, AREA, PERIOD, value=705.0, lower=665.0, upper=747.0, count=1147, denom=162695)
        + rows(ind, NEIGHBOUR, PERIOD, value=306.0, lower=291.0, upper=321.0)
        + rows(ind, ENGLAND, PERIOD, value=457.0)
    )
    assessment = _build(
        ind,
        records,
        comparators={"england": True, "region": False, "neighbours": ["Cambridgeshire"]},
    )
    (figure,) = assessment.all_figures()
    assert (figure.rank, figure.rank_of) == (2, 2)
    text = _finding(assessment, ".neighbours")
    assert "had the highest value of 2 areas" in text
    assert "significantly higher than Cambridgeshire (306 per 100,000)" in text


FIVE = [fy(y) for y in range(2017, 2022)]


def test_rising_series_with_tight_limits_is_increasing_and_getting_worse():
    # Values 100..180 with 95% half-width 5 (SE 2.55): the weighted slope is 20 per period
    # with SE 2.55/sqrt(10) = 0.81, chi-square ~ 615 >> 9.55; every leave-one-out slope rises.
    ind = indicator(polarity="low_is_good")
    values = [100.0, 120.0, 140.0, 160.0, 180.0]
    records = rows(
        ind,
        AREA,
        FIVE,
        value=values,
        lower=[v - 5 for v in values],
        upper=[v + 5 for v in values],
    ) + rows(ind, ENGLAND, FIVE, value=150.0)
    assessment = _build(ind, records)
    assert assessment.all_figures()[0].trend == "Increasing and getting worse"
    assert _finding(assessment, ".trend") == (
        "Adults in drug treatment in Peterborough was increasing and getting worse over the "
        "last five periods: 100 per 100,000 in 2017/18 and 180 per 100,000 in 2021/22."
    )


def test_flat_series_is_no_significant_change():
    ind = indicator()
    values = [150.0, 152.0, 149.0, 151.0, 150.0]
    records = rows(
        ind,
        AREA,
        FIVE,
        value=values,
        lower=[v - 20 for v in values],
        upper=[v + 20 for v in values],
    ) + rows(ind, ENGLAND, FIVE, value=150.0)
    text = _finding(_build(ind, records), ".trend")
    assert text.startswith("There was no significant change in adults in drug treatment")


def test_small_count_is_suppressed_and_its_rate_hidden():
    # NDTMS preset: counts below 5 are shown as "*"; the rate built on 3 is hidden too.
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=1.8, lower=0.4, upper=5.4, count=3, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records)
    (figure,) = assessment.all_figures()
    assert figure.suppressed and figure.value is None and figure.count is None
    assert figure.display_value == "*"
    assert "suppressed" in _finding(assessment, ".england")
    assert [g.reason for g in assessment.data_gaps] == ["suppressed"]


def test_hes2018_rounds_published_counts_to_five():
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=705.0, lower=665.0, upper=747.0, count=1147, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records, suppression="hes2018")
    assert assessment.all_figures()[0].count == 1145
    assert "had 1,145 adults" in _finding(assessment, ".england")


@pytest.mark.parametrize(
    ("value", "unit", "value_type", "expected"),
    [
        (705.2, "per 100,000", "crude_rate", "705"),
        (6.14, "per 100,000", "dsr", "6.1"),
        (12345.6, "per 100,000", "dsr", "12,346"),
        (80.2, "%", "proportion", "80"),
        (5.24, "%", "proportion", "5.2"),
        (1147.0, "count", "count", "1,147"),
        (1.0234, "", "ratio", "1.02"),
        (None, "%", "proportion", "-"),
    ],
)
def test_number_formatting(value, unit, value_type, expected):
    assert format_number(value, unit, value_type) == expected


def test_count_formatting_rounds_estimates_to_whole_people():
    assert format_count(5774.6) == "5,775"
    assert format_count(None) == "-"
