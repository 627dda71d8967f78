"""Working time of the Chinese calendar: deadlines in clock hours or in working days.

Counting rule for "N个工作日内办结" (12345 practice, and the civil rule that the day a period
starts is not counted, 《民法典》第二百零一条): the day of intake is day 0 whatever its hour,
and the deadline is the end of office hours (17:30 Asia/Shanghai) of the N-th working day
*after* that day. So Friday 10:00 + 1 wd is Monday 17:30, and so is Friday 20:00; a case
taken on a Saturday or a holiday counts from the next working day, so Saturday + 1 wd is also
Monday 17:30. An adjusted working day (调休) counts like any other working day.
Clock-hour limits (emergency feedback in 2 h, outages in 24 h) are elapsed wall-clock time.
"""

from __future__ import annotations

import abc
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from liandong.domain.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Office hours of a working day, local (Asia/Shanghai) time: 7 hours with a lunch break.
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))
END_OF_DAY = OFFICE_HOURS[-1][1]
HOURS_PER_DAY = sum(
    (datetime.combine(date.min, close) - datetime.combine(date.min, open_)).total_seconds()
    for open_, close in OFFICE_HOURS) / 3600
HOURS = "h"
WORKING_DAYS = "wd"
UNITS = (HOURS, WORKING_DAYS)
_ONE_DAY = timedelta(days=1)


def _aware(moment: datetime) -> datetime:
    """The moment itself; a naive datetime (no offset) is refused, never guessed."""
    if moment.utcoffset() is None:
        raise DomainError("time.naive", value=moment.isoformat())
    return moment


def check_moment(moment: datetime, *, now: datetime, within: timedelta) -> datetime:
    """A time a person chose (an extension's or a shelving's end, an instrument's due date): with a
    time zone, and no further ahead than ``within`` (a date in 9999 is a typing error, not a plan)."""
    _aware(moment)
    if moment > now + within:
        local = (now + within).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        raise DomainError("time.out_of_range", value=moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                          allowed=local)
    return moment


def _positive(amount: int, unit: str) -> None:
    if amount <= 0:
        raise DomainError("limit.bad", value=f"{amount}{unit}", allowed="Nh, Nwd (N > 0)")


class WorkCalendar(abc.ABC):
    """Port: which days are working days. The deadline arithmetic is shared by every calendar.

    An implementation must answer the same for the same day during its life: deadlines are
    memoised per instance.
    """

    _due_memo: dict[tuple[date, int], datetime]

    @abc.abstractmethod
    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (weekday not on holiday, or an adjusted working day)."""

    def known_from(self) -> date | None:
        """The first day whose official arrangement is known (None: no limit)."""
        return None

    def known_until(self) -> date | None:
        """The last day whose arrangement is known, officially or provisionally (None: no limit)."""
        return None

    def official_until(self) -> date | None:
        """The last day of the published (official) arrangements; after it, and after
        ``known_until``, working days are provisional (None: no limit)."""
        return self.known_until()

    def is_provisional(self, moment: datetime | None) -> bool:
        """Whether a deadline at ``moment`` was counted over days not officially arranged yet
        (a statutory-only year or beyond any known year): shown as （暂定）."""
        until = self.official_until()
        return (moment is not None and until is not None
                and _aware(moment).astimezone(SHANGHAI).date() > until)

    def next_workday(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_workday(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """17:30 Shanghai time of the ``days``-th working day after the start's local day, in UTC."""
        _positive(days, WORKING_DAYS)
        day = _aware(start).astimezone(SHANGHAI).date()
        try:
            memo = self._due_memo
        except AttributeError:
            memo = self._due_memo = {}
        due = memo.get((day, days))
        if due is None:
            end = day
            for _ in range(days):
                end = self.next_workday(end)
            due = memo[day, days] = datetime.combine(end, END_OF_DAY, SHANGHAI).astimezone(UTC)
        return due

    def add_hours(self, start: datetime, hours: int) -> datetime:
        """Elapsed clock hours, nights, weekends and holidays included, in UTC."""
        _positive(hours, HOURS)
        return _aware(start).astimezone(UTC) + timedelta(hours=hours)

    def deadline(self, start: datetime, amount: int, unit: str) -> datetime:
        """The deadline of a limit of ``amount`` ``unit`` ("h" clock hours, "wd" working days), UTC."""
        if unit == WORKING_DAYS:
            return self.add_working_days(start, amount)
        if unit == HOURS:
            return self.add_hours(start, amount)
        raise DomainError("limit.bad", value=f"{amount}{unit}", allowed=", ".join(UNITS))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: 0 when equal, negative when ``b`` is before ``a``."""
        if b < a:
            return -self.working_days_between(b, a)
        n, day = 0, a
        while day < b:
            day += _ONE_DAY
            n += self.is_workday(day)
        return n

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Office hours of working days from ``a`` to ``b`` (how long someone held a case); 0 if b <= a."""
        start = _aware(a).astimezone(UTC)
        end = _aware(b).astimezone(UTC)
        if end <= start:
            return 0.0
        seconds = 0.0
        day, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
        while day <= last:
            if self.is_workday(day):
                for open_, close in OFFICE_HOURS:
                    lo = max(start, datetime.combine(day, open_, SHANGHAI).astimezone(UTC))
                    hi = min(end, datetime.combine(day, close, SHANGHAI).astimezone(UTC))
                    if hi > lo:
                        seconds += (hi - lo).total_seconds()
            day += _ONE_DAY
        return seconds / 3600


class WeekendCalendar(WorkCalendar):
    """Monday to Friday, no holidays: the fallback where official arrangements are unknown."""

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5
