"""The one error family of :mod:`dana.records`: every user-facing problem (a file with the
wrong layout, a bad lookup, a missing denominator, an engine that cannot start) is a
:class:`RecordsError`, so the CLI turns each into a one-line message."""

from __future__ import annotations


class RecordsError(Exception):
    """A record-level run cannot go on; the message says what and where."""


class RecordsInputError(RecordsError, ValueError):
    """An argument or an input does not make sense (e.g. no extract given)."""
