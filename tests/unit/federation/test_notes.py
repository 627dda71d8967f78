"""The federation's signed notes other than hand-overs (alarm, facts, reference): opened only from a
configured peer, addressed here, signed by that peer's node key, with exactly the kind's fields; and
the roll-up's per-unit sums and KPIs on their own."""

from __future__ import annotations

import pytest

from liandong.domain.errors import DomainError
from liandong.federation.config import Peer
from liandong.federation.notes import open_note, seal_note, sender_of_note
from liandong.federation.rollup import kpis, ranking, wire
from liandong.ledger.note import Signer
from liandong.ledger.suite import SHA256_ED25519

NODE = Signer("liandong-node", SHA256_ED25519.generate_private_key())
OTHER = Signer("liandong-node", SHA256_ED25519.generate_private_key())
LOG = Signer("liandong-log", SHA256_ED25519.generate_private_key())
PEERS = (Peer("320000", "p320000", NODE.verifier, LOG.vkey),)


def facts(signer: Signer = NODE, to: str = "100000", **extra: object) -> bytes:
    return seal_note(signer, "facts", sender="320000", to=to, day="2026-12-06",
                     units={"county:320213": {"received": 2, "satisfaction_points": "1.500000"}}, **extra)


def test_a_note_from_a_peer_opens() -> None:
    body = open_note(facts(), "facts", me="100000", peers=PEERS)
    assert body["units"]["county:320213"]["received"] == 2 and sender_of_note(facts()) == "320000"


@pytest.mark.parametrize(("data", "kind", "me", "code"), [
    (facts(OTHER), "facts", "100000", "federation.bad_signature"),
    (facts(to="330000"), "facts", "100000", "federation.not_addressed"),
    (facts(), "alarm", "100000", "federation.malformed"),
    (facts(extra_field=1), "facts", "100000", "federation.malformed"),
    (b"not a note", "facts", "100000", "federation.malformed"),
    (facts().replace(b'"received":2', b'"received":3'), "facts", "100000", "federation.bad_signature"),
], ids=["forged", "misaddressed", "other-kind", "extra-field", "not-a-note", "altered"])
def test_a_bad_note_is_refused_naming_why(data: bytes, kind: str, me: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        open_note(data, kind, me=me, peers=PEERS)
    assert refused.value.code == code


def test_a_note_from_an_unknown_node_is_refused() -> None:
    data = seal_note(NODE, "alarm", sender="440000", to="100000", accused="320000", detail="x", size=3,
                     status=422)
    with pytest.raises(DomainError) as refused:
        open_note(data, "alarm", me="100000", peers=PEERS)
    assert refused.value.code == "federation.unknown_node"


def test_counts_travel_as_integers_or_decimal_texts_and_rank_by_closure_then_on_time() -> None:
    assert (wire(3.0), wire(0.25)) == (3, "0.250000")
    assert kpis({"received": 4, "closed": 1, "resolved": 2, "resolved_on_time": 1})["closure_rate"] == 0.25
    assert kpis({})["closure_rate"] == 0.0
    rows = ranking({"330000": {"received": 4, "closed": 2}, "320000": {"received": 2, "closed": 1},
                    "340000": {"received": 1, "closed": 1}})
    assert [(r["rank"], r["unit"]) for r in rows] == [(1, "340000"), (2, "320000"), (3, "330000")]
