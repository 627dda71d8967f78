"""备份与恢复 (backup and restore): one archive file holds a consistent copy of the database, the
platform secret that seals the departments' signing keys (without it a restored ledger cannot sign),
and a manifest saying what the copy holds: back-end, schema revision, number of cases, and the size
and root of the shared record at the moment of the copy, so a restore can prove it got that state.

The archive is a tar file: ``database.*`` (an SQLite file or a ``pg_dump -Fc`` dump), ``secret.key``
and ``manifest.json`` last (it carries the database member's SHA-256, computed while writing).
Storage-specific work (the SQLite online backup API, pg_dump and pg_restore) sits behind the
:class:`BackupStore` port; this module owns the archive format and the checks made before anything
in the target is changed.
"""

from __future__ import annotations

import abc
import base64
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from liandong.domain.errors import DomainError
from liandong.services.clock import SystemClock

FORMAT = "liandong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET = "secret.key"
CHUNK = 1 << 20

Progress = Callable[[str, int, int], None]
"""(phase, done, total): phases ``dump``, ``archive``, ``extract``, ``load``; total 0 if unknown."""


@dataclass(frozen=True)
class Snapshot:
    """What a database holds at one instant: enough to recognise the same state after a restore."""

    schema_revision: str | None
    ledger_size: int
    ledger_root: bytes
    cases: int


@dataclass(frozen=True)
class Manifest:
    backend: str
    created_at: datetime
    snapshot: Snapshot
    database_member: str
    database_sha256: str
    database_bytes: int
    software_version: str
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        s = self.snapshot
        document = {
            "format": FORMAT, "format_version": self.format_version, "backend": self.backend,
            "created_at": self.created_at.isoformat(), "software_version": self.software_version,
            "schema_revision": s.schema_revision, "cases": s.cases,
            "ledger": {"size": s.ledger_size, "root": base64.b64encode(s.ledger_root).decode()},
            "database": {"member": self.database_member, "sha256": self.database_sha256,
                         "bytes": self.database_bytes},
            "secret": {"member": SECRET},
        }
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes, file: Path) -> Manifest:
        """Parse and check a manifest; every defect is named (``backup.malformed``)."""
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _malformed(file, "manifest.json is not JSON") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise _malformed(file, f"manifest.json does not describe a {FORMAT} archive")
        version = document.get("format_version")
        if not isinstance(version, int):
            raise _malformed(file, "manifest field format_version")
        if version > FORMAT_VERSION:
            raise DomainError("backup.unsupported_format", file=str(file), version=version,
                              supported=FORMAT_VERSION)
        try:
            ledger, database = document["ledger"], document["database"]
            created = datetime.fromisoformat(_text(document, "created_at"))
            revision = document["schema_revision"]
            snapshot = Snapshot(schema_revision=None if revision is None else str(revision),
                                ledger_size=_count(ledger, "size"),
                                ledger_root=base64.b64decode(_text(ledger, "root"), validate=True),
                                cases=_count(document, "cases"))
            manifest = cls(backend=_text(document, "backend"), created_at=created, snapshot=snapshot,
                           database_member=_text(database, "member"),
                           database_sha256=_text(database, "sha256"),
                           database_bytes=_count(database, "bytes"),
                           software_version=str(document.get("software_version", "")),
                           format_version=version)
        except (KeyError, TypeError, ValueError) as exc:
            raise _malformed(file, f"manifest field {exc}") from None
        if created.tzinfo is None or "/" in manifest.database_member or manifest.database_member in (
                MANIFEST, SECRET):
            raise _malformed(file, "manifest field created_at or database.member")
        return manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    replaced_secret: Path | None  # where the target's former, different secret was kept


