"""Write an assessment in every format, all or nothing: the top layer over the renderers.

:func:`write_outputs` renders an :class:`~dana.assess.model.Assessment` as HTML, DOCX,
PDF and PPTX (:func:`dana.render.render_formats`: every chart drawn once and shared, the
formats written in parallel). Every format is rendered into a staging folder beside ``out_dir``
(:func:`dana._atomic.publish_together`); only when all have succeeded are the files moved
into ``out_dir`` (``os.replace``, atomic per file on one file system). If any renderer
fails, the staging folder is removed and ``out_dir`` is left exactly as it was. An
``out_dir`` that is a file is refused before anything is rendered.

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
from dana.assess.config import FORMATS
from dana.assess.model import Assessment
from dana.render import RENDERERS, render_formats

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
) -> list[Path]:
    """Render ``assessment`` in each format into ``out_dir``; return the written paths.

    Nothing is written to ``out_dir`` unless every format renders successfully. An
    unknown format is a ``ValueError`` and an ``out_dir`` that is a file a
    ``NotADirectoryError``, both raised before any rendering.
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
        written = render_formats(assessment, {fmt: staging / f"{stem}.{fmt}" for fmt in formats})
        return [Path(written[fmt]) for fmt in formats]

    return publish_together(out_dir, render_all, prefix=".dana-render-")
