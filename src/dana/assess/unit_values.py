"""The unit values of the value-for-money model: reading and checking a council's file.

A CSV file (``#`` comment lines allowed at the top) with the columns of :data:`COLUMNS`,
one unit value a row: DANA's default is ``dana/data/value_for_money_unit_values.csv``
(config key ``value_for_money.unit_values`` names another). Checked when the config is
loaded (:mod:`dana.assess.config_checks`), so a bad file stops the build before anything
is written; the model itself is :mod:`dana.assess.value_for_money`.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from dana.sources import SourceFileError, read_user_text

GROUPS = ("drug", "alcohol")
STAGES = ("effective_treatment", "sustained_recovery", "no_treatment")
KINDS = ("crime", "health", "qaly", "qaly_value", "crimes_prevented", "harm")
COLUMNS = ("group", "stage", "kind", "value", "unit", "price_year", "source", "location", "status")
REQUIRED_TEXT = ("group", "stage", "kind", "source")


class UnitValuesError(SourceFileError):
    """A unit-values file is malformed: names the file, row and column."""


def read_unit_values(path: str | Path) -> pd.DataFrame:
    """The unit values in ``path`` (CSV, ``#`` comment lines), checked row by row.

    Raises :class:`UnitValuesError` naming the file, row (as a spreadsheet counts it,
    the header is row 1 after the comment lines) and column for a missing column, an
    unknown group, stage or kind, a value that is missing, not a number or negative, or a
    row without a source.
    """
    text = read_user_text(path, what="value-for-money unit values file")
    lines = text.splitlines()
    skipped = 0
    while skipped < len(lines) and (not lines[skipped].strip() or lines[skipped].startswith("#")):
        skipped += 1
    frame = pd.read_csv(io.StringIO("\n".join(lines[skipped:])), dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise UnitValuesError(path, f"missing column(s) {', '.join(missing)}", row=skipped + 1)
    for position, row in frame.iterrows():
        line = skipped + 2 + int(position)
        for column in REQUIRED_TEXT:
            if not str(row[column]).strip():
                raise UnitValuesError(path, f"{column} is empty: every unit value needs one", row=line, column=column)  # fmt: skip
        for column, allowed in (("group", GROUPS), ("stage", STAGES), ("kind", KINDS)):
            if row[column] not in allowed:
                raise UnitValuesError(path, f"unknown {column} {row[column]!r}; expected one of {', '.join(allowed)}", row=line, column=column)  # fmt: skip
        try:
            value = float(row["value"])
        except ValueError:
            raise UnitValuesError(path, f"value {row['value']!r} is not a number", row=line, column="value") from None  # fmt: skip
        if np.isnan(value):
            raise UnitValuesError(path, "value is missing", row=line, column="value")
        if value < 0:
            raise UnitValuesError(path, f"value {value:g} is negative: unit values are 0 or more", row=line, column="value")  # fmt: skip
    frame["value"] = frame["value"].astype(float)
    frame["row"] = [skipped + 2 + i for i in range(len(frame))]
    return frame
