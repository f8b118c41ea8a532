"""Which areas an all-areas summary covers, and the areas a user names.

Every current area of the type in the area hierarchy (:mod:`dana.areas`), plus any other
area of the type the indicator table has (so a retired code's figures are kept, not
dropped), each with its region.
"""

from __future__ import annotations

import pandas as pd

from dana.areas import AreaHierarchy, load_areas

#: Area types a national summary can be made for.
AREA_TYPES = ("utla", "ltla", "region")


class NationalSummaryError(ValueError):
    """Bad arguments to the national summary; the message names the area or indicator."""


def resolve_areas(
    codes, area_type: str, hierarchy: AreaHierarchy | None = None, universe=None
) -> list[str]:
    """GSS codes of the named areas; an unknown area or one of another type is an error."""
    hierarchy = load_areas() if hierarchy is None else hierarchy
    known = None if universe is None else set(universe["area_code"])
    found, problems = [], []
    for text in codes:
        if known is not None and text in known:
            found.append(text)
            continue
        try:
            info = hierarchy.resolve(text)
        except KeyError as exc:
            problems.append(str(exc))
            continue
        if info.area_type != area_type:
            problems.append(f"{info.name} ({info.code}) is a {info.area_type}, not a {area_type}")
        elif known is not None and info.code not in known:
            problems.append(f"{info.name} ({info.code}) is not a current {area_type}")
        else:
            found.append(info.code)
    if problems:
        raise NationalSummaryError("bad area(s): " + "; ".join(problems))
    return list(dict.fromkeys(found))


def universe_of(table: pd.DataFrame, area_type: str, hierarchy: AreaHierarchy) -> pd.DataFrame:
    """Every area of the type: current ones in the hierarchy plus any others in the table."""
    listed = list(_areas_of(hierarchy, area_type))
    rows = [(a.code, a.name, *_region(hierarchy, a.code, a.parent_code)) for a in listed]
    seen = {a.code for a in listed}
    in_table = table.loc[table["area_type"] == area_type, ["area_code", "area_name", "parent_code"]]
    for code, name, parent in in_table.drop_duplicates("area_code").itertuples(index=False):
        if code not in seen:
            rows.append((code, name, *_region(hierarchy, code, parent)))
    frame = pd.DataFrame(rows, columns=["area_code", "area_name", "region_code", "region_name"])
    if area_type == "region":  # a region is compared with England only; its parts sum to it
        frame["region_code"] = ""
        frame["region_name"] = ""
    return frame.assign(area_type=area_type).sort_values("area_code").reset_index(drop=True)


def _areas_of(hierarchy, area_type: str):
    if area_type == "utla":
        return hierarchy.utlas()
    if area_type == "region":
        return hierarchy.regions()
    return [
        a
        for region in hierarchy.regions()
        for a in _descendants(hierarchy, region.code)
        if a.area_type == "ltla"
    ]


def _descendants(hierarchy, code: str):
    for child in hierarchy.children(code):
        yield child
        yield from _descendants(hierarchy, child.code)


def _region(hierarchy, code: str, parent: str) -> tuple[str, str]:
    """(code, name) of the area's region; for a region, itself."""
    for candidate in (code, parent):
        if candidate and candidate in hierarchy:
            try:
                region = hierarchy.region_of(candidate)
                return region.code, region.name
            except KeyError:
                return "", ""
    return "", ""
