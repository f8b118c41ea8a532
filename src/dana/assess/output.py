"""Write an assessment in several formats, all or nothing.

Every format is rendered into a temporary folder beside ``out_dir``; only when all have
succeeded are the files moved into ``out_dir`` (``os.replace``, atomic per file on one
file system). If any renderer fails, the temporary folder is removed and ``out_dir`` is
left exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from dana._atomic import publish_together
from dana.assess.config import FORMATS
from dana.assess.model import Assessment

Progress = Callable[[str], None]


def _renderer(fmt: str):
    if fmt == "html":
        from dana.render.html import render_html

        return render_html
    if fmt == "docx":
        from dana.render.docx import render_docx

        return render_docx
    if fmt == "pdf":
        from dana.render.pdf import render_pdf

        return render_pdf
    if fmt == "pptx":
        from dana.render.pptx import render_pptx

        return render_pptx
    raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")


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

    Nothing is written to ``out_dir`` unless every format renders successfully.
    """
    formats = list(dict.fromkeys(formats))
    renderers = [(fmt, _renderer(fmt)) for fmt in formats]  # unknown formats fail first
    if not renderers:
        raise ValueError("no output formats given")
    stem = output_stem(assessment)

    def render_all(staging: Path) -> list[Path]:
        staged = []
        for fmt, render in renderers:
            if progress:
                progress(f"Rendering {fmt.upper()}")
            staged.append(Path(render(assessment, staging / f"{stem}.{fmt}")))
        return staged

    return publish_together(out_dir, render_all, prefix=".dana-render-")
