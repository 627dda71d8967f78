"""The public steps of cases by time (issue 28: Open311's ``servicerequestupdates``), on memory, SQLite
and PostgreSQL alike: every public step taken in a window, however long ago its case was received,
in order of time, case and step; each step's place in its case's record; of the cases the public
reads list (``recent_ids(public=True, exclude_matters=…)``) and of no other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from liandong.adapters.public_feed import PUBLIC_STEPS, hidden_matters
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.publication import public_note
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import PublicStepRow, UnitOfWork
from liandong.services.queries import CaseQueries
from tests.factories.worlds import catalogue, national, national_case_rules

RULES = national_case_rules()
T = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
CENTRE, LEAD, TOWNSHIP = "320200-gov", "320213001-urban_management", "320213001"


def test_the_steps_of_a_window_whenever_the_case_was_received(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(T)
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock)

    def report(matter: str = "garbage_collection", *, publish: bool = True) -> str:
        clock.advance(timedelta(minutes=1))
        return bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(TOWNSHIP,),
                                       description="垃圾满溢", publish=publish)).case_id

    old = report()
    bus.handle(c.DispatchCase(by=CENTRE, case_id=old))
    clock.advance(timedelta(days=400))  # more than the former look-back of a year
    window = (clock.now() - timedelta(hours=1), clock.now() + timedelta(days=1))
    bus.handle(c.AcknowledgeCase(by=LEAD, case_id=old))
    bus.handle(c.PostMessage(by=LEAD, case_id=old, text="内部留言"))  # not a public step
    bus.handle(c.StartHandling(by=LEAD, case_id=old))
    bus.handle(c.ResolveCase(by=LEAD, case_id=old, summary="已清运", public_note="已清运，电话13900001111"))
    unconsented = report(publish=False)  # listed as recent_ids(public=True) lists it; no photo, no text
    withheld = report()
    bus.handle(c.DispatchCase(by=CENTRE, case_id=withheld))
    bus.handle(c.ModerateCase(by=CENTRE, case_id=withheld, shown="no", reason="含侮辱性语言"))
    hidden = report("telecom_fraud")  # a matter never public
    after = report()
    clock.advance(timedelta(days=2))
    bus.handle(c.DispatchCase(by=CENTRE, case_id=after))  # after the window

    queries = CaseQueries(uow_factory, national())
    excluded = hidden_matters(catalogue())
    steps, cases = queries.public_steps(since=window[0], until=window[1], exclude_matters=excluded)
    assert {s.case_id for s in steps} == {old, unconsented, after} == set(cases)
    assert withheld not in cases and hidden not in cases
    mine = [s for s in steps if s.case_id == old]
    assert [s.type for s in mine] == ["CaseAcknowledged", "HandlingStarted", "CaseResolved"]
    assert mine[-1].note == "已清运，电话13900001111"  # as written: the edge redacts
    assert steps == sorted(steps, key=lambda s: (s.at, s.case_id, s.version))

    # the same rule as the public listing, and each step's version is its place in the record
    with uow_factory() as uow:
        listed = uow.case_reads.recent_ids(public=True, exclude_matters=excluded, limit=100)
        expected = sorted((PublicStepRow(case_id, version, type(e).__name__, e.at, public_note(e))
                           for case_id in listed
                           for version, e in enumerate(uow.case_reads.events(case_id), start=1)
                           if type(e).__name__ in PUBLIC_STEPS and window[0] <= e.at <= window[1]),
                          key=lambda s: (s.at, s.case_id, s.version))
    assert steps == expected
    assert cases[old].version == len(queries.with_events(old)[1])  # type: ignore[index]

    first, _ = queries.public_steps(since=window[0], until=window[1], exclude_matters=excluded, limit=2)
    assert first == steps[:2]
    none = [*excluded, "garbage_collection"]
    assert queries.public_steps(since=window[0], until=window[1], exclude_matters=none) == ([], {})

    bus.handle(c.ModerateCase(by=CENTRE, case_id=withheld, shown="yes", reason="已核实"))  # listed again
    steps, cases = queries.public_steps(since=window[0], until=window[1], exclude_matters=excluded)
    assert withheld in cases and [s.type for s in steps if s.case_id == withheld] == ["CaseReported",
                                                                                      "CaseDispatched"]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_store_reads_the_steps_from_their_index(backend: str, request: pytest.FixtureRequest) -> None:
    """The query states the index's condition as the index does, so both stores use it, in its order:
    one range of ``ix_case_event_public_step``, no sort, no scan of every event."""
    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    asked: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM case_event" in statement:
            asked.append((statement, parameters))

    try:
        migrate.upgrade(engine)
        event.listen(engine, "before_cursor_execute", keep)
        with SqlUnitOfWork(engine) as uow:
            uow.case_reads.public_steps(T, T + timedelta(days=90), exclude_matters=["telecom_fraud"])
        event.remove(engine, "before_cursor_execute", keep)
        (statement, parameters), = asked
        with engine.connect() as conn:
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            if backend == "postgres":  # an empty table: a scan would do, but not for a million steps
                cursor.execute("SET enable_seqscan = off")
            explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
            cursor.execute(explain + statement, parameters)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "ix_case_event_public_step" in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    finally:
        engine.dispose()
