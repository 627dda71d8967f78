"""备份与恢复 (backup and restore): one archive file holds a consistent copy of the database, the
platform secret that seals the departments' signing keys (without it a restored ledger cannot sign),
and a manifest signed by the node saying what the copy holds: back-end, schema revision, number of
cases, the size and root of the shared record and its latest cosigned checkpoint at the moment of the
copy, so a restore can prove it got that state (decisions 0011, 0029).

The archive is a tar file: ``database.*`` (an SQLite file or a ``pg_dump -Fc`` dump), ``secret.key``
and ``manifest.json`` last (it carries the database member's SHA-256, computed while writing, and the
node's signature over everything). Storage-specific work (the SQLite online backup API, pg_dump and
pg_restore, the key files) sits behind the :class:`BackupStore` port; this module owns the archive
format and the checks made before anything in the target is changed: the signature, by a key the
archive cannot bring; the back-end and schema; and, over a log already there, that the archive's log
is an older state of it (a rollback, allowed only when accepted) and not a fork.
"""

from __future__ import annotations

import abc
import gzip
import hashlib
import io
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
from liandong.ledger.note import Signer, Verifier
from liandong.services.backup_manifest import MANIFEST, SECRET, Manifest, Snapshot, check_signature
from liandong.services.clock import SystemClock

CHUNK = 1 << 20

Progress = Callable[[str, int, int], None]
"""(phase, done, total): phases ``dump``, ``archive``, ``extract``, ``load``; total 0 if unknown."""


@dataclass(frozen=True)
class LogState:
    """A log already in a database: its size, the size of its latest checkpoint (what witnesses
    cosigned), and its root at a size asked for (None where the log is shorter)."""

    size: int
    cosigned: int
    root_at: bytes | None


@dataclass(frozen=True)
class Rollback:
    """A restore that takes the log back in time: from ``current`` entries to ``restored``;
    witnesses cosigned up to ``cosigned``."""

    current: int
    restored: int
    cosigned: int


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    replaced_secret: Path | None  # where the target's former, different secret was kept
    signed_by: str = ""  # the vkey the manifest's signature was checked against
    rollback: Rollback | None = None  # accepted by the operator
    checkpoint_consistent: bool | None = None  # the restored log's root at the checkpoint's size


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
    def log_state(self, at: int) -> LogState | None:
        """The log in the database now, its root at size ``at``; None without a database."""

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

    @abc.abstractmethod
    def node_signer(self) -> Signer:
        """The node's own signing key (``liandong-node``), made on first use; never archived."""

    @abc.abstractmethod
    def node_verifier(self) -> Verifier | None:
        """The node key installed here (its public half), or None on a fresh installation."""

    def staging_dir(self) -> Path | None:
        """Where temporary copies go (None: the system's temporary directory)."""
        return None

    def remembered_size(self) -> int:
        """The size of the latest cosigned checkpoint kept outside the database (decision 0028):
        what the installation has vouched for even if its database was emptied; 0 when none."""
        return 0

    def remember(self, note: str | None) -> Path | None:
        """After a restore: the kept checkpoint becomes the archive's (``note``), the former one set
        aside under a name of its own when it differs; where it was set aside, if it was."""
        return None


