"""A citizen's receipt (回执): one leaf, its inclusion proof and a cosigned checkpoint, checkable offline.

The receipt is a small JSON document (RFC 8785 canonical, so it has one spelling). ``check_receipt``
needs no database: it verifies the log's signature on the checkpoint, every witness cosignature, and
that the proof places the leaf at its index under the checkpoint's root. Keys named inside the receipt
only prove self-consistency; pass the published keys as ``trusted_log_vkeys`` / ``trusted_witness_vkeys``
to know the receipt comes from the real log and was seen by the real witnesses.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.commitment import SALT_BYTES, opens
from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import leaf_hash, verify_inclusion
from liandong.ledger.note import Checkpoint, Note, Verifier, parse_note, verify_note
from liandong.ledger.suite import SHA256_ED25519, Suite

RECEIPT_VERSION = 2
"""1: leaf, proof, checkpoint and keys; 2 (decision 0031): also ``salt``, the salt of the case's
commitments, for its holder to open them (``check_receipt(values=…)``). Both are checked."""
FIELDS = ("version", "origin", "index", "leaf", "proof", "checkpoint", "log_key", "witness_keys")
FIELDS_BY_VERSION = {1: FIELDS, 2: (*FIELDS, "salt")}
MAX_RECEIPT_BYTES = 1 << 20


@dataclass(frozen=True)
class ReceiptCheck:
    """The verdict on a well-formed receipt: ``ok``, or the ``reason`` it fails, with what it claims."""

    ok: bool
    origin: str
    size: int
    index: int
    root: bytes
    leaf: bytes
    signers: tuple[str, ...]
    """Key names whose signatures verified: the log first, then witnesses."""
    reason: str | None = None
    salt: bytes | None = None
    """The salt of the case's commitments (version 2), which opens the leaf's commitments."""
    opened: tuple[str, ...] = ()
    """The fields whose values given to ``check_receipt`` the leaf's commitments opened to."""


def make_receipt(
    *,
    leaf: bytes,
    index: int,
    proof: Sequence[bytes],
    checkpoint: str,
    log_key: str,
    witness_keys: Sequence[str] = (),
    salt: bytes | None = None,
) -> bytes:
    """The receipt (canonical JSON, UTF-8) for ``leaf`` at ``index`` under the signed ``checkpoint`` note;
    version 2 with the ``salt`` of the case's commitments for its holder, version 1 without."""
    origin = Checkpoint.parse(parse_note(checkpoint).text).origin
    document: dict[str, object] = {
        "version": RECEIPT_VERSION if salt is not None else 1,
        "origin": origin,
        "index": index,
        "leaf": _b64(leaf),
        "proof": [_b64(node) for node in proof],
        "checkpoint": checkpoint,
        "log_key": log_key,
        "witness_keys": list(witness_keys),
    }
    if salt is not None:
        document["salt"] = _b64(salt)
    return canonical_bytes(document)


def check_receipt(
    data: bytes | str,
    *,
    trusted_log_vkeys: Iterable[str] | None = None,
    trusted_witness_vkeys: Iterable[str] | None = None,
    values: Mapping[str, object] | None = None,
    suite: Suite = SHA256_ED25519,
) -> ReceiptCheck:
    """Verify a receipt offline. Malformed input raises ``ledger.malformed_receipt`` naming the field.

    ``trusted_log_vkeys``: if given, the receipt's log key must be one of them. ``trusted_witness_vkeys``:
    if given, each must have cosigned the checkpoint (in addition to the witnesses the receipt lists).
    ``values``: field values the holder knows (their report's text, their phone number): each must
    open the leaf's commitment to that field under the receipt's salt (version 2).
    """
    document = _load(data)
    salt = _decode(_field(document, "salt", str), "salt") if "salt" in document else None
    if salt is not None and len(salt) != SALT_BYTES:
        raise _malformed("salt", f"must be {SALT_BYTES} bytes")
    index = _field(document, "index", int)
    if isinstance(index, bool) or index < 0:
        raise _malformed("index", "must be a non-negative integer")
    origin = _field(document, "origin", str)
    leaf = _decode(_field(document, "leaf", str), "leaf")
    proof_items = _field(document, "proof", list)
    proof = [_decode(item, "proof") if isinstance(item, str) else _bad_item("proof") for item in proof_items]
    if any(len(node) != suite.digest_size for node in proof):
        raise _malformed("proof", f"every hash must be {suite.digest_size} bytes")
    note, checkpoint = _checkpoint(_field(document, "checkpoint", str), suite)
    log_verifier = _verifier(_field(document, "log_key", str), "log_key", cosigner=False)
    witness_items = _field(document, "witness_keys", list)
    witnesses = [
        _verifier(item, "witness_keys", cosigner=True) if isinstance(item, str) else _bad_item("witness_keys")
        for item in witness_items
    ]
    if trusted_witness_vkeys is not None:
        witnesses += [
            _verifier(vkey, "trusted_witness_vkeys", cosigner=True) for vkey in trusted_witness_vkeys
        ]

    signers: list[str] = []

    def verdict(reason: str | None) -> ReceiptCheck:
        return ReceiptCheck(reason is None, origin, checkpoint.size, index, checkpoint.root, leaf,
                            tuple(signers), reason, salt, opened)

    opened: tuple[str, ...] = ()

    if origin != checkpoint.origin:
        return verdict(f"origin {origin!r} differs from the checkpoint's {checkpoint.origin!r}")
    if trusted_log_vkeys is not None:
        trusted = [_verifier(vkey, "trusted_log_vkeys", cosigner=False) for vkey in trusted_log_vkeys]
        if not any(_same_key(log_verifier, known) for known in trusted):
            return verdict(f"log key {log_verifier.name} is not one of the trusted log keys")
    try:
        verify_note(note, [log_verifier])
    except LedgerError:
        return verdict(f"the checkpoint is not validly signed by the log key {log_verifier.name}")
    signers.append(log_verifier.name)
    for witness in _unique(witnesses):
        problem = _check_cosignature(note, witness)
        if problem:
            return verdict(problem)
        signers.append(witness.name)
    if index >= checkpoint.size:
        return verdict(f"index {index} is not below the checkpoint size {checkpoint.size}")
    hashed = leaf_hash(leaf, hash_new=suite.hash_new)
    if not verify_inclusion(hashed, index, checkpoint.size, proof, checkpoint.root, hash_new=suite.hash_new):
        return verdict("the inclusion proof does not lead from the leaf to the checkpoint root")
    if values:
        problem = _opening(leaf, salt, values, suite)
        if problem:
            return verdict(problem)
        opened = tuple(sorted(values))
    return verdict(None)


