"""C2SP signed notes (签名文本) and tlog checkpoints (检查点): https://c2sp.org/signed-note, tlog-checkpoint.

A note is a UTF-8 text ending in a newline, a blank line, then one line per signature,
``— <key name> base64(4-byte key ID ‖ signature)``. The key ID is
``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]``; type 0x01 is Ed25519 over the text, 0x04 a timestamped
witness cosignature (c2sp.org/tlog-cosignature, ``cosignature/v1``) over
``"cosignature/v1\\ntime <t>\\n" ‖ text`` carried as ``key ID ‖ uint64 t ‖ signature``. A checkpoint is a
note whose text is ``<origin>\\n<size>\\n<base64 root>\\n`` plus optional extension lines.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from liandong.ledger.errors import LedgerError
from liandong.ledger.suite import SHA256_ED25519, SUITES, Suite

SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100
MAX_NOTE_CHARS = 1 << 20
MAX_TIMESTAMP = 2**63 - 1
MAX_TREE_SIZE = 2**63 - 1
COSIGNATURE_HEADER = "cosignature/v1\n"
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")


def key_id(name: str, key_type: bytes, public_key: bytes) -> bytes:
    """The 4-byte signed-note key ID: ``SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + key_type + public_key).digest()[:4]


def cosignature_message(text: str, timestamp: int) -> bytes:
    """What a ``cosignature/v1`` witness signs: header, ``time <t>`` line, then the checkpoint body."""
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class Signature:
    """One signature line: the key name, its 4-byte key ID and the rest (timestamp ‖ signature for 0x04)."""

    name: str
    key_id: bytes
    data: bytes

    def line(self) -> str:
        """The line as it appears in a note, newline included."""
        return f"{SIGNATURE_PREFIX}{self.name} {_b64(self.key_id + self.data)}\n"


@dataclass(frozen=True)
class Note:
    """A parsed note: its text (final newline included) and its signatures in order."""

    text: str
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        """The note in its wire form."""
        return self.text + "\n" + "".join(signature.line() for signature in self.signatures)

    def with_signatures(self, *signatures: Signature) -> Note:
        """The same note with more signatures appended (e.g. witness cosignatures)."""
        return Note(self.text, self.signatures + signatures)


@dataclass(frozen=True)
class VerifiedSignature:
    """A signature that verified: who signed, and when for a witness cosignature."""

    name: str
    key_id: bytes
    cosigned_at: int | None = None


class Verifier:
    """A known public key: a log or department key (type 0x01) or a witness cosignature key (0x04)."""

    def __init__(
        self, name: str, public_key: bytes, *, cosignature: bool = False, suite: Suite = SHA256_ED25519
    ):
        _check_name(name)
        self.name = name
        self.public_key = public_key
        self.suite = suite
        self.is_cosigner = cosignature
        self.key_type = suite.cosignature_key_type if cosignature else suite.note_key_type
        self.key_id = key_id(name, self.key_type, public_key)

    @property
    def vkey(self) -> str:
        """The verifier key string ``<name>+<hex key ID>+<base64(type ‖ public key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{_b64(self.key_type + self.public_key)}"

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse a vkey string; ``ledger.malformed_vkey`` says what is wrong."""
        parts = vkey.split("+", 2) if isinstance(vkey, str) else []  # base64 may hold "+"
        if len(parts) != 3:
            raise LedgerError("ledger.malformed_vkey", problem="expected <name>+<key id>+<key>", vkey=vkey)
        name, hex_id, encoded = parts
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise LedgerError("ledger.malformed_vkey", problem="key id is not 8 hex digits", vkey=vkey)
        raw = _unb64(encoded, "ledger.malformed_vkey", "key is not canonical base64")
        for suite in SUITES.values():
            for cosignature, key_type in ((False, suite.note_key_type), (True, suite.cosignature_key_type)):
                if raw.startswith(key_type):
                    try:
                        verifier = cls(name, raw[len(key_type) :], cosignature=cosignature, suite=suite)
                    except LedgerError as exc:
                        raise LedgerError("ledger.malformed_vkey", problem=str(exc), vkey=vkey) from None
                    if verifier.key_id.hex() != hex_id:
                        raise LedgerError(
                            "ledger.malformed_vkey", problem="key id does not match key", vkey=vkey
                        )
                    return verifier
        raise LedgerError("ledger.malformed_vkey", problem="unknown signature type", vkey=vkey)

    def check(self, text: str, signature: Signature) -> VerifiedSignature | None:
        """The verified signature if ``signature`` is this key's and valid over ``text``, else None."""
        if signature.name != self.name or signature.key_id != self.key_id:
            return None
        message = text.encode()
        data = signature.data
        cosigned_at = None
        if self.is_cosigner:
            if len(data) < 8:
                return None
            cosigned_at = int.from_bytes(data[:8], "big")
            if cosigned_at > MAX_TIMESTAMP:
                return None
            message = cosignature_message(text, cosigned_at)
            data = data[8:]
        if not self.suite.verify(self.public_key, message, data):
            return None
        return VerifiedSignature(self.name, self.key_id, cosigned_at)


