"""The one number-writing rule (dana.formatting), against the seeds' own printed forms."""

import math

import pytest

from dana.formatting import decimals_for, format_count, format_level, format_number, format_unit


@pytest.mark.parametrize(
    ("value", "unit", "value_type", "written"),
    [
        (705.23, "per 100,000", "crude_rate", "705"),  # C&P: "705 per 100,000"
        (6.14, "per 100,000", "dsr", "6.1"),
        (99.96, "per 100,000", "dsr", "100.0"),  # below 100 before rounding: 1 decimal
        (80.4, "%", "proportion", "80"),  # "80% of people in need ... not accessing them"
        (5.23, "%", "proportion", "5.2"),  # "5.2% of households"
        (1.0215, "", "ratio", "1.02"),  # Bedford table 8: SMR 1.02
        (1147.0, "count", "count", "1,147"),  # "1,147 in Peterborough"
        (-17.5, "% change", "ratio", "-17.5"),  # "a reduction of 17.5%"
        (-0.01, "%", "proportion", "0.0"),  # never "-0.0"
        (None, "%", "proportion", "-"),
        (math.nan, "%", "proportion", "-"),
    ],
)
def test_numbers_as_the_seeds_print_them(value, unit, value_type, written):
    assert format_number(value, unit, value_type) == written


def test_an_interval_takes_the_headline_precision():
    places = decimals_for(8.6, "%", "proportion")
    assert (places, format_number(12.04, "%", "proportion", decimals=places)) == (1, "12.0")


def test_units_counts_and_levels():
    assert format_unit("80", "%") == "80%"
    assert format_unit("-3.5", "% change") == "-3.5%"
    assert format_unit("705", "per 100,000") == "705 per 100,000"
    assert format_unit("*", "%") == "*"
    assert format_count(5774.6) == "5,775"
    assert (format_level(0.95), format_level(0.998)) == ("95%", "99.8%")
