"""联合处置 (joint handling across nodes, decision 0053): a case handed over stays one case, held by its
**home** node (where it was reported); the others hold its shared status and send it commands.

- **The lead where the rules say so**: the routing of the home node decides the lead and the members
  (a Taihu case: the centre's 生态环境部 leads, the provinces' departments are co-present). The node
  owning the lead's unit (``lead_node``) is where the lead acts; a department acts at its own node.
- **Status and deadlines travel with the case**: ``share_status`` (in every sweep) finds the cases
  handed over from here whose version moved past the status last shared and queues a signed ``case``
  note (state, lead, lead node, active members, acknowledgement and handling deadlines, version) to
  every node the case went to, through the outbox; each keeps the latest version (``federation_case``),
  the home its own copy, so every node's copy shows the same state.
- **Commands forwarded to the home node**: ``issue`` runs a case command here when the case lives
  here, else ``forward``s it — in one transaction a ledger entry ``CommandForwarded``, the command row
  and a signed ``command`` note in the outbox, under the command id as message id. The home checks that
  the case was handed over to the sender and that the department acting belongs to the sender's node,
  then runs the command, its ledger entry ``CommandReceived`` (with the outcome), the row and an
  ``outcome`` note back — all in the receiver's one transaction, so a redelivery changes nothing.
"""

from __future__ import annotations

import dataclasses
import typing
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from liandong.adapters.sql.federation import SqlFederationStore
from liandong.adapters.sql.federation_joint import (
    CommandRow,
    SharedCase,
    SqlJointStore,
    duties_json,
    duties_of,
)
from liandong.domain.aggregate import DomainEvent
from liandong.domain.cases.command_base import COMMANDS
from liandong.domain.codec import decoder, encode, moment
from liandong.domain.declare import declaration
from liandong.domain.duties import case_duties
from liandong.domain.errors import DomainError
from liandong.federation.envelope import digest
from liandong.federation.notes import open_note, seal_note, sender_of_note
from liandong.federation.subjects import STREAM, ledger_subject, node_of, subject
from liandong.i18n.messages import explain
from liandong.services.ports import Stored, UnitOfWork

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.federation.config import NodeConfig
    from liandong.ledger.note import Signer


class FederationNode(Protocol):
    """What joint handling needs of a node (``federation.node.FederationNode``)."""

    config: NodeConfig
    platform: Platform
    signer: Signer

    @property
    def me(self) -> str: ...

KINDS = ("command", "outcome", "case")
"""The subjects ``fed.out.<from>.<to>.<kind>`` of joint handling."""


def unit_of(department: str) -> str:
    """``320213-eco_environment`` → ``320213``."""
    return department.rpartition("-")[0]


def _reason(exc: DomainError) -> str:
    return f"{explain(exc, 'zh')} / {explain(exc, 'en')}"


def _stores(uow: UnitOfWork) -> tuple[SqlJointStore, SqlFederationStore]:
    conn = uow.connection  # type: ignore[attr-defined]
    return SqlJointStore(conn), SqlFederationStore(conn)


# -- the shared status --------------------------------------------------------------------------------
def status_of(node: FederationNode, uow: UnitOfWork, case_id: str) -> SharedCase:
    """The case's status as this (home) node holds it."""
    case = uow.cases.get(case_id)
    if case is None:
        raise DomainError("case.unknown", case_id=case_id)
    r = case.record
    members = tuple(sorted((code, m.role.value) for code, m in r.team.items() if m.active))
    lead_node = node_of(node.platform.hierarchy, node.config.scopes, unit_of(r.lead)) if r.lead else None
    return SharedCase(case_id, node.me, r.state.value, r.lead, lead_node or "", members, r.ack_due, r.due,
                      case.version, r.matter, str(r.severity), uow.case_reads.number_of(case_id),
                      tuple(case_duties(r)))


def status_payload(shared: SharedCase) -> dict[str, Any]:
    return {"case_id": shared.case_id, "home": shared.home, "state": shared.state, "lead": shared.lead,
            "lead_node": shared.lead_node, "members": [list(m) for m in shared.members],
            "ack_due": encode(shared.ack_due), "due": encode(shared.due), "version": shared.version,
            "matter": shared.matter, "severity": shared.severity, "number": shared.number,
            "duties": duties_json(shared.duties)}


