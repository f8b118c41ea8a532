"""The recommendations register: what the team writes, validated and linked to evidence.

A register is a YAML list (or a CSV with one row per recommendation) that the
assessment team writes. Each recommendation carries the fields the seeds use
(Coventry's cards, Medway's GAP statements):

==================  ==========================================================
field               meaning
==================  ==========================================================
number              1, 2, 3 ... (unique; the order they are rendered in)
title               one-line summary ("To develop recovery options ...")
key_finding         the finding that prompted it, in words
impact              the impact of that finding on the area
description         the longer description of what should be done
timescale           short (< 6 months) / medium (1-2 years) / long (3+ years)
population          cyp (children & young people) / adult / both
outcome_areas       National Combating Drugs Outcomes Framework areas:
                    USE, CRIME, HARM, SUPPLY, TREATMENT, RECOVERY (full names
                    such as "increasing engagement in treatment" also accepted)
gap_statement       optional "GAP: ..." statement (Medway)
theme               optional grouping ("Prevention", "Treatment outcomes")
findings            ids of generated findings that support it
indicators          ids of catalogue indicators that support it
==================  ==========================================================

In a CSV, list fields (outcome_areas, findings, indicators) are separated by ``;``.
A link to a finding or indicator the assessment does not have is an error, so a
recommendation can never cite evidence that is not in the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from dana.assess.model import OUTCOME_AREA_NAMES, Recommendation


class RecommendationError(ValueError):
    """The recommendations register is invalid; the message names the file and entry."""


_OUTCOME_ALIASES = {name.lower(): code for code, name in OUTCOME_AREA_NAMES.items()}
_OUTCOME_ALIASES.update(
    {
        "reducing drug-related harm": "HARM",
        "reducing drug related harm": "HARM",
        "reducing drug related crime": "CRIME",
        "increase engagement in treatment": "TREATMENT",
        "improve recovery outcomes": "RECOVERY",
        "reducing supply": "SUPPLY",
    }
)
_TIMESCALE_ALIASES = {
    "short": "short",
    "short term": "short",
    "medium": "medium",
    "medium term": "medium",
    "long": "long",
    "long term": "long",
}
_POPULATION_ALIASES = {
    "cyp": "cyp",
    "c&yp": "cyp",
    "children and young people": "cyp",
    "young people": "cyp",
    "adult": "adult",
    "adults": "adult",
    "both": "both",
    "all ages": "both",
}


def _as_list(value):
    """A list field from YAML (a list) or CSV (``;``-separated text); anything else is
    left for the field's type to reject with a clear message."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return value


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: int
    title: str
    key_finding: str
    impact: str = ""
    description: str
    timescale: str
    population: str
    outcome_areas: list[str]
    gap_statement: str = ""
    theme: str = ""
    findings: list[str] = []
    indicators: list[str] = []

    @field_validator("outcome_areas", "findings", "indicators", mode="before")
    @classmethod
    def _split(cls, value):
        return _as_list(value)

    @field_validator("gap_statement", "theme", "impact", mode="before")
    @classmethod
    def _blank(cls, value):
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else value

    @field_validator("timescale")
    @classmethod
    def _timescale(cls, value: str) -> str:
        key = value.strip().lower()
        if key not in _TIMESCALE_ALIASES:
            raise ValueError(f"timescale {value!r} must be short, medium or long")
        return _TIMESCALE_ALIASES[key]

    @field_validator("population")
    @classmethod
    def _population(cls, value: str) -> str:
        key = value.strip().lower()
        if key not in _POPULATION_ALIASES:
            raise ValueError(f"population {value!r} must be cyp, adult or both")
        return _POPULATION_ALIASES[key]

    @field_validator("outcome_areas")
    @classmethod
    def _outcomes(cls, values: list[str]) -> list[str]:
        if not values:
            raise ValueError("at least one outcome area is needed (USE, CRIME, HARM, ...)")
        codes = []
        for value in values:
            key = value.strip()
            if key.upper() in OUTCOME_AREA_NAMES:
                codes.append(key.upper())
            elif key.lower() in _OUTCOME_ALIASES:
                codes.append(_OUTCOME_ALIASES[key.lower()])
            else:
                allowed = ", ".join(OUTCOME_AREA_NAMES)
                raise ValueError(f"outcome area {value!r} is not one of {allowed}")
        return codes


