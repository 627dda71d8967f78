"""The federation's rows (``tables_federation``) in the transaction of a unit of work: the outbox of
messages to other nodes, the message ids handled and the hand-overs both ways."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, exists, func, insert, select, update

from liandong.adapters.sql.tables import case_place, case_record
from liandong.adapters.sql.tables_federation import (
    federation_handover,
    federation_outbox,
    federation_received,
)


@dataclass(frozen=True)
class HandOverRow:
    handover_id: str
    direction: str
    peer: str
    case_id: str
    scope: str
    origin_index: int
    ledger_index: int
    digest: str
    envelope: bytes
    at: datetime


class SqlFederationStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the outbox -------------------------------------------------------------------------------
    def add_outbox(self, msg_id: str, subject: str, payload: bytes, at: datetime) -> None:
        self.conn.execute(insert(federation_outbox).values(msg_id=msg_id, subject=subject, payload=payload,
                                                           created_at=at, delivered=False))

    def pending(self, limit: int) -> list[tuple[str, str, bytes]]:
        t = federation_outbox
        rows = self.conn.execute(select(t.c.msg_id, t.c.subject, t.c.payload).where(t.c.delivered.is_(False))
                                 .order_by(t.c.created_at, t.c.msg_id).limit(limit))
        return [(r.msg_id, r.subject, bytes(r.payload)) for r in rows]

    def mark_delivered(self, msg_ids: Sequence[str]) -> None:
        if msg_ids:
            t = federation_outbox
            self.conn.execute(update(t).where(t.c.msg_id.in_(list(msg_ids))).values(delivered=True))

    def pending_count(self) -> int:
        t = federation_outbox
        return int(self.conn.execute(select(func.count()).where(t.c.delivered.is_(False))).scalar_one())

    # -- what was received ------------------------------------------------------------------------
    def received(self, msg_id: str) -> str | None:
        """The outcome of the message ``msg_id`` handled before (recorded | refused), or None."""
        t = federation_received
        return self.conn.execute(select(t.c.outcome).where(t.c.msg_id == msg_id)).scalar_one_or_none()

    def add_received(self, msg_id: str, sender: str, outcome: str, at: datetime, *,
                     reason_code: str | None = None, reason: str | None = None) -> None:
        self.conn.execute(insert(federation_received).values(
            msg_id=msg_id, sender=sender[:16], outcome=outcome, reason_code=reason_code, reason=reason,
            received_at=at))

    def refusals(self) -> list[tuple[str, str, str, str]]:
        """(message id, sender, reason code, reason) of every message refused, in order received."""
        t = federation_received
        rows = self.conn.execute(select(t.c.msg_id, t.c.sender, t.c.reason_code, t.c.reason)
                                 .where(t.c.outcome == "refused").order_by(t.c.received_at, t.c.msg_id))
        return [(r.msg_id, r.sender, r.reason_code or "", r.reason or "") for r in rows]

    def outcomes(self) -> dict[str, int]:
        t = federation_received
        rows = self.conn.execute(select(t.c.outcome, func.count()).group_by(t.c.outcome))
        return {outcome: int(n) for outcome, n in rows}

    # -- hand-overs -------------------------------------------------------------------------------
    def add_handover(self, row: HandOverRow) -> None:
        self.conn.execute(insert(federation_handover).values(**row.__dict__))

    def handover(self, handover_id: str) -> HandOverRow | None:
        t = federation_handover
        r = self.conn.execute(select(t).where(t.c.handover_id == handover_id)).first()
        return None if r is None else self._row(r)

    def handovers(self, case_id: str | None = None) -> list[HandOverRow]:
        t = federation_handover
        query = select(t).order_by(t.c.ledger_index)
        if case_id is not None:
            query = query.where(t.c.case_id == case_id)
        return [self._row(r) for r in self.conn.execute(query)]

    def not_handed_over(self, prefix: str, limit: int) -> dict[str, list[str]]:
        """Cases with a place outside the codes starting with ``prefix`` (every case: ``""``) that were
        handed over to no node yet, with all their places; at most ``limit`` cases."""
        p, h = case_place, federation_handover
        sent = exists().where(h.c.case_id == p.c.case_id, h.c.direction == "out")
        query = select(p.c.case_id).where(~sent)
        if prefix:
            query = query.where(~p.c.unit_code.startswith(prefix, autoescape=True))
        ids = list(self.conn.execute(query.distinct().order_by(p.c.case_id).limit(limit)).scalars())
        return self._places(ids)

    def led_elsewhere(self, prefix: str, limit: int) -> dict[str, list[str]]:
        """Cases whose places are all here (under ``prefix``) but whose lead department is not (提级 to
        the centre, or the centre's lead by the rules), handed over to no node yet, with their places."""
        r, h = case_record, federation_handover
        sent = exists().where(h.c.case_id == r.c.id, h.c.direction == "out")
        query = (select(r.c.id).where(r.c.lead_code.is_not(None), r.c.lead_code != "",
                                      ~r.c.lead_code.startswith(prefix, autoescape=True), ~sent)
                 .order_by(r.c.id).limit(limit))
        ids = list(self.conn.execute(query).scalars())
        return self._places(ids)

    def _places(self, ids: list[str]) -> dict[str, list[str]]:
        """Each case's places, in code order."""
        p = case_place
        places: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            rows = self.conn.execute(select(p.c.case_id, p.c.unit_code).where(p.c.case_id.in_(ids))
                                     .order_by(p.c.case_id, p.c.unit_code))
            for case_id, code in rows:
                places[case_id].append(code)
        return places

    @staticmethod
    def _row(r: object) -> HandOverRow:
        values = dict(r._mapping)  # type: ignore[attr-defined]
        values["envelope"] = bytes(values["envelope"])
        return HandOverRow(**values)
