"""Disclosure control: presets, secondary suppression, totals, and the no-recovery property."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dana.stats import StatsInputError, suppress


def _table():
    return pd.DataFrame(
        {
            "area": ["A"] * 4 + ["B"] * 4,
            "cat": ["x", "y", "z", "Total"] * 2,
            "count": [3, 10, 20, 33, 8, 9, 30, 47],
        }
    )


def test_ndtms_primary_and_secondary_with_total_row():
    # A: x = 3 < 5 is primary; alone it is recoverable as 33 - 10 - 20, so the smallest
    # other part (y = 10) is hidden too. B has nothing below 5.
    out = suppress(_table(), by="area", total={"cat": "Total"})
    assert out["suppressed"].tolist() == [True, True, False, False, False, False, False, False]
    assert out["suppression_reason"].tolist() == ["primary", "secondary"] + [""] * 6
    assert out["count_display"].tolist() == ["*", "*", "20", "33", "8", "9", "30", "47"]
    assert np.isnan(out["count"].iloc[:2]).all()
    assert list(out.columns) == [
        "area",
        "cat",
        "count",
        "suppressed",
        "suppression_reason",
        "count_display",
    ]


def test_hes2018_suppresses_1_to_7_and_rounds_the_rest_to_5():
    df = pd.DataFrame({"count": [0, 1, 7, 8, 12, 13, 47]})
    out = suppress(df, rule="hes2018")
    # 0 is not suppressed (rounds to 0); 1 and 7 suppressed; 8 -> 10, 12 -> 10, 13 -> 15, 47 -> 45
    assert out["count_display"].tolist() == ["0", "*", "*", "10", "10", "15", "45"]
    assert out["suppression_reason"].tolist() == ["", "primary", "primary", "", "", "", ""]


def test_lape_keeps_zero_and_applies_secondary():
    # parts 0, 4, 6, 11 (group total 21 published elsewhere): 4 is primary (1-5, not 0);
    # secondary prefers the smallest non-zero published part (6) over the 0
    df = pd.DataFrame({"g": ["a"] * 4, "count": [0, 4, 6, 11]})
    out = suppress(df, rule="lape", by="g")
    assert out["suppression_reason"].tolist() == ["", "primary", "secondary", ""]
    assert out["count_display"].tolist() == ["0", "*", "*", "10"]


def test_suppressed_total_is_protected_too():
    # group a: the total row (3) is primary while both parts (40, 50) are shown, so the
    # total is recoverable as 40 + 50: the smallest part (40) is hidden as well.
    # group b: nothing small, nothing hidden.
    df = pd.DataFrame(
        {
            "g": ["a", "a", "a", "b", "b", "b"],
            "is_total": [False, False, True, False, False, True],
            "count": [40, 50, 3, 30, 60, 90],
        }
    )
    out = suppress(df, rule=None, max_suppressed=5, by="g", total="is_total")
    assert out["suppression_reason"].tolist() == ["secondary", "", "primary", "", "", ""]


def test_two_way_table_iterates_across_groupings():
    # rows: areas A, B and England (the parent); columns: categories x, y and Total
    counts = {
        ("A", "x"): 2, ("A", "y"): 20, ("A", "Total"): 22,
        ("B", "x"): 15, ("B", "y"): 25, ("B", "Total"): 40,
        ("England", "x"): 17, ("England", "y"): 45, ("England", "Total"): 62,
    }  # fmt: skip
    df = pd.DataFrame([{"area": a, "cat": c, "count": v} for (a, c), v in counts.items()])
    out = suppress(df, by=[["area"], ["cat"]], total={"cat": "Total", "area": "England"})
    hidden = set(
        zip(out.loc[out["suppressed"], "area"], out.loc[out["suppressed"], "cat"], strict=True)
    )
    # (A,x) primary; row A needs (A,y); column x needs (B,x); then row B needs (B,y)
    assert hidden == {("A", "x"), ("A", "y"), ("B", "x"), ("B", "y")}
    _assert_no_lone_hidden(out, [["area"], ["cat"]], {"cat": "Total", "area": "England"})


def _assert_no_lone_hidden(out, partitions, total):
    for keys in partitions:
        for _, group in out.groupby(keys):
            hidden = int(group["suppressed"].sum())
            assert hidden != 1, f"lone suppressed cell in {keys}: {group}"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["ndtms", "lape"]),
)
def test_no_group_with_a_total_has_a_lone_suppressed_cell(groups, rule):
    rows = []
    for g, parts in enumerate(groups):
        rows += [{"g": g, "cat": f"c{i}", "count": v} for i, v in enumerate(parts)]
        rows.append({"g": g, "cat": "Total", "count": sum(parts)})
    df = pd.DataFrame(rows)
    out = suppress(df, rule=rule, by="g", total={"cat": "Total"})
    assert len(out) == len(df)  # never drops rows
    primary = out["suppression_reason"] == "primary"
    # the published rules, stated here: NDTMS hides 0 to 4 ("below 5", 0 included), LAPE
    # hides 1 to 5 ("5 or less but not including 0") and rounds the rest to 5
    hidden_counts = {"ndtms": range(0, 5), "lape": range(1, 6)}[rule]
    assert (primary == df["count"].isin(hidden_counts)).all()
    _assert_no_lone_hidden(out, [["g"]], {"cat": "Total"})
    assert out.loc[out["suppressed"], "count"].isna().all()
    # published counts are the originals, or rounded to the nearest 5 (lape): 8 -> 10
    shown = ~out["suppressed"]
    original = df.loc[shown, "count"]
    if rule == "lape":
        original = np.floor(original / 5 + 0.5) * 5
    assert (out.loc[shown, "count"] == original).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=0, max_size=40),
    st.sampled_from(["ndtms", "hes2018", "lape"]),
    st.booleans(),
)
def test_whole_number_counts_publish_the_same_as_the_same_counts_as_floats(counts, rule, sort):
    # integer counts take a table path, float counts a hash path: the same published
    # table either way (the display categories may be in another order)
    counts = sorted(counts) if sort else counts
    frame = pd.DataFrame({"g": [i % 3 for i in range(len(counts))], "count": counts})
    whole = suppress(frame.astype({"count": "int64"}), rule=rule, by="g")
    floats = suppress(frame.astype({"count": "float64"}), rule=rule, by="g")
    for column in ("suppressed", "suppression_reason", "count_display"):
        assert whole[column].astype(str).tolist() == floats[column].astype(str).tolist()
    np.testing.assert_array_equal(whole["count"].to_numpy(), floats["count"].to_numpy())


def test_whole_number_display_lists_the_values_shown_in_order_then_the_mark():
    out = suppress(pd.DataFrame({"count": [47, 8, 3, 13, 8]}), rule="hes2018")
    # 47 -> 45, 8 -> 10, 3 hidden, 13 -> 15: categories ascending, then "*"
    assert list(out["count_display"].cat.categories) == ["10", "15", "45", "*"]
    assert out["count"].tolist()[:2] == [45.0, 10.0] and np.isnan(out["count"].iloc[2])


def test_bad_input_names_the_row():
    with pytest.raises(StatsInputError, match="count -1 at row 1 is negative"):
        suppress(pd.DataFrame({"count": [3, -1]}))
    with pytest.raises(StatsInputError, match="count 'ten' at row 0 is not a number"):
        suppress(pd.DataFrame({"count": ["ten", "3"]}))
    with pytest.raises(StatsInputError, match="count nan at row 0 is missing"):
        suppress(pd.DataFrame({"count": [np.nan, 3.0]}))
    with pytest.raises(StatsInputError, match="rule must be one of"):
        suppress(pd.DataFrame({"count": [1]}), rule="strict")
    df = pd.DataFrame({"g": ["a", "a"], "t": [True, True], "count": [4, 4]})
    with pytest.raises(StatsInputError, match="group g='a' has 2 total rows"):
        suppress(df, by="g", total="t")
    with pytest.raises(StatsInputError, match="max_suppressed"):
        suppress(pd.DataFrame({"count": [1]}), rule=None)


def test_ndtms_publishes_5_and_hides_4():
    # NDTMS: "cells below 5" are suppressed. A count of 5 is published, 4 is not; with no
    # total row there is no relation to protect, so nothing else is hidden.
    out = suppress(pd.DataFrame({"count": [4, 5, 6]}), rule="ndtms", secondary=False)
    assert out["count_display"].tolist() == ["*", "5", "6"]
    assert out["suppressed"].tolist() == [True, False, False]


def test_hes_publishes_8_and_lape_publishes_6():
    # HES 2018: 1 to 7 suppressed, 8 published (rounded to 10); LAPE: 1 to 5, 6 -> 5
    hes = suppress(pd.DataFrame({"count": [7, 8]}), rule="hes2018")
    assert hes["count_display"].tolist() == ["*", "10"]
    lape = suppress(pd.DataFrame({"count": [5, 6]}), rule="lape", secondary=False)
    assert lape["count_display"].tolist() == ["*", "5"]


def test_infinite_count_is_an_error_not_inf():
    with pytest.raises(StatsInputError, match="count inf at row 1 is infinite"):
        suppress(pd.DataFrame({"count": [3.0, np.inf]}))


def test_resolve_rule_states_the_presets():
    from dana.stats import Rule, resolve_rule

    assert resolve_rule("ndtms") == Rule(4, True, None, True)
    assert resolve_rule("hes2018") == Rule(7, False, 5, False)
    assert resolve_rule("lape") == Rule(5, False, 5, True)
    assert resolve_rule("lape", round_to=0, secondary=False) == Rule(5, False, None, False)
    assert resolve_rule(None, max_suppressed=9) == Rule(9, False, None, True)
    with pytest.raises(StatsInputError, match="max_suppressed must be a finite number"):
        resolve_rule(None, max_suppressed=float("inf"))


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        (
            {"rule": "ndtms"},
            "Counts of 0 to 4 are suppressed and shown as * (NDTMS public reporting rule). "
            "Secondary suppression hides a further count wherever a hidden one could be "
            "worked out from a total.",
        ),
        (
            {"rule": "ndtms", "secondary": False},
            "Counts of 0 to 4 are suppressed and shown as * (NDTMS public reporting rule). "
            "No secondary suppression was applied: each figure is shown on its own, with no "
            "total it could be subtracted from.",
        ),
        (
            {"rule": "hes2018"},
            "Counts of 1 to 7 are suppressed and shown as * (NHS Digital HES and ECDS rule, "
            "September 2018); other counts are rounded to the nearest 5, and rates and "
            "intervals are calculated on the unrounded counts. Rounding, not secondary "
            "suppression, protects the other counts.",
        ),
        (
            {"rule": "lape", "max_suppressed": 9},
            "Counts of 1 to 9 are suppressed and shown as * (adapted from the Local Alcohol "
            "Profiles for England rule); other counts are rounded to the nearest 5, and "
            "rates and intervals are calculated on the unrounded counts. Secondary "
            "suppression hides a further count wherever a hidden one could be worked out "
            "from a total.",
        ),
        (
            {"rule": None, "max_suppressed": 3, "round_to": 10},
            "Counts of 1 to 3 are suppressed and shown as *; other counts are rounded to "
            "the nearest 10, and rates and intervals are calculated on the unrounded "
            "counts. Secondary suppression hides a further count wherever a hidden one "
            "could be worked out from a total.",
        ),
        ({"rule": None}, "No disclosure control was applied to counts."),
    ],
)
def test_describe_rule_says_what_was_applied(kwargs, text):
    from dana.stats import describe_rule

    assert describe_rule(**kwargs) == text
