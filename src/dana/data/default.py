"""The embedded default data: what DANA shows before any real data is loaded.

* :func:`load_default_table` - the synthetic indicator table written by
  :mod:`dana.data.synthetic` (England, 9 regions, 153 upper-tier LAs, every catalogue
  indicator except those only real publications supply
  (:data:`dana.sources.registry.REAL_DATA_ONLY_IDS`), up to 12 periods each; **not real
  data**, labelled so in ``source`` and ``value_note``), with the real transcribed Cambridgeshire & Peterborough 2021/22
  figures overlaid (``overlays=True``) where they share a row key. The generator uses
  the same figures as anchors (:func:`dana.data.synthetic.default_anchors`): each
  anchored synthetic series already passes through the real value, so the overlay
  changes the citation, not the trend.
* :data:`DEFAULT_AREA` - Peterborough (E06000031): a unitary authority (no district
  complications) whose 2021/22 treatment figures are transcribed from the seed
  needs assessment, so the default report shows some real numbers for its own area.
* :func:`load_population` - synthetic residents by ESP2013 5-year band and sex, for the
  population pyramid of any area in the table.
* :func:`load_cp_example` - the transcribed figures alone, as an indicator table.
* :func:`load_published_figures` - figures transcribed from the seed needs assessments
  with the inputs they were printed with (for checking DANA's statistics against them).

Overlaid and transcribed rows keep the published (rounded) value. Where the report gives
a count and a rate, the population is backed out (count / rate x 100,000) and 95% /
99.8% limits are computed from it with :func:`dana.stats.rate`; ``value_note`` says so.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from dana import stats, table
from dana.areas import load_areas
from dana.catalogue import load_catalogue
from dana.data.synthetic import INDICATORS_FILE, POPULATION_FILE

DEFAULT_AREA = "E06000031"  # Peterborough
CP_SEED_FILE = "seed_cp_2021_22.csv"
CP_SOURCE = (
    "Cambridgeshire and Peterborough Public Health Intelligence Team, Drugs and Alcohol "
    "Needs Assessment for Cambridgeshire and Peterborough: summary report (March 2023)"
)
CP_RETRIEVED = "2023-03"
_DERIVED_NOTE = (
    "Published value; 95%/99.8% limits computed by DANA (Byar) from the published count "
    "and a population derived from the published rate"
)


class DefaultDataError(RuntimeError):
    """A packaged data file is missing or broken (regenerate with python -m dana.data.synthetic)."""


def _read_packaged_csv(name: str, **kwargs) -> pd.DataFrame:
    resource = resources.files("dana.data").joinpath(name)
    try:
        payload = resource.read_bytes()
    except FileNotFoundError:
        raise DefaultDataError(
            f"packaged data file dana/data/{name} is missing; run `python -m dana.data.synthetic`"
        ) from None
    compression = "gzip" if name.endswith(".gz") else None
    return pd.read_csv(io.BytesIO(payload), compression=compression, **kwargs)


@lru_cache(maxsize=1)
def _synthetic_table() -> pd.DataFrame:
    frame = _read_packaged_csv(
        INDICATORS_FILE,
        dtype={c: str for c in table.STRING_COLUMNS},
        keep_default_na=False,
        na_values={c: [""] for c in table.FLOAT_COLUMNS},
    )
    return table.validate(table.coerce(frame), where=f"dana/data/{INDICATORS_FILE}")


def load_default_table(*, overlays: bool = True) -> pd.DataFrame:
    """The default indicator table (a fresh copy; safe to modify).

    With ``overlays`` the transcribed real figures (:func:`load_cp_example`) replace the
    synthetic rows with the same key (indicator, area, period, sex, age, category);
    transcribed figures for indicators outside the catalogue are not added.
    """
    synthetic = _synthetic_table().copy()
    if not overlays:
        return synthetic
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
    frame = _read_packaged_csv(
        POPULATION_FILE, dtype={"area_code": str, "area_name": str, "age_band": str, "sex": str}
    )
    return frame


def load_cp_example() -> pd.DataFrame:
    """Transcribed Cambridgeshire, Peterborough and England 2021/22 figures (indicator table).

    ``source`` cites the report and its section/slide; the published value is kept. For
    rows with a published count and a derived population the limits come from
    :func:`dana.stats.rate`; other rows have no limits (the report gives none).
    """
    seed = _read_packaged_csv(CP_SEED_FILE, comment="#", dtype=str, keep_default_na=False)
    areas = load_areas()
    numeric = {
        c: pd.to_numeric(seed[c].replace("", np.nan))
        for c in ("count", "denominator", "value", "multiplier")
    }
    frame = pd.DataFrame(
        {
            "indicator_id": seed["indicator_id"],
            "indicator_name": seed["indicator_name"],
            "area_code": seed["area_code"],
            "area_name": seed["area_name"],
            "area_type": [areas.get(c).area_type for c in seed["area_code"]],
            "parent_code": [areas.get(c).parent_code for c in seed["area_code"]],
            "period": seed["period"],
            "period_sort": seed["period"].str[:4].astype(int) * 10000,
            "age": seed["age"],
            **numeric,
            "polarity": seed["polarity"],
            "value_type": seed["value_type"],
            "unit": seed["unit"],
            "source": CP_SOURCE + ", " + seed["section"],
            "retrieved": CP_RETRIEVED,
        }
    )
    frame = table.coerce(frame)
    derived = (seed["denominator_status"] == "derived").to_numpy() & frame[
        "count"
    ].notna().to_numpy()
    if derived.any():
        limits = stats.rate(
            frame.loc[derived, "count"].to_numpy(),
            frame.loc[derived, "denominator"].to_numpy(),
            confidence=(0.95, 0.998),
            multiplier=100_000,
        )
        for column in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
            frame.loc[derived, column] = limits[column].to_numpy()
        frame.loc[derived, "value_note"] = _DERIVED_NOTE
    return table.validate(frame, where=f"dana/data/{CP_SEED_FILE}")


PUBLISHED_FIGURES_FILE = "seed_published_figures.csv"


def load_published_figures() -> pd.DataFrame:
    """Figures transcribed from the seed needs assessments with the inputs they were printed with.

    One row per published result (rate, percentage, unmet need, percentage change,
    benefit-cost ratio...): ``figure_id``, the seed document and locator, the quoted
    sentence, inputs ``x`` / ``n`` / ``multiplier``, ``published`` and ``rounding_dp``,
    and ``status`` (whether the report's own arithmetic reproduces). The header of
    ``dana/data/seed_published_figures.csv`` defines every column and cites each document.
    A pure read of the packaged file: a fresh DataFrame, no computation.
    """
    text_columns = (
        "figure_id", "seed", "document", "locator", "area", "period", "calculation",
        "x_label", "n_label", "published_as_printed", "status", "note", "quote",
    )  # fmt: skip
    return _read_packaged_csv(
        PUBLISHED_FIGURES_FILE,
        comment="#",
        dtype={c: str for c in text_columns},
        keep_default_na=False,
        na_values={c: [""] for c in ("x", "n", "multiplier", "input_dp", "recomputed")},
    )
