"""SQL implementations of the ports, on SQLAlchemy Core (no ORM on these paths)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, case, func, insert, select
from sqlalchemy.exc import DBAPIError

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.accounts import SqlAccountRepository
from liandong.adapters.sql.audit import SqlStateRows
from liandong.adapters.sql.case_reads import SqlCaseReads
from liandong.adapters.sql.cases import SqlCaseStore, StreamCache
from liandong.adapters.sql.duties import SqlDutyReads
from liandong.adapters.sql.instruments import SqlInstrumentReads, SqlInstrumentStore
from liandong.adapters.sql.ledger import SqlLedgerStore
from liandong.adapters.sql.outbox import SqlOutbox
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Jurisdiction, Kind, Level
from liandong.domain.organisation import GOVERNMENT, Department
from liandong.services.ports import OrganisationRepository, UnitOfWork

_TRANSIENT = frozenset({"40P01", "40001"})  # PostgreSQL: deadlock detected, serialization failure


def _deadlock(exc: BaseException) -> bool:
    """Whether a statement failed only because another transaction held what it needed at the same
    moment (PostgreSQL broke a deadlock by failing this one): the command may simply run again."""
    found = exc.orig if isinstance(exc, DBAPIError) else exc  # the store's own statements: the driver's
    return getattr(found, "sqlstate", None) in _TRANSIENT

CHUNK = 5000
_ANCESTOR_COLUMNS = {Level.PROVINCE: "province_code", Level.CITY: "city_code",
                     Level.COUNTY: "county_code"}


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _unit(row: Any) -> Jurisdiction:
    return Jurisdiction(row.code, row.name, Level(row.level), row.parent_code, Kind(row.kind))


def _department(row: Any) -> Department:
    return Department(row.code, row.jurisdiction_code, row.system_code, Level(row.level),
                      row.name)


class SqlOrganisationRepository(OrganisationRepository):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- jurisdictions ---------------------------------------------------------------------
    def add_units(self, units: Iterable[Jurisdiction]) -> int:
        known: dict[str, tuple[str, dict[Level, str]]] = {}  # code -> (path, ancestors)
        n = 0

        def rows() -> Iterator[dict[str, Any]]:
            nonlocal n
            for unit in units:
                if unit.parent_code is None:
                    path, anc = f"{unit.code}/", {}
                else:
                    if unit.parent_code not in known:
                        known[unit.parent_code] = self._path_info(unit.parent_code)
                    ppath, panc = known[unit.parent_code]
                    path, anc = f"{ppath}{unit.code}/", dict(panc)
                if unit.level in _ANCESTOR_COLUMNS:
                    anc[unit.level] = unit.code
                known[unit.code] = (path, anc)
                n += 1
                yield {"code": unit.code, "name": unit.name, "level": int(unit.level),
                       "kind": unit.kind.value, "parent_code": unit.parent_code, "path": path,
                       "province_code": anc.get(Level.PROVINCE),
                       "city_code": anc.get(Level.CITY), "county_code": anc.get(Level.COUNTY)}

        for chunk in _chunks(rows()):
            self.conn.execute(insert(t.jurisdiction), chunk)
        return n

    def _path_info(self, code: str) -> tuple[str, dict[Level, str]]:
        row = self.conn.execute(select(t.jurisdiction).where(t.jurisdiction.c.code == code)).first()
        if row is None:
            raise ValueError(f"parent {code} is not stored")
        anc = {lv: getattr(row, col) for lv, col in _ANCESTOR_COLUMNS.items()
               if getattr(row, col) is not None}
        return row.path, anc

    def unit(self, code: str) -> Jurisdiction | None:
        row = self.conn.execute(select(t.jurisdiction).where(t.jurisdiction.c.code == code)).first()
        return None if row is None else _unit(row)

    def children(self, code: str) -> list[Jurisdiction]:
        q = (select(t.jurisdiction).where(t.jurisdiction.c.parent_code == code)
             .order_by(t.jurisdiction.c.code))
        return [_unit(r) for r in self.conn.execute(q)]

    def path(self, code: str) -> list[Jurisdiction]:
        row = self.conn.execute(select(t.jurisdiction.c.path)
                                .where(t.jurisdiction.c.code == code)).first()
        if row is None:
            return []
        codes = [c for c in row.path.split("/") if c]
        found = {r.code: _unit(r) for r in self.conn.execute(
            select(t.jurisdiction).where(t.jurisdiction.c.code.in_(codes)))}
        return [found[c] for c in codes]

    def descendants(self, code: str, level: Level | None = None) -> list[Jurisdiction]:
        unit = self.unit(code)
        if unit is None:
            return []
        j = t.jurisdiction
        q = select(j)
        if unit.level is Level.TOWNSHIP:
            q = q.where(j.c.code == code)
        elif unit.level is not Level.CENTRAL:
            q = q.where(j.c[_ANCESTOR_COLUMNS[unit.level]] == code)
        if level is not None:
            q = q.where(j.c.level == int(level))
        return [_unit(r) for r in self.conn.execute(q.order_by(j.c.code))]

    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        needle = text.strip()
        if not needle:
            return []
        j = t.jurisdiction
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = (select(j).where(j.c.name.like(f"%{escaped}%", escape="\\"))
             .order_by(case((j.c.name == needle, 0), else_=1), j.c.level, j.c.code).limit(limit))
        return [_unit(r) for r in self.conn.execute(q)]

    def count_units(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        q = select(t.jurisdiction.c.level, func.count()).group_by(t.jurisdiction.c.level)
        for level, n in self.conn.execute(q):
            counts[Level(level)] = n
        return counts

    # -- departments -----------------------------------------------------------------------
    def add_departments(self, departments: Iterable[Department]) -> int:
        n = 0
        d = t.department
        for chunk in _chunks({"code": x.code, "jurisdiction_code": x.jurisdiction_code,
                              "system_code": x.system_code, "level": int(x.level),
                              "name": x.name} for x in departments):
            codes = [r["code"] for r in chunk]
            existing = set(self.conn.scalars(select(d.c.code).where(d.c.code.in_(codes))))
            fresh = [r for r in chunk if r["code"] not in existing]
            if fresh:
                self.conn.execute(insert(d), fresh)
            n += len(fresh)
        return n

    def department(self, code: str) -> Department | None:
        row = self.conn.execute(select(t.department).where(t.department.c.code == code)).first()
        return None if row is None else _department(row)

    def departments_of(self, jurisdiction_code: str) -> list[Department]:
        d = t.department
        q = (select(d).where(d.c.jurisdiction_code == jurisdiction_code)
             .order_by(case((d.c.system_code == GOVERNMENT, 0), else_=1), d.c.system_code))
        return [_department(r) for r in self.conn.execute(q)]

    def count_departments(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        q = select(t.department.c.level, func.count()).group_by(t.department.c.level)
        for level, n in self.conn.execute(q):
            counts[Level(level)] = n
        return counts

    def put_document(self, name: str, version: str, content: str) -> None:
        r = t.reference_document
        self.conn.execute(r.delete().where(r.c.name == name))
        self.conn.execute(insert(r).values(name=name, version=version, content=content))

    def document(self, name: str) -> tuple[str, str] | None:
        r = t.reference_document
        row = self.conn.execute(select(r.c.version, r.c.content).where(r.c.name == name)).first()
        return None if row is None else (row.version, row.content)

    def store_mode(self) -> str | None:
        s = t.store_setting
        found: str | None = self.conn.execute(select(s.c.value).where(s.c.name == "mode")).scalar()
        return found

    def record_store_mode(self, mode: str) -> None:
        s = t.store_setting
        self.conn.execute(s.delete().where(s.c.name == "mode"))
        self.conn.execute(insert(s).values(name="mode", value=mode))

    def lca(self, codes: Sequence[str]) -> Jurisdiction | None:
        return super().lca(codes)


class SqlUnitOfWork(UnitOfWork):
    """A connection and a transaction per ``with`` block; leaving without commit rolls back."""

    def __init__(self, engine: Engine, cache: StreamCache | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._conn = self.engine.connect()  # the transaction begins with the first statement
        self.organisation = SqlOrganisationRepository(self._conn)
        self.cases = SqlCaseStore(self._conn, self.cache)
        self.case_reads = SqlCaseReads(self.cases)
        self.ledger = SqlLedgerStore(self._conn)
        self.accounts = SqlAccountRepository(self._conn)
        self.instruments = SqlInstrumentStore(self._conn)
        self.instrument_reads = SqlInstrumentReads(self.instruments)
        self.outbox = SqlOutbox(self._conn)
        self.duties = SqlDutyReads(self._conn)
        self.state = SqlStateRows(self._conn)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._conn is not None
        try:
            self.rollback()
        finally:
            self._conn.close()
            self._conn = None

    @property
    def connection(self) -> Connection:
        """The open transaction's connection, for stores outside the ports (the federation's)."""
        assert self._conn is not None, "the unit of work is not open"
        return self._conn

    supports_savepoints = True

    @contextmanager
    def savepoint(self) -> Iterator[object]:
        # Driver-level SAVEPOINT statements: the same on SQLite and PostgreSQL, and cheap.
        staged, facts = dict(self.cases.staged), dict(self.cases.staged_facts)
        sums, rows = len(self.cases.staged_sums), self.cases.behind.mark()
        self.cases.raw("SAVEPOINT liandong_cmd")
        try:
            yield self
        except BaseException as exc:
            self.cases.raw("ROLLBACK TO SAVEPOINT liandong_cmd")
            self.cases.raw("RELEASE SAVEPOINT liandong_cmd")
            self.cases.staged, self.cases.staged_facts = staged, facts
            del self.cases.staged_sums[sums:]
            self.cases.behind.undo(rows)  # its rows dropped; those written inside it wait again
            if _deadlock(exc):  # its locks went with the savepoint: once more, as a lost race is
                raise DomainError("store.conflict", actual="?") from exc
            raise
        self.cases.raw("RELEASE SAVEPOINT liandong_cmd")

    def commit(self) -> None:
        assert self._conn is not None
        try:
            self.cases.flush()
            self._conn.commit()
        except Exception as exc:  # the driver's own, from the rows written behind, or SQLAlchemy's
            if not _deadlock(exc):
                raise
            self.rollback()  # nothing kept: the caller may run the whole transaction once more
            raise DomainError("store.conflict", actual="?") from exc
        self.cases.committed()

    def rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction():
            self._conn.rollback()
        if self._conn is not None:
            self.cases.rolled_back()
