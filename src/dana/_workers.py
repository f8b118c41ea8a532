"""What every DANA worker process does when it starts, whatever it works on (reports,
charts, all areas' reports): here so that each pool's owner can use it without
depending on another layer."""

from __future__ import annotations

import gc
import os
import threading
import time


def exit_with_parent() -> None:
    """Stop this worker process when the process that started it has gone.

    Killed outright (SIGKILL, an out-of-memory kill), a parent cannot shut its pool
    down, and forked workers would wait for work for ever (each holds the others' end of
    the task queue open). A thread checks the parent every half second. The initializer
    of every DANA worker pool."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="dana-exit-with-parent", daemon=True).start()


#: The cyclic collector's thresholds in a worker (Python's defaults: 700, 10, 10).
WORKER_GC_THRESHOLDS = (10_000, 20, 100)


def collect_less() -> None:
    """Make the cyclic garbage collector cheaper in a worker process (or a one-shot
    command such as ``dana report``): the objects alive now (the modules loaded, the
    parent's data after a fork) are never scanned again (``gc.freeze``), and
    collections run less often. Drawing a chart makes thousands of
    short-lived matplotlib objects; with the defaults the collector took about a tenth
    of the drawing time (0.6 s of 6 s for the default build's 40 charts)."""
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


def start_worker() -> None:
    """The initializer of every DANA worker pool: :func:`exit_with_parent`, then
    :func:`collect_less`."""
    exit_with_parent()
    collect_less()
