"""Evaluating an array formula in cache-sized blocks.

A formula such as Wilson's limits is a dozen numpy operations. Applied to whole arrays
of a million rows, each operation reads and writes 8 MB from main memory; applied to
blocks of 32,768 rows, the intermediate arrays stay in the processor cache and only the
inputs and outputs cross to memory, about twice as fast. :func:`blockwise` runs a block
kernel (numpy calls with ``out=``) over the blocks; the Python loop is over blocks,
never over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: Rows per block: 32,768 doubles (256 KiB) per array keeps a kernel's arrays in L2 cache.
BLOCK_ROWS = 32_768


def blockwise(
    kernel: Callable[..., None], inputs: Sequence, outputs: int, *, temporaries: int = 0
) -> list[np.ndarray]:
    """Run ``kernel(*input_blocks, *output_blocks, *temporary_blocks)`` over row blocks.

    ``inputs`` are arrays of one length (or scalars, passed to the kernel unchanged);
    the kernel writes each of the ``outputs`` float arrays in place, and may use the
    ``temporaries`` scratch arrays (reused from block to block). Returns the outputs.
    """
    size = max((np.size(a) for a in inputs if np.ndim(a)), default=1)
    arrays = [np.broadcast_to(a, size) if np.ndim(a) else a for a in inputs]
    results = [np.empty(size) for _ in range(outputs)]
    scratch = [np.empty(min(size, BLOCK_ROWS)) for _ in range(temporaries)]
    for start in range(0, size, BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, size)
        rows = stop - start
        kernel(
            *(a[start:stop] if np.ndim(a) else a for a in arrays),
            *(r[start:stop] for r in results),
            *(t[:rows] for t in scratch),
        )
    return results
