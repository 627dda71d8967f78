"""A period's cases for the dashboard's figures read from the sums (``assessment.sums``), not
from a row per case: one stand-in ``CaseFacts`` per place set whose counts are the group's sums,
so the same engine (``Engine.total``, ``Engine.by_unit``) makes the same figures — a case counts
once in every unit one of its places lies in, as the group does.

Exact when the figures are taken at a Shanghai midnight, or at or after ``now`` (every event is
then before them); for other moments ``sum_facts`` returns None and the caller reads the rows. A
period starting within a day (the one before a period up to now) takes that first part day's
cases from their rows.
共同在场 is decided per group of candidates (``sums.TeamKey``) with the hierarchy; the read marks
(信息对称) come from their own sums (``read_sums``, decision 0052). The cases left out of the sums
(an irregular save) are read from their rows and events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from liandong.assessment.fact_rows import facts_of
from liandong.assessment.facts import COUNTS, CaseFacts, _units, case_facts
from liandong.assessment.part_days import PartDays
from liandong.assessment.stored import period_facts
from liandong.assessment.sums import day_of, midnight_day, nodes_of
from liandong.domain.cases.record import CaseRecord
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.worktime import SHANGHAI
from liandong.services.ports import UnitOfWork, scope_prefix
from liandong.services.ports.sums import READ_COLUMNS, SUM_COLUMNS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Units = dict[str, tuple[str, str, str, str]]


@dataclass(frozen=True, slots=True)
class SumFacts:
    facts: list[CaseFacts]  # stand-ins per place set, then corrections and whole cases from rows
    trend: dict[date, tuple[int, int]]  # per day of receipt: received, of which resolved


def _unit(h: HierarchyIndex, code: str, units: Units) -> tuple[str, str, str, str]:
    found = units.get(code)
    if found is None:
        found = units[code] = _units(h, code)
    return found


def sum_facts(uow: Callable[[], UnitOfWork], h: HierarchyIndex, start: datetime, end: datetime,
              as_of: datetime, now: datetime, *, scope: str | None = None, part: PartDays | None = None,
              ) -> SumFacts | None:
    """The stand-ins of the cases received in [start, end) with a place under ``scope``, at ``as_of``;
    None where the sums cannot give them exactly (then read the rows: ``stored.period_facts``).
    ``part``: where a first part day taken at a past midnight is kept across calls."""
    cut = midnight_day(as_of)
    if (cut is None and as_of < now) or (midnight_day(end) is None and end < now):
        return None
    # a period that starts within a day (the one before a period up to now): that first part day's
    # cases from their rows, the whole days after from the sums
    whole = start
    if midnight_day(start) is None:
        local = start.astimezone(SHANGHAI)
        whole = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)
    first, last = day_of(whole), day_of(end - timedelta(microseconds=1))
    prefix = scope_prefix(scope) if scope is not None else ""
    units: Units = {}

    def inside(places: Sequence[str]) -> bool:
        return not prefix or any(p.startswith(prefix) for p in places)

    with uow() as u:
        view = u.case_reads.sum_view()
        sums: dict[str, list[float]] = {}
        trend: dict[date, list[int]] = {}
        for node, *vec in view.period_sums(first, last, cut, prefix):
            sums[node] = [float(v or 0) for v in vec]
        for rday, received, resolved in view.period_trend(first, last, cut, prefix):
            trend[date.fromisoformat(rday)] = [received, resolved]
        passed: dict[tuple[str, str], int] = {}
        # at a midnight, the deadlines of earlier days pending then (per node); now, those pending
        # now and passed (per place set, here per node)
        if cut is not None:
            for node, kind, n in view.period_due(first, last, cut, cut, prefix):
                passed[node, kind] = passed.get((node, kind), 0) + n
        else:
            for places, kind, n in view.pending_between(first, last, _EPOCH, as_of):
                for node, w in nodes_of(places):
                    passed[node, kind] = passed.get((node, kind), 0) + w * n
        marks: dict[str, list[float]] = {}
        for node, *vec in view.period_reads(first, last, cut, prefix):
            marks[node] = [float(v or 0) for v in vec]
        keys = {k for k in (*sums, *marks, *(k for k, _ in passed)) if k.startswith(prefix)}
        out = [_group(key, sums.get(key, [0.0] * len(SUM_COLUMNS)), passed, marks.get(key), h, units, start)
               for key in sorted(keys)]
        skipped = set(view.skipped_between(whole, end))
        reads = u.case_reads.reads_of(sorted(skipped)) if skipped else {}
        for case_id in sorted(skipped):
            f = _row_facts(u, case_id, as_of, h, reads.get(case_id, {}), units)
            if f is not None and inside(f.record.affected):
                out.append(f)
                day = trend.setdefault(f.received_at.astimezone(SHANGHAI).date(), [0, 0])
                day[0] += 1
                day[1] += int(f.counts["resolved"])
    if whole > start and part is not None and cut is not None and as_of <= now and end >= whole:
        # taken at a midnight past: the day's cases kept across calls, checked by the day's stamp
        day_start = whole - timedelta(days=1)
        with uow() as u:  # the whole day, for every scope
            stamp = u.case_reads.sum_view().day_stamp(day_of(day_start), "", day_start, whole)
        found, received, resolved = part.facts(lambda: period_facts(uow, h, day_start, whole, as_of),
                                               day_start, start, as_of, prefix=prefix, stamp=stamp)
        out.extend(found)
        if received:
            trend[start.astimezone(SHANGHAI).date()] = [received, resolved]
    elif whole > start:
        for f in period_facts(uow, h, start, min(whole, end), as_of, scope=scope):
            out.append(f)
            day = trend.setdefault(f.received_at.astimezone(SHANGHAI).date(), [0, 0])
            day[0] += 1
            day[1] += int(f.counts["resolved"])
    return SumFacts(out, {d: (r, s) for d, (r, s) in trend.items()})


def _group(node: str, vec: list[float], passed: dict[tuple[str, str], int], marks: list[float] | None,
           h: HierarchyIndex, units: Units, start: datetime) -> CaseFacts:
    """The stand-in of a node's sums: counted in every unit whose code prefix starts the node."""
    s = dict(zip(SUM_COLUMNS, vec, strict=True))
    counts = dict.fromkeys(COUNTS, 0.0)
    for name in ("received", "dispatched", "resolved", "closed", "open", "valid", "contacted", "solved",
                 "ack_in_time", "resolved_on_time", "returned", "redone", "extended", "escalated",
                 "resource_asked", "summons_in_time", "assists_due", "assists_in_time", "team", "supporting"):
        counts[name] = s[name]
    counts["satisfaction_points"] = s["satisfaction_tenths"] / 10
    counts["overdue"] = passed.get((node, "o"), 0)
    counts["ack_due"] = s["ack_settled"] + passed.get((node, "a"), 0)
    counts["summons_due"] = s["summons_answered"] + passed.get((node, "s"), 0)
    counts["copresence_due"] = s["copresence_due"]
    counts["copresent"] = s["copresent"]
    for name, value in zip(READ_COLUMNS, marks or (), strict=False):
        counts[name] = value
    found = units.get(f"node:{node}")
    if found is None:
        found = units[f"node:{node}"] = _units(h, _deepest(h, node))
    return CaseFacts(case_id=f"sum:{node}", received_at=start, matter="", severity="", source="", lead="",
                     lead_system="", lead_level=-1, places=(found,), counts=counts, members=(),
                     record=CaseRecord(f"sum:{node}", affected=(node,)),
                     values=tuple(float(counts[n]) for n in COUNTS))


def _deepest(h: HierarchyIndex, node: str) -> str:
    """The deepest unit whose code prefix starts ``node`` (a place's code, or a prefix where a case's
    places branch), "" when none does: the units a node's sums count in are it and those above."""
    if node in h:
        return node
    for n in range(len(node), 1, -1):
        q = node[:n]
        for code in (q, q.ljust(6, "0")):
            if code in h and scope_prefix(code) == q:
                return code
    return ""


def _row_facts(u: UnitOfWork, case_id: str, as_of: datetime, h: HierarchyIndex,
               reads: dict[str, tuple[int, datetime]], units: Units) -> CaseFacts | None:
    rows = [r for r in u.case_reads.fact_rows(case_id) if r.valid_from <= as_of]
    if not rows:
        return None
    if rows[-1].irregular:
        for cid, events in u.case_reads.streams_of([case_id]):
            return case_facts(cid, events, as_of, h, reads)
        return None
    return facts_of(rows[-1], as_of, h, reads, units)
