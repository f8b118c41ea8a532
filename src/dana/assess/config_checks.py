"""What a config points at, checked before anything is built: areas, files, sources.

:func:`check_references` lists every problem with the assessed area, the comparator
areas, the local files, the ``data.sources`` entries, the recommendations register's
fields, the engagement files and the Fingertips cache folder, each as
``<key>: <problem>``; :func:`dana.assess.config.load_config` reports them all at once.

Each check takes the validated :class:`~dana.assess.config.AssessmentConfig` (not
imported here: the config module imports this one, and imports point one way).
"""

from __future__ import annotations

from dana.areas import load_areas
from dana.assess.recommendations import load_recommendations
from dana.sources.cache import CACHE_ENV
from dana.sources.registry import check_spec, describe


def check_references(config) -> list[str]:
    """Problems with what the config points at: the area, comparator areas, files."""
    problems = []
    areas = load_areas()
    try:
        area = areas.resolve(config.area)
        if area.area_type != "utla":
            problems.append(
                f"area: {area.name} ({area.code}) is a {area.area_type}; DANA assesses "
                "upper-tier local authorities (counties and unitary authorities)"
            )
    except KeyError as exc:
        problems.append(f"area: {exc}")
    if isinstance(config.comparators.neighbours, list):
        for position, entry in enumerate(config.comparators.neighbours):
            try:
                areas.resolve(entry)
            except KeyError as exc:
                problems.append(f"comparators.neighbours[{position}]: {exc}")
    for position, name in enumerate(config.data.local_files):
        if not config.path(name).is_file():
            problems.append(f"data.local_files[{position}]: file not found: {config.path(name)}")
    problems += _check_sources(config)
    problems += _check_register(config)
    for key, name in (config.engagement.files() if config.engagement else {}).items():
        if not config.path(name).is_file():
            problems.append(f"engagement.{key}: file not found: {config.path(name)}")
    problems += _check_cache(config)
    return problems


def _check_register(config) -> list[str]:
    """Problems with the recommendations register's own fields (its links to findings
    are checked when the assessment is built)."""
    if not config.recommendations:
        return []
    path = config.path(config.recommendations)
    if not path.is_file():
        return [f"recommendations: file not found: {path}"]
    try:
        load_recommendations(path)  # fields only: no links to check yet
    except ValueError as exc:
        return [f"recommendations: {exc}"]
    return []


def _check_cache(config) -> list[str]:
    """``data.fingertips_cache`` needs a cache folder that exists."""
    if not config.data.fingertips_cache:
        return []
    folder = config.fingertips_cache_dir()
    if folder.is_dir():
        return []
    if config.data.cache_dir is not None:
        return [f"data.cache_dir: folder not found: {folder} (data.fingertips_cache is true)"]
    return [
        f"data.fingertips_cache: no Fingertips cache at {folder} (${CACHE_ENV} or "
        "~/.cache/dana): run `dana fetch` first, or set data.cache_dir"
    ]


def _check_sources(config) -> list[str]:
    """Problems with ``data.root`` and each ``data.sources`` entry (type, keys, files)."""
    if not config.data.sources:
        return []
    try:
        root = config.data_root()
    except ValueError as exc:
        return [f"data.root: {exc}"]
    if not root.is_dir():
        return [f"data.root: folder not found: {root}"]
    problems = []
    builtin_types = {"default", "cambridgeshire_peterborough"}
    for position, spec in enumerate(config.data.sources):
        where = f"data.sources[{position}]"
        for key, problem in check_spec(spec, root):
            label = describe(spec) if key in ("", "type") else spec.get("type")
            problems.append(f"{where}{'.' + key if key else ''} ({label}): {problem}")
        if spec.get("type") in builtin_types and config.data.builtin != "none":
            problems.append(
                f"{where}: built-in data {spec['type']!r} is listed as a source and "
                f"data.builtin is {config.data.builtin!r}; name the built-in data once"
            )
    return problems
