"""Cases on SQL: the event stream is the record; one row per case carries what inboxes sort by."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import tables as t
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import Event, from_payload, to_payload
from liandong.domain.cases.record import replay
from liandong.domain.errors import DomainError
from liandong.services.ports import CaseRepository, CaseSummary, StoredEvent


def dumps(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class SqlCaseRepository(CaseRepository):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def events(self, case_id: str) -> list[Event]:
        e = t.case_event
        rows = self.conn.execute(select(e.c.payload).where(e.c.case_id == case_id)
                                 .order_by(e.c.case_version))
        return [from_payload(json.loads(p)) for (p,) in rows]

    def get(self, case_id: str) -> Case | None:
        events = self.events(case_id)
        return Case(replay(case_id, events)) if events else None

    def save(self, case: Case) -> list[StoredEvent]:
        r = case.record
        pending = case.pending
        expected = case.version - len(pending)
        row = {"version": r.version, "state": r.state.value, "matter": r.matter,
               "severity": r.severity, "owner_code": r.owner or None, "lead_code": r.lead or None,
               "due_at": r.due, "is_open": r.state.is_open}
        try:
            if expected == 0:
                assert r.received_at is not None
                self.conn.execute(insert(t.case_record).values(
                    id=r.id, received_at=r.received_at, idempotency_key=r.idempotency_key or None, **row))
            else:
                done = self.conn.execute(update(t.case_record).where(
                    t.case_record.c.id == r.id, t.case_record.c.version == expected).values(**row))
                if done.rowcount != 1:
                    raise DomainError("case.conflict", case_id=r.id, expected=expected, actual="?")
            rows = [{"case_id": r.id, "case_version": expected + i + 1, "type": type(e).__name__,
                     "at": e.at, "actor": e.actor, "payload": dumps(to_payload(e))}
                    for i, e in enumerate(pending)]
            seqs = list(self.conn.execute(insert(t.case_event).returning(
                t.case_event.c.seq, sort_by_parameter_order=True), rows).scalars())
        except IntegrityError:
            raise DomainError("case.conflict", case_id=r.id, expected=expected, actual="?") from None
        self.conn.execute(insert(t.outbox), [{"event_seq": s, "delivered": False} for s in seqs])
        self.conn.execute(delete(t.case_member).where(t.case_member.c.case_id == r.id))
        members = [{"case_id": r.id, "department_code": code, "role": m.role.value}
                   for code, m in r.team.items() if m.active]
        if members:
            self.conn.execute(insert(t.case_member), members)
        stored = [StoredEvent(s, e) for s, e in zip(seqs, pending, strict=True)]
        case.pending = []
        return stored

    def by_idempotency_key(self, key: str) -> str | None:
        c = t.case_record
        return self.conn.execute(select(c.c.id).where(c.c.idempotency_key == key)).scalar()

    def inbox(self, department: str, *, open_only: bool = True, limit: int = 200) -> list[CaseSummary]:
        c, m = t.case_record, t.case_member
        q = (select(c, m.c.role).join(m, m.c.case_id == c.c.id)
             .where(m.c.department_code == department))
        if open_only:
            q = q.where(c.c.is_open.is_(True))
        q = q.order_by(c.c.due_at.is_(None), c.c.due_at, c.c.received_at, c.c.id).limit(limit)
        return [CaseSummary(row.id, row.version, row.state, row.matter, row.severity,
                            row.owner_code or "", row.lead_code or "", row.role, row.received_at,
                            row.due_at) for row in self.conn.execute(q)]

    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        c = t.case_record
        q = (select(c.c.id).where(c.c.is_open.is_(True), c.c.due_at < moment)
             .order_by(c.c.id).limit(limit))
        return list(self.conn.execute(q).scalars())

    def pending_outbox(self, limit: int = 1000) -> list[StoredEvent]:
        o, e = t.outbox, t.case_event
        q = (select(e.c.seq, e.c.payload).join(o, o.c.event_seq == e.c.seq)
             .where(o.c.delivered.is_(False)).order_by(e.c.seq).limit(limit))
        return [StoredEvent(seq, from_payload(json.loads(p))) for seq, p in self.conn.execute(q)]

    def mark_delivered(self, seqs: Sequence[int]) -> None:
        if seqs:
            self.conn.execute(update(t.outbox).where(t.outbox.c.event_seq.in_(list(seqs)))
                              .values(delivered=True))
