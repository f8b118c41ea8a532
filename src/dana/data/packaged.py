"""Reading the data files packaged in ``dana/data`` (one helper for every loader)."""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd


class DefaultDataError(RuntimeError):
    """A packaged data file is missing or broken (regenerate with python -m dana.data.synthetic)."""


def read_packaged_csv(name: str, **kwargs) -> pd.DataFrame:
    """``dana/data/<name>`` as a frame (gzip by extension); ``kwargs`` go to ``pd.read_csv``."""
    resource = resources.files("dana.data").joinpath(name)
    try:
        payload = resource.read_bytes()
    except FileNotFoundError:
        raise DefaultDataError(
            f"packaged data file dana/data/{name} is missing; run `python -m dana.data.synthetic`"
        ) from None
    compression = "gzip" if name.endswith(".gz") else None
    return pd.read_csv(io.BytesIO(payload), compression=compression, **kwargs)
