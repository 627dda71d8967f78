"""The rows the SQL case store writes behind (``adapters.sql.behind``, decision 0055), on SQLite and
PostgreSQL: written once at the commit with every row a save adds, read where they are read before
it (the store's own statements, SQLAlchemy's, the state cross-check's), taken back with a command
refused in its savepoint — and written again when that savepoint had written them for the commands
before it; 案件编号 given in the order of the reports, none used by a refused one."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import SqlCaseStore, StreamCache
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.case import Case
from liandong.domain.duties import case_duties
from liandong.domain.errors import DomainError
from liandong.services.bus import Result
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import Ledger
from tests.factories.cases import CENTRE, STREET
from tests.factories.worlds import national_case_rules

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing: numbers of 20260302
RULES = national_case_rules()
CASE_TABLES = (t.case_place, t.case_spot, t.case_number, t.case_fact, t.tracking_code, t.reporter_phone,
               t.case_salt, t.case_member)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    made = make_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    migrate.upgrade(made)
    yield made
    made.dispose()


def _bus(engine: Engine) -> MessageBus:
    cache = StreamCache()
    return MessageBus(uow=lambda: SqlUnitOfWork(engine, cache), rules=RULES, clock=ManualClock(T),
                      recorder=Ledger(secrets.token_bytes(32)).record)


def _report(phone: str = "13900001111", *, dispatch: bool = False) -> c.ReportCase:
    return c.ReportCase(by="reporter", matter="garbage_collection", affected=(STREET,),
                        description="垃圾满溢", reporter_phone=phone, tracking_hash=secrets.token_hex(32),
                        dispatch_by=CENTRE if dispatch else "")


def _count(engine: Engine, table: t.Table, case_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(table.c.case_id == case_id)).scalar_one())


def _numbers(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {case_id: number for number, case_id in conn.execute(select(t.case_number))}


def test_a_refused_report_leaves_no_row_and_no_number(engine: Engine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The second report fails after its save put its rows (its phone digest refused): they go with
    its savepoint; the reports around it keep theirs, numbered one after the other."""
    bus = _bus(engine)
    real, calls = SqlCaseStore.add_phone, []

    def add_phone(self: SqlCaseStore, phone_hash: str, case_id: str) -> None:
        calls.append(case_id)
        if len(calls) == 2:  # the second report of the batch
            raise RuntimeError("refused after the save")
        real(self, phone_hash, case_id)

    monkeypatch.setattr(SqlCaseStore, "add_phone", add_phone)
    out = bus.handle_batch([_report(), _report(), _report(dispatch=True)])
    assert isinstance(out[1], DomainError) and out[1].code == "command.failed"
    first, third = out[0], out[2]
    assert isinstance(first, Result) and isinstance(third, Result)
    assert _numbers(engine) == {first.case_id: "320200-20260302-0001", third.case_id: "320200-20260302-0002"}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.case_record)).scalar_one() == 2
        events = conn.execute(select(func.count()).select_from(t.case_event)).scalar_one()
        assert events == 1 + 3  # 受理; 受理, 路由, 派单 (a report the centre dispatches at once)
        assert conn.execute(select(func.count()).select_from(t.outbox)).scalar_one() == events
        assert conn.execute(select(func.count()).select_from(t.ledger_entry)).scalar_one() == events
    for case_id in (first.case_id, third.case_id):
        assert [_count(engine, table, case_id) for table in CASE_TABLES[:-1]] == [1, 1, 1, 1, 1, 1, 1]
    assert _count(engine, t.case_member, first.case_id) == 0
    assert _count(engine, t.case_member, third.case_id) >= 1
    monkeypatch.undo()
    later = bus.handle_batch([_report()])[0]
    assert isinstance(later, Result) and _numbers(engine)[later.case_id] == "320200-20260302-0003"


