"""The bulk half of the volume generator (``bench/volume.py``): the SQL case store's own ``save``
run against an in-memory model of its tables, then the model's rows written in bulk.

``CaptureStore`` subclasses ``SqlCaseStore`` and overrides only where a statement goes: every
statement ``save`` issues (the case row, its events and outbox rows, 案件编号, places, the spot
of 已有人反映, members, duties, the fact rows of 事实表), the report's tracking code and phone
digest, and the notices the case registration writes after a save (``CaptureNotices``) are applied to ``Rows`` instead of the database, with the very parameters
the driver would get. ``Writer`` then sends those parameters to the database with ``executemany``
(SQLite, the same SQL text as the store's) or ``COPY`` (PostgreSQL, psycopg's copy), so a
bulk-loaded case is the row-for-row image of one written command by command (notices, written by
the instrument store with SQLAlchemy Core, are written so here too). Sequence numbers of events
and notices and the day's 案件编号 sequences are counted per chunk and rebased by the writer, so chunks
may be made anywhere (another process) and written in order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import _SQL, SqlCaseStore
from liandong.domain.cases.case import Case
from liandong.domain.cases.numbers import format_number
from liandong.domain.cases.rules import Rules
from liandong.domain.cases.states import CaseState
from liandong.services.ports import Notice, StoredEvent
from volume_sums import capture_sum, write_sums

EVENT_COLUMNS = ("seq", "case_id", "case_version", "type", "at", "actor", "payload")
CASE_COLUMNS = ("id", "version", "state", "matter", "severity", "owner_code", "lead_code", "received_at",
                "due_at", "is_open", "idempotency_key", "public_consent", "public_withheld")
DUTY_COLUMNS = ("subject_id", "department_code", "kind", "ref", "subject", "since_at", "due_at", "order_at")
SQLITE = {
    "case_record": _SQL["insert_case"],
    "case_event": "INSERT INTO case_event (seq, case_id, case_version, type, at, actor, payload) "
                  "VALUES (:seq, :case_id, :case_version, :type, :at, :actor, :payload)",
    "outbox": _SQL["insert_outbox"], "case_place": _SQL["insert_place"], "case_member": _SQL["insert_member"],
    "case_number": _SQL["insert_number"], "duty": _SQL["insert_duty"], "tracking_code": _SQL["insert_tracking"],
    "case_spot": _SQL["insert_spot"], "case_fact": _SQL["insert_fact"], "reporter_phone": _SQL["insert_phone"],
}
SPOT_KEYS = ("id", "matter", "place", "lat", "lng", "open")


class _Result:
    """What a cursor answers to the statements ``save`` reads back (a sequence, a row count)."""

    def __init__(self, row: tuple[Any, ...] | None = None, rowcount: int = 1,
                 rows: Iterable[tuple[Any, ...]] = ()) -> None:
        self.row, self.rowcount, self.rows = row, rowcount, rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.row

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self.rows)


@dataclass
class Rows:
    """The rows one chunk of cases adds to the store's tables, as driver parameters. ``seq`` and
    the number sequences are local to the chunk (from 1); ``Writer`` rebases them."""

    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    places: dict[tuple[str, str], None] = field(default_factory=dict)
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    numbers: list[tuple[str, str, str, int]] = field(default_factory=list)  # case, prefix, day, local
    duties: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tracking: list[dict[str, Any]] = field(default_factory=list)
    spots: dict[str, dict[str, Any]] = field(default_factory=dict)
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Each case's fact rows in the order saved (the last is what ``last_fact`` reads)."""
    phones: list[dict[str, Any]] = field(default_factory=list)
    sums: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    """The sums beside the fact rows (``adapters.sql.sums``), added up per key over the chunk."""
    sums_due: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    sums_now: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notices: list[dict[str, Any]] = field(default_factory=list)
    days: Counter[tuple[str, str]] = field(default_factory=Counter)
    streams: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    live: dict[str, Case] = field(default_factory=dict)
    """The case as its last command left it, handed out again while it matches its stream."""
    keys: dict[str, str] = field(default_factory=dict)
    open: dict[str, tuple[datetime | None, datetime | None, str]] = field(default_factory=dict)
    """Open cases: due, the first moment the escalation chain could fire (``wake``), state."""

    def clear(self) -> None:
        """Empty, for the next chunk (in place: the store holds this object)."""
        for f in fields(self):
            setattr(self, f.name, f.default_factory())  # type: ignore[misc]

    def take(self) -> Rows:
        """The rows for the writer (tables and day counters only), this object emptied."""
        out = Rows(cases=self.cases, events=self.events, outbox=self.outbox, places=self.places,
                   members=self.members, numbers=self.numbers, duties=self.duties, tracking=self.tracking,
                   spots=self.spots, facts=self.facts, phones=self.phones, notices=self.notices,
                   days=self.days, sums=self.sums, sums_due=self.sums_due, sums_now=self.sums_now, skipped=self.skipped,
                   pending=self.pending)
        self.clear()
        return out


