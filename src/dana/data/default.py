"""The embedded default data: what DANA shows before any real data is loaded.

* :func:`load_default_table` - the synthetic indicator table written by
  :mod:`dana.data.synthetic` (England, 9 regions, 153 upper-tier LAs, every catalogue
  indicator except those only real publications supply (``real_data_only: true`` in the
  catalogue), up to 12 periods each; **not real data**, labelled so in ``source`` and
  ``value_note``), with the real transcribed Cambridgeshire & Peterborough 2021/22
  figures overlaid (``overlays=True``) where they share a row key. The generator uses
  the same figures as anchors (:func:`dana.data.synthetic.default_anchors`): each
  anchored synthetic series already passes through the real value, so the overlay
  changes the citation, not the trend.
* :data:`DEFAULT_AREA` - Peterborough (E06000031): a unitary authority (no district
  complications) whose 2021/22 treatment figures are transcribed from the seed
  needs assessment, so the default report shows some real numbers for its own area.
* :func:`load_population` - synthetic residents by ESP2013 5-year band and sex, for the
  population pyramid of any area in the table.
* :func:`load_cp_example` and :func:`load_published_figures` (from
  :mod:`dana.data.transcribed`) - the transcribed figures alone.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from dana import table
from dana.catalogue import load_catalogue
from dana.data.frame_cache import cached_frame
from dana.data.packaged import DefaultDataError, read_packaged_columns, read_packaged_csv
from dana.data.transcribed import CP_SOURCE, load_cp_example, load_published_figures

__all__ = [
    "CP_SOURCE",
    "DEFAULT_AREA",
    "INDICATORS_FILE",
    "POPULATION_FILE",
    "DEPTH_FILE",
    "PROJECTIONS_FILE",
    "DefaultDataError",
    "load_cp_example",
    "load_default_table",
    "load_depth_table",
    "load_projection",
    "load_population",
    "load_published_figures",
]

DEFAULT_AREA = "E06000031"  # Peterborough
#: The generator's output files (written by ``python -m dana.data.synthetic``).
INDICATORS_FILE = "default_indicators.csv.gz"
POPULATION_FILE = "default_population.csv.gz"
DEPTH_FILE = "default_depth.csv.gz"
PROJECTIONS_FILE = "default_projections.csv.gz"


def _read_table(name: str) -> pd.DataFrame:
    frame = read_packaged_columns(name, table.STRING_COLUMNS, table.FLOAT_COLUMNS)
    return table.validate(table.coerce(frame), where=f"dana/data/{name}")


@lru_cache(maxsize=1)
def _synthetic_table() -> pd.DataFrame:
    return _read_table(INDICATORS_FILE)


@lru_cache(maxsize=1)
def _depth_table() -> pd.DataFrame:
    return cached_frame("depth", lambda: _read_table(DEPTH_FILE))


def load_depth_table() -> pd.DataFrame:
    """The embedded depth data (synthetic, a fresh copy), in the breakdown convention.

    Client profiles and pathways (``ndtms:in_treatment``, ``ndtms:new_presentations``,
    ``ndtms:exits``, ``ndtms:first_interventions``, each ``:<substance group>`` too, and
    ``ndtms:yp_in_treatment``: headline counts every year, breakdowns in the latest),
    Census 2021 ethnic groups (``ons:census2021_usual_residents``), the districts of
    two-tier counties (population, Census 2021, IMD 2019) and population projections by
    year. Coherent with :func:`load_default_table` (one run of the generator); kept in
    its own file so the default report only shows it once its sections exist.
    """
    return _depth_table().copy()


def load_projection(area_code: str = DEFAULT_AREA) -> pd.DataFrame:
    """Synthetic projected residents of one area by ESP2013 band, sex and year.

    Columns: ``area_code, area_name, base_year, year, age_band, sex, population, source``.
    """
    rows = _projections()
    rows = rows[rows["area_code"] == area_code]
    if rows.empty:
        raise KeyError(
            f"no default projection for area {area_code!r} (UTLAs, regions and England only)"
        )
    return rows.reset_index(drop=True).copy()


@lru_cache(maxsize=1)
def _projections() -> pd.DataFrame:
    return table.one_chunk(
        read_packaged_csv(
            PROJECTIONS_FILE,
            dtype={"area_code": str, "area_name": str, "age_band": str, "sex": str},
        )
    )


def load_default_table(*, overlays: bool = True) -> pd.DataFrame:
    """The default indicator table (a fresh copy; safe to modify).

    With ``overlays`` the transcribed real figures (:func:`load_cp_example`) replace the
    synthetic rows with the same key (indicator, area, period, sex, age, category);
    transcribed figures for indicators outside the catalogue are not added.
    """
    if not overlays:
        return _synthetic_table().copy()
    return _overlaid_table().copy()


@lru_cache(maxsize=1)
def _overlaid_table() -> pd.DataFrame:
    """The synthetic table with the transcribed real figures overlaid (made once, kept
    on disk between runs: :mod:`dana.data.frame_cache`)."""
    return cached_frame("indicators", _overlay)


def _overlay() -> pd.DataFrame:
    synthetic = _synthetic_table()
    real = load_cp_example()
    real = real[real["indicator_id"].isin(load_catalogue().ids)]
    key = list(table.KEY)
    replaced = synthetic.set_index(key).index.isin(real.set_index(key).index)
    combined = pd.concat([synthetic[~replaced], real], ignore_index=True)
    combined = combined.sort_values(
        ["indicator_id", "area_code", "period_sort", "category"], kind="mergesort"
    )
    return table.validate(combined.reset_index(drop=True), where="default table with overlays")


def load_population(area_code: str = DEFAULT_AREA, year: int | None = None) -> pd.DataFrame:
    """Synthetic population of one area by ESP2013 5-year band and sex (for a pyramid).

    Columns: ``area_code, area_name, year, age_band, sex, population, source``; bands in
    age order (0-4 ... 90+), Male then Female. ``year`` defaults to the latest year.
    """
    population = _population()
    rows = population[population["area_code"] == area_code]
    if rows.empty:
        raise KeyError(
            f"no default population for area {area_code!r} (UTLAs, regions and England only)"
        )
    chosen = int(rows["year"].max()) if year is None else year
    rows = rows[rows["year"] == chosen]
    if rows.empty:
        years = sorted(population["year"].unique())
        raise KeyError(
            f"no default population for {area_code} in {year}; years {years[0]}-{years[-1]}"
        )
    return rows.reset_index(drop=True).copy()


@lru_cache(maxsize=1)
def _population() -> pd.DataFrame:
    frame = read_packaged_csv(
        POPULATION_FILE, dtype={"area_code": str, "area_name": str, "age_band": str, "sex": str}
    )
    return frame
