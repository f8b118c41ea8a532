"""Geography for record-level data: LA codes of any vintage, LSOAs, small areas, deprivation.

**LA of residence.** Extracts carry the LA code current when they were processed (HES
derives it from the ONS postcode directory of the day). :func:`la_lookup` maps every code
in :func:`dana.areas.load_areas` to today's district (``district``: an E07 district, or a
unitary authority, which is its own lower tier), upper-tier LA (``utla``) and region:

* current codes map to themselves (``status`` "current");
* a retired code with one successor (a recode or merge: North Yorkshire E10000023,
  Bournemouth E06000028) maps to it ("earlier code"); a retired district maps to the
  unitary authority its county became, found in ``area_changes.csv`` (the structural
  change orders name the districts of each successor, e.g. Allerdale -> Cumberland);
* a retired county that was split (Northamptonshire, Cumbria, Dorset) cannot be assigned
  to one successor: it is absent, so its records count in England only and the run
  summary says how many. So is any code DANA does not know (other vintages, legacy
  ``RESLADST`` letters); codes of Wales, Scotland and Northern Ireland are residence
  outside England.

**LSOAs.** There is no LSOA lookup in DANA's embedded data. :func:`read_lsoa_lookup` reads
the ONS LSOA -> LAD lookup (optionally with a small-area column such as MSOA or ward,
and a population) and :func:`read_imd_deciles` the IoD LSOA file; both name missing
columns. :func:`synthetic_lsoa_lookup` writes a *synthetic* scheme for the generator:
real-format codes (E01..., small areas E02...) assigned to real LAs in proportion to
population, with invented deprivation deciles - labelled synthetic wherever used.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dana.areas import ENGLAND, load_areas
from dana.records.errors import RecordsError

LSOA_LOOKUP_COLUMNS = ("lsoa", "district", "small_area", "imd_decile", "population")
#: Header names accepted for each column of an LSOA lookup (lower case).
LSOA_ALIASES = {
    "lsoa": ("lsoa21cd", "lsoa11cd", "lsoa_code", "lsoa"),
    "district": ("lad24cd", "lad23cd", "lad22cd", "lad21cd", "lad19cd", "lad11cd", "ladcd"),
    "small_area": ("msoa21cd", "msoa11cd", "wd24cd", "wd23cd", "wd22cd", "small_area"),
    "population": ("population", "all ages", "total"),
}
IMD_DECILE_ALIASES = (
    "index of multiple deprivation (imd) decile (where 1 is most deprived 10% of lsoas)",
    "index of multiple deprivation (imd) decile",
    "imd_decile",
    "imd decile",
)
SYNTHETIC_LSOA_SOURCE = "DANA synthetic LSOA scheme (real-format codes, invented assignment)"
_RESIDENTS_PER_LSOA = 1_650
_LSOAS_PER_SMALL_AREA = 5


class GeographyFileError(RecordsError, ValueError):
    """An LSOA lookup or deprivation file lacks a column or has a bad value."""


def _successor_districts() -> dict[str, str]:
    """Retired district -> the unitary authority that replaced its county's part."""
    areas = load_areas()
    result: dict[str, str] = {}
    by_name = {a.name: a.code for a in _local_authorities() if a.area_type == "ltla"}
    for change in areas.changes:
        named = re.findall(r"\(([^)]*)\)", change.legislation)
        if not named or change.change_type not in ("split", "part"):
            continue
        for name in named[-1].split(";"):
            code = by_name.get(name.strip())
            if code is not None:
                result[code] = change.new_code
    return result


def _local_authorities():
    """Every upper- and lower-tier LA in the hierarchy, current and retired."""
    areas = load_areas()
    utlas = areas.utlas(include_historic=True)
    districts = [d for u in utlas for d in areas.children(u.code, include_historic=True)]
    return utlas + districts


