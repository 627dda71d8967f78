"""Linkage instruments for the tests: the departments that issue and receive them (江苏, 无锡, 苏州,
梁溪), a bus on any back-end with a manual clock and instrument ids in order, and read-backs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.instruments.instrument import InstrumentRules
from liandong.domain.instruments.record import InstrumentRecord
from liandong.services import instruments as i
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.worlds import catalogue, national, national_case_rules

PROVINCE, WUXI, SUZHOU = "320000-gov", "320200-gov", "320500-gov"
LIANGXI, STREET = "320213-gov", "320213001-gov"
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@cache
def instrument_rules() -> InstrumentRules:
    """The platform's instrument rules over the national list and the packaged catalogue."""
    return InstrumentRules(Router(national(), catalogue()), catalogue().governance)


def instrument_bus(uow: Callable[[], UnitOfWork]) -> i.InstrumentBus:
    """A bus at T on ``uow`` whose instruments are I0001, I0002, … in order of issue."""
    counter = iter(range(1, 1000))
    return i.InstrumentBus(uow=uow, rules=instrument_rules(), clock=ManualClock(T),
                           new_id=lambda: f"I{next(counter):04d}")


def cases(bus: i.InstrumentBus, *places: str) -> list[str]:
    """A case reported at each place (a township or county code) on the bus's store, at its clock:
    their ids, for an instrument's evidence."""
    reporting = MessageBus(uow=bus.uow, rules=national_case_rules(), clock=bus.clock)
    return [reporting.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(place,),
                                          description="夜间施工噪声扰民")).aggregate_id for place in places]


def number(bus: i.InstrumentBus, case_id: str) -> str:
    """A case's readable number (案件编号)."""
    with bus.uow() as u:
        return u.case_reads.number_of(case_id)


def at(bus: i.InstrumentBus, moment: datetime) -> i.InstrumentBus:
    assert isinstance(bus.clock, ManualClock)
    bus.clock.set(moment)
    return bus


def record(bus: i.InstrumentBus, iid: str) -> InstrumentRecord:
    with bus.uow() as u:
        found = u.instruments.get(iid)
        assert found is not None
        return found.record


def overdue(bus: i.InstrumentBus, iid: str) -> list[tuple[str, str, str]]:
    with bus.uow() as u:
        return [(e.department, e.what, e.escalated_to) for e in u.instruments.events(iid)
                if type(e).__name__ == "Overdue"]
