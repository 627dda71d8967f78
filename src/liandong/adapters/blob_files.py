"""Blobs as files under the data directory, content-addressed: ``<root>/ab/cdef…`` for the SHA-256
``abcdef…``. A put writes a temporary file, syncs it and renames it into place, so a reader never
sees half a file and a crash leaves at most a temporary file behind."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from liandong.services.ports.photos import BlobStore, content_key

KEY = re.compile(r"[0-9a-f]{64}")


class FileBlobStore(BlobStore):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not KEY.fullmatch(key):  # a key is never a path: nothing outside the root is read
            raise ValueError(f"not a blob key: {key!r}")
        return self.root / key[:2] / key[2:]

    def put(self, data: bytes) -> str:
        key = content_key(data)
        target = self.path(key)
        if target.exists():
            return key
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, ValueError):
            return None
