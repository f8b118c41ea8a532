"""Whole-or-nothing file writes: a reader never sees a half-written file or a half set.

- :func:`write_atomic` / :func:`write_bytes_atomic`: one file, written beside its target
  and renamed into place (``os.replace`` is atomic on one file system).
- :func:`publish_together`: several files made in a staging folder and moved into the
  output folder only when every one of them succeeded (``dana report``, ``dana batch``).
- :func:`check_folder`: refuse an output folder that cannot be one (a file is in the way)
  before any work is done.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def _public_mode() -> int:
    """The mode a normally created file would get (``mkstemp`` makes private 0600 files)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary)`` on a file beside ``path``, then rename it to ``path``.

    The folder is created if needed. On any failure the temporary file is removed and
    ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix or ".tmp"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, _public_mode())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (flushed to disk before the rename)."""

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())

    return write_atomic(path, write)


def check_folder(out_dir: str | os.PathLike) -> Path:
    """``out_dir`` as a path, or ``NotADirectoryError`` when it, or a folder above it, is
    a file (found now, not after the files have been made)."""
    target = Path(out_dir)
    for candidate in (target, *target.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise NotADirectoryError(
                    f"{candidate} is a file, not a folder; cannot write into {target}"
                )
            break
    return target


def publish_together(
    out_dir: str | os.PathLike, make: Callable[[Path], list[Path]], *, prefix: str = ".dana-"
) -> list[Path]:
    """Make files with ``make(staging_folder)``, then move them all into ``out_dir``.

    ``make`` returns the paths it wrote inside the staging folder. Nothing reaches
    ``out_dir`` unless ``make`` returns normally; the staging folder is always removed.
    An ``out_dir`` that is a file fails before ``make`` is called (:func:`check_folder`).
    """
    target = check_folder(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        staged = [Path(p) for p in make(staging)]
        target.mkdir(parents=True, exist_ok=True)
        mode = _public_mode()
        written = []
        for path in staged:
            path.chmod(mode)  # staged files may be private temporaries
            final = target / path.name
            os.replace(path, final)
            written.append(final)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
