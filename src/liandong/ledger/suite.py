"""The hash and signature suite (密码套件), pluggable so that SM3/SM2 (国密) can replace SHA-256/Ed25519.

A suite bundles everything the ledger needs from cryptography: the tree hash (``hash_new``, a
hashlib-style constructor that the Merkle code binds once and calls directly in its hot loops), key
generation, signing and verification, and the signed-note type bytes that identify its keys.

How an SM3/SM2 suite would plug in (not implemented here):

* ``hash_new``: ``functools.partial(hashlib.new, "sm3")`` where OpenSSL provides SM3, otherwise a small
  adapter around ``gmssl.sm3`` exposing ``digest()``; ``digest_size`` stays 32, so tree rows, checkpoints
  and receipts keep their shape.
* ``generate_private_key``: a random scalar in [1, n-1] of the SM2 curve, 32 raw bytes like the Ed25519
  seed; ``public_key`` returns the 65-byte uncompressed point (0x04 ‖ X ‖ Y); ``sign``/``verify`` follow
  GB/T 32918.2 with the default distinguishing identifier ``1234567812345678`` and return raw r ‖ s.
* ``note_key_type``: C2SP signed-note reserves 0xff for algorithms without an assigned byte and
  recommends a longer identifier after it, e.g. ``b"\\xffsm2-sm3"``; ``cosignature_key_type`` likewise
  (e.g. ``b"\\xffsm2-sm3-cosignature/v1"``). Key IDs, vkeys and note lines then work unchanged.
"""

from __future__ import annotations

import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from liandong.ledger.errors import LedgerError


class Digest(Protocol):
    """The part of a hashlib hash object the ledger uses."""

    def digest(self) -> bytes: ...


HashFactory = Callable[[bytes], Digest]
"""A hashlib-style constructor: ``hash_new(data).digest()``."""


class Suite(ABC):
    """A hash function and a signature scheme, chosen together and named for the records."""

    name: str
    digest_size: int
    hash_new: HashFactory
    note_key_type: bytes
    """Signed-note signature type identifying this suite's log and department keys."""
    cosignature_key_type: bytes
    """Signed-note signature type of this suite's timestamped witness cosignatures."""
    signature_size: int

    def hash(self, data: bytes) -> bytes:
        """The suite's plain hash of ``data`` (no Merkle prefix)."""
        return self.hash_new(data).digest()

    @abstractmethod
    def generate_private_key(self) -> bytes:
        """A fresh random private key as 32 raw bytes."""

    @abstractmethod
    def public_key(self, private: bytes) -> bytes:
        """The raw public key of ``private``."""

    @abstractmethod
    def sign(self, private: bytes, message: bytes) -> bytes:
        """A signature of ``message`` by ``private``."""

    @abstractmethod
    def verify(self, public: bytes, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is ``public``'s over ``message``; never raises on bad input."""


class Sha256Ed25519(Suite):
    """SHA-256 tree hashes and Ed25519 (RFC 8032) signatures, as Certificate Transparency and Go's sumdb."""

    name = "sha256-ed25519"
    digest_size = 32
    hash_new: HashFactory = staticmethod(hashlib.sha256)
    note_key_type = b"\x01"
    cosignature_key_type = b"\x04"
    signature_size = 64

    def generate_private_key(self) -> bytes:
        return os.urandom(32)

    def public_key(self, private: bytes) -> bytes:
        return bytes(_ed25519_private(private).verify_key)

    def sign(self, private: bytes, message: bytes) -> bytes:
        return bytes(_ed25519_private(private).sign(message).signature)

    def verify(self, public: bytes, message: bytes, signature: bytes) -> bool:
        if len(public) != 32 or len(signature) != 64:
            return False
        try:
            _ed25519_public(public).verify(message, signature)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True


def _ed25519_private(private: bytes) -> SigningKey:
    if not isinstance(private, bytes) or len(private) != 32:
        raise LedgerError("ledger.bad_private_key", expected="32 raw bytes")
    return _private_object(private)


@lru_cache(maxsize=4096)
def _private_object(private: bytes) -> SigningKey:
    """Key objects are costly to build and the same departments sign again and again.

    Ed25519 runs on libsodium (PyNaCl): verification is about 2.8× faster here than OpenSSL's."""
    return SigningKey(private)


@lru_cache(maxsize=16384)
def _ed25519_public(public: bytes) -> VerifyKey:
    return VerifyKey(public)


SHA256_ED25519: Suite = Sha256Ed25519()
"""The default suite."""

SUITES: dict[str, Suite] = {SHA256_ED25519.name: SHA256_ED25519}


def suite_by_name(name: str) -> Suite:
    """The registered suite called ``name``."""
    try:
        return SUITES[name]
    except KeyError:
        raise LedgerError("ledger.unknown_suite", name=name, known=sorted(SUITES)) from None


# --- private keys at rest (私钥加密存储) ---------------------------------------------------------

SEALED_KEY_VERSION = b"\x01"
_SEAL_INFO = b"liandong/ledger/sealed-private-key/v1"
_NONCE_SIZE = 12
_TAG_SIZE = 16
MIN_SECRET_SIZE = 16


def seal_private_key(private: bytes, secret: bytes) -> bytes:
    """Encrypt a private key under the platform secret: version ‖ 12-byte nonce ‖ AES-256-GCM(key).

    The AES key is HKDF-SHA256(secret) with a fixed purpose label, so the platform secret itself is
    never used directly as a cipher key and other uses of it stay domain-separated.
    """
    nonce = os.urandom(_NONCE_SIZE)
    sealed = AESGCM(_sealing_key(secret)).encrypt(nonce, private, SEALED_KEY_VERSION + _SEAL_INFO)
    return SEALED_KEY_VERSION + nonce + sealed


def open_private_key(sealed: bytes, secret: bytes) -> bytes:
    """Decrypt what ``seal_private_key`` produced; a wrong secret is ``ledger.bad_secret``."""
    if len(sealed) < 1 + _NONCE_SIZE + _TAG_SIZE:
        raise LedgerError("ledger.malformed_sealed_key", problem="too short", length=len(sealed))
    if sealed[:1] != SEALED_KEY_VERSION:
        raise LedgerError("ledger.malformed_sealed_key", problem="unknown version", version=sealed[0])
    nonce, body = sealed[1 : 1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE :]
    try:
        return AESGCM(_sealing_key(secret)).decrypt(nonce, body, SEALED_KEY_VERSION + _SEAL_INFO)
    except InvalidTag:
        raise LedgerError(
            "ledger.bad_secret", problem="the platform secret does not open this key (or it was altered)"
        ) from None


def _sealing_key(secret: bytes) -> bytes:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_SIZE:
        raise LedgerError("ledger.weak_secret", min_bytes=MIN_SECRET_SIZE)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(secret)
