"""Optional compiled kernels (numba) for the largest inputs: one pass over the rows.

numpy evaluates Wilson's limits as 22 array operations per block; a compiled loop does
the same operations row by row, reading each input once and writing each result once,
about three times faster on a million rows. The loop performs exactly the operations
of :func:`dana.stats._common._wilson_block` in the same order (no fast-math, no fused
multiply-add), so its results are bit for bit numpy's; a test checks it.

numba is optional (the ``fast`` extra): :func:`kernels` imports and compiles it on the
first call with at least :data:`~dana.stats._blocks.THREADED_ROWS` rows, never on
``import dana``, and returns None when numba is not installed, when the inputs are not
plain int64/float64 arrays, or when ``DANA_NO_NUMBA`` is set, so the numpy path runs.
The kernels release the GIL, so :func:`dana.stats._blocks.in_spans` shares the rows
between threads as it does numpy's blocks.
"""

from __future__ import annotations

import os
from functools import cache
from types import SimpleNamespace

import numpy as np

#: Input dtypes the compiled kernels are built for (others take the numpy path).
COMPILED_DTYPES = (np.dtype(np.int64), np.dtype(np.float64))


def usable(*arrays) -> bool:
    """True when every array is a contiguous int64 or float64 array."""
    return all(
        isinstance(a, np.ndarray) and a.dtype in COMPILED_DTYPES and a.flags.c_contiguous
        for a in arrays
    )


@cache
def kernels() -> SimpleNamespace | None:
    """The compiled kernels, or None when numba is not available (or turned off)."""
    if os.environ.get("DANA_NO_NUMBA"):
        return None
    try:
        import numba  # optional and slow to import: deferred to the first large input
    except ImportError:
        return None
    compiled = numba.njit(nogil=True, cache=False, fastmath=False, error_model="numpy")
    return SimpleNamespace(
        checked_wilson=compiled(_checked_wilson_rows),
        run_starts=compiled(_run_starts),
        checked_run_sums=compiled(_checked_run_sums),
    )


def _checked_wilson_rows(x, n, z, scale, count, denominator, value, lower, upper):
    """Row by row: float x and n, the input check, and :func:`_wilson_block`'s formula.

    Returns True when every row has ``0 <= x <= n``, ``0 < n`` and ``n`` finite.
    """
    z2 = z * z
    twice_scale = 2 * scale
    ok = True
    for i in range(x.shape[0]):
        c = float(x[i])
        d = float(n[i])
        count[i] = c
        denominator[i] = d
        if not (c >= 0.0 and c <= d and d > 0.0 and d < np.inf):
            ok = False
        p = c / d
        value[i] = p * scale
        t = 1.0 - p
        root = np.sqrt(t * c * 4.0 + z2) * z
        lower[i] = p * c * twice_scale / (c * 2.0 + z2 + root)
        rest = d - c
        upper[i] = scale - t * rest * twice_scale / (rest * 2.0 + z2 + root)
    return ok


def _run_starts(first_key, second_key, starts, first_values, second_values):
    """Write the first row of each run of equal (first, second) keys into ``starts``,
    and the run's key values into ``first_values`` / ``second_values``.

    Returns the number of runs, or -1 when the rows are not sorted by the keys
    (lexicographically, as :func:`dana.stats._grouping._runs_if_sorted` checks). With
    one key, pass it twice. NaN keys are rejected before this is called.
    """
    a, c = first_key[0], second_key[0]
    starts[0] = 0
    first_values[0], second_values[0] = a, c
    count = 1
    for i in range(1, first_key.shape[0]):
        b, d = first_key[i], second_key[i]
        if b == a and d == c:
            continue
        if b < a or (b == a and d < c):
            return -1
        starts[count] = i
        first_values[count], second_values[count] = b, d
        count += 1
        a, c = b, d
    return count


def _checked_run_sums(x, n, starts, count_sums, denominator_sums):
    """Whole-number sums of x and n over each run, with the check ``0 <= x <= n``.

    ``x`` and ``n`` are int64. Returns ``(ok, largest)``: whether every row passed and
    the largest n (the caller uses the sums only if ``largest`` times the row count is
    below 2^53, where they equal the float sums).
    """
    bad = 0
    largest = 0
    for i in range(x.shape[0]):  # branch-free, so the compiler can vectorise it
        c, d = x[i], n[i]
        bad |= (c < 0) | (c > d)
        largest = max(largest, d)
    runs = starts.shape[0]
    for g in range(runs):
        last = starts[g + 1] if g + 1 < runs else x.shape[0]
        total_x = 0
        total_n = 0
        for i in range(starts[g], last):
            total_x += x[i]
            total_n += n[i]
        count_sums[g] = total_x
        denominator_sums[g] = total_n
    return bad == 0, largest
