"""A chart's pixels saved as an 8-bit RGB PNG, each row unfiltered, at fast compression.

PNG (ISO/IEC 15948) is a signature and chunks, each ``length, type, body, CRC-32``:
``IHDR`` (size, bit depth 8, colour type 2 = RGB, no interlace), text chunks, ``pHYs``
(the resolution, in pixels per metre), ``IDAT`` (a zlib stream of scanlines, each behind
a one-byte filter type; 0 is "none") and ``IEND``.

Why not Pillow's encoder: it chooses a filter for every row by trying them all, which on
a chart (large flat areas of one colour) took twice as long as compressing the rows
unfiltered and made files an eighth larger (the default build's 40 charts: 0.40 s and
2.7 MB with Pillow at zlib level 1, 0.18 s and 2.4 MB here). Pillow still reads every
PNG back in the tests, and the PDF copies these bytes in as they are
(:mod:`dana.render.pdf_image`).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_METRES_PER_INCH = 0.0254
#: zlib level 1: the fastest; a chart compresses well at any level
_LEVEL = 1


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _text_chunk(key: str, text: str) -> bytes:
    """``tEXt`` when the text is Latin-1 (the only text ``tEXt`` may hold), else ``iTXt``
    (UTF-8, uncompressed, no language tag)."""
    try:
        return _chunk(b"tEXt", key.encode("latin-1") + b"\0" + text.encode("latin-1"))
    except UnicodeEncodeError:
        body = key.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8")
        return _chunk(b"iTXt", body)


def rgb_png(rgb: np.ndarray, *, dpi: float, text: dict[str, str] | None = None) -> bytes:
    """``rgb`` (height x width x 3, uint8, any strides) as PNG bytes at ``dpi``, with ``text`` as
    key-value text chunks (e.g. ``Title``, ``Description``)."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected height x width x 3 uint8 pixels, got {rgb.shape} {rgb.dtype}")
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # column 0: filter type 0
    pixels = rows[:, 1:]
    pixels.shape = (height, width, 3)  # a view of the rows (setting shape never copies)
    pixels[...] = rgb  # one copy, from any layout (an RGBA buffer's RGB, say)
    per_metre = round(dpi / _METRES_PER_INCH)
    return b"".join(
        [
            _SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            *(_text_chunk(key, value) for key, value in (text or {}).items()),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows.data, _LEVEL)),
            _chunk(b"IEND", b""),
        ]
    )