def _read_entries(path: Path) -> list[dict]:
    if not path.is_file():
        raise RecommendationError(f"{path}: recommendations file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(raw, dict) and "recommendations" in raw:
                raw = raw["recommendations"]
            if not isinstance(raw, list):
                raise RecommendationError(
                    f"{path}: expected a list of recommendations (or a 'recommendations:' key)"
                )
            return raw
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            return frame.to_dict(orient="records")
    except yaml.YAMLError as exc:
        raise RecommendationError(f"{path}: not valid YAML: {exc}") from None
    except pd.errors.ParserError as exc:
        raise RecommendationError(f"{path}: not a valid CSV: {exc}") from None
    raise RecommendationError(f"{path}: recommendations must be .yaml, .yml or .csv")


def parse_recommendations(
    entries: list[dict],
    *,
    indicator_ids: Iterable[str] | None = None,
    finding_ids: Iterable[str] | None = None,
    where: str = "recommendations",
) -> tuple[Recommendation, ...]:
    """Validate register entries and check every evidence link resolves.

    ``indicator_ids`` / ``finding_ids`` are the ids the assessment has; pass ``None``
    to skip that check (e.g. when validating a register on its own).
    """
    known_indicators = None if indicator_ids is None else set(indicator_ids)
    known_findings = None if finding_ids is None else set(finding_ids)
    problems: list[str] = []
    parsed: list[_Entry] = []
    for position, raw in enumerate(entries, start=1):
        label = f"entry {position}"
        if isinstance(raw, dict) and raw.get("number") not in (None, ""):
            label += f" (number {raw.get('number')})"
        if not isinstance(raw, dict):
            problems.append(f"{label}: expected a mapping of fields, got {type(raw).__name__}")
            continue
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "entry"
                problems.append(f"{label}: {field}: {err['msg']}")
            continue
        if known_indicators is not None:
            for ind in entry.indicators:
                if ind not in known_indicators:
                    problems.append(
                        f"{label}: links to indicator {ind!r}, which is not in the assessment"
                    )
        if known_findings is not None:
            for fid in entry.findings:
                if fid not in known_findings:
                    problems.append(
                        f"{label}: links to finding {fid!r}, which is not in the assessment"
                    )
        parsed.append(entry)
    numbers = [e.number for e in parsed]
    for dup in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"recommendation number {dup} is used more than once")
    if problems:
        raise RecommendationError(f"{where}: " + "; ".join(problems))
    return tuple(
        Recommendation(
            number=e.number,
            title=e.title,
            key_finding=e.key_finding,
            impact=e.impact,
            description=e.description,
            timescale=e.timescale,
            population=e.population,
            outcome_areas=tuple(e.outcome_areas),
            gap_statement=e.gap_statement,
            theme=e.theme,
            finding_ids=tuple(e.findings),
            indicator_ids=tuple(e.indicators),
        )
        for e in sorted(parsed, key=lambda e: e.number)
    )


def load_recommendations(
    path: str | Path,
    *,
    indicator_ids: Iterable[str] | None = None,
    finding_ids: Iterable[str] | None = None,
) -> tuple[Recommendation, ...]:
    """Read a recommendations register (YAML or CSV) and validate its links.

    Raises :class:`RecommendationError` naming the file, the entry and the field.
    """
    path = Path(path)
    return parse_recommendations(
        _read_entries(path),
        indicator_ids=indicator_ids,
        finding_ids=finding_ids,
        where=str(path),
    )
