"""Figures transcribed from published needs assessments, with their citations.

* :func:`load_cp_example` - the Cambridgeshire, Peterborough and England 2021/22 figures
  of the C&P summary report (``seed_cp_2021_22.csv``) as an indicator table. Where the
  report gives a count and a rate, the population is backed out (count / rate x 100,000)
  and 95% / 99.8% limits are computed from it with :func:`dana.stats.rate`; ``value_note``
  says so. The published (rounded) value is kept.
* :func:`load_published_figures` - figures transcribed from the seed needs assessments
  with the inputs they were printed with (for checking DANA's statistics against them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats, table
from dana.areas import load_areas
from dana.data.packaged import read_packaged_csv

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


def load_cp_example() -> pd.DataFrame:
    """Transcribed Cambridgeshire, Peterborough and England 2021/22 figures (indicator table).

    ``source`` cites the report and its section/slide; the published value is kept. For
    rows with a published count and a derived population the limits come from
    :func:`dana.stats.rate`; other rows have no limits (the report gives none).
    """
    seed = read_packaged_csv(CP_SEED_FILE, comment="#", dtype=str, keep_default_na=False)
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
    return read_packaged_csv(
        PUBLISHED_FIGURES_FILE,
        comment="#",
        dtype={c: str for c in text_columns},
        keep_default_na=False,
        na_values={c: [""] for c in ("x", "n", "multiplier", "input_dp", "recomputed")},
    )
