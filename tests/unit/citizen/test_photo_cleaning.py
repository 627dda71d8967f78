"""Photos are checked by their content and kept cleaned: no metadata, no location, re-encoded, and
never decoded when they would be too big (decompression bombs)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from liandong.adapters.images import LONG_SIDE, MAX_BYTES, THUMBNAIL, clean_photo
from liandong.domain.errors import DomainError
from liandong.i18n.messages import explain
from tests.factories.photos import GPS_IFD, jpeg, png, png_bomb


def refusal(data: bytes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        clean_photo(data)
    return caught.value


def test_a_jpeg_with_a_gps_position_is_kept_without_any_exif() -> None:
    sent = jpeg(gps=True)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS_IFD)  # the phone's position is there
    kept = clean_photo(sent)
    image = Image.open(io.BytesIO(kept.image))
    assert image.format == "JPEG" and (image.width, image.height) == (640, 480) == (kept.width, kept.height)
    assert not image.getexif() and "exif" not in image.info and b"Exif" not in kept.image[:4096]
    assert b"Phone X" not in kept.image and b"Phone X" not in kept.thumbnail
    thumbnail = Image.open(io.BytesIO(kept.thumbnail))
    assert max(thumbnail.size) == THUMBNAIL and not thumbnail.getexif()


def test_a_png_with_transparency_becomes_a_jpeg_on_white() -> None:
    kept = clean_photo(png(alpha=True))
    image = Image.open(io.BytesIO(kept.image))
    assert image.format == "JPEG" and image.mode == "RGB"
    red, green, _ = image.getpixel((10, 10))
    assert red > 200 and green > 100  # half-transparent red laid on white


def test_a_large_photo_is_scaled_down_to_the_long_side() -> None:
    kept = clean_photo(jpeg(4200, 600))
    assert LONG_SIDE // 2 <= kept.width <= LONG_SIDE and kept.height < 600


@pytest.mark.parametrize("data", [b"not a picture at all", b"GIF89a" + b"\x00" * 100, b"%PDF-1.7\n"])
def test_what_is_not_a_jpeg_png_or_webp_is_refused(data: bytes) -> None:
    error = refusal(data)
    assert error.code == "photo.not_image" and explain(error, "zh") == "请选择 JPG、PNG 或 WebP 格式的图片"


def test_a_file_that_only_starts_like_a_jpeg_is_refused_as_unreadable() -> None:
    error = refusal(b"\xff\xd8\xff\xe1" + bytes(range(256)) * 40)
    assert error.code == "photo.unreadable" and "无法读取" in explain(error, "zh")


def test_an_oversized_photo_is_refused_before_it_is_opened() -> None:
    error = refusal(b"\xff\xd8\xff" + b"\x00" * MAX_BYTES)
    assert error.code == "photo.too_large" and explain(error, "zh") == "照片不能超过 5 MB"
    assert explain(error, "en") == "The photo exceeds 5 MB"


def test_a_decompression_bomb_is_refused_by_its_declared_size_without_decoding() -> None:
    bomb = png_bomb()
    assert len(bomb) < 200_000  # small on the wire, 10¹⁰ pixels declared
    error = refusal(bomb)
    assert error.code == "photo.too_many_pixels"
    assert "百万像素" in explain(error, "zh") and "megapixels" in explain(error, "en")


def test_a_bomb_just_over_the_limit_is_refused_too() -> None:
    assert refusal(png_bomb(8000, 6300)).code == "photo.too_many_pixels"  # 50.4 M pixels