def create_backup(*, store: BackupStore, archive: Path, software_version: str, force: bool = False,
                  now: datetime | None = None, progress: Progress | None = None) -> Manifest:
    """备份: copy the database and the secret into ``archive`` (written aside, then renamed), with a
    manifest the node signs."""
    report = progress or _silent
    archive = archive.resolve()
    if archive.exists() and not force:
        raise DomainError("backup.file_exists", file=str(archive))
    if not archive.parent.is_dir():
        raise DomainError("backup.unwritable", file=str(archive), problem="no such directory")
    secret = store.read_secret()
    signer = store.node_signer()
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
                                    software_version=software_version).sign(signer)
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
                   node_key: Verifier | None = None, accept_rollback: bool = False,
                   progress: Progress | None = None) -> Restored:
    """恢复: check the archive against the target, then replace the target's database and secret.

    Nothing in the target changes unless the manifest is signed by the node's key (``node_key``, the
    operator's word, else the key installed in the target's data directory: never one the archive
    brings), the archive is whole, of the target's back-end, of a schema this software knows, the
    target is empty (or ``force``), and a log already in the target is not a fork of the archive's
    nor newer than it (unless ``accept_rollback``). After loading, the restored log's root at the
    manifest's checkpoint is compared with the checkpoint's."""
    report = progress or _silent
    with _open(archive) as tar:
        manifest = Manifest.from_json(_read_member(tar, archive, MANIFEST, limit=1 << 20), archive)
        if manifest.backend != store.backend:
            raise DomainError("backup.wrong_backend", file=str(archive), archive=manifest.backend,
                              target=store.backend)
        revision = manifest.snapshot.schema_revision
        if revision is not None and not store.knows_revision(revision):
            raise DomainError("backup.newer_schema", revision=revision, head=store.head_revision() or "—")
        expected = check_signature(manifest, node_key or store.node_verifier(), archive)
        secret = _read_member(tar, archive, SECRET, limit=4096).strip()
        if not secret:
            raise _malformed(archive, f"{SECRET} is empty")
        occupied = store.occupied()
        if occupied and not force:
            raise DomainError("backup.target_not_empty", tables=", ".join(occupied[:6])
                              + (" …" if len(occupied) > 6 else ""))
        rollback = _going_back(store, manifest, accept_rollback) if occupied else None
        rollback = rollback or _remembered_rollback(store, manifest, accept_rollback)
        store.check_secret(secret)
        with tempfile.TemporaryDirectory(dir=store.staging_dir(), prefix=".liandong-restore-") as tmp:
            copy = Path(tmp) / manifest.database_member
            _extract(tar, archive, manifest, copy, report)
            report("load", 0, 0)
            store.load(copy)
            report("load", 1, 1)
    store.remember(manifest.snapshot.checkpoint)
    checkpoint = manifest.checkpoint()
    consistent = None
    if checkpoint is not None:
        state = store.log_state(checkpoint.size)
        consistent = state is not None and state.root_at == checkpoint.root
    return Restored(manifest, store.install_secret(secret), signed_by=expected.vkey, rollback=rollback,
                    checkpoint_consistent=consistent)


def _going_back(store: BackupStore, manifest: Manifest, accept_rollback: bool) -> Rollback | None:
    """Compare the log already in the target with the archive's: a fork is refused
    (``backup.fork``); a newer log is a rollback, refused unless accepted (``backup.rollback``)."""
    restored, root = manifest.snapshot.ledger_size, manifest.snapshot.ledger_root
    state = store.log_state(restored)
    if state is None or state.size == 0:
        return None
    if state.root_at is not None and state.root_at != root:
        raise DomainError("backup.fork", restored=restored, current=state.size)
    if state.size <= restored:
        return None  # the same log, or the target holds an older state: the restore goes forward
    going_back = Rollback(current=state.size, restored=restored, cosigned=state.cosigned)
    if not accept_rollback:
        code = "backup.rollback" if state.cosigned > restored else "backup.rollback_uncosigned"
        raise DomainError(code, current=state.size, restored=restored, cosigned=state.cosigned)
    return going_back


def _remembered_rollback(store: BackupStore, manifest: Manifest, accept_rollback: bool) -> Rollback | None:
    """A restore behind the checkpoint this installation keeps outside its database (even into an
    emptied database): a rollback witnesses will see, refused unless accepted."""
    remembered, restored = store.remembered_size(), manifest.snapshot.ledger_size
    if remembered <= restored:
        return None
    if not accept_rollback:
        raise DomainError("backup.rollback", current=remembered, restored=restored, cosigned=remembered)
    return Rollback(current=remembered, restored=restored, cosigned=remembered)


# -- the archive ---------------------------------------------------------------------------------

def _silent(_phase: str, _done: int, _total: int) -> None:
    return None


def _malformed(file: Path, problem: str) -> DomainError:
    return DomainError("backup.malformed", file=str(file), problem=problem)


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
