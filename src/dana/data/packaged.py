"""Reading the data files packaged in ``dana/data`` (one helper for every loader)."""

from __future__ import annotations

import gzip
import io
from importlib import resources

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv


class DefaultDataError(RuntimeError):
    """A packaged data file is missing or broken (regenerate with python -m dana.data.synthetic)."""


def _payload(name: str) -> bytes:
    resource = resources.files("dana.data").joinpath(name)
    try:
        return resource.read_bytes()
    except FileNotFoundError:
        raise DefaultDataError(
            f"packaged data file dana/data/{name} is missing; run `python -m dana.data.synthetic`"
        ) from None


def read_packaged_csv(name: str, **kwargs) -> pd.DataFrame:
    """``dana/data/<name>`` as a frame (gzip by extension); ``kwargs`` go to ``pd.read_csv``."""
    compression = "gzip" if name.endswith(".gz") else None
    return pd.read_csv(io.BytesIO(_payload(name)), compression=compression, **kwargs)


def read_packaged_columns(
    name: str, text: tuple[str, ...], numbers: tuple[str, ...]
) -> pd.DataFrame:
    """``dana/data/<name>`` (gzipped CSV) with the ``text`` columns as text (an empty field
    is the empty string) and the ``numbers`` columns as floats (an empty field is NaN);
    any other column is typed by pyarrow's inference.

    The same frame ``pd.read_csv`` gives with ``dtype=str`` for ``text`` and ``""`` as the
    only missing value of ``numbers``, read by pyarrow's CSV reader in about a third of
    the time (the embedded default tables are read on every build).
    """
    types = {c: pa.string() for c in text} | {c: pa.float64() for c in numbers}
    options = pa_csv.ConvertOptions(
        column_types=types,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[""],
    )
    read = pa_csv.read_csv(io.BytesIO(gzip.decompress(_payload(name))), convert_options=options)
    # the reader makes one chunk per block of the file (38 for the depth table): one per
    # column instead, since every later row selection is slower across chunks
    read = read.combine_chunks()
    text_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    return read.to_pandas(types_mapper={pa.string(): text_dtype}.get)
