"""Alembic migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.tables import metadata


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_head_matches_the_declared_tables(backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"include_name": migrate.include_name}), metadata)
        assert diff == []
        migrate.upgrade(engine)  # a second run is a no-op
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_partial_indexes_keep_the_declared_condition(backend: str, request: pytest.FixtureRequest) -> None:
    """``compare_metadata`` does not compare an index's WHERE: each partial index the tables declare is
    built again beside the migrated one, and the store must define the two alike."""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    engine = make_engine(url)
    read = ("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name" if backend == "sqlite"
            else "SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    try:
        migrate.upgrade(engine)
        partial = [ix for table in metadata.tables.values() for ix in table.indexes
                   if ix.dialect_options["sqlite"]["where"] is not None]
        assert {"ix_case_record_public", "ix_case_event_public_step"} <= {ix.name for ix in partial}
        with engine.begin() as conn:
            for ix in partial:
                name, twin = str(ix.name), f"twin_{ix.name}"
                conn.execute(text(str(CreateIndex(ix).compile(dialect=engine.dialect)).replace(name, twin)))
                migrated = conn.execute(text(read), {"name": name}).scalar()
                declared = conn.execute(text(read), {"name": twin}).scalar()
                assert migrated and migrated == declared.replace(twin, name), (migrated, declared)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
