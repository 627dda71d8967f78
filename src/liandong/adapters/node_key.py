"""节点密钥 (the node's own key): an Ed25519 signed-note key, ``liandong-node``, that signs what the
node vouches for outside its log, today the manifests of its backups (decision 0029).

Unlike the log's, the witnesses' and the departments' keys it is neither derived from nor sealed by
the platform secret, and it is never put in an archive: a backup carries that secret, so a key the
secret opens could be used by whoever holds the archive to sign an edited one. The private key sits
in ``<data_dir>/keys/node.key`` (mode 0600, base64 of 32 random bytes), its verifier key beside it in
``node.pub`` for operators to copy and keep apart (a restore on a new machine is given it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from pathlib import Path

from liandong.domain.errors import DomainError
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Signer, Verifier
from liandong.ledger.suite import SHA256_ED25519
from liandong.services.backup_manifest import NODE_KEY


class NodeKeyFiles:
    """The node key's two files in a data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / "keys"
        self.private_path = self.directory / "node.key"
        self.public_path = self.directory / "node.pub"

    def signer(self) -> Signer:
        """The node's signer, its key made (and its ``node.pub`` written) on first use."""
        if not self.private_path.is_file():
            self._create()
        signer = Signer(NODE_KEY, self._read_private(), suite=SHA256_ED25519)
        if not self.public_path.is_file():
            with contextlib.suppress(FileExistsError):  # another process wrote it first
                _write_new(self.public_path, (signer.vkey + "\n").encode(), 0o644)
        return signer

    def verifier(self) -> Verifier | None:
        """The node key installed here: from ``node.key`` if present, else ``node.pub``; else None."""
        if self.private_path.is_file():
            return Signer(NODE_KEY, self._read_private(), suite=SHA256_ED25519).verifier
        if self.public_path.is_file():
            vkey = self.public_path.read_text().strip()
            try:
                return Verifier.from_vkey(vkey)
            except LedgerError as exc:
                raise DomainError("backup.bad_node_key", key=str(self.public_path),
                                  problem=str(exc)) from None
        return None

    def _create(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        seed = SHA256_ED25519.generate_private_key()
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            _write_new(self.private_path, base64.b64encode(seed) + b"\n", 0o600)

    def _read_private(self) -> bytes:
        try:
            seed = base64.b64decode(self.private_path.read_text().strip(), validate=True)
        except (binascii.Error, ValueError):
            seed = b""
        if len(seed) != 32:
            raise DomainError("backup.bad_node_key", key=str(self.private_path),
                              problem="not the base64 of 32 bytes")
        return seed


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write a file that must not exist yet, whole or not at all (written aside, then linked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(partial, path)  # fails if another process linked its file first
    finally:
        partial.unlink(missing_ok=True)