def share_status(node: FederationNode, limit: int = 500) -> int:
    """Queue the status of every case handed over from here that changed since it was last shared;
    the number of cases."""
    now = node.platform.clock.now()
    with node.platform.uow() as uow:
        joint, store = _stores(uow)
        stale = joint.stale(limit)
        for case_id, peers in stale.items():
            shared = status_of(node, uow, case_id)
            joint.put(shared, now)
            for to in peers:
                note = seal_note(node.signer, "case", sender=node.me, to=to, **status_payload(shared))
                msg_id = f"{node.me}-case-{case_id}-{shared.version}-{to}"
                store.add_outbox(msg_id, subject(node.me, to, "case"), note, now)
        uow.commit()
    return len(stale)


def shared(node: FederationNode, case_id: str | None = None) -> list[SharedCase]:
    """The shared cases this node knows (its inbox of other nodes' cases, and its own handed over)."""
    with node.platform.uow() as uow:
        joint = _stores(uow)[0]
        if case_id is None:
            return joint.shared()
        found = joint.get(case_id)
        return [] if found is None else [found]


def commands(node: FederationNode, case_id: str | None = None) -> list[CommandRow]:
    with node.platform.uow() as uow:
        return _stores(uow)[0].commands(case_id)


# -- issuing and forwarding ---------------------------------------------------------------------------
def issue(node: FederationNode, command: Any, key: str = "") -> str:
    """Run ``command`` here when its case lives here (""), else forward it to the case's home node (the
    command id)."""
    with node.platform.uow() as uow:
        here = uow.cases.get(command.case_id) is not None
    if here:
        node.platform.bus().handle(command)
        return ""
    return forward(node, command, key)


def forward(node: FederationNode, command: Any, key: str = "") -> str:
    """Queue ``command`` for the home node of its case; its id (``key`` makes it idempotent: the same key
    forwards once). Refused when the case is not shared with this node, or the department acting is not
    one of this node's."""
    slug = declaration(type(command)).slug
    case_id, by = str(command.case_id), str(command.by)
    hierarchy, now = node.platform.hierarchy, node.platform.clock.now()
    if node_of(hierarchy, node.config.scopes, unit_of(by)) != node.me:
        raise DomainError("federation.not_their_department", department=by, node=node.me)
    command_id = f"{node.me}-cmd-{key or uuid.uuid4().hex[:20]}"
    ledger = node.platform.ledger
    with node.platform.uow() as uow:
        joint, store = _stores(uow)
        if joint.command(command_id) is not None:
            return command_id
        home = joint.home_of(case_id)
        if home is None:
            raise DomainError("federation.case_not_shared", case_id=case_id, node=node.me)
        params = {f.name: encode(getattr(command, f.name)) for f in dataclasses.fields(command)}
        note = seal_note(node.signer, "command", sender=node.me, to=home, case_id=case_id, command=slug,
                         id=command_id, by=by, params=params)
        sealed = digest(note)
        at = ledger.record_other(uow, ledger_subject(command_id), STREAM, {
            "type": "CommandForwarded", "command": command_id, "case_id": case_id, "to": home, "name": slug,
            "by": by, "digest": sealed, "at": now.isoformat()}, now)
        joint.add_command(CommandRow(command_id, "out", home, case_id, slug, by, at, sealed, "pending", None,
                                     None, now, None))
        store.add_outbox(command_id, subject(node.me, home, "command"), note, now)
        uow.commit()
    return command_id


# -- receiving ----------------------------------------------------------------------------------------
def build_command(slug: object, params: object) -> Any:
    """The case command ``slug`` with ``params`` in their JSON form (as ``forward`` sends them);
    ``federation.bad_command`` naming what is wrong and the commands there are."""
    if not isinstance(slug, str) or slug not in COMMANDS:
        raise DomainError("federation.bad_command", command=str(slug)[:48], problem="unknown",
                          allowed=", ".join(COMMANDS.commands))
    if not isinstance(params, dict):
        raise DomainError("federation.bad_command", command=slug, problem="params", allowed="{name: value}")
    cls = COMMANDS[slug]
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(params) - set(hints))
    if unknown:
        raise DomainError("federation.bad_command", command=slug, problem=", ".join(map(str, unknown)),
                          allowed=", ".join(f.name for f in dataclasses.fields(cls)))
    try:
        return cls(**{name: decoder(hints[name])(value) for name, value in params.items()})
    except (TypeError, ValueError) as exc:
        raise DomainError("federation.bad_command", command=slug, problem=str(exc)[:200],
                          allowed=", ".join(f.name for f in dataclasses.fields(cls))) from None


def _command_of(body: dict[str, Any]) -> Any:
    """The command a ``command`` note carries."""
    command = build_command(body["command"], body["params"])
    if command.case_id != body["case_id"] or command.by != body["by"]:
        raise DomainError("federation.malformed", problem="'case_id' and 'by' must be the command's")
    return command


