"""Citizen receipts: a valid one checks offline; any altered byte, wrong key or bad shape is caught."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import MemoryHashStore, consistency_proof, inclusion_proof, leaf_hash, root
from liandong.ledger.note import Checkpoint, Signer, sign_checkpoint
from liandong.ledger.receipt import check_receipt, make_receipt
from liandong.ledger.witness import Witness

ORIGIN = "county.example/log"
LOG = Signer(ORIGIN, bytes(range(32)))
WITNESSES = [
    Witness("province.example/w", bytes(range(40, 72))),
    Witness("centre.example/w", bytes(range(80, 112))),
]
INDEX = 37
SIZE = 50
LEAVES = [canonical_bytes({"seq": i, "event": "案件受理", "dept": "城管局"}) for i in range(SIZE)]


def build() -> tuple[MemoryHashStore, str]:
    store = MemoryHashStore()
    store.append([leaf_hash(leaf) for leaf in LEAVES])
    note_text = sign_checkpoint(Checkpoint(ORIGIN, SIZE, root(store, SIZE)), LOG)
    for witness in WITNESSES:
        note_text += witness.cosign(note_text, [], LOG.vkey, 1_750_000_000)
    return store, note_text


STORE, CHECKPOINT = build()


def receipt(index: int = INDEX) -> bytes:
    return make_receipt(
        leaf=LEAVES[index],
        index=index,
        proof=inclusion_proof(STORE, index, SIZE),
        checkpoint=CHECKPOINT,
        log_key=LOG.vkey,
        witness_keys=[w.vkey for w in WITNESSES],
    )


def altered(**changes: Any) -> bytes:
    document = json.loads(receipt())
    document.update(changes)
    return json.dumps(document).encode()


def flip_b64(encoded: str, position: int = 0) -> str:
    raw = bytearray(base64.b64decode(encoded))
    raw[position] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_valid_receipt_passes() -> None:
    data = receipt()
    document = json.loads(data)
    assert set(document) == {
        "version",
        "origin",
        "index",
        "leaf",
        "proof",
        "checkpoint",
        "log_key",
        "witness_keys",
    }
    assert document["version"] == 1 and document["origin"] == ORIGIN and document["index"] == INDEX
    assert data == canonical_bytes(document)
    check = check_receipt(data, trusted_log_vkeys=[LOG.vkey])
    assert check.ok, check.reason
    assert check.reason is None
    assert (check.size, check.index, check.root) == (SIZE, INDEX, root(STORE, SIZE))
    assert check.signers == (ORIGIN, "province.example/w", "centre.example/w")
    assert check.leaf == LEAVES[INDEX]


def test_every_leaf_has_a_valid_receipt() -> None:
    for index in range(SIZE):
        assert check_receipt(receipt(index)).ok


def test_changed_leaf_byte_fails() -> None:
    document = json.loads(receipt())
    check = check_receipt(altered(leaf=flip_b64(document["leaf"], 5)))
    assert not check.ok
    assert check.reason is not None and "inclusion proof" in check.reason


def test_changed_proof_byte_fails() -> None:
    proof = json.loads(receipt())["proof"]
    for position in range(len(proof)):
        tampered = list(proof)
        tampered[position] = flip_b64(tampered[position], 31)
        check = check_receipt(altered(proof=tampered))
        assert not check.ok and check.reason is not None and "inclusion proof" in check.reason


def test_changed_index_fails() -> None:
    for index in (INDEX - 1, INDEX + 1, 0):
        check = check_receipt(altered(index=index))
        assert not check.ok
    check = check_receipt(altered(index=SIZE))
    assert not check.ok and check.reason is not None and "not below" in check.reason


def test_changed_root_byte_fails() -> None:
    encoded_root = base64.b64encode(root(STORE, SIZE)).decode()
    checkpoint = CHECKPOINT.replace(encoded_root, flip_b64(encoded_root, 3))
    assert checkpoint != CHECKPOINT
    check = check_receipt(altered(checkpoint=checkpoint))
    assert not check.ok
    assert check.reason is not None and "not validly signed by the log" in check.reason


def test_receipt_from_an_untrusted_log_key_fails() -> None:
    other = Signer(ORIGIN, bytes(range(200, 232)))
    check = check_receipt(receipt(), trusted_log_vkeys=[other.vkey])
    assert not check.ok and check.reason is not None and "not one of the trusted" in check.reason


def test_receipt_naming_another_log_key_fails() -> None:
    other = Signer(ORIGIN, bytes(range(200, 232)))
    check = check_receipt(altered(log_key=other.vkey))
    assert not check.ok and check.reason is not None and "not validly signed" in check.reason


def test_missing_or_broken_witness_cosignature_fails() -> None:
    stranger = Witness("stranger.example/w", bytes(range(150, 182)))
    check = check_receipt(altered(witness_keys=[w.vkey for w in WITNESSES] + [stranger.vkey]))
    assert not check.ok and check.reason == "no cosignature by witness stranger.example/w"
    check = check_receipt(receipt(), trusted_witness_vkeys=[stranger.vkey])
    assert not check.ok
    lines = CHECKPOINT.splitlines(keepends=True)
    last_sig = lines[-1].rstrip("\n").split(" ")
    lines[-1] = f"{last_sig[0]} {last_sig[1]} {flip_b64(last_sig[2], 20)}\n"
    check = check_receipt(altered(checkpoint="".join(lines)))
    assert not check.ok and check.reason == "the cosignature by witness centre.example/w does not verify"


def test_origin_must_match_the_checkpoint() -> None:
    check = check_receipt(altered(origin="another.example/log"))
    assert not check.ok and check.reason is not None and "origin" in check.reason


def test_receipt_stays_valid_after_the_log_grows() -> None:
    """The checkpoint in the receipt is old; the citizen can still check it, and a consistency proof
    links it to any later checkpoint."""
    grown = MemoryHashStore()
    grown.append([leaf_hash(leaf) for leaf in LEAVES])
    grown.append([leaf_hash(b"later %d" % i) for i in range(30)])
    assert check_receipt(receipt()).ok
    assert consistency_proof(grown, SIZE, 80)
    assert root(grown, SIZE) == root(STORE, SIZE)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"not json", "(document)"),
        (b"[1, 2]", "(document)"),
        (b"\xff\xfe", "(document)"),
        (b'{"version": 1, "version": 1}', "version"),
        (b'{"a": NaN}', "(document)"),
    ],
)
def test_malformed_json_refused(data: bytes, field: str) -> None:
    with pytest.raises(LedgerError) as caught:
        check_receipt(data)
    assert caught.value.code == "ledger.malformed_receipt"
    assert caught.value.params["field"] == field


@pytest.mark.parametrize("missing", ["version", "origin", "index", "leaf", "proof", "checkpoint", "log_key"])
def test_missing_field_named(missing: str) -> None:
    document = json.loads(receipt())
    del document[missing]
    with pytest.raises(LedgerError) as caught:
        check_receipt(json.dumps(document))
    assert caught.value.code == "ledger.malformed_receipt"
    assert caught.value.params["field"] == missing


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"version": 3}, "version"),
        ({"version": 2}, "salt"),  # a version 2 receipt carries the case's salt
        ({"index": -1}, "index"),
        ({"index": "37"}, "index"),
        ({"index": True}, "index"),
        ({"leaf": "***"}, "leaf"),
        ({"proof": "AAAA"}, "proof"),
        ({"proof": [1]}, "proof"),
        ({"proof": ["AAAA"]}, "proof"),
        ({"checkpoint": "no signatures\n"}, "checkpoint"),
        ({"log_key": "nonsense"}, "log_key"),
        ({"witness_keys": [LOG.vkey]}, "witness_keys"),
        ({"log_key": WITNESSES[0].vkey}, "log_key"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_field_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(LedgerError) as caught:
        check_receipt(altered(**changes))
    assert caught.value.code == "ledger.malformed_receipt"
    assert caught.value.params["field"] == field


# -- version 2: the salt of the case's commitments, for the receipt's holder (decision 0031) --------

SALT = bytes(range(100, 132))
REPORT = {"type": "CaseReported", "matter": "social_life_noise", "description": "广场舞噪声",
          "reporter_phone": "13912345678"}


def committed_receipt(salt: bytes | None = SALT) -> bytes:
    from liandong.ledger.commitment import conceal

    event, commitments = conceal(REPORT, ("description", "reporter_phone"), SALT)
    leaf = canonical_bytes({"v": 3, "seq": 1, "signer": "platform", "event": event,
                            "commitments": commitments, "sig": "x"})
    store = MemoryHashStore()
    store.append([leaf_hash(leaf), *(leaf_hash(other) for other in LEAVES[1:])])
    note_text = sign_checkpoint(Checkpoint(ORIGIN, SIZE, root(store, SIZE)), LOG)
    return make_receipt(leaf=leaf, index=0, proof=inclusion_proof(store, 0, SIZE), checkpoint=note_text,
                        log_key=LOG.vkey, salt=salt)


def test_a_version_2_receipt_opens_its_leaf_for_the_holder() -> None:
    data = committed_receipt()
    assert json.loads(data)["version"] == 2 and "广场舞噪声".encode() not in data
    checked = check_receipt(data, values={"description": "广场舞噪声", "reporter_phone": "13912345678"})
    assert checked.ok and checked.salt == SALT and checked.opened == ("description", "reporter_phone")
    assert check_receipt(data).ok and check_receipt(data).opened == ()
    wrong = check_receipt(data, values={"description": "已撤诉"})
    assert not wrong.ok
    assert wrong.reason == "the value given for 'description' is not the one the leaf commits to"
    unknown = check_receipt(data, values={"reporter_name": "欧阳娜娜"})
    assert not unknown.ok and "commits to no field 'reporter_name'" in (unknown.reason or "")


def test_a_version_1_receipt_still_verifies_but_opens_nothing() -> None:
    data = committed_receipt(salt=None)
    assert json.loads(data)["version"] == 1 and check_receipt(data).ok
    refused = check_receipt(data, values={"description": "广场舞噪声"})
    assert not refused.ok and "version 1" in (refused.reason or "")
    assert check_receipt(receipt()).ok  # the receipts issued before, as they were


def test_a_bad_salt_is_named() -> None:
    document = json.loads(committed_receipt())
    for salt in ("not base64!", base64.b64encode(b"short").decode(), 7):
        with pytest.raises(LedgerError) as caught:
            check_receipt(json.dumps({**document, "salt": salt}).encode())
        assert caught.value.params["field"] == "salt"
