"""Racing clients on SQLite and PostgreSQL: exactly one wins each race; no event is lost."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus, new_case_id
from liandong.services.clock import ManualClock

RULES = Rules(Router(national_hierarchy(), default_catalogue()), ChineseWorkCalendar(), CasePolicy())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def bus(request: pytest.FixtureRequest) -> MessageBus:
    return sql_bus(request, request.param)


def sql_bus(request: pytest.FixtureRequest, kind: str) -> MessageBus:
    url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
    engine = make_engine(url, pool_size=10) if kind == "postgres" else make_engine(url)
    migrate.upgrade(engine)
    request.addfinalizer(engine.dispose)
    return MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES,
                      clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))


def race(workers: int, action: Callable[[int], None]) -> list[BaseException | None]:
    barrier = threading.Barrier(workers)
    outcomes: list[BaseException | None] = [None] * workers

    def run(i: int) -> None:
        barrier.wait()
        try:
            action(i)
        except BaseException as exc:  # recorded for the assertions below
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def new_case(bus: MessageBus) -> tuple[str, str, int]:
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="噪声")).case_id
    result = bus.handle(c.DispatchCase(by="320200-gov", case_id=cid))
    with bus.uow() as uow:
        case = uow.cases.get(cid)
        assert case is not None
        return cid, case.record.lead, result.version


def test_two_acknowledges_exactly_one_wins(bus: MessageBus) -> None:
    cid, lead, version = new_case(bus)
    outcomes = race(4, lambda _: bus.handle(c.AcknowledgeCase(by=lead, case_id=cid,
                                                              expected_version=version)))
    wins = [o for o in outcomes if o is None]
    losses = [o for o in outcomes if o is not None]
    assert len(wins) == 1
    assert all(isinstance(o, DomainError) and o.code in ("case.conflict", "case.illegal_transition")
               for o in losses), losses
    with bus.uow() as uow:
        events = uow.cases.events(cid)
        assert [type(e).__name__ for e in events].count("CaseAcknowledged") == 1


def test_unversioned_commands_on_one_case_serialise_without_loss(bus: MessageBus) -> None:
    cid, _, version = new_case(bus)
    outcomes = race(6, lambda i: bus.handle(c.SetHeat(by="320200-gov", case_id=cid, heat=10 + i)))
    won = sum(1 for o in outcomes if o is None)
    assert all(o is None or (isinstance(o, DomainError) and o.code == "case.conflict") for o in outcomes)
    with bus.uow() as uow:
        case = uow.cases.get(cid)
        assert case is not None
        assert case.version == version + won == len(uow.cases.events(cid))


def test_many_cases_in_parallel_lose_nothing(bus: MessageBus) -> None:
    ids: list[str] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        for _ in range(5):
            cid, lead, _ = new_case(bus)
            bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
            with lock:
                ids.append(cid)

    assert race(4, work) == [None] * 4
    with bus.uow() as uow:
        for cid in ids:
            case = uow.cases.get(cid)
            assert case is not None and case.state.value == "acknowledged"
            assert case.version == len(uow.cases.events(cid)) == 4
        assert len(uow.outbox.pending_events(limit=10_000)) == 20 * 4


def test_a_heat_change_does_not_make_a_handlers_view_stale(bus: MessageBus) -> None:
    cid, lead, version = new_case(bus)
    bus.handle(c.SetHeat(by="320200-gov", case_id=cid, heat=40))  # the platform notes a rise
    acknowledged = bus.handle(c.AcknowledgeCase(by=lead, case_id=cid, expected_version=version))
    assert acknowledged.version == version + 2
    with pytest.raises(DomainError) as refused:  # a change of substance does make it stale
        bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已处理", expected_version=version))
    assert refused.value.code == "case.conflict"
    assert refused.value.params == {"case_id": cid, "expected": version, "actual": version + 2}


@pytest.mark.postgres
def test_a_command_that_loses_a_race_to_another_process_is_applied_again(pg_url: str) -> None:
    """Read committed: this writer reads the case, another process commits a heat change, this
    writer's versioned update then finds nothing to update; it reads again and lands."""
    engine = make_engine(pg_url, pool_size=4)
    migrate.upgrade(engine)
    try:
        clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        other = MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES, clock=clock)
        cid, lead, version = new_case(other)
        interleaved: list[int] = []

        class Interleaved(SqlUnitOfWork):
            def __enter__(self) -> Interleaved:
                super().__enter__()
                read = self.cases.get

                def get(case_id: str) -> object:
                    case = read(case_id)
                    if not interleaved:  # only the first read is overtaken
                        interleaved.append(1)
                        other.handle(c.SetHeat(by="320200-gov", case_id=case_id, heat=55))
                    return case

                self.cases.get = get  # type: ignore[method-assign,assignment]
                return self

        racing = MessageBus(uow=lambda: Interleaved(engine), rules=RULES, clock=clock)
        alone = racing.handle(c.AcknowledgeCase(by=lead, case_id=cid, expected_version=version))
        assert interleaved == [1] and alone.version == version + 2
        interleaved.clear()
        batched = racing.handle_batch([c.StartHandling(by=lead, case_id=cid)])[0]  # in a group commit
        assert interleaved == [1]
        assert not isinstance(batched, DomainError), batched
        with other.uow() as uow:
            kinds = [type(e).__name__ for e in uow.cases.events(cid)]
        assert kinds[-4:] == ["HeatChanged", "CaseAcknowledged", "HeatChanged", "HandlingStarted"]
    finally:
        engine.dispose()


def test_case_ids_follow_the_order_of_issue() -> None:
    ids = [new_case_id() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9a-f]{20}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    stamps = [int(i[:11], 16) for i in ids]
    assert stamps == sorted(stamps)  # the millisecond of issue leads
    assert abs(stamps[-1] - time.time() * 1000) < 60_000
    assert len({i[11:] for i in ids}) >= len(ids) - 2  # and 36 random bits follow (a repeat: 1 in 34,000)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_bus(request: pytest.FixtureRequest) -> MessageBus:
    if request.param != "memory":
        return sql_bus(request, request.param)
    uow = MemoryUnitOfWork()
    return MessageBus(uow=lambda: uow, rules=RULES, clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))


@pytest.mark.parametrize("batched", [False, True])
def test_a_report_given_a_taken_id_is_stored_under_a_new_one(any_bus: MessageBus, batched: bool) -> None:
    bus = any_bus
    taken, _, version = new_case(bus)
    issued = iter([taken, "0" * 20])
    bus.new_id = lambda: next(issued)
    report = c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                          description="噪声")
    result = bus.handle_batch([report])[0] if batched else bus.handle(report)
    assert not isinstance(result, DomainError), result
    assert result.case_id == "0" * 20
    with bus.uow() as uow:  # the first case is untouched, the second stored whole
        first, second = uow.cases.get(taken), uow.cases.get("0" * 20)
        assert first is not None and first.version == version
        assert second is not None and second.version == 1
