"""Witnesses cosign a log's growth and refuse forks and rollbacks (c2sp.org/tlog-cosignature)."""

from __future__ import annotations

import pytest

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import MemoryHashStore, consistency_proof, leaf_hash, root
from liandong.ledger.note import Checkpoint, Signer, parse_note, sign_checkpoint, verify_note
from liandong.ledger.witness import Witness
from tests.factories.ledger import LEAF_HASHES, build_store

ORIGIN = "county.example/log"
LOG = Signer(ORIGIN, bytes(range(32)))
NOW = 1_750_000_000


def checkpoint_note(store: MemoryHashStore, size: int, signer: Signer = LOG) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, root(store, size)), signer)


def make_witness(name: str = "province.example/witness") -> Witness:
    return Witness(name, bytes(range(100, 132)))


def test_growth_is_cosigned_and_the_cosignature_verifies() -> None:
    store, witness = build_store(200), make_witness()
    previous = 0
    for step, size in enumerate([1, 5, 5, 64, 65, 200]):
        note_text = checkpoint_note(store, size)
        line = witness.cosign(note_text, consistency_proof(store, previous, size), LOG.vkey, NOW + step)
        assert line.startswith("— province.example/witness ")
        cosigned = note_text + line
        verified = verify_note(cosigned, [LOG.verifier, witness.verifier])
        assert [v.name for v in verified] == [ORIGIN, "province.example/witness"]
        assert verified[1].cosigned_at == NOW + step
        assert witness.last_cosigned(ORIGIN) == (size, root(store, size))
        previous = size
    assert witness.state == {ORIGIN: (200, root(store, 200))}


def test_two_witnesses_cosign_the_same_checkpoint() -> None:
    store = build_store(10)
    province, centre = make_witness("province.example/w"), Witness("centre.example/w", bytes(range(7, 39)))
    note_text = checkpoint_note(store, 10)
    lines = [w.cosign(note_text, [], LOG.verifier, NOW) for w in (province, centre)]
    note = parse_note(note_text + "".join(lines))
    verified = verify_note(note, [LOG.verifier, province.verifier, centre.verifier])
    assert {v.name for v in verified} == {ORIGIN, "province.example/w", "centre.example/w"}


def test_rollback_refused() -> None:
    store, witness = build_store(20), make_witness()
    witness.cosign(checkpoint_note(store, 20), [], LOG.vkey, NOW)
    with pytest.raises(LedgerError) as caught:
        witness.cosign(checkpoint_note(store, 12), [], LOG.vkey, NOW + 1)
    error = caught.value
    assert error.code == "ledger.witness_inconsistent"
    assert error.params["old_size"] == 20 and error.params["new_size"] == 12
    assert "rollback" in error.params["why"]
    assert witness.last_cosigned(ORIGIN) == (20, root(store, 20))  # state unchanged


def test_fork_at_the_same_size_refused() -> None:
    store, witness = build_store(20), make_witness()
    witness.cosign(checkpoint_note(store, 20), [], LOG.vkey, NOW)
    forked = MemoryHashStore()
    forked.append([*LEAF_HASHES[:19], leaf_hash(b"a rewritten last entry")])
    with pytest.raises(LedgerError) as caught:
        witness.cosign(checkpoint_note(forked, 20), [], LOG.vkey, NOW + 1)
    assert caught.value.code == "ledger.witness_inconsistent"
    assert "fork" in caught.value.params["why"]


def test_fork_of_history_refused_even_with_the_forks_own_proof() -> None:
    store, witness = build_store(20), make_witness()
    witness.cosign(checkpoint_note(store, 20), [], LOG.vkey, NOW)
    forked = MemoryHashStore()
    forked.append([*LEAF_HASHES[:7], leaf_hash(b"rewritten entry 7"), *LEAF_HASHES[8:30]])
    with pytest.raises(LedgerError) as caught:
        witness.cosign(checkpoint_note(forked, 30), consistency_proof(forked, 20, 30), LOG.vkey, NOW + 1)
    error = caught.value
    assert error.code == "ledger.witness_inconsistent"
    assert (error.params["old_size"], error.params["new_size"]) == (20, 30)
    assert error.params["old_root"] != error.params["new_root"]
    assert witness.last_cosigned(ORIGIN) == (20, root(store, 20))


def test_missing_or_wrong_proof_refused() -> None:
    store, witness = build_store(40), make_witness()
    witness.cosign(checkpoint_note(store, 10), [], LOG.vkey, NOW)
    for proof in ([], consistency_proof(store, 9, 40), consistency_proof(store, 10, 39)):
        with pytest.raises(LedgerError) as caught:
            witness.cosign(checkpoint_note(store, 40), proof, LOG.vkey, NOW + 1)
        assert caught.value.code == "ledger.witness_inconsistent"
    witness.cosign(checkpoint_note(store, 40), consistency_proof(store, 10, 40), LOG.vkey, NOW + 2)
    assert witness.last_cosigned(ORIGIN) == (40, root(store, 40))


def test_checkpoint_not_signed_by_the_log_refused() -> None:
    store, witness = build_store(5), make_witness()
    impostor = Signer(ORIGIN, bytes(range(50, 82)))
    with pytest.raises(LedgerError) as caught:
        witness.cosign(checkpoint_note(store, 5, impostor), [], LOG.vkey, NOW)
    assert caught.value.code == "ledger.unverified_note"
    assert witness.last_cosigned(ORIGIN) is None


def test_state_is_per_origin_and_can_be_restored() -> None:
    store, witness = build_store(8), make_witness()
    other_log = Signer("other.example/log", bytes(range(9, 41)))
    witness.cosign(checkpoint_note(store, 8), [], LOG.vkey, NOW)
    other = sign_checkpoint(Checkpoint("other.example/log", 3, root(store, 3)), other_log)
    witness.cosign(other, [], other_log.vkey, NOW)
    restored = Witness("province.example/witness", bytes(range(100, 132)), state=witness.state)
    with pytest.raises(LedgerError) as caught:
        restored.cosign(checkpoint_note(store, 4), [], LOG.vkey, NOW + 1)
    assert caught.value.code == "ledger.witness_inconsistent"
