"""The reads behind the public feed and the tracking code's recovery, on memory, SQLite and
PostgreSQL alike: the latest consented reports under an area (by place in the store), and the
latest cases a phone number reported (by its digest)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from liandong.domain.cases import commands as c
from liandong.domain.contact import phone_digest
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.worlds import national_case_rules

RULES = national_case_rules()
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_consented_reports_by_area_and_cases_by_phone(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(T)
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock)

    def report(place: str, *, publish: bool, phone: str = "") -> str:
        clock.advance(timedelta(minutes=1))
        return bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(place,),
                                       description="垃圾", publish=publish, reporter_phone=phone)).case_id

    street = report("320213001", publish=True, phone="13900001111")
    report("320213001", publish=False, phone="13900001111")
    other_county = report("320214001", publish=True)
    newest = report("320213015", publish=True, phone="139 0000 1111")
    with bus.uow() as uow:
        reads = uow.case_reads
        assert reads.recent_ids(consented=True, scope="320213") == [newest, street]
        assert reads.recent_ids(consented=True, scope="320213001") == [street]
        assert reads.recent_ids(consented=True) == [newest, other_county, street]
        assert len(reads.recent_ids(scope="320213")) == 3
        mine = reads.cases_for_phone(phone_digest("13900001111", b""), limit=5)
        assert mine[0] == newest and street in mine and len(mine) == 3
        assert reads.cases_for_phone(phone_digest("13900001111", b""), limit=1) == [newest]
        assert reads.cases_for_phone(phone_digest("13700002222", b"")) == []


def test_reports_the_centre_withheld_leave_the_public_reads(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(T)
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=clock)

    def report() -> str:
        clock.advance(timedelta(minutes=1))
        case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                          description="垃圾", publish=True)).case_id
        bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
        return case_id

    kept, taken = report(), report()
    bus.handle(c.ModerateCase(by="320200-gov", case_id=taken, shown="no", reason="含侮辱性语言"))
    with bus.uow() as uow:
        reads = uow.case_reads
        assert reads.recent_ids(consented=True, public=True, scope="320213") == [kept]
        assert reads.recent_ids(public=True) == [kept]
        assert reads.recent_ids(consented=True) == [taken, kept]  # the centre's own reads still see it
        assert reads.get(taken).record.public_withheld  # type: ignore[union-attr]
    bus.handle(c.ModerateCase(by="320200-gov", case_id=taken, shown="yes", reason="已核实"))
    with bus.uow() as uow:
        assert uow.case_reads.recent_ids(consented=True, public=True) == [taken, kept]
