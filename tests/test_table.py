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


# One table per rule of the contract, each breaking only that rule in row 1: the quick
# check that lets a sound table through without pandera must send every one of them to
# the full validation, which names the row and column.
BROKEN_ONE_RULE = {
    "empty indicator id": ("indicator_id", "", "str_length"),
    "area code not GSS": ("area_code", "E0600003", "str_matches"),
    "area code with a letter": ("area_code", "E0600003X", "str_matches"),
    "unknown area type": ("area_type", "county", "isin"),
    "empty period": ("period", "", "str_length"),
    "unknown sex": ("sex", "All", "isin"),
    "negative count": ("count", -1.0, "greater_than_or_equal_to"),
    "negative denominator": ("denominator", -5.0, "greater_than_or_equal_to"),
    "unknown polarity": ("polarity", "up", "isin"),
    "unknown value type": ("value_type", "percentage", "isin"),
    "zero multiplier": ("multiplier", 0.0, "greater_than"),
    "empty source": ("source", "", "str_length"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ONE_RULE))
def test_each_broken_rule_is_named_with_its_row_and_column(case):
    column, value, check = BROKEN_ONE_RULE[case]
    frame = table.coerce(_rows())
    frame.loc[1, column] = value
    with pytest.raises(table.IndicatorTableError) as err:
        table.validate(frame, where="t.csv")
    message = str(err.value)
    assert f"row 1: column {column!r} failed" in message and check in message
    assert "1 problem(s)" in message


def test_a_missing_text_value_or_a_wrong_dtype_goes_to_the_full_check():
    missing = table.coerce(_rows())
    missing.loc[1, "area_name"] = np.nan  # text columns are never null
    with pytest.raises(table.IndicatorTableError, match="row 1: column 'area_name'"):
        table.validate(missing)
    as_float = table.coerce(_rows()).astype({"period_sort": float})
    with pytest.raises(table.IndicatorTableError, match="period_sort"):
        table.validate(as_float)
    reordered = table.coerce(_rows())[list(reversed(table.COLUMNS))]
    with pytest.raises(table.IndicatorTableError):
        table.validate(reordered)
    # text held as Python objects is not the quick check's dtype, but the contract allows it
    objects = table.coerce(_rows()).astype({"area_name": object})
    assert table.validate(objects)["area_name"].tolist() == ["", ""]


def test_a_sound_table_is_returned_equal_and_unchanged():
    frame = table.coerce(_rows())
    checked = table.validate(frame)
    pd.testing.assert_frame_equal(checked, frame)
    checked.loc[0, "value"] = 99.0  # the result is a new frame: the input is untouched
    assert frame.loc[0, "value"] == 5.1
    # and the schema the quick check stands in for agrees that it is sound
    pd.testing.assert_frame_equal(table.SCHEMA.validate(frame), frame)


def test_a_count_type_figure_with_no_count_counts_by_its_value():
    """Coventry's "almost 1800 in treatment" is a count printed as the value; a share's
    missing count stays missing, and a given count is kept."""
    rows = pd.DataFrame(
        {
            "value_type": ["count", "proportion", "count"],
            "count": [np.nan, np.nan, 12.0],
            "value": [1800.0, 15.0, 12.0],
        }
    )
    counts = table.counts_of(rows)
    assert counts.iloc[0] == 1800 and np.isnan(counts.iloc[1]) and counts.iloc[2] == 12


@pytest.mark.parametrize("order", ["contiguous", "interleaved"])
def test_split_rows_gives_what_groupby_gives(order):
    # blocks already contiguous are sliced; interleaved ones are gathered
    keys = (
        ["b", "b", "a", "a", "a", "c"] if order == "contiguous" else ["b", "a", "b", "c", "a", "a"]
    )
    frame = pd.DataFrame(
        {"indicator_id": pd.array(keys, dtype="str"), "value": np.arange(6.0)},
        index=np.arange(10, 16),
    )
    blocks = table.split_rows(frame, "indicator_id")
    expected = dict(tuple(frame.groupby("indicator_id", sort=False)))
    assert list(blocks) == list(expected) == list(dict.fromkeys(keys))
    for key, rows in expected.items():
        pd.testing.assert_frame_equal(blocks[key], rows)
    # "c" is one run in both orders: its rows are the frame's own, not a copy
    assert np.shares_memory(blocks["c"]["value"].to_numpy(), frame["value"].to_numpy())
    assert table.split_rows(frame.iloc[0:0], "indicator_id") == {}


def test_one_chunk_joins_a_stacked_tables_text_columns_and_keeps_every_value():
    from dana.table import one_chunk

    first = pd.DataFrame({"area": ["E1", "E2"], "value": [1.0, 2.0]}).astype({"area": "str"})
    second = pd.DataFrame({"area": ["E3"], "value": [np.nan]}).astype({"area": "str"})
    stacked = pd.concat([first, second], ignore_index=True)
    assert stacked["area"].array.__arrow_array__().num_chunks == 2
    joined = one_chunk(stacked)
    assert joined["area"].array.__arrow_array__().num_chunks == 1
    pd.testing.assert_frame_equal(joined, stacked)
    assert stacked["area"].array.__arrow_array__().num_chunks == 2  # the input is untouched
    assert one_chunk(joined) is joined  # nothing to join: the same frame back
