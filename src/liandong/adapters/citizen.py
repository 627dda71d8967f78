"""The citizen side's adapters wired (photos, the reporter's notifications): kept out of
``bootstrap`` so that the one wiring module stays short; ``Platform`` calls these once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from liandong.services.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from liandong.services.photos import Photos
    from liandong.services.queries import CaseQueries


def photo_service(data_dir: Path | None, engine: Engine | None, queries: CaseQueries, clock: Clock) -> Photos:
    """Photos cleaned with Pillow, kept under ``<data_dir>/photos`` by content and linked in the
    database (both in memory where there is neither)."""
    from liandong.adapters.images import clean_photo
    from liandong.adapters.memory.photos import MemoryBlobStore, MemoryPhotoLinks
    from liandong.services.photos import Photos
    from liandong.services.ports.photos import BlobStore, PhotoLinks

    blobs: BlobStore = MemoryBlobStore()
    links: PhotoLinks = MemoryPhotoLinks()
    if data_dir is not None:
        from liandong.adapters.blob_files import FileBlobStore

        blobs = FileBlobStore(data_dir / "photos")
    if engine is not None:
        from liandong.adapters.sql.photos import SqlPhotoLinks

        links = SqlPhotoLinks(engine)
    return Photos(blobs, links, clean_photo, queries, clock)