class BackupStore(abc.ABC):
    """The storage side of a backup: copy the database out, put a copy in, say what it holds."""

    backend: str
    database_member: str
    compress: bool = False

    @abc.abstractmethod
    def dump(self, target: Path) -> Snapshot:
        """Write a consistent copy of the live database to ``target``; what that copy holds."""

    @abc.abstractmethod
    def load(self, source: Path) -> None:
        """Replace the database's content by the copy at ``source``, all or nothing."""

    @abc.abstractmethod
    def snapshot(self) -> Snapshot:
        """What the database holds now."""

    @abc.abstractmethod
    def occupied(self) -> list[str]:
        """The tables holding rows (schema bookkeeping aside); empty for an empty database."""

    @abc.abstractmethod
    def knows_revision(self, revision: str) -> bool:
        """Whether this software has the schema revision (a newer archive's is unknown)."""

    @abc.abstractmethod
    def head_revision(self) -> str | None: ...

    @abc.abstractmethod
    def read_secret(self) -> bytes:
        """The platform secret in use (it must exist: it sealed the keys in the database)."""

    @abc.abstractmethod
    def check_secret(self, secret: bytes) -> None:
        """Refuse (``backup.secret_mismatch``) when ``secret`` cannot become the platform's."""

    @abc.abstractmethod
    def install_secret(self, secret: bytes) -> Path | None:
        """Make ``secret`` the platform's; where a different former one was kept, if any."""

    def staging_dir(self) -> Path | None:
        """Where temporary copies go (None: the system's temporary directory)."""
        return None


def create_backup(*, store: BackupStore, archive: Path, software_version: str, force: bool = False,
                  now: datetime | None = None, progress: Progress | None = None) -> Manifest:
    """备份: copy the database and the secret into ``archive`` (written aside, then renamed)."""
    report = progress or _silent
    archive = archive.resolve()
    if archive.exists() and not force:
        raise DomainError("backup.file_exists", file=str(archive))
    if not archive.parent.is_dir():
        raise DomainError("backup.unwritable", file=str(archive), problem="no such directory")
    secret = store.read_secret()
    created = now or SystemClock().now()
    try:
        with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".liandong-backup-") as tmp:
            copy = Path(tmp) / store.database_member
            report("dump", 0, 0)
            snapshot = store.dump(copy)
            size = copy.stat().st_size
            report("dump", 1, 1)
            partial = Path(tmp) / "archive.part"
            digest = hashlib.sha256()
            with _writer(partial, store.compress) as tar:
                with copy.open("rb") as handle:
                    reader = _Hashing(handle, digest, lambda done: report("archive", done, size))
                    tar.addfile(_member(store.database_member, size, created), reader)
                _add_bytes(tar, SECRET, secret + b"\n", created)
                manifest = Manifest(backend=store.backend, created_at=created, snapshot=snapshot,
                                    database_member=store.database_member,
                                    database_sha256=digest.hexdigest(), database_bytes=size,
                                    software_version=software_version)
                _add_bytes(tar, MANIFEST, manifest.to_json(), created)
            os.chmod(partial, 0o600)  # it holds the secret that opens every signing key
            os.replace(partial, archive)
    except OSError as exc:
        raise DomainError("backup.unwritable", file=str(archive), problem=exc.strerror or str(exc)) from None
    return manifest


def read_manifest(archive: Path) -> Manifest:
    """The manifest of an archive, checked; ``backup.unreadable`` / ``backup.malformed`` otherwise."""
    with _open(archive) as tar:
        return Manifest.from_json(_read_member(tar, archive, MANIFEST, limit=1 << 20), archive)


def restore_backup(*, store: BackupStore, archive: Path, force: bool = False,
                   progress: Progress | None = None) -> Restored:
    """恢复: check the archive against the target, then replace the target's database and secret.

    Nothing in the target changes unless the archive is whole, of the target's back-end, of a schema
    this software knows, and the target is empty (or ``force``)."""
    report = progress or _silent
    with _open(archive) as tar:
        manifest = Manifest.from_json(_read_member(tar, archive, MANIFEST, limit=1 << 20), archive)
        if manifest.backend != store.backend:
            raise DomainError("backup.wrong_backend", file=str(archive), archive=manifest.backend,
                              target=store.backend)
        revision = manifest.snapshot.schema_revision
        if revision is not None and not store.knows_revision(revision):
            raise DomainError("backup.newer_schema", revision=revision, head=store.head_revision() or "—")
        secret = _read_member(tar, archive, SECRET, limit=4096).strip()
        if not secret:
            raise _malformed(archive, f"{SECRET} is empty")
        occupied = store.occupied()
        if occupied and not force:
            raise DomainError("backup.target_not_empty", tables=", ".join(occupied[:6])
                              + (" …" if len(occupied) > 6 else ""))
        store.check_secret(secret)
        with tempfile.TemporaryDirectory(dir=store.staging_dir(), prefix=".liandong-restore-") as tmp:
            copy = Path(tmp) / manifest.database_member
            _extract(tar, archive, manifest, copy, report)
            report("load", 0, 0)
            store.load(copy)
            report("load", 1, 1)
    return Restored(manifest, store.install_secret(secret))


