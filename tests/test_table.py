"""The central contract: the tidy indicator table and its validation."""

import numpy as np
import pandas as pd
import pytest

from dana import table


def _rows(**changes):
    base = {
        "indicator_id": ["92432", "92432"],
        "area_code": ["E06000031", "E92000001"],
        "area_type": ["utla", "england"],
        "period": ["2021 - 23", "2021 - 23"],
        "period_sort": [20210000, 20210000],
        "count": [30.0, 4500.0],
        "denominator": [600000.0, 170000000.0],
        "value": [5.1, 5.2],
        "lower_95": [3.4, 5.0],
        "upper_95": [7.3, 5.4],
        "value_type": ["dsr", "dsr"],
        "multiplier": [100000.0, 100000.0],
        "source": ["test", "test"],
    }
    base.update(changes)
    return pd.DataFrame(base)


def test_coerce_fills_defaults_orders_columns_and_validates():
    frame = table.validate(table.coerce(_rows()))
    assert list(frame.columns) == list(table.COLUMNS)
    assert frame.loc[0, "sex"] == "Persons" and frame.loc[0, "age"] == "All ages"
    assert frame.loc[0, "category"] == "" and np.isnan(frame.loc[0, "lower_99_8"])


def test_missing_required_and_unknown_columns_are_named():
    with pytest.raises(
        table.IndicatorTableError, match=r"missing required column\(s\): \['period_sort'\]"
    ):
        table.coerce(_rows().drop(columns="period_sort"))
    with pytest.raises(table.IndicatorTableError, match=r"unknown column\(s\): \['notes'\]"):
        table.coerce(_rows(notes=["a", "b"]))


def test_every_problem_is_reported_with_its_row_column_and_where():
    bad = table.coerce(
        _rows(
            area_code=["E06000031", "X1"],
            count=[-1.0, 4500.0],
            lower_95=[8.0, 5.0],
        )
    )
    with pytest.raises(table.IndicatorTableError) as err:
        table.validate(bad, where="police.csv")
    message = str(err.value)
    assert message.startswith("police.csv: ")
    assert "row 1: column 'area_code'" in message and "'X1'" in message
    assert "row 0: column 'count'" in message
    assert "row 0: lower_95 above upper_95" in message
    assert message.count("lower_95 above upper_95") == 1  # once per row, not once per column
    assert "3 problem(s)" in message


def test_count_above_denominator_is_an_error_only_for_proportions():
    over = {"count": [700.0, 4500.0], "denominator": [600.0, 170000000.0]}
    table.validate(table.coerce(_rows(**over)))  # a rate may exceed its denominator's units
    with pytest.raises(table.IndicatorTableError, match="count above denominator"):
        table.validate(
            table.coerce(
                _rows(**over, value_type=["proportion", "proportion"], multiplier=[100.0, 100.0])
            )
        )


def test_duplicate_keys_are_an_error_not_silently_merged():
    twice = table.coerce(_rows(area_code=["E06000031", "E06000031"], area_type=["utla", "utla"]))
    with pytest.raises(table.IndicatorTableError, match="row 1: duplicate key"):
        table.validate(twice)
    with pytest.raises(table.IndicatorTableError):
        table.concat([table.coerce(_rows()), table.coerce(_rows())])
