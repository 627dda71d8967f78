"""The state cross-check's reads on SQL (``StateRows``): each aggregate's projection row, its events
and the leaf of each, in one ordered join per aggregate kind on the driver's cursor — a sequential
read of the tables, never a query per event."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

if TYPE_CHECKING:
    from liandong.adapters.sql.sums import Recomputed

from liandong.adapters.sql.behind import write_behind
from liandong.services.ports import FactRow
from liandong.services.ports.audit import (
    AggregateRows,
    DerivedMismatch,
    EventRow,
    MemberRow,
    StateRows,
    StreamFollower,
)

CASE_COLUMNS = ("version", "state", "matter", "severity", "owner_code", "lead_code", "received_at",
                "due_at", "is_open", "idempotency_key", "public_consent", "public_withheld")
INSTRUMENT_COLUMNS = ("version", "kind", "issuer", "title", "state", "issued_at", "due_at")
ZERO = timedelta(0)
TIMES = frozenset({"received_at", "due_at", "issued_at"})
CHUNK = 500  # ids per statement in an incremental check: within every driver's parameter limit

_CASES = ("SELECT c.id, " + ", ".join(f"c.{name}" for name in CASE_COLUMNS) + ", s.salt, "
          "e.case_version, e.seq, e.type, e.at, e.actor, e.payload, l.idx, l.leaf, "
          "f.valid_from, f.irregular, f.body, f.viewers, f.fair "
          "FROM case_record c LEFT JOIN case_salt s ON s.case_id = c.id "
          "LEFT JOIN case_event e ON e.case_id = c.id LEFT JOIN ledger_entry l ON l.event_seq = e.seq "
          "LEFT JOIN case_fact f ON f.case_id = e.case_id AND f.version = e.case_version "
          "{where} ORDER BY c.id, e.case_version")
_INSTRUMENTS = ("SELECT i.id, " + ", ".join(f"i.{name}" for name in INSTRUMENT_COLUMNS) + ", s.salt, "
                "e.version, e.seq, e.type, e.at, e.actor, e.payload, l.idx, l.leaf, "
                "NULL, NULL, NULL, NULL, NULL "
                "FROM instrument i LEFT JOIN instrument_salt s ON s.instrument_id = i.id "
                "LEFT JOIN instrument_event e ON e.instrument_id = i.id "
                "LEFT JOIN (SELECT idx, case_id, leaf, row_number() OVER (PARTITION BY case_id ORDER BY idx) "
                "AS n FROM ledger_entry WHERE event_seq IS NULL {inner}) l "
                "ON l.case_id = e.instrument_id AND l.n = e.version {where} ORDER BY i.id, e.version")
_MEMBERS = "SELECT case_id, department_code, role FROM case_member {where} ORDER BY case_id, department_code"


def moment(value: Any) -> datetime | None:
    """A time as the column holds it, aware and in UTC: SQLite gives text, PostgreSQL an aware
    datetime in the session's zone."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.utcoffset() == ZERO else value.astimezone(UTC)


_ACCOUNTED = ("SELECT h.ledger_index, l.leaf, 'handover', h.handover_id, h.digest, h.case_id "
              "FROM federation_handover h JOIN ledger_entry l ON l.idx = h.ledger_index "
              "WHERE h.ledger_index >= {mark} UNION ALL "
              "SELECT f.ledger_index, l.leaf, 'command', f.command_id, f.digest, f.case_id "
              "FROM federation_command f JOIN ledger_entry l ON l.idx = f.ledger_index "
              "WHERE f.ledger_index >= {mark} UNION ALL "
              "SELECT a.ledger_index, l.leaf, 'alarm', a.alarm_id, a.digest, a.accused "
              "FROM federation_alarm a JOIN ledger_entry l ON l.idx = a.ledger_index "
              "WHERE a.ledger_index >= {mark} ORDER BY 1")


