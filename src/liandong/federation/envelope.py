"""移交信封 (the hand-over envelope): what one node sends another about a case that reaches beyond it.

A C2SP signed note (``ledger.note``) whose text is a header line and one line of canonical JSON:

    liandong.gov.cn/federation/handover/v1
    {"case_id":…,"from":"320000","id":…,"kind":"case.handover","places":[…],"receipt":"…",
     "scope":"100000","sent_at":…,"to":"100000"}

    — liandong-node <base64 key ID ‖ Ed25519 signature>

signed by the sending node's node key (``adapters.node_key``). ``receipt`` is the receipt
(``ledger.receipt``) of the case's originating event in the sender's log: the leaf, its inclusion
proof and the cosigned checkpoint, exactly as a citizen's receipt, so the receiver checks it with the
same code and the sender's published log key. The leaf carries commitments, not the reporter's
personal data or the free texts (leaf version 3): nothing personal crosses in an envelope.

``open_envelope`` refuses (``federation.*``) an envelope that is malformed, from a node not
configured, addressed to another node, not signed by the sender's node key, or whose receipt does not
verify against the sender's log key (and the witnesses configured for it) or names another case.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from liandong.domain.errors import DomainError
from liandong.federation.config import Peer
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Signer, parse_note, verify_note
from liandong.ledger.receipt import ReceiptCheck, check_receipt

HEADER = "liandong.gov.cn/federation/handover/v1"
KIND = "case.handover"
FIELDS = ("case_id", "from", "id", "kind", "places", "receipt", "scope", "sent_at", "to")
LEAD_FIELDS = tuple(sorted((*FIELDS, "lead_receipt")))  # a case led at the receiver's node (提级)
MAX_ENVELOPE_BYTES = 1 << 20


@dataclass(frozen=True)
class Opened:
    """An envelope that passed every check."""

    id: str
    sender: str
    to: str
    case_id: str
    scope: str
    places: tuple[str, ...]
    sent_at: str
    origin: str
    index: int
    size: int
    leaf: bytes
    digest: str
    """SHA-256 of the whole envelope as received (hex): what the receiver's ledger records."""
    lead: str = ""
    """The lead department the envelope's lead receipt shows ("" without one)."""


def handover_id(sender: str, to: str, case_id: str, index: int) -> str:
    """One hand-over: a case's entry at ``index`` of the sender's log, to one node. Also the
    message id (``Nats-Msg-Id``) it travels under, so a relay that sends it twice sends it once."""
    return f"{sender}-{to}-{case_id}-{index}"


def digest(envelope: bytes) -> str:
    return hashlib.sha256(envelope).hexdigest()


def seal(signer: Signer, *, sender: str, to: str, case_id: str, scope: str, places: Sequence[str],
         receipt: bytes, index: int, sent_at: str, lead_receipt: bytes | None = None) -> bytes:
    """The signed envelope handing ``case_id`` (its receipt at ``index``) from ``sender`` to ``to``;
    ``lead_receipt``: that of the event making a department of ``to`` the case's lead
    (``federation.lead``)."""
    body = {"case_id": case_id, "from": sender, "id": handover_id(sender, to, case_id, index), "kind": KIND,
            "places": list(places), "receipt": receipt.decode("utf-8"), "scope": scope,
            "sent_at": sent_at, "to": to}
    if lead_receipt is not None:
        body["lead_receipt"] = lead_receipt.decode("utf-8")
    text = f"{HEADER}\n{canonical_bytes(body).decode('utf-8')}\n"
    return (text + "\n" + signer.sign(text).line()).encode("utf-8")


def _refuse(code: str, **params: Any) -> DomainError:
    return DomainError(code, **params)


