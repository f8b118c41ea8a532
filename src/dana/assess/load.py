"""The data an assessment is built from: the indicator table and the population pyramid.

:func:`load_table` reads every source the config names into one validated indicator
table (:mod:`dana.table`), with DANA's derived indicators added; :func:`load_population`
gives the single-year population behind the pyramid chart when the embedded default
data is used. A source that cannot be read is a :class:`ConfigError` naming its config
key and file.
"""

from __future__ import annotations

import pandas as pd

from dana import table as indicator_table
from dana.assess.config import AssessmentConfig, ConfigError
from dana.assess.derived import add_derived
from dana.assess.provenance import is_synthetic
from dana.data.default import load_cp_example, load_default_table
from dana.data.default import load_population as load_default_population
from dana.sources.cache import cached_table
from dana.sources.errors import SourceError
from dana.sources.local import read_indicator_file
from dana.sources.registry import describe, read_source


def load_table(config: AssessmentConfig) -> pd.DataFrame:
    """The indicator table the config names, with DANA's derived indicators added.

    Sources are read in order: ``data.builtin``, the Fingertips cache, ``local_files``,
    then each ``data.sources`` entry (:func:`dana.sources.registry.read_source`). A later
    source takes precedence for the same key (indicator, area, period, sex, age,
    category), so a local file can correct the default; and when a source that is not
    synthetic provides an indicator, every synthetic row of that indicator is dropped, so
    a real area value is never benchmarked against a synthetic England or neighbours.
    Then :func:`dana.assess.derived.add_derived` adds the indicators computed from
    others (crude drug-death rates, adults in drug treatment). A source that cannot be
    read, or a Fingertips cache with nothing in it, is a :class:`ConfigError` naming its
    config key and file.
    """
    frames = _read_sources(config)
    key = list(indicator_table.KEY)
    combined: pd.DataFrame | None = None
    for _, frame in frames:
        frame = indicator_table.coerce(frame)
        if combined is None:
            combined = frame
            continue
        keep = combined.merge(frame[key], on=key, how="left", indicator=True)["_merge"]
        keep = (keep == "left_only").to_numpy().copy()
        real = frame[~frame["source"].map(is_synthetic).astype(bool)]
        keep &= ~(
            combined["indicator_id"].isin(set(real["indicator_id"]))
            & combined["source"].map(is_synthetic).astype(bool)
        ).to_numpy()
        combined = pd.concat([combined[keep], frame], ignore_index=True)
    return indicator_table.validate(
        add_derived(combined), where=" + ".join(name for name, _ in frames)
    )


def _read_sources(config: AssessmentConfig) -> list[tuple[str, pd.DataFrame]]:
    """``(description, table)`` of every source the config names, in precedence order."""
    frames: list[tuple[str, pd.DataFrame]] = []
    builtin = config.data.builtin
    if builtin == "default":
        frames.append(("the embedded default data", load_default_table()))
    elif builtin == "cambridgeshire-peterborough":
        frames.append(("the Cambridgeshire & Peterborough example", load_cp_example()))
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
