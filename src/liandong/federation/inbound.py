"""What a node does with the federation's messages other than hand-overs (decision 0050), each in the
receiver's transaction (``FederationNode.handle``), its message id kept so a redelivery changes
nothing:

- ``alarm``: a peer's witness saw a fork; kept in ``federation_alarm``, recorded in this node's ledger
  (``ForkAlarmReceived``, committing to the signed note: decision 0056) and shown by the ledger alarm;
- ``facts``: (the centre) a node's per-unit counts of a day, **replacing** what it sent for that day;
- ``reference``: (a province) the centre's reference-data versions; an older one than held is refused
  (``federation.reference_older``), one that differs from this node's own data is shown as a warning."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from liandong.adapters.sql.federation import SqlFederationStore
from liandong.adapters.sql.federation_data import SqlFederationData
from liandong.domain.errors import DomainError
from liandong.federation.envelope import digest
from liandong.federation.notes import open_note, sender_of_note
from liandong.federation.subjects import STREAM, ledger_subject
from liandong.i18n.messages import explain
from liandong.ledger.canonical import canonical_bytes
from liandong.services.ports import UnitOfWork

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.federation.config import Peer

log = logging.getLogger("liandong.federation")


def alarm_digest(event: dict[str, Any]) -> str:
    """What the ledger entry of an alarm raised here commits to: the SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def show_alarm(platform: Platform, raised_by: str, accused: str, size: int, detail: str,
               at: datetime) -> None:
    """The alarm on this node's dashboard: the ledger alarm shows the latest witness refusal."""
    if platform.refusals is None:
        return
    alarm = DomainError("federation.fork_alarm", raised_by=raised_by, accused=accused, size=str(size),
                        detail=detail[:300])
    platform.refusals.refused({"witness": f"node-{raised_by}", "url": f"fed.out.{raised_by}.*.alarm",
                               "size": str(size), "status": "422",
                               "reason": f"{explain(alarm, 'zh')} / {explain(alarm, 'en')}",
                               "at": at.isoformat(timespec="seconds")})


def _number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    try:
        return isinstance(value, str) and len(value) <= 32 and float(value) == float(value)
    except ValueError:
        return False


def _checked(body: dict[str, Any], kind: str) -> None:
    bad = None
    if kind == "alarm":
        if not (isinstance(body["accused"], str) and isinstance(body["detail"], str)
                and isinstance(body["size"], int) and isinstance(body["status"], int)):
            bad = "'accused', 'detail' a string, 'size', 'status' integers"
    elif kind == "facts":
        units = body["units"]
        if not (isinstance(body["day"], str) and len(body["day"]) == 10 and isinstance(units, dict)
                and all(isinstance(u, str) and isinstance(c, dict)
                        and all(isinstance(k, str) and _number(v) for k, v in c.items())
                        for u, c in units.items())):
            bad = "'day' YYYY-MM-DD, 'units' {unit: {count: number}}"
    elif kind == "reference":
        items = body["items"]
        if not (isinstance(items, dict) and all(
                isinstance(v, dict) and isinstance(v.get("serial"), int) and isinstance(v.get("digest"), str)
                for v in items.values())):
            bad = "'items' {kind: {serial: integer, digest: string}}"
    if bad:
        raise DomainError("federation.malformed", problem=bad)


def handle_note(platform: Platform, me: str, peers: Sequence[Peer], uow: UnitOfWork, kind: str, data: bytes,
                msg_id: str, now: datetime) -> str | None:
    """Handle one message in ``uow``: None when recorded, else the code of the refusal (kept)."""
    conn = uow.connection  # type: ignore[attr-defined]
    store, extra = SqlFederationStore(conn), SqlFederationData(conn)
    try:
        if kind not in ("alarm", "facts", "reference"):
            raise DomainError("federation.malformed", problem=f"unknown kind {kind!r}")
        body = open_note(data, kind, me=me, peers=peers)
        _checked(body, kind)
        sender = body["from"]
        if kind == "alarm":
            alarm_id = f"{sender}:{msg_id}"[:160]
            if extra.add_alarm(alarm_id, body["accused"], sender, body["size"], body["detail"], now):
                sealed = digest(data)  # the entry commits to the signed note received (decision 0056)
                entry = {"type": "ForkAlarmReceived", "alarm": alarm_id, "from": sender,
                         "accused": body["accused"], "size": body["size"], "digest": sealed,
                         "at": now.isoformat()}
                at = platform.ledger.record_other(uow, ledger_subject(alarm_id), STREAM, entry, now)
                extra.alarm_entry(alarm_id, at, sealed)
                log.error("federation: %s received a fork alarm from %s about %s", me, sender,
                          body["accused"])
                show_alarm(platform, sender, body["accused"], body["size"], body["detail"], now)
        elif kind == "facts":
            units = {u: {k: float(v) for k, v in c.items()} for u, c in body["units"].items()}
            extra.replace_facts(sender, body["day"], units, msg_id, now)
        else:
            held = extra.reference()
            for name, item in sorted(body["items"].items()):
                have = held.get(name)
                if have is not None and int(have.split(":", 1)[0]) > item["serial"]:
                    raise DomainError("federation.reference_older", kind=name, version=str(item["serial"]),
                                      held=have.split(":", 1)[0])
            for name, item in body["items"].items():
                extra.set_reference(name, f"{item['serial']}:{item['digest']}", sender, now)
    except DomainError as refusal:
        reason = f"{explain(refusal, 'zh')} / {explain(refusal, 'en')}"
        store.add_received(msg_id, sender_of_note(data) or "?", "refused", now, reason_code=refusal.code,
                           reason=reason)
        log.warning("federation: %s refused message %s: %s", me, msg_id, reason)
        return refusal.code
    store.add_received(msg_id, sender, "recorded", now)
    return None
