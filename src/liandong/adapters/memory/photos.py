"""Photos in memory: the blob store and the case links, for tests and the simulator."""

from __future__ import annotations

from liandong.services.ports.photos import BlobStore, CasePhoto, PhotoLinks, content_key


class MemoryBlobStore(BlobStore):
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        key = content_key(data)
        self.blobs.setdefault(key, bytes(data))
        return key

    def get(self, key: str) -> bytes | None:
        return self.blobs.get(key)


class MemoryPhotoLinks(PhotoLinks):
    def __init__(self) -> None:
        self.links: list[CasePhoto] = []

    def link(self, photo: CasePhoto) -> None:
        if not any(p.case_id == photo.case_id and p.photo == photo.photo for p in self.links):
            self.links.append(photo)

    def of_case(self, case_id: str) -> list[CasePhoto]:
        return sorted((p for p in self.links if p.case_id == case_id), key=lambda p: (p.added_at, p.photo))
