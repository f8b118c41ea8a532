"""The assessment model as one JSON document, for dashboards and for the next edition.

:func:`assessment_document` serialises the model generically, so a field added to any
dataclass of :mod:`dana.assess.model` appears without a change here: a dataclass becomes
an object of its fields, a tuple or list an array, a frame (a table's or chart's data, a
funnel's limits) ``{"columns": [...], "records": [{column: value}, ...]}``. Missing and
withheld numbers (NaN, None) are ``null``; numpy numbers become JSON numbers; dates are
ISO strings. The document is wrapped with its ``format`` (``dana-assessment``),
``schema_version`` and the DANA version that wrote it, and checked against the schema
(:func:`dana.assess.edition.validate_document`) before it is written: an invalid document
is never published. :func:`dana.assess.edition.read_edition` reads it back.

The model is already disclosure-controlled, and so is everything here: this writer
formats nothing and computes nothing. Fields for the assessment team only
(:data:`NOT_PUBLISHED`, the analyst notes) are left out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dana import __version__
from dana.assess.edition import DOCUMENT_FORMAT, SCHEMA_VERSION, validate_document
from dana.assess.model import Assessment
from dana.render.writing import atomic_write

__all__ = ["NOT_PUBLISHED", "assessment_document", "render_json", "to_data"]

#: Model fields for the assessment team only (its own file, never a published output).
NOT_PUBLISHED = frozenset({"analyst_notes"})


def _frame(frame: pd.DataFrame) -> dict:
    columns = [str(c) for c in frame.columns]
    records = [
        {name: to_data(value) for name, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
    return {"columns": columns, "records": records}


def to_data(value):
    """``value`` as JSON-ready data (dicts, lists, str, int, float, bool, None)."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_data(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in NOT_PUBLISHED
        }
    if isinstance(value, pd.DataFrame):
        return _frame(value)
    if isinstance(value, pd.Series):
        return [to_data(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_data(v) for v in value), key=str)
    if isinstance(value, np.ndarray):
        return [to_data(v) for v in value.tolist()]
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_data(value.value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def assessment_document(assessment: Assessment) -> dict:
    """The whole model as one schema-valid document (see the module docstring)."""
    return {
        "format": DOCUMENT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "dana_version": __version__,
        "assessment": to_data(assessment),
    }


def render_json(assessment: Assessment, path: str | os.PathLike, *, charts=None) -> Path:
    """Write the model to ``path`` as JSON (UTF-8), whole or not at all; return the path.

    ``charts`` is accepted for the common renderer signature and not used (JSON holds
    each chart's data, not its picture). The document is validated against the schema
    first; a model that does not match it raises
    :class:`~dana.assess.edition.EditionError` and nothing is written.
    """
    del charts
    document = assessment_document(assessment)
    validate_document(document, where=f"{path} (as written)")
    text = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))
