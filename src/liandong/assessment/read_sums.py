"""Read-mark sums (信息对称, issue 28): what the departments' read marks add to ``team_read_latest``,
``read_lag_seconds`` and ``reads``, kept as sums beside the others (``assessment.sums``) so that a
dashboard reads no case's row for them.

A department's mark (version, moment) counts at ``as_of`` when it was made by then, the department
is on the active team of the case's row valid then and the version is at least 1 (as
``fact_rows._members`` counts it): ``reads`` 1, ``team_read_latest`` 1 when the mark is of the
row's latest version, ``read_lag_seconds`` from that version's event to the mark. So the marks'
contribution is a step function of ``as_of`` that moves when a mark is made and when a new row is
saved; each step is filed, like the other sums, under the day of its moment less 1 µs, keyed by the
row's place set and day of receipt.

A case keeps one mark per department, its latest: a new mark replaces the old one at every moment
(today's figures read only the stored mark), so a new mark takes back the old one's steps and adds
its own (``mark_change``, from the case's rows); a save moves every mark's step from the row before
to the new one (``save_reads``, from the marks alone). A case left out of the sums (an irregular
save) is left out here too. Pure: no storage, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache

from liandong.assessment.fact_rows import moment
from liandong.assessment.sums import Deltas, change_day, day_of, places_key
from liandong.domain.cases.states import CaseState
from liandong.services.ports import FactRow

Mark = tuple[int, datetime]  # the version read up to, and when
_Row = tuple[str, str, tuple[int, ...], frozenset[str]]  # places, received day, version times, active team


@lru_cache(maxsize=20_000)
def _row(body: str) -> _Row | None:
    data = json.loads(body)
    acc, rec = data["acc"], data["rec"]
    if acc["rec"] in (None, -1) or rec["st"] == CaseState.MERGED.value:  # not counted, or 并单: no reads
        return None
    received = moment(acc["rec"])
    assert received is not None
    return (places_key(rec["aff"]), day_of(received), tuple(acc["ats"]),
            frozenset(m[0] for m in rec["members"] if m[2]))


def part(body: str | None, department: str, mark: Mark) -> tuple[str, str, tuple[float, float, float]] | None:
    """What ``mark`` of ``department`` adds under the row of ``body`` once made (key and vector)."""
    found = None if body is None else _row(body)
    if found is None or department not in found[3] or mark[0] < 1:
        return None
    places, rday, ats, _ = found
    latest = len(ats)
    version = min(mark[0], latest)
    lag = max(0, int((mark[1] - moment(ats[version - 1])).total_seconds()))  # type: ignore[operator]
    return places, rday, (float(mark[0] >= latest), float(lag), 1.0)


def _add(out: Deltas, found: tuple[str, str, tuple[float, float, float]] | None, day: str, sign: int) -> None:
    if found is not None:
        out.add_read((found[0], found[1], day), found[2], sign)


def mark_deltas(rows: Sequence[FactRow], department: str, mark: Mark, sign: int = 1) -> Deltas:
    """The steps of one mark over a case's rows (in version order): the row valid when it is made,
    then each later row."""
    out = Deltas()
    at = mark[1]
    before = [r for r in rows if r.valid_from <= at]
    current = before[-1].body if before else None
    _add(out, part(current, department, mark), change_day(at), sign)
    for r in rows[len(before):]:
        day = change_day(r.valid_from)
        _add(out, part(current, department, mark), day, -sign)
        _add(out, part(r.body, department, mark), day, sign)
        current = r.body
    return out


def case_reads(rows: Sequence[FactRow], marks: Mapping[str, Mark]) -> Deltas:
    """All a case's marks add (its rows regular, in version order)."""
    out = Deltas()
    for department, mark in sorted(marks.items()):
        out.merge(mark_deltas(rows, department, mark))
    return out


def save_reads(previous: str | None, row: FactRow, marks: Mapping[str, Mark]) -> Deltas:
    """The marks' change of a regular save (``row`` after the row of ``previous``): from the later of
    the save and the mark, each mark counts under the new row instead of the one before."""
    out = Deltas()
    for department, mark in sorted(marks.items()):
        day = change_day(max(row.valid_from, mark[1]))
        _add(out, part(previous, department, mark), day, -1)
        _add(out, part(row.body, department, mark), day, +1)
    return out


def mark_change(rows: Sequence[FactRow], department: str, old: Mark | None, new: Mark) -> Deltas:
    """A department's mark replaced (or made): the old one's steps taken back, the new one's added."""
    out = mark_deltas(rows, department, new)
    if old is not None:
        out.merge(mark_deltas(rows, department, old, -1))
    return out
