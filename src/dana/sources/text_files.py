"""Reading a user's own text file (YAML config, register, engagement CSV) with clear errors.

One helper, :func:`read_user_text`, for every file a person writes by hand or saves
from Excel: it names the file (and the line and column) when the bytes are not UTF-8,
says how to re-save it, accepts a UTF-8 byte-order mark (Excel's "CSV UTF-8"), and
refuses a missing or empty file by name. Publications with their own encodings (ONS
exports in Windows-1252) are read by :mod:`dana.sources._read` instead.
"""

from __future__ import annotations

from pathlib import Path

from dana.sources.errors import SourceFileError

_RESAVE = (
    "re-save it as UTF-8 (Excel: File > Save As > 'CSV UTF-8'; a text editor: save with"
    " encoding UTF-8)"
)


def read_user_text(path: str | Path, *, what: str = "file") -> str:
    """The text of ``path``, decoded as UTF-8 (a leading byte-order mark is dropped).

    ``what`` names the file's role in messages ("assessment config", "themes YAML").
    Raises :class:`~dana.sources.errors.SourceFileError` naming the file when it is
    missing, is not a file, is empty (or only blank), or is not UTF-8 text (with the
    line, column and byte, and how to re-save it).
    """
    path = Path(path)
    if not path.exists():
        raise SourceFileError(path, f"{what} not found")
    if not path.is_file():
        raise SourceFileError(path, f"{what} is not a file (a folder?)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceFileError(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        looks = f" ({guess!r} in Windows-1252)" if guess != "\ufffd" else ""
        raise SourceFileError(
            path,
            f"the {what} is not UTF-8 text: byte 0x{byte:02x}{looks} at line {line},"
            f" column {column} cannot be read; {_RESAVE}",
        ) from None
    if not text.strip():
        raise SourceFileError(path, f"the {what} is empty")
    return text
