"""Migration 0014 fills ``case_place`` from the events already stored: the places of each report and
those added by 扩大范围, on SQLite and PostgreSQL; the scoped reads then find the old cases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from tests.factories.scoped_reads import LIANGXI, SCOPES, WINDOW, XINWU, expected, seed
from tests.factories.stores import write_cases_as_stored


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_backfills_the_places_of_stored_cases(backend: str,
                                                            request: pytest.FixtureRequest) -> None:
    memory = MemoryUnitOfWork()
    seeded = seed(lambda: memory)  # cases as a store before 0014 holds them: records and events
    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    try:
        migrate.upgrade(engine, "0013")
        write_cases_as_stored(memory, engine)
        migrate.upgrade(engine)

        with engine.connect() as conn:
            rows = set(conn.execute(select(t.case_place.c.case_id, t.case_place.c.unit_code)).tuples())
        every = {**seeded.places, seeded.early: set(memory.cases.records[seeded.early].affected)}
        assert rows == {(case_id, code) for case_id, places in every.items() for code in places}
        assert any(len(places) == 2 and any(p.startswith(XINWU) for p in places)
                   and any(p.startswith(LIANGXI) for p in places) for places in every.values())
        for scope in SCOPES:
            with SqlUnitOfWork(engine) as u:
                found = {case_id for case_id, _ in u.case_reads.versions_received(*WINDOW, scope=scope)}
            assert found == expected(seeded, scope), scope
    finally:
        engine.dispose()
