"""The embedded tables, read and validated once, kept on disk between runs.

Reading and checking the packaged CSVs (the synthetic table with the transcribed figures
overlaid, and the depth table) takes about 0.6 s of every build; the same frame read back
from an Arrow file takes about 0.03 s. Like Python's ``.pyc`` files, the stored frame is
only a faster way to the same result: it is keyed by every file it could depend on (each
packaged data file and each module of ``dana``, by name, size and modification time) and
by the versions of pandas and pyarrow, so any change to the data or the code makes a new
entry and the old one is deleted. A cached frame equals the fresh one exactly, dtypes
included (tested).

The folder is ``tables`` in DANA's cache folder (``$DANA_CACHE_DIR`` or ``~/.cache/dana``,
beside the Fingertips responses), or ``$DANA_TABLE_CACHE``; ``DANA_TABLE_CACHE=off`` turns
the cache off. A folder that cannot be written, or an entry that cannot be read, is passed
over (the frame is made as if there were no cache).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from dana.table import one_chunk

#: A folder for the cached tables, or "off".
TABLE_CACHE_ENV = "DANA_TABLE_CACHE"
#: DANA's cache folder (as :mod:`dana.sources.cache` reads it).
CACHE_ENV = "DANA_CACHE_DIR"
_PACKAGE = Path(__file__).resolve().parents[1]  # src/dana


def cache_dir() -> Path | None:
    """Where cached frames are kept, or None when the cache is off (``DANA_TABLE_CACHE=off``)."""
    configured = os.environ.get(TABLE_CACHE_ENV, "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    root = os.environ.get(CACHE_ENV, "").strip()
    return (Path(root).expanduser() if root else Path.home() / ".cache" / "dana") / "tables"


def _fingerprint() -> str:
    """A digest of every file of the ``dana`` package (name, size, modification time)
    and of the libraries that write and read the frame."""
    import pyarrow

    digest = hashlib.sha256(f"pandas {pd.__version__} pyarrow {pyarrow.__version__}".encode())
    for folder, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            status = os.stat(path)
            relative = os.path.relpath(path, _PACKAGE)
            digest.update(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def cached_frame(label: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``make()``, or the frame it made last time with the same package files.

    ``label`` names the entry (one per table); ``make`` must depend only on the packaged
    files and code (never on the environment or arguments)."""
    folder = cache_dir()
    if folder is None:
        return one_chunk(make())
    # one entry per table and installed copy of dana (two checkouts do not evict each
    # other's), named by the fingerprint of that copy's files
    place = hashlib.sha256(str(_PACKAGE).encode()).hexdigest()[:8]
    path = folder / f"{label}-{place}-{_fingerprint()}.arrow"
    try:
        return one_chunk(_read(path))  # Feather holds a table in batches of rows
    except (OSError, ValueError, ImportError):
        pass  # not there yet, or unreadable: made afresh and stored again
    frame = one_chunk(make())
    _store(frame, path, f"{label}-{place}")
    return frame


def _read(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        return feather.read_feather(path)
    except pa.ArrowInvalid as exc:  # a damaged entry
        raise ValueError(str(exc)) from exc


def _store(frame: pd.DataFrame, path: Path, label: str) -> None:
    import pyarrow.feather as feather

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{label}-")
        os.close(handle)
        # one record batch: each text column then reads back as one Arrow chunk, as
        # the CSV reader makes it (pandas gathers rows from several chunks slower)
        feather.write_feather(frame, temporary, compression="zstd", chunksize=max(len(frame), 1))
        os.replace(temporary, path)  # whole or not at all: a reader never sees half
        temporary = None
        for old in path.parent.glob(f"{label}-*.arrow"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return  # a read-only or full disk: the cache is only a speed-up
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