class SqlStateRows(StateRows):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sums: Recomputed | None = None
        self._follower: Any = None
        self.mark = "?" if conn.dialect.name == "sqlite" else "%s"

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        if not self.conn.in_transaction():
            self.conn.begin()
        write_behind(self.conn)  # the case store's rows waiting, if any (they are read here)
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql, tuple(params))
        while batch := cursor.fetchmany(5000):
            yield from batch

    def _chunks(self, ids: Sequence[str] | None) -> Iterator[tuple[list[str] | None, str]]:
        """The statements' id filters: all (None), or sorted chunks of ``ids``."""
        if ids is None:
            yield None, ""
            return
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start:start + CHUNK]
            yield part, "(" + ", ".join([self.mark] * len(part)) + ")"

    def _aggregates(self, sql: str, columns: tuple[str, ...], key: str, ids: Sequence[str] | None,
                    inner: bool = False, sums: Recomputed | None = None) -> Iterator[AggregateRows]:
        """``sums``: where given, each case's stored fact rows (those at a version with an event,
        as the rows come) are taken into the sums' recomputation."""
        width = len(columns)
        facts: list[FactRow] = []
        for part, marks in self._chunks(ids):
            where = f"WHERE {key} IN {marks}" if part is not None else ""
            params: list[str] = list(part or ())
            inner_where = ""
            if inner and part is not None:
                inner_where, params = f"AND case_id IN {marks}", params + params
            current: AggregateRows | None = None
            for row in self._rows(sql.format(where=where, inner=inner_where), params):
                if current is None or current[0] != row[0]:
                    if current is not None:
                        if facts:
                            assert sums is not None
                            sums.add(facts)
                            facts = []
                        yield current
                    values = dict(zip(columns, row[1:width + 1], strict=True))
                    for name in TIMES.intersection(values):
                        values[name] = moment(values[name])
                    salt = row[width + 1]
                    current = (row[0], values, None if salt is None else bytes(salt), [])
                if row[width + 2] is not None:  # the time as the column holds it (text on SQLite)
                    leaf = row[width + 9]
                    if leaf is not None and type(leaf) is not bytes:  # PostgreSQL's bytea: a memoryview
                        leaf = bytes(leaf)
                    fact = None
                    if row[width + 12] is not None:  # the 事实表's row at this version
                        valid_from = moment(row[width + 10])
                        fact = (valid_from, bool(row[width + 11]), *row[width + 12:width + 15])
                        if sums is not None:
                            facts.append(FactRow(row[0], row[width + 2], valid_from, fact[1], fact[2],
                                                 current[1]["received_at"], fact[3]))
                    event: EventRow = (*row[width + 2:width + 9], leaf, fact)  # type: ignore[assignment]
                    current[3].append(event)
            if current is not None:
                if facts:
                    assert sums is not None
                    sums.add(facts)
                    facts = []
                yield current

    def cases(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        """On a full read, the sums are recomputed from the fact rows as they pass (``derived``)."""
        from liandong.adapters.sql.read_sums import all_marks  # the assessment code: only when checked
        from liandong.adapters.sql.sums import Recomputed

        self.sums = Recomputed(all_marks(self.conn)) if ids is None else None
        return self._aggregates(_CASES, CASE_COLUMNS, "c.id", ids, sums=self.sums)

    def instruments(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        # the marks inside the subquery come first in the statement: its parameters are given twice
        return self._aggregates(_INSTRUMENTS, INSTRUMENT_COLUMNS, "i.id", ids,
                                inner=True)

    def members(self, ids: Sequence[str] | None = None) -> Iterator[MemberRow]:
        for part, marks in self._chunks(ids):
            where = f"WHERE case_id IN {marks}" if part is not None else ""
            yield from self._rows(_MEMBERS.format(where=where), part or ())

    def follow(self, case_id: str) -> StreamFollower:
        if self._follower is None:
            from liandong.assessment.fact_audit import StreamFacts

            self._follower = StreamFacts
        return self._follower(case_id)

    def derived(self, ids: Sequence[str] | None = None,
                followed: Collection[str] = ()) -> Iterator[DerivedMismatch]:
        from liandong.adapters.sql.fact_audit import derived  # the assessment code: only when checked

        sums = self.sums if followed else None  # taken by the scan of ``cases`` that followed them
        return derived(self.conn, ids, followed, sums)

    def accounted(self, start: int) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
        for index, leaf, kind, name, digest, about in self._rows(_ACCOUNTED.format(mark=self.mark),
                                                                (start, start, start)):
            # a hand-over or command names its case; a fork alarm the node it accuses
            yield int(index), bytes(leaf), {kind: name, "digest": digest,
                                            "accused" if kind == "alarm" else "case_id": about}

    def subjects(self, start: int) -> tuple[list[str], list[str]]:
        rows = self._rows("SELECT DISTINCT case_id, event_seq IS NULL FROM ledger_entry "
                          f"WHERE idx >= {self.mark}", (start,))
        cases: list[str] = []
        instruments: list[str] = []
        for subject, no_event in rows:
            (instruments if no_event else cases).append(subject)
        return sorted(set(cases)), sorted(set(instruments))
