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
        return CachedResponse(
            url=meta["url"],
            retrieved=datetime.fromisoformat(meta["retrieved"]),
            status=int(meta.get("status", 200)),
            kind=meta.get("kind", ""),
            info=dict(meta.get("info", {})),
            size=int(meta.get("size", 0)),
            body=body,
        )

    @staticmethod
    def _read_meta(meta_path: Path) -> dict | None:
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        required = ("url", "retrieved", "sha256")
        return meta if isinstance(meta, dict) and all(k in meta for k in required) else None

    def get(self, url: str) -> CachedResponse | None:
        """The cached response for ``url``, or None (also when the entry is torn: its body
        does not match the hash its metadata recorded)."""
        body_path, meta_path = self._paths(url)
        meta = self._read_meta(meta_path)
        if meta is None or meta["url"] != url:
            return None
        try:
            body = body_path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(body).hexdigest() != meta["sha256"]:
            return None
        return self._entry(meta, body)

    @staticmethod
    def is_fresh(entry: CachedResponse, max_age: timedelta | float | None) -> bool:
        """True when ``max_age`` is None (any age) or the entry is younger than it
        (a timedelta, or seconds)."""
        if max_age is None:
            return True
        limit = max_age if isinstance(max_age, timedelta) else timedelta(seconds=float(max_age))
        return entry.age <= limit

    def entries(self) -> list[CachedResponse]:
        """Every complete entry (without bodies), oldest first."""
        if not self._responses.is_dir():
            return []
        found = []
        for meta_path in sorted(self._responses.glob("*.json")):
            meta = self._read_meta(meta_path)
            if meta is not None and meta_path.with_suffix(".body").is_file():
                found.append(self._entry(meta, None))
        return sorted(found, key=lambda e: e.retrieved)

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
        data_entries = [
            e
            for e in self.entries()
            if e.kind == "indicator_data"
            and (ids is None or ids & set(e.info.get("indicator_ids", "").split(",")))
        ]
        if not data_entries:
            return indicator_table.empty()
        if catalogue is fingertips.USE_DEFAULT_CATALOGUE:
            catalogue = fingertips.load_default_catalogue()
        descriptions = self._descriptions(catalogue)
        frames = []
        for entry in sorted(data_entries, key=lambda e: e.retrieved, reverse=True):
            full = self.get(entry.url)
            if full is None:
                continue  # removed or torn since listing
            data = fingertips.parse_data_csv(full.body, url=entry.url)
            if ids is not None:
                data = data[data["Indicator ID"].str.strip().isin(ids)]
            if codes is not None:
                data = data[data["Area Code"].str.strip().str.upper().isin(codes)]
            missing = sorted(set(data["Indicator ID"].str.strip()) - set(descriptions))
            if missing:
                raise SourceError(
                    f"{self.directory}: cached data for indicator(s) {missing} has no metadata"
                    " in the catalogue or the cache; run `dana fetch` for them again"
                )
            child = int(entry.info.get("child_area_type_id", "502"))
            frames.append(
                fingertips.to_indicator_table(
                    data.reset_index(drop=True),
                    descriptions,
                    retrieved=full.retrieved.date().isoformat(),
                    child_area_type=fingertips.table_area_type(child),
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

    def _descriptions(self, catalogue) -> dict[str, fingertips.IndicatorDescription]:
        described: dict[str, fingertips.IndicatorDescription] = {}
        for entry in self.entries():
            if entry.kind != "indicator_metadata":
                continue
            full = self.get(entry.url)
            if full is not None:
                metadata = fingertips.parse_metadata_csv(full.body, url=entry.url)
                described.update(fingertips.describe_from_metadata(metadata))
        if catalogue is not None:
            for indicator_id in list(described) + [
                i
                for e in self.entries()
                if e.kind == "indicator_data"
                for i in e.info.get("indicator_ids", "").split(",")
            ]:
                entry = fingertips.describe_from_catalogue(catalogue, indicator_id)
                if entry is not None:
                    described[indicator_id] = entry
        return described


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
