"""C2SP signed notes and tlog checkpoints: the spec's example, round trips, strict parsing, verification."""

from __future__ import annotations

import base64
import hashlib

import pytest

from liandong.ledger.errors import LedgerError
from liandong.ledger.note import (
    Checkpoint,
    Note,
    Signer,
    Verifier,
    cosignature_message,
    key_id,
    open_checkpoint,
    parse_note,
    sign_checkpoint,
    sign_note,
    verify_note,
)
from liandong.ledger.suite import SHA256_ED25519

# The example of https://c2sp.org/signed-note (and golang.org/x/mod/sumdb/note).
NEUMANN_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
NEUMANN_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvq"
    "fqdngotpRZb6KE6RyyBwJnAM=\n"
)

LOG_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_spec_example_verifies() -> None:
    verifier = Verifier.from_vkey(NEUMANN_VKEY)
    assert verifier.name == "PeterNeumann"
    assert verifier.key_id.hex() == "c74f20a3"
    assert verifier.vkey == NEUMANN_VKEY
    verified = verify_note(NEUMANN_NOTE, [verifier])
    assert [(v.name, v.key_id.hex(), v.cosigned_at) for v in verified] == [("PeterNeumann", "c74f20a3", None)]
    note = parse_note(NEUMANN_NOTE)
    assert note.text.startswith("If you think") and note.text.endswith("problem is.\n")
    assert note.render() == NEUMANN_NOTE


def test_spec_example_altered_text_fails() -> None:
    altered = NEUMANN_NOTE.replace("answer", "Answer")
    with pytest.raises(LedgerError) as caught:
        verify_note(altered, [Verifier.from_vkey(NEUMANN_VKEY)])
    assert caught.value.code == "ledger.bad_signature"


def test_key_id_is_truncated_sha256_of_name_type_and_key() -> None:
    public = SHA256_ED25519.public_key(LOG_KEY)
    expected = hashlib.sha256(b"log.example/a\n\x01" + public).digest()[:4]
    assert key_id("log.example/a", b"\x01", public) == expected
    signer = Signer("log.example/a", LOG_KEY)
    assert signer.key_id == expected
    name, hex_id, encoded = signer.vkey.split("+", 2)
    assert (name, hex_id) == ("log.example/a", expected.hex())
    assert base64.b64decode(encoded) == b"\x01" + public


def test_sign_parse_verify_round_trip() -> None:
    log, other = Signer("log.example/a", LOG_KEY), Signer("dept.example/b", OTHER_KEY)
    text = "某县\n联动事项\n多行文本\n\n包括空行\n"
    wire = sign_note(text, [log, other])
    assert wire.startswith(text + "\n— log.example/a ")
    note = parse_note(wire)
    assert note.text == text
    assert [s.name for s in note.signatures] == ["log.example/a", "dept.example/b"]
    assert note.render() == wire
    assert parse_note(wire.encode()) == note
    verified = verify_note(wire, [log.verifier, other.verifier])
    assert [v.name for v in verified] == ["log.example/a", "dept.example/b"]


def test_unknown_signers_are_ignored() -> None:
    log, stranger = Signer("log.example/a", LOG_KEY), Signer("stranger.example", OTHER_KEY)
    wire = sign_note("hello\n", [stranger, log])
    assert [v.name for v in verify_note(wire, [log.verifier])] == ["log.example/a"]
    # Same name, different key: also unknown, so ignored rather than failing.
    impostor = Signer("log.example/a", OTHER_KEY)
    wire = sign_note("hello\n", [impostor, log])
    assert [v.name for v in verify_note(wire, [log.verifier])] == ["log.example/a"]


def test_note_signed_by_nobody_known_is_refused() -> None:
    wire = sign_note("hello\n", [Signer("stranger.example", OTHER_KEY)])
    with pytest.raises(LedgerError) as caught:
        verify_note(wire, [Signer("log.example/a", LOG_KEY).verifier])
    assert caught.value.code == "ledger.unverified_note"


def test_forged_signature_by_known_key_is_refused() -> None:
    log = Signer("log.example/a", LOG_KEY)
    signature = log.sign("hello\n")
    forged = Note("hello, world\n", (signature,)).render()
    with pytest.raises(LedgerError) as caught:
        verify_note(forged, [log.verifier])
    assert caught.value.code == "ledger.bad_signature"
    assert caught.value.params["name"] == "log.example/a"


GOOD_SIG = "— a " + base64.b64encode(bytes(68)).decode()


@pytest.mark.parametrize(
    ("wire", "problem_part"),
    [
        ("hello\n" + GOOD_SIG + "\n", "no blank line"),
        ("hello\n\n", "no signature lines"),
        ("hello\n\n" + GOOD_SIG, "does not end with a newline"),
        ("hello\n\n- a AAAAAAAA\n", "must start with '— '"),
        ("hello\n\n— a\n", "expected '— <name> <signature>'"),
        ("hello\n\n— a b c\n", "expected '— <name> <signature>'"),
        ("hello\n\n— a+b AAAAAAAA\n", "invalid key name"),
        ("hello\n\n— a not-base64!\n", "not canonical base64"),
        ("hello\n\n— a AAAA\n", "signature too short"),
        ("hello\n\n— a AAAAAAB=\n", "not canonical base64"),
        ("hel\x07lo\n\n" + GOOD_SIG + "\n", "control character"),
        ("hello\n\n" + GOOD_SIG + "\n" + GOOD_SIG + "\n", "two signatures by the same key"),
        ("hello\n\n" + GOOD_SIG + "\n\n", "no signature lines"),
        ("hello\n\n" + GOOD_SIG + "\n\n" + GOOD_SIG, "does not end with a newline"),
    ],
)
def test_malformed_notes_refused(wire: str, problem_part: str) -> None:
    with pytest.raises(LedgerError) as caught:
        parse_note(wire)
    assert caught.value.code == "ledger.malformed_note"
    assert problem_part in caught.value.params["problem"]


