"""Signed federation messages other than hand-overs (decision 0050): a fork alarm, a node's daily
facts, the centre's reference data. Each is a C2SP signed note, header
``liandong.gov.cn/federation/<kind>/v1`` and one line of canonical JSON with ``from``, ``to``,
``kind`` and the kind's own fields, signed by the sender's node key (as the hand-over envelope)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from liandong.domain.errors import DomainError
from liandong.federation.config import Peer
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Signer, parse_note, verify_note

KINDS = {"alarm": ("accused", "detail", "size", "status"),
         "facts": ("day", "units"),
         "reference": ("items",),
         "command": ("by", "case_id", "command", "id", "params"),  # joint handling (``federation.joint``)
         "outcome": ("case_id", "code", "id", "outcome", "reason"),
         "case": ("ack_due", "case_id", "due", "duties", "home", "lead", "lead_node", "matter", "members",
                  "number", "severity", "state", "version")}
MAX_NOTE_BYTES = 4 << 20


def header(kind: str) -> str:
    return f"liandong.gov.cn/federation/{kind}/v1"


def seal_note(signer: Signer, kind: str, *, sender: str, to: str, **fields: Any) -> bytes:
    body = {"from": sender, "kind": kind, "to": to, **fields}
    text = f"{header(kind)}\n{canonical_bytes(body).decode('utf-8')}\n"
    return (text + "\n" + signer.sign(text).line()).encode("utf-8")


def open_note(data: bytes, kind: str, *, me: str, peers: Sequence[Peer]) -> dict[str, Any]:
    """The body of a ``kind`` note from a configured peer to ``me``, its node signature verified."""
    if len(data) > MAX_NOTE_BYTES:
        raise DomainError("federation.malformed", problem=f"larger than {MAX_NOTE_BYTES} bytes")
    try:
        note = parse_note(data)
    except LedgerError as exc:
        raise DomainError("federation.malformed", problem=f"not a signed note ({exc.code})") from None
    lines = note.text.split("\n")
    try:
        framed = len(lines) == 3 and lines[0] == header(kind) and lines[2] == ""
        body = json.loads(lines[1]) if framed else None
    except ValueError:
        body = None
    wanted = sorted(("from", "kind", "to", *KINDS[kind]))
    if not isinstance(body, dict) or sorted(body) != wanted or body["kind"] != kind:
        raise DomainError("federation.malformed",
                          problem=f"the text must be {header(kind)!r} and one JSON line of "
                                  f"{', '.join(wanted)}")
    peer = next((p for p in peers if p.scope == body["from"]), None)
    if peer is None:
        raise DomainError("federation.unknown_node", sender=str(body["from"]))
    if body["to"] != me:
        raise DomainError("federation.not_addressed", to=str(body["to"]), me=me)
    try:
        verified = verify_note(note, [peer.node_key])
    except LedgerError:
        verified = ()
    if not verified:
        raise DomainError("federation.bad_signature", sender=str(body["from"]))
    return body


def sender_of_note(data: bytes) -> str | None:
    try:
        body = json.loads(parse_note(data).text.split("\n")[1])
        return str(body["from"]) if isinstance(body, dict) else None
    except (LedgerError, ValueError, IndexError, KeyError):
        return None
