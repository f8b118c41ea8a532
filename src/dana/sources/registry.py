"""One entry point for every data source an assessment config can name.

A config's ``data: sources:`` list holds typed entries; :func:`read_source` turns one
entry into an indicator table (:mod:`dana.table`) by calling the importer for its type:

====================== ================================================ ===================
type                   importer                                         keys
====================== ================================================ ===================
``viewit``             :func:`dana.sources.ndtms.read_viewit_export`      path, lookup
``ons_drug_poisoning`` :func:`dana.sources.ons_deaths.read_drug_poisoning_by_la` path
``ons_population``     :func:`dana.sources.ons_population.read_mye_syoa`  path, year
``alcohol_dependence`` :func:`dana.sources.alcohol_dependence.read_alcohol_dependence_estimates` path
``imd_utla``           :func:`dana.sources.imd.read_imd_utla` (File 11)   path, year
``imd_lad``            :func:`dana.sources.imd.read_imd_lad` (File 10)    path
``local``              :func:`dana.sources.local.read_indicator_file`     path, sheet
``census_ethnic_group`` :func:`dana.sources.census_ethnicity.read_census_ethnic_group` path
``ons_projections``    :func:`dana.sources.ons_projections.read_snpp` (rows by
                       :func:`~dana.sources.ons_projections.projection_table`) path, area, base_year
``fingertips_cache``   :func:`dana.sources.cache.cached_table`            cache_dir
``records``            :func:`dana.records.source.read_records_source`       hes, deaths,
                       (record-level extracts -> indicators)            treatment, year, ...
``default``            :func:`dana.data.default.load_default_table` (synthetic)
``cambridgeshire_peterborough`` :func:`dana.data.default.load_cp_example` (transcribed)
====================== ================================================ ===================

Every entry may also carry ``all_measures: true`` (see below).

**Paths.** ``~`` and environment variables (``$NAME`` / ``${NAME}``) are expanded; an
unset variable is an error. A relative path is resolved against ``base_dir`` (the
config's ``data.root`` if set, else the config file's folder).

**Catalogue ids.** Importers keep the ids of their publication; :data:`CATALOGUE_IDS`
renames those that are the same measure as a catalogue indicator, and the catalogue's
name, polarity, value type, multiplier and unit are then applied:

* ``ons:drug_poisoning_deaths`` (ONS counts by registration year) becomes
  ``ons:drug_poisoning_deaths_count``: the catalogue's ``ons:drug_poisoning_deaths`` is a
  3-year pooled DSR, a different measure, so counts must not share its id;
* ``imd2019:imd:average_score`` / ``imd2025:imd:average_score`` (population-weighted
  average of LSOA scores, IoD File 11 / File 10) are Fingertips 93553 / 94240;
* ``ndtms:in_treatment`` (all substances), ``ndtms:in_treatment:alcohol_only`` and
  ``ndtms:new_presentations:alcohol_only`` (ViewIt, adults 18+) become
  ``ndtms:number_in_treatment``, ``ndtms:number_in_treatment_alcohol`` and
  ``ndtms:new_presentations_alcohol``; the drug-group counts (opiate, non-opiate only,
  non-opiate and alcohol) are kept so :mod:`dana.assess.derived` can sum them.

IMD and ViewIt files hold many more measures (every deprivation domain, every ViewIt
field). Unless the entry says ``all_measures: true``, only the measures above are kept
(plus ViewIt breakdowns of them); the number left out is recorded in
``frame.attrs["import_summary"]``, never silently.

**Population.** ``ons_population`` gives a population frame, not indicator rows;
:func:`population_rows` turns it into ``ons:population_all_ages`` (with breakdowns by
"Age group" 0-17, 18-24, 25-64, 65+ and by "Age band (ESP2013)") and
``ons:population_18_plus``. :func:`read_population` returns the frame itself.

Errors: an unknown type, a missing or unknown key, a missing file, or a file that is
not of its type's kind raise :class:`dana.sources.errors.SourceFileError` naming the
file and the type (the config layer adds the config key).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dana import table
from dana.catalogue import load_catalogue
from dana.data.default import load_cp_example, load_default_table
from dana.sources import _read
from dana.sources.alcohol_dependence import read_alcohol_dependence_estimates
from dana.sources.cache import cached_table
from dana.sources.census_ethnicity import read_census_ethnic_group
from dana.sources.errors import SourceError, SourceFileError
from dana.sources.imd import read_imd_lad, read_imd_utla
from dana.sources.local import read_indicator_file
from dana.sources.ndtms import read_viewit_export
from dana.sources.ons_deaths import read_drug_poisoning_by_la
from dana.sources.ons_population import adults, all_ages, read_mye_syoa, to_age_bands
from dana.sources.ons_projections import projection_table, read_snpp


@dataclass(frozen=True)
class SourceType:
    """What one ``type:`` of source entry needs."""

    description: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    #: Keys naming files (resolved and checked for existence).
    files: tuple[str, ...] = ()


SOURCE_TYPES: dict[str, SourceType] = {
    "viewit": SourceType(
        "an NDTMS ViewIt adult export (CSV)", ("path",), ("lookup",), ("path", "lookup")
    ),
    "ons_drug_poisoning": SourceType(
        "the ONS deaths related to drug poisoning by local authority table (CSV)",
        ("path",),
        files=("path",),
    ),
    "ons_population": SourceType(
        "an ONS/Nomis mid-year population file by single year of age (CSV)",
        ("path",),
        ("year",),
        ("path",),
    ),
    "alcohol_dependence": SourceType(
        "the PHE estimates of alcohol-dependent adults (CSV)", ("path",), files=("path",)
    ),
    "imd_utla": SourceType(
        "IoD File 11, upper-tier local authority summaries (XLSX)",
        ("path",),
        ("year",),
        ("path",),
    ),
    "imd_lad": SourceType(
        "IoD File 10, local authority district summaries in long form (CSV)",
        ("path",),
        files=("path",),
    ),
    "local": SourceType(
        "a local indicator file in DANA's template (CSV/XLSX)", ("path",), ("sheet",), ("path",)
    ),
    "fingertips_cache": SourceType(
        "the Fingertips cache written by `dana fetch`", (), ("cache_dir",)
    ),
    "census_ethnic_group": SourceType(
        "an ONS Census 2021 (TS021) or 2011 (KS201EW) ethnic-group table (CSV)",
        ("path",),
        files=("path",),
    ),
    "ons_projections": SourceType(
        "an ONS subnational population projections population file (CSV)",
        ("path",),
        ("area", "base_year"),
        ("path",),
    ),
    "records": SourceType(
        "record-level extracts (HES APC, death registrations, NDTMS treatment episodes)",
        (),
        # = dana.records.source.KEYS (not imported here: it would load ibis for every config)
        (
            "hes",
            "deaths",
            "treatment",
            "year",
            "last_year",
            "engine",
            "lsoa_lookup",
            "imd",
            "population",
        ),  # fmt: skip
        ("lsoa_lookup", "imd", "population"),
    ),
    "default": SourceType("the embedded default data (synthetic, not real)"),
    "cambridgeshire_peterborough": SourceType(
        "the transcribed Cambridgeshire & Peterborough 2021/22 figures"
    ),
}
_COMMON_KEYS = ("type", "all_measures")

#: Importer id -> catalogue id, where both are the same measure (see the module docstring).
CATALOGUE_IDS = {
    "ons:drug_poisoning_deaths": "ons:drug_poisoning_deaths_count",
    "imd2019:imd:average_score": "93553",
    "imd2025:imd:average_score": "94240",
    "ndtms:in_treatment": "ndtms:number_in_treatment",
    "ndtms:in_treatment:alcohol_only": "ndtms:number_in_treatment_alcohol",
    "ndtms:new_presentations:alcohol_only": "ndtms:new_presentations_alcohol",
}
#: Importer ids kept because a derived indicator is built from them.
DERIVATION_INPUTS = (
    "ndtms:in_treatment:opiate",
    "ndtms:in_treatment:non_opiate_only",
    "ndtms:in_treatment:non_opiate_and_alcohol",
)
POPULATION_ALL_AGES = "ons:population_all_ages"
POPULATION_18_PLUS = "ons:population_18_plus"
#: Broad age groups of the population breakdown (they partition all ages).
AGE_GROUPS = (("0-17", 0, 17), ("18-24", 18, 24), ("25-64", 25, 64), ("65+", 65, None))
AGE_GROUP_TYPE = "Age group"
AGE_BAND_TYPE = "Age band (ESP2013)"

_VARIABLE = re.compile(r"\$(\w+|\{[^}]*\})")


def resolve_path(text: str, base_dir: str | Path) -> Path:
    """A path from a config: ``~`` and ``$VAR``/``${VAR}`` expanded, relative to ``base_dir``.

    An environment variable that is not set is a :class:`ValueError` naming it.
    """
    unset = [
        name.strip("{}")
        for name in _VARIABLE.findall(str(text))
        if name.strip("{}") not in os.environ
    ]
    if unset:
        raise ValueError(
            f"environment variable {unset[0]} is not set (it is used in the path {text!r}); "
            "set it, or give the folder with --data-root"
        )
    path = Path(os.path.expandvars(str(text))).expanduser()
    return path if path.is_absolute() else Path(base_dir) / path


def check_spec(spec: Mapping, base_dir: str | Path) -> list[tuple[str, str]]:
    """Problems with one source entry, without reading it: ``[(key, problem), ...]``.

    Checks the type is known, required keys are present, no key is unknown, and every
    file named exists. ``key`` is the entry's key at fault ("" for the entry itself).
    """
    if not isinstance(spec, Mapping):
        return [("", f"expected a mapping such as {{type: default}}, got {spec!r}")]
    kind = spec.get("type")
    if kind not in SOURCE_TYPES:
        known = ", ".join(SOURCE_TYPES)
        return [("type", f"unknown source type {kind!r}; known types: {known}")]
    rule = SOURCE_TYPES[kind]
    problems = [(key, f"required for type {kind}") for key in rule.required if key not in spec]
    allowed = set(rule.required) | set(rule.optional) | set(_COMMON_KEYS)
    problems += [(key, f"unknown key for type {kind}") for key in spec if key not in allowed]
    for key in rule.files:
        if spec.get(key) in (None, ""):
            continue
        try:
            path = resolve_path(str(spec[key]), base_dir)
        except ValueError as exc:
            problems.append((key, str(exc)))
            continue
        if not path.is_file():
            problems.append((key, f"file not found: {path}"))
    if "all_measures" in spec and not isinstance(spec["all_measures"], bool):
        problems.append(("all_measures", "must be true or false"))
    return problems


def describe(spec: Mapping) -> str:
    """A short label for messages: ``ons_population (…/population20_utla20.csv)``."""
    path = spec.get("path")
    return f"{spec.get('type')} ({path})" if path else str(spec.get("type"))


def read_source(spec: Mapping, base_dir: str | Path = ".") -> pd.DataFrame:
    """Read one source entry into a validated indicator table (see the module docstring)."""
    problems = check_spec(spec, base_dir)
    if problems:
        key, problem = problems[0]
        raise SourceFileError(
            spec.get("path", "data source") if isinstance(spec, Mapping) else spec,
            f"{key + ': ' if key else ''}{problem}",
        )
    kind = spec["type"]
    path = resolve_path(str(spec["path"]), base_dir) if "path" in spec else None
    try:
        rows = _READERS[kind](spec, path, base_dir)
    except SourceFileError as exc:
        # keep the file, row and column; say what the file was read as
        detail = str(exc).split(": ", 1)[-1] if str(exc).startswith(exc.path) else str(exc)
        raise SourceFileError(
            exc.path,
            f"{detail} (read as {SOURCE_TYPES[kind].description}, type {kind})",
            row=exc.row,
            column=exc.column,
        ) from exc
    except (SourceError, ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        where = path if path is not None else kind
        raise SourceFileError(
            where, f"cannot be read as {SOURCE_TYPES[kind].description} (type {kind}): {exc}"
        ) from exc
    if kind in ("imd_utla", "imd_lad", "viewit") and not spec.get("all_measures", False):
        rows = _keep_catalogue_measures(rows)
    rows = _to_catalogue_ids(rows)
    return table.validate(table.coerce(rows), where=describe(spec))


def read_population(spec: Mapping, base_dir: str | Path = ".") -> pd.DataFrame:
    """The population frame of an ``ons_population`` entry (see :mod:`dana.sources.ons_population`)."""
    if spec.get("type") != "ons_population":
        raise SourceFileError(spec.get("path", "data source"), "not an ons_population entry")
    path = resolve_path(str(spec["path"]), base_dir)
    try:
        return read_mye_syoa(path, year=spec.get("year"))
    except SourceFileError:
        raise
    except (SourceError, ValueError, KeyError, OSError) as exc:
        raise SourceFileError(
            path, f"cannot be read as {SOURCE_TYPES['ons_population'].description}: {exc}"
        ) from exc


def population_rows(pop: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows from a population frame: all ages (with age breakdowns) and 18+.

    Per area, year and sex: ``ons:population_all_ages`` (age "All ages"), its breakdown
    by :data:`AGE_GROUPS` (category_type "Age group") and by the 19 ESP2013 bands
    (category_type "Age band (ESP2013)"), and ``ons:population_18_plus`` (age "18+ yrs").
    A sum over any unknown single year of age is unknown (NaN), never an undercount.
    """
    everyone = all_ages(pop).assign(indicator_id=POPULATION_ALL_AGES, category_type="", category="")
    groups = to_age_bands(pop, [(label, lo, hi) for label, lo, hi in AGE_GROUPS]).assign(
        indicator_id=POPULATION_ALL_AGES, category_type=AGE_GROUP_TYPE
    )
    bands = to_age_bands(pop, "esp2013").assign(
        indicator_id=POPULATION_ALL_AGES, category_type=AGE_BAND_TYPE
    )
    breakdowns = pd.concat([groups, bands], ignore_index=True)
    breakdowns = breakdowns.assign(category=breakdowns["age"] + " yrs", age="All ages")
    grown = adults(pop).assign(indicator_id=POPULATION_18_PLUS, category_type="", category="")
    rows = pd.concat([everyone, breakdowns, grown], ignore_index=True)
    names = {
        POPULATION_ALL_AGES: "Resident population, all ages (ONS mid-year estimate)",
        POPULATION_18_PLUS: "Resident population aged 18 and over (ONS mid-year estimate)",
    }
    out = pd.DataFrame(
        {
            "indicator_id": rows["indicator_id"],
            "indicator_name": rows["indicator_id"].map(names),
            "area_code": rows["area_code"],
            "area_name": rows["area_name"],
            "area_type": rows["area_code"].map(_read.area_type),
            "parent_code": rows["area_code"].map(_read.parent_code),
            "period": rows["year"].astype(str),
            "period_sort": rows["year"].astype("int64") * 10000,
            "sex": rows["sex"],
            "age": rows["age"],
            "category_type": rows["category_type"],
            "category": rows["category"],
            "count": rows["population"],
            "value": rows["population"],
            "value_note": np.where(
                rows["population"].isna(), "Not available from the publisher", ""
            ),
            "polarity": "no_judgement",
            "value_type": "count",
            "multiplier": 1.0,
            "unit": "count",
            "source": pop.attrs.get("source", "ONS mid-year population estimates"),
            "retrieved": pop.attrs.get("retrieved", ""),
        }
    )
    return table.validate(table.coerce(out), where="population rows")


