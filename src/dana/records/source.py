"""Record-level extracts as a data source of an assessment (``type: records``).

An assessment config's ``data: sources:`` list may name record-level extracts; the
registry (:mod:`dana.sources.registry`) passes the entry here and puts the rows returned
into the report's indicator table::

    data:
      sources:
        - type: records
          hes: extracts/hes_apc.parquet        # a file, or a folder of parts
          deaths: extracts/deaths.parquet
          treatment: extracts/treatment.parquet
          year: 2023                           # financial year 2023/24 (deaths: 2023)
          lsoa_lookup: extracts/lsoa_lookup.csv  # for deprivation deciles and small areas
          engine: duckdb                       # or spark

Keys (:data:`KEYS`): at least one of ``hes``, ``deaths``, ``treatment``; ``year``
(required) and ``last_year`` (a pooled period); ``engine`` (``duckdb``, the default, or
``spark``); ``lsoa_lookup`` and ``imd`` (:func:`dana.records.read_lsoa_lookup`);
``population`` (denominators, :func:`read_population_file`; else the embedded synthetic
default). Paths are resolved by the caller (the registry: ``~``, ``$VAR``, relative to the
config). The rows are :func:`dana.records.compute_indicators`' table, with district
(``ltla``) x ``Age band`` and ``Deprivation decile`` breakdowns; the summary of records
used and set aside is in ``frame.attrs["records_summary"]``.

Every mistake is a :class:`dana.records.RecordsError` whose message starts with the key
at fault (``hes: file not found: ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from dana.records.errors import RecordsInputError
from dana.records.extracts import synthetic_manifest
from dana.records.geography import read_lsoa_lookup
from dana.records.run import compute_indicators

EXTRACT_KEYS = ("hes", "deaths", "treatment")
OPTION_KEYS = ("year", "last_year", "engine", "lsoa_lookup", "imd", "population")
KEYS = (*EXTRACT_KEYS, *OPTION_KEYS)
ENGINES = ("duckdb", "spark")


def read_population_file(path: str | Path) -> pd.DataFrame:
    """Denominators from a CSV or Parquet file (see :mod:`dana.records.population`)."""
    file = Path(path)
    if file.suffix.lower() == ".parquet":
        return pd.read_parquet(file)
    return pd.read_csv(file, dtype={"area_code": str, "sex": str, "age_band": str})


def lsoa_source_label(path: str | Path) -> str:
    """What an LSOA lookup is, for ``source``: the generator's scheme says it is synthetic."""
    file = Path(path)
    manifest = synthetic_manifest([file])
    return f"{manifest['lsoa_scheme']} ({file.name})" if manifest else f"LSOA lookup {file.name}"


def _year(spec: Mapping, key: str) -> int | None:
    raw = spec.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not str(raw).strip().isdigit():
        raise RecordsInputError(f"{key}: expected a year such as 2023, got {raw!r}")
    return int(str(raw).strip())


def read_records_source(spec: Mapping, resolve: Callable[[str], Path]) -> pd.DataFrame:
    """The indicator rows of one ``type: records`` entry (see the module docstring).

    ``resolve(key)`` gives the path the entry's ``key`` names.
    """
    unknown = [k for k in spec if k not in (*KEYS, "type", "all_measures")]
    if unknown:
        raise RecordsInputError(f"{unknown[0]}: unknown key; known keys: {', '.join(KEYS)}")
    extracts = {k: spec[k] for k in EXTRACT_KEYS if spec.get(k) not in (None, "")}
    if not extracts:
        raise RecordsInputError("give at least one extract: hes, deaths or treatment")
    paths = {}
    for key in (*extracts, "lsoa_lookup", "imd", "population"):
        if spec.get(key) in (None, ""):
            continue
        path = resolve(key)
        if not path.exists():
            raise RecordsInputError(f"{key}: file not found: {path}")
        if key not in EXTRACT_KEYS and not path.is_file():
            raise RecordsInputError(f"{key}: not a file: {path}")
        paths[key] = path
    year = _year(spec, "year")
    if year is None:
        raise RecordsInputError("year: required (the financial year starting, e.g. 2023)")
    engine = str(spec.get("engine", "duckdb")).lower()
    if engine not in ENGINES:
        raise RecordsInputError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
    if "imd" in paths and "lsoa_lookup" not in paths:
        raise RecordsInputError("imd: needs lsoa_lookup (the deciles are joined to it)")
    lsoa = lsoa_source = None
    if "lsoa_lookup" in paths:
        lsoa = read_lsoa_lookup(paths["lsoa_lookup"], imd=paths.get("imd"))
        lsoa_source = lsoa_source_label(paths["lsoa_lookup"])
    population = None
    if "population" in paths:
        population = read_population_file(paths["population"])
    result = compute_indicators(
        **{k: paths[k] for k in extracts},
        year=year,
        last_year=_year(spec, "last_year"),
        engine=engine,
        population=population,
        population_source=f"population file {paths['population'].name}"
        if population is not None
        else "",
        lsoa=lsoa,
        lsoa_source=lsoa_source,
    )
    rows = result.table
    rows.attrs["records_summary"] = result.summary_text()
    return rows
