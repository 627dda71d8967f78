"""事实表 (issue 28 points 1–2): the fact rows kept with the events give, at every moment, the facts
``case_facts`` computes from the events themselves — after random interleavings of commands
(merges, 改类, 重办, returns, escalations, summonses, read marks, backfilled times), on memory, SQLite
and PostgreSQL; a rebuild from the log gives the same; the engine's figures on the demo month are
today's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liandong.assessment.engine import Engine
from liandong.assessment.facts import CaseFacts, case_facts
from liandong.assessment.periods import parse_period
from liandong.assessment.stored import period_facts, rebuild
from liandong.domain.access import Principal, can_see
from liandong.domain.hierarchy import Level
from liandong.domain.roles import StaffRole
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import START, fill_month
from tests.factories.interleavings import HOUR, RULES, H, step


def _plain(f: CaseFacts) -> dict[str, Any]:
    """Everything of a case's facts that a figure is made of (the record is the store's)."""
    return {"case_id": f.case_id, "received_at": f.received_at, "matter": f.matter, "severity": f.severity,
            "source": f.source, "lead": f.lead, "lead_system": f.lead_system, "lead_level": f.lead_level,
            "places": f.places, "counts": dict(f.counts), "members": f.members, "values": f.values,
            "affected": f.record.affected}


def reference(uow: Callable[[], UnitOfWork], start: datetime, end: datetime, as_of: datetime,
              scope: str | None = None) -> list[dict[str, Any]]:
    """Today's computation: every case's events replayed (``service.collect``)."""
    with uow() as u:
        found = [case_facts(cid, events, as_of, H, reads)
                 for cid, events, reads in u.case_reads.streams_received(start, end, scope=scope)]
    return [_plain(f) for f in found if f is not None]


def stored(uow: Callable[[], UnitOfWork], start: datetime, end: datetime, as_of: datetime,
           scope: str | None = None, principal: Principal | None = None) -> list[dict[str, Any]]:
    return [_plain(f) for f in period_facts(uow, H, start, end, as_of, scope=scope, principal=principal)]



_EXAMPLE = iter(range(10_000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_facts_equal_a_full_recomputation(uow_factory: Callable[[], UnitOfWork], data: st.DataObject) -> None:
    n = next(_EXAMPLE)
    start = START + timedelta(minutes=n)  # earlier examples' cases are in the window too: compared again
    clock = ManualClock(start)
    counter = iter(range(1, 10_000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock,
                     new_id=lambda: f"P{n:04d}-{next(counter):03d}")
    ids: list[str] = []
    moments = []
    for _ in range(data.draw(st.integers(10, 60))):
        step(bus, clock, ids, data.draw)
        moments.append(clock.now())
    start, end = START - 30 * 24 * HOUR, START + 400 * 24 * HOUR
    probes = sorted({START + timedelta(minutes=n), *moments[:: max(1, len(moments) // 6)],
                     max(moments) + HOUR, max(moments) + 30 * 24 * HOUR})
    for as_of in probes:
        assert stored(uow_factory, start, end, as_of) == \
            reference(uow_factory, start, end, as_of), as_of
    assert stored(uow_factory, start, end, end, scope="320213") == reference(uow_factory, start, end, end,
                                                                              scope="320213")
    rebuild(uow_factory)  # from the log: the same facts
    for as_of in probes[-2:]:
        assert stored(uow_factory, start, end, as_of) == \
            reference(uow_factory, start, end, as_of)


# -- the demo month: the same facts, so the same figures ------------------------------------------
@pytest.fixture
def month_bus(uow_factory: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    counter = iter(range(1, 1000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                     new_id=lambda: f"C{next(counter):03d}")
    fill_month(bus)
    return uow_factory


def test_the_demo_month_figures_equal_todays(month_bus: Callable[[], UnitOfWork]) -> None:
    period = parse_period("2026-03", cutoff=1)
    for as_of in (period.end, datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)):
        now = stored(month_bus, period.start, period.end, as_of)
        assert now == reference(month_bus, period.start, period.end, as_of) and len(now) == 7
        mine = period_facts(month_bus, H, period.start, period.end, as_of)
        with month_bus() as u:
            theirs = [f for cid, events, reads in u.case_reads.streams_received(period.start, period.end)
                      if (f := case_facts(cid, events, as_of, H, reads)) is not None]
        a, b = Engine.of(mine, H), Engine.of(theirs, H)
        try:
            assert a.total("320200").as_dict() == b.total("320200").as_dict()
            assert {k: f.as_dict() for k, f in a.by_unit("320200", Level.COUNTY).items()} == \
                {k: f.as_dict() for k, f in b.by_unit("320200", Level.COUNTY).items()}
            assert {k: f.as_dict() for k, f in a.by_department("320200").items()} == \
                {k: f.as_dict() for k, f in b.by_department("320200").items()}
            for column in ("matter", "severity", "source", "lead_system", "lead_level"):
                assert {k: f.as_dict() for k, f in a.by_dimension("320200", column).items()} == \
                    {k: f.as_dict() for k, f in b.by_dimension("320200", column).items()}
        finally:
            a.close()
            b.close()


def test_a_principal_sees_what_it_saw(month_bus: Callable[[], UnitOfWork]) -> None:
    """An oversight role reads the rows alone; other staff get the cases ``can_see`` gives them."""
    period = parse_period("2026-03", cutoff=1)
    leader = Principal("l", "leader", frozenset({StaffRole.LEADER}), "320200-gov")
    everything = stored(month_bus, period.start, period.end, period.end)
    clerk = Principal("h", "clerk", frozenset({StaffRole.HANDLER}), everything[0]["lead"])
    assert stored(month_bus, period.start, period.end, period.end, principal=leader) == everything
    theirs = stored(month_bus, period.start, period.end, period.end, principal=clerk)
    with month_bus() as u:
        streams = u.case_reads.streams_received(period.start, period.end)
        expected = [_plain(f) for cid, events, reads in streams
                    if (f := case_facts(cid, events, period.end, H, reads)) is not None
                    and can_see(clerk, f.record, H)]
    assert theirs == expected and 0 < len(theirs) < len(everything)


def test_rebuild_facts_from_the_cli(tmp_path: Any) -> None:
    """``liandong insight rebuild-facts``: the rows derived again from the log, checked case by case."""
    from typer.testing import CliRunner

    from liandong.bootstrap import bootstrap
    from liandong.cli import app
    from liandong.config import Settings

    url = f"sqlite+pysqlite:///{tmp_path / 'db.sqlite3'}"
    platform = bootstrap(Settings(database_url=url, data_dir=tmp_path))
    counter = iter(range(1, 1000))
    fill_month(MessageBus(uow=platform.uow, rules=RULES, clock=ManualClock(START),
                          new_id=lambda: f"C{next(counter):03d}"))
    with platform.uow() as u:
        before = [u.case_reads.fact_rows(f"C{n:03d}") for n in range(1, 8)]
    assert all(before)
    result = CliRunner().invoke(app, ["insight", "rebuild-facts", "--database-url", url,
                                      "--data-dir", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the facts of 7 cases; compared 7, 0 differ" in result.output
    assert "Sums: compared the figures of" in result.output and "units, 0 differ" in result.output
    period = parse_period("2026-03", cutoff=1)
    assert stored(platform.uow, period.start, period.end, period.end) == \
        reference(platform.uow, period.start, period.end, period.end)
    if platform.engine is not None:
        platform.engine.dispose()
