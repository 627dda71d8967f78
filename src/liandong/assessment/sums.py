"""Sums kept beside the 事实表 (issue 28, decision 0045): per place set, day of receipt and day of
change, what the cases add to the counts of ``facts.COUNTS`` — so that a dashboard is a
``GROUP BY`` over a period's sums instead of a decode of every case's row.

A case's contribution to the figures taken at a moment is a function of the fact row valid then
(``fact_rows.facts_of``). Most of it changes only when events land ("event-only": received, 办结,
满意, returns …): a save adds ``contribution(new row) − contribution(previous row)`` under the
day of the save. What changes when a deadline passes without an event (overdue, 签收 due, 吹哨 due)
is kept as *pending deadlines*: +1 under (kind, day of the deadline) when a case starts waiting
on one, −1 when it stops; the deadlines passed by a midnight are those of earlier days.

Keys: ``places`` is the case's distinct affected places, sorted and joined with ``|``; the tables
keep a place set's sums under the nodes of its prefix tree with weights (``nodes_of``, decision
0059), so that a case counts once in every unit any of its places lies in, as the engine's ``k``
flags count it; ``received_day`` and ``day`` are Shanghai days. A change at moment ``t`` is filed
under the day of ``t − 1 µs``, so that "the changes by the midnight M" are exactly those of days
before M's day (a row is valid at ``as_of`` when its save began at or before it).

共同在场 needs the hierarchy (the levels of the team's units against the places', whether the places
lie in several counties): the store gives it (the national list; decision 0059), so that it is
decided per case here and summed like the rest. The read marks (信息对称: outside the events) are
summed by ``read_sums``; a case with an irregular save (a backfill; replayed) is read from its rows
instead (``sum_figures``). Pure: no storage, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from liandong.assessment.fact_rows import moment
from liandong.assessment.facts import MAJOR, RATING_POINTS, _units
from liandong.domain.cases.states import CaseState
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.worktime import SHANGHAI
from liandong.services.ports import FactRow
from liandong.services.ports.sums import READ_COLUMNS, SUM_COLUMNS

# Pending deadlines: o = 超期 (the handling deadline running), a = 签收 not yet decided, s = a summons.
KINDS = ("o", "a", "s")
_WAITING = (CaseState.RETURNED.value, CaseState.MERGED.value)
_EPS = timedelta(microseconds=1)

Vector = tuple[float, ...]
SumKey = tuple[str, str, str]  # places, received_day, day
DueKey = tuple[str, str, str, str, str]  # places, received_day, day, kind, due_day


def day_of(at: datetime) -> str:
    return at.astimezone(SHANGHAI).date().isoformat()


def change_day(at: datetime) -> str:
    """The day a change at ``at`` is filed under (counted from the midnight after it on)."""
    return day_of(at - _EPS)


def midnight_day(as_of: datetime) -> str | None:
    """The day of ``as_of`` when it is a Shanghai midnight, else None."""
    local = as_of.astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date().isoformat()


def places_key(affected: Iterable[str]) -> str:
    return "|".join(sorted(set(affected)))


@lru_cache(maxsize=50_000)
def nodes_of(places: str) -> tuple[tuple[str, int], ...]:
    """The keys a place set's sums are stored under, with their weights (decision 0059): the
    nodes of the prefix tree of its place codes where the Möbius inversion of "some place starts
    with this prefix" is not zero — each place (+1, unless another place of the set lies under it)
    and each prefix where the places branch (1 − the number of branches). For every prefix ``q``,
    the weights of the nodes starting with ``q`` add up to 1 when a place of the set starts with
    ``q``, else 0: a unit's sums are those of the nodes under its code prefix, and a case counts
    once in every unit one of its places lies in, as the engine's ``k`` flags count it. One place:
    itself, weight 1 (most cases: one key, as before)."""
    codes = places.split("|") if places else []
    if len(codes) <= 1:
        return ((places, 1),)
    prefixes = {c[:i] for c in codes for i in range(len(c) + 1)}
    branches: dict[str, int] = {}
    for q in prefixes:
        if q:
            branches[q[:-1]] = branches.get(q[:-1], 0) + 1
    return tuple(sorted((q, 1 - branches.get(q, 0)) for q in prefixes if branches.get(q, 0) != 1))


class Contribution:
    """What one fact row adds: its key, the event-only vector and its pending deadlines."""

    __slots__ = ("pending", "places", "received_day", "vector")

    def __init__(self, places: str, received_day: str, vector: Vector, pending: tuple[tuple[str, int], ...]):
        self.places, self.received_day, self.vector, self.pending = places, received_day, vector, pending


def contribution(body: str | None, h: HierarchyIndex) -> Contribution | None:
    """A fact row's contribution (None: the case is not counted — no report first); ``h``: the
    hierarchy 共同在场 is decided with. Remembered per body: a save's new row is the next save's
    previous one."""
    return None if body is None else _contribution(body, h)


def copresence(h: HierarchyIndex, members: list[list[Any]], places: list[str], major: bool,
               ) -> tuple[int, int]:
    """共同在场 of a dispatched case (``facts._counts``): due when major or its places lie in several
    counties; met when every level from the top of the active team down to its deepest member that
    the places' paths have holds a member (``facts._copresent``)."""
    if not (major or len({_units(h, p)[2] for p in places}) > 1):
        return 0, 0
    levels = {int(h.get(u).level) for m in members if m[2] and (u := m[0].rpartition("-")[0]) in h}
    if not levels:
        return 1, 0
    top, deepest = min(levels), max(levels)
    needed = {int(u.level) for p in places if p in h for u in h.path(p) if top <= int(u.level) <= deepest}
    return 1, int(needed <= levels)


