"""Where photos live: the bytes by key (files under the data directory now, an S3-compatible store is
one adapter away), and which photos belong to which case. Fakes subclass these ports."""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


def content_key(data: bytes) -> str:
    """The key of a blob: its SHA-256 in hexadecimal (the same bytes are kept once)."""
    return hashlib.sha256(data).hexdigest()


class BlobStore(abc.ABC):
    """Bytes put and got by key; a key is the content's SHA-256, so a put is idempotent."""

    @abc.abstractmethod
    def put(self, data: bytes) -> str:
        """Keep ``data`` (durably, once) and return its key."""

    @abc.abstractmethod
    def get(self, key: str) -> bytes | None:
        """The bytes of ``key``, None if there are none."""


@dataclass(frozen=True)
class CasePhoto:
    """A photo of a case: the cleaned image and its thumbnail (both JPEG keys), its size in pixels."""

    case_id: str
    photo: str
    thumbnail: str
    width: int
    height: int
    added_at: datetime


class PhotoLinks(abc.ABC):
    """Which photos belong to which case (table ``case_photo``)."""

    @abc.abstractmethod
    def link(self, photo: CasePhoto) -> None:
        """Record the photo as the case's; the same photo twice is kept once."""

    @abc.abstractmethod
    def of_case(self, case_id: str) -> list[CasePhoto]:
        """The case's photos in the order they were added."""

    def of_cases(self, case_ids: list[str]) -> dict[str, list[CasePhoto]]:
        """The photos of several cases at once (a console's queue), keyed by case; cases without one
        are left out. A store may answer in one query."""
        found = {case_id: self.of_case(case_id) for case_id in case_ids}
        return {case_id: photos for case_id, photos in found.items() if photos}


@dataclass(frozen=True)
class CleanPhoto:
    """A photo as kept: re-encoded as JPEG with no metadata (no EXIF, no location), and its thumbnail."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


@dataclass(frozen=True)
class CheckedDocument:
    """A document as kept (a PDF, as sent) and its number of pages."""

    data: bytes
    pages: int


PhotoCleaner = Callable[[bytes], CleanPhoto]
DocumentChecker = Callable[[bytes], CheckedDocument]
"""Checks a posted document and returns it, or raises a refusal (``document.*``)."""
"""Checks a posted photo and returns it cleaned, or raises a refusal (``photo.*``)."""
