"""A command's statement that PostgreSQL fails to break a deadlock with another transaction (the soak
of docs/benchmarks.md found five in ten minutes: a batch's 案件编号 counter against another batch's
case row) is rolled back to its savepoint and answered as a lost race, so the group commit runs it
once more instead of failing it as an internal error."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.services.bus import lost_race
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock

RULES = Rules(Router(national_hierarchy(), default_catalogue()), ChineseWorkCalendar(), CasePolicy())
COUNTER = "UPDATE case_number_day SET last = last + 1 WHERE prefix = '{}'"


def contender(engine: Engine, first: str, second: str, *, ready: Callable[[], object], pause: float,
              params: dict[str, str] | None = None) -> tuple[threading.Thread, list[BaseException]]:
    """The other transaction, in a thread: ``first``, then ``ready()``, a pause, ``second``; it waits
    longest before looking for a cycle, so PostgreSQL fails the test's side. What it raised, in the list."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL deadlock_timeout = '30s'"))
                conn.execute(text(first))
                ready()
                time.sleep(pause)
                conn.execute(text(second), params or {})
        except BaseException as exc:  # pragma: no cover - said by the callers' assertions
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failed


@pytest.mark.postgres
def test_a_deadlock_inside_a_command_is_a_lost_race(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO case_number_day (prefix, day, last) "
                              "VALUES ('A', 'd', 0), ('B', 'd', 0)"))
        both = threading.Barrier(2, timeout=20)
        thread, failed = contender(engine, COUNTER.format("B"), COUNTER.format("A"), ready=both.wait,
                                   pause=0.2)  # the other batch: B, then A
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


@pytest.mark.postgres
def test_a_deadlock_at_the_commit_is_a_lost_race_and_nothing_is_kept(pg_url: str) -> None:
    """The soak's last one: the 案件编号 counters are taken when the rows written behind go out, at
    the commit, after the batch's commands locked their case rows."""
    engine = make_engine(pg_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO case_number_day (prefix, day, last) "
                              "VALUES ('A', 'd', 0), ('B', 'd', 0)"))
        locked = threading.Event()  # the other holds A's counter, then wants B's, which the unit holds
        thread, failed = contender(engine, COUNTER.format("A"), COUNTER.format("B"), ready=locked.set,
                                   pause=0.5)
        assert locked.wait(20)
        with SqlUnitOfWork(engine) as u:
            u.cases.raw("SET LOCAL deadlock_timeout = '1s'")
            u.cases.raw("UPDATE case_number_day SET last = last + 10 WHERE prefix = 'B'")
            u.cases.behind.put("number", "c1", {"prefix": "A", "day": "d", "id": "c1"})  # taken at the commit
            with pytest.raises(DomainError) as caught:
                u.commit()
            assert caught.value.code == "store.conflict" and lost_race(caught.value)
        thread.join(timeout=30)
        assert not thread.is_alive() and failed == []
        with engine.connect() as conn:  # the other landed, nothing of this unit
            assert dict(conn.execute(text("SELECT prefix, last FROM case_number_day")).tuples().all()) == {
                "A": 1, "B": 1}
    finally:
        engine.dispose()


def _deadlocks(engine: Engine) -> int:
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
        return int(conn.execute(text("SELECT deadlocks FROM pg_stat_database "
                                     "WHERE datname = current_database()")).scalar_one())


@pytest.mark.postgres
def test_a_batch_whose_commit_lost_a_deadlock_runs_once_more_and_lands(pg_url: str) -> None:
    """A batch acknowledging a case and taking a new report: at its commit it waits for the day's
    案件编号 counter, which another transaction holds while it waits for the case's row. PostgreSQL
    fails the batch's commit; the bus runs the whole batch again, and every command lands once."""
    engine = make_engine(pg_url, pool_size=4)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:  # the batch's check for a cycle comes after the cycle is made
            conn.execute(text(f"ALTER DATABASE {engine.url.database} SET deadlock_timeout = '4s'"))
        engine.dispose()
        bus = MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES,
                         clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
        first = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                        description="噪声"))
        dispatched = bus.handle(c.DispatchCase(by="320200-gov", case_id=first.case_id))
        with bus.uow() as uow:
            case = uow.cases.get(first.case_id)
            assert case is not None
            lead = case.record.lead
        before = _deadlocks(engine)
        locked = threading.Event()  # the other: the day's counter first, then the case the batch holds
        thread, failed = contender(engine, "UPDATE case_number_day SET last = last",
                                   "UPDATE case_record SET version = version WHERE id = :id",
                                   ready=locked.set, pause=1.5, params={"id": first.case_id})
        assert locked.wait(20)
        outcomes = bus.handle_batch([
            c.AcknowledgeCase(by=lead, case_id=first.case_id, expected_version=dispatched.version),
            c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                         description="又有噪声")])
        thread.join(timeout=30)
        assert not thread.is_alive() and failed == []
        assert all(not isinstance(o, Exception) for o in outcomes), outcomes
        assert _deadlocks(engine) == before + 1  # one, broken by failing the batch's commit
        with bus.uow() as uow:
            acknowledged = uow.cases.get(first.case_id)
            assert acknowledged is not None and acknowledged.record.version == dispatched.version + 1
        with engine.connect() as conn:
            numbers = conn.execute(text("SELECT count(*) FROM case_number")).scalar_one()
            events = conn.execute(text("SELECT count(*) FROM case_event WHERE case_id = :id"),
                                  {"id": first.case_id}).scalar_one()
        assert numbers == 2 and events == dispatched.version + 1  # each once
    finally:
        engine.dispose()
