"""Storage on SQL (SQLite or PostgreSQL): a unit of work per transaction on the primary engine, a
per-process cache of case streams, and reads on a replica when there is one."""

from __future__ import annotations

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
    (``LIANDONG_REPLICA_URL``) that ``read_uow`` opens, or None to read the primary. Which one
    ``read_uow`` uses is settled here, once."""

    def __init__(self, engine: Engine, replica: Engine | None = None) -> None:
        self.engine = engine
        self.replica = replica
        self.streams = StreamCache()
        self._reads = (engine, self.streams) if replica is None else (replica, StreamCache())
        self._mode: str | None = None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.streams)

    def read_uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(*self._reads)

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
