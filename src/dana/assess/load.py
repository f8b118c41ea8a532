"""The data an assessment is built from: the indicator table and the population pyramid.

:func:`load_table` reads every source the config names into one validated indicator
table (:mod:`dana.table`), with DANA's derived indicators added; :func:`load_population`
gives the single-year population behind the pyramid chart when the embedded default
data is used. A source that cannot be read is a :class:`ConfigError` naming its config
key and file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import table as indicator_table
from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.derived import add_derived
from dana.assess.provenance import is_synthetic
from dana.data.default import load_default_table, load_depth_table
from dana.data.default import load_population as load_default_population
from dana.data.frame_cache import cached_frame
from dana.data.published_tables import load_published_table
from dana.sources.cache import cached_table
from dana.sources.errors import SourceError
from dana.sources.local import read_indicator_file
from dana.sources.registry import describe, read_source


def load_table(config: AssessmentConfig, *, depth: bool = True) -> pd.DataFrame:
    """The indicator table the config names, with DANA's derived indicators added.

    Sources are read in order: ``data.builtin``, the Fingertips cache, ``local_files``,
    then each ``data.sources`` entry (:func:`dana.sources.registry.read_source`); the
    embedded default data always comes with its depth rows (client profiles, pathways,
    Census groups, districts, projections, deprivation deciles: :data:`DEPTH`; left out
    with ``depth=False``). A later
    source takes precedence for the same key (indicator, area, period, sex, age,
    category), so a local file can correct the default; and when a source that is not
    synthetic provides an indicator, every synthetic row of that indicator is dropped, so
    a real area value is never benchmarked against a synthetic England or neighbours.
    Then :func:`dana.assess.derived.add_derived` adds the indicators computed from
    others (crude drug-death rates, adults in drug treatment). Every source is validated
    by its reader (:func:`dana.table.validate`), so the combination is checked only where
    it can newly fail: the derived rows are validated and the keys must be unique (the
    full validation then names any duplicate). A source that cannot be
    read, or a Fingertips cache with nothing in it, is a :class:`ConfigError` naming its
    config key and file.

    The embedded default alone (``data.builtin: default`` and no other source) depends
    on nothing but the package, so its combined table is made once and kept with the
    packaged tables (:func:`dana.data.frame_cache.cached_frame`): stacking, joining and
    deriving it was a tenth of every default build.
    """
    if _default_alone(config):
        label = "combined" if depth else "combined-headline"
        return cached_frame(label, lambda: _combine(_read_sources(config), depth=depth))
    return _combine(_read_sources(config), depth=depth)


def _default_alone(config: AssessmentConfig) -> bool:
    """True when the config reads the embedded default data and nothing else."""
    data = config.data
    return (
        data.builtin == "default"
        and not data.fingertips_cache
        and not data.local_files
        and not data.sources
    )


def _combine(frames: list[tuple[str, pd.DataFrame]], *, depth: bool) -> pd.DataFrame:
    """The sources' tables as one table (see :func:`load_table`)."""
    if not depth:
        frames = [(name, frame) for name, frame in frames if name != DEPTH]
    key = list(indicator_table.KEY)
    combined: pd.DataFrame | None = None
    for _, frame in frames:
        frame = indicator_table.coerce(frame)
        if combined is None:
            combined = frame
            continue
        keep = ~_replaced(combined, frame, key)
        real = frame[~_synthetic_rows(frame)]
        keep &= ~(
            combined["indicator_id"].isin(set(real["indicator_id"])).to_numpy()
            & _synthetic_rows(combined)
        )
        combined = pd.concat([combined[keep], frame], ignore_index=True)
    where = " + ".join(name for name, _ in frames)
    combined = indicator_table.one_chunk(combined)  # add_derived filters it often
    complete = add_derived(combined)
    if len(complete) > len(combined):
        indicator_table.validate(
            complete.iloc[len(combined) :].reset_index(drop=True), where=f"{where}: derived"
        )
    if _has_duplicate_keys(complete, key):
        indicator_table.validate(complete, where=where)  # names the duplicated rows
    return indicator_table.one_chunk(complete)


def _has_duplicate_keys(frame: pd.DataFrame, key: list[str]) -> bool:
    """True when two rows share a key: candidates by a 64-bit hash, confirmed on the key."""
    hashes = pd.util.hash_pandas_object(frame[key], index=False)
    candidates = hashes.duplicated(keep=False).to_numpy()
    if not candidates.any():
        return False
    return bool(frame.loc[candidates, key].duplicated().any())


