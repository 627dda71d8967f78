"""The default SHA-256/Ed25519 suite and sealing of private keys under the platform secret."""

from __future__ import annotations

import hashlib

import pytest

from liandong.ledger.errors import LedgerError
from liandong.ledger.suite import (
    SHA256_ED25519,
    Suite,
    open_private_key,
    seal_private_key,
    suite_by_name,
)

SECRET = b"platform secret, at least 16 bytes"


def test_default_suite_hash_is_sha256() -> None:
    assert SHA256_ED25519.hash(b"abc") == hashlib.sha256(b"abc").digest()
    assert SHA256_ED25519.hash_new(b"abc").digest() == hashlib.sha256(b"abc").digest()
    assert SHA256_ED25519.digest_size == 32
    assert suite_by_name("sha256-ed25519") is SHA256_ED25519


def test_unknown_suite_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        suite_by_name("sm3-sm2")
    assert caught.value.code == "ledger.unknown_suite"


def test_sign_and_verify() -> None:
    suite: Suite = SHA256_ED25519
    private = suite.generate_private_key()
    assert len(private) == 32
    public = suite.public_key(private)
    assert len(public) == 32
    signature = suite.sign(private, "事件 #1".encode())
    assert suite.verify(public, "事件 #1".encode(), signature)
    assert not suite.verify(public, "事件 #2".encode(), signature)
    other = suite.public_key(suite.generate_private_key())
    assert not suite.verify(other, "事件 #1".encode(), signature)
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert not suite.verify(public, "事件 #1".encode(), tampered)


def test_verify_never_raises_on_garbage() -> None:
    assert not SHA256_ED25519.verify(b"short", b"m", b"\x00" * 64)
    assert not SHA256_ED25519.verify(b"\x00" * 32, b"m", b"short")


def test_rfc8032_test_vector_1() -> None:
    # RFC 8032 §7.1, TEST 1 (empty message).
    private = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert SHA256_ED25519.public_key(private) == public
    assert SHA256_ED25519.sign(private, b"") == signature
    assert SHA256_ED25519.verify(public, b"", signature)


def test_bad_private_key_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        SHA256_ED25519.sign(b"\x01" * 31, b"m")
    assert caught.value.code == "ledger.bad_private_key"


def test_seal_and_open_round_trip() -> None:
    private = SHA256_ED25519.generate_private_key()
    sealed = seal_private_key(private, SECRET)
    assert sealed[0] == 1
    assert len(sealed) == 1 + 12 + 32 + 16
    assert private not in sealed
    assert open_private_key(sealed, SECRET) == private


def test_each_sealing_uses_a_fresh_nonce() -> None:
    private = bytes(32)
    assert seal_private_key(private, SECRET) != seal_private_key(private, SECRET)


def test_wrong_secret_refused() -> None:
    sealed = seal_private_key(bytes(32), SECRET)
    with pytest.raises(LedgerError) as caught:
        open_private_key(sealed, b"another platform secret!")
    assert caught.value.code == "ledger.bad_secret"


def test_altered_sealed_key_refused() -> None:
    sealed = bytearray(seal_private_key(bytes(32), SECRET))
    sealed[20] ^= 1
    with pytest.raises(LedgerError) as caught:
        open_private_key(bytes(sealed), SECRET)
    assert caught.value.code == "ledger.bad_secret"


@pytest.mark.parametrize("sealed", [b"", b"\x01" + bytes(20), b"\x02" + bytes(60)])
def test_malformed_sealed_key_refused(sealed: bytes) -> None:
    with pytest.raises(LedgerError) as caught:
        open_private_key(sealed, SECRET)
    assert caught.value.code == "ledger.malformed_sealed_key"


def test_short_secret_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        seal_private_key(bytes(32), b"short")
    assert caught.value.code == "ledger.weak_secret"