@lru_cache(maxsize=20_000)
def _contribution(body: str, h: HierarchyIndex) -> Contribution | None:
    data = json.loads(body)
    acc, rec = data["acc"], data["rec"]
    if acc["rec"] in (None, -1):
        return None
    received = moment(acc["rec"])
    assert received is not None
    key, rday = places_key(rec["aff"]), day_of(received)
    if rec["st"] == CaseState.MERGED.value:
        return Contribution(key, rday, tuple(float(c == "supporting") for c in SUM_COLUMNS), ())
    disp = bool(acc["disp"])
    fu = acc["fu"]
    valid = fu is not None and fu[0] in RATING_POINTS
    answered = in_time = a_due = a_in = team = 0
    pending: list[tuple[str, int]] = []
    for code, _role, active, summons, assist_due, assist_reported in rec["members"]:
        if summons is not None:
            if summons[0]:
                answered += 1
                in_time += int(bool(summons[2]))
            else:
                pending.append(("s", summons[1]))
        a_due += assist_due
        a_in += int(bool(assist_reported) and bool(acc["assist"].get(code, 0)))
        team += int(bool(active))
    if rec["due"] is not None:
        pending.append(("o", rec["due"]))
    if disp and acc["first_ack"] is None and acc["ack_due"] is not None and rec["st"] not in _WAITING:
        pending.append(("a", acc["ack_due"]))
    vector = (
        1.0, float(disp), float(acc["resolved"]), float(acc["clo"]), float(CaseState(rec["st"]).is_open),
        float(valid), float(valid and bool(fu[1])), float(valid and bool(fu[2])),
        round(RATING_POINTS[fu[0]] * 10) if valid else 0.0,
        float(disp and acc["first_ack"] is not None), float(disp and acc["first_ack"] == 1),
        float(bool(acc["resolved"]) and bool(acc["rot"])), float(disp and bool(acc["ret"])),
        float(acc["redo"] > 0), float(disp and bool(acc["ext"])), float(disp and bool(acc["esc"])),
        float(disp and bool(acc["res"])), float(answered), float(in_time), float(a_due), float(a_in),
        float(team), 0.0, float(disp and rec["sev"] in MAJOR),
        *(copresence(h, rec["members"], rec["aff"], rec["sev"] in MAJOR) if disp else (0, 0)),
    )
    return Contribution(key, rday, tuple(float(v) for v in vector), tuple(pending))


def _due_day(us: int) -> str:
    at = moment(us)
    assert at is not None
    return day_of(at)


