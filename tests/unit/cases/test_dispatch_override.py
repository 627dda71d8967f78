"""派单 to a department the dispatcher names instead of the routed lead: within the dispatcher's reach
only (the same rule as 改派), in one command — the record keeps both the routing's lead and the one
chosen — and ``Router.reach`` lists exactly the units ``check_reach`` accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.cases.routing import Role
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.cases import CENTRE, STREET
from tests.factories.worlds import case_rules

RULES = case_rules()  # over 江苏


@pytest.fixture
def bus() -> MessageBus:
    uow = MemoryUnitOfWork()
    return MessageBus(uow=lambda: uow, rules=RULES, clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))


def _report(bus: MessageBus) -> str:
    return bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(STREET,),
                                   description="垃圾站旁有人打架")).case_id


def test_the_dispatcher_names_another_lead_within_reach(bus: MessageBus) -> None:
    cid = _report(bus)
    result = bus.handle(c.DispatchCase(by=CENTRE, case_id=cid, lead=f"{STREET}-public_security"))
    routed = next(e for e in result.events if isinstance(e, ev.CaseRouted))
    dispatched = next(e for e in result.events if isinstance(e, ev.CaseDispatched))
    assert routed.lead == f"{STREET}-urban_management" and dispatched.lead == f"{STREET}-public_security"
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        record = case.record
    assert record.lead == f"{STREET}-public_security" and record.state.value == "dispatched"
    assert record.team[f"{STREET}-urban_management"].role is Role.ASSIST  # as after 改派


def test_a_lead_out_of_reach_is_refused_and_nothing_changes(bus: MessageBus) -> None:
    cid = _report(bus)
    for lead in ("320506-urban_management", "320213015-urban_management", "320000-public_security"):
        with pytest.raises(DomainError) as refused:  # 苏州; another street; above the centre
            bus.handle(c.DispatchCase(by=CENTRE, case_id=cid, lead=lead))
        assert refused.value.code == "case.lead_out_of_reach"
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.state.value == "received" and case.version == 1
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid, lead=f"{STREET}-urban_management"))  # the routed one


def test_reach_lists_what_check_reach_accepts() -> None:
    router = RULES.router
    units = router.reach(CENTRE, (STREET, "320213015"))
    assert units[:2] == ["320200", "320213"] and set(units[2:]) == {STREET, "320213015"}
    for unit in units:
        router.check_reach(CENTRE, f"{unit}-gov", (STREET, "320213015"))
    district = router.reach("320213-gov", ("320213",))  # a district case: the district and its streets
    assert district[0] == "320213" and len(district) == 1 + len(router.hierarchy.children("320213"))
    assert all(RULES.router.hierarchy.is_ancestor("320213", u) for u in district)