class Signer:
    """A private key signing notes: type 0x01 for logs and departments, 0x04 for witness cosignatures."""

    def __init__(
        self, name: str, private_key: bytes, *, cosignature: bool = False, suite: Suite = SHA256_ED25519
    ):
        self._private_key = private_key
        self.verifier = Verifier(name, suite.public_key(private_key), cosignature=cosignature, suite=suite)
        self.name = name
        self.key_id = self.verifier.key_id

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    def sign(self, text: str, *, timestamp: int | None = None) -> Signature:
        """Sign a note text; cosigners need ``timestamp`` (POSIX seconds, passed in, never read here)."""
        _check_text(text)
        suite = self.verifier.suite
        if not self.verifier.is_cosigner:
            if timestamp is not None:
                raise LedgerError("ledger.bad_timestamp", problem="only cosignatures carry a timestamp")
            return Signature(self.name, self.key_id, suite.sign(self._private_key, text.encode()))
        if timestamp is None or isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP:
            raise LedgerError("ledger.bad_timestamp", timestamp=timestamp, problem="need 0 <= t < 2**63")
        message = cosignature_message(text, timestamp)
        return Signature(
            self.name, self.key_id, timestamp.to_bytes(8, "big") + suite.sign(self._private_key, message)
        )


def sign_note(text: str, signers: Iterable[Signer]) -> str:
    """A note of ``text`` signed by each (non-cosigning) signer, in wire form."""
    signatures = tuple(signer.sign(text) for signer in signers)
    if not signatures:
        raise LedgerError("ledger.malformed_note", problem="a note needs at least one signature")
    return Note(text, signatures).render()


