"""An edition of an assessment: what one build said, read back for comparison.

``dana report --format json`` writes the whole model as a document validated by the
JSON Schema shipped in the package (``dana/data/schema/assessment.schema.json``,
:data:`SCHEMA_VERSION`). :func:`read_edition` reads such a file back, checking first that
it is a DANA assessment at all, then that its major schema version is one this DANA
reads, then the schema itself; every problem is an :class:`EditionError` naming the file
and the place in it. :func:`edition_of` makes the same :class:`Edition` from an
assessment just built, so ``dana diff`` compares a file with a file, a build with a
build, or one of each.

An :class:`Edition` keeps what a comparison between editions needs: the area, period,
date and title, every figure (with its benchmarks, trend and rank), the findings and the
recommendations, as the model's own dataclasses.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

from dana.assess.model import Area, Assessment, BenchmarkResult, Figure, Finding, Recommendation

#: Version of the JSON document (semantic: a new optional field bumps the minor version).
SCHEMA_VERSION = "1.0.0"
#: The ``format`` value that marks a DANA assessment document.
DOCUMENT_FORMAT = "dana-assessment"

__all__ = [
    "DOCUMENT_FORMAT",
    "SCHEMA_VERSION",
    "Edition",
    "EditionError",
    "assessment_schema",
    "edition_from_document",
    "edition_of",
    "read_edition",
    "validate_document",
]


class EditionError(ValueError):
    """A file that is not a readable DANA assessment; the message names file and place."""


@dataclass(frozen=True)
class Edition:
    """One edition of an assessment, as a comparison between editions reads it."""

    title: str
    area: Area
    period: str
    generated: str
    figures: tuple[Figure, ...]
    findings: tuple[Finding, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    synthetic: bool = False
    #: Where it came from: the JSON file or the config it was built from.
    source: str = ""

    def figure(self, indicator_id: str) -> Figure | None:
        for figure in self.figures:
            if figure.indicator_id == indicator_id:
                return figure
        return None

    @property
    def label(self) -> str:
        """``"Peterborough, 2022/23 (built 2025-01-01)"``."""
        period = f", {self.period}" if self.period else ""
        return f"{self.area.name}{period} (built {self.generated})"


@functools.cache
def assessment_schema() -> dict:
    """The JSON Schema of an assessment document (shipped with the package)."""
    text = resources.files("dana.data").joinpath("schema/assessment.schema.json").read_text()
    return json.loads(text)


@functools.cache
def _validator():
    # deferred: only reading and writing JSON editions needs it
    import jsonschema

    schema = assessment_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _place(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate_document(document, where: str = "document") -> None:
    """Check ``document`` (parsed JSON) against the schema; :class:`EditionError` lists the
    first few problems, each with its place (``assessment.sections[2].figures[0].value``)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        shown = "; ".join(f"{_place(e.absolute_path)}: {e.message}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise EditionError(f"{where}: does not match the DANA assessment schema: {shown}{more}")


def _check_kind(document, where: str) -> None:
    if not isinstance(document, dict) or document.get("format") != DOCUMENT_FORMAT:
        raise EditionError(
            f"{where}: not a DANA assessment (a DANA assessment file is written by "
            f'`dana report --format json` and starts with "format": "{DOCUMENT_FORMAT}")'
        )
    version = document.get("schema_version")
    major = str(version).split(".", 1)[0]
    if major != SCHEMA_VERSION.split(".", 1)[0]:
        raise EditionError(
            f"{where}: schema_version {version!r} cannot be read by this DANA, which reads "
            f"version {SCHEMA_VERSION.split('.', 1)[0]}.x (written by DANA "
            f"{document.get('dana_version', 'unknown')})"
        )


def _build(cls, data: dict, **nested):
    """``cls(**data)`` keeping only its fields (a newer minor version may add others)."""
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    for key, convert in nested.items():
        if key in values:
            values[key] = convert(values[key])
    for f in fields(cls):  # JSON arrays back to the model's tuples
        if isinstance(values.get(f.name), list):
            values[f.name] = tuple(values[f.name])
    return cls(**values)


def _figure(data: dict) -> Figure:
    return _build(
        Figure,
        data,
        benchmarks=lambda items: tuple(_build(BenchmarkResult, b) for b in items),
    )


def _walk(sections: list[dict]):
    for section in sections:
        yield section
        yield from _walk(section.get("subsections", []))


def edition_from_document(document: dict, where: str = "document") -> Edition:
    """The :class:`Edition` in a parsed document, after checking kind, version and schema."""
    _check_kind(document, where)
    validate_document(document, where)
    model = document["assessment"]
    sections = list(_walk(model["sections"]))
    return Edition(
        title=model["title"],
        area=_build(Area, model["area"]),
        period=model["period"],
        generated=model["generated"],
        figures=tuple(_figure(f) for s in sections for f in s["figures"]),
        findings=tuple(_build(Finding, f) for s in sections for f in s["findings"]),
        recommendations=tuple(_build(Recommendation, r) for r in model["recommendations"]),
        synthetic=bool(model["synthetic"]),
        source=where,
    )


def read_edition(path: str | Path) -> Edition:
    """Read a JSON edition written by ``dana report --format json``.

    Raises :class:`EditionError` naming the file when it is missing, not JSON, not a
    DANA assessment, of a schema version this DANA cannot read, or not valid against the
    schema.
    """
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EditionError(f"{where}: file not found") from None
    except UnicodeDecodeError:
        raise EditionError(f"{where}: not a DANA assessment (not a UTF-8 text file)") from None
    except OSError as exc:
        raise EditionError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditionError(
            f"{where}: not a DANA assessment (not JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno})"
        ) from None
    return edition_from_document(document, where)


def edition_of(assessment: Assessment, source: str = "") -> Edition:
    """The edition an assessment just built makes (what its JSON file would read back as)."""
    return Edition(
        title=assessment.title,
        area=assessment.area,
        period=assessment.period,
        generated=assessment.generated,
        figures=tuple(assessment.all_figures()),
        findings=tuple(assessment.all_findings()),
        recommendations=assessment.recommendations,
        synthetic=assessment.synthetic,
        source=source,
    )
