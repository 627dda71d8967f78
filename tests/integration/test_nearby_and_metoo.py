"""已有人反映？ and 附议 on memory, SQLite and PostgreSQL alike: the open reports of a matter at a
township or within a radius of a pin (the store's ``case_spot`` kept in step with the case), and a
citizen's "me too" raising the heat until the level above is present."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.domain.nearby import Point
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.nearby import nearby_open
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
A, B = "320213001", "320213015"  # two streets of 梁溪区, 无锡
CENTRE = "320200-gov"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PIN = Point.of(31.58, 120.30)
NOISE, GARBAGE = "social_life_noise", "garbage_collection"


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"C{next(counter):06d}")


def report(bus: MessageBus, place: str, matter: str = NOISE, at: Point | None = None) -> str:
    return bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(place,),
                                   description="夜间广场舞音响扰民",
                                   coordinates=at.text() if at else "")).case_id


def north(metres: float) -> Point:
    return Point.of(PIN.lat + metres / 111_195, PIN.lng)


def found(bus: MessageBus, matter: str = NOISE, place: str = "", point: Point | None = None,
          radius_m: int = 500) -> list[str]:
    rows = nearby_open(bus.uow, matter=matter, place=place, point=point, radius_m=radius_m)
    return [n.record.id for n in rows]


def test_nearby_finds_the_open_reports_of_the_matter_at_the_township_or_the_pin(bus: MessageBus) -> None:
    here = report(bus, A, at=PIN)
    close = report(bus, B, at=north(300))
    far = report(bus, B, at=north(2000))
    other_matter = report(bus, A, GARBAGE, at=PIN)
    no_pin = report(bus, A)
    # the pin finds what is within the radius, nearest first; the township adds what had no pin
    assert found(bus, place=A, point=PIN) == [here, close, no_pin]
    assert found(bus, point=PIN, radius_m=5000) == [here, close, far]
    assert found(bus, place=B) == [far, close]  # newest first without a pin
    assert found(bus, GARBAGE, point=PIN) == [other_matter]
    d = [n.distance_m for n in nearby_open(bus.uow, matter=NOISE, point=PIN, radius_m=5000)]
    assert d[0] == 0 and 295 < (d[1] or 0) < 305 and 1990 < (d[2] or 0) < 2010
    with pytest.raises(DomainError) as refused:
        found(bus, point=PIN, radius_m=50_000)
    assert refused.value.code == "nearby.bad_radius"


def test_nearby_follows_the_case_corrected_resolved_and_reopened(bus: MessageBus) -> None:
    moved = report(bus, A, at=PIN)
    done = report(bus, A, at=PIN)
    bus.handle(c.ReclassifyCase(by=CENTRE, case_id=moved, matter=GARBAGE, reason="实为垃圾清运"))
    assert found(bus, place=A) == [done] and found(bus, GARBAGE, place=A) == [moved]
    bus.handle(c.DispatchCase(by=CENTRE, case_id=done))
    with bus.uow() as uow:
        record = uow.cases.get(done)
        assert record is not None
        lead, assists = record.record.lead, record.record.pending_assists()
    bus.handle(c.AcknowledgeCase(by=lead, case_id=done))
    for assist in assists:
        bus.handle(c.ReportAssist(by=assist, case_id=done, summary="已落实"))
    bus.handle(c.ResolveCase(by=lead, case_id=done, summary="已处理"))
    assert found(bus, place=A) == []  # resolved: no more "me too"
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=done, contacted=True, solved=False, rating="unsatisfied",
                              handler_at_fault=True))
    assert found(bus, place=A) == [done]  # unsatisfied for a cause of the handler: reopened (重办)


def test_me_too_is_recorded_and_raises_the_heat_until_the_level_above_is_present(bus: MessageBus) -> None:
    case_id = report(bus, A, at=PIN)
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    with bus.uow() as uow:
        seen = uow.cases.get(case_id)
        assert seen is not None
        lead, version = seen.record.lead, seen.version
    result = bus.handle(c.SupportCase(by="reporter", case_id=case_id, reporter_phone="138 1234 5678"))
    assert [type(e).__name__ for e in result.events] == ["ReportSupported", "HeatChanged"]
    supported = result.events[0]
    assert supported.supporters == 1 and supported.reporter_phone == "13812345678"
    # a "me too" is noted, not a change of the case: a handler who saw it before acts unrefused
    bus.handle(c.AcknowledgeCase(by=lead, case_id=case_id, expected_version=version))
    for _ in range(15):
        result = bus.handle(c.SupportCase(by="reporter", case_id=case_id))
    names = [type(e).__name__ for e in result.events]
    assert names == ["ReportSupported", "HeatChanged", "SupervisionStarted"]  # 16 × 5 = 80: the threshold
    with bus.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None
        record = case.record
    assert (record.supporters, record.heat, record.heat_present) == (16, 80, True)
    for _ in range(5):
        bus.handle(c.SupportCase(by="reporter", case_id=case_id))
    with bus.uow() as uow:
        again = uow.cases.get(case_id)
        assert again is not None
    assert (again.record.supporters, again.record.heat) == (21, 100)  # heat stops at 100; supporters count on


def test_me_too_is_refused_once_the_case_is_merged_or_with_a_bad_phone(bus: MessageBus) -> None:
    first, second = report(bus, A, at=PIN), report(bus, A, at=PIN)
    bus.handle(c.MergeCase(by=CENTRE, case_id=second, into=first))
    with pytest.raises(DomainError) as refused:
        bus.handle(c.SupportCase(by="reporter", case_id=second))
    assert refused.value.code == "case.illegal_transition"
    with pytest.raises(DomainError) as bad:
        bus.handle(c.SupportCase(by="reporter", case_id=first, reporter_phone="12"))
    assert bad.value.code == "case.bad_phone"
    assert found(bus, place=A) == [first]  # the merged one is gone from the list
