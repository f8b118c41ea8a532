"""The English area hierarchy (England -> regions -> counties & UAs -> districts) and its changes.

Reference data ship with the package: ``dana/data/areas.csv`` (GSS codes and names of
England, the 9 regions, all 153 current upper-tier local authorities, the upper-tier
codes they replaced since 2013, and the districts of two-tier counties) and
``dana/data/area_changes.csv`` (boundary and code changes 2013-2023). Both are authored
from the ONS Open Geography Portal (OGL v3.0) and carry their citation in a header.

Boundary changes and time series
--------------------------------
A time series keeps the code it was published under. Nothing is re-coded silently:

* **Recode** (North Yorkshire E10000023 -> E06000065, Somerset E10000027 -> E06000066,
  Buckinghamshire E10000002 -> E06000060, Gateshead E08000020 -> E08000037 and
  Northumberland E06000048 -> E06000057 in 2013): the same area under a new code, so a
  caller may join the old code's series to the new code's as one series, noting the
  change (``current_codes_for(old)`` returns exactly one code).
* **Split** (Northamptonshire E10000021 -> North and West Northamptonshire in 2021;
  Cumbria E10000006 -> Cumberland and Westmorland and Furness in 2023): values before
  the split stay under the old code and are reported as a *predecessor series* of each
  successor (``historic_codes_for(new)`` finds it); they are never apportioned and
  never dropped.
* **Merge / part** (Bournemouth E06000028, Poole E06000029 and part of Dorset
  E10000009 -> Bournemouth, Christchurch and Poole E06000058; the rest of Dorset ->
  Dorset E06000059, 2019): as for a split, the old series are predecessor series.

Fingertips area types
---------------------
Fingertips publishes each geography under a vintage: counties & UAs are area type
102 (pre April 2019), 202 (April 2019-March 2020), 302 (April 2020-March 2021), 402
(April 2021-March 2023) and 502 (from April 2023); districts & UAs 101/201/301/401/501
for the same periods; regions 6 and England 15. :func:`fingertips_area_type_for` picks
the vintage whose boundaries were in force in a given year.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

AREA_LEVELS = ("england", "region", "utla", "ltla")
ENGLAND = "E92000001"

#: Fingertips area-type IDs with friendly names (see the module docstring).
FINGERTIPS_AREA_TYPES: dict[int, str] = {
    15: "England",
    6: "Regions (statistical)",
    102: "Counties & UAs (pre 4/19)",
    202: "Counties & UAs (4/19-3/20)",
    302: "Counties & UAs (4/20-3/21)",
    402: "Counties & UAs (4/21-3/23)",
    502: "Counties & UAs (from 4/23)",
    101: "Districts & UAs (pre 4/19)",
    201: "Districts & UAs (4/19-3/20)",
    301: "Districts & UAs (4/20-3/21)",
    401: "Districts & UAs (4/21-3/23)",
    501: "Districts & UAs (from 4/23)",
}

#: Former districts of a county that was split: the successor unitary each district went
#: to, as the statutory instruments name them (see area_changes.csv `legislation`).
DISTRICT_SUCCESSORS: dict[str, str] = {
    # The Bournemouth, Dorset and Poole (Structural Changes) Order 2018
    "E07000048": "E06000058",  # Christchurch -> Bournemouth, Christchurch and Poole
    "E07000049": "E06000059",  # East Dorset -> Dorset
    "E07000050": "E06000059",  # North Dorset
    "E07000051": "E06000059",  # Purbeck
    "E07000052": "E06000059",  # West Dorset
    "E07000053": "E06000059",  # Weymouth and Portland
    # The Northamptonshire (Structural Changes) Order 2020
    "E07000150": "E06000061",  # Corby -> North Northamptonshire
    "E07000152": "E06000061",  # East Northamptonshire
    "E07000153": "E06000061",  # Kettering
    "E07000156": "E06000061",  # Wellingborough
    "E07000151": "E06000062",  # Daventry -> West Northamptonshire
    "E07000154": "E06000062",  # Northampton
    "E07000155": "E06000062",  # South Northamptonshire
    # The Cumbria (Structural Changes) Order 2022
    "E07000026": "E06000063",  # Allerdale -> Cumberland
    "E07000028": "E06000063",  # Carlisle
    "E07000029": "E06000063",  # Copeland
    "E07000027": "E06000064",  # Barrow-in-Furness -> Westmorland and Furness
    "E07000030": "E06000064",  # Eden
    "E07000031": "E06000064",  # South Lakeland
}

# (first April the vintage is in force, counties & UAs id, districts & UAs id)
_VINTAGES = ((0, 102, 101), (2019, 202, 201), (2020, 302, 301), (2021, 402, 401), (2023, 502, 501))


def _friendly_names() -> dict[str, int]:
    names = {"england": 15, "region": 6}
    for first_year, county_id, district_id in _VINTAGES:
        suffix = "" if county_id == 502 else ("_pre2019" if first_year == 0 else f"_{first_year}")
        names[f"utla{suffix}"] = county_id
        names[f"ltla{suffix}"] = district_id
    return names


#: Friendly area-type names -> Fingertips AreaTypeId: "utla" / "ltla" are the current
#: vintage (502 / 501), "utla_2021" the vintage in force from April 2021 (402), ...,
#: "utla_pre2019" (102); "region" 6, "england" 15.
FINGERTIPS_AREA_TYPE_IDS: dict[str, int] = _friendly_names()


def resolve_fingertips_area_type(area_type: str | int) -> int:
    """A friendly name ("utla", "ltla_2021", "region", ...) or an AreaTypeId (502, "502")
    as the Fingertips AreaTypeId; ``ValueError`` naming the known names otherwise."""
    if isinstance(area_type, int):
        return area_type
    text = str(area_type).strip().lower()
    if text.isdigit():
        return int(text)
    if text not in FINGERTIPS_AREA_TYPE_IDS:
        raise ValueError(
            f"unknown area type {area_type!r}: use one of {sorted(FINGERTIPS_AREA_TYPE_IDS)}"
            " or a Fingertips AreaTypeId"
        )
    return FINGERTIPS_AREA_TYPE_IDS[text]


def level_of_fingertips_area_type(area_type_id: int) -> str:
    """The indicator table's area_type for a Fingertips AreaTypeId (502 -> "utla")."""
    for _, county_id, district_id in _VINTAGES:
        if area_type_id == county_id:
            return "utla"
        if area_type_id == district_id:
            return "ltla"
    return {15: "england", 6: "region"}.get(area_type_id, "other")