def test_rows_waiting_are_read_before_the_commit(engine: Engine) -> None:
    """In the unit of work that saved a case: SQLAlchemy's reads, a number resolved and the state
    cross-check's driver-level reads all find its rows (written at once before them)."""
    with SqlUnitOfWork(engine) as uow:
        case = Case.report(case_id="0190000000aaaaaaaaa", matter="garbage_collection", severity="routine",
                           affected=(STREET,), description="垃圾满溢", source="citizen", now=T, rules=RULES,
                           reporter_phone="13900001111")
        case.dispatch(by=CENTRE, now=T, rules=RULES)  # a team: members and duties to write
        uow.cases.save(case)
        uow.cases.add_tracking("t" * 64, case.id)
        assert uow.cases.behind  # nothing written yet
        assert uow.case_reads.number_of(case.id) == "320200-20260302-0001"  # SQLAlchemy: written first
        assert not uow.cases.behind
        assert uow.case_reads.case_for_tracking("t" * 64) == case.id
        near = uow.case_reads.nearby_open("garbage_collection", place=STREET)
        assert [s.case_id for s in near] == [case.id]
        assert uow.cases.resolve("320200-20260302-0001") == case.id
        uow.cases.add_phone("p" * 64, case.id)
        assert uow.cases.behind
        assert list(uow.state.members([case.id]))  # the cross-check's own cursor: written first
        assert not uow.cases.behind
        uow.commit()
    assert _count(engine, t.reporter_phone, case.id) == 1 and _count(engine, t.tracking_code, case.id) == 1


def test_a_savepoint_that_wrote_earlier_rows_and_was_rolled_back_leaves_them_to_write(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        case = Case.report(case_id="0190000000bbbbbbbbb", matter="garbage_collection", severity="routine",
                           affected=(STREET,), description="垃圾满溢", source="citizen", now=T, rules=RULES)
        uow.cases.save(case)
        with pytest.raises(RuntimeError), uow.savepoint():
            assert uow.case_reads.number_of(case.id)  # the case's rows written inside this savepoint
            raise RuntimeError("the next command fails")
        assert uow.cases.behind  # taken back with the savepoint: waiting again
        uow.commit()
    assert [_count(engine, table, case.id) for table in CASE_TABLES[:4]] == [1, 1, 1, 1]
    assert _numbers(engine) == {case.id: "320200-20260302-0001"}


def test_a_case_saved_twice_in_a_batch_keeps_the_rows_of_its_last_save(engine: Engine) -> None:
    """Report, then dispatch and acknowledge in one batch: its team, duties, spot and fact rows as
    the last save leaves them, and the sums as its fact rows give them."""
    bus = _bus(engine)
    made = bus.handle_batch([_report()])[0]
    assert isinstance(made, Result)
    case_id = made.case_id
    out = bus.handle_batch([c.DispatchCase(by=CENTRE, case_id=case_id)])
    assert isinstance(out[0], Result)
    with SqlUnitOfWork(engine) as uow:
        lead = uow.cases.get(case_id).record.lead  # type: ignore[union-attr]
    bus.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    out = bus.handle_batch([c.AcknowledgeCase(by=lead, case_id=case_id),
                            c.ResolveCase(by=lead, case_id=case_id, summary="已清运")])
    assert all(isinstance(o, Result) for o in out), out
    with SqlUnitOfWork(engine) as uow:
        record = uow.cases.get(case_id).record  # type: ignore[union-attr]
        duties = {(d.department, d.kind.value) for d in case_duties(record)}
        rows = uow.connection.execute(select(t.duty.c.department_code, t.duty.c.kind)
                                      .where(t.duty.c.subject_id == case_id)).all()
        assert {tuple(r) for r in rows} == duties and len(rows) == len(duties)
        members = uow.connection.execute(select(t.case_member.c.department_code)
                                         .where(t.case_member.c.case_id == case_id)).scalars().all()
        assert sorted(members) == sorted(code for code, m in record.team.items() if m.active)
        saves = [1, 3, 4, 5]  # a fact row a save: the report, the dispatch (routed, dispatched), two more
        assert [r.version for r in uow.case_reads.fact_rows(case_id)] == saves and record.version == 5
        assert uow.case_reads.sum_view().differences() == []
    assert _count(engine, t.case_spot, case_id) == 1
