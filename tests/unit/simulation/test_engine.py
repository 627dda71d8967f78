"""The event list, the multi-server queues and working time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.domain.worktime import SHANGHAI
from liandong.simulation.engine import EventList, Servers, WorkingTime


def test_events_pop_by_time_then_priority_then_sequence() -> None:
    ev = EventList()
    seen: list[str] = []
    ev.schedule(5.0, 1, 0, "late")
    ev.schedule(1.0, 1, 0, "first-p1-a")
    ev.schedule(1.0, 0, 0, "first-p0")
    ev.schedule(1.0, 1, 0, "first-p1-b")
    ev.run([seen.append])
    assert seen == ["first-p0", "first-p1-a", "first-p1-b", "late"]
    assert ev.now == 5.0 and ev.processed == 4


def test_run_stops_at_until_and_handlers_may_schedule() -> None:
    ev = EventList()
    seen: list[float] = []

    def tick(n: int) -> None:
        seen.append(ev.now)
        ev.schedule(ev.now + 1.0, 0, 0, n + 1)

    ev.schedule(0.0, 0, 0, 0)
    ev.run([tick], until=3.5)
    assert seen == [0.0, 1.0, 2.0, 3.0]
    assert len(ev) == 1


def test_servers_take_jobs_up_to_capacity_then_serve_by_priority_and_order() -> None:
    s = Servers()
    d = s.add(2)
    assert s.offer(d, 1, "a") and s.offer(d, 1, "b")
    assert not s.offer(d, 1, "c")
    assert not s.offer(d, 0, "urgent")
    assert not s.offer(d, 1, "e")
    assert [s.release(d), s.release(d), s.release(d)] == ["urgent", "c", "e"]
    assert s.release(d) is None and s.busy[d] == 1
    assert s.release(d) is None and s.busy[d] == 0


@pytest.fixture(scope="module")
def work() -> WorkingTime:
    # 2026-09-28 is a Monday; 2026-10-01…07 is the National Day holiday, 10-10 (Sat) is worked.
    return WorkingTime(ChineseWorkCalendar(), date(2026, 9, 28), 30)


def minute(work: WorkingTime, day: int, hh: int, mm: int = 0) -> float:
    return day * 1440.0 + hh * 60 + mm


def test_work_pauses_for_lunch_night_and_holidays(work: WorkingTime) -> None:
    # Monday 11:00 + 2 working hours: 11:00–12:00, lunch, 13:30–14:30
    assert work.end(minute(work, 0, 11), 120) == minute(work, 0, 14, 30)
    # Monday 17:00 + 1 h: 30 minutes today, 30 tomorrow from 09:00
    assert work.end(minute(work, 0, 17), 60) == minute(work, 1, 9, 30)
    # Wednesday 30 Sep 17:00 + 1 h: the holiday runs to 7 Oct; 8 Oct (Thu) is the next working day
    assert work.end(minute(work, 2, 17), 60) == minute(work, 10, 9, 30)
    # Work started at night begins the next morning
    assert work.end(minute(work, 0, 22), 30) == minute(work, 1, 9, 30)


def test_working_minutes_and_their_inverse_agree(work: WorkingTime) -> None:
    for t in (0.0, 600.0, 1000.0, 5000.0, 12345.0, 20000.0):
        w = work.working_minutes(t)
        assert work.working_minutes(work.at(w)) == pytest.approx(w)
    for t in (minute(work, 0, 10), minute(work, 1, 15, 45), minute(work, 10, 9, 1)):  # in office hours
        assert work.at(work.working_minutes(t)) == pytest.approx(t)
    assert work.minutes_per_workday == 420


def test_a_day_of_work_ends_at_the_platforms_end_of_day(work: WorkingTime) -> None:
    """Seven working hours from the first minute of a working day end at 17:30, the deadline rule."""
    cal = ChineseWorkCalendar()
    start = datetime(2026, 9, 28, 8, 0, tzinfo=SHANGHAI)
    due = cal.add_working_days(start - timedelta(days=1), 1).astimezone(SHANGHAI)
    assert work.end(minute(work, 0, 8), 420) == minute(work, 0, due.hour, due.minute)


def test_without_office_hours_work_is_wall_clock() -> None:
    work = WorkingTime(ChineseWorkCalendar(), date(2026, 9, 28), 3, office_hours=False)
    assert work.end(123.0, 60.0) == 183.0
    assert work.working_minutes(500.0) == 500.0