def _keep_catalogue_measures(rows: pd.DataFrame) -> pd.DataFrame:
    keep = rows["indicator_id"].isin([*CATALOGUE_IDS, *DERIVATION_INPUTS])
    left_out = rows.loc[~keep, "indicator_id"].nunique()
    kept = rows[keep].reset_index(drop=True)
    summary = rows.attrs.get("import_summary")
    note = (
        f"{left_out} measure(s) ({int((~keep).sum())} rows) not used by the assessment left "
        "out; set all_measures: true to keep them"
    )
    kept.attrs["import_summary"] = summary
    if summary is not None and left_out and hasattr(summary, "note"):
        summary.note(note)
    return kept


def _to_catalogue_ids(rows: pd.DataFrame) -> pd.DataFrame:
    mapped = rows["indicator_id"].isin(list(CATALOGUE_IDS))
    if not mapped.any():
        return rows
    catalogue = load_catalogue()
    out = rows.copy()
    out.loc[mapped, "indicator_id"] = out.loc[mapped, "indicator_id"].map(CATALOGUE_IDS)
    for old, new in CATALOGUE_IDS.items():
        if new not in catalogue:
            continue
        entry = catalogue.get(new)
        these = out["indicator_id"].eq(new) & rows["indicator_id"].eq(old)
        if not these.any():
            continue
        out.loc[these, "indicator_name"] = entry.name
        out.loc[these, "polarity"] = entry.polarity
        out.loc[these, "value_type"] = entry.value_type
        out.loc[these, "multiplier"] = float(entry.multiplier)
        out.loc[these, "unit"] = entry.unit
    return out


