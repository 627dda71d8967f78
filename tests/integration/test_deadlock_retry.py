"""A command's statement that PostgreSQL fails to break a deadlock with another transaction (the soak
of docs/benchmarks.md found five in ten minutes: a batch's 案件编号 counter against another batch's
case row) is rolled back to its savepoint and answered as a lost race, so the group commit runs it
once more instead of failing it as an internal error."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.errors import DomainError
from liandong.services.bus import lost_race


@pytest.mark.postgres
def test_a_deadlock_inside_a_command_is_a_lost_race(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO case_number_day (prefix, day, last) "
                              "VALUES ('A', 'd', 0), ('B', 'd', 0)"))
        both = threading.Barrier(2, timeout=20)
        failed: list[BaseException] = []

        def other() -> None:  # the other batch: B, then A; it waits longest before looking for a cycle
            try:
                with engine.begin() as conn:
                    conn.execute(text("SET LOCAL deadlock_timeout = '20s'"))
                    conn.execute(text("UPDATE case_number_day SET last = last + 1 WHERE prefix = 'B'"))
                    both.wait()
                    time.sleep(0.2)
                    conn.execute(text("UPDATE case_number_day SET last = last + 1 WHERE prefix = 'A'"))
            except BaseException as exc:  # pragma: no cover - said by the assertion below
                failed.append(exc)

        thread = threading.Thread(target=other, daemon=True)
        thread.start()
        with SqlUnitOfWork(engine) as u:
            u.cases.raw("SET LOCAL deadlock_timeout = '1s'")  # looks after the cycle is made
            with pytest.raises(DomainError) as caught, u.savepoint():
                u.cases.raw("UPDATE case_number_day SET last = last + 1 WHERE prefix = 'A'")
                both.wait()
                u.cases.raw("UPDATE case_number_day SET last = last + 1 WHERE prefix = 'B'")  # the cycle
            assert caught.value.code == "store.conflict" and lost_race(caught.value)
            u.cases.raw("UPDATE case_number_day SET last = last + 10 WHERE prefix = 'B'")  # the unit goes on
            u.commit()
        thread.join(timeout=30)
        assert not thread.is_alive() and failed == []
        with engine.connect() as conn:  # the other batch landed; of this one, what followed the savepoint
            assert dict(conn.execute(text("SELECT prefix, last FROM case_number_day")).tuples().all()) == {
                "A": 1, "B": 11}
    finally:
        engine.dispose()
