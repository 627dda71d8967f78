"""The federation's joint handling in the transaction of a unit of work (``tables_federation``): each
shared case's status as its home node last sent it, and the commands forwarded to a case's home."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from liandong.adapters.sql.tables import case_record
from liandong.adapters.sql.tables_federation import federation_case, federation_command, federation_handover
from liandong.domain.codec import moment
from liandong.domain.duty_model import CASE, Duty, DutyKind


@dataclass(frozen=True)
class SharedCase:
    """A case's status as its home node shares it with the nodes it was handed over to."""

    case_id: str
    home: str
    state: str
    lead: str
    lead_node: str
    members: tuple[tuple[str, str], ...]
    ack_due: datetime | None
    due: datetime | None
    version: int
    matter: str = ""
    severity: str = ""
    number: str = ""  # 案件编号 at its home
    duties: tuple[Duty, ...] = ()  # who owes what by when, as the home computes it (``case_duties``)


def duties_json(duties: Sequence[Duty]) -> list[list[str | None]]:
    """``[[department, kind, since, due, ref], …]`` (times in ISO 8601)."""
    return [[d.department, d.kind.value, d.since.isoformat(), None if d.due is None else d.due.isoformat(),
             d.ref] for d in duties]


def duties_of(case_id: str, rows: object) -> tuple[Duty, ...]:
    """The duties of ``duties_json``; ValueError naming what is wrong."""
    if not isinstance(rows, list):
        raise ValueError("duties must be a list")
    found = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 5 or not all(isinstance(v, str) for v in row[:3]):
            raise ValueError("a duty must be [department, kind, since, due, ref]")
        department, kind, since, due, ref = row
        found.append(Duty(CASE, case_id, department, DutyKind(kind), moment(since),
                          None if due is None else moment(str(due)), str(ref)))
    return tuple(found)


@dataclass(frozen=True)
class CommandRow:
    command_id: str
    direction: str
    peer: str
    case_id: str
    command: str
    actor: str
    ledger_index: int
    digest: str
    outcome: str
    reason_code: str | None
    reason: str | None
    at: datetime
    answered_at: datetime | None


class SqlJointStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the shared status ------------------------------------------------------------------------
    def stale(self, limit: int) -> dict[str, list[str]]:
        """The cases handed over from here whose version moved past the status last shared, with the
        nodes they went to; at most ``limit`` cases."""
        h, c, s = federation_handover, case_record, federation_case
        query = (select(h.c.case_id).join(c, c.c.id == h.c.case_id)
                 .outerjoin(s, s.c.case_id == h.c.case_id)
                 .where(h.c.direction == "out", c.c.version > func.coalesce(s.c.version, -1))
                 .distinct().order_by(h.c.case_id).limit(limit))
        ids = list(self.conn.execute(query).scalars())
        found: dict[str, list[str]] = {i: [] for i in ids}
        if ids:
            rows = self.conn.execute(select(h.c.case_id, h.c.peer).where(h.c.direction == "out",
                                                                         h.c.case_id.in_(ids))
                                     .order_by(h.c.case_id, h.c.peer))
            for case_id, peer in rows:
                if peer not in found[case_id]:
                    found[case_id].append(peer)
        return found

    def put(self, shared: SharedCase, at: datetime) -> bool:
        """Keep ``shared`` unless a status of the same or a later version is held; whether kept."""
        held = self.get(shared.case_id)
        if held is not None and held.version >= shared.version:
            return False
        values = {**shared.__dict__, "members": json.dumps([list(m) for m in shared.members]),
                  "duties": json.dumps(duties_json(shared.duties)), "updated_at": at}
        t = federation_case
        if held is None:
            self.conn.execute(insert(t).values(**values))
        else:
            self.conn.execute(update(t).where(t.c.case_id == shared.case_id).values(**values))
        return True

    def get(self, case_id: str) -> SharedCase | None:
        t = federation_case
        r = self.conn.execute(select(t).where(t.c.case_id == case_id)).first()
        return None if r is None else self._shared(r)

    def shared(self) -> list[SharedCase]:
        t = federation_case
        return [self._shared(r) for r in self.conn.execute(select(t).order_by(t.c.case_id))]

    @staticmethod
    def _shared(r: Any) -> SharedCase:
        values = dict(r._mapping)
        values.pop("updated_at")
        values["members"] = tuple((str(a), str(b)) for a, b in json.loads(values["members"]))
        values["duties"] = duties_of(values["case_id"], json.loads(values["duties"]))
        return SharedCase(**values)

    def waiting_on(self, department: str) -> list[tuple[SharedCase, Duty]]:
        """The duties of ``department`` in the shared cases held at another node (not in this node's
        store), nearest deadline first."""
        t, c = federation_case, case_record
        query = (select(t).outerjoin(c, c.c.id == t.c.case_id)
                 .where(c.c.id.is_(None), t.c.duties.contains(json.dumps(department), autoescape=True)))
        found = [(shared, d) for shared in map(self._shared, self.conn.execute(query))
                 for d in shared.duties if d.department == department]
        return sorted(found, key=lambda pair: (pair[1].order, pair[0].case_id))

    def home_of(self, case_id: str) -> str | None:
        """The node this case was handed over from (its home), or None."""
        h = federation_handover
        return self.conn.execute(select(h.c.peer).where(h.c.case_id == case_id, h.c.direction == "in")
                                 .limit(1)).scalar_one_or_none()

    def sent_to(self, case_id: str) -> list[str]:
        h = federation_handover
        return sorted(set(self.conn.execute(select(h.c.peer).where(h.c.case_id == case_id,
                                                                   h.c.direction == "out")).scalars()))

    # -- forwarded commands -----------------------------------------------------------------------
    def add_command(self, row: CommandRow) -> None:
        self.conn.execute(insert(federation_command).values(**row.__dict__))

    def command(self, command_id: str) -> CommandRow | None:
        t = federation_command
        r = self.conn.execute(select(t).where(t.c.command_id == command_id)).first()
        return None if r is None else CommandRow(**dict(r._mapping))

    def commands(self, case_id: str | None = None) -> list[CommandRow]:
        t = federation_command
        query = select(t).order_by(t.c.ledger_index)
        if case_id is not None:
            query = query.where(t.c.case_id == case_id)
        return [CommandRow(**dict(r._mapping)) for r in self.conn.execute(query)]

    def answer(self, command_id: str, outcome: str, code: str | None, reason: str | None,
               at: datetime) -> None:
        t = federation_command
        self.conn.execute(update(t).where(t.c.command_id == command_id, t.c.direction == "out")
                          .values(outcome=outcome, reason_code=code, reason=reason, answered_at=at))

    def pending(self, ids: Sequence[str]) -> list[str]:
        t = federation_command
        return list(self.conn.execute(select(t.c.command_id).where(t.c.command_id.in_(list(ids)),
                                                                   t.c.outcome == "pending")).scalars())
