"""Findings in words, checked against the intervals that justify them."""

from __future__ import annotations

import pytest
from _tables import AREA, ENGLAND, NEIGHBOUR, REGION, Catalogue, fy, indicator, make_table, rows

from dana.assess import build_assessment, comparison_phrase
from dana.assess.config import AssessmentConfig
from dana.assess.findings import rank_sentence, tally_sentence
from dana.formatting import format_count, format_number

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


def _finding(assessment, finding_id="drug_treatment.test_rate"):
    """The one paragraph of an indicator (id ``<section>.<slug>``)."""
    (found,) = [f for f in assessment.all_findings() if f.id == finding_id]
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
    text = _finding(assessment)
    assert "similar to England (457)" in text
    assert "higher" not in text and "lower" not in text and "significantly" not in text


def test_interval_wholly_above_england_is_significantly_higher():
    # Seed 000: Peterborough 1,147 adults in drug treatment, 705 per 100,000 aged 18+,
    # England 457. Byar 95% limits for 1,147 events on 162,695 adults are 665-747
    # (dana.data.default derives them the same way); 665 > 457, so higher.
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=705.0, lower=665.0, upper=747.0, count=1147, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records)
    assert [f.id for f in assessment.all_findings()] == ["drug_treatment.test_rate"]
    # one period, no comparators: no rank and no trend sentence, nothing about either
    assert _finding(assessment) == (
        "Peterborough had 1,147 adults in drug treatment in 2021/22, a rate of 705 per 100,000 "
        "aged 18+ (95% CI 665 to 747): significantly higher than England (457)."
    )


