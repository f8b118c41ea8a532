"""The charts' PNG writer (dana.render.png_write), read back by Pillow and pypdf, and
checked chunk by chunk against the PNG specification (ISO/IEC 15948)."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pypdf
import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from dana.render.pdf_image import draw_png, rgb_png_data
from dana.render.png_write import rgb_png


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """``(type, body)`` of every chunk, each CRC checked as the specification defines it
    (CRC-32 of the type and body)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        out.append((kind, body))
        position += 12 + length
    return out


def _pixels(width=9, height=6) -> np.ndarray:
    rows, cols = np.mgrid[0:height, 0:width]
    return np.stack([(rows * 37 + cols * 11 + 29 * c) % 256 for c in range(3)], -1).astype(np.uint8)


def test_one_white_pixel_is_the_bytes_the_specification_gives():
    chunks = _chunks(rgb_png(np.full((1, 1, 3), 255, np.uint8), dpi=150))
    assert [kind for kind, _ in chunks] == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    # width 1, height 1, bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
    assert chunks[0][1] == struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    # 150 dpi = 5906 pixels per metre (150 / 0.0254 = 5905.5), unit 1 = metre
    assert chunks[1][1] == struct.pack(">IIB", 5906, 5906, 1)
    # one scanline: filter type 0 (none), then the pixel's three samples
    assert zlib.decompress(chunks[2][1]) == b"\x00\xff\xff\xff"
    assert chunks[3][1] == b""


def test_pillow_reads_back_the_pixels_resolution_and_text():
    pixels = _pixels()
    text = {"Title": "Admissions – trend", "Description": "Rate ▲ since 2019", "Software": "DANA"}
    image = Image.open(io.BytesIO(rgb_png(pixels, dpi=150, text=text)))
    image.load()  # decodes every row, checking each chunk's CRC
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), pixels)
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.02)
    assert {key: image.info[key] for key in text} == text


def test_latin_1_text_is_a_text_chunk_and_other_text_is_utf_8():
    chunks = dict(_chunks(rgb_png(_pixels(), dpi=150, text={"Title": "Café", "Note": "▲"})))
    assert chunks[b"tEXt"] == b"Title\0Caf\xe9"
    # keyword, then compression flag 0, method 0, empty language tag and translated keyword
    assert chunks[b"iTXt"] == b"Note\0\0\0\0\0" + "▲".encode()


def test_an_rgba_buffers_colours_are_taken_without_a_copy_first():
    rgba = np.concatenate([_pixels(), np.full((6, 9, 1), 255, np.uint8)], axis=-1)
    image = Image.open(io.BytesIO(rgb_png(rgba[..., :3], dpi=96)))
    assert np.array_equal(np.asarray(image), rgba[..., :3])


@pytest.mark.parametrize(
    "pixels",
    [
        pytest.param(np.zeros((4, 4, 4), np.uint8), id="rgba"),
        pytest.param(np.zeros((4, 4), np.uint8), id="grey"),
        pytest.param(np.zeros((4, 4, 3), np.float64), id="float"),
    ],
)
def test_anything_but_8_bit_rgb_is_refused(pixels):
    with pytest.raises(ValueError, match="height x width x 3 uint8"):
        rgb_png(pixels, dpi=150)


def test_the_pdf_copies_it_in_and_pypdf_reads_the_same_pixels():
    pixels = _pixels()
    png = rgb_png(pixels, dpi=150)
    assert rgb_png_data(png) is not None  # taken as it is, not decoded
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(9, 6))
    draw_png(canvas, png, 0, 0, 9, 6)
    canvas.showPage()
    canvas.save()
    (image,) = pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0].images
    assert np.array_equal(np.asarray(image.image.convert("RGB")), pixels)