def _opening(leaf: bytes, salt: bytes | None, values: Mapping[str, object], suite: Suite) -> str | None:
    """Why ``values`` do not open the leaf's commitments under ``salt``; None when they all do."""
    if salt is None:
        return "the receipt carries no salt (version 1): its commitments cannot be opened"
    try:
        commitments = json.loads(leaf).get("commitments")
    except (ValueError, AttributeError):
        commitments = None
    if not isinstance(commitments, dict):
        return "the leaf carries no commitments"
    for name in sorted(values):
        if name not in commitments:
            return f"the leaf commits to no field {name!r} (it commits to {', '.join(sorted(commitments))})"
        if not opens({name: commitments[name]}, {name: values[name]}, salt, hash_new=suite.hash_new):
            return f"the value given for {name!r} is not the one the leaf commits to"
    return None


def _check_cosignature(note: Note, witness: Verifier) -> str | None:
    signatures = [s for s in note.signatures if s.name == witness.name and s.key_id == witness.key_id]
    if not signatures:
        return f"no cosignature by witness {witness.name}"
    if witness.check(note.text, signatures[0]) is None:
        return f"the cosignature by witness {witness.name} does not verify"
    return None


def _load(data: bytes | str) -> dict[str, Any]:
    if isinstance(data, bytes):
        if len(data) > MAX_RECEIPT_BYTES:
            raise _malformed("(document)", "too large")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed("(document)", "not UTF-8") from None
    if not isinstance(data, str):
        raise _malformed("(document)", "not text")
    try:
        document = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _malformed(
            "(document)", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(document, dict):
        raise _malformed("(document)", "not a JSON object")
    for name in FIELDS:
        if name not in document:
            raise _malformed(name, "missing")
    version = document["version"]
    if type(version) is not int or version not in FIELDS_BY_VERSION:
        raise _malformed("version", f"must be one of {', '.join(map(str, FIELDS_BY_VERSION))}")
    fields = FIELDS_BY_VERSION[version]
    for name in fields:
        if name not in document:
            raise _malformed(name, "missing")
    unexpected = sorted(set(document) - set(fields))
    if unexpected:
        raise _malformed(unexpected[0], "unexpected field")
    return document


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _malformed(key, "appears twice")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _malformed("(document)", f"{name} is not allowed")


def _field(document: dict[str, Any], name: str, kind: type) -> Any:
    value = document[name]
    if not isinstance(value, kind):
        raise _malformed(name, f"must be a JSON {_JSON_NAMES[kind]}")
    return value


_JSON_NAMES: dict[type, str] = {int: "integer", str: "string", list: "array"}


def _decode(encoded: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _malformed(name, "not base64") from None
    if _b64(raw) != encoded:
        raise _malformed(name, "not canonical base64")
    return raw


def _checkpoint(text: str, suite: Suite) -> tuple[Note, Checkpoint]:
    try:
        note = parse_note(text)
        return note, Checkpoint.parse(note.text, digest_size=suite.digest_size)
    except LedgerError as exc:
        raise _malformed("checkpoint", str(exc)) from None


def _verifier(vkey: str, name: str, *, cosigner: bool) -> Verifier:
    try:
        verifier = Verifier.from_vkey(vkey)
    except LedgerError as exc:
        raise _malformed(name, str(exc)) from None
    if verifier.is_cosigner != cosigner:
        expected = "a witness cosignature key" if cosigner else "a log signing key"
        raise _malformed(name, f"{expected} is expected")
    return verifier


def _same_key(a: Verifier, b: Verifier) -> bool:
    return (a.name, a.key_type, a.public_key) == (b.name, b.key_type, b.public_key)


def _unique(verifiers: list[Verifier]) -> list[Verifier]:
    seen: list[Verifier] = []
    for verifier in verifiers:
        if not any(_same_key(verifier, other) for other in seen):
            seen.append(verifier)
    return seen


def _bad_item(name: str) -> Any:
    raise _malformed(name, "every item must be a JSON string")


def _malformed(field: str, problem: str) -> LedgerError:
    return LedgerError("ledger.malformed_receipt", field=field, problem=problem)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
