"""Cases on SQL, the command store (``uow.cases``): the event stream is the record; one row per
case carries what inboxes sort by, kept here in the transaction of the events.

The command path (load, save) uses prepared driver-level SQL and a per-process cache of event
streams checked against the stored version, because it runs for every command; the reads of
``case_reads.py`` run less often and use SQLAlchemy Core. The rows a save adds beside the case's
row and events are written behind, outside the commands' savepoints (``adapters.sql.behind``).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import duties as duty_sql
from liandong.adapters.sql import facts as fact_sql
from liandong.adapters.sql import phones
from liandong.adapters.sql import read_sums as read_sql
from liandong.adapters.sql import sums as sum_sql
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.behind import Behind, statements
from liandong.adapters.sql.streams import SqlStreams
from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.numbers import is_number, number_day, number_prefix
from liandong.domain.duties import case_duties
from liandong.domain.errors import DomainError
from liandong.domain.nearby import SUPPORTABLE, spot_of
from liandong.services.ports import CaseStore, FactRow, StoredEvent

TEAM_EVENTS = (ev.CaseRouted, ev.MemberJoined, ev.LeadChanged, ev.CaseDispatched, ev.ReturnDecided,
               ev.CaseRedispatched, ev.CaseEscalated, ev.SummonsAnswered, ev.CaseReopened,
               ev.SupervisionStarted, ev.EscalationHeld, ev.RulingOverdue)
SPOT_EVENTS = (ev.CaseResolved, ev.CaseReopened, ev.CaseMerged, ev.CaseClosed, ev.MatterCorrected)
"""What changes a case's matter or whether it takes a "me too" (``domain.nearby.SUPPORTABLE``)."""

_SQL = {
    "version": "SELECT version FROM case_record WHERE id = :id",
    "events_after": "SELECT payload FROM case_event WHERE case_id = :id AND case_version > :v "
                    "ORDER BY case_version",
    "insert_case": "INSERT INTO case_record (id, version, state, matter, severity, owner_code, lead_code, "
                   "received_at, due_at, is_open, idempotency_key, public_consent, public_withheld) VALUES "
                   "(:id, :version, :state, :matter, :severity, :owner_code, :lead_code, :received_at, "
                   ":due_at, :is_open, :key, :public_consent, :public_withheld)",
    "update_case": "UPDATE case_record SET version = :version, state = :state, owner_code = :owner_code, "
                   "lead_code = :lead_code, due_at = :due_at, is_open = :is_open, matter = :matter, "
                   "severity = :severity, public_withheld = :public_withheld "
                   "WHERE id = :id AND version = :expected",
    "insert_event": "INSERT INTO case_event (case_id, case_version, type, at, actor, payload) "
                    "VALUES (:case_id, :case_version, :type, :at, :actor, :payload) RETURNING seq",
    "insert_outbox": "INSERT INTO outbox (event_seq, delivered) VALUES (:seq, :delivered)",
    "insert_salt": "INSERT INTO case_salt (case_id, salt) VALUES (:id, :salt)",
    "insert_tracking": "INSERT INTO tracking_code (code_hash, case_id) VALUES (:code, :id)",
    "insert_phone": "INSERT INTO reporter_phone (phone_hash, case_id) VALUES (:phone, :id)",
    "salt": "SELECT salt FROM case_salt WHERE case_id = :id",
    "insert_place": "INSERT INTO case_place (case_id, unit_code) VALUES (:id, :code) ON CONFLICT DO NOTHING",
    "insert_spot": "INSERT INTO case_spot (case_id, matter, place, lat_e6, lng_e6, open) "
                   "VALUES (:id, :matter, :place, :lat, :lng, :open)",
    "update_spot": "UPDATE case_spot SET matter = :matter, open = :open WHERE case_id = :id",
    "delete_members": "DELETE FROM case_member WHERE case_id = :id",
    "insert_member": "INSERT INTO case_member (case_id, department_code, role) VALUES (:id, :dep, :role)",
    "next_numbers": "INSERT INTO case_number_day (prefix, day, last) VALUES (:prefix, :day, :n) "
                    "ON CONFLICT (prefix, day) DO UPDATE SET last = case_number_day.last + excluded.last "
                    "RETURNING last",
    "insert_number": "INSERT INTO case_number (number, case_id) VALUES (:number, :id)",
    "number_of": "SELECT case_id FROM case_number WHERE number = :number",
    "by_key": "SELECT id FROM case_record WHERE idempotency_key = :key",
    "delete_duties": duty_sql.DELETE,
    "insert_duty": duty_sql.INSERT,
    "last_fact": fact_sql.LAST,
    "insert_fact": fact_sql.INSERT,
    **sum_sql.SQL,
}
BEHIND = frozenset({"insert_outbox", "insert_place", "insert_spot", "insert_member", "insert_duty",
                    "insert_fact", "sum_pend", "insert_tracking", "insert_phone", "number"})
