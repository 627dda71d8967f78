"""The state cross-check's reads on SQL (``StateRows``): each aggregate's projection row, its events
and the leaf of each, in one ordered join per aggregate kind on the driver's cursor — a sequential
read of the tables, never a query per event."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from liandong.adapters.sql.behind import write_behind
from liandong.services.ports.audit import AggregateRows, DerivedMismatch, EventRow, MemberRow, StateRows

CASE_COLUMNS = ("version", "state", "matter", "severity", "owner_code", "lead_code", "received_at",
                "due_at", "is_open", "idempotency_key", "public_consent", "public_withheld")
INSTRUMENT_COLUMNS = ("version", "kind", "issuer", "title", "state", "issued_at", "due_at")
TIMES = frozenset({"received_at", "due_at", "issued_at"})
CHUNK = 500  # ids per statement in an incremental check: within every driver's parameter limit

_CASES = ("SELECT c.id, " + ", ".join(f"c.{name}" for name in CASE_COLUMNS) + ", s.salt, "
          "e.case_version, e.seq, e.type, e.at, e.actor, e.payload, l.idx, l.leaf "
          "FROM case_record c LEFT JOIN case_salt s ON s.case_id = c.id "
          "LEFT JOIN case_event e ON e.case_id = c.id LEFT JOIN ledger_entry l ON l.event_seq = e.seq "
          "{where} ORDER BY c.id, e.case_version")
_INSTRUMENTS = ("SELECT i.id, " + ", ".join(f"i.{name}" for name in INSTRUMENT_COLUMNS) + ", s.salt, "
                "e.version, e.seq, e.type, e.at, e.actor, e.payload, l.idx, l.leaf "
                "FROM instrument i LEFT JOIN instrument_salt s ON s.instrument_id = i.id "
                "LEFT JOIN instrument_event e ON e.instrument_id = i.id "
                "LEFT JOIN (SELECT idx, case_id, leaf, row_number() OVER (PARTITION BY case_id ORDER BY idx) "
                "AS n FROM ledger_entry WHERE event_seq IS NULL {inner}) l "
                "ON l.case_id = e.instrument_id AND l.n = e.version {where} ORDER BY i.id, e.version")
_MEMBERS = "SELECT case_id, department_code, role FROM case_member {where} ORDER BY case_id, department_code"


def moment(value: Any) -> datetime | None:
    """A time as the column holds it, aware: SQLite gives text, PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


_ACCOUNTED = ("SELECT h.ledger_index, l.leaf, h.handover_id, h.digest, h.case_id FROM federation_handover h "
              "JOIN ledger_entry l ON l.idx = h.ledger_index WHERE h.ledger_index >= {mark} "
              "ORDER BY h.ledger_index")


class SqlStateRows(StateRows):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
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
                    inner: bool = False) -> Iterator[AggregateRows]:
        width = len(columns)
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
                        yield current
                    values = dict(zip(columns, row[1:width + 1], strict=True))
                    for name in TIMES.intersection(values):
                        values[name] = moment(values[name])
                    salt = row[width + 1]
                    current = (row[0], values, None if salt is None else bytes(salt), [])
                if row[width + 2] is not None:  # the time as the column holds it (text on SQLite)
                    event: EventRow = row[width + 2:]  # type: ignore[assignment]
                    leaf = event[7]
                    if leaf is not None and type(leaf) is not bytes:  # PostgreSQL's bytea: a memoryview
                        event = (*event[:7], bytes(leaf))
                    current[3].append(event)
            if current is not None:
                yield current

    def cases(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        return self._aggregates(_CASES, CASE_COLUMNS, "c.id", ids)

    def instruments(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        # the marks inside the subquery come first in the statement: its parameters are given twice
        return self._aggregates(_INSTRUMENTS, INSTRUMENT_COLUMNS, "i.id", ids,
                                inner=True)

    def members(self, ids: Sequence[str] | None = None) -> Iterator[MemberRow]:
        for part, marks in self._chunks(ids):
            where = f"WHERE case_id IN {marks}" if part is not None else ""
            yield from self._rows(_MEMBERS.format(where=where), part or ())

    def derived(self, ids: Sequence[str] | None = None,
                decoded: Mapping[str, Sequence[Any]] | None = None) -> Iterator[DerivedMismatch]:
        from liandong.adapters.sql.fact_audit import derived  # the assessment code: only when checked

        return derived(self.conn, ids, decoded or {})

    def accounted(self, start: int) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
        for index, leaf, handover, digest, case_id in self._rows(_ACCOUNTED.format(mark=self.mark), (start,)):
            yield int(index), bytes(leaf), {"handover": handover, "digest": digest, "case_id": case_id}

    def subjects(self, start: int) -> tuple[list[str], list[str]]:
        rows = self._rows("SELECT DISTINCT case_id, event_seq IS NULL FROM ledger_entry "
                          f"WHERE idx >= {self.mark}", (start,))
        cases: list[str] = []
        instruments: list[str] = []
        for subject, no_event in rows:
            (instruments if no_event else cases).append(subject)
        return sorted(set(cases)), sorted(set(instruments))
