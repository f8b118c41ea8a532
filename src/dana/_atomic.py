"""Whole-or-nothing file writes: a reader never sees a half-written file or a half set.

- :func:`write_atomic` / :func:`write_bytes_atomic`: one file, written beside its target
  and renamed into place (``os.replace`` is atomic on one file system).
- :func:`publish_together`: several files made in a staging folder *inside* the output
  folder (so every move is a rename on one file system, even when the output folder is
  a mount point) and swapped in only when every one of them succeeded, each old file
  moved aside first and put back if any move fails (``dana report``, ``dana batch``).
  The staging folder's name carries the process id (``.dana-staging-<pid>-<random>``):
  a run killed outright (SIGKILL, power cut) leaves it behind, and the next run into
  the same folder finishes or discards it (:func:`recover_staging`), under a lock on
  the output folder so two runs never swap at once.
- :func:`check_folder`: refuse an output folder that cannot be one (a file is in the way)
  before any work is done.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
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


#: Prefix of the staging folders made inside an output folder.
STAGING_PREFIX = ".dana-staging-"
#: The journal a swap writes before its first move: the names being published.
_JOURNAL = ".swap.json"
_OLD = ".old"
#: Test hook: ``DANA_TEST_PAUSE=<step>:<seconds>`` sleeps at that step of publishing
#: (``staged``, ``swapping``, ``swapped``), so a test can kill a run there.
PAUSE_VARIABLE = "DANA_TEST_PAUSE"


def publish_together(
    out_dir: str | os.PathLike, make: Callable[[Path], list[Path]], *, prefix: str = ""
) -> list[Path]:
    """Make files with ``make(staging_folder)``, then swap them all into ``out_dir``.

    ``make`` returns the paths it wrote inside the staging folder, a hidden folder made
    inside ``out_dir`` (``prefix`` is kept for callers that name their kind of run: it
    is added to the folder's name). Nothing reaches ``out_dir`` unless ``make`` returns
    normally; then each old file is moved aside and the new one renamed into place, and
    if any of those moves fails every old file is put back and every new one removed,
    so ``out_dir`` holds the old set or the new set, never a mix. The staging folder is
    always removed (a folder ``out_dir`` that this call created is removed too when
    nothing was published). An ``out_dir`` that is a file fails before ``make`` is
    called (:func:`check_folder`).
    """
    target = check_folder(out_dir)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        recover_staging(target, locked=True)
    tag = "".join(c for c in prefix.strip(".-") if c.isalnum() or c == "-")
    staging = Path(
        tempfile.mkdtemp(
            prefix=f"{STAGING_PREFIX}{os.getpid()}-{tag + '-' if tag else ''}", dir=target
        )
    )
    published = False
    try:
        staged = [Path(p) for p in make(staging)]
        _pause("staged")
        with _locked(target):
            written = _swap(staged, target, staging)
        published = True
        _pause("swapped")
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not published:
            with contextlib.suppress(OSError):
                target.rmdir()  # only when empty: nothing of anyone else's is touched


def _swap(staged: list[Path], target: Path, staging: Path) -> list[Path]:
    """Move ``staged`` into ``target``, old files aside first; undo everything on failure."""
    mode = _public_mode()
    names = [p.name for p in staged]
    if len(set(names)) != len(names):
        raise ValueError(f"two staged files have the same name: {names}")
    for path in staged:
        final = target / path.name
        if final.is_dir() and not final.is_symlink():
            raise IsADirectoryError(
                f"{final} is a folder; cannot replace it with the new {path.name} "
                "(move or rename that folder)"
            )
        path.chmod(mode)  # staged files may be private temporaries
    old = staging / _OLD
    old.mkdir()
    journal = staging / _JOURNAL
    journal.write_text(json.dumps({"names": names}), encoding="utf-8")
    done: list[tuple[Path, Path | None]] = []  # (final, its old copy or None)
    try:
        for path in staged:
            final = target / path.name
            aside = None
            if final.exists() or final.is_symlink():
                aside = old / path.name
                os.replace(final, aside)
            done.append((final, aside))
            _pause("swapping")
            os.replace(path, final)
    except BaseException:
        for final, aside in reversed(done):
            if aside is not None and aside.exists():
                os.replace(aside, final)
            elif aside is None:
                with contextlib.suppress(FileNotFoundError):
                    if not (staging / final.name).exists():  # the new file got there
                        final.unlink()
        raise
    journal.unlink()
    return [target / name for name in names]


def recover_staging(out_dir: str | os.PathLike, *, locked: bool = False) -> list[Path]:
    """Finish or discard the staging folders of runs into ``out_dir`` that were killed.

    A staging folder whose process is no longer running is stale. If its swap had begun
    (its journal is there), every new file still in it is moved into place, so the
    folder ends with the complete new set; otherwise the run never published and the
    folder is simply removed. Folders of live runs are left alone. Returns the folders
    removed.
    """
    target = Path(out_dir)
    if not target.is_dir():
        return []
    if not locked:
        with _locked(target):
            return recover_staging(target, locked=True)
    removed = []
    for folder in sorted(target.glob(STAGING_PREFIX + "*")):
        pid = _pid_of(folder.name)
        if not folder.is_dir() or pid is None or _alive(pid):
            continue
        journal = folder / _JOURNAL
        if journal.is_file():
            try:
                names = json.loads(journal.read_text(encoding="utf-8"))["names"]
            except (ValueError, KeyError, OSError):
                names = []
            for name in names:
                new = folder / str(name)
                if new.is_file():
                    os.replace(new, target / new.name)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _pid_of(name: str) -> int | None:
    digits = name[len(STAGING_PREFIX) :].split("-", 1)[0]
    return int(digits) if digits.isdigit() else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return _not_a_zombie(pid)


def _not_a_zombie(pid: int) -> bool:
    """A killed child not yet reaped still has a pid; /proc says whether it is a zombie."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return status.rsplit(")", 1)[-1].split()[0] != "Z"


@contextlib.contextmanager
def _locked(folder: Path):
    """An exclusive lock on the folder itself (no lock file to leave behind); released
    by the system when the process dies."""
    try:
        import fcntl  # POSIX only: elsewhere runs are not locked against each other
    except ImportError:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        # a file system without locks (some network shares): go on unlocked
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _pause(step: str) -> None:
    """Sleep at ``step`` when the test hook asks (see :data:`PAUSE_VARIABLE`)."""
    wanted = os.environ.get(PAUSE_VARIABLE, "")
    name, _, seconds = wanted.partition(":")
    if name == step:
        print(f"dana: paused at {step}", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 30))
