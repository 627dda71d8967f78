"""Shared fixtures: storage back-ends (memory, SQLite, PostgreSQL) behind the same contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.services.ports import UnitOfWork
from tests.support.clock import ManualTime, install
from tests.support.databases import PG_SERVER, REQUIRE_PG, fresh_database
from tests.support.nats import new_stream


def _pg_admin() -> Engine | None:
    engine = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        return engine
    except Exception as exc:  # any failure to connect means: no server here
        engine.dispose()
        if REQUIRE_PG:
            raise RuntimeError(f"PostgreSQL is required in CI but does not answer: {exc}") from exc
        return None


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = _pg_admin()
    if engine is None:
        pytest.skip(f"no PostgreSQL answers at {PG_SERVER} (set LIANDONG_TEST_PG_URL)")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    """A fresh database with a unique name, dropped afterwards."""
    yield from fresh_database(pg_admin)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}"


BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def uow_factory(request: pytest.FixtureRequest) -> Iterator[Callable[[], UnitOfWork]]:
    """A factory of units of work on one back-end; every call sees the committed state."""
    if request.param == "memory":
        shared = MemoryUnitOfWork()
        yield lambda: shared
        return
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    engine = make_engine(url)
    migrate.upgrade(engine)
    try:
        yield lambda: SqlUnitOfWork(engine)
    finally:
        engine.dispose()


@pytest.fixture
def stream() -> Iterator[tuple[str, str]]:
    """A JetStream stream of the test's own (name, subject prefix), deleted afterwards."""
    yield from new_stream()


@pytest.fixture
def limits_clock(monkeypatch: pytest.MonkeyPatch) -> ManualTime:
    """The rate limits' clock (in-memory counts), at the start of a minute; ``advance`` moves it."""
    return install(monkeypatch, ManualTime())
