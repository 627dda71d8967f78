"""The simulation kernel: an event list ordered by (time, priority, sequence), multi-server
queues, and working time.

Kept free of any governance logic so that the same kernel runs the governance model and the
M/M/c check against the closed form. Times are float minutes from the start of the run.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from heapq import heappop, heappush
from typing import Any

from liandong.domain.worktime import OFFICE_HOURS, WorkCalendar

MINUTES_PER_DAY = 1440.0
_WINDOWS = tuple((o.hour * 60 + o.minute, c.hour * 60 + c.minute) for o, c in OFFICE_HOURS)


class EventList:
    """The future event list: ties in time break by priority, then by scheduling order, so a
    run is deterministic (Mesa's ordering)."""

    __slots__ = ("heap", "now", "processed", "seq")

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, int, int, Any]] = []
        self.seq = 0
        self.now = 0.0
        self.processed = 0

    def schedule(self, time: float, priority: int, kind: int, item: Any) -> None:
        heappush(self.heap, (time, priority, self.seq, kind, item))
        self.seq += 1

    def __len__(self) -> int:
        return len(self.heap)

    def run(self, handlers: Sequence[Callable[[Any], None]], until: float = math.inf) -> None:
        """Pop events in order and hand each to ``handlers[kind]`` until the list is empty or
        the next event is after ``until``."""
        heap = self.heap
        n = 0
        while heap:
            if heap[0][0] > until:
                break
            time, _, _, kind, item = heappop(heap)
            self.now = time
            handlers[kind](item)
            n += 1
        self.processed += n


class Servers:
    """Departments as multi-server queues: each has ``capacity[d]`` handlers and one waiting
    line served by priority, then arrival order (FIFO within a priority)."""

    __slots__ = ("busy", "busy_minutes", "capacity", "lines", "seq")

    def __init__(self) -> None:
        self.capacity: list[int] = []
        self.busy: list[int] = []
        self.lines: list[list[tuple[int, int, Any]]] = []
        self.busy_minutes: list[float] = []
        self.seq = 0

    def add(self, capacity: int) -> int:
        self.capacity.append(capacity)
        self.busy.append(0)
        self.lines.append([])
        self.busy_minutes.append(0.0)
        return len(self.capacity) - 1

    def __len__(self) -> int:
        return len(self.capacity)

    def offer(self, d: int, priority: int, job: Any) -> bool:
        """A job arrives: True if a handler takes it now, else it waits in line."""
        if self.busy[d] < self.capacity[d]:
            self.busy[d] += 1
            return True
        heappush(self.lines[d], (priority, self.seq, job))
        self.seq += 1
        return False

    def release(self, d: int) -> Any:
        """A handler finishes: the next job in line (the handler stays busy), or None."""
        line = self.lines[d]
        if line:
            return heappop(line)[2]
        self.busy[d] -= 1
        return None


_EPSILON = 1e-9
"""Minutes of rounding: sums of float minutes (488 + 1612 stored as 2100.0000000000002) must not
carry work that ends at a window's close over the night or the lunch break (issue 26's property
test found it)."""


class WorkingTime:
    """Minutes of the run ↔ working minutes (office hours of the working days of ``calendar``).

    Minute 0 is local midnight of ``first_day``. Service that needs ``w`` working minutes and
    starts at ``t`` ends at ``end(t, w)``: work pauses at night, at weekends and on holidays.
    With ``office_hours`` off, working time is wall-clock time.
    """

    def __init__(self, calendar: WorkCalendar, first_day: date, days: int, *, office_hours: bool = True):
        self.office_hours = office_hours
        self.first_day = first_day
        self.workday = [calendar.is_workday(first_day + timedelta(days=i)) for i in range(days)]
        per_day = sum(close - open_ for open_, close in _WINDOWS)
        self.minutes_per_workday = float(per_day)
        self.before: list[float] = []  # working minutes before each day
        self.upto: list[float] = []  # working minutes up to the end of each day
        total = 0.0
        for working in self.workday:
            self.before.append(total)
            total += per_day if working else 0
            self.upto.append(total)

    def working_minutes(self, t: float) -> float:
        """Working minutes from minute 0 to ``t``."""
        if not self.office_hours:
            return t
        day = int(t // MINUTES_PER_DAY)
        if day >= len(self.workday):
            return self.upto[-1] + (t - len(self.workday) * MINUTES_PER_DAY) / 3
        w = self.before[day]
        if self.workday[day]:
            m = t - day * MINUTES_PER_DAY
            for open_, close in _WINDOWS:
                if m > open_:
                    w += min(m, close) - open_
        return w

    def at(self, w: float) -> float:
        """The first minute at which ``w`` working minutes have elapsed (the end of work)."""
        if not self.office_hours:
            return w
        day = bisect_left(self.upto, w - _EPSILON)  # work ending a hair past the close ends at the close
        if day >= len(self.workday):  # beyond the calendar: a third of each day works
            return len(self.workday) * MINUTES_PER_DAY + (w - self.upto[-1]) * 3
        r = w - self.before[day]
        for open_, close in _WINDOWS:
            span = close - open_
            if r <= span + _EPSILON:
                return day * MINUTES_PER_DAY + open_ + r
            r -= span
        return day * MINUTES_PER_DAY + _WINDOWS[-1][1]

    def end(self, t: float, work: float) -> float:
        """When work of ``work`` working minutes started at ``t`` ends: never before ``t``, and
        no work ends when it starts.

        ``at`` names the *first* minute at which a count of working minutes is reached; at night
        that is the previous closing time, so without the floor ``end(t, 0)`` would lie in the past
        (a negative duration: issue 26)."""
        if not self.office_hours or work <= 0:
            return t + max(work, 0.0)
        done = self.at(self.working_minutes(t) + work)
        return done if done > t else t
