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

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from dana.sources.errors import SourceFileError

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


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise SourceFileError(path, "file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceFileError(path, f"not a readable CSV ({exc})") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceFileError(path, f"missing column(s) {missing}; found {list(frame.columns)}")
    return frame


def _whole_numbers(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    values = []
    for position, raw in enumerate(frame[column], start=2):  # header is row 1
        text = str(raw).strip().replace(",", "")
        if not text.isdigit():
            raise SourceFileError(
                path, f"{raw!r} is not a whole number >= 0", row=position, column=column
            )
        values.append(int(text))
    return pd.Series(values, index=frame.index, dtype="int64")


def read_participants(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_csv(path, ("group", "method", "participants"))
    frame["participants"] = _whole_numbers(path, frame, "participants")
    return frame.loc[:, ["group", "method", "participants"]]


def read_journey(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    frame = _read_csv(path, ("area", "stage", "satisfied", "responses"))
    frame["satisfied"] = _whole_numbers(path, frame, "satisfied")
    frame["responses"] = _whole_numbers(path, frame, "responses")
    for position, (_, row) in enumerate(frame.iterrows(), start=2):
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
    return frame.loc[:, ["area", "stage", "satisfied", "responses"]]


def read_themes(path: str | Path) -> tuple[Theme, ...]:
    path = Path(path)
    if not path.is_file():
        raise SourceFileError(path, "file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
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
