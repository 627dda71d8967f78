"""The 事实表 and its sums checked against the events (issue 28 point 3, for the state cross-check
of ``ledger verify --state``): a tampered fact row or sum is named.

A stored row of version v must be the row the events 1..v give (``fact_rows.row_of`` folded over
them: its body does not depend on how the events were grouped into saves), valid from the earliest
event of its save, irregular exactly when that save was, naming who sees the case by the record
then (``viewers``; a row from before migration 0033 names none); the case's last row is of its last
version. The sums must equal a recomputation from the fact rows (``sums.case_deltas``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from liandong.assessment import fair_facts
from liandong.assessment.fact_rows import body_of, empty_acc, fold_into
from liandong.assessment.viewers import rows_with_viewers, viewers_of
from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord
from liandong.services.ports import FactRow
from liandong.services.ports.audit import StreamFollower

Mismatch = tuple[str, str, int | None, str, str, str]
"""(kind, id, version, field, expected, found)."""


def fact_mismatch(case_id: str, events: Sequence[ev.Event], stored: Sequence[FactRow]) -> Mismatch | None:
    """The first disagreement of a case's stored fact rows with its events, or None."""
    derived = rows_with_viewers(case_id, events)
    previous = 0
    latest: datetime | None = None  # the latest time of the events before the save (a running max)
    for row in stored:
        v = row.version
        if not previous < v <= len(events):
            return ("case fact", case_id, v, "version", f"{previous + 1}..{len(events)}", str(v))
        saved = [e.at for e in events[previous:v]]
        first, last = min(saved), max(saved)
        irregular = first != last or (latest is not None and first < latest)
        latest = last if latest is None else max(latest, last)
        checks = (("body", derived[v - 1].body, row.body),
                  ("valid_from", first.isoformat(), row.valid_from.isoformat()),
                  ("irregular", str(irregular), str(row.irregular)),
                  ("viewers", str(derived[v - 1].viewers), str(row.viewers if row.viewers is not None
                                                              else derived[v - 1].viewers)),
                  ("fair", str(derived[v - 1].fair), str(row.fair if row.fair is not None
                                                        else derived[v - 1].fair)))
        for name, expected, found in checks:
            if expected != found:
                return ("case fact", case_id, v, name, expected[:120], found[:120])
        previous = v
    if previous != len(events):
        return ("case fact", case_id, len(events), "version", str(len(events)), str(previous or "—"))
    return None


class StreamFacts(StreamFollower):
    """``fact_mismatch`` as the state cross-check's replay goes (decision 0054): the same checks
    of each stored row, made on the record the replay has just built (no second replay) and only
    at the versions a row is stored for (a save of several events has one row). ``step`` after
    each event is applied, with the row stored at its version (``(valid_from, irregular, body,
    viewers, fair)``) or None; ``end`` after the last: the first disagreement, or None.

    A row at a version with no event (before the first or after the last) is not seen here: the
    store names those (``StateRows.derived``)."""

    __slots__ = ("acc", "case_id", "fair", "latest", "previous", "problem", "saved", "unfolded", "version")

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        self.acc = empty_acc()
        self.fair = fair_facts.empty()  # the fair part's accumulators (decision 0051) at the last stored row
        self.unfolded: list[ev.Event] = []  # the events since then, folded into it at the next row
        self.previous = self.version = 0
        self.latest: datetime | None = None
        self.saved: list[datetime] = []  # the times of the events since the last stored row
        self.problem: Mismatch | None = None

    def step(self, record: CaseRecord, event: ev.Event,
             stored: tuple[datetime, bool, str, str | None, str | None] | None) -> None:
        self.version = v = self.version + 1
        fold_into(self.acc, (event,))
        self.saved.append(event.at)
        self.unfolded.append(event)
        if stored is None:
            return
        valid_from, irregular_found, body, viewers, fair = stored
        self.fair, self.unfolded = fair_facts.fold(self.fair, self.unfolded), []
        first, last = min(self.saved), max(self.saved)
        irregular = first != last or (self.latest is not None and first < self.latest)
        self.latest = last if self.latest is None else max(self.latest, last)
        self.previous, self.saved = v, []
        if self.problem is not None:
            return
        expected = viewers_of(record)
        checks = (("body", body_of(self.acc, record), body),
                  ("valid_from", first, valid_from),  # moments: the column's zone is the driver's
                  ("irregular", irregular, bool(irregular_found)),
                  ("viewers", expected, expected if viewers is None else viewers),
                  ("fair", want_fair := fair_facts.dumps(self.fair), want_fair if fair is None else fair))
        for name, want, found in checks:
            if want != found:
                want, found = (x.astimezone(UTC).isoformat() if isinstance(x, datetime) else str(x)
                               for x in (want, found))
                self.problem = ("case fact", self.case_id, v, name, want[:120], found[:120])
                return

    def end(self) -> Mismatch | None:
        if self.problem is None and self.previous != self.version:
            return ("case fact", self.case_id, self.version, "version", str(self.version),
                    str(self.previous or "—"))
        return self.problem


def sum_mismatches(differences: Sequence[str]) -> Iterator[Mismatch]:
    """The sums' disagreements (``SumView.differences``) as mismatches."""
    for key in differences:
        table, _, name = key.partition(":")
        yield ("case sum", name, None, table, "recomputed from the fact rows", "stored")
