"""What DANA knows: every indicator, with what is available offline and where it comes from.

:func:`list_indicators` answers "which indicators can I use?" on a fresh install, with
no network: the catalogue's indicators, the periods and areas the embedded default data
holds for each, and, when given, what the Fingertips cache holds. One row per indicator;
the CLI (``dana indicators``, ``dana data list``) only prints it.
"""

from __future__ import annotations

import pandas as pd

from dana.catalogue import Catalogue, load_catalogue
from dana.data.default import load_default_table, load_depth_table
from dana.data.synthetic import SOURCE as SYNTHETIC_SOURCE

COLUMNS = (
    "indicator_id",
    "name",
    "section",
    "polarity",
    "value_type",
    "periods",
    "first_period",
    "latest_period",
    "areas",
    "comes_from",
)
EMBEDDED_SYNTHETIC = "embedded synthetic data (not real)"
EMBEDDED_REAL = "embedded transcribed figures (C&P 2021/22)"
BREAKDOWN = "breakdown indicator (by {types})"
CACHED = "Fingertips cache (dana fetch)"
FINGERTIPS = "can be fetched from Fingertips (dana fetch)"


def _real_files(types: str) -> str:
    return f"real files only: data: sources: type {types}"


def _availability(rows: pd.DataFrame) -> dict:
    periods = rows.drop_duplicates("period").sort_values("period_sort")["period"]
    return {
        "periods": len(periods),
        "first_period": periods.iloc[0] if len(periods) else "",
        "latest_period": periods.iloc[-1] if len(periods) else "",
        "areas": rows["area_code"].nunique(),
    }


def list_indicators(
    *,
    search: str | None = None,
    catalogue: Catalogue | None = None,
    embedded: pd.DataFrame | None = None,
    cached: pd.DataFrame | None = None,
    depth: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator DANA knows (columns :data:`COLUMNS`), in catalogue order.

    ``periods``, ``first_period`` / ``latest_period`` and ``areas`` count what is
    available offline: the embedded default table (``embedded``, default
    :func:`dana.data.default.load_default_table`) plus ``cached`` (an indicator table of
    the Fingertips cache, e.g. :func:`dana.sources.cache.cached_table`). ``comes_from``
    lists where each indicator's figures come from, "; "-separated. The catalogue's
    breakdown indicators follow its headline ones (availability from ``depth``, default
    :func:`dana.data.default.load_depth_table`, their section and ``count``), then cached
    indicators the catalogue does not list. ``search`` keeps rows whose
    id, name, short name, section or definition contain it (case-insensitive).
    """
    catalogue = catalogue or load_catalogue()
    embedded = load_default_table() if embedded is None else embedded
    cached = embedded.iloc[0:0] if cached is None else cached
    offline = pd.concat([embedded, cached], ignore_index=True)
    by_id = dict(tuple(offline.groupby("indicator_id", sort=False)))
    embedded_sources = embedded.groupby("indicator_id")["source"].unique().map(set).to_dict()
    cached_ids = set(cached["indicator_id"])
    provided_by = catalogue.provided_by()
    rows, searchable = [], []
    for entry in catalogue:
        here = by_id.get(entry.id, offline.iloc[0:0])
        sources = embedded_sources.get(entry.id, set())
        comes_from = [
            label
            for label, present in (
                (EMBEDDED_SYNTHETIC, SYNTHETIC_SOURCE in sources),
                (EMBEDDED_REAL, bool(sources - {SYNTHETIC_SOURCE})),
                (CACHED, entry.id in cached_ids),
                (FINGERTIPS, entry.fingertips_id is not None and entry.id not in cached_ids),
            )
            if present
        ]
        if entry.id in provided_by:
            comes_from.append(_real_files(provided_by[entry.id]))
        rows.append(
            {
                "indicator_id": entry.id,
                "name": entry.name,
                "section": entry.section,
                "polarity": entry.polarity,
                "value_type": entry.value_type,
                **_availability(here),
                "comes_from": "; ".join(comes_from),
            }
        )
        searchable.append(
            " ".join([entry.id, entry.name, entry.short_name, entry.section, entry.definition])
        )
    depth = load_depth_table() if depth is None else depth
    depth_by_id = dict(tuple(depth[depth["category_type"] == ""].groupby("indicator_id")))
    for entry in catalogue.breakdowns:
        here = depth_by_id.get(entry.id, depth.iloc[0:0])
        types = ", ".join(t.lower() for t in entry.category_types) or "year"
        comes_from = [BREAKDOWN.format(types=types)]
        if not here.empty:
            comes_from.append(EMBEDDED_SYNTHETIC)
        if entry.real_data_only:
            comes_from.append("real files only")
        rows.append(
            {
                "indicator_id": entry.id,
                "name": entry.name,
                "section": entry.section,
                "polarity": "no_judgement",
                "value_type": "count",
                **_availability(here),
                "comes_from": "; ".join(comes_from),
            }
        )
        searchable.append(" ".join([entry.id, entry.name, entry.section, entry.definition]))
    for indicator_id in [i for i in cached["indicator_id"].unique() if i not in catalogue]:
        here = by_id[indicator_id]
        first = here.iloc[0]
        rows.append(
            {
                "indicator_id": indicator_id,
                "name": first["indicator_name"],
                "section": "",
                "polarity": first["polarity"],
                "value_type": first["value_type"],
                **_availability(here),
                "comes_from": f"{CACHED}; not in the catalogue",
            }
        )
        searchable.append(f"{indicator_id} {first['indicator_name']}")
    listing = pd.DataFrame(rows, columns=list(COLUMNS))
    if search:
        needle = search.strip().casefold()
        keep = [needle in text.casefold() for text in searchable]
        listing = listing[keep]
    return listing.reset_index(drop=True)
