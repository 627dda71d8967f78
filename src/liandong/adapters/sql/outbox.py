"""The transactional outbox on SQL (``uow.outbox``): case events (the ``outbox`` table, a row per
case event) and instrument notices (``notification``) not yet delivered."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, select, update

from liandong.adapters.sql import tables as t
from liandong.domain.cases import events as ev
from liandong.services.ports import Notice, Outbox, StoredEvent


class SqlOutbox(Outbox):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def pending_events(self, limit: int = 1000) -> list[StoredEvent]:
        o, e = t.outbox, t.case_event
        q = (select(e.c.seq, e.c.payload).join(o, o.c.event_seq == e.c.seq)
             .where(o.c.delivered.is_(False)).order_by(e.c.seq).limit(limit))
        return [StoredEvent(seq, ev.from_payload(json.loads(p))) for seq, p in self.conn.execute(q)]

    def mark_events_delivered(self, seqs: Sequence[int]) -> None:
        if seqs:
            self.conn.execute(update(t.outbox).where(t.outbox.c.event_seq.in_(list(seqs)))
                              .values(delivered=True))

    def pending_notices(self, limit: int = 1000) -> list[tuple[int, Notice]]:
        n = t.notification
        q = (select(n.c.seq, n.c.department_code, n.c.subject_id, n.c.event_type, n.c.created_at)
             .where(n.c.delivered.is_(False)).order_by(n.c.seq).limit(limit))
        return [(row[0], Notice(*row[1:])) for row in self.conn.execute(q)]

    def mark_notices_delivered(self, seqs: Sequence[int]) -> None:
        if seqs:
            n = t.notification
            self.conn.execute(update(n).where(n.c.seq.in_(list(seqs))).values(delivered=True))
