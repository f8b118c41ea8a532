"""What every DANA worker process does when it starts, whatever it works on (reports,
charts, all areas' reports): here so that each pool's owner can use it without
depending on another layer."""

from __future__ import annotations

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