# --- readers: one per type ---------------------------------------------------------------


def _viewit(spec, path, base_dir):
    lookup = spec.get("lookup")
    return read_viewit_export(path, None if lookup is None else resolve_path(lookup, base_dir))


def _drug_poisoning(spec, path, base_dir):
    return read_drug_poisoning_by_la(path, england_only=True)


def _population(spec, path, base_dir):
    return population_rows(read_population(spec, base_dir))


def _alcohol_dependence(spec, path, base_dir):
    return read_alcohol_dependence_estimates(path)


def _imd_utla(spec, path, base_dir):
    return read_imd_utla(path, year=int(spec.get("year", 2019)))


def _imd_lad(spec, path, base_dir):
    return read_imd_lad(path)


def _local(spec, path, base_dir):
    return read_indicator_file(path, sheet=spec.get("sheet"))


def _fingertips_cache(spec, path, base_dir):
    cache_dir = spec.get("cache_dir")
    return cached_table(cache_dir=None if cache_dir is None else resolve_path(cache_dir, base_dir))


def _census(spec, path, base_dir):
    return read_census_ethnic_group(path)


def _projections(spec, path, base_dir):
    base_year = spec.get("base_year")
    projection = read_snpp(
        path, area_code=spec.get("area"), base_year=None if base_year is None else int(base_year)
    )
    return projection_table(projection)


def _records(spec, path, base_dir):
    from dana.records import RecordsError  # deferred: the engine loads ibis and DuckDB
    from dana.records.source import read_records_source

    try:
        return read_records_source(spec, lambda key: resolve_path(str(spec[key]), base_dir))
    except RecordsError as exc:
        raise SourceFileError("records source", str(exc)) from exc


def _default(spec, path, base_dir):
    return load_default_table()


def _cp_example(spec, path, base_dir):
    return load_cp_example()


_READERS = {
    "viewit": _viewit,
    "ons_drug_poisoning": _drug_poisoning,
    "ons_population": _population,
    "alcohol_dependence": _alcohol_dependence,
    "imd_utla": _imd_utla,
    "imd_lad": _imd_lad,
    "local": _local,
    "fingertips_cache": _fingertips_cache,
    "census_ethnic_group": _census,
    "ons_projections": _projections,
    "records": _records,
    "default": _default,
    "cambridgeshire_peterborough": _cp_example,
}
