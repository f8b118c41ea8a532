"""The default report in every format (written once, by the session fixture) states the
disclosure rule the assessment actually applied."""

from __future__ import annotations

import zipfile

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from dana.report import output_stem

#: The default config's rule (ndtms) as the single-area report applies it: counts 0-4
#: hidden, and no secondary suppression, because each figure stands alone.
NDTMS_SINGLE_AREA = (
    "Counts of 0 to 4 are suppressed and shown as * (NDTMS public reporting rule). No "
    "secondary suppression was applied: each figure is shown on its own, with no total it "
    "could be subtracted from."
)


def _words(text: str) -> str:
    return " ".join(text.split())


def _text(fmt: str, path) -> str:
    if fmt == "html":
        return path.read_text(encoding="utf-8")
    if fmt == "docx":
        return "\n".join(p.text for p in Document(str(path)).paragraphs)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    slides = Presentation(str(path)).slides
    return "\n".join(
        shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame
    )


def test_every_format_is_written_once_with_the_area_in_its_name(
    default_assessment, default_outputs
):
    assert sorted(default_outputs) == ["docx", "html", "pdf", "pptx"]
    stem = output_stem(default_assessment)
    assert stem == "dana-needs-assessment-peterborough"
    for fmt, path in default_outputs.items():
        assert path.name == f"{stem}.{fmt}" and path.stat().st_size > 10_000
    for fmt in ("docx", "pptx"):
        assert zipfile.is_zipfile(default_outputs[fmt])


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf", "pptx"])
def test_every_format_states_the_rule_applied(default_assessment, default_outputs, fmt):
    assert default_assessment.disclosure == NDTMS_SINGLE_AREA
    assert NDTMS_SINGLE_AREA in _words(_text(fmt, default_outputs[fmt]))