def _replaced(combined: pd.DataFrame, frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """True for the rows of ``combined`` whose key ``frame`` has too.

    Rows are first matched by a 64-bit hash of their key (fast on large tables), then
    the few candidates are confirmed on the key itself, so a hash collision can never
    drop a row.
    """
    candidate = np.zeros(len(combined), dtype=bool)
    shared = set(combined["indicator_id"].unique()) & set(frame["indicator_id"].unique())
    if not shared:
        return candidate  # no indicator in common: no key in common
    mine_rows = combined["indicator_id"].isin(shared).to_numpy()
    theirs = frame[frame["indicator_id"].isin(shared)]
    mine = pd.util.hash_pandas_object(combined.loc[mine_rows, key], index=False).to_numpy()
    other = pd.util.hash_pandas_object(theirs[key], index=False).to_numpy()
    candidate[mine_rows] = np.isin(mine, other)
    if not candidate.any():
        return candidate
    rows = np.flatnonzero(candidate)
    exact = combined.iloc[rows][key].merge(frame[key], on=key, how="left", indicator=True)
    confirmed = np.zeros(len(combined), dtype=bool)
    confirmed[rows] = (exact["_merge"] == "both").to_numpy()
    return confirmed


def _synthetic_rows(frame: pd.DataFrame) -> np.ndarray:
    """True for rows whose source is DANA's synthetic generator (one test per source)."""
    sources = frame["source"].astype(str)
    synthetic = [s for s in sources.unique() if is_synthetic(s)]
    return sources.isin(synthetic).to_numpy()


#: The embedded default's profiles, pathways, Census groups, districts, projections and
#: deprivation deciles (``load_depth_table``): read with the default data wherever it is.
DEPTH = "the embedded default data (profiles, pathways and population)"


def uses_default_data(config: AssessmentConfig) -> bool:
    """True when the config reads the embedded (synthetic) default data."""
    return config.data.builtin == "default" or any(
        spec.get("type") == "default" for spec in config.data.sources
    )


def _read_sources(config: AssessmentConfig) -> list[tuple[str, pd.DataFrame]]:
    """``(description, table)`` of every source the config names, in precedence order."""
    frames: list[tuple[str, pd.DataFrame]] = []
    builtin = config.data.builtin
    if builtin == "default":
        frames.append(("the embedded default data", load_default_table()))
        frames.append((DEPTH, load_depth_table()))
    elif builtin == "cambridgeshire-peterborough":  # the C&P summary's printed figures
        frames.append(
            (
                "the Cambridgeshire & Peterborough example",
                load_published_table("cambridgeshire_peterborough"),
            )
        )
    elif builtin == "coventry":  # Coventry's printed figures
        frames.append(("the Coventry example", load_published_table("coventry")))
    if config.data.fingertips_cache:
        folder = config.fingertips_cache_dir()
        cached = cached_table(cache_dir=folder)
        if cached.empty:
            raise ConfigError(
                f"data.fingertips_cache: the Fingertips cache {folder} holds no downloaded "
                "indicator data: run `dana fetch` first, or set data.cache_dir"
            )
        frames.append(("the Fingertips cache", cached))
    for name in config.data.local_files:
        frames.append((name, read_indicator_file(config.path(name))))
    root = config.data_root()
    for position, spec in enumerate(config.data.sources):
        try:
            frames.append((describe(spec), read_source(spec, root)))
        except (SourceError, indicator_table.IndicatorTableError) as exc:
            raise ConfigError(f"data.sources[{position}] ({spec.get('type')}): {exc}") from exc
        if spec.get("type") == "default":
            frames.append((DEPTH, load_depth_table()))
    if not frames:
        raise ConfigError("data: no data source is configured (builtin: none and no files)")
    return frames


def load_population(config: AssessmentConfig, area_code: str) -> tuple[pd.DataFrame | None, str]:
    """The latest year of an area's population by age band and sex (columns ``age``,
    ``sex``, ``population``) and that year, for the pyramid chart; ``(None, "")`` unless
    the config uses the embedded default data, which carries it."""
    if config.data.builtin != "default":
        return None, ""
    return _latest_population(load_default_population(area_code))


def _latest_population(population: pd.DataFrame | None) -> tuple[pd.DataFrame | None, str]:
    """The latest year of a population table, with ``age`` (from ``age_band`` if needed),
    and that year as a label ('' when the table has no year)."""
    if population is None or population.empty:
        return None, ""
    frame = (
        population.rename(columns={"age_band": "age"}) if "age" not in population else population
    )
    if "year" not in frame:
        return frame, ""
    latest = frame["year"].max()
    return frame[frame["year"] == latest].reset_index(drop=True), str(latest)
