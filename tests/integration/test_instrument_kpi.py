"""Instrument indicators on a hand-computed set of instruments (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liandong.assessment.instrument_kpi import instrument_counts, rate
from liandong.services import instruments as i
from liandong.services.ports import UnitOfWork
from tests.factories.instruments import DAY, LIANGXI, PROVINCE, STREET, SUZHOU, WUXI, T, at, instrument_bus


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> i.InstrumentBus:
    return instrument_bus(uow_factory)


def test_briefings_directives_rectification_and_pilot_reports(bus: i.InstrumentBus) -> None:
    # a briefing from the street, read by the county in time and by the city too late
    brief = bus.handle(i.Issue(by=STREET, kind="briefing", title="简报", scope="320213001",
                               addressees=(LIANGXI, WUXI), due=T + 7 * DAY,
                               read_limit_hours=24)).instrument_id
    at(bus, T + DAY / 2).handle(i.MarkRead(by=LIANGXI, instrument_id=brief))
    at(bus, T + 2 * DAY).handle(i.MarkRead(by=WUXI, instrument_id=brief))
    # a directive from the city: the county answers in time, the street never
    at(bus, T)
    bus.handle(i.Issue(by=WUXI, kind="directive", title="批示", scope="320213", addressees=(LIANGXI, STREET),
                       due=T + 2 * DAY))
    order = bus.handle(i.Issue(by=WUXI, kind="directive", title="批示二", scope="320213",
                               addressees=(LIANGXI,),
                               due=T + 2 * DAY)).instrument_id
    at(bus, T + DAY).handle(i.Respond(by=LIANGXI, instrument_id=order, text="已办"))
    # an inspection: the city's task done in time and verified; the county's done late
    at(bus, T)
    check = bus.handle(i.Issue(by=PROVINCE, kind="inspection", title="督导", scope="320200",
                               addressees=(WUXI, LIANGXI), due=T + 30 * DAY)).instrument_id
    for task, owner in (("T1", WUXI), ("T2", LIANGXI)):
        bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task=task, owner=owner, title=task,
                                due=T + 5 * DAY))
    at(bus, T + 4 * DAY).handle(i.CompleteTask(by=WUXI, instrument_id=check, task="T1"))
    at(bus, T + 6 * DAY).handle(i.CompleteTask(by=LIANGXI, instrument_id=check, task="T2"))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T1", accepted=True))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T2", accepted=True))
    # a pilot with a 30-day cadence: 无锡 reports once in 65 days (2 due), 苏州 twice
    at(bus, T)
    pilot = bus.handle(i.Issue(by=PROVINCE, kind="pilot", title="试点", scope="320000",
                               addressees=(WUXI, SUZHOU), cadence_days=30)).instrument_id
    at(bus, T + 20 * DAY).handle(i.Report(by=WUXI, instrument_id=pilot, text="一"))
    bus.handle(i.Report(by=SUZHOU, instrument_id=pilot, text="一"))
    at(bus, T + 50 * DAY).handle(i.Report(by=SUZHOU, instrument_id=pilot, text="二"))
    with bus.uow() as u:
        found = [u.instruments.get(x) for x in {*u.instruments.open_ids(), order, check}]
    records = [f.record for f in found if f is not None]
    got = instrument_counts(records, T - DAY, T + DAY, T + 65 * DAY)
    assert rate(got[LIANGXI], "briefing_read_in_time") == 1
    assert rate(got[WUXI], "briefing_read_in_time") == 0
    assert (got[LIANGXI]["directives_answered_in_time"], got[LIANGXI]["directives_due"]) == (1, 2)
    assert (got[STREET]["directives_answered_in_time"], got[STREET]["directives_due"]) == (0, 1)
    assert rate(got[WUXI], "rectification_completed") == 1
    assert rate(got[LIANGXI], "rectification_completed") == 0
    assert (got[WUXI]["pilot_reports_made"], got[WUXI]["pilot_reports_due"]) == (1, 2)
    assert rate(got[SUZHOU], "pilot_reports_on_time") == 1
    assert PROVINCE not in got and rate({}, "pilot_reports_on_time") is None  # nothing to count: no value
    early = instrument_counts(records, T - DAY, T + DAY, T + 3 * DAY)  # tasks not yet due
    assert early[WUXI]["tasks_due"] == 0 and early[WUXI]["briefings_due"] == 1
    assert pytest.approx(rate(early[WUXI], "briefing_read_in_time")) == 0
