"""Sums beside the 事实表 (issue 28, decision 0045): the dashboard's figures from the sums equal
today's (every case's events replayed) after random interleavings of commands, merges, 改类, 重办
and backfills, at midnights and now, on memory, SQLite and PostgreSQL; the stored sums equal a
recomputation from the fact rows, and again after a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liandong.assessment.engine import Engine
from liandong.assessment.facts import case_facts
from liandong.assessment.part_days import PartDays
from liandong.assessment.periods import parse_period
from liandong.assessment.stored import rebuild
from liandong.assessment.sum_figures import sum_facts
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import START, fill_month
from tests.factories.interleavings import HOUR, RULES, H, step

SCOPES = ((H.root.code, Level.PROVINCE), ("320000", Level.CITY), ("320200", Level.COUNTY),
          ("320213", Level.TOWNSHIP))


def _figures(facts: list[Any]) -> dict[str, Any]:
    e = Engine.of(facts, H)
    try:
        out: dict[str, Any] = {}
        for scope, level in SCOPES:
            out[scope] = e.total(scope).as_dict()
            out[f"{scope}/units"] = {k: f.as_dict() for k, f in e.by_unit(scope, level).items()}
        return out
    finally:
        e.close()


def _today(uow: Callable[[], UnitOfWork], start: datetime, end: datetime, as_of: datetime) -> dict[str, Any]:
    with uow() as u:
        found = [f for cid, events, reads in u.case_reads.streams_received(start, end)
                 if (f := case_facts(cid, events, as_of, H, reads)) is not None]
    return _figures(found)


# first part days kept across the calls on one store (and its examples: the day's stamp decides)
_PARTS: dict[int, tuple[Callable[[], UnitOfWork], PartDays]] = {}


def _sums(uow: Callable[[], UnitOfWork], start: datetime, end: datetime, as_of: datetime,
          now: datetime) -> dict[str, Any] | None:
    part = _PARTS.setdefault(id(uow), (uow, PartDays(size=2)))[1]
    found = sum_facts(uow, H, start, end, as_of, now, part=part)
    return None if found is None else _figures(found.facts)


def _midnight(at: datetime) -> datetime:
    local = at.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _differences(uow: Callable[[], UnitOfWork]) -> list[str]:
    with uow() as u:
        return u.case_reads.sum_view().differences()


@pytest.fixture
def month_bus(uow_factory: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    counter = iter(range(1, 1000))
    fill_month(MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                          new_id=lambda: f"C{next(counter):03d}"))
    return uow_factory


_EXAMPLE = iter(range(10_000))
_LATEST: list[datetime] = []


class _Recorded(ManualClock):
    """Every time it gives is kept: an example that Hypothesis ends midway (a draw past its data, while
    shrinking) has written events at times it never reached the end to record, and ``now`` must be
    after every event in the store."""

    def now(self) -> datetime:
        _LATEST.append(self.current)
        return self.current


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_sums_equal_todays_figures(uow_factory: Callable[[], UnitOfWork], data: st.DataObject) -> None:
    n = next(_EXAMPLE)
    clock = _Recorded(START + timedelta(minutes=n))
    counter = iter(range(1, 10_000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock,
                     new_id=lambda: f"S{n:04d}-{next(counter):03d}")
    ids: list[str] = []
    moments = []
    for _ in range(data.draw(st.integers(10, 50))):
        step(bus, clock, ids, data.draw)
        moments.append(clock.now())
    now = max(_LATEST)  # earlier examples' cases share the store: now is after all of them
    start, end = _midnight(START - 30 * 24 * HOUR), _midnight(START + 400 * 24 * HOUR)
    probes = sorted({_midnight(m) + timedelta(days=d) for m in moments[:: max(1, len(moments) // 5)]
                     for d in (0, 1)} | {now + timedelta(seconds=1)})
    for as_of in probes:
        assert _sums(uow_factory, start, end, as_of, now) == _today(uow_factory, start, end, as_of), as_of
    part = _midnight(moments[0]) + timedelta(hours=7, minutes=3)  # a period starting within a day
    for as_of in (probes[0], probes[-1]):
        assert _sums(uow_factory, part, end, as_of, now) == _today(uow_factory, part, end, as_of), as_of
    assert _differences(uow_factory) == []
    rebuild(uow_factory)
    assert _differences(uow_factory) == []
    as_of = probes[-1]
    assert _sums(uow_factory, start, end, as_of, now) == _today(uow_factory, start, end, as_of)


def test_the_demo_month_from_the_sums(month_bus: Callable[[], UnitOfWork]) -> None:
    period = parse_period("2026-03", cutoff=1)
    later = datetime(2026, 6, 1, tzinfo=UTC)
    for as_of in (period.end, _midnight(datetime(2026, 3, 5, 12, tzinfo=UTC)), later):
        assert _sums(month_bus, period.start, period.end, as_of, later) == \
            _today(month_bus, period.start, period.end, as_of)
    part = period.start + timedelta(hours=5, minutes=30)  # the first day in part: its cases from rows
    assert _sums(month_bus, part, period.end, later, later) == _today(month_bus, part, period.end, later)
    odd = datetime(2026, 3, 5, 7, 1, tzinfo=UTC)  # neither a midnight nor now: the rows are read
    assert sum_facts(month_bus, H, period.start, period.end, odd, later) is None
    assert _differences(month_bus) == []


def test_the_report_reads_the_rows(month_bus: Callable[[], UnitOfWork]) -> None:
    """``liandong report`` (``report_facts.assess_rows``): the same groups, rankings and
    accountability as today's replay (``service.assess``)."""
    from liandong.assessment.report_facts import assess_rows
    from liandong.assessment.rules import load_rules
    from liandong.assessment.service import assess

    rules, period = load_rules(), parse_period("2026-03", cutoff=1)
    for now in (datetime(2026, 3, 20, 3, 7, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)):
        mine, theirs = assess_rows(month_bus, H, period, now, rules), assess(month_bus, H, period, now, rules)
        try:
            for which in ("current", "previous"):
                assert mine.total("320200", which).as_dict() == theirs.total("320200", which).as_dict()
                for by in ("county", "department", "matter", "source"):
                    assert {k: f.as_dict() for k, f in mine.groups("320200", by, which).items()} == \
                        {k: f.as_dict() for k, f in theirs.groups("320200", by, which).items()}
            assert mine.accountability("320200") == theirs.accountability("320200")
        finally:
            mine.close()
            theirs.close()
