"""The explorer's data: read whole, swapped whole, rebuilt when its files change.

A :class:`Snapshot` is everything one reading of the config's data gives: the config,
the indicator table, the catalogue, the national summary (every area x indicator,
:func:`dana.assess.summarise_areas`, computed once) and the areas to choose from, with
the size and modification time of every file it was read from. :class:`DataStore`
serves one snapshot at a time:

- **Areas built on first request.** :meth:`DataStore.area` builds an area's assessment
  (:func:`dana.assess.explore.explore_area`, the report's build) once and keeps the most
  recent :data:`AREA_CACHE` areas; the config's own area is built before the explorer
  starts answering. Concurrent requests for an area share one build.
- **Files that change are re-read, never served half-read.** At most once a
  :data:`CHECK_EVERY` seconds a request looks at the files' stamps; when one changed, a
  background thread reads a whole new snapshot, checks the stamps did not move while it
  read (a file still being written is read again later), and only then replaces the
  old one. Until then, and if the new files cannot be read, the old snapshot is served
  with a notice saying so (:attr:`DataStore.notice`).

Other areas than the config's own get the config without its engagement evidence,
recommendations, introduction and previous edition: those belong to the config's area.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from dana.areas import load_areas
from dana.assess import summarise_areas
from dana.assess.config import AssessmentConfig, load_config
from dana.assess.explore import AreaView, explore_area
from dana.assess.load import load_table
from dana.assess.model import Area, NationalSummary
from dana.assess.national_withheld import withhold_nationally_withheld
from dana.catalogue import load_catalogue
from dana.render import ChartCache
from dana.sources.registry import SOURCE_TYPES, resolve_path

#: Areas whose built assessments are kept (each is a few MB).
AREA_CACHE = 24
#: Seconds between two looks at the data files' stamps.
CHECK_EVERY = 1.0
#: Seconds to wait before re-reading files that changed while they were read.
SETTLE = 0.5

Stamp = tuple[tuple[str, int, int], ...]


def watched_files(config: AssessmentConfig, config_file: Path | None) -> list[Path]:
    """Every file the config reads: itself, local files, typed sources, recommendations,
    engagement files, the previous edition and the Fingertips cache's files."""
    paths: list[Path] = [config_file] if config_file is not None else []
    paths += [config.path(name) for name in config.data.local_files]
    root = config.data_root()
    for spec in config.data.sources:
        rule = SOURCE_TYPES.get(str(spec.get("type")))
        for key in rule.files if rule else ("path",):
            if spec.get(key):
                paths.append(resolve_path(str(spec[key]), root))
    for name in (config.recommendations, config.previous_edition):
        if name:
            paths.append(config.path(name))
    if config.engagement is not None:
        paths += [config.path(name) for name in config.engagement.files().values()]
    if config.data.fingertips_cache:
        folder = config.fingertips_cache_dir()
        if folder.is_dir():
            paths += sorted(p for p in folder.rglob("*") if p.is_file())
    return paths


def stamp_of(paths: list[Path]) -> Stamp:
    """(path, size, mtime in ns) of each path; -1s for a file that is missing."""
    out = []
    for path in paths:
        try:
            info = path.stat()
            out.append((str(path), info.st_size, info.st_mtime_ns))
        except OSError:
            out.append((str(path), -1, -1))
    return tuple(out)


@dataclass(frozen=True)
class Snapshot:
    """One whole reading of the data (never changed once made)."""

    config: AssessmentConfig
    table: pd.DataFrame
    catalogue: object
    national: NationalSummary
    areas: tuple[Area, ...]  # the areas with data, by name
    home: Area  # the config's own area
    files: tuple[Path, ...]
    stamp: Stamp
    read_at: datetime

    def find_area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)


class DataChanged(RuntimeError):
    """The files changed while they were being read."""


def _areas(national: NationalSummary) -> tuple[Area, ...]:
    rows = national.rows.drop_duplicates("area_code")
    areas = [
        Area(r.area_code, r.area_name, r.area_type, str(r.region_code), str(r.region_name))
        for r in rows.itertuples(index=False)
    ]
    return tuple(sorted(areas, key=lambda a: a.name))


def read_snapshot(config_file: Path | None, data_root: Path | None = None) -> Snapshot:
    """Read the config and all its data once, whole. Raises :class:`DataChanged` when a
    file changed while it was read, and whatever reading raises for a bad file."""
    config_stamp = stamp_of([config_file]) if config_file is not None else ()
    config = load_config(config_file, data_root=data_root)
    files = watched_files(config, config_file)
    before = stamp_of(files)
    if config_stamp and before[:1] != config_stamp:
        raise DataChanged("the config changed while it was being read")
    catalogue = load_catalogue()
    table = load_table(config)
    national = summarise_areas(
        table, catalogue, suppression=config.suppression, confidence=config.confidence
    )
    # the area pages sit beside the ranked all-areas tables: a cell those withhold (a
    # secondary cell of a region) is withheld on every area page too
    table = withhold_nationally_withheld(table, national)
    if stamp_of(files) != before:
        raise DataChanged("the data files changed while they were being read")
    areas = _areas(national)
    home_code = load_areas().resolve(config.area).code
    return Snapshot(
        config=config,
        table=table,
        catalogue=catalogue,
        national=national,
        areas=areas,
        home=next(a for a in areas if a.code == home_code),
        files=tuple(files),
        stamp=before,
        read_at=datetime.now().replace(microsecond=0),
    )