def handle(node: FederationNode, uow: UnitOfWork, kind: str, data: bytes, msg_id: str, now: datetime,
           published: list[Stored[DomainEvent]]) -> str | None:
    """One joint-handling message in ``uow``: None when recorded, else the code of the refusal (kept).
    The events of a command run here are added to ``published`` (the subscribers get them after the
    commit)."""
    joint, store = _stores(uow)
    try:
        body = open_note(data, kind, me=node.me, peers=node.config.peers)
        sender, case_id = str(body["from"]), str(body["case_id"])
        if kind == "command":
            published += _run(node, uow, body, data, msg_id, now)
        elif kind == "outcome":
            if body["outcome"] not in ("done", "refused"):
                raise DomainError("federation.malformed", problem="'outcome' must be done or refused")
            row = joint.command(str(body["id"]))
            if row is None or row.direction != "out" or row.peer != sender or row.case_id != case_id:
                raise DomainError("federation.unknown_command", id=str(body["id"])[:160], sender=sender)
            joint.answer(row.command_id, str(body["outcome"]), str(body["code"]) or None,
                         str(body["reason"]) or None, now)
        else:
            home = joint.home_of(case_id)
            if home != sender or body["home"] != sender:
                raise DomainError("federation.not_home", case_id=case_id, sender=sender, home=home or "—")
            joint.put(_shared_of(body), now)
    except DomainError as refusal:
        store.add_received(msg_id, sender_of_note(data) or "?", "refused", now, reason_code=refusal.code,
                           reason=_reason(refusal))
        return refusal.code
    store.add_received(msg_id, sender, "recorded", now)
    return None


def _shared_of(body: dict[str, Any]) -> SharedCase:
    try:
        members = tuple((str(a), str(b)) for a, b in body["members"])
        ack_due, due = (None if v is None else moment(v) for v in (body["ack_due"], body["due"]))
        if not isinstance(body["version"], int):
            raise ValueError("version")
        case_id = str(body["case_id"])
        return SharedCase(case_id, str(body["home"]), str(body["state"]), str(body["lead"]),
                          str(body["lead_node"]), members, ack_due, due, body["version"], str(body["matter"]),
                          str(body["severity"]), str(body["number"]), duties_of(case_id, body["duties"]))
    except (TypeError, ValueError) as exc:
        raise DomainError("federation.malformed", problem=f"case status: {exc}") from None


def _run(node: FederationNode, uow: UnitOfWork, body: dict[str, Any], data: bytes, msg_id: str,
         now: datetime) -> list[Stored[DomainEvent]]:
    """Run a forwarded command at this (home) node and queue its outcome for the sender."""
    joint, store = _stores(uow)
    sender, case_id, command_id, by = body["from"], body["case_id"], str(body["id"]), str(body["by"])
    if not command_id.startswith(f"{sender}-cmd-") or len(command_id) > 160:
        raise DomainError("federation.malformed", problem="'id' must be '<sender>-cmd-…'")
    prior = joint.command(command_id)
    if prior is not None:
        raise DomainError("federation.replayed", handover=command_id,
                          first_at=prior.at.isoformat(timespec="seconds"))
    if sender not in joint.sent_to(case_id):
        raise DomainError("federation.case_not_shared", case_id=case_id, node=sender)
    if node_of(node.platform.hierarchy, node.config.scopes, unit_of(by)) != sender:
        raise DomainError("federation.not_their_department", department=by, node=sender)
    command = _command_of(body)
    stored: list[Stored[DomainEvent]] = []
    outcome, code, reason = "done", "", ""
    try:
        stored = node.platform.bus().handle_within(uow, command)[1]
    except DomainError as exc:  # the command refused: the message is recorded, the outcome says why
        outcome, code, reason = "refused", exc.code, _reason(exc)
    sealed = digest(data)
    at = node.platform.ledger.record_other(uow, ledger_subject(command_id), STREAM, {
        "type": "CommandReceived", "command": command_id, "case_id": case_id, "from": sender,
        "name": body["command"], "by": by, "outcome": outcome, "reason_code": code, "digest": sealed,
        "at": now.isoformat()}, now)
    joint.add_command(CommandRow(command_id, "in", sender, case_id, str(body["command"]), by, at, sealed,
                                 outcome, code or None, reason or None, now, now))
    answer = seal_note(node.signer, "outcome", sender=node.me, to=sender, case_id=case_id, id=command_id,
                       outcome=outcome, code=code, reason=reason)
    store.add_outbox(f"{command_id}-outcome", subject(node.me, sender, "outcome"), answer, now)
    return stored