def wake(case: Case, rules: Rules) -> datetime | None:
    """The earliest sweep at which ``chain.tick`` could fire on this case as it stands (an urge to
    sign for it, or the reminder before its deadline; every later step of the chain comes after
    the reminder's moment): sweeps before it would find nothing, so the generator skips them."""
    r = case.record
    if r.paused_at is not None or r.due is None or r.dispatched_at is None:
        return None
    span = max(r.due - r.dispatched_at, timedelta(hours=1))
    moment = r.due - span * rules.policy.chain(r.matter, r.severity).remind_before / 100
    return min(moment, r.ack_due) if r.ack_due is not None else moment


class CaptureStore(SqlCaseStore):
    """``SqlCaseStore`` whose statements land in ``rows`` (no transaction: a command that fails
    after writing would leave its rows, so a rollback with rows written fails loudly)."""

    def __init__(self, conn: Any, rows: Rows, rules: Rules) -> None:
        super().__init__(conn)
        self.rows, self.rules, self.dirty = rows, rules, False
        self._times: dict[datetime, Any] = {}

    def _stream(self, case_id: str) -> tuple[Any, ...]:
        return self.rows.streams.get(case_id, ())

    def _time(self, moment: datetime | None) -> Any:
        """The store's conversion, remembered: a case's deadlines are converted at every save."""
        if moment is None or not self.sqlite:
            return moment
        found = self._times.get(moment)
        if found is None:
            found = self._times[moment] = super()._time(moment)
            if len(self._times) > 200_000:
                self._times.clear()
        return found

    def get(self, case_id: str) -> Case | None:
        """The case, replayed once: later loads get the object the last command saved, unless a
        command changed it without saving (refused midway: events pending) — then replayed again."""
        found = self.rows.live.get(case_id)
        if found is not None and not found.pending and found.version == len(self._stream(case_id)):
            return found
        case = super().get(case_id)
        if case is not None:
            self.rows.live[case_id] = case
        return case

    def _exec(self, name: str, params: dict[str, Any]) -> Any:
        rows, self.dirty = self.rows, True
        if name == "insert_case":
            rows.cases[params["id"]] = {**{k: params.get(k) for k in CASE_COLUMNS},
                                        "idempotency_key": params["key"]}
            if params["key"]:
                rows.keys[params["key"]] = params["id"]
        elif name == "update_case":
            row = rows.cases[params["id"]]
            if row["version"] != params["expected"]:
                return _Result(rowcount=0)
            row.update({k: v for k, v in params.items() if k in CASE_COLUMNS})
        elif name == "insert_event":
            seq = len(rows.events) + 1
            rows.events.append({"seq": seq, **params})
            return _Result((seq,))
        elif name == "insert_outbox":
            rows.outbox.append(dict(params))
        elif name == "number":  # 案件编号 asked for: the chunk's next of the city's day
            key = (params["prefix"], params["day"])
            rows.days[key] += 1
            rows.numbers.append((params["id"], *key, rows.days[key]))
        elif name == "insert_place":
            rows.places[(params["id"], params["code"])] = None
        elif name == "delete_members":
            rows.members[params["id"]] = []
        elif name == "insert_member":
            rows.members.setdefault(params["id"], []).append(dict(params))
        elif name == "delete_duties":
            rows.duties[params["id"]] = []
        elif name == "insert_duty":
            rows.duties.setdefault(params["id"], []).append(dict(params))
        elif name == "insert_tracking":
            rows.tracking.append(dict(params))
        elif name == "insert_phone":
            rows.phones.append(dict(params))
        elif name == "insert_spot":
            rows.spots[params["id"]] = {k: params[k] for k in SPOT_KEYS}
        elif name == "update_spot":  # the case was reported in this chunk: its spot is here
            rows.spots[params["id"]].update(matter=params["matter"], open=params["open"])
        elif name == "last_fact":
            found = rows.facts.get(params["id"])
            return _Result((found[-1]["body"], found[-1]["fair"]) if found else None)
        elif name == "insert_fact":
            rows.facts.setdefault(params["id"], []).append(dict(params))
        elif name.startswith(("sum_", "read_")):
            return self._sum(name, params)
        elif name == "number_of":
            return _Result(None)  # ids here are never numbers: the generator names cases by id
        else:
            raise NotImplementedError(f"the volume generator does not capture {name}")
        return _Result()

    def _sum(self, name: str, params: dict[str, Any]) -> _Result:
        found = capture_sum(self.rows, name, params)
        return _Result(rows=found) if name in ("sum_rows", "read_marks") else _Result(found[0] if found else None)

    def save(self, case: Case) -> list[StoredEvent]:
        stored = super().save(case)
        r = case.record
        self.rows.streams[r.id] = self.rows.streams.get(r.id, ()) + tuple(s.event for s in stored)
        if r.state.is_open:
            self.rows.open[r.id] = (r.due, wake(case, self.rules), r.state.value)
        else:
            self.rows.open.pop(r.id, None)
        return stored

    def by_idempotency_key(self, key: str) -> str | None:
        return self.rows.keys.get(key)

    def due_for_check(self, now: datetime, horizon: timedelta) -> list[str]:
        """What ``MessageBus.sweep`` would check (open, due within ``horizon``; returned cases),
        less those on which the chain cannot fire yet (``wake``)."""
        until = now + horizon
        return sorted(i for i, (due, woken, state) in self.rows.open.items()
                      if state == CaseState.RETURNED.value
                      or (due is not None and due < until and woken is not None and woken <= now))

    def rolled_back(self) -> None:
        if self.dirty:
            raise RuntimeError("a command failed after writing: the bulk capture cannot roll it back")
        super().rolled_back()

    def committed(self) -> None:
        self.dirty = False
        super().committed()


