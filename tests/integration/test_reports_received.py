"""The reports demand insight reads, on memory, SQLite and PostgreSQL alike: the report as taken
in, its matter after 改类, open or not, the latest rating; only those received in the window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.cases import CENTRE
from tests.factories.worlds import national_case_rules

RULES = national_case_rules()

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_reports_received_in_a_window(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(T)
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock)
    early = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                    description="早到的诉求")).case_id
    clock.set(T + timedelta(hours=2))
    noise = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                    description="工地夜间打桩", address="崇安寺街道人民中路")).case_id
    bus.handle(c.ReclassifyCase(by=CENTRE, case_id=noise, matter="construction_noise"))
    clock.set(T + timedelta(hours=3))
    lamp = bus.handle(c.ReportCase(by="reporter", matter="street_lights", affected=("320213015",),
                                   description="路灯不亮")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=lamp))
    with bus.uow() as u:
        case = u.cases.get(lamp)
        assert case is not None
        lead = case.record.lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=lamp))
    bus.handle(c.ResolveCase(by=lead, case_id=lamp, summary="已更换灯泡"))
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=lamp, contacted=True, solved=False, rating="unsatisfied"))

    with bus.uow() as u:
        rows = u.case_reads.reports_received(T + timedelta(hours=1), T + timedelta(days=1))
    assert [r.case_id for r in rows] == [noise, lamp] and early not in {r.case_id for r in rows}
    first, second = rows
    assert (first.matter, first.reported_matter) == ("construction_noise", "social_life_noise")
    assert first.description == "工地夜间打桩" and first.address == "崇安寺街道人民中路"
    assert first.affected == ("320213001",) and first.is_open and first.rating == ""
    assert first.received_at == T + timedelta(hours=2)
    assert second.rating == "unsatisfied" and second.matter == second.reported_matter == "street_lights"
