"""On-disk cache of API responses, so a second run works offline.

Layout: ``<cache dir>/responses/<key>.body`` (the raw body, byte for byte) and
``<key>.json`` (url, retrieved timestamp, HTTP status, request kind and parameters, body
size and SHA-256). The key is the SHA-256 of the request URL. The cache directory is
``$DANA_CACHE_DIR`` or ``~/.cache/dana``.

Writes are atomic: each file is written to a temporary file in the same directory and
moved into place with ``os.replace``; the metadata file is written last and records the
body's hash, so an interrupted write never yields an entry (a torn entry reads as absent).

:func:`cached_table` turns every cached Fingertips data response into one indicator table
(:mod:`dana.table`) for the assessment builder.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from dana import table as indicator_table
from dana._atomic import write_bytes_atomic
from dana.areas import level_of_fingertips_area_type, resolve_fingertips_area_type
from dana.sources import fingertips
from dana.sources.errors import SourceError

CACHE_ENV = "DANA_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$DANA_CACHE_DIR`` if set, else ``~/.cache/dana``."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "dana"


def _age_text(age: timedelta) -> str:
    seconds = max(age.total_seconds(), 0)
    if seconds < 120:
        return "less than 2 minutes ago"
    if seconds < 2 * 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} hours ago"
    return f"{int(seconds // 86400)} days ago"


class CacheEntryError(SourceError):
    """A cache entry that cannot be used; ``path`` is its metadata file."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class DamagedCacheWarning(UserWarning):
    """Some cache entries were damaged and ignored; the message names them and the fix."""


def _retrieved(text) -> datetime:
    """An ISO date-time; a naive one (older versions wrote local times without an offset)
    is read as UTC."""
    try:
        stamp = datetime.fromisoformat(str(text))
    except ValueError:
        raise ValueError(f"retrieved {text!r} is not an ISO date-time") from None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _status(value) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise ValueError(f"status {value!r} is not an HTTP status number")
    return int(text)


def _info(info) -> dict:
    """Request parameters; an area type written as a friendly name ("utla") is read as
    its Fingertips id, an unknown one is an error."""
    if not isinstance(info, dict):
        raise ValueError(f"info {info!r} is not a mapping")
    out = {str(k): str(v) for k, v in info.items()}
    for key in ("child_area_type_id", "parent_area_type_id", "area_type_id"):
        if key in out:
            out[key] = str(resolve_fingertips_area_type(out[key]))
    return out


@dataclass(frozen=True)
class CachedResponse:
    """One cached response. ``body`` is None in listings (:meth:`ResponseCache.entries`)."""

    url: str
    retrieved: datetime
    status: int
    kind: str
    info: dict = field(default_factory=dict)
    size: int = 0
    body: bytes | None = None

    @property
    def age(self) -> timedelta:
        return datetime.now(UTC) - self.retrieved

    @property
    def age_text(self) -> str:
        """e.g. "2024-05-01T10:00:00+00:00 (3 days ago)"."""
        return f"{self.retrieved.isoformat(timespec='seconds')} ({_age_text(self.age)})"


