"""Case powers governed by the governance elements (issue 23, point 4) and the escalation ceiling
(point 5), through the one bus every edge uses, on memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Role, Router
from liandong.domain.cases.rules import CasePolicy, EscalationPolicy, Rules
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.i18n.messages import explain
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
STREET, OTHER_STREET, COUNTY = "320213001", "320213015", "320213"  # 崇安寺街道, 山北街道, 梁溪区
CENTRE = "320200-gov"  # the 12345 centre of 无锡
VETERANS = "320213001-veterans"  # 崇安寺退役军人服务站, a functional department of the street
MINISTRY = "100000-public_security"  # 公安部
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"P{next(counter):06d}")


def report(bus: MessageBus, *places: str, matter: str = "catering_fume") -> str:
    return bus.handle(c.ReportCase(by="reporter", matter=matter, affected=places or (STREET,),
                                   description="楼下饭店油烟直排，窗户都不能开")).case_id


def record(bus: MessageBus, case_id: str):
    with bus.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        return case.record


def events(bus: MessageBus, case_id: str) -> list[str]:
    with bus.uow() as uow:
        return [type(e).__name__ for e in uow.cases.events(case_id)]


def refused(bus: MessageBus, command: c.Command, code: str) -> DomainError:
    with pytest.raises(DomainError) as info:
        bus.handle(command)
    assert info.value.code == code, explain(info.value)
    return info.value


def test_a_township_veterans_station_may_not_dispatch(bus: MessageBus) -> None:
    cid = report(bus)
    error = refused(bus, c.DispatchCase(by=VETERANS, case_id=cid), "power.government_only")
    assert explain(error) == ("崇安寺退役军人服务站（320213001-veterans）不能派单：乡级的“派单、改派与并单”"
                              "（治理要素：基层治理）由属地政府行使，应由崇安寺街道办事处办理")
    assert "territorial government" in explain(error, "en")
    assert record(bus, cid).state.value == "received" and events(bus, cid) == ["CaseReported"]
    bus.handle(c.DispatchCase(by=f"{STREET}-gov", case_id=cid))  # the street office itself may (基层治理)
    assert record(bus, cid).dispatcher == f"{STREET}-gov"


def test_the_central_level_may_not_dispatch_a_townships_routine_case(bus: MessageBus) -> None:
    cid = report(bus)
    error = refused(bus, c.DispatchCase(by=MINISTRY, case_id=cid), "power.not_granted")
    text = explain(error)
    assert text.startswith("公安部（100000-public_security）不能派单：中央的治理要素（政策制定、统筹规划、"
                           "指导督促、资源支持、信息发布）不含“派单、改派与并单”")
    assert text.endswith("可以派单的层级：省级、市级、县级、乡级")
    assert explain(error, "en").endswith("levels that may: province、city、county、township")
    refused(bus, c.DispatchCase(by="100000-gov", case_id=cid), "power.not_granted")  # 国务院 neither
    assert record(bus, cid).state.value == "received"


def test_a_centre_dispatches_only_what_is_reported_in_its_jurisdiction(bus: MessageBus) -> None:
    cid = report(bus)
    error = refused(bus, c.DispatchCase(by="320500-gov", case_id=cid), "power.outside_jurisdiction")
    assert "苏州市人民政府" in explain(error) and "崇安寺街道" in explain(error)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))


def test_merge_redispatch_and_scope_follow_the_same_rule(bus: MessageBus) -> None:
    first, second = report(bus), report(bus)
    refused(bus, c.MergeCase(by=f"{COUNTY}-urban_management", case_id=second, into=first),
            "power.government_only")
    bus.handle(c.DispatchCase(by=CENTRE, case_id=first))
    lead = record(bus, first).lead
    assert lead == f"{COUNTY}-urban_management"
    refused(bus, c.RedispatchCase(by=MINISTRY, case_id=first, lead=f"{COUNTY}-market_regulation"),
            "power.not_granted")
    refused(bus, c.WidenScope(by=VETERANS, case_id=first, added=(OTHER_STREET,)), "power.government_only")
    bus.handle(c.WidenScope(by=lead, case_id=first, added=(OTHER_STREET,)))  # its own lead may (办理案件)
    assert OTHER_STREET in record(bus, first).affected
    bus.handle(c.MergeCase(by=CENTRE, case_id=second, into=first))
    assert record(bus, second).state.value == "merged"


def test_an_open311_channel_dispatches_with_the_centres_power(bus: MessageBus) -> None:
    command = c.ReportCase(by="reporter", matter="catering_fume", affected=(STREET,), description="油烟",
                           dispatch_by=MINISTRY)
    refused(bus, command, "power.not_granted")
    with bus.uow() as uow:
        assert uow.cases.open_due_before(START + timedelta(days=400)) == []


def overdue(bus: MessageBus, case_id: str) -> None:
    """Move the clock past the point where the chain escalates, and run it."""
    r = record(bus, case_id)
    assert r.due is not None and r.dispatched_at is not None
    assert isinstance(bus.clock, ManualClock)
    bus.clock.set(r.due + (r.due - r.dispatched_at) * 1.1)
    bus.sweep(horizon=timedelta(days=400))


def test_a_routine_case_escalates_to_its_ceiling_then_is_supervised(bus: MessageBus) -> None:
    """餐饮油烟 (routine, ceiling 市级): county → city, then 督办 by the province, never a takeover."""
    cid = report(bus)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    assert (record(bus, cid).owner, record(bus, cid).owner_level) == (COUNTY, Level.COUNTY)
    overdue(bus, cid)
    city = record(bus, cid)
    assert (city.owner, city.lead, city.escalations) == ("320200", "320200-urban_management", 1)
    overdue(bus, cid)
    held = record(bus, cid)
    assert (held.owner, held.lead, held.escalations, held.held) == (
        "320200", "320200-urban_management", 1, True)
    assert "320000-urban_management" in held.members(Role.SUPERVISE)
    tail = events(bus, cid)[-2:]
    assert tail == ["EscalationHeld", "CriticismRecorded"]
    with bus.uow() as uow:
        stored = uow.cases.events(cid)
    assert stored[-2].ceiling == Level.CITY and stored[-2].supervisor == "320000-urban_management"
    assert "提级上限" in stored[-1].reason
    overdue(bus, cid)  # later still: nothing climbs further
    assert record(bus, cid).owner == "320200" and events(bus, cid)[-2:] == tail
    assert "CaseEscalated" not in events(bus, cid)[events(bus, cid).index("EscalationHeld"):]


def test_a_request_to_escalate_past_the_ceiling_is_refused(bus: MessageBus) -> None:
    cid = report(bus)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    lead = record(bus, cid).lead
    bus.handle(c.EscalateCase(by=lead, case_id=cid, reason="涉及多家商户，需市级统筹"))
    city_lead = record(bus, cid).lead
    error = refused(bus, c.EscalateCase(by=city_lead, case_id=cid, reason="请省里办"),
                    "case.escalation_ceiling")
    assert explain(error).startswith("不能提级：餐饮油烟扰民（一般诉求）的提级上限为市级，案件已由市级负责")
    assert "Catering fume nuisance (Routine)" in explain(error, "en")
    assert record(bus, cid).owner == "320200"


def test_the_supervisor_of_a_held_case_finds_it_in_its_inbox(uow_factory: Callable[[], UnitOfWork]) -> None:
    """Where the policy supervises only after the escalation point, the hold is what brings the
    department above onto the team: the stores' member lists (the inbox) follow it."""
    late = CasePolicy(overrides={"catering_fume": EscalationPolicy(supervise_after=300, escalate_after=100)})
    rules = Rules(RULES.router, RULES.calendar, late)
    counter = iter(range(1, 100))
    bus = MessageBus(uow=uow_factory, rules=rules, clock=ManualClock(START),
                     new_id=lambda: f"S{next(counter):06d}")
    cid = report(bus)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    overdue(bus, cid)  # to the city
    overdue(bus, cid)  # held there
    assert events(bus, cid)[-2:] == ["EscalationHeld", "CriticismRecorded"]
    assert "SupervisionStarted" not in events(bus, cid)
    with bus.uow() as uow:
        inbox = uow.case_reads.inbox("320000-urban_management")
    assert [(s.case_id, s.role) for s in inbox] == [(cid, "supervise")]
