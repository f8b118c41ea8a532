"""Opening an extract: find its files, check the layout, hand the engine canonical columns.

An extract is one file or several (a folder of part files, or a list), as analysts receive
it: a pipe-delimited DARS ``.txt``, a CSV (comma, pipe or tab, detected from the header
line), or Parquet. Before the engine reads anything, the header (CSV) or schema (Parquet) of
every file is checked against the layout (:mod:`dana.records.layouts`): a missing field is a
:class:`dana.records.layouts.LayoutError` naming the file, and a part file whose columns or
types differ from the first part's is an :class:`ExtractError` naming both files and the
columns that differ.

**Synthetic data** written by ``dana records synth`` is recognised from the manifest the
generator puts beside its files (``dana-synthetic.json``); every output row built from it
says so in ``source``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow.parquet as pq

from dana.records.engines import Engine
from dana.records.errors import RecordsError
from dana.records.layouts import LAYOUTS, ColumnMap, map_columns

SYNTHETIC_MANIFEST = "dana-synthetic.json"
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".psv")


class ExtractError(RecordsError, ValueError):
    """An extract's files cannot be read together; the message names the files."""


@dataclass(frozen=True)
class Extract:
    """One extract on an engine: canonical columns in ``table``."""

    kind: str
    files: tuple[Path, ...]
    table: ir.Table
    columns: ColumnMap
    synthetic: str  # "" for real data, else the generator's description
    sample_scale: float | None = None  # synthetic: the share of a national year simulated
    reader: Callable[[], ir.Table] | None = None

    def fresh(self) -> ir.Table:
        """The canonical table read again, as a new expression: a query that reads the
        extract twice (e.g. its keys alone) then scans it twice rather than materialising
        one shared copy of every column (what DuckDB does with a repeated subquery)."""
        return self.reader() if self.reader is not None else self.table

    @property
    def label(self) -> str:
        if len(self.files) == 1:
            return self.files[0].name
        return f"{self.files[0].parent.name}/ ({len(self.files)} files)"


def _files(source: str | Path | list) -> list[Path]:
    if isinstance(source, (list, tuple)):
        paths = [Path(p) for p in source]
    else:
        path = Path(source)
        if path.is_dir():
            paths = sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".parquet", *_TEXT_SUFFIXES)
            )
            if not paths:
                raise ExtractError(f"{path}: folder holds no .parquet, .csv or .txt files")
        else:
            paths = [path]
    for path in paths:
        if not path.exists():
            raise ExtractError(f"{path}: file not found")
    kinds = {p.suffix.lower() == ".parquet" for p in paths}
    if len(kinds) > 1:
        raise ExtractError(f"{paths[0].parent}: mixes Parquet and text files; use one format")
    return paths


def _text_header(path: Path) -> tuple[list[str], str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline().rstrip("\r\n")
    if not first:
        raise ExtractError(f"{path}: empty file (no header line)")
    delimiter = max(("|", ",", "\t"), key=first.count)
    return next(csv.reader([first], delimiter=delimiter)), delimiter


def _parquet_schema(path: Path) -> dict[str, str]:
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise ExtractError(f"{path}: not a readable Parquet file ({exc})") from None
    return {name: str(schema.field(name).type) for name in schema.names}


def _check_same(first: Path, other: Path, a: dict[str, str], b: dict[str, str]) -> None:
    if a == b:
        return
    missing = [c for c in a if c not in b]
    extra = [c for c in b if c not in a]
    retyped = [f"{c} ({a[c]} vs {b[c]})" for c in a if c in b and a[c] != b[c]]
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"unexpected {extra}")
    if retyped:
        parts.append(f"different types {retyped}")
    if not parts:
        parts.append("columns in a different order")
    raise ExtractError(
        f"{other}: schema differs from {first.name}, the first file of the extract: "
        + "; ".join(parts)
    )


def synthetic_manifest(files: list[Path]) -> dict:
    """The generator's manifest if every file is listed in it, else {} (real data)."""
    manifest = files[0].parent / SYNTHETIC_MANIFEST
    if not manifest.is_file():
        return {}
    info = json.loads(manifest.read_text(encoding="utf-8"))
    listed = set(info.get("files", []))
    if all(p.name in listed for p in files):
        info.setdefault("description", "DANA synthetic records - not real data")
        return info
    return {}


def open_extract(engine: Engine, kind: str, source: str | Path | list) -> Extract:
    """Check the files of one extract and read them on ``engine`` with canonical names."""
    files = _files(source)
    if files[0].suffix.lower() == ".parquet":
        schemas = [_parquet_schema(p) for p in files]
        for path, schema in zip(files[1:], schemas[1:], strict=True):
            _check_same(files[0], path, schemas[0], schema)
        header = list(schemas[0])

        def read() -> ir.Table:
            return engine.read_parquet(files)
    else:
        headers = [_text_header(p) for p in files]
        for path, (names, delimiter) in zip(files[1:], headers[1:], strict=True):
            if (names, delimiter) != headers[0]:
                _check_same(
                    files[0],
                    path,
                    dict.fromkeys(headers[0][0], "text"),
                    dict.fromkeys(names, "text"),
                )
        header, delimiter = headers[0]

        def read() -> ir.Table:
            return engine.read_csv(files, delimiter=delimiter)

    columns = map_columns(kind, header, where=str(files[0]))
    manifest = synthetic_manifest(files)
    return Extract(
        kind=kind,
        files=tuple(files),
        table=canonical(read(), columns, kind),
        columns=columns,
        synthetic=str(manifest.get("description", "")),
        sample_scale=float(manifest["scale"]) if "scale" in manifest else None,
        reader=lambda: canonical(read(), columns, kind),
    )


def canonical(raw: ir.Table, columns: ColumnMap, kind: str) -> ir.Table:
    """The raw table with canonical names; absent optional fields as NULL text."""
    layout = LAYOUTS[kind]
    selected: dict[str, ir.Value] = {}
    for spec in layout.fields:
        source = columns.fields.get(spec.name)
        selected[spec.name] = raw[source] if source else ibis.null("string")
    if layout.repeated:
        prefix = layout.repeated[0][0]
        for name, source in columns.repeated_names(prefix).items():
            selected[name] = raw[source]
    return raw.select(**selected)
