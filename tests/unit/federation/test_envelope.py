"""The hand-over envelope on its own: sealed by a node, opened by a peer that checks the node's
signature, the receipt's proof against the sender's log key and the witnesses configured for it."""

from __future__ import annotations

import base64
import json
import secrets

import pytest

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.domain.errors import DomainError
from liandong.federation.config import Peer
from liandong.federation.envelope import handover_id, open_envelope, seal
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.merkle import inclusion_proof
from liandong.ledger.note import Signer
from liandong.ledger.receipt import make_receipt
from liandong.ledger.suite import SHA256_ED25519
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import Ledger
from tests.factories.record_journey import NOW, RULES, journey

NODE = Signer("liandong-node", SHA256_ED25519.generate_private_key())


def receipt_of_report() -> tuple[str, bytes, Ledger, MemoryUnitOfWork]:
    uow = MemoryUnitOfWork()
    ledger = Ledger(secrets.token_bytes(32), origin="liandong.gov.cn/log/320000", witnesses=("100000",))
    cid = journey(MessageBus(uow=lambda: uow, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record))
    ledger.checkpoint(uow, NOW)
    size, _, note = uow.ledger.checkpoints()[-1]
    index, leaf = uow.ledger.entries_of_case(cid)[0]
    proof = inclusion_proof(uow.ledger.hashes, index, size)
    receipt = make_receipt(leaf=leaf, index=index, proof=proof, checkpoint=note,
                           log_key=ledger.log_signer(uow, NOW).vkey)
    return cid, receipt, ledger, uow


def peer(ledger: Ledger, uow: MemoryUnitOfWork, *, witnesses: tuple[str, ...] = ()) -> Peer:
    return Peer("320000", "p320000", NODE.verifier, ledger.log_signer(uow, NOW).vkey, witnesses)


def sealed(cid: str, receipt: bytes, signer: Signer = NODE, to: str = "100000",
           places: tuple[str, ...] = ("320213001",)) -> bytes:
    return seal(signer, sender="320000", to=to, case_id=cid, scope="100000",
                places=places, receipt=receipt, index=0, sent_at=NOW.isoformat())


def refused(data: bytes, peers: list[Peer]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        open_envelope(data, me="100000", peers=peers)
    return caught.value


def test_an_envelope_opens_with_the_sender_s_keys_and_witnesses() -> None:
    cid, receipt, ledger, uow = receipt_of_report()
    witness = ledger.witness(uow, "100000", NOW).vkey  # it cosigned the checkpoint
    opened = open_envelope(sealed(cid, receipt), me="100000", peers=[peer(ledger, uow, witnesses=(witness,))])
    assert opened.id == handover_id("320000", "100000", cid, 0)
    assert (opened.case_id, opened.sender, opened.index, opened.size) == (cid, "320000", 0, 4)
    assert opened.origin == "liandong.gov.cn/log/320000"
    assert json.loads(opened.leaf)["event"]["type"] == "CaseReported"


def test_a_receipt_whose_proof_was_altered_is_refused_even_when_the_node_signs_it() -> None:
    cid, receipt, ledger, uow = receipt_of_report()
    document = json.loads(receipt)
    document["leaf"] = base64.b64encode(base64.b64decode(document["leaf"]).replace(b"320213001",
                                                                                   b"320213002")).decode()
    error = refused(sealed(cid, canonical_bytes(document)), [peer(ledger, uow)])
    assert error.code == "federation.bad_proof"
    assert "inclusion proof" in error.params["reason"]


def test_a_checkpoint_not_signed_by_the_sender_s_log_is_refused() -> None:
    cid, receipt, _, _ = receipt_of_report()
    other = Peer("320000", "p320000", NODE.verifier,
                 Signer("liandong-log", SHA256_ED25519.generate_private_key()).vkey)
    assert refused(sealed(cid, receipt), [other]).code == "federation.bad_proof"


def test_a_witness_configured_for_the_sender_must_have_cosigned() -> None:
    cid, receipt, ledger, uow = receipt_of_report()
    absent = Signer("witness-330000", SHA256_ED25519.generate_private_key(), cosignature=True).vkey
    error = refused(sealed(cid, receipt), [peer(ledger, uow, witnesses=(absent,))])
    assert error.code == "federation.bad_proof" and "witness-330000" in error.params["reason"]


def test_signature_sender_and_recipient_are_checked() -> None:
    cid, receipt, ledger, uow = receipt_of_report()
    stranger = Signer("liandong-node", SHA256_ED25519.generate_private_key())
    assert refused(sealed(cid, receipt, stranger), [peer(ledger, uow)]).code == "federation.bad_signature"
    assert refused(sealed(cid, receipt), []).code == "federation.unknown_node"
    assert refused(sealed(cid, receipt, to="330000"), [peer(ledger, uow)]).code == "federation.not_addressed"


@pytest.mark.parametrize("data", [b"", b"hello\n", b"\xff" * 10,
                                  "liandong.gov.cn/federation/handover/v1\n{}\n\n— x AAAA\n".encode()])
def test_what_is_not_an_envelope_is_malformed(data: bytes) -> None:
    assert refused(data, []).code == "federation.malformed"


def test_places_that_are_not_the_report_s_are_refused() -> None:
    cid, receipt, ledger, uow = receipt_of_report()
    error = refused(sealed(cid, receipt, places=("320213001", "330502001")), [peer(ledger, uow)])
    assert (error.code, error.params["found"]) == ("federation.places_mismatch", "320213001")