@dataclass
class AreaEntry:
    """A built area and what its pages draw once: chart pictures and the report."""

    view: AreaView
    pictures: ChartCache = field(default_factory=lambda: ChartCache(workers=1))
    report_html: str | None = None


@dataclass
class _Building:
    done: threading.Event = field(default_factory=threading.Event)
    view: AreaEntry | None = None
    error: BaseException | None = None


class DataStore:
    """The snapshot being served, its built areas, and the reloading of changed files."""

    def __init__(
        self,
        config_file: str | Path | None = None,
        *,
        data_root: str | Path | None = None,
        check_every: float = CHECK_EVERY,
        area_cache: int = AREA_CACHE,
    ):
        self.config_file = Path(config_file) if config_file is not None else None
        self.data_root = Path(data_root) if data_root is not None else None
        self.check_every = check_every
        self.area_cache = area_cache
        self.snapshot = read_snapshot(self.config_file, self.data_root)
        #: what readers must be told about the data (a reload pending or failed), or ""
        self.notice = ""
        self._views: OrderedDict[str, _Building] = OrderedDict()
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._reloading: threading.Thread | None = None
        self._failed_stamp: Stamp | None = None
        self.area(self.snapshot.home.code)  # the config's own area is ready before serving

    # --- areas --------------------------------------------------------------------------

    def config_for(self, snapshot: Snapshot, area: Area) -> AssessmentConfig:
        """The config an area is built with: the config itself for its own area; for
        another, without what belongs to the config's area alone."""
        config = snapshot.config
        if area.code == snapshot.home.code:
            return config
        return config.model_copy(
            update={
                "area": area.code,
                "title": "",
                "introduction": "",
                "engagement": None,
                "recommendations": None,
                "previous_edition": None,
            }
        )

    def area(self, code: str) -> AreaEntry:
        """The built area (building it now if needed); KeyError for an unknown code."""
        snapshot = self.snapshot
        area = snapshot.find_area(code)
        if area is None:
            raise KeyError(code)
        key = self._key(snapshot, code)
        with self._lock:
            building = self._views.get(key)
            owner = building is None
            if owner:
                building = self._views[key] = _Building()
                while len(self._views) > self.area_cache:
                    self._views.popitem(last=False)
            else:
                self._views.move_to_end(key)
        if owner:
            try:
                building.view = self._build(snapshot, area).view
            except BaseException as exc:  # every waiter sees the failure, not a hang
                building.error = exc
                with self._lock:
                    self._views.pop(key, None)
                raise
            finally:
                building.done.set()
        building.done.wait()
        if building.error is not None:
            raise building.error
        return building.view

    @staticmethod
    def _key(snapshot: Snapshot, code: str) -> str:
        return f"{id(snapshot)}:{code}"

    def _build(self, snapshot: Snapshot, area: Area) -> _Building:
        view = explore_area(
            self.config_for(snapshot, area),
            table=snapshot.table,
            catalogue=snapshot.catalogue,
            national=snapshot.national,
        )
        building = _Building(view=AreaEntry(view))
        building.done.set()
        return building

    def is_built(self, code: str) -> bool:
        building = self._views.get(self._key(self.snapshot, code))
        return building is not None and building.done.is_set() and building.view is not None

    # --- reloading ----------------------------------------------------------------------

    def check(self) -> None:
        """Start re-reading the data in the background if a file changed (throttled)."""
        now = time.monotonic()
        if now - self._checked < self.check_every:
            return
        self._checked = now
        if self._reloading is not None and self._reloading.is_alive():
            return
        current = self.snapshot
        stamp = stamp_of(list(current.files))
        if stamp in (current.stamp, self._failed_stamp):  # unchanged, or already reported
            return
        self.notice = (
            f"The data files changed; they are being read again. Until then this page shows "
            f"the data as read at {current.read_at:%H:%M:%S}."
        )
        self._reloading = threading.Thread(target=self._reload, name="dana-reload", daemon=True)
        self._reloading.start()

    def _reload(self, attempts: int = 5) -> None:
        old = self.snapshot
        for _ in range(attempts):
            try:
                fresh = read_snapshot(self.config_file, self.data_root)
            except DataChanged:
                time.sleep(SETTLE)
                continue
            except Exception as exc:  # a half-written or broken file: keep serving the old
                self.notice = (
                    f"The data files changed but could not be read: {exc}. This page shows "
                    f"the data as read at {old.read_at:%H:%M:%S}; fix the files and the "
                    "explorer reads them again."
                )
                self._failed_stamp = stamp_of(list(old.files))
                return
            home = self._build(fresh, fresh.home)  # the config's area is ready at once
            with self._lock:
                self.snapshot = fresh
                self._views.clear()
                self._views[self._key(fresh, fresh.home.code)] = home
            self.notice = ""
            self._failed_stamp = None
            return
        self.notice = (
            f"The data files keep changing; this page shows the data as read at "
            f"{old.read_at:%H:%M:%S}."
        )

    def wait_for_reload(self, timeout: float = 60.0) -> None:
        """Wait for a background reload to finish (tests, benchmarks)."""
        thread = self._reloading
        if thread is not None:
            thread.join(timeout)