class CaptureNotices:
    """``uow.instruments`` for the case commands: the notices to departments (a 留言's members, the
    departments summoned) that ``SqlInstrumentStore.notify`` would insert, kept in ``rows``
    (``seq`` local to the chunk, from 1, as the events')."""

    def __init__(self, store: CaptureStore) -> None:
        self.store = store

    def notify(self, notices: list[Notice]) -> None:
        rows = self.store.rows
        if notices:
            self.store.dirty = True
        for n in notices:
            rows.notices.append({"seq": len(rows.notices) + 1, "department_code": n.department,
                                 "subject_id": n.subject_id, "event_type": n.event_type, "created_at": n.at,
                                 "delivered": False})


class Writer:
    """Writes chunks of ``Rows`` into the store's tables in order, rebasing sequence numbers after
    what the store already holds; ``finish`` writes the day counters of 案件编号 and, on
    PostgreSQL, moves the event sequence past the rows written with explicit numbers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        with engine.connect() as conn:
            self.seq = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM case_event").scalar_one())
            self.notice = int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM notification").scalar_one())
            self.last: dict[tuple[str, str], int] = {
                (p, d): n for p, d, n in conn.exec_driver_sql("SELECT prefix, day, last FROM case_number_day")}
        self.touched: set[tuple[str, str]] = set()

    def write(self, rows: Rows) -> int:
        """Write one chunk in one transaction; the number of cases written."""
        base = self.seq
        events = [{**e, "seq": e["seq"] + base} for e in rows.events]
        outbox = [{"seq": o["seq"] + base, "delivered": o["delivered"]} for o in rows.outbox]
        numbers = []
        for case_id, prefix, day, local in rows.numbers:
            numbers.append({"number": format_number(prefix, day, self.last.get((prefix, day), 0) + local),
                            "id": case_id})
        tables = {
            "case_record": [{**c, "key": c["idempotency_key"]} for c in rows.cases.values()],
            "case_event": events, "outbox": outbox,
            "case_place": [{"id": i, "code": code} for i, code in rows.places],
            "case_member": [m for ms in rows.members.values() for m in ms],
            "case_number": numbers,
            "duty": [d for ds in rows.duties.values() for d in ds],
            "tracking_code": rows.tracking,
            "case_spot": list(rows.spots.values()),
            "case_fact": [f for fs in rows.facts.values() for f in fs],
            "reporter_phone": rows.phones,
        }
        with self.engine.begin() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            if self.sqlite:
                cur = raw.cursor()
                for table, params in tables.items():
                    if params:
                        cur.executemany(SQLITE[table], params)
            else:
                _copy(raw, tables)
            write_sums(raw, self.sqlite, rows)
            if rows.notices:  # the instrument store's own insert (Core, its column types)
                conn.execute(insert(t.notification), [{**n, "seq": n["seq"] + self.notice} for n in rows.notices])
        self.seq = base + len(rows.events)
        self.notice += len(rows.notices)
        for key, n in rows.days.items():
            self.last[key] = self.last.get(key, 0) + n
            self.touched.add(key)
        return len(rows.cases)

    def finish(self) -> None:
        days = [{"prefix": p, "day": d, "last": self.last[(p, d)]} for p, d in sorted(self.touched)]
        upsert = ("INSERT INTO case_number_day (prefix, day, last) VALUES (:prefix, :day, :last) "
                  "ON CONFLICT (prefix, day) DO UPDATE SET last = excluded.last")
        with self.engine.begin() as conn:
            if self.sqlite:
                conn.connection.dbapi_connection.cursor().executemany(upsert, days)  # type: ignore[union-attr]
            else:
                conn.connection.dbapi_connection.cursor().executemany(  # type: ignore[union-attr]
                    upsert.replace(":prefix", "%(prefix)s").replace(":day", "%(day)s")
                    .replace(":last", "%(last)s"), days)
                for table in ("case_event", "notification"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), "
                                         f"(SELECT coalesce(max(seq), 1) FROM {table}))")
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        self.touched.clear()


def _copy(raw: Any, tables: dict[str, list[dict[str, Any]]]) -> None:
    """PostgreSQL: each table's rows by ``COPY … FROM STDIN`` (psycopg's copy, binary-free text)."""
    columns: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # table columns, parameter names
        "case_record": (CASE_COLUMNS, ("id", "version", "state", "matter", "severity", "owner_code",
                                       "lead_code", "received_at", "due_at", "is_open", "key",
                                       "public_consent", "public_withheld")),
        "case_event": (EVENT_COLUMNS, EVENT_COLUMNS),
        "outbox": (("event_seq", "delivered"), ("seq", "delivered")),
        "case_place": (("case_id", "unit_code"), ("id", "code")),
        "case_member": (("case_id", "department_code", "role"), ("id", "dep", "role")),
        "case_number": (("number", "case_id"), ("number", "id")),
        "duty": (DUTY_COLUMNS, ("id", "dep", "kind", "ref", "subject", "since", "due", "order")),
        "tracking_code": (("code_hash", "case_id"), ("code", "id")),
        "case_spot": (("case_id", "matter", "place", "lat_e6", "lng_e6", "open"), SPOT_KEYS),
        "case_fact": (("case_id", "version", "valid_from", "irregular", "body", "viewers", "fair"),
                      ("id", "version", "valid_from", "irregular", "body", "viewers", "fair")),
        "reporter_phone": (("phone_hash", "case_id"), ("phone", "id")),
    }
    with raw.cursor() as cur:
        for table, params in tables.items():
            if not params:
                continue
            names, keys = columns[table]
            with cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in _values(params, keys):
                    copy.write_row(row)


def _values(params: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> Iterable[tuple[Any, ...]]:
    for p in params:
        yield tuple(p[k] for k in keys)
