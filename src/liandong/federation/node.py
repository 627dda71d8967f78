"""联邦节点 (a federation node): one platform (its own database, ledger and keys) owning a scope, its
NATS fabric, and what crosses between nodes: hand-overs of cases that reach beyond the node.

- ``hand_over(case_id)``: the case's places give its scope (their lowest common ancestor); the node
  that owns that scope (the deepest node scope above it) and every node holding one of its places
  are its recipients. For each, in one transaction: a sealed envelope (``federation.envelope``), a
  ledger entry ``HandedOver`` in this node's log, the hand-over row and an outbox row.
- ``relay_once()``: the outbox published into this node's outgoing stream, under the hand-over id
  as ``Nats-Msg-Id``; marked delivered once the server acknowledged.
- ``receive_once()``: messages of the incoming stream, each handled in one transaction and
  acknowledged after its commit: a message id handled before changes nothing (a redelivery); an
  envelope that fails a check is refused and the reason kept; one whose hand-over was recorded under
  another message id is refused as a replay; else a ledger entry ``HandOverReceived`` records it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from liandong.adapters.nats_fabric import Delivery, FabricState, JetStreamFabric, Source, out_stream
from liandong.adapters.node_key import NodeKeyFiles
from liandong.adapters.sql.federation import HandOverRow, SqlFederationStore
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.federation import joint
from liandong.federation.config import NodeConfig
from liandong.federation.envelope import Opened, digest, handover_id, open_envelope, seal, sender_of
from liandong.federation.inbound import alarm_digest, handle_note, show_alarm
from liandong.federation.lead import lead_entry, lead_node
from liandong.federation.subjects import STREAM, ledger_subject, node_of, subject
from liandong.i18n.messages import explain
from liandong.ledger.merkle import inclusion_proof
from liandong.ledger.note import Signer
from liandong.ledger.receipt import make_receipt
from liandong.services.ports import Outbound, UnitOfWork

if TYPE_CHECKING:
    from liandong.bootstrap import Platform

log = logging.getLogger("liandong.federation")


def origin_of(scope: str) -> str:
    """The log origin of the node owning ``scope``."""
    return f"liandong.gov.cn/log/{scope}"


def route(hierarchy: HierarchyIndex, me: str, scopes: Sequence[str],
          places: Sequence[str]) -> tuple[str, list[str]]:
    """The case's scope (the LCA of its places) and the nodes it goes to besides ``me``: the owner of
    that scope and every node holding one of its places."""
    lca = hierarchy.lca(list(places)).code
    wanted = {node_of(hierarchy, scopes, lca), *(node_of(hierarchy, scopes, p) for p in places)}
    return lca, sorted(s for s in wanted if s is not None and s != me)


@dataclass
class ReceiveReport:
    recorded: int = 0
    refused: int = 0
    duplicates: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, other: ReceiveReport) -> None:
        self.recorded += other.recorded
        self.refused += other.refused
        self.duplicates += other.duplicates
        self.reasons += other.reasons


@dataclass(frozen=True)
class NodeStatus:
    scope: str
    sent: int
    received: int
    outbox_pending: int
    outcomes: dict[str, int]
    fabric: FabricState | None
    problem: str | None = None


class FederationNode:
    def __init__(self, config: NodeConfig, platform: Platform, fabric: JetStreamFabric,
                 signer: Signer | None = None) -> None:
        self.config, self.platform, self.fabric = config, platform, fabric
        self.signer = signer or NodeKeyFiles(config.data_dir).signer()
        if platform.engine is None:
            raise DomainError("federation.no_store")
        # the node's log names its scope (``open_node`` sets it before the ledger is first built)
        platform.ledger_origin = platform.ledger_origin or origin_of(config.scope)

    @property
    def me(self) -> str:
        return self.config.scope

    def _store(self, uow: UnitOfWork) -> SqlFederationStore:
        return SqlFederationStore(uow.connection)  # type: ignore[attr-defined]

    # -- set-up -----------------------------------------------------------------------------------
    def ensure_fabric(self) -> None:
        """This node's streams and receiver, its incoming stream sourcing every peer's outgoing one."""
        self.fabric.ensure(f"fed.out.{self.me}.>",
                           [Source(out_stream(p.scope), p.domain, f"fed.out.{p.scope}.{self.me}.>")
                            for p in self.config.peers])

    def public_keys(self) -> dict[str, str]:
        """What a peer configures to trust this node: its node key and its log key."""
        return {"node_key": self.signer.vkey, "log_key": self.platform.record().log_vkey()}

    # -- sending ----------------------------------------------------------------------------------
    def hand_over(self, case_id: str) -> list[str]:
        """Hand ``case_id`` over to every node it reaches; the ids of the hand-overs made now (none
        when each was made before). ``federation.local_case`` when it reaches no other node."""
        platform, now = self.platform, self.platform.clock.now()
        with platform.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise DomainError("case.unknown", case_id=case_id)
            entries = uow.ledger.entries_of_case(case_id)
            latest = uow.ledger.checkpoints()
        lca, recipients = route(platform.hierarchy, self.me, self.config.scopes, case.record.affected)
        lead = case.record.lead
        led = lead_node(platform.hierarchy, self.config.scopes, lead) if lead else None
        led_at = lead_entry(entries, lead) if led not in (None, self.me, *recipients) else None
        recipients += [led] if led is not None and led_at is not None else []  # 提级 (``federation.lead``)
        if not recipients:
            raise DomainError("federation.local_case", case_id=case_id, scope=lca, me=self.me)
        if not entries:
            raise DomainError("case.unknown", case_id=case_id)
        index, _ = entries[0]  # the originating event (the report)
        if not latest or latest[-1][0] <= max(index, led_at or 0) or self.unwitnessed(latest[-1][2]):
            platform.record().checkpoint()
        made: list[str] = []
        ledger = platform.ledger
        with platform.uow() as uow:
            store = self._store(uow)
            size, _, note = uow.ledger.checkpoints()[-1]
            missing = self.unwitnessed(note)
            if missing:  # a peer witness was away: the receivers would refuse it; the sweep tries again
                raise DomainError("federation.not_witnessed", case_id=case_id, size=str(size),
                                  witnesses=", ".join(missing))
            leaves, log_key = dict(uow.ledger.entries_of_case(case_id)), ledger.log_signer(uow, now).vkey

            def receipt_at(at: int, u: UnitOfWork = uow) -> bytes:
                proof = inclusion_proof(u.ledger.hashes, at, size, hash_new=ledger.suite.hash_new)
                return make_receipt(leaf=leaves[at], index=at, proof=proof, checkpoint=note, log_key=log_key)

            receipt = receipt_at(index)
            lead_receipt = None if led_at is None else receipt_at(led_at)
            for to in recipients:
                hid = handover_id(self.me, to, case_id, index)
                if store.handover(hid) is not None:
                    continue
                envelope = seal(self.signer, sender=self.me, to=to, case_id=case_id, scope=lca,
                                places=case.record.affected, receipt=receipt, index=index,
                                sent_at=now.isoformat(timespec="seconds"),
                                lead_receipt=lead_receipt if to == led else None)
                sealed = digest(envelope)
                at = ledger.record_other(uow, ledger_subject(hid), STREAM, {
                    "type": "HandedOver", "handover": hid, "case_id": case_id, "to": to, "scope": lca,
                    "origin_index": index, "checkpoint_size": size, "digest": sealed,
                    "at": now.isoformat()}, now)
                store.add_handover(HandOverRow(hid, "out", to, case_id, lca, index, at, sealed, envelope,
                                               now))
                store.add_outbox(hid, subject(self.me, to), envelope, now)
                made.append(hid)
            uow.commit()
        return made

    def sweep(self, limit: int = 500) -> list[str]:
        """Hand over every case whose places reach beyond this node and that was not handed over
        yet (the loop of ``liandong federation run``); the hand-overs made. A case within a
        province that has no node stays here."""
        from liandong.services.ports.cases import scope_prefix

        with self.platform.uow() as uow:
            store, prefix = self._store(uow), scope_prefix(self.me)
            found = store.not_handed_over(prefix, limit)
            led = store.led_elsewhere(prefix, limit) if prefix else {}  # 提级: led at another node
        made: list[str] = []
        for case_id, places in {**found, **led}.items():
            if case_id in led or route(self.platform.hierarchy, self.me, self.config.scopes, places)[1]:
                try:
                    made += self.hand_over(case_id)
                except DomainError as exc:
                    if exc.code == "federation.local_case":  # led at a scope without a node: stays here
                        continue
                    if exc.code != "federation.not_witnessed":
                        raise
                    log.warning("federation: %s waits to hand over %s: %s", self.me, case_id,
                                explain(exc, "en"))
        joint.share_status(self, limit)  # the status of the cases handed over, when it moved
        return made

    def unwitnessed(self, note: str) -> list[str]:
        """The witnesses of this node's ledger (its peers', over the fabric) whose cosignature ``note``
        lacks."""
        from liandong.ledger.errors import LedgerError
        from liandong.ledger.note import Verifier, parse_note, verify_note

        parsed, missing = parse_note(note), []
        for cosigner in self.platform.ledger.cosigners:
            try:
                ok = bool(verify_note(parsed, [Verifier.from_vkey(cosigner.vkey)]))
            except LedgerError:
                ok = False
            if not ok:
                missing.append(cosigner.name)
        return missing

    def relay_once(self, batch: int = 256) -> int:
        """Publish what the outbox holds; 0 when the node's NATS server cannot be reached (it waits)."""
        sent = 0
        while True:
            with self.platform.uow() as uow:
                pending = self._store(uow).pending(batch)
            if not pending:
                return sent
            try:
                self.fabric.publish([Outbound(s, m, p) for m, s, p in pending])
            except (DomainError, TimeoutError, OSError) as exc:
                log.warning("federation relay of %s: %s", self.me, exc)
                return sent
            with self.platform.uow() as uow:
                self._store(uow).mark_delivered([m for m, _, _ in pending])
                uow.commit()
            sent += len(pending)

    # -- receiving --------------------------------------------------------------------------------
    def handle(self, delivery: Delivery) -> ReceiveReport:
        """One message, in one transaction (not acknowledged here)."""
        report = ReceiveReport()
        now = self.platform.clock.now()
        msg_id = delivery.msg_id or digest(delivery.data)
        ledger = self.platform.ledger  # built before the transaction: building it reads in one of its own
        with self.platform.uow() as uow:
            store = self._store(uow)
            if store.received(msg_id) is not None:
                report.duplicates += 1
                return report
            kind = delivery.subject.rsplit(".", 1)[-1]
            if kind != "handover":  # alarms, facts, reference data (``federation.inbound``); joint handling
                published: list[Any] = []
                code = (joint.handle(self, uow, kind, delivery.data, msg_id, now, published)
                        if kind in joint.KINDS else
                        handle_note(self.platform, self.me, self.config.peers, uow, kind, delivery.data,
                                    msg_id, now))
                report.recorded += code is None
                report.refused += code is not None
                report.reasons += [code] if code else []
                uow.commit()
                self.platform.bus().published(published)
                return report
            try:
                opened = open_envelope(delivery.data, me=self.me, peers=self.config.peers)
                self._check_route(opened)
                prior = store.handover(opened.id)
                if prior is not None:
                    raise DomainError("federation.replayed", handover=opened.id,
                                      first_at=prior.at.isoformat(timespec="seconds"))
            except DomainError as refusal:
                reason = f"{explain(refusal, 'zh')} / {explain(refusal, 'en')}"
                store.add_received(msg_id, sender_of(delivery.data) or "?", "refused", now,
                                   reason_code=refusal.code, reason=reason)
                log.warning("federation: %s refused message %s: %s", self.me, msg_id, reason)
                report.refused += 1
                report.reasons.append(refusal.code)
            else:
                at = ledger.record_other(uow, ledger_subject(opened.id), STREAM, {
                    "type": "HandOverReceived", "handover": opened.id, "case_id": opened.case_id,
                    "from": opened.sender, "scope": opened.scope, "origin": opened.origin,
                    "origin_index": opened.index, "checkpoint_size": opened.size, "digest": opened.digest,
                    "at": now.isoformat()}, now)
                store.add_handover(HandOverRow(opened.id, "in", opened.sender, opened.case_id, opened.scope,
                                               opened.index, at, opened.digest, delivery.data, now))
                store.add_received(msg_id, opened.sender, "recorded", now)
                report.recorded += 1
            uow.commit()
        return report

    def _check_route(self, opened: Opened) -> None:
        """The scope the envelope claims is its places' LCA, and this node is one the rules send it to."""
        hierarchy = self.platform.hierarchy
        try:
            scope, recipients = route(hierarchy, opened.sender, self.config.scopes, opened.places)
        except (DomainError, KeyError):
            scope, recipients = "—", []
        led = opened.lead and lead_node(hierarchy, self.config.scopes, opened.lead) == self.me
        if scope != opened.scope or (self.me not in recipients and not led):
            raise DomainError("federation.wrong_route", handover=opened.id, scope=opened.scope, found=scope,
                              me=self.me)

    def receive_once(self, batch: int = 64, wait: float = 1.0) -> ReceiveReport:
        """Handle what has arrived (waiting up to ``wait`` seconds for the first message)."""
        report = ReceiveReport()
        try:
            deliveries = self.fabric.fetch(batch, wait)
        except (DomainError, TimeoutError, OSError) as exc:  # the node's server is away: nothing now
            log.warning("federation receiver of %s: %s", self.me, exc)
            return report
        for delivery in deliveries:
            report.add(self.handle(delivery))
            try:
                self.fabric.ack(delivery)
            except Exception as exc:  # committed: a redelivery will find its message id
                log.warning("federation receiver of %s: ack of %s: %s", self.me, delivery.msg_id, exc)
        return report

    def close(self) -> None:
        """The fabric's connection and the database's."""
        self.fabric.close()
        self.platform.close()

    def raise_alarm(self, accused: str, size: int, status: int, detail: str, key: str) -> bool:
        """A fork alarm about ``accused``'s log seen by this node's witness: kept here, shown by the
        ledger alarm, and sent to every peer through the outbox. False when raised before."""
        from liandong.adapters.sql.federation_data import SqlFederationData
        from liandong.federation.notes import seal_note

        now = self.platform.clock.now()
        alarm_id = f"alarm-{self.me}-{accused}-{size}-{key}"
        ledger = self.platform.ledger  # built before the transaction
        with self.platform.uow() as uow:
            data = SqlFederationData(uow.connection)  # type: ignore[attr-defined]
            if not data.add_alarm(alarm_id, accused, self.me, size, detail, now):
                return False
            event = {"type": "ForkAlarmRaised", "alarm": alarm_id, "accused": accused, "size": size,
                     "status": status, "detail": detail, "at": now.isoformat()}
            sealed = alarm_digest(event)  # this node's ledger holds the alarm (decision 0056)
            data.alarm_entry(alarm_id, ledger.record_other(uow, ledger_subject(alarm_id), STREAM,
                                                           {**event, "digest": sealed}, now), sealed)
            store = self._store(uow)
            for peer in self.config.peers:
                note = seal_note(self.signer, "alarm", sender=self.me, to=peer.scope, accused=accused,
                                 detail=detail, size=size, status=status)
                store.add_outbox(f"{alarm_id}-{peer.scope}", subject(self.me, peer.scope, "alarm"), note, now)
            uow.commit()
        log.error("federation: fork alarm by %s about %s (size %s): %s", self.me, accused, size, detail)
        show_alarm(self.platform, self.me, accused, size, detail, now)
        return True

    def alarms(self) -> list[dict[str, object]]:
        from liandong.adapters.sql.federation_data import SqlFederationData

        with self.platform.uow() as uow:
            return SqlFederationData(uow.connection).alarms()  # type: ignore[attr-defined]

    # -- reading ----------------------------------------------------------------------------------
    def handovers(self, case_id: str | None = None) -> list[HandOverRow]:
        with self.platform.uow() as uow:
            return self._store(uow).handovers(case_id)

    def refusals(self) -> list[tuple[str, str, str, str]]:
        with self.platform.uow() as uow:
            return self._store(uow).refusals()

    def status(self) -> NodeStatus:
        with self.platform.uow() as uow:
            store = self._store(uow)
            rows = store.handovers()
            pending, outcomes = store.pending_count(), store.outcomes()
        fabric: FabricState | None = None
        problem: str | None = None
        try:
            fabric = self.fabric.state()
        except Exception as exc:  # the status says the fabric is unreachable instead of failing
            problem = str(exc) or type(exc).__name__
        sent = sum(r.direction == "out" for r in rows)
        return NodeStatus(self.me, sent, len(rows) - sent, pending, outcomes, fabric, problem)


def open_node(config: NodeConfig, *, clock: Any = None, ack_wait: float = 30.0) -> FederationNode:
    """The node of ``config``: its platform on its own database (``[node] database_url``, else the
    SQLite file of its data directory), its log named after its scope, and its fabric."""
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings

    settings = Settings(data_dir=config.data_dir, database_url=config.database_url or None)
    platform = bootstrap(settings, clock=clock)
    platform.ledger_origin = origin_of(config.scope)
    fabric = JetStreamFabric(config.nats_url, out_stream(config.scope), ack_wait=ack_wait)
    return FederationNode(config, platform, fabric)


def payload_of(row: HandOverRow) -> dict[str, Any]:
    """A hand-over row as plain data (the CLI's ``--json``)."""
    return {"handover": row.handover_id, "direction": row.direction, "peer": row.peer, "case_id": row.case_id,
            "scope": row.scope, "origin_index": row.origin_index, "ledger_index": row.ledger_index,
            "digest": row.digest, "at": row.at.isoformat()}
