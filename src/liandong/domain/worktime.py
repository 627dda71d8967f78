"""Working time of the Chinese calendar: deadlines in clock hours or in working days.

12345 practice counts "N个工作日内办结" from the day after intake: a case dispatched on any day
is due at the end of office hours (17:30, Asia/Shanghai) of the N-th working day after that day.
Clock-hour limits (emergency feedback in 2 h, outages in 24 h) are wall-clock time.
"""

from __future__ import annotations

import abc
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from liandong.domain.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))
END_OF_DAY = time(17, 30)
HOURS_PER_DAY = 7.0
UNITS = ("h", "wd")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise DomainError("time.naive", value=moment.isoformat())
    return moment


class WorkCalendar(abc.ABC):
    """Which days are working days; the rest of the arithmetic is shared by every calendar."""

    @abc.abstractmethod
    def is_workday(self, day: date) -> bool: ...

    def known_from(self) -> date | None:
        """The first day whose official arrangement is known (None: no limit)."""
        return None

    def known_until(self) -> date | None:
        """The last day whose official arrangement is known (None: no limit)."""
        return None

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """17:30 Shanghai time of the ``days``-th working day after the start's (local) day."""
        if days <= 0:
            raise DomainError("limit.bad", value=f"{days}wd", allowed="h, wd")
        day = _aware(start).astimezone(SHANGHAI).date()
        for _ in range(days):
            day = self.next_workday(day)
        return datetime.combine(day, END_OF_DAY, SHANGHAI).astimezone(UTC)

    def add_hours(self, start: datetime, hours: int) -> datetime:
        """Plain clock hours."""
        return (_aware(start) + timedelta(hours=hours)).astimezone(UTC)

    def deadline(self, start: datetime, amount: int, unit: str) -> datetime:
        """The deadline of a limit of ``amount`` ``unit`` ("h" clock hours, "wd" working days)."""
        if unit == "h":
            return self.add_hours(start, amount)
        if unit == "wd":
            return self.add_working_days(start, amount)
        raise DomainError("limit.bad", value=f"{amount}{unit}", allowed="h, wd")

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open range (a, b]."""
        n, day = 0, a
        while day < b:
            day += timedelta(days=1)
            n += self.is_workday(day)
        return n

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Office hours of working days between two moments (how long someone held a case)."""
        start = _aware(a).astimezone(SHANGHAI)
        end = _aware(b).astimezone(SHANGHAI)
        if end <= start:
            return 0.0
        total = 0.0
        day = start.date()
        while day <= end.date():
            if self.is_workday(day):
                for open_, close in OFFICE_HOURS:
                    lo = max(start, datetime.combine(day, open_, SHANGHAI))
                    hi = min(end, datetime.combine(day, close, SHANGHAI))
                    if hi > lo:
                        total += (hi - lo).total_seconds() / 3600
            day += timedelta(days=1)
        return total


class WeekendCalendar(WorkCalendar):
    """Monday to Friday: the fallback where official arrangements are unknown."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5
