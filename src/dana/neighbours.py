"""Statistical neighbours: comparator areas that resemble the assessed area.

CIPFA's Nearest Neighbours model is licensed, so DANA uses an open method of the same
family, documented here so anyone can reproduce it:

1. **Features.** One row per area, one numeric column per feature. DANA ships real
   values for all 153 current upper-tier authorities (:func:`load_neighbour_features`,
   ``dana/data/neighbour_features.csv``, derived by ``scripts/build_neighbour_features.py``
   from IoD 2019, ONS mid-2020 estimates, Census 2021 and RUC2021; the file's header
   cites each). The features, and their weights (:data:`FEATURE_WEIGHTS`):

   ========================= ====== ===================================================
   feature                   weight why
   ========================= ====== ===================================================
   ``imd_score``             1      IMD 2019 average score: deprivation is the strongest
                                    area-level correlate of drug and alcohol harm
   ``pct_65_plus``           0.5    age structure (alcohol deaths peak at 55-64) ...
   ``pct_18_24``             0.5    ... and young adults (drug use, admissions); the two
                                    age features together weigh as one
   ``pct_not_white_british`` 1      ethnic mix (Census 2021): treatment penetration
                                    differs by group
   ``rurality``              1      RUC2021 class, 0 urban .. 3 majority rural: service
                                    models, travel and the drug market differ
   ``log_population``        1      size (log, so the largest counties do not dominate)
   ``london_borough``        0.5    London's costs, density and drug market (what
                                    CIPFA's area cost adjustment and density capture;
                                    no open density file was available)
   ========================= ====== ===================================================

   Users may pass any other feature table (a CIPFA-like set, a previous assessment's);
   :func:`features_from_tables` builds one from importer outputs.
2. **Standardise.** Each feature becomes a z-score over *all the areas in the frame*:
   ``z = (x - mean) / sd`` with the population standard deviation (ddof = 0). A
   feature with zero spread carries no information and is ignored.
3. **Distance.** Weighted Euclidean distance between the assessed area ``a`` and each
   other area ``b``::

       d(a, b) = sqrt( sum_j w_j * (z_aj - z_bj)^2 )

   Weights are :data:`FEATURE_WEIGHTS` for the features named there and 1 for any other
   column; a ``weights`` mapping overrides them (features it leaves out get 0).
4. **Rank.** The ``k`` smallest distances, ties broken by area code (ascending) so the
   result is deterministic.

Areas with a missing feature value are an error (naming the area and the column), not
silently dropped: supply complete data or drop the column. A supplied list (e.g. the
CIPFA neighbours a council already uses) overrides the computed set
(:func:`neighbours_from_list`); :func:`describe_comparators` states the set and its size.
A value's quartile among its comparators is :func:`dana.stats.quantiles` with ``assign=4``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from dana.areas import AreaHierarchy, load_areas
from dana.data.packaged import read_packaged_csv

FEATURES_FILE = "neighbour_features.csv"
#: Weights of the packaged features (see the module docstring for why).
FEATURE_WEIGHTS: dict[str, float] = {
    "imd_score": 1.0,
    "pct_65_plus": 0.5,
    "pct_18_24": 0.5,
    "pct_not_white_british": 1.0,
    "rurality": 1.0,
    "log_population": 1.0,
    "london_borough": 0.5,
}


class NeighbourError(ValueError):
    """Bad input to a neighbour calculation; the message names the area or column."""


def _feature_matrix(features: pd.DataFrame) -> pd.DataFrame:
    frame = features.set_index("area_code") if "area_code" in features.columns else features
    if frame.index.has_duplicates:
        dupes = sorted(set(frame.index[frame.index.duplicated()]))
        raise NeighbourError(f"features: area code(s) appear more than once: {dupes}")
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & frame.notna()
    if bad.any().any():
        column = bad.any().idxmax()
        area = bad[column].idxmax()
        raise NeighbourError(
            f"features: non-numeric value {frame.at[area, column]!r} for {area}, column {column!r}"
        )
    if numeric.isna().any().any():
        column = numeric.isna().any().idxmax()
        area = numeric[column].isna().idxmax()
        raise NeighbourError(f"features: missing value for {area}, column {column!r}")
    return numeric.astype(float)


def standardise(features: pd.DataFrame) -> pd.DataFrame:
    """z-scores of each feature column over all areas (population SD); constant columns dropped."""
    matrix = _feature_matrix(features)
    spread = matrix.std(ddof=0)
    matrix = matrix.loc[:, spread > 0]
    return (matrix - matrix.mean()) / spread[spread > 0]


@lru_cache(maxsize=1)
def _packaged_features() -> pd.DataFrame:
    return read_packaged_csv(FEATURES_FILE, comment="#", dtype={"area_code": str})


def load_neighbour_features() -> pd.DataFrame:
    """The packaged real feature table: ``area_code``, ``area_name`` and one column per
    feature of :data:`FEATURE_WEIGHTS`, one row per current upper-tier authority (153)."""
    return _packaged_features().copy()


def nearest_neighbours(
    area_code: str,
    features: pd.DataFrame | None = None,
    k: int = 15,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ``k`` areas nearest to ``area_code`` by standardised Euclidean distance.

    ``features`` has an ``area_code`` column (or index) and one numeric column per
    feature, for the assessed area and every candidate; by default the packaged real
    table (:func:`load_neighbour_features`). An ``area_name`` column is ignored. Returns
    a DataFrame with ``rank`` (1 = nearest), ``area_code`` and ``distance``, sorted by
    distance then code.
    """
    if k < 1:
        raise NeighbourError(f"k must be at least 1 (got {k})")
    if features is None:
        features = _packaged_features()
    features = features.drop(columns=["area_name"], errors="ignore")
    z = standardise(features)
    if area_code not in z.index:
        raise NeighbourError(f"area {area_code!r} is not in the features table")
    if weights is None:
        w = pd.Series({c: FEATURE_WEIGHTS.get(c, 1.0) for c in z.columns})
    else:
        unknown = sorted(set(weights) - set(_feature_matrix(features).columns))
        if unknown:
            raise NeighbourError(f"weights name unknown feature(s): {unknown}")
        w = pd.Series({c: float(weights.get(c, 0.0)) for c in z.columns})
        if (w < 0).any():
            raise NeighbourError(f"weights must not be negative: {dict(w[w < 0])}")
    if z.empty or not (w > 0).any():
        raise NeighbourError("no feature varies between areas (or all weights are 0)")
    diff = z.sub(z.loc[area_code], axis=1)
    distance = np.sqrt((diff.pow(2) * w).sum(axis=1)).drop(index=area_code)
    ranked = (
        pd.DataFrame({"area_code": distance.index.astype(str), "distance": distance.to_numpy()})
        .sort_values(["distance", "area_code"], kind="mergesort")
        .head(k)
        .reset_index(drop=True)
    )
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked


