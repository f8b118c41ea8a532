"""Evaluating an array formula in cache-sized blocks, on every core.

A formula such as Wilson's limits is a dozen numpy operations. Applied to whole arrays
of a million rows, each operation reads and writes 8 MB from main memory; applied to
blocks of 32,768 rows, the intermediate arrays stay in the processor cache and only the
inputs and outputs cross to memory, about twice as fast. :func:`blockwise` runs a block
kernel (numpy calls with ``out=``) over the blocks; the Python loop is over blocks,
never over rows.

numpy releases the GIL inside each call, so a large input's rows are shared between
threads (:func:`in_spans`: one contiguous span of blocks per core, each with its own
scratch arrays; the calling thread works one span itself). Every row is computed by the
same operations whichever thread does it, so the result does not depend on the number
of threads. Inputs under :data:`THREADED_ROWS` rows (a report's few hundred) run in the
calling thread and pay no hand-over, and so does every input while no core is idle
(:func:`idle_cores`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Rows per block: 32,768 doubles (256 KiB) per array keeps a kernel's arrays in L2 cache.
BLOCK_ROWS = 32_768
#: Inputs of at least this many rows are shared between threads (below it the hand-over
#: to a thread, some tens of microseconds, costs more than it saves).
THREADED_ROWS = 4 * BLOCK_ROWS
#: At most this many threads, however many cores: the kernels are bound by memory.
MAX_THREADS = 4

_pool_lock = threading.Lock()
_pool_state: dict[str, object] = {}


def thread_count() -> int:
    """Cores this process may run on (at most :data:`MAX_THREADS`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def idle_cores() -> float:
    """Cores not in use by runnable processes: the core count less the 1-minute load.

    When every core is busy (other processes, or ``dana batch``'s workers) a second
    thread only waits for a core and makes the call slower (measured: 5-25% on a
    2-core machine at load 2-3), so the rows are then run in the calling thread.
    """
    try:
        return thread_count() - os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this platform
        return float(thread_count())


def _pool() -> ThreadPoolExecutor | None:
    """The shared worker threads, made on first use; a new pool after a fork.

    A forked child (``dana batch`` forks) inherits the pool object but not its threads,
    so the pool is remembered with the process id that made it.
    """
    with _pool_lock:
        if _pool_state.get("pid") != os.getpid():
            workers = thread_count() - 1  # the calling thread works a span itself
            pool = ThreadPoolExecutor(workers, "dana-stats") if workers > 0 else None
            _pool_state.update(pid=os.getpid(), pool=pool, workers=workers)
        return _pool_state["pool"]


def spans(size: int, parts: int, align: int = BLOCK_ROWS) -> list[tuple[int, int]]:
    """Split rows ``0..size`` into at most ``parts`` contiguous spans of whole ``align`` blocks."""
    if size <= 0:
        return [(0, 0)]
    blocks = -(-size // align)
    share = -(-blocks // max(parts, 1)) * align
    return [(start, min(start + share, size)) for start in range(0, size, share)] or [(0, 0)]


def in_spans(work: Callable[[int, int], object], size: int, *, bounds=None) -> list:
    """``[work(first, last) for each span]``, the spans run at once on the worker threads.

    The spans are :func:`spans` of ``size`` rows, or ``bounds`` (a list of
    ``(first, last)``) when given. Below :data:`THREADED_ROWS` rows everything runs in the
    calling thread, and so does everything while no core is idle. An exception in any
    span is raised in the caller.
    """
    pool = _pool() if size >= THREADED_ROWS and idle_cores() >= 0.5 else None
    if bounds is None:
        bounds = spans(size, (_pool_state["workers"] + 1) if pool is not None else 1)
    if pool is None or len(bounds) == 1:
        return [work(first, last) for first, last in bounds]
    futures = [pool.submit(work, first, last) for first, last in bounds[1:]]
    mine = work(*bounds[0])
    return [mine, *(future.result() for future in futures)]


def blockwise(
    kernel: Callable[..., object],
    inputs: Sequence,
    outputs: int,
    *,
    temporaries: int = 0,
    collect: bool = False,
):
    """Run ``kernel(*input_blocks, *output_blocks, *temporary_blocks)`` over row blocks.

    ``inputs`` are arrays of one length, of any numeric dtype (or scalars, passed to the
    kernel unchanged); the kernel writes each of the ``outputs`` float64 arrays in place,
    and may use the ``temporaries`` float64 scratch arrays (reused from block to block,
    one set per thread). Returns the outputs; with ``collect``, returns ``(outputs,
    returned)``, ``returned`` being what the kernel returned for each block (e.g. a
    one-pass input check), in row order.
    """
    size = max((np.size(a) for a in inputs if np.ndim(a)), default=1)
    arrays = [np.broadcast_to(a, size) if np.ndim(a) else a for a in inputs]
    results = [np.empty(size) for _ in range(outputs)]

    def run(first: int, last: int) -> list:
        scratch = [np.empty(min(last - first, BLOCK_ROWS)) for _ in range(temporaries)]
        returned = []
        for start in range(first, last, BLOCK_ROWS):
            stop = min(start + BLOCK_ROWS, last)
            rows = stop - start
            returned.append(
                kernel(
                    *(a[start:stop] if np.ndim(a) else a for a in arrays),
                    *(r[start:stop] for r in results),
                    *(t[:rows] for t in scratch),
                )
            )
        return returned

    returned = [value for span in in_spans(run, size) for value in span]
    return (results, returned) if collect else results
