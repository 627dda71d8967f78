"""Shared fixtures: storage back-ends (memory, SQLite, PostgreSQL) behind the same contract."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.services.ports import UnitOfWork

PG_SERVER = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REQUIRE_PG = bool(os.environ.get("LIANDONG_REQUIRE_PG") or os.environ.get("CI"))


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


def fresh_database(pg_admin: Engine, prefix: str = "liandong_test") -> Iterator[str]:
    """The URL of a new database with a unique name, dropped once the caller is done."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
