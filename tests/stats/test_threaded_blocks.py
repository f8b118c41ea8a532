"""The threaded, fused proportion path equals the plain formula on every row.

Large inputs are split between threads in blocks of whole cache blocks
(``dana.stats._blocks``), integer columns are converted and checked inside the Wilson
pass, and grouped sums are added up block by block. These tests compare that path with
the Wilson formula written out on whole arrays (Wilson 1927; Fingertips technical
guidance, "Proportions") and with pandas' own group sums, at sizes just below and above
the threading threshold and around the block boundaries, and check that a bad row in a
late block is still named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dana.stats import StatsInputError, proportion, rate
from dana.stats import _blocks as blocks
from dana.stats._blocks import BLOCK_ROWS, THREADED_ROWS

Z95 = 1.959963984540054  # the 0.975 normal quantile

SIZES = [
    1,
    BLOCK_ROWS - 1,
    BLOCK_ROWS,
    BLOCK_ROWS + 1,
    THREADED_ROWS - 1,
    THREADED_ROWS,
    THREADED_ROWS + 1,
    3 * THREADED_ROWS + BLOCK_ROWS // 2,
]


def plain_wilson(x, n, multiplier=100.0):
    """The textbook formula on whole float arrays, as printed in the guidance."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    z2 = Z95 * Z95
    root = Z95 * np.sqrt(z2 + 4 * x * (1 - x / n))
    denominator = 2 * (n + z2)
    lower = (2 * x + z2 - root) / denominator * multiplier
    upper = (2 * x + z2 + root) / denominator * multiplier
    return x / n * multiplier, lower, upper


def _counts(seed: int, size: int):
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 5_000, size)
    x = rng.binomial(n, rng.uniform(0, 1))
    x[: min(3, size)] = 0  # the edge rules: x = 0 and x = n exact
    x[-min(3, size) :] = n[-min(3, size) :]
    return x, n


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


