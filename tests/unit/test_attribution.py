"""Accountability attribution on a case written out hour by hour: which party holds which time
when a summons, the reporter and an extension decision above overlap the lead's own work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from liandong.assessment.attribution import Pilot, attribute, summarise
from liandong.bootstrap import bootstrap
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock

A, COUNTY, CENTRE = "320213001", "320213", "320200-gov"
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def story() -> tuple[list, str, str]:  # type: ignore[type-arg]
    platform = bootstrap(memory=True)
    clock = ManualClock(T)
    bus = platform.bus(clock=clock)
    cid = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(A,),
                                  description="垃圾桶满溢")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    with platform.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        lead = case.record.lead
    summoned = f"{COUNTY}-market_regulation"
    steps = [(1, c.AcknowledgeCase(by=lead, case_id=cid)),
             (2, c.SummonDepartments(by=f"{A}-gov", case_id=cid, departments=(summoned,))),
             (2.5, c.AnswerSummons(by=summoned, case_id=cid)),
             (3, c.PauseCase(by=lead, case_id=cid, reason="联系不上诉求人")),
             (5, c.UnpauseCase(by=lead, case_id=cid))]
    for hours, command in steps:
        clock.set(T + hours * HOUR)
        bus.handle(command)
    with platform.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.due is not None
        due = case.record.due
    clock.set(T + 6 * HOUR)
    bus.handle(c.RequestExtension(by=lead, case_id=cid, until=due + timedelta(days=3), reason="需第三方检测"))
    with platform.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.pending_extension is not None
        approver = case.record.pending_extension.approver
    clock.set(T + 30 * HOUR)
    bus.handle(c.DecideExtension(by=approver, case_id=cid, approve=True))
    with platform.uow() as u:
        events = u.cases.events(cid)
    return events, lead, approver


def test_each_hold_goes_to_its_party(story) -> None:  # type: ignore[no-untyped-def]
    events, lead, approver = story
    as_of = T + 30 * 24 * HOUR  # still open a month later: a breach
    h = bootstrap(memory=True).hierarchy
    a = attribute("x", events, as_of, h)
    assert a is not None and a.outcomes == ("breach",)
    held: dict[tuple[str, str], float] = {}
    for s in a.segments:
        held[(s.party, s.kind)] = held.get((s.party, s.kind), 0) + s.seconds / 3600
    assert held[(lead, "acknowledgement")] == pytest.approx(1)
    assert held[(f"{COUNTY}-market_regulation", "summons")] == pytest.approx(0.5)
    assert held[("reporter", "reporter")] == pytest.approx(2)
    assert held[(approver, "extension")] == pytest.approx(24)
    total = (as_of - T).total_seconds() / 3600
    # the lead holds the rest: 1 h before the summons, 0.5 h after it, 1 h before asking, then from
    # the decision to the end
    assert held[(lead, "handling")] == pytest.approx(total - 1 - 0.5 - 2 - 24)
    assert sum(held.values()) == pytest.approx(total)
    reporter = next(s for s in a.segments if s.kind == "reporter")
    assert reporter.stage == ""  # waiting for the reporter is no one's fault
    summary = summarise([a])
    assert summary.blamable_seconds == pytest.approx((total - 2) * 3600)
    # the street and the county (the approver one level up) hold it all: the back end, as blamed
    assert approver.startswith(COUNTY) and summary.held_share("back") == pytest.approx(1)
    assert summary.fairness == pytest.approx(1)


def test_a_sanctioned_pilot_marks_error_tolerance(story) -> None:  # type: ignore[no-untyped-def]
    events, _, _ = story
    h = bootstrap(memory=True).hierarchy
    span = (T - 24 * HOUR, T + 90 * 24 * HOUR)
    pilot = Pilot("梁溪垃圾分类试点", COUNTY, *span, frozenset({"garbage_collection"}))
    other = Pilot("别的事项", COUNTY, *span, frozenset({"social_life_noise"}))
    as_of = T + 30 * 24 * HOUR
    a = attribute("x", events, as_of, h, [other, pilot])
    assert a is not None and a.tolerance == "梁溪垃圾分类试点"
    summary = summarise([a])
    assert summary.cases == 0 and summary.tolerated == 1  # left out of the blame
    assert attribute("x", events, T + 2 * HOUR, h) is None  # nothing adverse yet two hours in
