"""The facts of a period read from the 事实表 (``case_fact``), and the rebuild of that table from
the log.

``period_facts`` gives what ``service.collect`` and ``FactsCache.collect`` give for the same window
and moment — the same ``CaseFacts``, so the same engine makes the same figures — without reading
or replaying the cases' events: one row per case, the version valid at the moment. Only cases whose
row is irregular (a backfill), and cases a principal might see by something other than the places
of its oversight, are replayed from their events — unless the row names who sees it by the record
(``viewers``, decision 0045): then the row decides for any staff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from liandong.assessment.fact_rows import facts_of
from liandong.assessment.facts import CaseFacts, case_facts
from liandong.assessment.periods import Period
from liandong.assessment.rules import AssessmentRules
from liandong.assessment.service import Assessment, FactsCache, PeriodFacts, minute_up
from liandong.assessment.viewers import rows_with_viewers, sees
from liandong.domain.access import OVERSIGHT, Principal, can_see
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports import UnitOfWork

Visible = Callable[[CaseRecord], bool]


def oversees(principal: Principal, scope: str, hierarchy: HierarchyIndex) -> Visible | None:
    """For an oversight role over ``scope``: a test, on the places and owner a fact row keeps,
    that is true only where ``can_see`` is (its oversight branch); None for other staff."""
    mine = principal.jurisdiction
    if principal.is_citizen or not principal.roles & OVERSIGHT or mine is None or mine not in hierarchy:
        return None
    if scope not in hierarchy or not hierarchy.is_ancestor(mine, scope):
        return None

    def sure(record: CaseRecord) -> bool:
        places = (*record.affected, record.owner) if record.owner else record.affected
        return any(code in hierarchy and hierarchy.is_ancestor(mine, code) for code in places)

    return sure


def period_facts(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, start: datetime, end: datetime,
                 as_of: datetime, *, scope: str | None = None, principal: Principal | None = None,
                 ) -> list[CaseFacts]:
    """The facts at ``as_of`` of the cases received in [start, end) with a place under ``scope``
    (as the store reads them by place), oldest first; with ``principal``, only those it may see."""
    sure = oversees(principal, scope or hierarchy.root.code, hierarchy) if principal is not None else None
    with uow() as u:
        rows = list(u.case_reads.facts_received(start, end, as_of, scope=scope))
        reads = u.case_reads.reads_received(start, end, scope=scope)
        units: dict[str, tuple[str, str, str, str]] = {}
        out: list[CaseFacts | None] = []
        replay: dict[str, int] = {}
        for row in rows:
            f = None if row.irregular else facts_of(row, as_of, hierarchy, reads.get(row.case_id, {}), units)
            seen = None if principal is None or f is None else (
                True if sure is not None and sure(f.record) else sees(principal, row, f.record, hierarchy))
            if row.irregular or (principal is not None and f is not None and seen is None):
                replay[row.case_id] = len(out)  # from its events, for the record can_see reads
            out.append(f if seen is not False else None)
        if replay:
            for case_id, events in u.case_reads.streams_of(list(replay)):
                f = case_facts(case_id, events, as_of, hierarchy, reads.get(case_id, {}))
                if f is not None and principal is not None and not can_see(principal, f.record, hierarchy):
                    f = None
                out[replay[case_id]] = f
    return [f for f in out if f is not None]


def assess_stored(cache: FactsCache, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex,
                  period: Period, now: datetime, rules: AssessmentRules, *, principal: Principal,
                  scope: str) -> Assessment:
    """As ``service.assess_cached`` for ``principal``: the facts from the fact rows, the
    attributions (accountability, which reads the events) through the cache when first asked for."""
    if period.start >= now:
        raise DomainError("assessment.future_period", start=period.first_day.isoformat())

    def visible(record: CaseRecord) -> bool:
        return can_see(principal, record, hierarchy)

    def one(p: Period) -> PeriodFacts:
        end = min(p.end, now)
        as_of = minute_up(end)
        facts = period_facts(uow, hierarchy, p.start, end, as_of, scope=scope, principal=principal)
        return PeriodFacts(p, as_of, facts, None, lambda: cache.period(
            uow, hierarchy, p, now, rules, visible=visible, scope=scope).attributions).refined(uow, rules)

    return Assessment(hierarchy, rules, one(period), one(period.previous()))


def _same(a: CaseFacts, b: CaseFacts) -> bool:
    """The same facts (and the same fair part where both carry one: a row from before migration
    0035 carries none)."""
    return (a.case_id, a.received_at, a.matter, a.severity, a.source, a.lead, a.lead_level, a.places,
            dict(a.counts), a.members, a.record.affected) == (
        b.case_id, b.received_at, b.matter, b.severity, b.source, b.lead, b.lead_level, b.places,
        dict(b.counts), b.members, b.record.affected) and (
        a.fair is None or b.fair is None or a.fair == b.fair)


def check(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, since: datetime, as_of: datetime,
          ) -> tuple[int, list[str]]:
    """The cases received in [since, as_of) whose facts at ``as_of`` from the fact rows differ
    from those computed from their events (a full recomputation): how many were compared, and
    the ids of those that differ."""
    mine = {f.case_id: f for f in period_facts(uow, hierarchy, since, as_of, as_of)}
    n, wrong = 0, []
    with uow() as u:
        for case_id, events, reads in u.case_reads.streams_received(since, as_of):
            theirs = case_facts(case_id, events, as_of, hierarchy, reads)
            found = mine.pop(case_id, None)
            n += 1
            if (theirs is None) != (found is None) or (
                    theirs is not None and found is not None and not _same(theirs, found)):
                wrong.append(case_id)
    return n, wrong + sorted(mine)


def rebuild(uow: Callable[[], UnitOfWork]) -> int:
    """``liandong insight rebuild-facts``: every case's fact rows derived again from its events, in
    one transaction; the number of cases."""
    with uow() as u:
        n = u.cases.rebuild_facts(rows_with_viewers)
        u.commit()
    return n
