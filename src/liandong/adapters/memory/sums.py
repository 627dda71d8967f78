"""The sums beside the 事实表 in memory: kept with every save (``SumState``), recomputed from the
fact rows on a rollback or a rebuild, and read as the SQL tables are (``MemorySumView``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from liandong.assessment.fact_rows import moment
from liandong.assessment.sums import Deltas, case_deltas, pending_of, save_deltas
from liandong.services.ports import FactRow


class SumState:
    """The sums of the memory store, kept with every save as the SQL store keeps its tables."""

    def __init__(self) -> None:
        self.total, self.skipped = Deltas(), set[str]()
        self.pending: dict[str, tuple[str, str, tuple[tuple[str, int], ...]]] = {}

    @classmethod
    def of(cls, facts: dict[str, list[FactRow]]) -> SumState:
        """Recomputed from the fact rows (a rebuild, a rollback, the check)."""
        out = cls()
        for case_id, rows in facts.items():
            d = case_deltas(rows)
            if d is None:
                out.skipped.add(case_id)
                continue
            out.total.merge(d)
            found = pending_of(rows[-1].body)
            if found[2]:
                out.pending[case_id] = found
        out.total = out.total.compact()
        return out

    def on_save(self, previous: str | None, row: FactRow, earlier: list[FactRow]) -> None:
        if row.case_id in self.skipped:
            return
        if row.irregular:  # the case leaves the sums (as ``adapters.sql.sums.on_save``)
            self.total.merge((case_deltas(earlier) or Deltas()).negated())
            self.skipped.add(row.case_id)
            self.pending.pop(row.case_id, None)
        else:
            self.total.merge(save_deltas(previous, row))
            found = pending_of(row.body)
            if found[2]:
                self.pending[row.case_id] = found
            else:
                self.pending.pop(row.case_id, None)
        self.total = self.total.compact()

    def same(self, other: SumState) -> bool:
        return (self.total.sums, self.total.due, self.total.team, self.skipped, self.pending) == (
            other.total.sums, other.total.due, other.total.team, other.skipped, other.pending)


class MemorySumView:
    def __init__(self, state: SumState, facts: dict[str, list[FactRow]], records: dict[str, Any]) -> None:
        self.state, self.facts, self.records = state, facts, records
        self.total, self.skipped = state.total, state.skipped
        self.pending = [(places, rday, kind, moment(due)) for places, rday, waits in state.pending.values()
                        for kind, due in waits]

    def period_sums(self, first: str, last: str, cut: str | None) -> Iterator[tuple[Any, ...]]:
        out: dict[str, list[float]] = {}
        for (places, rday, day), vec in self.total.sums.items():
            if first <= rday <= last and (cut is None or day < cut):
                found = out.setdefault(places, [0.0] * len(vec))
                for i, v in enumerate(vec):
                    found[i] += v
        for places, vec in out.items():
            yield (places, *vec)

    def period_trend(self, first: str, last: str, cut: str | None, prefix: str,
                     ) -> Iterator[tuple[str, int, int]]:
        out: dict[str, list[int]] = {}
        for (places, rday, day), vec in self.total.sums.items():
            if first <= rday <= last and (cut is None or day < cut) and (
                    not prefix or any(p.startswith(prefix) for p in places.split("|"))):
                found = out.setdefault(rday, [0, 0])
                found[0] += int(vec[0])
                found[1] += int(vec[2])
        for rday, (received, resolved) in out.items():
            yield rday, received, resolved

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
            if at is not None and first <= rday <= last and since <= at < until:
                out[places, kind] = out.get((places, kind), 0) + 1
        for (places, kind), n in out.items():
            yield places, kind, n

    def skipped_between(self, since: datetime, until: datetime) -> list[str]:
        return sorted(c for c in self.skipped if c in self.records
                      and since <= self.records[c].received_at < until)

    def period_team(self, first: str, last: str, cut: str | None) -> Iterator[tuple[str, str, int, int]]:
        out: dict[tuple[str, str, int], int] = {}
        for (places, rday, day, units, major), n in self.total.team.items():
            if first <= rday <= last and (cut is None or day < cut):
                out[places, units, major] = out.get((places, units, major), 0) + n
        for (places, units, major), n in out.items():
            yield places, units, major, n

    def differences(self) -> list[str]:
        return [] if self.state.same(SumState.of(self.facts)) else ["case_sum:memory"]
