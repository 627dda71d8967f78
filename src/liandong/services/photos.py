"""现场照片: the photos of a report, cleaned before anything is kept (``PhotoCleaner``: content
checked, metadata and location stripped, re-encoded), stored by content in a blob store, linked to
their case, and shown to the people who may see the case (the visibility rule of ``CaseQueries``),
publicly only where the public feed shows the case (``shown``: the reporter agreed).

A photo is cleaned before the report is taken in (a bad photo refuses the form and nothing is
stored), and stored and linked after the report has landed: a report refused leaves no photo behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.services.clock import Clock
from liandong.services.ports.photos import (
    BlobStore,
    CasePhoto,
    CheckedDocument,
    CleanPhoto,
    DocumentChecker,
    PhotoCleaner,
    PhotoLinks,
)
from liandong.services.queries import CaseQueries


@dataclass(frozen=True)
class Photos:
    blobs: BlobStore
    links: PhotoLinks
    cleaner: PhotoCleaner
    queries: CaseQueries
    clock: Clock
    document_checker: DocumentChecker | None = None

    def check_document(self, data: bytes) -> CheckedDocument:
        """A document (办结、协办 attachments) as it would be kept, or its refusal (``document.*``)."""
        if self.document_checker is None:
            raise DomainError("document.not_pdf")
        return self.document_checker(data)

    def keep_document(self, document: CheckedDocument) -> str:
        """Keep a checked document by content; its key is what the step's event names."""
        return self.blobs.put(document.data)

    def document(self, user: Principal, case_id: str, key: str) -> bytes:
        """A document a step of the case attached, for someone who may see the case; any key the
        case's record does not name is refused as unknown."""
        events = self.queries.read(user, case_id, summoned=True).events
        if not any(key in (getattr(e, "documents", None) or ()) for e in events):
            raise DomainError("document.unknown")
        data = self.blobs.get(key)
        if data is None:
            raise DomainError("document.unknown")
        return data

    def clean(self, data: bytes) -> CleanPhoto:
        """The photo as it would be kept, or its refusal (``photo.*``); nothing is stored."""
        return self.cleaner(data)

    def attach(self, *, case_id: str, photo: CleanPhoto) -> CasePhoto:
        """Keep a cleaned photo and its thumbnail and link them to the case (again: kept once)."""
        linked = CasePhoto(case_id=case_id, photo=self.blobs.put(photo.image),
                           thumbnail=self.blobs.put(photo.thumbnail), width=photo.width,
                           height=photo.height, added_at=self.clock.now())
        self.links.link(linked)
        return linked

    def of_cases(self, case_ids: list[str]) -> dict[str, list[CasePhoto]]:
        """The photos of cases the caller has already found the user may see (a console's queue)."""
        return self.links.of_cases(case_ids)

    def of_case(self, user: Principal, case_id: str) -> list[CasePhoto]:
        """The case's photos, for someone who may see the case (else refused as unknown)."""
        self.queries.case(user, case_id, summoned=True)
        return self.links.of_case(case_id)

    def after_photo(self, case_id: str, photo_key: str, *, thumbnail: bool) -> bytes:
        """A photo (or its thumbnail) the handler attached at 办结, for the public status of its case:
        the caller has checked the tracking code and that the case's record names ``photo_key``."""
        found = next((p for p in self.links.of_case(case_id) if p.photo == photo_key), None)
        data = self.blobs.get(found.thumbnail if thumbnail else found.photo) if found is not None else None
        if data is None:
            raise DomainError("photo.unknown")
        return data

    def shown(self, case_id: str, key: str) -> bytes:
        """A photo or thumbnail of a case the caller has already found may be shown (the public
        feed: the reporter's consent); any other key is refused as unknown."""
        if not any(key in (p.photo, p.thumbnail) for p in self.links.of_case(case_id)):
            raise DomainError("photo.unknown")
        data = self.blobs.get(key)
        if data is None:
            raise DomainError("photo.unknown")
        return data

    def image(self, user: Principal, case_id: str, key: str) -> bytes:
        """A photo or thumbnail of a case the user may see; any other key is refused as unknown."""
        photos = self.of_case(user, case_id)
        if not any(key in (p.photo, p.thumbnail) for p in photos):
            raise DomainError("photo.unknown")
        data = self.blobs.get(key)
        if data is None:
            raise DomainError("photo.unknown")
        return data
