"""The working calendar of China from the ``chinesecalendar`` package: official public holidays
and adjusted working days (调休) for the years it ships; beyond them weekends, with a warning."""

from __future__ import annotations

import warnings
from datetime import date

import chinese_calendar

from liandong.domain.worktime import WorkCalendar


class CalendarFallbackWarning(UserWarning):
    """A day in a year whose official holiday arrangement the package does not know."""


class ChineseWorkCalendar(WorkCalendar):
    """Working days by the State Council's yearly arrangement; answers are cached per day."""

    def __init__(self) -> None:
        # The package's own notion of its range: the years that have holidays listed.
        self._first = date(min(chinese_calendar.holidays).year, 1, 1)
        self._last = date(max(chinese_calendar.holidays).year, 12, 31)
        self._cache: dict[date, bool] = {}
        self._warned: set[int] = set()

    def known_from(self) -> date:
        return self._first

    def known_until(self) -> date:
        return self._last

    def is_workday(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is None:
            if self._first <= day <= self._last:
                known = bool(chinese_calendar.is_workday(day))
            else:
                self._warn(day.year)
                known = day.weekday() < 5
            self._cache[day] = known
        return known

    def _warn(self, year: int) -> None:
        if year in self._warned:
            return
        self._warned.add(year)
        covered = f"{self._first.year}–{self._last.year}"
        warnings.warn(
            f"{year} 年的法定节假日和调休安排未知（已知 {covered} 年），按周一至周五计算工作日 / "
            f"the official holidays of {year} are not known (covered: {covered}); "
            "working days are Monday to Friday",
            CalendarFallbackWarning, stacklevel=3)
