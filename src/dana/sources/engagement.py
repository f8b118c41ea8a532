"""Read the engagement (qualitative) evidence an assessment team collected.

Three optional inputs, named in the assessment config under ``engagement:``:

``participants`` (CSV)
    who took part: ``group`` (e.g. "Professionals", "Lived experience",
    "Family and friends"), ``method`` ("Online survey", "Interview", "Focus group"),
    ``participants`` (a whole number >= 0).
``journey`` (CSV)
    service-user journey satisfaction: ``area`` (a place name), ``stage``
    (referral, assessment, treatment, step-down), ``satisfied`` and ``responses``
    (whole numbers, satisfied <= responses).
``themes`` (YAML)
    a list of ``{theme, summary, mentions (optional), quotes: [..]}``: what people
    said, grouped by theme. Quotes are free text and are redacted before use.

Also ``caveats`` (text: who is missing from the engagement) and ``known_names``
(names to remove from quotes). Errors name the file, row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from dana.sources import _read
from dana.sources.errors import SourceFileError
from dana.sources.text_files import read_user_text

JOURNEY_STAGES = ("referral", "assessment", "treatment", "step-down")


@dataclass(frozen=True)
class Theme:
    theme: str
    summary: str
    quotes: tuple[str, ...] = ()
    mentions: int | None = None


@dataclass(frozen=True)
class EngagementInputs:
    participants: pd.DataFrame | None = None
    journey: pd.DataFrame | None = None
    themes: tuple[Theme, ...] = ()
    caveats: str = ""
    known_names: tuple[str, ...] = ()
    source: str = ""
    synthetic: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.participants is None and self.journey is None and not self.themes


def _read_csv(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """Text cells indexed by the row a person sees (header = row 1); blank lines are
    skipped without shifting the row numbers of the lines after them."""
    text = read_user_text(path, what=what)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise SourceFileError(path, f"not a readable CSV ({exc})") from None
    if not any(c.strip() for c in records[0]):
        raise SourceFileError(path, "the first line must be the header row", row=1)
    frame = _read.text_frame(path, records[0], records[1:], header_row=1)
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceFileError(
            path, f"missing column(s) {missing}; found {list(frame.columns)}", row=1
        )
    frame = frame[frame.apply(lambda column: column.str.strip().ne("")).any(axis=1)]
    if frame.empty:
        raise SourceFileError(path, f"the {what} has a header row but no data rows", row=2)
    return frame


def _whole_numbers(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    values = []
    for row, raw in frame[column].items():
        text = str(raw).strip().replace(",", "")
        if not text.isdigit():
            raise SourceFileError(
                path, f"{raw!r} is not a whole number >= 0", row=int(row), column=column
            )
        values.append(int(text))
    return pd.Series(values, index=frame.index, dtype="int64")


def read_participants(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_csv(path, ("group", "method", "participants"), "participants CSV")
    frame["participants"] = _whole_numbers(path, frame, "participants")
    return frame.loc[:, ["group", "method", "participants"]].reset_index(drop=True)


def read_journey(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_csv(path, ("area", "stage", "satisfied", "responses"), "journey CSV")
    frame["satisfied"] = _whole_numbers(path, frame, "satisfied")
    frame["responses"] = _whole_numbers(path, frame, "responses")
    for position, row in frame.iterrows():
        stage = str(row["stage"]).strip().lower()
        if stage not in JOURNEY_STAGES:
            raise SourceFileError(
                path,
                f"stage {row['stage']!r} is not one of {JOURNEY_STAGES}",
                row=position,
                column="stage",
            )
        if row["satisfied"] > row["responses"]:
            raise SourceFileError(
                path,
                f"satisfied ({row['satisfied']}) is more than responses ({row['responses']})",
                row=position,
                column="satisfied",
            )
    frame["stage"] = frame["stage"].str.strip().str.lower()
    return frame.loc[:, ["area", "stage", "satisfied", "responses"]].reset_index(drop=True)


def read_themes(path: str | Path) -> tuple[Theme, ...]:
    path = Path(path)
    try:
        raw = yaml.safe_load(read_user_text(path, what="themes YAML"))
    except yaml.YAMLError as exc:
        raise SourceFileError(path, f"not valid YAML: {exc}") from None
    if isinstance(raw, dict) and "themes" in raw:
        raw = raw["themes"]
    if not isinstance(raw, list):
        raise SourceFileError(path, "expected a list of themes (or a 'themes:' key)")
    themes = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not item.get("theme") or not item.get("summary"):
            raise SourceFileError(path, f"theme {position} needs 'theme' and 'summary'")
        quotes = item.get("quotes") or []
        if not isinstance(quotes, list) or not all(isinstance(q, str) for q in quotes):
            raise SourceFileError(
                path, f"theme {position} ({item['theme']!r}): quotes must be a list of text"
            )
        mentions = item.get("mentions")
        if mentions is not None and (not isinstance(mentions, int) or mentions < 0):
            raise SourceFileError(
                path, f"theme {position} ({item['theme']!r}): mentions must be a whole number >= 0"
            )
        themes.append(
            Theme(
                theme=str(item["theme"]),
                summary=str(item["summary"]),
                quotes=tuple(quotes),
                mentions=mentions,
            )
        )
    return tuple(themes)


def read_engagement(spec: dict | None, base_dir: str | Path = ".") -> EngagementInputs:
    """Read the engagement inputs named in a config's ``engagement:`` mapping.

    Paths are relative to ``base_dir`` (the config file's folder).
    """
    if not spec:
        return EngagementInputs()
    base = Path(base_dir)

    def resolve(key):
        value = spec.get(key)
        return None if not value else (base / value)

    participants = resolve("participants")
    journey = resolve("journey")
    themes = resolve("themes")
    # File names, not absolute paths: a report must not show the author's folders.
    sources = [p.name for p in (participants, journey, themes) if p is not None]
    return EngagementInputs(
        participants=read_participants(participants) if participants else None,
        journey=read_journey(journey) if journey else None,
        themes=read_themes(themes) if themes else (),
        caveats=str(spec.get("caveats", "") or ""),
        known_names=tuple(spec.get("known_names", []) or []),
        source=str(
            spec.get("source", "")
            or f"Engagement evidence collected by the assessment team ({'; '.join(sources)})"
        ),
        synthetic=bool(spec.get("synthetic", False)),
    )
