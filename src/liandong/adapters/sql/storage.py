"""Storage on SQL (SQLite or PostgreSQL): a unit of work per transaction on the primary engine, a
per-process cache of case streams, reads of the primary that take no writer's lock, and reads on a
replica when there is one."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import StreamCache
from liandong.adapters.sql.engine import make_read_engine
from liandong.adapters.sql.repositories import SqlOrganisationRepository, SqlUnitOfWork
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports.knowledge import KnowledgeStore
from liandong.services.ports.storage import Storage


class SqlStorage(Storage):
    """``engine``: the primary; ``replica``: a read-only engine on a replica of it
    (``LIANDONG_REPLICA_URL``) that ``read_uow`` opens, or None to read the primary.

    The primary's engine begins every transaction by taking SQLite's write lock (``BEGIN
    IMMEDIATE``: a command never meets a stale snapshot). Reads go through a second, read-only engine
    on the same file instead (``make_read_engine``: deferred transactions under WAL), made on first
    use: a long read — a dashboard's month, a feed — never holds up a writer, and still sees every
    commit made before it began. PostgreSQL reads the primary's engine (its readers take no lock)."""

    def __init__(self, engine: Engine, replica: Engine | None = None) -> None:
        self.engine = engine
        self.replica = replica
        self.streams = StreamCache()
        self._replica_streams = StreamCache()
        self._reader: Engine | None = None
        self._reader_lock = threading.Lock()
        self._mode: str | None = None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.streams)

    def reads(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.reader(), self.streams)

    def read_uow(self) -> SqlUnitOfWork:
        if self.replica is not None:
            return SqlUnitOfWork(self.replica, self._replica_streams)
        return self.reads()

    def reader(self) -> Engine:
        """The engine ``reads`` opens: the primary's own unless it is an SQLite file."""
        if self._reader is None:
            with self._reader_lock:
                if self._reader is None:
                    self._reader = _read_engine(self.engine)
        return self._reader

    def close(self) -> None:
        """Let go of the reading engine's connections (the primary's are the caller's)."""
        with self._reader_lock:
            if self._reader is not None and self._reader is not self.engine:
                self._reader.dispose()
            self._reader = None

    def knowledge(self) -> KnowledgeStore:
        from liandong.adapters.sql.knowledge import SqlKnowledgeStore

        return SqlKnowledgeStore(self.engine)

    def served(self, hierarchy: HierarchyIndex) -> tuple[str, ...]:
        """Read on an engine of its own: the first call may come inside a write transaction."""
        from liandong.services.organisation import served_roots

        reader = make_read_engine(self.engine.url.render_as_string(hide_password=False))
        try:
            return served_roots(uow=SqlUnitOfWork(reader), hierarchy=hierarchy)
        finally:
            reader.dispose()

    def sandbox(self) -> bool:
        """The mode ``liandong init`` recorded, read as ``served`` is (never under the primary's write
        lock) and kept once the store is initialised: a mode never changes, and an initialised store
        without one was made before modes were, and is live. Not initialised: live, asked again."""
        if self._mode is None:
            reader = make_read_engine(self.engine.url.render_as_string(hide_password=False))
            try:
                with reader.connect() as conn:
                    mode = SqlOrganisationRepository(conn).store_mode()
                    initialised = conn.execute(select(t.jurisdiction.c.code).limit(1)).first() is not None
            finally:
                reader.dispose()
            self._mode = mode or ("live" if initialised else None)
        return self._mode == "sandbox"


def _read_engine(engine: Engine) -> Engine:
    database = engine.url.database or ":memory:"
    if engine.dialect.name != "sqlite" or database == ":memory:" or database.startswith("file:"):
        return engine
    return make_read_engine(engine.url.render_as_string(hide_password=False))