def parse_note(data: str | bytes) -> Note:
    """Parse a note strictly; ``ledger.malformed_note`` says what is wrong. Verifies nothing."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise LedgerError("ledger.malformed_note", problem="not valid UTF-8") from None
    if not isinstance(data, str):
        raise LedgerError("ledger.malformed_note", problem="not text")
    if len(data) > MAX_NOTE_CHARS:
        raise LedgerError("ledger.malformed_note", problem="too long", max_chars=MAX_NOTE_CHARS)
    _check_chars(data)
    split = data.rfind("\n\n")
    if split < 0:
        raise LedgerError("ledger.malformed_note", problem="no blank line between text and signatures")
    text, block = data[: split + 1], data[split + 2 :]
    if not block:
        raise LedgerError("ledger.malformed_note", problem="no signature lines")
    if not block.endswith("\n"):
        raise LedgerError("ledger.malformed_note", problem="last signature line does not end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise LedgerError("ledger.malformed_note", problem="too many signatures", max=MAX_SIGNATURES)
    signatures: list[Signature] = []
    seen: set[tuple[str, bytes]] = set()
    for number, line in enumerate(lines, start=1):
        if not line.startswith(SIGNATURE_PREFIX):
            raise LedgerError(
                "ledger.malformed_note", problem="signature line must start with '— '", line=number
            )
        parts = line[len(SIGNATURE_PREFIX) :].split(" ")
        if len(parts) != 2:
            raise LedgerError("ledger.malformed_note", problem="expected '— <name> <signature>'", line=number)
        name, encoded = parts
        try:
            _check_name(name)
        except LedgerError:
            raise LedgerError("ledger.malformed_note", problem="invalid key name", line=number) from None
        raw = _unb64(encoded, "ledger.malformed_note", f"signature on line {number} is not canonical base64")
        if len(raw) < 5:
            raise LedgerError("ledger.malformed_note", problem="signature too short", line=number)
        signature = Signature(name, raw[:4], raw[4:])
        if (name, signature.key_id) in seen:
            raise LedgerError("ledger.malformed_note", problem="two signatures by the same key", line=number)
        seen.add((name, signature.key_id))
        signatures.append(signature)
    return Note(text, tuple(signatures))


def verify_note(note: Note | str | bytes, verifiers: Iterable[Verifier]) -> tuple[VerifiedSignature, ...]:
    """Verify a note's signatures by the known ``verifiers``; signatures by unknown keys are ignored.

    As the spec asks, a known key's failing signature rejects the note (``ledger.bad_signature``), and so
    does a note that no known key signed (``ledger.unverified_note``).
    """
    if not isinstance(note, Note):
        note = parse_note(note)
    known: dict[tuple[str, bytes], Verifier] = {}
    for verifier in verifiers:
        previous = known.setdefault((verifier.name, verifier.key_id), verifier)
        if previous.public_key != verifier.public_key or previous.is_cosigner != verifier.is_cosigner:
            raise LedgerError("ledger.ambiguous_verifier", name=verifier.name, key_id=verifier.key_id.hex())
    verified: list[VerifiedSignature] = []
    for signature in note.signatures:
        candidate = known.get((signature.name, signature.key_id))
        if candidate is None:
            continue
        result = candidate.check(note.text, signature)
        if result is None:
            raise LedgerError("ledger.bad_signature", name=signature.name, key_id=signature.key_id.hex())
        verified.append(result)
    if not verified:
        raise LedgerError("ledger.unverified_note", problem="no signature by a known key")
    return tuple(verified)


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head (树头): origin, size and root hash, plus opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problem = None
        if not self.origin or "\n" in self.origin:
            problem = "origin must be one non-empty line"
        elif (
            isinstance(self.size, bool)
            or not isinstance(self.size, int)
            or not 0 <= self.size <= MAX_TREE_SIZE
        ):
            problem = "size must be a non-negative integer below 2**63"
        elif not isinstance(self.root, bytes) or not self.root:
            problem = "root must be non-empty bytes"
        elif any(not line or "\n" in line for line in self.extensions):
            problem = "extension lines must be non-empty single lines"
        if problem:
            raise LedgerError("ledger.malformed_checkpoint", problem=problem)

    def body(self) -> str:
        """The note text of this checkpoint."""
        lines = [self.origin, str(self.size), _b64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str, *, digest_size: int = 32) -> Checkpoint:
        """Parse a checkpoint body strictly; ``ledger.malformed_checkpoint`` says which line is wrong."""
        if not text.endswith("\n"):
            raise LedgerError("ledger.malformed_checkpoint", problem="body must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise LedgerError("ledger.malformed_checkpoint", problem="need origin, size and root lines")
        origin, size, encoded, *extensions = lines
        if not origin:
            raise LedgerError("ledger.malformed_checkpoint", problem="empty origin line")
        if not _DECIMAL.match(size) or len(size) > 19:
            raise LedgerError(
                "ledger.malformed_checkpoint", problem="size is not a decimal without leading zeros"
            )
        root = _unb64(encoded, "ledger.malformed_checkpoint", "root hash is not canonical base64")
        if len(root) != digest_size:
            raise LedgerError("ledger.malformed_checkpoint", problem=f"root hash is not {digest_size} bytes")
        return cls(origin, int(size), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a note signed by the log's key."""
    return sign_note(checkpoint.body(), [signer])


def open_checkpoint(
    note: Note | str | bytes, log_verifier: Verifier, *, digest_size: int = 32
) -> tuple[Checkpoint, Note]:
    """Parse a checkpoint note and verify the log's signature on it (other signatures are left alone)."""
    if not isinstance(note, Note):
        note = parse_note(note)
    if log_verifier.is_cosigner:
        raise LedgerError("ledger.bad_log_key", problem="a cosignature key cannot sign checkpoints")
    verify_note(note, [log_verifier])
    return Checkpoint.parse(note.text, digest_size=digest_size), note


def _check_text(text: str) -> None:
    if not isinstance(text, str) or not text.endswith("\n"):
        raise LedgerError("ledger.malformed_note", problem="text must end with a newline")
    _check_chars(text)


def _check_chars(text: str) -> None:
    if _CONTROL.search(text):
        raise LedgerError("ledger.malformed_note", problem="control character other than newline")
    if not _is_utf8(text):
        raise LedgerError("ledger.malformed_note", problem="not valid UTF-8 (lone surrogate)")


def _check_name(name: str) -> None:
    if (
        not isinstance(name, str)
        or not name
        or "+" in name
        or _CONTROL.search(name)
        or any(char.isspace() for char in name)
        or not _is_utf8(name)
    ):
        raise LedgerError(
            "ledger.bad_key_name", name=repr(name), problem="must be non-empty, no spaces or '+'"
        )


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(encoded: str, code: str, problem: str) -> bytes:
    """Decode standard base64, refusing any non-canonical spelling (so one value has one text)."""
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise LedgerError(code, problem=problem) from None
    if _b64(raw) != encoded:
        raise LedgerError(code, problem=problem)
    return raw
