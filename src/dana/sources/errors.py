"""Errors raised by sources: each names exactly where the problem is."""

from __future__ import annotations


class SourceError(Exception):
    """A source could not be read. Base class for every source error."""


class SourceFileError(SourceError, ValueError):
    """A file is malformed; the message names file, row and column where known.

    ``row`` is the 1-based line number in the file as a person would count it
    (the header is line 1), so "row 12" can be found in a spreadsheet or editor.
    """

    def __init__(self, path, message: str, *, row: int | None = None, column: str | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        where = self.path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class SourceAPIError(SourceError):
    """A web API failed (HTTP error, timeout, truncated or malformed body)."""