@lru_cache(maxsize=1)
def la_lookup() -> pd.DataFrame:
    """code -> district, utla, region, status (see the module docstring)."""
    areas = load_areas()
    successors = _successor_districts()
    rows = []
    for info in _local_authorities():
        code, status = info.code, "current"
        if not info.is_current:
            status = "earlier code"
            if code in successors:
                code = successors[code]
            else:
                # a retired district follows its county (North Yorkshire, Somerset)
                retired = info.parent_code if info.area_type == "ltla" else code
                current = areas.current_codes_for(retired)
                if len(current) != 1:
                    continue  # split without a named successor: no single current code
                code = current[0]
        current_info = areas.get(code)
        if current_info.area_type == "ltla":
            district, utla = code, current_info.parent_code
        elif code.startswith("E10"):
            district, utla = None, code
        else:
            district, utla = code, code
        rows.append(
            {
                "code": info.code,
                "district": district,
                "utla": utla,
                "region": areas.get(utla).parent_code,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def _find(columns: list[str], aliases: tuple[str, ...]) -> str | None:
    lower = {c.strip().lower(): c for c in columns}
    return next((lower[a] for a in aliases if a in lower), None)


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_lsoa_lookup(path: str | Path, *, imd: str | Path | None = None) -> pd.DataFrame:
    """An ONS LSOA -> LAD lookup (CSV/Parquet), with IMD deciles from ``imd`` if given.

    Columns found by name: an LSOA code (``LSOA21CD``/``LSOA11CD``), a district code
    (``LAD..CD``), optionally a small-area code (``MSOA..CD`` or ward ``WD..CD``), a
    ``population`` and an IMD decile column. Returns :data:`LSOA_LOOKUP_COLUMNS`.
    """
    path = Path(path)
    frame = _read_table(path)
    columns = [str(c) for c in frame.columns]
    found = {key: _find(columns, aliases) for key, aliases in LSOA_ALIASES.items()}
    missing = [
        f"{k} ({' or '.join(a.upper() for a in LSOA_ALIASES[k])})"
        for k in ("lsoa", "district")
        if not found[k]
    ]
    if missing:
        raise GeographyFileError(
            f"{path}: not an LSOA lookup: missing column(s) {'; '.join(missing)}; "
            f"columns are {columns[:12]}"
        )
    out = pd.DataFrame(
        {
            "lsoa": frame[found["lsoa"]].astype(str).str.strip(),
            "district": frame[found["district"]].astype(str).str.strip(),
            "small_area": frame[found["small_area"]].astype(str).str.strip()
            if found["small_area"]
            else None,
            "population": pd.to_numeric(frame[found["population"]], errors="raise")
            if found["population"]
            else np.nan,
        }
    )
    decile_column = _find(columns, IMD_DECILE_ALIASES)
    out["imd_decile"] = _deciles(frame[decile_column], path) if decile_column else np.nan
    if imd is not None:
        deciles = read_imd_deciles(imd)
        out = out.drop(columns="imd_decile").merge(deciles, on="lsoa", how="left")
    duplicated = out["lsoa"].duplicated()
    if duplicated.any():
        raise GeographyFileError(
            f"{path}: LSOA {out['lsoa'][duplicated].iloc[0]!r} appears more than once"
        )
    return out.loc[:, list(LSOA_LOOKUP_COLUMNS)]


def _deciles(values: pd.Series, path: Path) -> pd.Series:
    deciles = pd.to_numeric(values, errors="coerce")
    bad = deciles.isna() | ~deciles.isin(range(1, 11))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise GeographyFileError(
            f"{path}: row {row + 2}: IMD decile {values.iloc[row]!r} is not 1-10"
        )
    return deciles.astype("int64")


def read_imd_deciles(path: str | Path) -> pd.DataFrame:
    """LSOA IMD deciles from the English Indices of Deprivation File 1 (CSV/Parquet)."""
    path = Path(path)
    frame = _read_table(path)
    columns = [str(c) for c in frame.columns]
    lsoa = _find(columns, ("lsoa code (2021)", "lsoa code (2011)", *LSOA_ALIASES["lsoa"]))
    decile = _find(columns, IMD_DECILE_ALIASES)
    missing = [n for n, c in (("LSOA code", lsoa), ("IMD decile", decile)) if c is None]
    if missing:
        raise GeographyFileError(
            f"{path}: not an IMD LSOA file: missing column(s) {', '.join(missing)} "
            f"(e.g. 'LSOA code (2011)', '{IMD_DECILE_ALIASES[0]}'); columns are {columns[:12]}"
        )
    return pd.DataFrame(
        {"lsoa": frame[lsoa].astype(str).str.strip(), "imd_decile": _deciles(frame[decile], path)}
    )


def synthetic_lsoa_lookup(district_population: pd.Series, *, seed: int) -> pd.DataFrame:
    """A synthetic LSOA scheme: ``district_population`` is residents by district code.

    LSOAs of about 1,650 residents get codes E01000001... in district-code order, small
    areas of about 5 LSOAs E02000001...; deciles are invented (each district gets a
    deprivation level, its LSOAs scatter around it) and rescaled so that England's LSOAs
    fall evenly into the ten deciles, as real IMD deciles do. Not real geography.
    """
    rng = np.random.default_rng(seed)
    districts = district_population.sort_index()
    counts = np.maximum(1, np.round(districts.to_numpy() / _RESIDENTS_PER_LSOA)).astype(int)
    owner = np.repeat(districts.index.to_numpy(), counts)
    level = np.repeat(rng.normal(0, 1, len(districts)), counts)
    score = level + rng.normal(0, 0.9, len(owner))
    decile = 10 - np.floor(pd.Series(score).rank(pct=True, method="first") * 10 - 1e-9)
    population = np.repeat(districts.to_numpy() / counts, counts)
    small = np.concatenate([np.arange(n) // _LSOAS_PER_SMALL_AREA for n in counts]) + np.repeat(
        np.cumsum(np.r_[0, (counts[:-1] + _LSOAS_PER_SMALL_AREA - 1) // _LSOAS_PER_SMALL_AREA]),
        counts,
    )
    return pd.DataFrame(
        {
            "lsoa": [f"E01{i:06d}" for i in range(1, len(owner) + 1)],
            "district": owner,
            "small_area": [f"E02{i + 1:06d}" for i in small],
            "imd_decile": decile.astype("int64").to_numpy(),
            "population": population,
        }
    )


def is_england(code: str) -> bool:
    return code == ENGLAND
