"""Engines for SQLite (embedded default, WAL mode) and PostgreSQL, and read-only ones for a replica."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


PRIVATE = 0o600
"""The mode of the files that hold the platform's data (names and phone numbers of reporters)."""


def private_sqlite_file(path: Path) -> None:
    """Create ``path`` readable by its owner only, or take an existing one (and its log and shared
    memory files) back to that. SQLite gives the -wal and -shm files it creates the database
    file's mode, so they follow."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    for name in (path, *(path.with_name(path.name + tail) for tail in ("-wal", "-shm", "-journal"))):
        try:
            if name.stat().st_mode & 0o777 != PRIVATE:
                os.chmod(name, PRIVATE)
        except (FileNotFoundError, PermissionError):  # gone meanwhile, or another owner's to mend
            pass


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout, and are
    private to their owner (0600)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            private_sqlite_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages per connection (default 2 MiB)
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the lock up front: a stale WAL snapshot can never be upgraded to a
            # write half-way through a command (which SQLite refuses with SQLITE_BUSY).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True, **kwargs)


WAL_BACKSTOP_PAGES = 10_000
"""With the log checkpointed in the background, a committing writer checkpoints it itself only past
this many pages (40 MiB): the backstop should the background thread stall."""

WAL_SIZE_LIMIT = 64 * 1024 * 1024
"""Bytes a write-ahead log file is cut back to when it starts over after a complete checkpoint."""


class WalCheckpoints:
    """Checkpoints of an SQLite file's write-ahead log, run by the caller's thread (a server's
    timer) instead of by whichever writer's commit crosses SQLite's threshold.

    A checkpoint copies the logged pages into the database file and syncs it: tens of
    milliseconds on a slow disk, which the automatic checkpoint charges to one unlucky commit (a
    batch of web requests). PASSIVE checkpoints wait for nobody and block nobody; the next
    transaction after a complete one starts the log over. Durability is unchanged: with
    ``synchronous=NORMAL`` the log is synced at checkpoints, wherever they run."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def once(self) -> tuple[int, int, int]:
        """(busy, frames in the log, frames checkpointed) of one PASSIVE checkpoint."""
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            busy, frames, done = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return int(busy), int(frames), int(done)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def defer_wal_checkpoints(engine: Engine) -> WalCheckpoints | None:
    """Leave the checkpoints of ``engine``'s SQLite file to the returned ``WalCheckpoints`` (whose
    ``once`` the caller runs on a timer); None for PostgreSQL or an in-memory database.

    Connections opened from now on checkpoint by themselves only past ``WAL_BACKSTOP_PAGES``;
    the pool is emptied so that none of the old ones is handed out again."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None

    @event.listens_for(engine, "connect")
    def _backstop(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
        cur.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        cur.close()

    engine.dispose()
    return WalCheckpoints(engine.url.database)


def make_read_engine(url: str, **kwargs: Any) -> Engine:
    """A read-only engine on ``url`` (a replica the dashboards read from): every transaction is
    read-only, so a write sent there by mistake fails loudly instead of forking the data.

    PostgreSQL: ``default_transaction_read_only`` for the session (a hot standby refuses writes
    anyway). SQLite (a copy of the file): ``query_only`` and deferred transactions, so readers
    never take the write lock the primary's engine takes up front."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun below, not by pysqlite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA query_only=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    connect_args = {**kwargs.pop("connect_args", {}), "options": "-c default_transaction_read_only=on"}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