def neighbours_from_list(
    codes: Iterable[str],
    *,
    area_code: str | None = None,
    areas: AreaHierarchy | None = None,
    where: str = "neighbour list",
) -> list[str]:
    """A user-supplied comparator list (e.g. CIPFA's), checked against the hierarchy.

    Names or codes are accepted and resolved to codes; unknown entries, duplicates and
    the assessed area itself (``area_code``) are errors. ``where`` names the list in
    messages (a config key such as ``"my.yaml: comparators.neighbours"`` or a file):
    ``"my.yaml: comparators.neighbours item 3: unknown area 'Lutonn'; did you mean ..."``.
    """
    hierarchy = areas or load_areas()
    resolved: list[str] = []
    for position, entry in enumerate(codes, start=1):
        try:
            code = hierarchy.resolve(str(entry)).code
        except KeyError as exc:
            raise NeighbourError(f"{where} item {position}: {exc}") from None
        if code in resolved:
            raise NeighbourError(f"{where} item {position}: {code} is listed twice")
        if area_code is not None and code == area_code:
            raise NeighbourError(f"{where} item {position}: {code} is the assessed area itself")
        resolved.append(code)
    if not resolved:
        raise NeighbourError(f"{where}: the neighbour list is empty")
    return resolved


def describe_comparators(
    codes: Iterable[str],
    *,
    supplied: bool,
    have_data: Iterable[str] | None = None,
    areas: AreaHierarchy | None = None,
) -> str:
    """The sentence that states a comparator set, its size and who lacks data.

    ``have_data`` (codes with a value for the figure at hand) names every comparator
    without one, so a smaller average is never silent: "15 nearest statistical
    neighbours (DANA open method); 2 have no value: Rutland (E06000017), ...".
    """
    hierarchy = areas or load_areas()
    codes = list(codes)
    what = (
        f"{len(codes)} comparator area{'s' if len(codes) != 1 else ''} supplied by the user"
        if supplied
        else f"{len(codes)} nearest statistical neighbour{'s' if len(codes) != 1 else ''}"
        " (DANA open method: deprivation, age, ethnicity, rurality, size, London)"
    )
    if have_data is None:
        return what
    present = set(have_data)
    lacking = [c for c in codes if c not in present]
    if not lacking:
        return what + "; all have a value"
    named = ", ".join(f"{hierarchy.get(c).name} ({c})" for c in lacking)
    return f"{what}; {len(lacking)} ha{'ve' if len(lacking) != 1 else 's'} no value: {named}"


