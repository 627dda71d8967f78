"""Images for the photo tests, made with Pillow: phone-like JPEGs (with or without a GPS position in
their EXIF), PNGs, and a decompression bomb (a small file declaring a huge image)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def jpeg(width: int = 640, height: int = 480, *, gps: bool = False, quality: int = 85) -> bytes:
    """A JPEG of a gradient; ``gps``: with a GPS position (31.49 N, 120.31 E: 无锡) and a camera
    model in its EXIF, as a phone writes them."""
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 255) // width, (y * 255) // height, 128)
                   for y in range(height) for x in range(width)])
    exif = Image.Exif()
    if gps:
        exif[0x0110] = "Phone X"  # Model
        exif[0x0112] = 1  # Orientation
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 29.0, 24.0), 3: "E", 4: (120.0, 18.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes() if gps else b"")
    return out.getvalue()


def png(width: int = 64, height: int = 48, *, alpha: bool = False) -> bytes:
    colour = (200, 30, 30, 128) if alpha else (200, 30, 30)
    image = Image.new("RGBA" if alpha else "RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG of a few kilobytes whose header declares ``width`` × ``height`` pixels (10¹⁰ by default):
    its data would decode to tens of gigabytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit grey
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    data = zlib.compressobj(9)
    body = data.compress(row * 64) + data.flush()  # the first rows only: the file stays small
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def pdf(pages: int = 1, *, password: str = "") -> bytes:
    """A real PDF of blank A4 pages written by pypdf (encrypted with ``password`` when given)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
