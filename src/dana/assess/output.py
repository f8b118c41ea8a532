"""Write an assessment in several formats, all or nothing.

Every format is rendered into a temporary folder beside ``out_dir``; only when all have
succeeded are the files moved into ``out_dir`` (``os.replace``, atomic per file on one
file system). If any renderer fails, the temporary folder is removed and ``out_dir`` is
left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

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
    target = Path(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dana-render-", dir=target.parent))
    stem = output_stem(assessment)
    try:
        staged = []
        for fmt, render in renderers:
            if progress:
                progress(f"Rendering {fmt.upper()}")
            staged.append(Path(render(assessment, staging / f"{stem}.{fmt}")))
        target.mkdir(parents=True, exist_ok=True)
        umask = os.umask(0)
        os.umask(umask)
        written = []
        for path in staged:
            final = target / path.name
            path.chmod(0o666 & ~umask)  # temporary files are private; the report is not
            os.replace(path, final)
            written.append(final)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