@pytest.fixture(autouse=True)
def idle_machine(monkeypatch):
    """Take the threaded path whatever the machine's load, so it is what is tested."""
    monkeypatch.setattr(blocks, "idle_cores", lambda: 4.0)


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(SIZES), st.integers(0, 2**32 - 1), st.sampled_from(["int", "float"]))
def test_ungrouped_equals_the_plain_formula(size, seed, kind):
    x, n = _counts(seed, size)
    if kind == "float":
        x, n = x.astype(float), n.astype(float)
    out = proportion("x", "n", data=pd.DataFrame({"x": x, "n": n}))
    value, lower, upper = plain_wilson(x, n)
    _close(out["value"], value)
    _close(out["lower_95"], lower)
    _close(out["upper_95"], upper)
    assert (out["lower_95"][x == 0] == 0).all() and (out["upper_95"][x == n] == 100).all()
    assert out["count"].dtype == float and (out["count"].to_numpy() == x).all()


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(SIZES), st.integers(0, 2**32 - 1), st.sampled_from([1, 7, 40_000]))
def test_grouped_equals_pandas_sums_and_the_plain_formula(size, seed, rows_per_group):
    x, n = _counts(seed, size)
    rng = np.random.default_rng(seed)
    groups = np.sort(rng.integers(0, max(size // rows_per_group, 1), size))
    frame = pd.DataFrame({"g": groups, "x": x, "n": n})
    out = proportion("x", "n", data=frame, by="g")
    sums = frame.groupby("g")[["x", "n"]].sum()
    assert out["g"].tolist() == sums.index.tolist()
    assert (out["count"].to_numpy() == sums["x"].to_numpy()).all()
    assert (out["denominator"].to_numpy() == sums["n"].to_numpy()).all()
    value, lower, upper = plain_wilson(sums["x"], sums["n"])
    _close(out["value"], value)
    _close(out["lower_95"], lower)
    _close(out["upper_95"], upper)


@pytest.fixture(scope="module")
def large():
    x, n = _counts(7, 3 * THREADED_ROWS + 5)
    return pd.DataFrame({"area": np.arange(len(x)) // 3, "x": x, "n": n})


def test_threads_do_not_change_a_single_bit(large, monkeypatch):
    """Every row is computed by the same operations whichever thread does it."""
    pools = []
    real_pool = blocks._pool
    monkeypatch.setattr(blocks, "_pool", lambda: pools.append(real_pool()) or pools[-1])
    threaded = [
        proportion("x", "n", data=large),
        proportion("x", "n", data=large, by="area"),
        rate("x", "n", data=large),
    ]
    if blocks.thread_count() > 1:  # the threaded path really ran
        assert pools and all(pool is not None for pool in pools)
    monkeypatch.setattr(blocks, "THREADED_ROWS", 10**12)
    alone = [
        proportion("x", "n", data=large),
        proportion("x", "n", data=large, by="area"),
        rate("x", "n", data=large),
    ]
    for a, b in zip(threaded, alone, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("method", [proportion, rate])
def test_integer_and_float_columns_give_the_same_result(large, method):
    """Integer columns are converted block by block and summed as whole numbers."""
    as_float = large.astype({"x": float, "n": float})
    result = ["count", "denominator", "value", "lower_95", "upper_95", "method"]
    for by in (None, "area"):
        a = method("x", "n", data=large, by=by)[result]
        b = method("x", "n", data=as_float, by=by)[result]
        pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("x", np.inf, "proportion: x is infinite: row 300000"),
        ("n", np.nan, "proportion: n is missing (NaN): row 300000"),
        ("x", -1.0, "proportion: count x is negative: row 300000"),
        ("x", 10_000.0, "proportion: count x is greater than denominator n: row 300000"),
        ("n", 0.0, "proportion: count x is greater than denominator n: row 300000"),
    ],
)
def test_a_bad_row_in_a_late_block_is_named(large, column, value, message):
    bad = large.astype({"x": float, "n": float})
    bad.loc[300_000, column] = value
    bad.loc[300_000, "x" if column == "n" else "n"] = 5.0
    with pytest.raises(StatsInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        proportion("x", "n", data=bad)


def test_a_zero_denominator_in_a_late_block_is_named(large):
    bad = large.copy()
    bad.loc[300_000, ["x", "n"]] = 0
    with pytest.raises(StatsInputError, match="proportion: denominator is 0: row 300000"):
        proportion("x", "n", data=bad)
    # grouped, a row with n = 0 is fine while its group's total is not 0
    out = proportion("x", "n", data=bad, by="area")
    assert np.isfinite(out["value"]).all()


def test_grouped_bad_row_in_a_late_block_names_its_group(large):
    bad = large.copy()
    bad.loc[300_001, "x"] = bad.loc[300_001, "n"] + 1
    with pytest.raises(StatsInputError, match=r"group area=100000 \(row 300001\)"):
        proportion("x", "n", data=bad, by="area")


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32])
def test_whole_number_sums_fall_back_to_floats_when_they_might_not_be_exact(dtype):
    """Sums of whole numbers equal the float sums; near 2^53 they are done as floats."""
    big = 2**52 + 1 if dtype != np.int32 else 2**31 - 1
    frame = pd.DataFrame(
        {"g": [1, 1, 2, 2], "x": np.array([big, 3, 5, big], dtype), "n": np.array([big] * 4, dtype)}
    )
    as_float = frame.astype({"x": float, "n": float})
    a = proportion("x", "n", data=frame, by="g")
    b = proportion("x", "n", data=as_float, by="g")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert a["denominator"].tolist() == [float(big) + float(big)] * 2


def test_the_compiled_kernel_gives_numpy_s_result_bit_for_bit(large, monkeypatch):
    """With numba the large input takes the compiled loop; without it, numpy's blocks."""
    from dana.stats import _common, _compiled

    if _compiled.kernels() is None:
        pytest.skip("numba is not available (not installed, or DANA_NO_NUMBA set)")
    from dana.stats import _grouping

    used = []
    real = _compiled.kernels()
    for module in (_common, _grouping):
        monkeypatch.setattr(module, "kernels", lambda: used.append(1) or real)
    compiled = [proportion("x", "n", data=large, by=by) for by in (None, "area")]
    assert len(used) >= 3  # the Wilson loop, the run finder and the run sums ran
    for module in (_common, _grouping):
        monkeypatch.setattr(module, "kernels", lambda: None)
    plain = [proportion("x", "n", data=large, by=by) for by in (None, "area")]
    for a, b in zip(compiled, plain, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_unsorted_large_keys_give_the_sorted_result(large):
    """Rows out of key order are grouped by codes instead of runs: the same groups."""
    shuffled = large.sample(frac=1.0, random_state=3)
    a = proportion("x", "n", data=large, by="area")
    b = proportion("x", "n", data=shuffled, by="area")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
