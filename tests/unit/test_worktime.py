"""Working-day deadlines on the real Chinese calendar, with holidays and adjusted working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.adapters.calendar import CalendarFallbackWarning, ChineseWorkCalendar
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI, WeekendCalendar

CAL = ChineseWorkCalendar()


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def test_national_day_2025_and_its_adjusted_working_days() -> None:
    assert not CAL.is_workday(date(2025, 10, 1)) and not CAL.is_workday(date(2025, 10, 8))
    assert CAL.is_workday(date(2025, 9, 28))  # a Sunday worked in lieu
    assert CAL.is_workday(date(2025, 10, 11))  # a Saturday worked in lieu
    # dispatched on 30 Sep: the 1st working day after is 9 Oct
    assert CAL.deadline(sh(2025, 9, 30, 10), 1, "wd") == sh(2025, 10, 9, 17, 30)
    # 3 working days: 9, 10, 11 (Saturday, adjusted) October
    assert CAL.deadline(sh(2025, 9, 30, 10), 3, "wd") == sh(2025, 10, 11, 17, 30)


def test_spring_festival_2026() -> None:
    assert not CAL.is_workday(date(2026, 2, 16))
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday, adjusted working day
    # a Friday dispatch before the festival, 2 working days → Saturday 14 Feb, then 24 Feb
    assert CAL.deadline(sh(2026, 2, 13, 9), 1, "wd") == sh(2026, 2, 14, 17, 30)
    assert CAL.deadline(sh(2026, 2, 13, 9), 2, "wd") == sh(2026, 2, 24, 17, 30)


def test_ordinary_weeks_and_weekend_starts() -> None:
    assert CAL.deadline(sh(2026, 3, 6, 10), 1, "wd") == sh(2026, 3, 9, 17, 30)  # Fri → Mon
    assert CAL.deadline(sh(2026, 3, 7, 10), 1, "wd") == sh(2026, 3, 9, 17, 30)  # Sat → Mon
    assert CAL.deadline(sh(2026, 3, 2, 9), 7, "wd") == sh(2026, 3, 11, 17, 30)
    assert CAL.deadline(sh(2026, 3, 2, 9), 7, "wd").tzinfo == UTC


def test_clock_hours_cross_midnight_and_weekends() -> None:
    assert CAL.deadline(sh(2026, 3, 7, 23), 2, "h") == sh(2026, 3, 8, 1)
    assert CAL.deadline(sh(2026, 3, 6, 12), 24, "h") == sh(2026, 3, 7, 12)


def test_working_hours_between() -> None:
    assert CAL.working_hours_between(sh(2026, 3, 2, 11), sh(2026, 3, 2, 14)) == pytest.approx(1.5)
    assert CAL.working_hours_between(sh(2026, 3, 6, 16), sh(2026, 3, 9, 10)) == pytest.approx(2.5)
    assert CAL.working_hours_between(sh(2025, 9, 30, 17), sh(2025, 10, 9, 9, 30)) == pytest.approx(1.0)
    assert CAL.working_hours_between(sh(2026, 3, 2, 9), sh(2026, 3, 3, 9)) == pytest.approx(7.0)
    assert CAL.working_hours_between(sh(2026, 3, 3), sh(2026, 3, 2)) == 0.0
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3


def test_weekend_calendar_and_fallback_warning() -> None:
    weekend = WeekendCalendar()
    assert weekend.deadline(sh(2025, 9, 30, 10), 1, "wd") == sh(2025, 10, 1, 17, 30)
    fresh = ChineseWorkCalendar()
    assert fresh.known_until() == date(2026, 12, 31)
    with pytest.warns(CalendarFallbackWarning, match="2031"):
        assert fresh.deadline(sh(2031, 1, 3, 10), 1, "wd") == sh(2031, 1, 6, 17, 30)


def test_refusals() -> None:
    with pytest.raises(DomainError, match=r"time\.naive"):
        CAL.deadline(datetime(2026, 3, 2, 9), 1, "wd")  # noqa: DTZ001 - the refusal under test
    with pytest.raises(DomainError, match=r"limit\.bad"):
        CAL.deadline(sh(2026, 3, 2, 9), 1, "d")
    with pytest.raises(DomainError, match=r"limit\.bad"):
        CAL.deadline(sh(2026, 3, 2, 9), 0, "wd")


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2026, 11, 30)),  # noqa: DTZ001
       st.integers(1, 20))
def test_deadlines_grow_and_land_at_the_end_of_a_working_day(start: datetime, n: int) -> None:
    moment = start.replace(tzinfo=SHANGHAI)
    due = CAL.deadline(moment, n, "wd")
    later = CAL.deadline(moment, n + 1, "wd")
    assert later > due > moment
    local = due.astimezone(SHANGHAI)
    assert (local.hour, local.minute) == (17, 30) and CAL.is_workday(local.date())
    assert CAL.working_days_between(moment.date(), local.date()) == n
    assert due - moment < timedelta(days=n * 7 + 14)
