"""Photos cleaned with Pillow before anything of them is kept: the content must be a JPEG, PNG or
WebP image (whatever the browser declared), at most ``MAX_BYTES`` and ``MAX_PIXELS``; it is decoded,
turned upright by its EXIF orientation, scaled to at most ``LONG_SIDE`` pixels and encoded again as
JPEG with no metadata at all (EXIF with its GPS position, XMP, comments and text chunks are dropped),
with a ``THUMBNAIL`` pixel thumbnail beside it.

Decompression bombs (a small file that decodes to billions of pixels) are refused by the size the
header declares, before any pixel is decoded, and Pillow's own guard (``Image.MAX_IMAGE_PIXELS``,
its warning turned into an error) stands behind that check. A JPEG is decoded at a reduced scale
(``Image.draft``: the inverse DCT does the scaling), so that what is kept has its long side between
``LONG_SIDE / 2`` and ``LONG_SIDE`` and a 4000 × 3000 photo needs no resampling at all. Pillow releases
the interpreter lock while it decodes and encodes: the portal cleans photos in worker threads."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from liandong.domain.errors import DomainError
from liandong.services.ports.photos import CleanPhoto

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 48-megapixel phone camera (8000 × 6000) still passes
LONG_SIDE = 2048
THUMBNAIL = 320
FORMATS = ("JPEG", "PNG", "WEBP")
QUALITY = 82

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this (an error here) and refuses above twice


def sniffed(head: bytes) -> str | None:
    """The format the first bytes show (JPEG, PNG or WebP), else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=False, progressive=False)  # no exif=: none written
    return out.getvalue()


def _rgb(image: Image.Image) -> Image.Image:
    """Colours for JPEG: transparency laid on white, palettes and greys expanded."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        ground = Image.new("RGB", rgba.size, (255, 255, 255))
        ground.paste(rgba, mask=rgba.getchannel("A"))
        return ground
    return image if image.mode == "RGB" else image.convert("RGB")


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo as kept, or a refusal: ``photo.too_large``, ``photo.not_image``,
    ``photo.too_many_pixels``, ``photo.unreadable``."""
    if len(data) > MAX_BYTES:
        raise DomainError("photo.too_large", limit=MAX_BYTES // (1024 * 1024))
    declared = sniffed(data[:16])
    if declared is None:
        raise DomainError("photo.not_image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[declared])
            width, height = image.size
            if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                raise DomainError("photo.too_many_pixels", width=width, height=height,
                                  limit=MAX_PIXELS // 1_000_000)
            if image.format == "JPEG":
                # decoded at 1/2, 1/4 or 1/8 where the result still has LONG_SIDE / 2 pixels or more
                ratio = LONG_SIDE / 2 / max(width, height)
                image.draft("RGB", (max(1, int(width * ratio)), max(1, int(height * ratio))))
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise DomainError("photo.too_many_pixels", width=0, height=0,
                              limit=MAX_PIXELS // 1_000_000) from exc
        except DomainError:
            raise
        except Exception as exc:  # truncated, corrupt or not what its first bytes claim
            raise DomainError("photo.unreadable") from exc
    picture = _rgb(upright)
    if max(picture.size) > LONG_SIDE:
        picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    small = picture.copy()
    small.thumbnail((THUMBNAIL, THUMBNAIL), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return CleanPhoto(image=_jpeg(picture), thumbnail=_jpeg(small), width=picture.width,
                      height=picture.height)
