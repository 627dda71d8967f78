"""The working calendar of China from the ``chinesecalendar`` package (official holidays and
adjusted working days, 调休); beyond the years it knows, weekends, with a warning."""

from __future__ import annotations

import warnings
from datetime import date

import chinese_calendar
from chinese_calendar import constants

from liandong.domain.worktime import WorkCalendar


class CalendarFallbackWarning(UserWarning):
    """A date outside the years whose official arrangements the package ships."""


class ChineseWorkCalendar(WorkCalendar):
    def __init__(self) -> None:
        self._first = date(min(constants.holidays).year, 1, 1)
        self._last = date(max(constants.holidays).year, 12, 31)
        self._cache: dict[date, bool] = {}
        self._warned: set[int] = set()

    def known_from(self) -> date:
        return self._first

    def known_until(self) -> date:
        return self._last

    def is_workday(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is not None:
            return known
        if self._first <= day <= self._last:
            result = bool(chinese_calendar.is_workday(day))
        else:
            if day.year not in self._warned:
                self._warned.add(day.year)
                warnings.warn(
                    f"{day.year} 年的法定节假日安排未知，按周末计算工作日 / "
                    f"holiday arrangements for {day.year} are unknown; weekends only",
                    CalendarFallbackWarning, stacklevel=2)
            result = day.weekday() < 5
        self._cache[day] = result
        return result