# -- the archive ---------------------------------------------------------------------------------

def _silent(_phase: str, _done: int, _total: int) -> None:
    return None


def _malformed(file: Path, problem: str) -> DomainError:
    return DomainError("backup.malformed", file=str(file), problem=problem)


def _text(document: Any, name: str) -> str:
    value = document[name]
    if not isinstance(value, str) or not value:
        raise ValueError(name)
    return value


def _count(document: Any, name: str) -> int:
    value = document[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(name)
    return value


def _member(name: str, size: int, at: datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(at.timestamp()), 0o600
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, at: datetime) -> None:
    tar.addfile(_member(name, len(data), at), io.BytesIO(data))


class _Hashing:
    """A file reader that hashes what passes through and reports how far it got."""

    def __init__(self, handle: IO[bytes], digest: Any, seen: Callable[[int], None]) -> None:
        self.handle, self.digest, self.seen, self.done = handle, digest, seen, 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.done += len(data)
        self.seen(self.done)
        return data


def _writer(path: Path, compress: bool) -> tarfile.TarFile:
    if compress:  # an SQLite file shrinks several times; a pg_dump -Fc dump is compressed already
        return tarfile.open(path, "w:gz", compresslevel=1)
    return tarfile.open(path, "w")


def _open(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise DomainError("backup.unreadable", file=str(archive), problem="no such file")
    try:
        return tarfile.open(archive, "r:*")
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, tarfile.TarError) and exc.strerror:
            raise DomainError("backup.unreadable", file=str(archive), problem=exc.strerror) from None
        raise _malformed(archive, "not a tar archive") from None


def _find(tar: tarfile.TarFile, archive: Path, name: str) -> tuple[tarfile.TarInfo, IO[bytes]]:
    try:
        info = tar.getmember(name)
        handle = tar.extractfile(info) if info.isfile() else None
    except KeyError:
        if _damaged(archive):  # tarfile stops listing at the first garbled header, silently
            raise DomainError("backup.damaged", file=str(archive)) from None
        raise _malformed(archive, f"{name} is missing") from None
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        raise DomainError("backup.damaged", file=str(archive)) from None
    if handle is None:
        raise _malformed(archive, f"{name} is not a regular file")
    return info, handle


def _read_member(tar: tarfile.TarFile, archive: Path, name: str, *, limit: int) -> bytes:
    info, handle = _find(tar, archive, name)
    if info.size > limit:
        raise _malformed(archive, f"{name} is too large")
    try:
        return handle.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error):
        raise DomainError("backup.damaged", file=str(archive)) from None


def _extract(tar: tarfile.TarFile, archive: Path, manifest: Manifest, target: Path,
             report: Progress) -> None:
    """Copy the database member out, checking its size and SHA-256 against the manifest."""
    _, handle = _find(tar, archive, manifest.database_member)
    digest, done, total = hashlib.sha256(), 0, manifest.database_bytes
    with target.open("wb") as out:
        while True:
            try:
                chunk = handle.read(CHUNK)
            except (tarfile.TarError, EOFError, OSError, zlib.error):
                raise DomainError("backup.damaged", file=str(archive)) from None
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            done += len(chunk)
            report("extract", done, total)
    if done != total or digest.hexdigest() != manifest.database_sha256:
        raise _malformed(archive, f"{manifest.database_member} does not match its checksum")


def _damaged(archive: Path) -> bool:
    """Whether the archive is cut short or altered: a gzip stream that does not decompress to its
    end with the right checksum, or a plain tar with data past the last member it lists."""
    with archive.open("rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    if compressed:
        try:
            with gzip.open(archive, "rb") as stream:
                while stream.read(CHUNK):
                    pass
        except (OSError, EOFError, zlib.error):  # BadGzipFile is an OSError
            return True
        return False
    try:
        with tarfile.open(archive, "r:") as tar:
            tar.getmembers()
            return archive.stat().st_size - tar.offset > tarfile.RECORDSIZE + 2 * tarfile.BLOCKSIZE
    except (tarfile.TarError, OSError):
        return True
