"""What every DANA worker process does when it starts, whatever it works on (reports,
charts, all areas' reports): here so that each pool's owner can use it without
depending on another layer."""

from __future__ import annotations

import gc
import os
import threading
import time

#: The process this one was forked by (None: not forked).
_forked_by: int | None = None
#: This process's pid, noted just before it forks: the child's copy names its parent.
_forking: int | None = None


def _before_fork() -> None:
    global _forking
    _forking = os.getpid()


def _after_fork_in_child() -> None:
    global _forked_by
    _forked_by = _forking  # set in the parent before the fork, whenever the child runs


if hasattr(os, "register_at_fork"):
    # a pool's initializer can run after its parent has died (a busy machine, a parent
    # killed at once): asked only then, getppid() names init and the worker would wait
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def exit_with_parent() -> None:
    """Stop this worker process when the process that started it has gone.

    Killed outright (SIGKILL, an out-of-memory kill), a parent cannot shut its pool
    down, and forked workers would wait for work for ever (each holds the others' end of
    the task queue open). A thread checks the parent every half second: the process
    this one was forked by (noted before the fork, so a worker whose initializer runs
    only after its parent died still knows it), else the parent it has now. The
    initializer of every DANA worker pool."""
    parent = os.getppid() if _forked_by is None else _forked_by

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
