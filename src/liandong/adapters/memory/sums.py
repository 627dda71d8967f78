"""The sums beside the 事实表 in memory: kept with every save (``SumState``), recomputed from the
fact rows on a rollback or a rebuild, and read as the SQL tables are (``MemorySumView``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from liandong.assessment.fact_rows import moment
from liandong.assessment.read_sums import Mark, case_reads, mark_change, save_reads
from liandong.assessment.sums import Deltas, case_deltas, pending_of, save_deltas
from liandong.services.ports import FactRow


def _h() -> Any:
    """The hierarchy the sums decide 共同在场 with (``adapters.sql.sums.geography``)."""
    from liandong.adapters.reference_data import national_hierarchy

    return national_hierarchy()


class SumState:
    """The sums of the memory store, kept with every save as the SQL store keeps its tables."""

    def __init__(self) -> None:
        self.total, self.skipped = Deltas(), set[str]()
        self.pending: dict[str, tuple[str, str, tuple[tuple[str, int], ...]]] = {}

    @classmethod
    def of(cls, facts: dict[str, list[FactRow]], marks: dict[str, dict[str, Mark]]) -> SumState:
        """Recomputed from the fact rows and the read marks (a rebuild, a rollback, the check)."""
        out = cls()
        for case_id, rows in facts.items():
            d = case_deltas(rows, _h())
            if d is None:
                out.skipped.add(case_id)
                continue
            out.total.merge(d)
            if marks.get(case_id):
                out.total.merge(case_reads(rows, marks[case_id]))
            found = pending_of(rows[-1].body, _h())
            if found[2]:
                out.pending[case_id] = found
        out.total = out.total.compact()
        return out

    def on_save(self, previous: str | None, row: FactRow, earlier: list[FactRow], marks: dict[str, Mark],
                ) -> None:
        if row.case_id in self.skipped:
            return
        if row.irregular:  # the case leaves the sums (as ``adapters.sql.sums.on_save``)
            self.total.merge((case_deltas(earlier, _h()) or Deltas()).negated())
            self.total.merge(case_reads(earlier, marks).negated())
            self.skipped.add(row.case_id)
            self.pending.pop(row.case_id, None)
        else:
            self.total.merge(save_deltas(previous, row, _h()))
            if previous is not None and marks:
                self.total.merge(save_reads(previous, row, marks))
            found = pending_of(row.body, _h())
            if found[2]:
                self.pending[row.case_id] = found
            else:
                self.pending.pop(row.case_id, None)
        self.total = self.total.compact()

    def on_mark(self, rows: list[FactRow], department: str, old: Mark | None, new: Mark) -> None:
        if rows and rows[0].case_id not in self.skipped:
            self.total.merge(mark_change(rows, department, old, new))
            self.total = self.total.compact()

    def same(self, other: SumState) -> bool:
        def reads(d: Deltas) -> dict[Any, list[float]]:
            return {k: [round(x, 6) for x in v] for k, v in d.reads.items()}

        return (self.total.sums, self.total.due, reads(self.total), self.skipped, self.pending) == (
            other.total.sums, other.total.due, reads(other.total), other.skipped, other.pending)


class MemorySumView:
    def __init__(self, state: SumState, facts: dict[str, list[FactRow]], records: dict[str, Any],
                 marks: dict[str, dict[str, Mark]]) -> None:
        self.state, self.facts, self.records, self.marks = state, facts, records, marks
        self.total, self.skipped = state.total.by_node(), state.skipped  # as the tables hold them
        self.pending = [(places, rday, kind, moment(due)) for places, rday, waits in state.pending.values()
                        for kind, due in waits]

    def period_sums(self, first: str, last: str, cut: str | None, prefix: str = "",
                    ) -> Iterator[tuple[Any, ...]]:
        return _by_node(self.total.sums, first, last, cut, prefix)

    def period_trend(self, first: str, last: str, cut: str | None, prefix: str,
                     ) -> Iterator[tuple[str, int, int]]:
        out: dict[str, list[int]] = {}
        for (places, rday, day), vec in self.total.sums.items():
            if first <= rday <= last and (cut is None or day < cut) and places.startswith(prefix):
                found = out.setdefault(rday, [0, 0])
                found[0] += int(vec[0])
                found[1] += int(vec[2])
        for rday, (received, resolved) in out.items():
            yield rday, received, resolved

    def period_due(self, first: str, last: str, cut: str | None, passed: str, prefix: str = "",
                   ) -> Iterator[tuple[str, str, int]]:
        out: dict[tuple[str, str], int] = {}
        for (places, rday, day, kind, due_day), n in self.total.due.items():
            if first <= rday <= last and (cut is None or day < cut) and due_day < passed \
                    and places.startswith(prefix):
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

    def day_stamp(self, day: str, prefix: str, since: datetime, until: datetime) -> tuple[Any, ...]:
        sums, reads = self.total.now(), self.total.reads_now()
        return (sorted((k, v) for k, v in sums.items() if k[1] == day and k[0].startswith(prefix)),
                sorted((k, v) for k, v in reads.items() if k[1] == day and k[0].startswith(prefix)),
                self.skipped_between(since, until))

    def period_reads(self, first: str, last: str, cut: str | None, prefix: str = "",
                     ) -> Iterator[tuple[Any, ...]]:
        return _by_node(self.total.reads, first, last, cut, prefix)

    def differences(self) -> list[str]:
        return [] if self.state.same(SumState.of(self.facts, self.marks)) else ["case_sum:memory"]


def _by_node(table: Mapping[tuple[str, str, str], Sequence[float]], first: str, last: str,
             cut: str | None, prefix: str) -> Iterator[tuple[Any, ...]]:
    """A table of sums (node, day received, day of change) added up per node under ``prefix`` over
    the days received ``first``..``last`` and changed before ``cut``."""
    out: dict[str, list[float]] = {}
    for (places, rday, day), vec in table.items():
        if first <= rday <= last and (cut is None or day < cut) and places.startswith(prefix):
            found = out.setdefault(places, [0.0] * len(vec))
            for i, v in enumerate(vec):
                found[i] += v
    for places, vec in out.items():
        yield (places, *vec)
