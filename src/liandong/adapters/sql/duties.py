"""待办 on SQL: the duty rows of a case or an instrument replaced in the transaction of its events
(``domain.duties`` says what they are), and a department's inbox read as one range of
``ix_duty_department_order``, already in order of deadline."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from liandong.adapters.sql import tables as t
from liandong.domain.duties import CASE, INSTRUMENT, Duty, DutyKind
from liandong.services.ports.duties import DutyReads, WaitingRow

DELETE = "DELETE FROM duty WHERE subject_id = :id"
INSERT = ("INSERT INTO duty (subject_id, department_code, kind, ref, subject, since_at, due_at, order_at) "
          "VALUES (:id, :dep, :kind, :ref, :subject, :since, :due, :order)")


def duty_rows(duties: Sequence[Duty], time: Callable[[datetime | None], Any]) -> list[dict[str, Any]]:
    """The rows of ``duties`` as driver parameters (``time`` converts a moment for the driver)."""
    return [{"id": d.subject_id, "dep": d.department, "kind": d.kind.value, "ref": d.ref,
             "subject": d.subject, "since": time(d.since), "due": time(d.due), "order": time(d.order)}
            for d in duties]


def replace_duties(conn: Connection, subject_id: str, duties: Sequence[Duty], *, fresh: bool) -> None:
    """Replace a subject's duty rows on SQLAlchemy Core (the instruments' store)."""
    if not fresh:
        conn.execute(delete(t.duty).where(t.duty.c.subject_id == subject_id))
    if duties:
        conn.execute(insert(t.duty), [
            {"subject_id": d.subject_id, "department_code": d.department, "kind": d.kind.value,
             "ref": d.ref, "subject": d.subject, "since_at": d.since, "due_at": d.due,
             "order_at": d.order} for d in duties])


class SqlDutyReads(DutyReads):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def waiting_on(self, department: str, *, limit: int = 200, offset: int = 0,
                   kinds: Collection[DutyKind] = ()) -> list[WaitingRow]:
        """One range of ``ix_duty_department_order``; the case's row, its report (for 来源) and the
        instrument's row joined by key for the page of rows read."""
        d, c, e, i, n = t.duty, t.case_record, t.case_event, t.instrument, t.case_number
        q = (select(d.c.subject, d.c.subject_id, d.c.department_code, d.c.kind, d.c.since_at, d.c.due_at,
                    d.c.ref, c.c.state, c.c.matter, c.c.severity, c.c.received_at, e.c.payload,
                    i.c.state.label("i_state"), i.c.kind.label("i_kind"), i.c.title, i.c.issued_at,
                    n.c.number)
             .outerjoin(c, (d.c.subject == CASE) & (c.c.id == d.c.subject_id))
             .outerjoin(e, (d.c.subject == CASE) & (e.c.case_id == d.c.subject_id) & (e.c.case_version == 1))
             .outerjoin(i, (d.c.subject == INSTRUMENT) & (i.c.id == d.c.subject_id))
             .outerjoin(n, (d.c.subject == CASE) & (n.c.case_id == d.c.subject_id))
             .where(_mine(department, kinds))
             .order_by(d.c.order_at, d.c.subject_id, d.c.kind, d.c.ref).offset(offset).limit(limit))
        rows = []
        for r in self.conn.execute(q):
            duty = Duty(r.subject, r.subject_id, r.department_code, DutyKind(r.kind), r.since_at, r.due_at,
                        r.ref)
            if r.subject == CASE:
                source = str(json.loads(r.payload).get("source", "")) if r.payload else ""
                rows.append(WaitingRow(duty, r.state or "", r.matter or "", r.severity or "", "", source,
                                       r.received_at, r.number or ""))
            else:
                rows.append(WaitingRow(duty, r.i_state or "", r.i_kind or "", "", r.title or "", "",
                                       r.issued_at))
        return rows

    def count(self, department: str, *, kinds: Collection[DutyKind] = ()) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.duty)
                                     .where(_mine(department, kinds))).scalar_one())


def _mine(department: str, kinds: Collection[DutyKind]) -> ColumnElement[bool]:
    d = t.duty
    where = d.c.department_code == department
    return where & d.c.kind.in_([k.value for k in kinds]) if kinds else where
