"""Cases on SQL: the event stream is the record; one row per case carries what inboxes sort by.

The command path (load, save) uses prepared driver-level SQL and a per-process cache of event
streams checked against the stored version, because it runs for every command; queries that
run less often use SQLAlchemy Core.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.streams import SqlStreams
from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.errors import DomainError
from liandong.services.ports import (
    CaseRepository,
    CaseSummary,
    ReportRow,
    StoredEvent,
    prefix_end,
    scope_prefix,
)

TEAM_EVENTS = (ev.CaseRouted, ev.MemberJoined, ev.LeadChanged, ev.CaseDispatched, ev.ReturnDecided,
               ev.CaseRedispatched, ev.CaseEscalated, ev.SummonsAnswered, ev.CaseReopened,
               ev.SupervisionStarted)

_SQL = {
    "version": "SELECT version FROM case_record WHERE id = :id",
    "events_after": "SELECT payload FROM case_event WHERE case_id = :id AND case_version > :v "
                    "ORDER BY case_version",
    "insert_case": "INSERT INTO case_record (id, version, state, matter, severity, owner_code, lead_code, "
                   "received_at, due_at, is_open, idempotency_key, public_consent) VALUES (:id, :version, "
                   ":state, :matter, :severity, :owner_code, :lead_code, :received_at, :due_at, :is_open, "
                   ":key, :public_consent)",
    "update_case": "UPDATE case_record SET version = :version, state = :state, owner_code = :owner_code, "
                   "lead_code = :lead_code, due_at = :due_at, is_open = :is_open, matter = :matter, "
                   "severity = :severity "
                   "WHERE id = :id AND version = :expected",
    "insert_event": "INSERT INTO case_event (case_id, case_version, type, at, actor, payload) "
                    "VALUES (:case_id, :case_version, :type, :at, :actor, :payload) RETURNING seq",
    "insert_outbox": "INSERT INTO outbox (event_seq, delivered) VALUES (:seq, :delivered)",
    "insert_salt": "INSERT INTO case_salt (case_id, salt) VALUES (:id, :salt)",
    "insert_tracking": "INSERT INTO tracking_code (code_hash, case_id) VALUES (:code, :id)",
    "salt": "SELECT salt FROM case_salt WHERE case_id = :id",
    "insert_place": "INSERT INTO case_place (case_id, unit_code) VALUES (:id, :code) ON CONFLICT DO NOTHING",
    "delete_members": "DELETE FROM case_member WHERE case_id = :id",
    "insert_member": "INSERT INTO case_member (case_id, department_code, role) VALUES (:id, :dep, :role)",
}
_PG = {name: re.sub(r":(\w+)", r"%(\1)s", sql) for name, sql in _SQL.items()}


def dumps(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _source(payload: str | None) -> str:
    """来源 of a case from the stored payload of its report ('' if there is none)."""
    if payload is None:
        return ""
    return str(json.loads(payload).get("source", ""))


def _received(since: datetime, until: datetime, scope: str | None) -> ColumnElement[bool]:
    """``case_record`` rows received in [since, until) with a place under ``scope``: the case ids
    come from one range scan of ``ix_case_place_unit`` (the scope's code prefix)."""
    c, p = t.case_record, t.case_place
    window = (c.c.received_at >= since) & (c.c.received_at < until)
    prefix = scope_prefix(scope) if scope is not None else ""
    if not prefix:
        return window
    end = prefix_end(prefix)
    places = select(p.c.case_id).where(p.c.unit_code >= prefix)
    if end is not None:
        places = places.where(p.c.unit_code < end)
    return window & c.c.id.in_(places)


class StreamCache:
    """Committed event streams of recently used cases, per process (bounded, thread-safe)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[ev.Event, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, case_id: str) -> tuple[ev.Event, ...]:
        with self._lock:
            found = self._items.get(case_id)
            if found is not None:
                self._items.move_to_end(case_id)
            return found or ()

    def put(self, case_id: str, stream: tuple[ev.Event, ...]) -> None:
        with self._lock:
            current = self._items.get(case_id, ())
            if len(stream) >= len(current):
                self._items[case_id] = stream
                self._items.move_to_end(case_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def drop(self, case_id: str) -> None:
        with self._lock:
            self._items.pop(case_id, None)


class SqlCaseRepository(SqlStreams[Case, ev.Event], CaseRepository):
    aggregate = Case

    def __init__(self, conn: Connection, cache: StreamCache | None = None) -> None:
        self.conn = conn
        self.cache = cache or StreamCache(0)
        self.sqlite = conn.dialect.name == "sqlite"
        self.sql = _SQL if self.sqlite else _PG
        self._integrity = (IntegrityError, conn.dialect.dbapi.IntegrityError)
        self.staged: dict[str, tuple[ev.Event, ...]] = {}  # streams to cache after commit
        self._cursor: Any = None

    def raw(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        """Run SQL on the driver's cursor, inside the unit of work's transaction."""
        if not self.conn.in_transaction():
            self.conn.begin()
        if self._cursor is None:
            self._cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        self._cursor.execute(sql, params or {})
        return self._cursor

    def _exec(self, name: str, params: dict[str, Any]) -> Any:
        return self.raw(self.sql[name], params)

    def _time(self, moment: datetime | None) -> Any:
        if moment is None or not self.sqlite:
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def _stream(self, case_id: str) -> tuple[ev.Event, ...]:
        row = self._exec("version", {"id": case_id}).fetchone()
        if row is None:
            return ()
        version = row[0]
        cached = self.cache.get(case_id)
        if len(cached) > version:
            cached = ()
        if len(cached) < version:
            rows = self._exec("events_after", {"id": case_id, "v": len(cached)}).fetchall()
            cached = cached + tuple(ev.from_payload(json.loads(p)) for (p,) in rows)
            self.cache.put(case_id, cached)
        return cached

    def events(self, case_id: str) -> list[ev.Event]:
        return list(self._stream(case_id))

    def _insert_row(self, case: Case) -> None:
        r = case.record
        self._exec("insert_case", {**self._row(case), "received_at": self._time(r.received_at),
                                   "key": r.idempotency_key or None, "public_consent": r.public_consent})

    def _update_row(self, case: Case, expected: int) -> bool:
        return bool(self._exec("update_case", {**self._row(case), "expected": expected}).rowcount == 1)

    def _row(self, case: Case) -> dict[str, Any]:
        r = case.record
        return {"id": r.id, "version": r.version, "state": r.state.value, "owner_code": r.owner or None,
                "lead_code": r.lead or None, "due_at": self._time(r.due), "is_open": r.state.is_open,
                "matter": r.matter, "severity": r.severity}

    def _insert_event(self, case: Case, version: int, event: ev.Event, payload: dict[str, Any]) -> int:
        seq = int(self._exec("insert_event", {
            "case_id": case.id, "case_version": version, "type": type(event).__name__,
            "at": self._time(event.at), "actor": event.actor, "payload": dumps(payload)}).fetchone()[0])
        self._exec("insert_outbox", {"seq": seq, "delivered": False})
        return seq

    def save(self, case: Case) -> list[StoredEvent]:
        expected, stored = self.append(case)
        r, pending = case.record, [s.event for s in stored]
        if expected == 0 or any(isinstance(e, ev.ScopeWidened) for e in pending):
            for code in r.affected:  # the places of the report, and any added since
                self._exec("insert_place", {"id": r.id, "code": code})
        if expected == 0 or any(isinstance(e, TEAM_EVENTS) for e in pending):
            if expected:  # a new case has no members to replace
                self._exec("delete_members", {"id": r.id})
            for code, m in r.team.items():
                if m.active:
                    self._exec("insert_member", {"id": r.id, "dep": code, "role": m.role.value})
        base = self.cache.get(r.id) if expected else ()
        if len(base) == expected:
            self.staged[r.id] = base + tuple(pending)
        return stored

    def committed(self) -> None:
        for case_id, stream in self.staged.items():
            self.cache.put(case_id, stream)
        self.staged.clear()

    def rolled_back(self) -> None:
        self.staged.clear()

    def by_idempotency_key(self, key: str) -> str | None:
        c = t.case_record
        return self.conn.execute(select(c.c.id).where(c.c.idempotency_key == key)).scalar()

    def inbox(self, department: str, *, open_only: bool = True, limit: int = 200) -> list[CaseSummary]:
        """The source (来源) is read from each case's first event, the report, rather than copied
        into a column: version 1 of a stream is always its ``CaseReported``."""
        c, m, e = t.case_record, t.case_member, t.case_event
        q = (select(c, m.c.role, e.c.payload).join(m, m.c.case_id == c.c.id)
             .outerjoin(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
             .where(m.c.department_code == department))
        if open_only:
            q = q.where(c.c.is_open.is_(True))
        q = q.order_by(c.c.due_at.is_(None), c.c.due_at, c.c.received_at, c.c.id).limit(limit)
        return [CaseSummary(row.id, row.version, row.state, row.matter, row.severity,
                            row.owner_code or "", row.lead_code or "", row.role, row.received_at,
                            row.due_at, _source(row.payload)) for row in self.conn.execute(q)]

    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        c = t.case_record
        q = (select(c.c.id).where(c.c.is_open.is_(True), c.c.due_at < moment)
             .order_by(c.c.id).limit(limit))
        return list(self.conn.execute(q).scalars())

    def add_tracking(self, code_hash: str, case_id: str) -> None:
        self._exec("insert_tracking", {"code": code_hash, "id": case_id})

    def case_for_tracking(self, code_hash: str) -> str | None:
        k = t.tracking_code
        found: str | None = self.conn.execute(select(k.c.case_id).where(k.c.code_hash == code_hash)).scalar()
        return found

    def add_salt(self, case_id: str, salt: bytes) -> None:
        try:
            self._exec("insert_salt", {"id": case_id, "salt": salt})
        except self._integrity:
            raise DomainError("case.conflict", case_id=case_id, expected=0, actual=1) from None

    def salt(self, case_id: str) -> bytes | None:
        row = self._exec("salt", {"id": case_id}).fetchone()
        return None if row is None else bytes(row[0])

    def in_states(self, states: Sequence[str], limit: int = 2000) -> list[str]:
        c = t.case_record
        q = select(c.c.id).where(c.c.state.in_(list(states))).order_by(c.c.received_at, c.c.id).limit(limit)
        return list(self.conn.execute(q).scalars())

    def mark_read(self, case_id: str, department: str, version: int, at: datetime) -> None:
        r = t.case_read
        done = self.conn.execute(update(r).where(
            r.c.case_id == case_id, r.c.department_code == department, r.c.version < version
        ).values(version=version, read_at=at)).rowcount
        if not done and self.conn.execute(select(r.c.version).where(
                r.c.case_id == case_id, r.c.department_code == department)).first() is None:
            self.conn.execute(insert(r).values(case_id=case_id, department_code=department,
                                               version=version, read_at=at))

    def read_marks(self, case_id: str) -> dict[str, tuple[int, datetime]]:
        r = t.case_read
        rows = self.conn.execute(select(r.c.department_code, r.c.version, r.c.read_at)
                                 .where(r.c.case_id == case_id))
        return {row.department_code: (row.version, row.read_at) for row in rows}

    def recent_ids(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000, offset: int = 0, matters: Collection[str] | None = None,
                   exclude_matters: Collection[str] = (), is_open: bool | None = None) -> list[str]:
        c = t.case_record
        q = select(c.c.id)
        if since is not None:
            q = q.where(c.c.received_at >= since)
        if until is not None:
            q = q.where(c.c.received_at <= until)
        if matters is not None:
            q = q.where(c.c.matter.in_(list(matters)))
        if exclude_matters:
            q = q.where(c.c.matter.not_in(list(exclude_matters)))
        if is_open is not None:
            q = q.where(c.c.is_open.is_(is_open))
        q = q.order_by(c.c.received_at.desc(), c.c.id.desc()).offset(offset).limit(limit)
        return list(self.conn.execute(q).scalars())

    def versions_received(self, since: datetime, until: datetime, *,
                          scope: str | None = None) -> list[tuple[str, int]]:
        c = t.case_record
        q = (select(c.c.id, c.c.version).where(_received(since, until, scope))
             .order_by(c.c.received_at, c.c.id))
        return [(row.id, row.version) for row in self.conn.execute(q)]

    def reads_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                       ) -> dict[str, dict[str, tuple[int, datetime]]]:
        c, r = t.case_record, t.case_read
        reads: dict[str, dict[str, tuple[int, datetime]]] = {}
        for row in self.conn.execute(select(r.c.case_id, r.c.department_code, r.c.version, r.c.read_at)
                                     .join(c, c.c.id == r.c.case_id)
                                     .where(_received(since, until, scope))):
            reads.setdefault(row.case_id, {})[row.department_code] = (row.version, row.read_at)
        return reads

    def streams_of(self, case_ids: Sequence[str]) -> Iterator[tuple[str, list[ev.Event]]]:
        e = t.case_event
        ids = list(case_ids)
        for start in range(0, len(ids), 500):
            q = (select(e.c.case_id, e.c.payload).where(e.c.case_id.in_(ids[start:start + 500]))
                 .order_by(e.c.case_id, e.c.case_version))
            yield from self._grouped(self.conn.execute(q))

    @staticmethod
    def _grouped(rows: Iterable[Any]) -> Iterator[tuple[str, list[ev.Event]]]:
        current, events = "", list[ev.Event]()
        for case_id, payload in rows:
            if case_id != current:
                if events:
                    yield current, events
                current, events = case_id, []
            events.append(ev.from_payload(json.loads(payload)))
        if events:
            yield current, events

    def reports_received(self, since: datetime, until: datetime, *,
                         scope: str | None = None) -> list[ReportRow]:
        c, e = t.case_record, t.case_event
        window = _received(since, until, scope)
        rated: dict[str, str] = {}
        q = (select(e.c.case_id, e.c.payload).join(c, c.c.id == e.c.case_id)
             .where(window & (e.c.type == "CaseFollowedUp")).order_by(e.c.seq))
        for case_id, payload in self.conn.execute(q):
            rated[case_id] = json.loads(payload).get("rating", "")
        q = (select(c.c.id, c.c.received_at, c.c.matter, c.c.is_open, e.c.payload)
             .join(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
             .where(window).order_by(c.c.received_at, c.c.id))
        rows = []
        for case_id, received, matter, is_open, payload in self.conn.execute(q):
            p = json.loads(payload)
            rows.append(ReportRow(case_id, received, matter, p.get("matter", matter),
                                  tuple(p.get("affected", ())), p.get("description", ""),
                                  p.get("address", ""), bool(is_open), rated.get(case_id, "")))
        return rows

    def streams_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                         ) -> Iterator[tuple[str, list[ev.Event], dict[str, tuple[int, datetime]]]]:
        c, e = t.case_record, t.case_event
        reads = self.reads_received(since, until, scope=scope)
        q = (select(e.c.case_id, e.c.payload).join(c, c.c.id == e.c.case_id)
             .where(_received(since, until, scope))
             .order_by(c.c.received_at, e.c.case_id, e.c.case_version))
        for case_id, events in self._grouped(self.conn.execute(q).yield_per(20_000)):
            yield case_id, events, reads.get(case_id, {})

    def pending_outbox(self, limit: int = 1000) -> list[StoredEvent]:
        o, e = t.outbox, t.case_event
        q = (select(e.c.seq, e.c.payload).join(o, o.c.event_seq == e.c.seq)
             .where(o.c.delivered.is_(False)).order_by(e.c.seq).limit(limit))
        return [StoredEvent(seq, ev.from_payload(json.loads(p))) for seq, p in self.conn.execute(q)]

    def mark_delivered(self, seqs: Sequence[int]) -> None:
        if seqs:
            self.conn.execute(update(t.outbox).where(t.outbox.c.event_seq.in_(list(seqs)))
                              .values(delivered=True))
