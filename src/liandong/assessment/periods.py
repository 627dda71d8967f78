"""Assessment periods: months with a cut-off day (the 19th to the 18th), quarters, years, and
explicit day ranges, in Shanghai days; each knows the period before it (环比)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
FORMS = "2026-10, 2026Q3, 2026, 2026-10-01..2026-10-31"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def _month_start(year: int, month: int, cutoff: int) -> date:
    """The first day of assessment month (year, month): the cut-off day of the month before, or
    the 1st when the cut-off is 1 (calendar months)."""
    if cutoff == 1:
        return date(year, month, 1)
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return date(year, month, cutoff)


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    n = year * 12 + month - 1 + months
    return n // 12, n % 12 + 1


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in UTC; ``label`` names it as the user wrote it, ``kind`` says how it
    steps back (month, quarter, year, days)."""

    start: datetime
    end: datetime
    label: str = ""
    kind: str = "days"
    cutoff: int = 1

    @property
    def first_day(self) -> date:
        return self.start.astimezone(SHANGHAI).date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()

    def previous(self) -> Period:
        """The period just before: the month, quarter or year before, or as many days before."""
        if self.kind in ("month", "quarter", "year"):
            m = _MONTH.match(self.label) or _QUARTER.match(self.label) or _YEAR.match(self.label)
            assert m is not None
            year = int(m.group(1))
            if self.kind == "month":
                y, mo = _shift(year, int(m.group(2)), -1)
                return month(y, mo, self.cutoff)
            if self.kind == "quarter":
                q = int(m.group(2))
                return quarter(year - 1, 4, self.cutoff) if q == 1 else quarter(year, q - 1, self.cutoff)
            return whole_year(year - 1, self.cutoff)
        span = self.end - self.start
        days = (self.last_day - self.first_day).days + 1
        first, last = self.first_day - timedelta(days=days), self.first_day - timedelta(days=1)
        return Period(self.start - span, self.start, f"{first.isoformat()}..{last.isoformat()}", "days",
                      self.cutoff)

    def clipped(self, now: datetime) -> Period:
        """The period up to ``now`` at most (the current month, taken as it stands)."""
        return Period(self.start, min(self.end, now), self.label, self.kind, self.cutoff)


def month(year: int, number: int, cutoff: int = 1) -> Period:
    start = _month_start(year, number, cutoff)
    ny, nm = _shift(year, number, 1)
    end = _month_start(ny, nm, cutoff)
    return Period(_midnight(start), _midnight(end), f"{year:04d}-{number:02d}", "month", cutoff)


def quarter(year: int, number: int, cutoff: int = 1) -> Period:
    first = month(year, 3 * number - 2, cutoff)
    last = month(year, 3 * number, cutoff)
    return Period(first.start, last.end, f"{year:04d}Q{number}", "quarter", cutoff)


def whole_year(year: int, cutoff: int = 1) -> Period:
    return Period(month(year, 1, cutoff).start, month(year, 12, cutoff).end, f"{year:04d}", "year", cutoff)


def parse_period(text: str, cutoff: int = 1) -> Period:
    """Read a period: ``2026-10`` (the assessment month ending on the cut-off), ``2026Q3``,
    ``2026``, or ``2026-10-01..2026-10-31`` (whole Shanghai days, both included)."""
    if not 1 <= cutoff <= 28:
        raise DomainError("assessment.bad_cutoff", value=str(cutoff), allowed="1–28")
    raw = text.strip()
    if m := _MONTH.match(raw):
        number = int(m.group(2))
        if 1 <= number <= 12:
            return month(int(m.group(1)), number, cutoff)
    elif m := _QUARTER.match(raw):
        return quarter(int(m.group(1)), int(m.group(2)), cutoff)
    elif m := _YEAR.match(raw):
        return whole_year(int(m.group(1)), cutoff)
    elif m := _RANGE.match(raw):
        try:
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError:
            raise DomainError("assessment.bad_period", value=raw[:40], allowed=FORMS) from None
        if first <= last:
            return Period(_midnight(first), _midnight(last + timedelta(days=1)), raw, "days", cutoff)
    raise DomainError("assessment.bad_period", value=raw[:40], allowed=FORMS)


def last_whole_month(now: datetime, cutoff: int = 1) -> Period:
    """The last assessment month wholly over at ``now``."""
    day = now.astimezone(SHANGHAI).date()
    current = month(day.year, day.month, cutoff)
    while current.end > now:
        current = current.previous()
    return current