"""The rows written behind (``adapters.sql.behind``): put, then written with ``executemany``."""
AFTER_BEHIND = frozenset({"update_spot", "delete_members", "delete_duties", "last_fact", "sum_rows",
                          "sum_unpend"})
"""What reads or changes the case's rows of the tables written behind: run once its rows are written."""
_TABLES_BEHIND = re.compile(r"\b(outbox|case_place|case_spot|case_member|duty|case_fact|case_pending"
                            r"|tracking_code|reporter_phone|case_number|case_salt)\b")
APART = frozenset(name for name, sql in _SQL.items() if not _TABLES_BEHIND.search(sql))
"""What names no table written behind (the case's row and events, the counters, the sums): run
with rows waiting. Any other statement (a number resolved, a salt read, one added later) runs once
every row waiting is written."""
_PG = {name: re.sub(r":(\w+)", r"%(\1)s", sql) for name, sql in _SQL.items()}


def _moment(value: Any) -> datetime:
    """A time as the driver gives it (SQLite: the store's text)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


_PAYLOAD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dumps(payload: dict[str, object]) -> str:
    """An event's payload as stored (``json.dumps`` with these options, its encoder made once)."""
    return _PAYLOAD.encode(payload)


class StreamCache:
    """Committed event streams of recently used cases, per process (bounded, thread-safe)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[ev.Event, ...]] = OrderedDict()
        # the last fact row's body and fair part
        self._facts: OrderedDict[str, tuple[int, str, str | None]] = OrderedDict()
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
            self._facts.pop(case_id, None)

    def fact(self, case_id: str, version: int) -> tuple[str, str | None] | None:
        """The body and fair part of a case's latest fact row if it is of ``version`` (else None:
        read it)."""
        with self._lock:
            found = self._facts.get(case_id)
            return (found[1], found[2]) if found is not None and found[0] == version else None

    def put_fact(self, case_id: str, version: int, body: str, fair: str | None) -> None:
        with self._lock:
            self._facts[case_id] = (version, body, fair)
            self._facts.move_to_end(case_id)
            while len(self._facts) > self.capacity:
                self._facts.popitem(last=False)


class SqlCaseStore(SqlStreams[Case, ev.Event], CaseStore):
    aggregate = Case

    def __init__(self, conn: Connection, cache: StreamCache | None = None) -> None:
        self.conn = conn
        self.cache = cache or StreamCache(0)
        self.sqlite = conn.dialect.name == "sqlite"
        self.sql = _SQL if self.sqlite else _PG
        self._integrity = (IntegrityError, conn.dialect.dbapi.IntegrityError)
        self.staged: dict[str, tuple[ev.Event, ...]] = {}  # streams to cache after commit
        self.staged_facts: dict[str, tuple[int, str, str | None]] = {}  # the fact rows written, by case
        self.staged_sums: list[Any] = []  # the sums' changes, written at the commit (``flush``)
        self.behind = Behind(self)  # the rows written behind (``adapters.sql.behind``)
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
        """A statement of ``_SQL`` by name: a row written behind (``BEHIND``; ``number``: a report's
        案件编号 asked for), or run now — once the rows waiting are written, unless it touches none
        of their tables (``APART``) or only the case's, which has none waiting (``AFTER_BEHIND``)."""
        behind = self.behind
        if name in BEHIND:
            behind.put(name, params.get("id", ""), params)
            return None
        if behind and name not in APART and (name not in AFTER_BEHIND or params["id"] in behind.cases):
            self.write_behind()
        return self.raw(self.sql[name], params)

    def write_behind(self) -> None:
        """Write the rows waiting, one ``executemany`` a statement."""
        todo = self.behind.take()
        if todo:
            cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            for name, rows in statements(todo, self._next_numbers).items():
                cursor.executemany(self.sql[name], rows)

    def _next_numbers(self, prefix: str, day: str, n: int) -> int:
        """The last of ``n`` sequence numbers taken from the day's counter of a city (案件编号)."""
        return int(self._exec("next_numbers", {"prefix": prefix, "day": day, "n": n}).fetchone()[0])

    def _time(self, moment: datetime | None) -> Any:
        if moment is None or not self.sqlite:
            return moment
        utc = moment.astimezone(UTC)
        if utc.year < 1000:
            return utc.strftime("%Y-%m-%d %H:%M:%S.%f")
        return utc.isoformat(" ", "microseconds")[:26]  # the same text, written faster

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
        return list(self._stream(self.resolve(case_id)))

    def get(self, case_id: str) -> Case | None:
        return super().get(self.resolve(case_id))

    def resolve(self, case_id: str) -> str:
        """The internal id of a case named by its id or its readable number (案件编号)."""
        if not is_number(case_id):
            return case_id
        row = self._exec("number_of", {"number": case_id}).fetchone()
        return str(row[0]) if row is not None else case_id

    def _insert_row(self, case: Case) -> None:
        r = case.record
        self._exec("insert_case", {**self._row(case), "received_at": self._time(r.received_at),
                                   "key": r.idempotency_key or None, "public_consent": r.public_consent})
        self.behind.fresh[r.id] = None

    def _update_row(self, case: Case, expected: int) -> bool:
        return bool(self._exec("update_case", {**self._row(case), "expected": expected}).rowcount == 1)

    def _row(self, case: Case) -> dict[str, Any]:
        r = case.record
        return {"id": r.id, "version": r.version, "state": r.state.value, "owner_code": r.owner or None,
                "lead_code": r.lead or None, "due_at": self._time(r.due), "is_open": r.state.is_open,
                "matter": r.matter, "severity": r.severity, "public_withheld": r.public_withheld}

    def _insert_event(self, case: Case, version: int, event: ev.Event, payload: dict[str, Any]) -> int:
        seq = int(self._exec("insert_event", {
            "case_id": case.id, "case_version": version, "type": type(event).__name__,
            "at": self._time(event.at), "actor": event.actor, "payload": dumps(payload)}).fetchone()[0])
        self._exec("insert_outbox", {"id": case.id, "seq": seq, "delivered": False})
        return seq

    def save(self, case: Case) -> list[StoredEvent]:
        expected, stored = self.append(case)
        r, pending = case.record, [s.event for s in stored]
        if expected == 0 and r.received_at is not None:  # 案件编号: the day's next at the case's city
            prefix, day = number_prefix(r.affected), number_day(r.received_at)
            self._exec("number", {"prefix": prefix, "day": day, "id": r.id})  # given when written
        if expected == 0 or any(isinstance(e, ev.ScopeWidened) for e in pending):
            for code in r.affected:  # the places of the report, and any added since
                self._exec("insert_place", {"id": r.id, "code": code})
        if expected == 0:  # 已有人反映？ where the case is, for the nearby query
            spot = spot_of(r)
            self._exec("insert_spot", {"id": r.id, "matter": spot.matter, "place": spot.place,
                                       "lat": spot.point.lat_e6 if spot.point else None,
                                       "lng": spot.point.lng_e6 if spot.point else None, "open": spot.open})
        elif any(isinstance(e, SPOT_EVENTS) for e in pending):
            self._exec("update_spot", {"id": r.id, "matter": r.matter, "open": r.state in SUPPORTABLE})
        if expected == 0 or any(isinstance(e, TEAM_EVENTS) for e in pending):
            if expected:  # a new case has no members to replace
                self._exec("delete_members", {"id": r.id})
            for code, m in r.team.items():
                if m.active:
                    self._exec("insert_member", {"id": r.id, "dep": code, "role": m.role.value})
        if expected:  # 待办: what waits on whom now, replaced with the events that changed it
            self._exec("delete_duties", {"id": r.id})
        duties = case_duties(r)
        for row in duty_sql.duty_rows(duties, self._time):
            self._exec("insert_duty", row)
        if pending:  # 事实表: the case's facts after these events, a new version of its row
            last = self.cache.fact(r.id, expected) if expected else None
            if expected and last is None:
                found = self._exec("last_fact", {"id": r.id}).fetchone()
                last = (found[0], found[1]) if found is not None else None
            body, fair = last if last is not None else (None, None)
            from liandong.assessment.fact_rows import row_of  # on the first save: `org show` never pays
            from liandong.assessment.viewers import with_viewers

            fact = with_viewers(row_of(r.id, body, r, pending, fair), r, duties)
            self._exec("insert_fact", fact_sql.params(fact, self._time))
            self.staged_facts[r.id] = (r.version, fact.body, fact.fair)
            sum_sql.on_save(self._exec, self._time, body, fact, _moment, self.staged_sums.append)
        base = self.cache.get(r.id) if expected else ()
        if len(base) == expected:
            self.staged[r.id] = base + tuple(pending)
        return stored

    def flush(self) -> None:
        """Write what waits for the commit: the rows written behind, then the sums' changes, merged,
        in key order."""
        if self.behind:
            self.write_behind()
        staged, self.staged_sums = self.staged_sums, []
        sum_sql.flush(self._exec, staged)

    def committed(self) -> None:
        for case_id, stream in self.staged.items():
            self.cache.put(case_id, stream)
        for case_id, (version, body, fair) in self.staged_facts.items():
            self.cache.put_fact(case_id, version, body, fair)
        self.staged.clear()
        self.staged_facts.clear()
        self.behind.clear()

    def rolled_back(self) -> None:
        self.staged.clear()
        self.staged_facts.clear()
        self.behind.clear()
        self.staged_sums.clear()

    def by_idempotency_key(self, key: str) -> str | None:
        row = self._exec("by_key", {"key": key}).fetchone()  # the case's row: nothing written behind
        return None if row is None else str(row[0])

    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        c = t.case_record
        q = (select(c.c.id).where(c.c.is_open.is_(True), c.c.due_at < moment)
             .order_by(c.c.id).limit(limit))
        return list(self.conn.execute(q).scalars())

    def rebuild_facts(self, rows_of: Callable[[str, Sequence[ev.Event]], Sequence[FactRow]]) -> int:
        if not self.conn.in_transaction():
            self.conn.begin()
        n = fact_sql.rebuild(self.conn, rows_of)
        sum_sql.rebuild(self.conn)
        return n

    def rebuild_phones(self, digest: Callable[[str], str]) -> int:
        if not self.conn.in_transaction():
            self.conn.begin()
        return phones.rebuild_by(self.conn, digest)

    def add_tracking(self, code_hash: str, case_id: str) -> None:
        self._exec("insert_tracking", {"code": code_hash, "id": case_id})

    def add_phone(self, phone_hash: str, case_id: str) -> None:
        self._exec("insert_phone", {"phone": phone_hash, "id": case_id})

    def add_salt(self, case_id: str, salt: bytes) -> None:
        b = self.behind
        if case_id in b.fresh:  # a case this transaction reported: its salt is written behind
            if case_id in b.salts:
                raise DomainError("case.conflict", case_id=case_id, expected=0, actual=1)
            b.salts[case_id] = salt
            b.put("insert_salt", case_id, {"id": case_id, "salt": salt})
            return
        try:
            self._exec("insert_salt", {"id": case_id, "salt": salt})
        except self._integrity:
            raise DomainError("case.conflict", case_id=case_id, expected=0, actual=1) from None

    def salt(self, case_id: str) -> bytes | None:
        if case_id in self.behind.fresh:  # reported in this transaction: no salt but the one put
            return self.behind.salts.get(case_id)
        row = self._exec("salt", {"id": case_id}).fetchone()
        return None if row is None else bytes(row[0])

    def mark_read(self, case_id: str, department: str, version: int, at: datetime) -> None:
        """The mark moves on only to a later version; the read-mark sums follow it (staged, as a
        save's). On PostgreSQL the case's record is locked first, as a save's update locks it: a
        mark and a save of the case never count each other's part twice, nor not at all."""
        r, c = t.case_read, t.case_record
        if not self.sqlite:
            self.conn.execute(select(c.c.id).where(c.c.id == case_id).with_for_update())
        old = self.conn.execute(select(r.c.version, r.c.read_at).where(
            r.c.case_id == case_id, r.c.department_code == department)).first()
        if old is not None and old.version >= version:
            return
        if old is None:
            self.conn.execute(insert(r).values(case_id=case_id, department_code=department,
                                               version=version, read_at=at))
        else:
            self.conn.execute(update(r).where(r.c.case_id == case_id, r.c.department_code == department)
                              .values(version=version, read_at=at))
        read_sql.on_mark(self._exec, _moment, case_id, department,
                         None if old is None else (int(old.version), _moment(old.read_at)), (version, at),
                         self.staged_sums.append)
