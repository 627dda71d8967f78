"""Stores as an older schema left them: the cases of a memory store written into the SQL tables
(records and events only), for the migrations that derive new tables from stored events."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import dumps
from liandong.domain.cases import events as ev


def write_cases_as_stored(memory: MemoryUnitOfWork, engine: Engine) -> None:
    """Every case of ``memory`` as its record row and its events, in one transaction."""
    with engine.begin() as conn:
        for r in memory.cases.records.values():
            conn.execute(insert(t.case_record).values(
                id=r.id, version=r.version, state=r.state.value, matter=r.matter, severity=r.severity,
                owner_code=r.owner or None, lead_code=r.lead or None, received_at=r.received_at,
                due_at=r.due, is_open=r.state.is_open, idempotency_key=None))
            conn.execute(insert(t.case_event), [
                {"case_id": r.id, "case_version": n, "type": type(e).__name__, "at": e.at,
                 "actor": e.actor, "payload": dumps(ev.to_payload(e))}
                for n, e in enumerate(memory.cases.streams[r.id], 1)])