class ResponseCache:
    """Raw API responses on disk, keyed by request URL."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()

    @property
    def _responses(self) -> Path:
        return self.directory / "responses"

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self._responses / f"{key}.body", self._responses / f"{key}.json"

    def put(
        self,
        url: str,
        body: bytes,
        *,
        status: int = 200,
        retrieved: datetime | None = None,
        kind: str = "",
        info: dict | None = None,
    ) -> CachedResponse:
        """Store ``body`` for ``url`` atomically (body first, then the metadata that
        commits it)."""
        retrieved = retrieved or datetime.now(UTC)
        self._responses.mkdir(parents=True, exist_ok=True)
        body_path, meta_path = self._paths(url)
        meta = {
            "url": url,
            "retrieved": retrieved.isoformat(),
            "status": status,
            "kind": kind,
            "info": dict(info or {}),
            "size": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        write_bytes_atomic(body_path, body)
        write_bytes_atomic(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        return self._entry(meta, body)

    @staticmethod
    def _entry(meta: dict, body: bytes | None) -> CachedResponse:
        """The entry ``meta`` describes; ``ValueError`` saying which field is not as this
        version writes it (metadata left by another version of DANA)."""
        size = meta.get("size", 0)
        return CachedResponse(
            url=str(meta["url"]),
            retrieved=_retrieved(meta["retrieved"]),
            status=_status(meta.get("status", 200)),
            kind=str(meta.get("kind", "")),
            info=_info(meta.get("info", {})),
            size=int(size) if str(size).isdigit() else 0,
            body=body,
        )

    def _load(self, meta_path: Path, *, with_body: bool) -> CachedResponse:
        """The entry stored under ``meta_path``; :class:`CacheEntryError` if it is damaged."""
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CacheEntryError(meta_path, f"metadata is not readable JSON ({exc})") from None
        required = ("url", "retrieved", "sha256")
        missing = [k for k in required if not isinstance(meta, dict) or k not in meta]
        if missing:
            raise CacheEntryError(meta_path, f"metadata lacks {', '.join(missing)}")
        try:
            body = meta_path.with_suffix(".body").read_bytes()
        except OSError:
            raise CacheEntryError(meta_path, "its body file is missing") from None
        if hashlib.sha256(body).hexdigest() != meta["sha256"]:
            raise CacheEntryError(
                meta_path,
                f"its body ({len(body)} bytes) does not match the hash recorded when it was"
                " downloaded (truncated or changed on disk)",
            )
        try:
            return self._entry(meta, body if with_body else None)
        except (KeyError, TypeError, ValueError) as exc:
            raise CacheEntryError(meta_path, str(exc)) from None

    def get(self, url: str) -> CachedResponse | None:
        """The cached response for ``url``, or None (also when the entry is damaged, see
        :meth:`damaged`: it reads as absent and is downloaded again)."""
        meta_path = self._paths(url)[1]
        if not meta_path.is_file():
            return None
        try:
            entry = self._load(meta_path, with_body=True)
        except CacheEntryError:
            return None
        return entry if entry.url == url else None

    @staticmethod
    def is_fresh(entry: CachedResponse, max_age: timedelta | float | None) -> bool:
        """True when ``max_age`` is None (any age) or the entry is younger than it
        (a timedelta, or seconds)."""
        if max_age is None:
            return True
        limit = max_age if isinstance(max_age, timedelta) else timedelta(seconds=float(max_age))
        return entry.age <= limit

    def entries(self) -> list[CachedResponse]:
        """Every usable entry (without bodies), oldest first; :meth:`damaged` lists the rest."""
        return self._scan()[0]

    def damaged(self) -> list[CacheEntryError]:
        """Entries that cannot be used, each saying why: a torn or truncated body, or
        metadata from another version of DANA (a non-numeric status, a ``retrieved`` that
        is not an ISO date-time, an unknown area type). They read as absent, so the next
        ``dana fetch`` downloads them again."""
        return self._scan()[1]

    def _scan(self) -> tuple[list[CachedResponse], list[CacheEntryError]]:
        if not self._responses.is_dir():
            return [], []
        found, damaged = [], []
        for meta_path in sorted(self._responses.glob("*.json")):
            try:
                found.append(self._load(meta_path, with_body=False))
            except CacheEntryError as exc:
                damaged.append(exc)
        return sorted(found, key=lambda e: e.retrieved), damaged

    def remove(self, url: str) -> None:
        for path in self._paths(url)[::-1]:  # metadata first: the entry disappears at once
            path.unlink(missing_ok=True)

    def cached_table(
        self,
        area_codes: Iterable[str] | None = None,
        indicator_ids: Iterable[str | int] | None = None,
        *,
        catalogue=fingertips.USE_DEFAULT_CATALOGUE,
    ) -> pd.DataFrame:
        """Every cached Fingertips data row as one validated indicator table.

        Filters to ``area_codes`` / ``indicator_ids`` when given. Polarity, value type and
        unit come from the catalogue, else from cached metadata responses. A row cached by
        several requests (England appears in every response) is kept once, from the most
        recent download; where an older download holds different figures for the same row
        (a revision), :class:`RevisedDataWarning` says how many rows and shows one.
        """
        ids = {str(i).strip() for i in indicator_ids} if indicator_ids is not None else None
        codes = {c.strip().upper() for c in area_codes} if area_codes is not None else None
        entries, damaged = self._scan()
        if damaged:
            warnings.warn(
                f"{len(damaged)} cache entr{'y' if len(damaged) == 1 else 'ies'} in"
                f" {self.directory} could not be used and were ignored ({damaged[0].reason}:"
                f" {damaged[0].path.name}); run `dana fetch` again to download them afresh",
                DamagedCacheWarning,
                stacklevel=2,
            )
        data_entries = [
            e
            for e in entries
            if e.kind == "indicator_data"
            and (ids is None or ids & set(e.info.get("indicator_ids", "").split(",")))
        ]
        if not data_entries:
            return indicator_table.empty()
        if catalogue is fingertips.USE_DEFAULT_CATALOGUE:
            catalogue = fingertips.load_default_catalogue()
        descriptions, unusable = self._descriptions(catalogue, entries)
        frames = []
        for entry in sorted(data_entries, key=lambda e: e.retrieved, reverse=True):
            full = self.get(entry.url)
            if full is None:
                continue  # removed or torn since listing
            try:
                data = fingertips.parse_data_csv(full.body, url=entry.url)
            except fingertips.FingertipsBadResponse as exc:
                raise SourceError(
                    f"{self.directory}: a cached response cannot be read ({exc}); run"
                    " `dana fetch --refresh` to download it again"
                ) from None
            if ids is not None:
                data = data[data["Indicator ID"].str.strip().isin(ids)]
            if codes is not None:
                data = data[data["Area Code"].str.strip().str.upper().isin(codes)]
            missing = sorted(set(data["Indicator ID"].str.strip()) - set(descriptions))
            if missing:
                why = "; ".join(unusable[i] for i in missing if i in unusable)
                raise SourceError(
                    f"{self.directory}: cached data for indicator(s) {missing} has no usable"
                    " metadata in the catalogue or the cache"
                    + (f" ({why})" if why else "; run `dana fetch` for them again")
                )
            child = int(entry.info.get("child_area_type_id", "502"))
            frames.append(
                fingertips.to_indicator_table(
                    data.reset_index(drop=True),
                    descriptions,
                    retrieved=full.retrieved.date().isoformat(),
                    child_area_type=level_of_fingertips_area_type(child),
                    where=f"cached {entry.url}",
                )
            )
        combined = pd.concat(frames, ignore_index=True)  # newest download first
        _warn_revisions(combined, self.directory)
        combined = combined.drop_duplicates(subset=list(indicator_table.KEY), keep="first")
        combined = combined.sort_values(["indicator_id", "area_code", "period_sort", "sex", "age"])
        return indicator_table.validate(
            combined.reset_index(drop=True), where=f"Fingertips cache {self.directory}"
        )

    def _descriptions(
        self, catalogue, entries: list[CachedResponse]
    ) -> tuple[dict[str, fingertips.IndicatorDescription], dict[str, str]]:
        """Descriptions from cached metadata, overridden by the catalogue's; and, for
        metadata rows that cannot describe an indicator (an unknown value type), why."""
        described: dict[str, fingertips.IndicatorDescription] = {}
        unusable: dict[str, str] = {}
        for entry in entries:
            full = self.get(entry.url) if entry.kind == "indicator_metadata" else None
            if full is None:
                continue
            metadata = fingertips.parse_metadata_csv(full.body, url=entry.url)
            for position in range(len(metadata)):
                row = metadata.iloc[[position]]
                try:
                    described.update(fingertips.describe_from_metadata(row))
                except fingertips.FingertipsBadResponse as exc:
                    unusable[str(row["Indicator ID"].iloc[0]).strip()] = str(exc)
        if catalogue is not None:
            data_ids = [
                i
                for e in entries
                if e.kind == "indicator_data"
                for i in e.info.get("indicator_ids", "").split(",")
            ]
            for indicator_id in [*described, *data_ids]:
                entry = fingertips.describe_from_catalogue(catalogue, indicator_id)
                if entry is not None:
                    described[indicator_id] = entry
        return described, unusable


class RevisedDataWarning(UserWarning):
    """Cached downloads disagree on a row's figures; the newest download's row was kept."""


#: The published figures of a row: two cached copies differing here are a revision.
_FIGURES = ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "count", "denominator")


def _warn_revisions(combined: pd.DataFrame, directory) -> None:
    """Warn when copies of one key (newest first in ``combined``) carry different figures."""
    key = list(indicator_table.KEY)
    versions = combined.drop_duplicates(subset=[*key, *_FIGURES, "value_note"])
    revised = versions[versions.duplicated(subset=key, keep=False)]
    if revised.empty:
        return
    first = revised.iloc[0]
    warnings.warn(
        f"{directory}: {revised[key].drop_duplicates().shape[0]} row(s) differ between cached"
        f" downloads (e.g. indicator {first['indicator_id']}, {first['area_code']},"
        f" {first['period']}: value {first['value']!r} in the newest download); the newest"
        " download was kept. Run `dana fetch --refresh` to download everything again.",
        RevisedDataWarning,
        stacklevel=3,
    )


def cached_table(
    area_codes: Iterable[str] | None = None,
    indicator_ids: Iterable[str | int] | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """The indicator table of everything cached (see :meth:`ResponseCache.cached_table`)."""
    return ResponseCache(cache_dir).cached_table(area_codes, indicator_ids)
