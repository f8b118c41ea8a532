"""Record-level engine: hospital admissions, deaths and treatment episodes into indicators.

The official definitions are written once, as ibis expressions, and run unchanged on
DuckDB (embedded, the default) or PySpark (a laptop in local mode, a cluster or a
Databricks-style secure data environment). The result is DANA's tidy indicator table
(:mod:`dana.table`) at England, region, upper-tier LA, district, small-area, deprivation
decile, age, sex and ethnic-group level, with ONS denominators, :mod:`dana.stats` rates and
limits, and disclosure control applied.

Public API
----------
:func:`compute_indicators`
    Extracts in (HES APC, death registrations, NDTMS treatment episodes; CSV, pipe-delimited
    DARS text or Parquet; a file, a folder of parts or a list), a :class:`RecordsResult` out
    (``table``, ``summary`` of every record used or set aside and why, ``notes``).
:func:`connect`, :class:`Engine`
    An engine to reuse across runs (``connect("spark", session=...)`` for a cluster).
:func:`synthesise`
    The seeded synthetic extracts for England (``dana records synth``), **not real data**.
:func:`read_lsoa_lookup`, :func:`read_imd_deciles`
    The ONS LSOA -> LAD lookup and IoD LSOA deciles, for deprivation and small areas.
:func:`normalise_icd10`, :func:`expand_icd10`
    The ICD-10 canonical form and the code-list notation of the embedded definitions.
:data:`DEFINITIONS`
    What each indicator is (name, value type, ages, denominator, catalogue id).
:func:`read_records_source`
    One ``type: records`` entry of an assessment config -> indicator rows (the registry's
    reader); :func:`read_population_file`, :func:`lsoa_source_label` its helpers.
:class:`RecordsError`
    Every user-facing error (layout, lookup, population, engine).

Modules: ``codes`` (ICD-10 forms), ``reference`` (embedded code lists and AAFs),
``layouts`` / ``extracts`` (reading), ``parse`` (typed values), ``common`` (shared rules),
``hospital`` / ``deaths`` / ``treatment`` (definitions), ``aggregate`` (cubes), ``cells`` /
``values`` (rates by dana.stats), ``disclosure``, ``assemble`` (the contract), ``run``,
``engines``, ``geography``, ``population``, ``period``, ``indicators``, ``synth``,
``source`` (the assessment's ``type: records`` data source).
"""

from dana.records.codes import expand_icd10, normalise_icd10
from dana.records.engines import Engine, EngineError, connect
from dana.records.errors import RecordsError
from dana.records.extracts import synthetic_manifest
from dana.records.geography import read_imd_deciles, read_lsoa_lookup
from dana.records.indicators import DEFINITIONS, Definition
from dana.records.run import RecordsResult, compute_indicators
from dana.records.source import lsoa_source_label, read_population_file, read_records_source


def synthesise(out, *, scale: float, seed: int, year: int = 2023, fmt: str = "parquet"):
    """Write synthetic extracts (see :mod:`dana.records.synth`); returns the paths."""
    from dana.records.synth import synthesise as write  # deferred: the generator is large

    return write(out, scale=scale, seed=seed, year=year, fmt=fmt)


__all__ = [
    "DEFINITIONS",
    "Definition",
    "Engine",
    "EngineError",
    "RecordsError",
    "RecordsResult",
    "compute_indicators",
    "connect",
    "expand_icd10",
    "normalise_icd10",
    "read_imd_deciles",
    "read_lsoa_lookup",
    "read_population_file",
    "read_records_source",
    "lsoa_source_label",
    "synthesise",
    "synthetic_manifest",
]
