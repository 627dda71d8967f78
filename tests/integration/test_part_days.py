"""The first part day of a period kept across requests (decision 0059, ``assessment.part_days``): the
cases of a day taken at a past midnight are read from their rows once; a later call adds up those
received from the period's start on; a read mark replaced on one of them (which changes what the day
was at that midnight) or a new save changes the day's stamp, and the day is read again — the figures
always equal today's replay, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from liandong.assessment.engine import Engine
from liandong.assessment.facts import case_facts
from liandong.assessment.part_days import PartDays
from liandong.assessment.sum_figures import sum_facts
from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork, scope_prefix
from tests.factories.cases import CENTRE
from tests.factories.interleavings import RULES, H, record_of

DAY0 = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 2 March 2026, 00:00 in Shanghai
HOUR = timedelta(hours=1)


def _figures(facts: list[Any], scope: str = "320000", level: str = "320200") -> dict[str, Any]:
    e = Engine.of(facts, H)
    try:
        return {"total": e.total(scope).as_dict(), "units": {k: f.as_dict() for k, f in e.by_unit(
            scope, H.get(level).level).items()}}
    finally:
        e.close()


def _today(uow: Callable[[], UnitOfWork], start: datetime, end: datetime, as_of: datetime,
           scope: str = "320000", level: str = "320200") -> dict[str, Any]:
    with uow() as u:
        return _figures([f for cid, events, reads in u.case_reads.streams_received(start, end)
                         if (f := case_facts(cid, events, as_of, H, reads)) is not None
                         and any(p.startswith(scope_prefix(scope)) for p in f.record.affected)], scope, level)


def test_a_part_day_is_read_once_and_again_when_it_changes(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(DAY0 + 10 * HOUR)
    counter = iter(range(1, 100))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock, new_id=lambda: f"P{next(counter):02d}")
    ids = []
    for place in ("320213001", "320205001", "320213015", "320211001"):  # at 10:00, 13:00, 16:00, 19:00
        ids.append(bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", severity="routine",
                                           affected=(place,), description="噪声", reporter_name="张三",
                                           reporter_phone="13812345678")).case_id)
        bus.handle(c.DispatchCase(by=CENTRE, case_id=ids[-1]))
        clock.advance(3 * HOUR)
    lead = record_of(bus, ids[2]).lead
    with bus.uow() as u:  # read at 22:00 (before the midnight the period ends at)
        u.cases.mark_read(ids[2], lead, 2, clock.now())
        u.commit()
    midnight, end = DAY0 + 24 * HOUR, DAY0 + 48 * HOUR
    clock.set(DAY0 + 30 * HOUR)
    part = PartDays()

    def check(start: datetime, reads: int) -> None:
        found = sum_facts(uow_factory, H, start, end, midnight, clock.now(), part=part)
        assert found is not None
        assert _figures(found.facts) == _today(uow_factory, start, end, midnight)
        # a county's page from the same day kept (the day is kept whole, for every scope)
        found = sum_facts(uow_factory, H, start, end, midnight, clock.now(), scope="320213", part=part)
        assert found is not None
        assert _figures(found.facts, "320213", "320213001") == _today(uow_factory, start, end, midnight,
                                                                       "320213", "320213001")
        assert part.reads == reads

    check(DAY0 + 11 * HOUR, 1)  # from 11:00: three of the day's four cases
    check(DAY0 + 14 * HOUR, 1)  # from 14:00: two, from the day kept
    check(DAY0 + 1 * HOUR, 1)
    with bus.uow() as u:  # the mark moved on after the midnight: at the midnight, no mark counts now
        u.cases.mark_read(ids[2], lead, 3, clock.now())
        u.commit()
    check(DAY0 + 14 * HOUR, 2)
    bus.handle(c.AcknowledgeCase(by=record_of(bus, ids[3]).lead, case_id=ids[3]))  # a save: the day again
    check(DAY0 + 14 * HOUR, 3)
    check(DAY0 + 17 * HOUR, 3)
    found = sum_facts(uow_factory, H, DAY0 + 14 * HOUR, end, midnight, clock.now(), part=part)
    assert found is not None, found
    assert found.trend == {date(2026, 3, 2): (2, 0)}
