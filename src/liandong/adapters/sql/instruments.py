"""Instruments in SQL: the command store (the event stream with optimistic locking on the row's
version, the resource pool, the notices queued) and the read side, where the parties table makes a
department's list one indexed query."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.duties import replace_duties
from liandong.adapters.sql.streams import SqlStreams
from liandong.domain.duties import instrument_duties
from liandong.domain.errors import DomainError
from liandong.domain.instruments import events as ev
from liandong.domain.instruments.instrument import Instrument
from liandong.services.ports import (
    InstrumentReads,
    InstrumentStore,
    InstrumentSummary,
    Notice,
    StoredInstrumentEvent,
)
from liandong.services.ports.aggregates import ReadsThroughStore


class SqlInstrumentStore(SqlStreams[Instrument, ev.InstrumentEvent], InstrumentStore):
    aggregate = Instrument

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def events(self, instrument_id: str) -> list[ev.InstrumentEvent]:
        e = t.instrument_event
        q = select(e.c.payload).where(e.c.instrument_id == instrument_id).order_by(e.c.version)
        return [ev.from_payload(json.loads(p)) for p in self.conn.execute(q).scalars()]

    def save(self, instrument: Instrument) -> list[StoredInstrumentEvent]:
        expected, stored = self.append(instrument)
        replace_duties(self.conn, instrument.id, instrument_duties(instrument.record), fresh=expected == 0)
        return stored

    def _insert_row(self, instrument: Instrument) -> None:
        r = instrument.record
        assert r.issued_at is not None
        self.conn.execute(insert(t.instrument).values(
            id=r.id, kind=r.kind.value, issuer=r.issuer, title=r.title[:200], issued_at=r.issued_at,
            version=r.version, state=r.state, due_at=r.due))
        parties = [{"instrument_id": r.id, "department_code": r.issuer, "role": "issuer"}]
        parties += [{"instrument_id": r.id, "department_code": a, "role": "addressee"}
                    for a in r.addressees if a != r.issuer]
        self.conn.execute(insert(t.instrument_party), parties)

    def _update_row(self, instrument: Instrument, expected: int) -> bool:
        r, i = instrument.record, t.instrument
        done = self.conn.execute(update(i).where((i.c.id == r.id) & (i.c.version == expected))
                                 .values(version=r.version, state=r.state, due_at=r.due))
        return bool(done.rowcount == 1)

    def _insert_event(self, instrument: Instrument, version: int, event: ev.InstrumentEvent,
                      payload: dict[str, Any]) -> int:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return int(self.conn.execute(insert(t.instrument_event).values(
            instrument_id=instrument.id, version=version, type=type(event).__name__, at=event.at,
            actor=event.actor, payload=text).returning(t.instrument_event.c.seq)).scalar_one())

    def open_ids(self) -> list[str]:
        i = t.instrument
        return list(self.conn.execute(select(i.c.id).where(i.c.state == "open").order_by(i.c.id)).scalars())

    def add_salt(self, instrument_id: str, salt: bytes) -> None:
        try:
            self.conn.execute(insert(t.instrument_salt).values(instrument_id=instrument_id, salt=salt))
        except IntegrityError:
            raise DomainError("instrument.conflict", id=instrument_id, expected=0, actual=1) from None

    def salt(self, instrument_id: str) -> bytes | None:
        s = t.instrument_salt
        row = self.conn.execute(select(s.c.salt).where(s.c.instrument_id == instrument_id)).first()
        return None if row is None else bytes(row[0])

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        h = t.resource_holding
        q = (select(h.c.item, h.c.quantity, h.c.unit).where(h.c.department_code == department)
             .order_by(h.c.item))
        return {row.item: (int(row.quantity), row.unit) for row in self.conn.execute(q)}

    def adjust_holding(self, department: str, item: str, unit: str, delta: int) -> int:
        h = t.resource_holding
        key = (h.c.department_code == department) & (h.c.item == item)
        row = self.conn.execute(select(h.c.quantity).where(key).with_for_update()).first()
        quantity = int(row.quantity) if row is not None else 0
        if quantity + delta < 0:
            raise DomainError("instrument.pool_short", department=department, item=item, have=quantity,
                              need=-delta)
        if row is None:
            self.conn.execute(insert(h).values(department_code=department, item=item, unit=unit,
                                               quantity=delta))
        else:
            self.conn.execute(update(h).where(key).values(quantity=quantity + delta))
        return quantity + delta

    def notify(self, notices: Sequence[Notice]) -> None:
        if notices:
            self.conn.execute(insert(t.notification), [
                {"department_code": n.department, "subject_id": n.subject_id, "event_type": n.event_type,
                 "created_at": n.at, "delivered": False} for n in notices])


class SqlInstrumentReads(ReadsThroughStore[Instrument, ev.InstrumentEvent], InstrumentReads):
    """The read side (``uow.instrument_reads``) over the same connection as the store."""

    def __init__(self, store: SqlInstrumentStore) -> None:
        super().__init__(store)
        self.store: SqlInstrumentStore = store
        self.conn = store.conn

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        return self.store.holdings(department)

    def of_department(self, department: str, *, open_only: bool = False) -> list[InstrumentSummary]:
        i, p = t.instrument, t.instrument_party
        q = (select(i.c.id, i.c.version, i.c.kind, i.c.title, i.c.issuer, i.c.state, p.c.role, i.c.issued_at,
                    i.c.due_at).join(p, p.c.instrument_id == i.c.id).where(p.c.department_code == department))
        if open_only:
            q = q.where(i.c.state == "open")
        q = q.order_by(i.c.issued_at.desc(), i.c.id.desc())
        return [InstrumentSummary(*row) for row in self.conn.execute(q)]

    def of_kind(self, kind: str) -> list[Instrument]:
        i = t.instrument
        ids = list(self.conn.execute(select(i.c.id).where(i.c.kind == kind).order_by(i.c.id)).scalars())
        return [found for found in (self.store.get(iid) for iid in ids) if found is not None]

    def notices(self, department: str, limit: int = 50) -> list[Notice]:
        n = t.notification
        q = (select(n.c.department_code, n.c.subject_id, n.c.event_type, n.c.created_at)
             .where(n.c.department_code == department).order_by(n.c.seq.desc()).limit(limit))
        return [Notice(*row) for row in self.conn.execute(q)]
