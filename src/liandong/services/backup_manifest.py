"""备份清单 (a backup's manifest): what an archive holds, signed by the node (decision 0029).

Format 2 adds to format 1 the latest cosigned checkpoint at the moment of the copy and a signature by
the node's key (``liandong-node``, a signed-note Ed25519 key kept in ``<data_dir>/keys`` and never put
in an archive) over the RFC 8785 encoding of every other field, the database member's SHA-256
included. Whoever edits the archive and recomputes the checksum cannot sign again; a restore checks
the signature against a key it does not take from the archive. Format 1 archives (unsigned) are
refused, naming their version.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from liandong.domain.errors import DomainError
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Checkpoint, Signature, Signer, Verifier, parse_note

FORMAT = "liandong-backup"
FORMAT_VERSION = 2
SIGNED_SINCE = 2
"""The first format whose manifest is signed; older archives are refused (decision 0029)."""
MANIFEST = "manifest.json"
SECRET = "secret.key"
NODE_KEY = "liandong-node"
"""The name of the node's own signing key (signed-note key name), which signs backup manifests."""


@dataclass(frozen=True)
class Snapshot:
    """What a database holds at one instant: enough to recognise the same state after a restore."""

    schema_revision: str | None
    ledger_size: int
    ledger_root: bytes
    cases: int
    checkpoint: str | None = None
    """The latest cosigned checkpoint (signed note with its cosignatures) at that instant."""


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
    signed_by: str | None = None
    """The vkey the manifest names as its signer (what it claims; never trusted by itself)."""
    signature: bytes | None = None
    """Key ID ‖ Ed25519 signature, as in a signed-note signature line."""

    def document(self) -> dict[str, Any]:
        """Every field but the signature: what the node signs."""
        s = self.snapshot
        return {
            "format": FORMAT, "format_version": self.format_version, "backend": self.backend,
            "created_at": self.created_at.isoformat(), "software_version": self.software_version,
            "schema_revision": s.schema_revision, "cases": s.cases,
            "ledger": {"size": s.ledger_size, "root": base64.b64encode(s.ledger_root).decode(),
                       "checkpoint": s.checkpoint},
            "database": {"member": self.database_member, "sha256": self.database_sha256,
                         "bytes": self.database_bytes},
            "secret": {"member": SECRET},
        }

    def signed_text(self) -> str:
        """The signed-note text the signature covers: the canonical document and a newline."""
        return canonical_bytes(self.document()).decode("utf-8") + "\n"

    def sign(self, signer: Signer) -> Manifest:
        """This manifest signed by ``signer`` (the node's key)."""
        line = signer.sign(self.signed_text())
        return replace(self, signed_by=signer.vkey, signature=line.key_id + line.data)

    def to_json(self) -> bytes:
        document = self.document()
        if self.signature is not None:
            document["signature"] = {"key": self.signed_by,
                                     "value": base64.b64encode(self.signature).decode()}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()

    def checkpoint(self) -> Checkpoint | None:
        """The checkpoint the manifest carries, parsed (its signatures are the log's business)."""
        if self.snapshot.checkpoint is None:
            return None
        return Checkpoint.parse(parse_note(self.snapshot.checkpoint).text)

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
            checkpoint = ledger.get("checkpoint")
            if checkpoint is not None and not isinstance(checkpoint, str):
                raise ValueError("ledger.checkpoint")
            snapshot = Snapshot(schema_revision=None if revision is None else str(revision),
                                ledger_size=_count(ledger, "size"),
                                ledger_root=base64.b64decode(_text(ledger, "root"), validate=True),
                                cases=_count(document, "cases"), checkpoint=checkpoint)
            signed_by, signature = None, None
            if "signature" in document:
                signed_by = _text(document["signature"], "key")
                signature = base64.b64decode(_text(document["signature"], "value"), validate=True)
            manifest = cls(backend=_text(document, "backend"), created_at=created, snapshot=snapshot,
                           database_member=_text(database, "member"),
                           database_sha256=_text(database, "sha256"),
                           database_bytes=_count(database, "bytes"),
                           software_version=str(document.get("software_version", "")),
                           format_version=version, signed_by=signed_by, signature=signature)
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
            raise _malformed(file, f"manifest field {exc}") from None
        if created.tzinfo is None or "/" in manifest.database_member or manifest.database_member in (
                MANIFEST, SECRET):
            raise _malformed(file, "manifest field created_at or database.member")
        if version >= SIGNED_SINCE:
            try:
                found = manifest.checkpoint()
            except LedgerError as exc:
                raise _malformed(file, f"manifest field ledger.checkpoint: {exc}") from None
            if found is not None and (found.size > snapshot.ledger_size or (
                    found.size == snapshot.ledger_size and found.root != snapshot.ledger_root)):
                raise _malformed(file, "the checkpoint does not fit the ledger size and root")
        return manifest


def check_signature(manifest: Manifest, expected: Verifier | None, file: Path) -> Verifier:
    """Refuse a manifest that ``expected`` (the node's key, from outside the archive) did not sign.

    ``backup.unsigned``: a format before signatures; ``backup.no_node_key``: no key to check against;
    ``backup.other_key``: signed by another key; ``backup.bad_signature``: signed by this key, but
    changed since (e.g. a database edited and its checksum recomputed)."""
    if manifest.format_version < SIGNED_SINCE or manifest.signature is None:
        raise DomainError("backup.unsigned", file=str(file), version=manifest.format_version,
                          signed_since=SIGNED_SINCE, software=manifest.software_version or "—")
    if expected is None:
        raise DomainError("backup.no_node_key", file=str(file),
                          claimed="+".join((manifest.signed_by or "—").split("+")[:2]))
    key_id, data = manifest.signature[:4], manifest.signature[4:]
    claimed = (manifest.signed_by or "").split("+", 1)[0]
    if (claimed, key_id) != (expected.name, expected.key_id):
        raise DomainError("backup.other_key", file=str(file), expected=expected.vkey,
                          found=f"{claimed or '—'}+{key_id.hex()}")
    if expected.check(manifest.signed_text(), Signature(expected.name, key_id, data)) is None:
        raise DomainError("backup.bad_signature", file=str(file), key=expected.vkey)
    return expected


def node_verifier(vkey: str) -> Verifier:
    """The node key an operator gives (``--node-key``), checked (``backup.bad_node_key``)."""
    try:
        verifier = Verifier.from_vkey(vkey.strip())
    except LedgerError as exc:
        raise DomainError("backup.bad_node_key", key=vkey, problem=str(exc)) from None
    if verifier.is_cosigner:
        raise DomainError("backup.bad_node_key", key=vkey, problem="a cosignature key signs no manifest")
    return verifier


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