def fingertips_area_type_label(area_type_id: int) -> str:
    """e.g. 402 -> "Counties & UAs (4/21-3/23)"; an unknown id -> "area type N"."""
    return FINGERTIPS_AREA_TYPES.get(area_type_id, f"area type {area_type_id}")


class AreaError(KeyError):
    """An area code or name is unknown; the message suggests close matches."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    area_type: str  # england / region / utla / ltla
    parent_code: str
    valid_from: date | None
    valid_to: date | None

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


@dataclass(frozen=True)
class AreaChange:
    effective: date
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    change_type: str  # split / merge / recode / part
    legislation: str
    verification: str


def fingertips_area_type_for(area_type: str, year: int | None = None) -> int:
    """Fingertips area-type ID for an area level and financial year starting ``year``.

    ``area_type`` is "england", "region", "utla" or "ltla"; ``year`` is the calendar
    year in which the financial year starts (2022 for 2022/23). ``None`` means the
    current vintage. Example: ``fingertips_area_type_for("utla", 2020) == 302``.
    """
    if area_type == "england":
        return 15
    if area_type == "region":
        return 6
    if area_type not in ("utla", "ltla"):
        raise ValueError(f"unknown area type {area_type!r}; expected one of {AREA_LEVELS}")
    column = 1 if area_type == "utla" else 2
    if year is None:
        return _VINTAGES[-1][column]
    chosen = _VINTAGES[0]
    for vintage in _VINTAGES:
        if year >= vintage[0]:
            chosen = vintage
    return chosen[column]


def _normalise(name: str) -> str:
    # "Bristol, City of" -> "bristol"; "St. Helens" -> "st helens"; "UA" suffix dropped.
    text = name.lower().replace("&", "and")
    text = re.sub(r",\s*(city|county) of$", "", text)
    text = re.sub(r"\b(ua|region)$", "", text.strip())
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def _read_commented_csv(text: str, source: str, required: tuple[str, ...]) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{source}: missing column(s) {missing}")
    return list(reader)


def _parse_date(raw: str, source: str, row: int, column: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{source}: row {row}: {column} {raw!r} is not an ISO date") from None


class AreaHierarchy:
    """Lookup of areas, parents, children and code changes."""

    def __init__(self, areas: list[AreaInfo], changes: list[AreaChange]) -> None:
        self._areas = {a.code: a for a in areas}
        self._changes = tuple(changes)
        self._children: dict[str, list[str]] = {}
        for area in areas:
            if area.parent_code:
                self._children.setdefault(area.parent_code, []).append(area.code)
        self._by_name: dict[str, list[str]] = {}
        for area in areas:
            self._by_name.setdefault(_normalise(area.name), []).append(area.code)

    def __contains__(self, code: object) -> bool:
        return code in self._areas

    def __len__(self) -> int:
        return len(self._areas)

    @property
    def changes(self) -> tuple[AreaChange, ...]:
        return self._changes

    def get(self, code: str) -> AreaInfo:
        """The area with this GSS code (current or historic)."""
        try:
            return self._areas[code]
        except KeyError:
            raise AreaError(self._unknown_message(code)) from None

    def resolve(self, code_or_name: str) -> AreaInfo:
        """An area from its GSS code or name ("Peterborough", "bristol", "E06000031").

        A name shared by a current and a historic area (e.g. "Somerset") resolves to the
        current one. An unknown code or name raises :class:`AreaError` with close matches.
        """
        text = code_or_name.strip()
        if text.upper() in self._areas:
            return self._areas[text.upper()]
        codes = self._by_name.get(_normalise(text), [])
        if codes:
            current = [c for c in codes if self._areas[c].is_current]
            candidates = current or codes
            if len(candidates) > 1:
                # Same name at several levels (e.g. a county and a district): prefer the higher tier.
                rank = {level: i for i, level in enumerate(AREA_LEVELS)}
                candidates = sorted(candidates, key=lambda c: rank[self._areas[c].area_type])
            return self._areas[candidates[0]]
        raise AreaError(self._unknown_message(text))

    def _unknown_message(self, text: str) -> str:
        names = {a.name: a.code for a in self._areas.values()}
        close_names = difflib.get_close_matches(text, list(names), n=3, cutoff=0.6)
        close_codes = difflib.get_close_matches(text.upper(), list(self._areas), n=3, cutoff=0.8)
        suggestions = [f"{n} ({names[n]})" for n in close_names] + [
            f"{c} ({self._areas[c].name})" for c in close_codes
        ]
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        return f"unknown area {text!r}{hint}"

    def parent(self, code: str) -> AreaInfo | None:
        """The parent area (region of a UTLA, county of a district), None for England."""
        area = self.get(code)
        return self._areas[area.parent_code] if area.parent_code else None

    def region_of(self, code: str) -> AreaInfo:
        """The region containing an area (a region is its own region)."""
        area = self.get(code)
        while area.area_type not in ("region", "england"):
            area = self._areas[area.parent_code]
        if area.area_type == "england":
            raise AreaError(f"{code} is England, which has no region")
        return area

    def children(self, code: str, *, include_historic: bool = False) -> list[AreaInfo]:
        """Areas whose parent is ``code`` (current ones unless ``include_historic``)."""
        self.get(code)
        areas = [self._areas[c] for c in self._children.get(code, [])]
        return [a for a in areas if include_historic or a.is_current]

    def utlas(self, *, include_historic: bool = False) -> list[AreaInfo]:
        """Upper-tier local authorities (current April 2023 set unless ``include_historic``)."""
        return [
            a
            for a in self._areas.values()
            if a.area_type == "utla" and (include_historic or a.is_current)
        ]

    def regions(self) -> list[AreaInfo]:
        return [a for a in self._areas.values() if a.area_type == "region"]

    def current_codes_for(self, old_code: str) -> list[str]:
        """Current code(s) covering an area's former territory (itself if still current).

        Follows chains of changes; a split returns every successor. Example:
        ``current_codes_for("E10000021") == ["E06000061", "E06000062"]``.
        """
        area = self.get(old_code)
        if area.is_current:
            return [area.code]
        result: list[str] = []
        for change in self._changes:
            if change.old_code == old_code:
                for code in self.current_codes_for(change.new_code):
                    if code not in result:
                        result.append(code)
        if not result:
            raise AreaError(f"{old_code} ({area.name}) ended without a recorded successor")
        return result

    def current_utla_for(self, code: str) -> str:
        """The current upper-tier authority containing a district or upper-tier area.

        For summing lower-tier tables (Census, IoD File 10, RUC) to today's upper tier: a
        unitary, metropolitan district or London borough is its own upper tier (through
        any recode); a district goes to its county's current code, or, where the county
        was split, to the unitary the order assigned it (:data:`DISTRICT_SUCCESSORS`).
        Raises :class:`AreaError` for an unknown code.
        """
        area = self.get(code)
        if area.area_type == "ltla":
            if code in DISTRICT_SUCCESSORS:
                return DISTRICT_SUCCESSORS[code]
            area = self.get(area.parent_code)
        if area.area_type != "utla":
            raise AreaError(f"{code} ({area.name}) is a {area.area_type}, not a local authority")
        successors = self.current_codes_for(area.code)
        if len(successors) != 1:  # a split county whose district is missing from the table
            raise AreaError(f"{code} ({area.name}) went to several areas: {successors}")
        return successors[0]

    def historic_codes_for(self, new_code: str) -> list[str]:
        """Former codes whose series are predecessor series of ``new_code`` (oldest last).

        Example: ``historic_codes_for("E06000058") == ["E06000028", "E06000029", "E10000009"]``.
        """
        self.get(new_code)
        result: list[str] = []
        for change in self._changes:
            if change.new_code == new_code and change.old_code not in result:
                result.append(change.old_code)
                result.extend(
                    c for c in self.historic_codes_for(change.old_code) if c not in result
                )
        return result

    def changes_for(self, code: str) -> list[AreaChange]:
        """Recorded changes in which ``code`` is the old or the new code."""
        return [c for c in self._changes if code in (c.old_code, c.new_code)]


def _load_text(path: str | Path | None, default: str) -> tuple[str, str]:
    if path is None:
        return resources.files("dana.data").joinpath(default).read_text(encoding="utf-8"), (
            f"dana/data/{default}"
        )
    return Path(path).read_text(encoding="utf-8"), str(path)


def load_areas(
    areas_path: str | Path | None = None, changes_path: str | Path | None = None
) -> AreaHierarchy:
    """Load and check the area hierarchy (the packaged tables unless paths are given).

    Checks: codes are unique GSS codes, area types are known, each parent exists and is
    one level up, and every change refers to known codes. Errors name file and row.
    The packaged hierarchy is read once and shared (it is read-only).
    """
    if areas_path is None and changes_path is None:
        return _packaged_areas()
    return _load(areas_path, changes_path)


@lru_cache(maxsize=1)
def _packaged_areas() -> AreaHierarchy:
    return _load(None, None)


def _load(areas_path: str | Path | None, changes_path: str | Path | None) -> AreaHierarchy:
    text, source = _load_text(areas_path, "areas.csv")
    areas: list[AreaInfo] = []
    for row_number, row in enumerate(
        _read_commented_csv(
            text, source, ("code", "name", "area_type", "parent_code", "valid_from", "valid_to")
        ),
        start=1,
    ):
        code = row["code"].strip()
        if not re.fullmatch(r"E\d{8}", code):
            raise ValueError(f"{source}: row {row_number}: {code!r} is not an English GSS code")
        if row["area_type"] not in AREA_LEVELS:
            raise ValueError(f"{source}: row {row_number}: unknown area_type {row['area_type']!r}")
        areas.append(
            AreaInfo(
                code=code,
                name=row["name"].strip(),
                area_type=row["area_type"],
                parent_code=row["parent_code"].strip(),
                valid_from=_parse_date(row["valid_from"], source, row_number, "valid_from"),
                valid_to=_parse_date(row["valid_to"], source, row_number, "valid_to"),
            )
        )
    by_code: dict[str, AreaInfo] = {}
    for area in areas:
        if area.code in by_code:
            raise ValueError(f"{source}: code {area.code} appears twice")
        by_code[area.code] = area
    expected_parent = {"region": "england", "utla": "region", "ltla": "utla"}
    for area in areas:
        if area.area_type == "england":
            continue
        parent = by_code.get(area.parent_code)
        if parent is None or parent.area_type != expected_parent[area.area_type]:
            raise ValueError(
                f"{source}: {area.code} ({area.name}): parent {area.parent_code!r} is not a "
                f"known {expected_parent[area.area_type]}"
            )

    text, source = _load_text(changes_path, "area_changes.csv")
    changes: list[AreaChange] = []
    fields = ("effective", "old_code", "old_name", "new_code", "new_name", "change_type")
    for row_number, row in enumerate(
        _read_commented_csv(text, source, (*fields, "legislation", "verification")), start=1
    ):
        for column in ("old_code", "new_code"):
            if row[column] not in by_code:
                raise ValueError(
                    f"{source}: row {row_number}: {column} {row[column]!r} not in areas"
                )
        if row["change_type"] not in ("split", "merge", "recode", "part"):
            raise ValueError(
                f"{source}: row {row_number}: unknown change_type {row['change_type']!r}"
            )
        changes.append(
            AreaChange(
                effective=_parse_date(row["effective"], source, row_number, "effective"),  # type: ignore[arg-type]
                old_code=row["old_code"],
                old_name=row["old_name"],
                new_code=row["new_code"],
                new_name=row["new_name"],
                change_type=row["change_type"],
                legislation=row["legislation"],
                verification=row["verification"],
            )
        )
    return AreaHierarchy(areas, changes)