class Deltas:
    """Sums to add (the change of one save, or of many): keyed vectors and pending counts."""

    def __init__(self) -> None:
        self.sums: dict[SumKey, list[float]] = {}
        self.due: dict[DueKey, int] = {}
        self.reads: dict[SumKey, list[float]] = {}  # 信息对称: READ_COLUMNS (``read_sums``)

    def add_read(self, key: SumKey, vec: Sequence[float], sign: int) -> None:
        found = self.reads.setdefault(key, [0.0] * len(READ_COLUMNS))
        for i, v in enumerate(vec):
            found[i] += sign * v

    def add(self, c: Contribution | None, day: str, sign: int) -> None:
        if c is None:
            return
        key = (c.places, c.received_day, day)
        found = self.sums.get(key)
        if found is None:
            found = self.sums[key] = [0.0] * len(SUM_COLUMNS)
        for i, v in enumerate(c.vector):
            if v:
                found[i] += sign * v
        for kind, due in c.pending:
            dkey = (c.places, c.received_day, day, kind, _due_day(due))
            self.due[dkey] = self.due.get(dkey, 0) + sign

    def change(self, before: Contribution | None, after: Contribution | None, day: str) -> None:
        self.add(before, day, -1)
        self.add(after, day, +1)

    def merge(self, other: Deltas) -> None:
        for key, vec in other.sums.items():
            found = self.sums.setdefault(key, [0.0] * len(SUM_COLUMNS))
            for i, v in enumerate(vec):
                found[i] += v
        for dkey, n in other.due.items():
            self.due[dkey] = self.due.get(dkey, 0) + n
        for key, vec in other.reads.items():
            self.add_read(key, vec, +1)

    def compact(self) -> Deltas:
        """Without the keys that add nothing."""
        out = Deltas()
        out.sums = {k: v for k, v in self.sums.items() if any(v)}
        out.due = {k: n for k, n in self.due.items() if n}
        out.reads = {k: v for k, v in self.reads.items() if any(v)}
        return out

    def reads_now(self) -> dict[tuple[str, str], list[float]]:
        """The read-mark sums without the day of change (``case_sum_read_now``)."""
        out: dict[tuple[str, str], list[float]] = {}
        for (places, rday, _), vec in self.reads.items():
            found = out.setdefault((places, rday), [0.0] * len(READ_COLUMNS))
            for i, v in enumerate(vec):
                found[i] += v
        return {k: v for k, v in out.items() if any(v)}

    def now(self) -> dict[tuple[str, str], list[float]]:
        """The same without the day of change (``case_sum_now``: what the figures taken now read)."""
        sums: dict[tuple[str, str], list[float]] = {}
        for (places, rday, _), vec in self.sums.items():
            found = sums.setdefault((places, rday), [0.0] * len(SUM_COLUMNS))
            for i, v in enumerate(vec):
                found[i] += v
        return {k: v for k, v in sums.items() if any(v)}

    def by_node(self) -> Deltas:
        """Keyed by the nodes of the place sets (``nodes_of``), as the tables hold them."""
        out = Deltas()
        for src, dst in ((self.sums, out.sums), (self.reads, out.reads)):
            for (places, rday, day), vec in src.items():
                for node, w in nodes_of(places):
                    found = dst.setdefault((node, rday, day), [0.0] * len(vec))
                    for i, v in enumerate(vec):
                        found[i] += w * v
        for (places, rday, day, kind, due_day), n in self.due.items():
            for node, w in nodes_of(places):
                key = (node, rday, day, kind, due_day)
                out.due[key] = out.due.get(key, 0) + w * n
        return out.compact()

    def negated(self) -> Deltas:
        out = Deltas()
        out.sums = {k: [-x for x in v] for k, v in self.sums.items()}
        out.due = {k: -n for k, n in self.due.items()}
        out.reads = {k: [-x for x in v] for k, v in self.reads.items()}
        return out


def save_deltas(previous: str | None, row: FactRow, h: HierarchyIndex) -> Deltas:
    """The sums' change of a regular save (``row``, after the row whose body is ``previous``)."""
    out = Deltas()
    out.change(contribution(previous, h), contribution(row.body, h), change_day(row.valid_from))
    return out.compact()


def pending_of(body: str | None, h: HierarchyIndex) -> tuple[str, str, tuple[tuple[str, int], ...]]:
    """The pending deadlines a row leaves (places, received day, (kind, deadline µs)…)."""
    c = contribution(body, h)
    return ("", "", ()) if c is None else (c.places, c.received_day, c.pending)


def case_deltas(rows: Sequence[FactRow], h: HierarchyIndex) -> Deltas | None:
    """All a case adds to the sums, from its fact rows in version order; None when one is irregular
    (the case is then read from its rows and events, not from the sums)."""
    out = Deltas()
    return out.compact() if add_case(out, rows, h) else None


def add_case(total: Deltas, rows: Sequence[FactRow], h: HierarchyIndex) -> bool:
    """``total.merge(case_deltas(rows))`` without a case's own ``Deltas`` (the state cross-check
    adds every case of the store); False, adding nothing, when a row is irregular. The sums hold
    counts and whole rating points, so the order they are added in changes nothing."""
    if any(r.irregular for r in rows):
        return False
    previous = None
    for r in rows:
        total.change(contribution(previous, h), contribution(r.body, h), change_day(r.valid_from))
        previous = r.body
    return True


def days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
