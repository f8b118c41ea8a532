"""Write an assessment in every format, all or nothing: the top layer over the renderers.

:func:`write_outputs` renders an :class:`~dana.assess.model.Assessment` as HTML, DOCX,
PDF and PPTX (:func:`dana.render.render_formats`: every chart drawn once and shared, the
formats written in parallel). Every format is rendered into a hidden staging folder inside
``out_dir`` (:func:`dana._atomic.publish_together`); only when all have succeeded are the
files swapped into ``out_dir`` (``os.replace`` on one file system, old files moved aside
first and restored if any move fails). If any renderer fails, the staging folder is
removed and ``out_dir`` is left exactly as it was; a run killed outright leaves its
staging folder, which the next run finishes or removes. An ``out_dir`` that is a file is
refused before anything is rendered.

Python use::

    from dana.assess import build_assessment, load_config
    from dana.report import write_outputs

    assessment = build_assessment(load_config("my_assessment.yaml"))
    paths = write_outputs(assessment, "out", ["html", "docx"])

This module and the CLI are the only ones that import :mod:`dana.render`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from dana._atomic import check_folder, publish_together
from dana.assess.config_names import FORMATS
from dana.assess.model import Assessment
from dana.render import RENDERERS, render_formats
from dana.render.analyst_notes import SUFFIX as NOTES_SUFFIX
from dana.render.analyst_notes import write_analyst_notes

Progress = Callable[[str], None]

__all__ = ["FORMATS", "RENDERERS", "output_stem", "write_outputs"]


def output_stem(assessment: Assessment) -> str:
    """File name stem: 'dana-needs-assessment-peterborough'."""
    name = "".join(c if c.isalnum() else "-" for c in assessment.area.name.lower())
    return "dana-needs-assessment-" + "-".join(part for part in name.split("-") if part)


def write_outputs(
    assessment: Assessment,
    out_dir: str | os.PathLike,
    formats: Iterable[str] = FORMATS,
    *,
    progress: Progress | None = None,
    analyst_notes: bool = True,
    workers: int | None = None,
    on_format: Callable[[str, Path], None] | None = None,
) -> list[Path]:
    """Render ``assessment`` in each format into ``out_dir``; return the written paths.

    With ``analyst_notes`` the team's notes (``<stem>-analyst-notes.md``: checks, warnings,
    gaps with how to fill them, unaddressed findings with drafts) are written beside the
    report, last in the returned list, whole or nothing with the formats.
    Nothing is written to ``out_dir`` unless every format renders successfully. An
    unknown format is a ``ValueError`` and an ``out_dir`` that is a file a
    ``NotADirectoryError``, both raised before any rendering. ``workers`` and
    ``on_format`` go to :func:`dana.render.render_formats` (``workers=1``: all in this
    process, as ``dana batch`` runs each area; ``on_format(fmt, staged_path)`` as each
    format is written).
    """
    formats = list(dict.fromkeys(formats))
    unknown = [fmt for fmt in formats if fmt not in RENDERERS]
    if unknown:
        raise ValueError(
            f"unknown output format {unknown[0]!r}; expected one of {', '.join(FORMATS)}"
        )
    if not formats:
        raise ValueError("no output formats given")
    check_folder(out_dir)
    stem = output_stem(assessment)

    def render_all(staging: Path) -> list[Path]:
        if progress:
            progress("Rendering " + ", ".join(fmt.upper() for fmt in formats))
        # charts drawn once for every format, then the formats written side by side
        written = render_formats(
            assessment,
            {fmt: staging / f"{stem}.{fmt}" for fmt in formats},
            workers=workers,
            on_format=on_format,
        )
        paths = [Path(written[fmt]) for fmt in formats]
        if analyst_notes:
            paths.append(Path(write_analyst_notes(assessment, staging / f"{stem}{NOTES_SUFFIX}")))
        return paths

    return publish_together(out_dir, render_all, prefix="render")
