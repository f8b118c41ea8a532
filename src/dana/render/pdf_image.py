"""A chart's PNG placed in the PDF as it is, without decoding and compressing it again.

A PNG's image data (its IDAT chunks joined) is a zlib stream of scanlines, each behind
a one-byte PNG filter. PDF's FlateDecode filter reads exactly that when its
``/DecodeParms`` say ``/Predictor 15`` (PNG prediction, chosen per row) with the
picture's colours, bit depth and width (PDF 1.7, ISO 32000-1, 7.4.4.4, Table 8; PNG,
ISO/IEC 15948, 9.2 and 10). So an 8-bit RGB, non-interlaced PNG, which is what
:func:`dana.render.chart_pictures.draw_picture` saves, becomes an image XObject by
copying bytes. reportlab's ``drawImage`` decodes the PNG to pixels, hashes them and
compresses them again; for the default build's 40 charts that was a fifth of the
PDF's writing time.

Any other PNG (alpha, palette, 16-bit, interlaced) goes through ``drawImage`` as before.
"""

from __future__ import annotations

import hashlib
import io
import struct

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB = 2  # PNG colour type 2: three samples per pixel, no alpha


def rgb_png_data(png: bytes) -> tuple[int, int, bytes] | None:
    """``(width, height, zlib image data)`` of an 8-bit RGB non-interlaced PNG, else
    None (the PNG must then be decoded)."""
    if not png.startswith(_SIGNATURE):
        return None
    position, header, data = len(_SIGNATURE), None, []
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        body = png[position + 8 : position + 8 + length]
        if len(body) != length:
            return None  # truncated
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length  # length, type, body, CRC
    if header is None or not data:
        return None
    width, height, depth, colour, compression, filtering, interlace = header
    if (depth, colour, compression, filtering, interlace) != (8, _RGB, 0, 0, 0):
        return None
    return width, height, b"".join(data)


class _PngImage(pdfdoc.PDFImageXObject):
    """An image XObject whose stream is a PNG's image data, read with PNG prediction."""

    def __init__(self, name: str, width: int, height: int, data: bytes):
        super().__init__(name)
        self.width, self.height = width, height
        self.bitsPerComponent = 8
        self.colorSpace = "DeviceRGB"
        self.streamContent = data
        self._filters = ("FlateDecode",)
        self.mask = None

    def format(self, document):
        stream = pdfdoc.PDFStream(content=self.streamContent)
        entries = stream.dictionary
        entries["Type"] = pdfdoc.PDFName("XObject")
        entries["Subtype"] = pdfdoc.PDFName("Image")
        entries["Width"] = self.width
        entries["Height"] = self.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = pdfdoc.PDFName("DeviceRGB")
        entries["Filter"] = pdfdoc.PDFName("FlateDecode")  # one filter: a name, not an array
        entries["DecodeParms"] = pdfdoc.PDFDictionary(
            {"Predictor": 15, "Colors": 3, "BitsPerComponent": 8, "Columns": self.width}
        )
        entries["Length"] = len(self.streamContent)
        return stream.format(document)


def draw_png(canvas, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """Draw ``png`` at (x, y), ``width`` x ``height`` points: its bytes copied when the
    PNG allows it (:func:`rgb_png_data`), otherwise through reportlab's ``drawImage``.
    The same PNG drawn twice is stored once, as ``drawImage`` does."""
    found = rgb_png_data(png)
    if found is None:
        canvas.drawImage(ImageReader(io.BytesIO(png)), x, y, width, height)
        return
    name = "png" + hashlib.md5(png, usedforsecurity=False).hexdigest()
    document = canvas._doc
    registered = document.getXObjectName(name)
    if registered not in document.idToObject:
        image = _PngImage(name, *found)
        canvas._setXObjects(image)
        document.Reference(image, registered)
        document.addForm(name, image)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)  # the page's resources list the image
