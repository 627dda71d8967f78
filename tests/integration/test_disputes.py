"""Disputes settled on a timer (issue 25 point 3): a return with its category, ruled on within the
policy's limit or supervised by the sweep; a second return goes to the territory's government
(编办仲裁), whose ruling binds and becomes a proposed change of the dispatch catalogue. On memory,
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Role, Router
from liandong.domain.cases.rules import RETURN_CATEGORIES, CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.disputes import catalogue_proposals
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
A, COUNTY = "320213001", "320213"  # a street of 梁溪区, 无锡
CENTRE, CITY_GOV, COUNTY_GOV = "320200-gov", "320200-gov", "320213-gov"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
DAY = timedelta(days=1)


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"D{next(counter):06d}")


def advance(bus: MessageBus, delta: timedelta) -> None:
    assert isinstance(bus.clock, ManualClock)
    bus.clock.advance(delta)


def record(bus: MessageBus, case_id: str):
    with bus.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        return case.record


def waiting(bus: MessageBus, department: str) -> list[tuple[str, str]]:
    with bus.uow() as uow:
        return [(w.duty.subject_id, w.duty.kind.value) for w in uow.duties.waiting_on(department)]


def dispatched(bus: MessageBus) -> tuple[str, str]:
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(A,),
                                  description="夜间广场舞音响扰民", reporter_phone="13812345678")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    return cid, record(bus, cid).lead


def test_a_return_names_a_category_from_the_fixed_list(bus: MessageBus) -> None:
    cid, lead = dispatched(bus)
    with pytest.raises(DomainError, match=r"case\.bad_return_category") as refused:
        bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="不归我们管", category="lazy"))
    assert refused.value.params["allowed"] == ", ".join(RETURN_CATEGORIES)
    bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="该路段属相邻街道", category="wrong_area"))
    pending = record(bus, cid).pending_return
    assert pending is not None and pending.category == "wrong_area"
    assert pending.decide_by == RULES.calendar.deadline(START, 1, "wd")  # the policy's limit
    assert (cid, "decide_return") in waiting(bus, CENTRE)


def test_a_ruling_not_given_in_time_is_supervised_by_the_sweep(bus: MessageBus) -> None:
    cid, lead = dispatched(bus)
    bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="非本单位职责", category="not_our_duty",
                            disputed=True))
    assert bus.sweep() == 0  # the ruling is not late yet
    advance(bus, timedelta(days=1, hours=9))  # Tuesday 18:00: past the end of the next working day
    assert bus.sweep() == 1
    r = record(bus, cid)  # a street's case: its county decides; the city supervises the late ruling
    assert r.pending_return is not None and r.pending_return.decider == COUNTY_GOV
    assert r.ruling_overdue and r.team[CITY_GOV].role is Role.SUPERVISE
    assert bus.sweep() == 0  # once
    bus.handle(c.DecideReturn(by=COUNTY_GOV, case_id=cid, decision="uphold", ruling="属本单位职责"))
    assert not record(bus, cid).ruling_overdue


def test_a_second_return_goes_to_arbitration_whose_ruling_binds(bus: MessageBus) -> None:
    cid, lead = dispatched(bus)
    other = f"{COUNTY}-public_security"
    bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="噪声属治安管理", category="not_our_duty"))
    bus.handle(c.DecideReturn(by=CENTRE, case_id=cid, decision="reassign", lead=other))
    bus.handle(c.ReturnCase(by=other, case_id=cid, reason="广场舞噪声属城管", category="not_our_duty"))
    pending = record(bus, cid).pending_return
    assert pending is not None and pending.arbitration and pending.decider == COUNTY_GOV
    assert (cid, "arbitrate_return") in waiting(bus, COUNTY_GOV)
    assert (cid, "decide_return") not in waiting(bus, CENTRE)
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.DecideReturn(by=CENTRE, case_id=cid, decision="uphold", ruling="x"))
    with pytest.raises(DomainError, match=r"case\.ruling_required"):
        bus.handle(c.DecideReturn(by=COUNTY_GOV, case_id=cid, decision="reassign", lead=lead))
    bus.handle(c.DecideReturn(by=COUNTY_GOV, case_id=cid, decision="reassign", lead=lead,
                              ruling="依三定规定，社会生活噪声由城管执法承办"))
    r = record(bus, cid)
    assert r.lead == lead and r.bound_lead == lead
    assert (cid, "arbitrate_return") not in waiting(bus, COUNTY_GOV)
    with pytest.raises(DomainError, match=r"case\.ruling_binds"):
        bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="仍不属于", category="not_our_duty"))
    (proposal,) = catalogue_proposals(bus.uow, since=START - DAY, until=START + DAY)
    assert (proposal.case_id, proposal.matter, proposal.places, proposal.proposed_lead) == (
        cid, "social_life_noise", (A,), lead)
    assert (proposal.arbiter, proposal.returned_by, proposal.category) == (COUNTY_GOV, other, "not_our_duty")
    assert proposal.ruling == "依三定规定，社会生活噪声由城管执法承办"


def test_a_first_ruling_binds_nobody_and_proposes_nothing(bus: MessageBus) -> None:
    cid, lead = dispatched(bus)
    bus.handle(c.ReturnCase(by=lead, case_id=cid, reason="非本单位职责", category="not_our_duty"))
    bus.handle(c.DecideReturn(by=CENTRE, case_id=cid, decision="uphold"))
    assert record(bus, cid).bound_lead == ""
    assert catalogue_proposals(bus.uow, since=START - DAY, until=START + DAY) == []


def test_the_form_offers_exactly_the_categories_the_rules_accept() -> None:
    assert tuple(code for code, _ in c.RETURN_CATEGORIES) == RETURN_CATEGORIES
