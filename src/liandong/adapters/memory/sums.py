"""The sums beside the 事实表 in memory: derived from the store's fact rows when read (the
memory store is the tests' and the demo's; its rows are the maintained part)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from liandong.assessment.fact_rows import moment
from liandong.assessment.sums import Deltas, case_deltas, pending_of
from liandong.services.ports import FactRow


class MemorySumView:
    def __init__(self, facts: dict[str, list[FactRow]], records: dict[str, Any]) -> None:
        self.records = records
        self.total, self.skipped, self.pending = Deltas(), list[str](), list[tuple[str, str, str, datetime]]()
        for case_id, rows in facts.items():
            d = case_deltas(rows)
            if d is None:
                self.skipped.append(case_id)
                continue
            self.total.merge(d)
            places, rday, waits = pending_of(rows[-1].body)
            for kind, due in waits:
                at = moment(due)
                assert at is not None
                self.pending.append((places, rday, kind, at))

    def period_sums(self, first: str, last: str, cut: str | None) -> Iterator[tuple[Any, ...]]:
        out: dict[tuple[str, str], list[float]] = {}
        for (places, rday, day), vec in self.total.sums.items():
            if first <= rday <= last and (cut is None or day < cut):
                found = out.setdefault((places, rday), [0.0] * len(vec))
                for i, v in enumerate(vec):
                    found[i] += v
        for (places, rday), vec in out.items():
            yield (places, rday, *vec)

    def period_due(self, first: str, last: str, cut: str | None, passed: str,
                   ) -> Iterator[tuple[str, str, int]]:
        out: dict[tuple[str, str], int] = {}
        for (places, rday, day, kind, due_day), n in self.total.due.items():
            if first <= rday <= last and (cut is None or day < cut) and due_day < passed:
                out[places, kind] = out.get((places, kind), 0) + n
        for (places, kind), n in out.items():
            yield places, kind, n

    def pending_between(self, first: str, last: str, since: datetime, until: datetime,
                        ) -> Iterator[tuple[str, str, int]]:
        out: dict[tuple[str, str], int] = {}
        for places, rday, kind, at in self.pending:
            if first <= rday <= last and since <= at < until:
                out[places, kind] = out.get((places, kind), 0) + 1
        for (places, kind), n in out.items():
            yield places, kind, n

    def skipped_between(self, since: datetime, until: datetime) -> list[str]:
        return sorted(c for c in self.skipped if c in self.records
                      and since <= self.records[c].received_at < until)

    def candidates(self, since: datetime, until: datetime, severities: Iterable[str]) -> list[str]:
        major = set(severities)
        return sorted(r.id for r in self.records.values() if r.received_at is not None
                      and since <= r.received_at < until
                      and (r.severity in major or len(set(r.affected)) > 1))

    def differences(self) -> list[str]:
        return []  # derived from the rows when read: nothing stored to differ