@pytest.mark.parametrize(
    ("polarity", "lower", "upper", "expected"),
    [
        (
            "high_is_good",
            665.0,
            747.0,
            "significantly higher than England (457), which is better",
        ),
        (
            "low_is_good",
            665.0,
            747.0,
            "significantly higher than England (457), which is worse",
        ),
        (
            "low_is_good",
            300.0,
            400.0,
            "significantly lower than England (457), which is better",
        ),
        (
            "high_is_good",
            300.0,
            400.0,
            "significantly lower than England (457), which is worse",
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
    assert expected in _finding(assessment)
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
    assert "similar to England" in _finding(assessment)
    assert "99.8% CI 450 to 530" in _finding(assessment)
    assert "significantly" not in _finding(assessment)
    # the config can force 95% for every indicator
    forced = _build(ind, records, confidence=0.95)
    assert "significantly higher than England" in _finding(forced)


def test_no_interval_means_not_compared():
    ind = indicator()
    records = rows(ind, AREA, PERIOD, value=705.0) + rows(ind, ENGLAND, PERIOD, value=457.0)
    text = _finding(_build(ind, records))
    assert text == (
        "Adults in drug treatment in Peterborough was 705 per 100,000 aged 18+ in 2021/22. "
        "It is not compared with England (457) because it has no confidence interval."
    )


def test_untested_indicator_says_nothing_about_england():
    # A population count is not benchmarked: no "not compared" clause, no trend sentence.
    ind = indicator(
        "ons:population",
        short_name="Population",
        value_type="count",
        unit="count",
        comparison="none",
        section="context",
    )
    records = rows(ind, AREA, PERIOD, value=243231.0) + rows(ind, ENGLAND, PERIOD, value=5.7e7)
    assessment = _build(ind, records, sections=["population"])
    assert _finding(assessment, "context.population") == (
        "Population in Peterborough was 243,231 in 2021/22."
    )


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
        f for f in assessment.all_findings() if f.id == "alcohol_treatment.unmet_need_alcohol"
    ]
    assert finding.text == (
        "An estimated 80% of dependent drinkers in Peterborough were not in treatment in "
        "2021/22 (95% CI 77% to 83%): similar to England (80%)."
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
    text = _finding(assessment)
    # one comparator: the test against it says all a rank of 2 would, so no rank is given
    assert "significantly higher than England (457) and Cambridgeshire (306)." in text
    assert "ranked" not in text and "highest" not in text


def test_benchmarks_with_different_results_are_joined_with_but():
    # 498 (468-529), low is good: below England's 612 (better), above the region's 422
    # (worse), and the interval contains the neighbours' mean 500 (similar).
    ind = indicator(polarity="low_is_good")
    other = ("E06000032", "Luton", "utla", "E12000006")
    records = (
        rows(ind, AREA, PERIOD, value=498.0, lower=468.0, upper=529.0)
        + rows(ind, NEIGHBOUR, PERIOD, value=450.0, lower=430.0, upper=470.0)
        + rows(ind, other, PERIOD, value=550.0, lower=530.0, upper=570.0)
        + rows(ind, REGION, PERIOD, value=422.0)
        + rows(ind, ENGLAND, PERIOD, value=612.0)
    )
    assessment = _build(
        ind,
        records,
        comparators={"england": True, "region": True, "neighbours": ["Cambridgeshire", "Luton"]},
    )
    assert _finding(assessment) == (
        "Adults in drug treatment in Peterborough was 498 per 100,000 aged 18+ in 2021/22 "
        "(95% CI 468 to 529): significantly lower than England (612), which is better; "
        "significantly higher than the East of England region (422), which is worse; and "
        "similar to the average of its 2 comparator areas (500). "
        "It ranked 2nd best of the 3 areas in its comparator group."
    )


@pytest.mark.parametrize(
    ("value", "others", "polarity", "expected"),
    [
        # 12 of 15 others lower, 3 higher, low is good: 13th best = 4th worst of 16
        (498.0, [400.0] * 12 + [600.0] * 3, "low_is_good", "It ranked 4th worst of the 16"),
        # the same values, high is good: 4th best
        (498.0, [400.0] * 12 + [600.0] * 3, "high_is_good", "It ranked 4th best of the 16"),
        # no polarity: position only
        (498.0, [400.0] * 12 + [600.0] * 3, "no_judgement", "It had the 4th highest value"),
        (100.0, [200.0, 300.0, 400.0], "low_is_good", "It was the best of the 4"),
        (100.0, [200.0, 300.0, 400.0], "no_judgement", "It had the lowest value of the 4"),
        # tied with one other for the 2nd lowest of 5 (one lower, two higher)
        (10.0, [5.0, 10.0, 20.0, 30.0], "low_is_good", "It ranked joint 2nd best of the 5"),
    ],
)
def test_rank_wording_respects_polarity_and_ties(value, others, polarity, expected):
    assert rank_sentence(value, others, polarity).startswith(expected)


def test_no_rank_among_fewer_than_three_areas():
    assert rank_sentence(10.0, [5.0], "low_is_good") == ""


def test_tally_counts_each_category():
    assert tally_sentence({"better": 4, "similar": 7, "worse": 2}, untested=1) == (
        "Of the 13 indicators tested against England, 4 were significantly better, 7 similar "
        "and 2 significantly worse. 1 more is shown for context, without a significance test."
    )
    assert tally_sentence({"similar": 1, "lower": 1}) == (
        "Of the 2 indicators tested against England, 1 was similar and 1 significantly lower "
        "(this has no better or worse direction)."
    )
    assert tally_sentence({"similar": 2}) == "Both indicators tested against England were similar."


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
    assessment = _build(ind, records, sections=["introduction", "drugs"])
    assert assessment.all_figures()[0].trend == "Increasing and getting worse"
    assert _finding(assessment).endswith(
        "It was increasing and getting worse over the last five periods "
        "(100 in 2017/18, 180 in 2021/22)."
    )
    # the key findings list it as worse and getting worse: 180 (95% CI 175 to 185) is wholly
    # above England's 150, and low is good
    summary = {f.id: f.text for f in assessment.all_findings() if f.id.startswith("summary.")}
    assert summary["summary.worse.test_rate"] == (
        "Worse than England and getting worse: Adults in drug treatment was 180 per 100,000 "
        "aged 18+ in 2021/22, significantly higher than England (150), which is worse, and was "
        "increasing and getting worse over the last five periods (100 in 2017/18, 180 in "
        "2021/22)."
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
    text = _finding(_build(ind, records))
    assert text.endswith(
        "There was no significant change over the last five periods (150 in 2017/18, "
        "150 in 2021/22)."
    )
    assert "increasing" not in text and "decreasing" not in text


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
    text = _finding(assessment)
    assert "suppressed" in text and "1.8" not in text and "England" not in text
    assert text.startswith("The figure for ") and " is not shown: it is based on a small" in text
    assert not any(ch.isdigit() for ch in text.replace("2021/22", ""))  # no count, no rate
    assert [g.reason for g in assessment.data_gaps] == ["suppressed"]


def test_hes2018_rounds_published_counts_to_five():
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=705.0, lower=665.0, upper=747.0, count=1147, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records, suppression="hes2018")
    assert assessment.all_figures()[0].count == 1145
    assert "had 1,145 adults" in _finding(assessment)


@pytest.mark.parametrize(("count", "shown"), [(7, None), (0, 0), (8, 10), (1147, 1145)])
def test_custom_threshold_hides_one_to_threshold_not_zero_and_rounds_the_rest(count, shown):
    # threshold 7, round_to 5: 1..7 hidden, 0 published (as config.describe says),
    # 8 -> 10 and 1,147 -> 1,145 (nearest multiple of 5)
    ind = indicator()
    records = rows(
        ind, AREA, PERIOD, value=count / 1000, lower=0.0, upper=2.0, count=count, denom=162695
    ) + rows(ind, ENGLAND, PERIOD, value=457.0)
    assessment = _build(ind, records, suppression={"threshold": 7, "round_to": 5})
    (figure,) = assessment.all_figures()
    assert figure.count == shown and figure.suppressed == (shown is None)


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


def test_display_value_is_the_figure_written_by_the_one_rule():
    # 705.2 per 100,000 is written "705" (whole from 100, the seeds' "705 per 100,000"),
    # in the sentence and in Figure.display_value, which every renderer prints.
    ind = indicator()
    records = rows(ind, AREA, PERIOD, value=705.2, lower=664.0, upper=747.0) + _england()
    assessment = _build(ind, records)
    (figure,) = assessment.all_figures()
    assert figure.display_value == "705"
    assert "was 705 per 100,000 aged 18+ in 2021/22 (95% CI 664 to 747)" in _finding(assessment)


def test_comparison_phrase_takes_the_figure_first():
    # 705 (95% CI 664-747) against England 457: the interval lies wholly above, and the
    # indicator has no polarity, so "significantly higher"; named as the caller asks.
    ind = indicator()
    records = rows(ind, AREA, PERIOD, value=705.2, lower=664.0, upper=747.0) + _england()
    (figure,) = _build(ind, records).all_figures()
    england = figure.benchmark("England")
    assert comparison_phrase(figure, england) == "significantly higher than England (457)"
    assert comparison_phrase(figure, england, name="the national rate") == (
        "significantly higher than the national rate (457)"
    )
