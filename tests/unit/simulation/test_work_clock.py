"""The work clock by its properties (issue 26): never backwards, monotone, consistent with the
calendar — over the National Day holiday and the worked Saturday after it, and past the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.simulation.engine import _WINDOWS, MINUTES_PER_DAY, WorkingTime

DAYS = 30
FIRST = date(2026, 9, 28)  # a Monday; 1–7 October is a holiday, Saturday 10 October is worked
WORK = WorkingTime(ChineseWorkCalendar(), FIRST, DAYS)

times = st.floats(min_value=0.0, max_value=(DAYS + 5) * MINUTES_PER_DAY, allow_nan=False)
amounts = st.floats(min_value=0.0, max_value=20 * 420.0, allow_nan=False)
nights = st.builds(lambda d, m: d * MINUTES_PER_DAY + m, st.integers(0, DAYS - 1),
                   st.one_of(st.floats(0.0, 8 * 60.0), st.floats(17.5 * 60, MINUTES_PER_DAY - 1e-6)))


def test_zero_work_at_night_ends_now_not_at_the_evenings_close() -> None:
    """The reported bug: ``end(t, 0)`` at 22:00 returned 17:30 of the same day (−4.5 h)."""
    night = 22 * 60.0
    assert WORK.end(night, 0.0) == night
    assert WORK.end(night, 1.0) == MINUTES_PER_DAY + _WINDOWS[0][0] + 1.0


@given(nights)
def test_zero_work_never_ends_before_it_starts(t: float) -> None:
    assert WORK.end(t, 0.0) == t


@settings(max_examples=300)
@given(times, amounts)
def test_work_never_ends_before_it_starts(t: float, w: float) -> None:
    assert WORK.end(t, w) >= t


@settings(max_examples=300)
@given(times, times, amounts)
def test_end_is_monotone_in_the_start(a: float, b: float, w: float) -> None:
    lo, hi = sorted((a, b))
    assert WORK.end(lo, w) <= WORK.end(hi, w)


@settings(max_examples=300)
@given(times, amounts, amounts)
@example(0.0, 488.0000000000002, 1612.0000000000002)  # rounding once carried work over a night
def test_end_is_monotone_in_the_work_and_adds_up(t: float, a: float, b: float) -> None:
    assert WORK.end(t, min(a, b)) <= WORK.end(t, max(a, b))
    # additive in working time: work ending at a close and work starting at the next opening are the
    # same working instant, so the instants may differ by a night where rounding lands on a close
    two_steps, at_once = WORK.end(WORK.end(t, a), b), WORK.end(t, a + b)
    assert WORK.working_minutes(two_steps) == pytest.approx(WORK.working_minutes(at_once), abs=1e-6)


@settings(max_examples=300)
@given(times, times)
def test_working_minutes_never_decrease(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert 0.0 <= WORK.working_minutes(lo) <= WORK.working_minutes(hi)


@settings(max_examples=300)
@given(st.floats(min_value=0.0, max_value=(DAYS - 1) * MINUTES_PER_DAY), st.floats(1e-3, 20 * 420.0))
def test_work_ends_in_office_hours_of_a_working_day(t: float, w: float) -> None:
    """Inside the calendar, positive work ends within an office window of a working day, after
    exactly ``w`` working minutes."""
    end = WORK.end(t, w)
    day, minute = divmod(end, MINUTES_PER_DAY)
    if day >= DAYS:
        return
    assert ChineseWorkCalendar().is_workday(FIRST + timedelta(days=int(day)))
    assert any(open_ < minute <= close for open_, close in _WINDOWS) or minute == 0
    assert WORK.working_minutes(end) - WORK.working_minutes(t) == pytest.approx(w, abs=1e-6)