def _body(data: bytes) -> tuple[Any, dict[str, Any]]:
    if len(data) > MAX_ENVELOPE_BYTES:
        raise _refuse("federation.malformed", problem=f"larger than {MAX_ENVELOPE_BYTES} bytes")
    try:
        note = parse_note(data)
    except LedgerError as exc:
        raise _refuse("federation.malformed", problem=f"not a signed note ({exc.code})") from None
    lines = note.text.split("\n")
    if len(lines) != 3 or lines[0] != HEADER or lines[2] != "":
        raise _refuse("federation.malformed", problem=f"the text must be {HEADER!r} and one JSON line")
    try:
        body = json.loads(lines[1])
    except ValueError:
        raise _refuse("federation.malformed", problem="the second line is not JSON") from None
    if not isinstance(body, dict) or tuple(sorted(body)) not in (FIELDS, LEAD_FIELDS):
        raise _refuse("federation.malformed", problem=f"the JSON must have exactly {', '.join(FIELDS)} "
                                                      "(and lead_receipt)")
    for name in body:
        if name != "places" and not isinstance(body[name], str):
            raise _refuse("federation.malformed", problem=f"'{name}' must be a string")
    if not isinstance(body["places"], list) or not all(isinstance(p, str) for p in body["places"]):
        raise _refuse("federation.malformed", problem="'places' must be a list of codes")
    if body["kind"] != KIND:
        raise _refuse("federation.malformed", problem=f"'kind' must be {KIND!r}")
    return note, body


def sender_of(data: bytes) -> str | None:
    """Who the envelope says sent it (unchecked), or None when it cannot be read."""
    try:
        return str(_body(data)[1]["from"])
    except DomainError:
        return None


def open_envelope(data: bytes, *, me: str, peers: Sequence[Peer]) -> Opened:
    """The envelope's content once every check passed; else ``federation.*`` naming the first failure."""
    note, body = _body(data)
    sender = body["from"]
    peer = next((p for p in peers if p.scope == sender), None)
    if peer is None:
        raise _refuse("federation.unknown_node", sender=sender)
    if body["to"] != me:
        raise _refuse("federation.not_addressed", to=body["to"], me=me)
    try:
        verified = verify_note(note, [peer.node_key])
    except LedgerError:
        verified = ()
    if not verified:
        raise _refuse("federation.bad_signature", sender=sender)
    check, event = _checked(body["receipt"], peer, body["case_id"])
    if event.get("affected") != body["places"]:
        raise _refuse("federation.places_mismatch", case_id=body["case_id"], places=", ".join(body["places"]),
                      found=", ".join(map(str, event.get("affected") or [])) or "—")
    if body["id"] != handover_id(sender, body["to"], body["case_id"], check.index):
        raise _refuse("federation.malformed", problem="'id' is not the hand-over's id")
    lead = ""
    if "lead_receipt" in body:  # the event making a department of the receiver lead, from the same log
        _, led = _checked(body["lead_receipt"], peer, body["case_id"])
        lead = str(led.get("lead") or "")
    return Opened(body["id"], sender, body["to"], body["case_id"], body["scope"], tuple(body["places"]),
                  body["sent_at"], check.origin, check.index, check.size, check.leaf, digest(data), lead)


def _checked(receipt: str, peer: Peer, case_id: str) -> tuple[ReceiptCheck, dict[str, Any]]:
    """The receipt checked against the peer's log key (and its witnesses), and its leaf's event, which
    must be of ``case_id``."""
    sender = peer.scope
    try:
        check = check_receipt(receipt, trusted_log_vkeys=[peer.log_key],
                              trusted_witness_vkeys=list(peer.witness_keys))
    except LedgerError as exc:
        raise _refuse("federation.bad_proof", sender=sender, reason=str(exc)) from None
    if not check.ok:
        raise _refuse("federation.bad_proof", sender=sender, reason=check.reason or "—")
    try:
        event = json.loads(check.leaf).get("event", {})
    except (ValueError, AttributeError):
        event = {}
    event = event if isinstance(event, dict) else {}
    recorded = str(event.get("case_id", ""))
    if recorded != case_id:
        raise _refuse("federation.case_mismatch", case_id=case_id, found=recorded or "—")
    return check, event
