"""An independent witness's own directory (decision 0035): its Ed25519 key, the logs it witnesses
and, per log origin, the last tree head it cosigned. Nothing of it lives in a node's database.

``witness.key``: the 32-byte private key (mode 0600); ``witness.name``: its key name; ``logs``: one
``<origin> <log verifier key>`` a line; ``state/<sha256(origin)>``: ``<origin>\\n<size>\\n<base64
root>\\n``, replaced atomically (temporary file, fsync, rename, fsync of the directory). Requests are
handled one at a time under ``flock`` of ``state.lock``, so two processes on one directory never
cosign two different trees of the same size."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Signer, Verifier
from liandong.ledger.witness import TreeHead, Witness

KEY_FILE, NAME_FILE, LOGS_FILE = "witness.key", "witness.name", "logs"
STATE_DIR, LOCK_FILE = "state", "state.lock"


def _atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class WitnessDirectory:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path, name: str) -> WitnessDirectory:
        """A new witness: a fresh key named ``name``; refused where a key already is."""
        Signer(name, bytes(32), cosignature=True)  # the name is checked before anything is written
        if (path / KEY_FILE).exists():
            raise LedgerError("ledger.witness_dir_taken", dir=str(path))
        (path / STATE_DIR).mkdir(parents=True, exist_ok=True)
        _atomic_write(path / NAME_FILE, name.encode() + b"\n")
        _atomic_write(path / KEY_FILE, secrets.token_bytes(32))
        return cls(path)

    def signer(self) -> Signer:
        return Signer(*self._key(), cosignature=True)

    def witness(self, origin: str, head: TreeHead | None) -> Witness:
        """The witness with ``head`` as what it last cosigned for ``origin``."""
        return Witness(*self._key(), state={origin: head} if head else {})

    def _key(self) -> tuple[str, bytes]:
        try:
            key = (self.path / KEY_FILE).read_bytes()
            name = (self.path / NAME_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise LedgerError("ledger.witness_dir_empty", dir=str(self.path)) from None
        if len(key) != 32:
            raise LedgerError("ledger.witness_dir_damaged", dir=str(self.path), file=KEY_FILE,
                              problem=f"{len(key)} bytes, not 32")
        return name, key

    def add_log(self, origin: str, vkey: str) -> None:
        """Witness the log ``origin`` signed by ``vkey`` (replacing that origin's key)."""
        verifier = Verifier.from_vkey(vkey)
        if not origin or any(c.isspace() for c in origin) or verifier.is_cosigner:
            raise LedgerError("ledger.witness_bad_log", origin=origin)
        logs = self.logs()
        logs[origin] = verifier.vkey
        text = "".join(f"{o} {k}\n" for o, k in sorted(logs.items()))
        with self._locked():
            _atomic_write(self.path / LOGS_FILE, text.encode())

    def logs(self) -> dict[str, str]:
        """The log verifier key of each origin witnessed."""
        try:
            text = (self.path / LOGS_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        return dict(line.split(" ", 1) for line in text.splitlines() if line.strip())

    def head(self, origin: str) -> TreeHead | None:
        """The last ``(size, root)`` cosigned for ``origin``."""
        try:
            text = self._state_path(origin).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        lines = text.splitlines()
        if len(lines) != 3 or lines[0] != origin or not lines[1].isdigit():
            raise LedgerError("ledger.witness_dir_damaged", dir=str(self.path), file=STATE_DIR,
                              problem=f"the state of {origin}")
        return int(lines[1]), base64.b64decode(lines[2])

    def save_head(self, origin: str, size: int, root: bytes) -> None:
        text = f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"
        _atomic_write(self._state_path(origin), text.encode())

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the directory's lock: one request at a time reads, checks and saves a head."""
        with self._locked():
            yield

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _state_path(self, origin: str) -> Path:
        (self.path / STATE_DIR).mkdir(parents=True, exist_ok=True)
        return self.path / STATE_DIR / hashlib.sha256(origin.encode()).hexdigest()
