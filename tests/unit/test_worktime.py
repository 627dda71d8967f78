"""Working-day deadlines on the real Chinese calendar, with holidays and adjusted working days (调休)."""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.adapters.calendar import CalendarFallbackWarning, ChineseWorkCalendar
from liandong.domain.errors import DomainError
from liandong.domain.worktime import END_OF_DAY, HOURS_PER_DAY, SHANGHAI, WeekendCalendar

CAL = ChineseWorkCalendar()
NEW_YORK = ZoneInfo("America/New_York")


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A moment in Shanghai local time."""
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def test_the_package_covers_2004_to_2026() -> None:
    assert (CAL.known_from(), CAL.known_until()) == (date(2004, 1, 1), date(2026, 12, 31))


def test_national_day_and_mid_autumn_2025() -> None:
    assert [CAL.is_workday(date(2025, 10, d)) for d in range(1, 13)] == [
        False, False, False, False, False, False, False, False,  # 1–8 October off
        True, True, True,  # 9, 10 and Saturday 11, an adjusted working day
        False]
    assert (CAL.is_workday(date(2025, 9, 27)), CAL.is_workday(date(2025, 9, 28))) == (False, True)
    # Crossing the holiday: dispatched 30 Sep, the first working day after it is 9 Oct.
    due = CAL.deadline(sh(2025, 9, 30, 10), 1, "wd")
    assert due == datetime(2025, 10, 9, 9, 30, tzinfo=UTC) == sh(2025, 10, 9, 17, 30)
    assert due.tzinfo is UTC
    assert CAL.deadline(sh(2025, 9, 30, 10), 3, "wd") == sh(2025, 10, 11, 17, 30)
    # Friday 26 Sep: Sunday 28 (worked in lieu) is the first working day, 9 Oct the fourth.
    assert [CAL.deadline(sh(2025, 9, 26, 15), n, "wd") for n in (1, 2, 3, 4)] == [
        sh(2025, 9, 28, 17, 30), sh(2025, 9, 29, 17, 30), sh(2025, 9, 30, 17, 30), sh(2025, 10, 9, 17, 30)]


def test_a_deadline_starting_on_an_adjusted_working_day() -> None:
    assert CAL.deadline(sh(2025, 10, 11, 9), 1, "wd") == sh(2025, 10, 13, 17, 30)  # Sat → Mon
    assert CAL.deadline(sh(2025, 9, 28, 9), 1, "wd") == sh(2025, 9, 29, 17, 30)  # Sun → Mon
    assert CAL.deadline(sh(2025, 10, 5, 9), 1, "wd") == sh(2025, 10, 9, 17, 30)  # a holiday start


def test_spring_festival_2026() -> None:
    assert [d for d in range(13, 29) if not CAL.is_workday(date(2026, 2, d))] == list(range(15, 24))
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))  # Saturdays in lieu
    assert CAL.deadline(sh(2026, 2, 13, 9), 1, "wd") == sh(2026, 2, 14, 17, 30)
    assert CAL.deadline(sh(2026, 2, 13, 9), 2, "wd") == sh(2026, 2, 24, 17, 30)
    assert CAL.deadline(sh(2026, 2, 16, 9), 1, "wd") == sh(2026, 2, 24, 17, 30)
    assert CAL.deadline(sh(2026, 2, 27, 9), 1, "wd") == sh(2026, 2, 28, 17, 30)


def test_spring_festival_2025() -> None:
    assert [CAL.deadline(sh(2025, 1, 24, 11), n, "wd") for n in (1, 2, 3)] == [
        sh(2025, 1, 26, 17, 30), sh(2025, 1, 27, 17, 30), sh(2025, 2, 5, 17, 30)]
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 8)) == 6  # 26, 27 Jan, 5–8 Feb


def test_ordinary_weeks_count_from_the_local_day_after_intake() -> None:
    assert CAL.deadline(sh(2026, 3, 6, 10), 1, "wd") == sh(2026, 3, 9, 17, 30)  # Friday → Monday
    assert CAL.deadline(sh(2026, 3, 6, 20), 1, "wd") == sh(2026, 3, 9, 17, 30)  # after hours alike
    assert CAL.deadline(sh(2026, 3, 7, 10), 1, "wd") == sh(2026, 3, 9, 17, 30)  # Saturday → Monday
    assert CAL.deadline(sh(2026, 3, 2, 9), 7, "wd") == sh(2026, 3, 11, 17, 30)
    # The day is Shanghai's, whatever zone the start is given in.
    assert CAL.deadline(datetime(2026, 3, 5, 15, 59, tzinfo=UTC), 1, "wd") == sh(2026, 3, 6, 17, 30)
    assert CAL.deadline(datetime(2026, 3, 5, 16, 0, tzinfo=UTC), 1, "wd") == sh(2026, 3, 9, 17, 30)


def test_clock_hours_are_elapsed_time() -> None:
    assert CAL.deadline(sh(2026, 3, 7, 23), 2, "h") == datetime(2026, 3, 7, 17, tzinfo=UTC)  # Sun 01:00
    assert CAL.deadline(sh(2026, 3, 7, 23), 2, "h").tzinfo is UTC
    assert CAL.deadline(sh(2026, 3, 6, 12), 24, "h") == sh(2026, 3, 7, 12)
    assert CAL.deadline(sh(2025, 9, 30, 22), 24, "h") == sh(2025, 10, 1, 22)  # holidays count
    # 01:30 EST + 2 h across the US spring-forward is 04:30 EDT, not 03:30.
    assert CAL.add_hours(datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK), 2) == datetime(
        2026, 3, 8, 8, 30, tzinfo=UTC)


def test_working_hours_between() -> None:
    hours = CAL.working_hours_between
    assert hours(sh(2026, 3, 2, 11), sh(2026, 3, 2, 14)) == 1.5  # lunch break 12:00–13:30
    assert hours(sh(2026, 3, 2, 12, 15), sh(2026, 3, 2, 13, 15)) == 0.0  # all within lunch
    assert hours(sh(2026, 3, 2, 17), sh(2026, 3, 3, 9, 30)) == 1.0  # overnight
    assert hours(sh(2026, 3, 6, 16), sh(2026, 3, 9, 10)) == 2.5  # over a weekend
    assert hours(sh(2025, 9, 30, 17), sh(2025, 10, 9, 9, 30)) == 1.0  # over National Day
    assert hours(sh(2025, 10, 10, 17, 30), sh(2025, 10, 12, 23)) == 7.0  # the adjusted Saturday
    assert hours(sh(2026, 3, 2, 9), sh(2026, 3, 3, 9)) == HOURS_PER_DAY == 7.0
    assert hours(sh(2026, 3, 2), sh(2026, 3, 9)) == 35.0
    assert hours(datetime(2026, 3, 2, 1, tzinfo=UTC), datetime(2026, 3, 2, 5, tzinfo=UTC)) == 3.0
    assert hours(sh(2026, 3, 3), sh(2026, 3, 2)) == 0.0


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert CAL.working_days_between(date(2025, 10, 11), date(2025, 9, 30)) == -3
    assert CAL.working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0
    assert CAL.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CAL.next_workday(date(2025, 9, 26)) == date(2025, 9, 28)


def test_weekend_calendar() -> None:
    weekend = WeekendCalendar()
    assert (weekend.known_from(), weekend.known_until()) == (None, None)
    assert [weekend.is_workday(date(2025, 10, d)) for d in range(1, 8)] == [
        True, True, True, False, False, True, True]
    assert weekend.deadline(sh(2025, 9, 30, 10), 1, "wd") == sh(2025, 10, 1, 17, 30)  # no holidays
    assert weekend.deadline(sh(2026, 3, 6, 10), 1, "wd") == sh(2026, 3, 9, 17, 30)
    assert weekend.working_days_between(date(2025, 9, 27), date(2025, 10, 11)) == 10
    assert weekend.working_hours_between(sh(2025, 9, 30, 17), sh(2025, 10, 1, 9, 30)) == 1.0


def test_fallback_to_weekends_beyond_the_known_years_warns_once_a_year() -> None:
    fresh = ChineseWorkCalendar()
    with pytest.warns(CalendarFallbackWarning) as caught:
        assert fresh.deadline(sh(2031, 1, 3, 10), 1, "wd") == sh(2031, 1, 6, 17, 30)
    assert [str(w.message) for w in caught] == [
        "2031 年的法定节假日和调休安排未知（已知 2004–2026 年），按周一至周五计算工作日 / "
        "the official holidays of 2031 are not known (covered: 2004–2026); working days are Monday to Friday"]
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        assert fresh.deadline(sh(2031, 1, 6, 10), 3, "wd") == sh(2031, 1, 9, 17, 30)
        assert fresh.is_workday(date(2031, 1, 1))  # New Year's Day, unknown: a plain Wednesday
    assert again == []
    with pytest.warns(CalendarFallbackWarning, match="2027"):  # a deadline crossing into 2027
        assert fresh.deadline(sh(2026, 12, 30, 10), 2, "wd") == sh(2027, 1, 1, 17, 30)
    with pytest.warns(CalendarFallbackWarning, match="2003"):
        assert not fresh.is_workday(date(2003, 10, 4))


def test_refusals() -> None:
    with pytest.raises(DomainError) as naive:
        CAL.deadline(datetime(2026, 3, 2, 9), 1, "wd")  # noqa: DTZ001 - the refusal under test
    assert (naive.value.code, naive.value.params) == ("time.naive", {"value": "2026-03-02T09:00:00"})
    with pytest.raises(DomainError) as naive_hours:
        CAL.working_hours_between(sh(2026, 3, 2), datetime(2026, 3, 3))  # noqa: DTZ001
    assert naive_hours.value.code == "time.naive"
    with pytest.raises(DomainError) as unit:
        CAL.deadline(sh(2026, 3, 2, 9), 1, "d")
    assert (unit.value.code, unit.value.params) == ("limit.bad", {"value": "1d", "allowed": "h, wd"})
    for amount, bad_unit in ((0, "wd"), (-2, "h")):
        with pytest.raises(DomainError) as amount_err:
            CAL.deadline(sh(2026, 3, 2, 9), amount, bad_unit)
        assert (amount_err.value.code, amount_err.value.params) == (
            "limit.bad", {"value": f"{amount}{bad_unit}", "allowed": "Nh, Nwd (N > 0)"})


ZONES = st.sampled_from([SHANGHAI, UTC, NEW_YORK])
STARTS = st.datetimes(min_value=datetime(2004, 1, 2), max_value=datetime(2026, 11, 30),  # noqa: DTZ001
                      timezones=ZONES)


@pytest.mark.filterwarnings("error::liandong.adapters.calendar.CalendarFallbackWarning")
@settings(max_examples=300, deadline=None)
@given(STARTS, st.integers(1, 20))
def test_deadlines_grow_and_land_at_the_end_of_a_working_day(start: datetime, n: int) -> None:
    due = CAL.deadline(start, n, "wd")
    later = CAL.deadline(start, n + 1, "wd")
    assert later > due > start
    local, first_day = due.astimezone(SHANGHAI), start.astimezone(SHANGHAI).date()
    assert local.timetz() == END_OF_DAY.replace(tzinfo=SHANGHAI) and CAL.is_workday(local.date())
    assert CAL.working_days_between(first_day, local.date()) == n
    assert later.astimezone(SHANGHAI).date() == CAL.next_workday(local.date())
    rest_of_first_day = CAL.working_hours_between(start, datetime.combine(first_day, END_OF_DAY, SHANGHAI))
    assert CAL.working_hours_between(start, due) == pytest.approx(n * HOURS_PER_DAY + rest_of_first_day)


@given(STARTS, st.integers(1, 72))
def test_clock_hour_deadlines_are_exact(start: datetime, hours: int) -> None:
    due = CAL.deadline(start, hours, "h")
    assert due.tzinfo is UTC and due - start == timedelta(hours=hours)
