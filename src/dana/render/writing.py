"""Where a renderer writes: the folder checked first, the file replaced whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dana._atomic import write_atomic


def output_path(path: str | os.PathLike) -> Path:
    """``path`` as a Path, after checking its folder exists (checked before any rendering)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"cannot write {target}: folder {target.parent} does not exist")
    return target


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place,
    so a renderer that fails half way never leaves a half-written document at ``path``."""
    return write_atomic(output_path(path), write)