def test_invalid_utf8_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        parse_note(b"caf\xe9\n\n" + GOOD_SIG.encode() + b"\n")
    assert caught.value.code == "ledger.malformed_note"
    assert "UTF-8" in caught.value.params["problem"]


def test_text_must_end_with_newline_to_be_signed() -> None:
    with pytest.raises(LedgerError) as caught:
        sign_note("no newline", [Signer("log.example/a", LOG_KEY)])
    assert caught.value.code == "ledger.malformed_note"


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+BRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_vkeys_refused(vkey: str) -> None:
    with pytest.raises(LedgerError) as caught:
        Verifier.from_vkey(vkey)
    assert caught.value.code == "ledger.malformed_vkey"


def test_checkpoint_body_and_round_trip() -> None:
    root = hashlib.sha256(b"root").digest()
    checkpoint = Checkpoint("county.example/log", 1234, root, ("ext line",))
    body = checkpoint.body()
    assert body == f"county.example/log\n1234\n{base64.b64encode(root).decode()}\next line\n"
    assert Checkpoint.parse(body) == checkpoint
    log = Signer("county.example/log", LOG_KEY)
    wire = sign_checkpoint(checkpoint, log)
    opened, note = open_checkpoint(wire, log.verifier)
    assert opened == checkpoint
    assert note.text == body


@pytest.mark.parametrize(
    "body",
    [
        "origin\n12\n",
        "\n12\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n012\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n1x\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "origin\n12\n" + base64.b64encode(bytes(31)).decode() + "\n",
        "origin\n12\nnot base64\n",
        "origin\n12\n" + base64.b64encode(bytes(32)).decode(),
    ],
)
def test_malformed_checkpoints_refused(body: str) -> None:
    with pytest.raises(LedgerError) as caught:
        Checkpoint.parse(body)
    assert caught.value.code == "ledger.malformed_checkpoint"


def test_checkpoint_signed_by_another_key_is_not_opened() -> None:
    checkpoint = Checkpoint("county.example/log", 1, bytes(32))
    wire = sign_checkpoint(checkpoint, Signer("county.example/log", OTHER_KEY))
    with pytest.raises(LedgerError) as caught:
        open_checkpoint(wire, Signer("county.example/log", LOG_KEY).verifier)
    assert caught.value.code == "ledger.unverified_note"


def test_cosignature_format() -> None:
    """cosignature/v1: key type 0x04, line payload key ID ‖ uint64 time ‖ Ed25519 over header ‖ body."""
    witness = Signer("witness.example/w1", OTHER_KEY, cosignature=True)
    public = SHA256_ED25519.public_key(OTHER_KEY)
    assert witness.key_id == hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert base64.b64decode(witness.vkey.split("+", 2)[2])[:1] == b"\x04"
    body = Checkpoint("county.example/log", 5, bytes(32)).body()
    signature = witness.sign(body, timestamp=1_700_000_000)
    assert signature.data[:8] == (1_700_000_000).to_bytes(8, "big")
    message = cosignature_message(body, 1_700_000_000)
    assert message == b"cosignature/v1\ntime 1700000000\n" + body.encode()
    assert SHA256_ED25519.verify(public, message, signature.data[8:])
    raw = base64.b64decode(signature.line().rstrip("\n").split(" ")[2])
    assert raw == witness.key_id + signature.data and len(raw) == 4 + 8 + 64
    verified = witness.verifier.check(body, signature)
    assert verified is not None and verified.cosigned_at == 1_700_000_000
    assert witness.verifier.check(body.replace("5", "6"), signature) is None


def test_cosigner_needs_a_timestamp_and_log_key_refuses_one() -> None:
    witness = Signer("witness.example/w1", OTHER_KEY, cosignature=True)
    with pytest.raises(LedgerError) as caught:
        witness.sign("x\n")
    assert caught.value.code == "ledger.bad_timestamp"
    with pytest.raises(LedgerError) as caught:
        Signer("log", LOG_KEY).sign("x\n", timestamp=1)
    assert caught.value.code == "ledger.bad_timestamp"


def test_vkeys_whose_base64_holds_a_plus_round_trip() -> None:
    vkeys = [Signer("log.example/a", bytes([seed]) * 32).vkey for seed in range(64)]
    with_plus = [vkey for vkey in vkeys if "+" in vkey.split("+", 2)[2]]
    assert with_plus  # a '+' in the key's base64 must not be taken for a field separator
    for vkey in with_plus:
        assert Verifier.from_vkey(vkey).vkey == vkey
