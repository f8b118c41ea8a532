"""A chart's PNG copied into the PDF (dana.render.pdf_image): read back by pypdf and by
poppler (pdftoppm), two independent PDF readers, pixel for pixel."""

from __future__ import annotations

import io
import shutil
import subprocess
import zlib

import numpy as np
import pypdf
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from dana.render.pdf_image import draw_png, rgb_png_data

INSTALL = "scripts/install-test-deps"


def _png(pixels: np.ndarray, **save) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="png", **save)
    return buf.getvalue()


def _pixels(width=7, height=5, channels=3) -> np.ndarray:
    # distinct neighbours, so every PNG row filter (Sub, Up, Average, Paeth) has work to do
    rows, cols = np.mgrid[0:height, 0:width]
    planes = [(rows * 37 + cols * 11 + 29 * c) % 256 for c in range(channels)]
    return np.stack(planes, axis=-1).astype(np.uint8)


def _pdf(pngs: list[bytes], size=(7, 5)) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=size)
    for png in pngs:
        draw_png(canvas, png, 0, 0, *size)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_rgb_png_data_reads_the_header_and_joins_the_image_data():
    pixels = _pixels()
    found = rgb_png_data(_png(pixels, compress_level=1))
    assert found is not None
    width, height, data = found
    assert (width, height) == (7, 5)
    # a filter byte before each row of 3 x 7 samples
    assert len(zlib.decompress(data)) == height * (1 + 3 * width)


@pytest.mark.parametrize(
    "png",
    [
        pytest.param(_png(_pixels(channels=4)), id="alpha"),
        pytest.param(_png(_pixels()[..., 0]), id="grey"),
        pytest.param(_png(_pixels(), optimize=False).replace(b"IHDR", b"IHDX"), id="no-header"),
        pytest.param(b"GIF89a", id="not-png"),
        pytest.param(_png(_pixels())[:40], id="truncated"),
    ],
)
def test_other_pngs_are_not_copied(png):
    assert rgb_png_data(png) is None


def test_pypdf_reads_the_copied_png_pixel_for_pixel():
    pixels = _pixels()
    reader = pypdf.PdfReader(io.BytesIO(_pdf([_png(pixels, compress_level=9)])))
    (image,) = reader.pages[0].images
    assert np.array_equal(np.asarray(image.image.convert("RGB")), pixels)
    xobject = next(iter(reader.pages[0]["/Resources"]["/XObject"].values())).get_object()
    assert xobject["/DecodeParms"]["/Predictor"] == 15  # the PNG's bytes, not re-encoded


def test_poppler_draws_the_copied_png(tmp_path):
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail(f"pdftoppm not found: run {INSTALL} (as root) to install it")
    # 8 x 8 blocks of one colour each: poppler smooths the edges between pixels, so the
    # blocks' centres are compared (a reader that skipped the PNG row filters would show
    # the filtered differences there, nothing like the colours)
    blocks = _pixels(width=6, height=4)
    pixels = blocks.repeat(8, axis=0).repeat(8, axis=1)
    pdf = tmp_path / "one.pdf"
    pdf.write_bytes(_pdf([_png(pixels)], size=(48, 32)))
    # 48 x 32 points at 72 dpi: one device pixel per image pixel
    subprocess.run([pdftoppm, "-r", "72", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    drawn = np.asarray(Image.open(page).convert("RGB")).astype(int)
    centres = drawn[4::8, 4::8]
    assert centres.shape == blocks.shape
    assert np.abs(centres - blocks.astype(int)).max() <= 2


def test_the_same_png_twice_is_stored_once_and_others_are_decoded():
    rgb, rgba = _png(_pixels()), _png(_pixels(channels=4))
    reader = pypdf.PdfReader(io.BytesIO(_pdf([rgb, rgb, rgba])))
    names = [next(iter(page["/Resources"]["/XObject"].values())).idnum for page in reader.pages[:2]]
    assert names[0] == names[1]
    (drawn,) = reader.pages[2].images  # an RGBA PNG goes through reportlab's drawImage
    assert np.array_equal(np.asarray(drawn.image.convert("RGB")), _pixels())
