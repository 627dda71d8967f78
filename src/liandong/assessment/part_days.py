"""The first part day of a period, kept across requests (issue 28, decision 0059).

The period before a dashboard's period "up to now" starts within a day: at 15:00 the one before
the last 30 days starts at 09:00 of a day sixty days ago, and the sums, kept per day of receipt,
cannot give the cases received from 09:00 on. Those cases are read from their rows — at a
megacity's volume tens of thousands a request. But they are taken at the period's end, a midnight
in the past, and what they were then changes only when one of the day's cases leaves the sums (an
irregular save) or a department's read mark on one of them is replaced: so the day's cases are read
from their rows once, kept in the order of receipt, and each request adds up those received from
the period's start on (a suffix: ``numpy``). The day is kept whole, for every scope: a request
adds the groups with a place under its scope. The day's rows in the sums taken now (its nodes'
sums, read marks, 共同在场 candidates and cases left out) are the day's *stamp*: any save or read
mark of one of the day's cases changes it, and a changed stamp reads the day again. The group
stand-ins (one per set of places) are counted by the engine as the cases are.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from liandong.assessment.facts import COUNTS, CaseFacts
from liandong.domain.cases.record import CaseRecord

_RECEIVED, _RESOLVED = COUNTS.index("received"), COUNTS.index("resolved")
Stamp = tuple[Any, ...]


@dataclass(frozen=True)
class _Day:
    stamp: Stamp
    received: list[datetime]  # each case's time of receipt, in order
    group: np.ndarray  # each case's group (index into ``groups``)
    values: np.ndarray  # cases × COUNTS
    groups: list[tuple[tuple[tuple[str, str, str, str], ...], tuple[str, ...]]]  # units of the places, codes


def _day(facts: list[CaseFacts], stamp: Stamp) -> _Day:
    ordered = sorted(facts, key=lambda f: (f.received_at, f.case_id))
    index: dict[tuple[tuple[tuple[str, str, str, str], ...], tuple[str, ...]], int] = {}
    groups = [index.setdefault((f.places, tuple(sorted(set(f.record.affected)))), len(index))
              for f in ordered]
    values = np.array([f.values or tuple(f.counts[n] for n in COUNTS) for f in ordered],
                      dtype=np.float64).reshape(len(ordered), len(COUNTS))
    received = [f.received_at for f in ordered]
    return _Day(stamp, received, np.array(groups, dtype=np.int64), values, list(index))


class PartDays:
    """The cases of a few (day, moment) kept; ``size`` of them at most (least recently used dropped)."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self._days: OrderedDict[tuple[datetime, datetime], _Day] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # how many times a day was read from its rows (for the tests)

    def facts(self, read: Callable[[], list[CaseFacts]], day_start: datetime, start: datetime,
              as_of: datetime, *, prefix: str, stamp: Stamp) -> tuple[list[CaseFacts], int, int]:
        """Stand-ins of the cases of the day from ``day_start`` received from ``start`` on with a place
        under the code ``prefix``, at ``as_of`` (a moment past), and of them how many were received
        and resolved. ``read``: the facts of all the day's cases (from their rows); ``stamp``: the
        day's rows in the sums now (``SumView.day_stamp``)."""
        key = (day_start, as_of)
        with self._lock:
            found = self._days.get(key)
            if found is not None:
                self._days.move_to_end(key)
        if found is None or found.stamp != stamp:
            found = _day(read(), stamp)
            with self._lock:
                self.reads += 1
                self._days[key] = found
                self._days.move_to_end(key)
                while len(self._days) > self.size:
                    self._days.popitem(last=False)
        first = bisect.bisect_left(found.received, start)
        if first >= len(found.received):
            return [], 0, 0
        sums = np.zeros((len(found.groups), len(COUNTS)), dtype=np.float64)
        np.add.at(sums, found.group[first:], found.values[first:])
        out = []
        total = np.zeros(len(COUNTS), dtype=np.float64)
        for i, (places, codes) in enumerate(found.groups):
            vec = sums[i]
            if not vec[_RECEIVED] or not (not prefix or any(c.startswith(prefix) for c in codes)):
                continue
            total += vec
            values = tuple(float(v) for v in vec)
            out.append(CaseFacts(case_id=f"part:{i}", received_at=start, matter="", severity="", source="",
                                 lead="", lead_system="", lead_level=-1, places=places,
                                 counts=dict(zip(COUNTS, values, strict=True)), members=(),
                                 record=CaseRecord(f"part:{i}", affected=codes), values=values))
        return out, int(total[_RECEIVED]), int(total[_RESOLVED])