def features_from_tables(
    population: pd.DataFrame,
    imd: pd.DataFrame | None = None,
    *,
    area_hectares: pd.DataFrame | None = None,
    ethnicity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the suggested feature table from importer outputs.

    * ``population``: columns ``area_code``, ``age`` (integer single year or lower bound
      of a band, e.g. 90 for 90+) and ``population`` (any sex split is summed).
      Gives ``pct_65_plus`` and ``pct_18_24`` (% of all ages) and the total population.
    * ``imd``: ``area_code``, ``imd_score``.
    * ``area_hectares``: ``area_code``, ``hectares`` -> ``density`` (residents per hectare).
    * ``ethnicity``: ``area_code``, ``pct_non_white_british``.

    Returns one row per area with ``area_code`` and the feature columns. Areas missing
    from a supplied table are an error (naming them).
    """
    required = {"area_code", "age", "population"}
    missing = required - set(population.columns)
    if missing:
        raise NeighbourError(f"population table is missing column(s): {sorted(missing)}")
    pop = population.assign(age=pd.to_numeric(population["age"], errors="raise"))
    grouped = pop.groupby("area_code")
    total = grouped["population"].sum()
    if (total <= 0).any():
        raise NeighbourError(f"population is zero for {sorted(total[total <= 0].index)}")
    older = (
        pop[pop["age"] >= 65]
        .groupby("area_code")["population"]
        .sum()
        .reindex(total.index, fill_value=0)
    )
    young = (
        pop[(pop["age"] >= 18) & (pop["age"] <= 24)]
        .groupby("area_code")["population"]
        .sum()
        .reindex(total.index, fill_value=0)
    )
    out = pd.DataFrame(
        {
            "pct_65_plus": older / total * 100,
            "pct_18_24": young / total * 100,
        }
    )
    extras = [
        (imd, "imd_score", None),
        (ethnicity, "pct_non_white_british", None),
        (area_hectares, "hectares", "density"),
    ]
    for frame, column, derived in extras:
        if frame is None:
            continue
        if not {"area_code", column} <= set(frame.columns):
            raise NeighbourError(f"table for {column} needs columns 'area_code' and {column!r}")
        values = frame.set_index("area_code")[column]
        absent = sorted(set(out.index) - set(values.index))
        if absent:
            raise NeighbourError(f"{column}: no value for area(s) {absent[:10]}")
        values = values.reindex(out.index).astype(float)
        if derived == "density":
            out["density"] = total / values
        else:
            out[column] = values
    return out.reset_index(names="area_code")
