"""The 事实表 and its sums checked against the events (issue 28 point 3, for the state cross-check
of ``ledger verify --state``): a tampered fact row or sum is named.

A stored row of version v must be the row the events 1..v give (``fact_rows.row_of`` folded over
them: its body does not depend on how the events were grouped into saves), valid from the earliest
event of its save, irregular exactly when that save was, naming who sees the case by the record
then (``viewers``; a row from before migration 0033 names none); the case's last row is of its last
version. The sums must equal a recomputation from the fact rows (``sums.case_deltas``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from liandong.assessment.viewers import rows_with_viewers
from liandong.domain.cases import events as ev
from liandong.services.ports import FactRow

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


def sum_mismatches(differences: Sequence[str]) -> Iterator[Mismatch]:
    """The sums' disagreements (``SumView.differences``) as mismatches."""
    for key in differences:
        table, _, name = key.partition(":")
        yield ("case sum", name, None, table, "recomputed from the fact rows", "stored")
