"""An assessment of a period: the facts of its cases read from the store in one pass, the KPI
engine over them and over the period before, rankings, classes and accountability.

The CLI (``liandong report``), the exports and the workbench dashboard all go through here, so
they show the same numbers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from liandong.assessment.attribution import Attribution, Summary, attribute, pilots_of, summarise
from liandong.assessment.engine import Engine, Figures
from liandong.assessment.facts import CaseFacts, case_facts
from liandong.assessment.part_days import PartDays
from liandong.assessment.periods import Period
from liandong.assessment.rules import AssessmentRules, Ranked, rank
from liandong.domain.cases.events import Event
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.ports import UnitOfWork

Visible = Callable[[CaseRecord], bool]


@dataclass
class PeriodFacts:
    """The facts of a period's cases, and their attributions (given, or made when first read)."""

    period: Period
    as_of: datetime
    facts: list[CaseFacts]
    blamed: list[Attribution] | None = None
    loader: Callable[[], list[Attribution]] | None = field(default=None, repr=False, compare=False)
    fair: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # fair.FairCase per case

    def refined(self, uow: Callable[[], UnitOfWork], rules: AssessmentRules, *, always: bool = False,
                ) -> PeriodFacts:
        """The period under the fair rules of issue 25 (``assessment.fair``): its facts adjusted
        when the rules change them — from what the facts carry (decision 0051) when every one
        does, else from the events; with ``always``, each case's fair reading too (read from its
        events, even when the rules change nothing); else itself."""
        from liandong.assessment import fair

        if self.fair is not None or not (always or fair.active(rules)):
            return self
        if not always and all(f.fair is not None for f in self.facts):
            return PeriodFacts(self.period, self.as_of, [fair.adjust_facts(f, rules) for f in self.facts],
                               self.blamed, self.loader)

        def streams(ids: list[str]) -> dict[str, list[Event]]:
            with uow() as u:
                return dict(u.case_reads.streams_of(ids))

        facts, cases = fair.refine(self.facts, streams, self.as_of, rules)
        return PeriodFacts(self.period, self.as_of, facts, self.blamed, self.loader, cases)

    @property
    def attributions(self) -> list[Attribution]:
        if self.blamed is None:
            self.blamed = self.loader() if self.loader is not None else []
        return self.blamed


def collect(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, period: Period, now: datetime,
            rules: AssessmentRules, *, visible: Visible | None = None, scope: str | None = None,
            progress: Callable[[int], None] | None = None) -> PeriodFacts:
    """The facts (and attributions) of the cases received in ``period``, as at its end (or now,
    for a period not over yet); with ``scope``, only the cases with a place under it (read by
    place in the store: enough for every figure of that scope or of a unit below it)."""
    as_of = min(period.end, now)
    facts: list[CaseFacts] = []
    blamed: list[Attribution] = []
    with uow() as u:
        pilots = rules.pilot_list() + pilots_of(i.record for i in u.instrument_reads.of_kind("pilot"))
        streams = u.case_reads.streams_received(period.start, as_of, scope=scope)
        for n, (case_id, events, reads) in enumerate(streams, 1):
            f = case_facts(case_id, events, as_of, hierarchy, reads)
            if f is None or (visible is not None and not visible(f.record)):
                continue
            facts.append(f)
            a = attribute(case_id, events, as_of, hierarchy, pilots)
            if a is not None:
                blamed.append(a)
            if progress is not None and n % 1000 == 0:
                progress(1000)
    return PeriodFacts(period, as_of, facts, blamed)


class FactsCache:
    """Event streams and facts kept across requests (the workbench dashboard): each time, only the
    cases whose version changed are read again, and a case's facts are recomputed only when it
    changed, its read marks changed, or the moment they are taken at moved to the next minute.

    The moment is the next whole minute (deadlines passing within that minute count as passed),
    so that every event already stored is seen. A call that would take the cache past ``capacity``
    with streams it had to read empties it first, keeping its own cases; a call that read nothing
    new drops nothing. Pages pass their scope, so that only its cases are read (by place)."""

    def __init__(self, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._streams: dict[str, tuple[int, list[Event]]] = {}
        # per case, per moment taken at: the two moments used last (a page taken now and a closed
        # period's end), so that two pages do not undo each other's work nor grow without end
        self._facts: dict[str, dict[datetime, tuple[tuple[Any, ...], CaseFacts]]] = {}
        self._blame: dict[str, dict[datetime, tuple[tuple[Any, ...], Attribution | None]]] = {}
        self._lock = threading.Lock()
        self.part_days = PartDays()  # the dashboards' first part days (read with the sums)

    def holds(self, uow: Callable[[], UnitOfWork], start: datetime, end: datetime) -> bool:
        """Whether the cases received in [start, end) take at most half the cache (what a warm-up
        asks before filling it: a megacity's month would only fill it to empty it again)."""
        with uow() as u:
            return len(u.case_reads.versions_received(start, end)) <= self.capacity // 2

    def collect(self, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, start: datetime,
                end: datetime, *, visible: Visible | None = None, scope: str | None = None,
                ) -> list[CaseFacts]:
        """The facts of the cases received in [start, end), as at ``end`` rounded up to the minute;
        with ``scope``, only the cases with a place under it, as the store reads them by place."""
        return self._collect(uow, hierarchy, start, end, visible, scope)[0]

    def _collect(self, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, start: datetime,
                 end: datetime, visible: Visible | None, scope: str | None,
                 ) -> tuple[list[CaseFacts], dict[str, tuple[int, list[Event]]]]:
        """The facts, and the streams they were taken from.

        Entries are per case, never per scope: the store's list of the scope's cases (with their
        versions) decides what is returned, so a case cached for a narrower scope is served for a
        wider one only when the store lists it there too, and one missing is read. The streams are
        held for this call, so that a concurrent clearing (at capacity) loses none of them."""
        as_of = minute_up(end)
        with uow() as u:
            versions = u.case_reads.versions_received(start, end, scope=scope)
            with self._lock:
                streams = {cid: found for cid, _ in versions
                           if (found := self._streams.get(cid)) is not None}
            stale = [cid for cid, v in versions if streams.get(cid, (-1, []))[0] != v]
            fresh = list(u.case_reads.streams_of(stale))
            reads = u.case_reads.reads_received(start, end, scope=scope)
        out = []
        with self._lock:
            if fresh and len(self._streams) + len(fresh) > self.capacity:
                self._streams.clear()
                self._facts.clear()
                self._blame.clear()
                self._streams.update(streams)  # this call's cases stay (one call may exceed it)
            for cid, events in fresh:
                streams[cid] = self._streams[cid] = (len(events), events)
            for cid, _ in versions:
                found = streams.get(cid)
                if found is None:
                    continue
                marks = reads.get(cid, {})
                key = (found[0], as_of, tuple(sorted(marks.items())))
                moments = self._facts.setdefault(cid, {})
                cached = moments.get(as_of)
                if cached is not None and cached[0] == key:
                    f: CaseFacts | None = cached[1]
                    _keep_two(moments, as_of, cached)  # used: the last to go
                else:
                    f = case_facts(cid, found[1], as_of, hierarchy, marks)
                    if f is not None:
                        _keep_two(moments, as_of, (key, f))
                if f is not None and (visible is None or visible(f.record)):
                    out.append(f)
        return out, streams

    def period(self, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, period: Period,
               now: datetime, rules: AssessmentRules, *, visible: Visible | None = None,
               scope: str | None = None) -> PeriodFacts:
        """The facts and attributions of a period (as ``collect`` at module level), from the cache."""
        end = min(period.end, now)
        facts, streams = self._collect(uow, hierarchy, period.start, end, visible, scope)
        as_of = minute_up(end)
        with uow() as u:
            pilots = rules.pilot_list() + pilots_of(i.record for i in u.instrument_reads.of_kind("pilot"))
        blamed = []
        with self._lock:
            for f in facts:
                stream = streams[f.case_id]
                key = (stream[0], as_of, tuple(pilots))
                moments_b = self._blame.setdefault(f.case_id, {})
                cached_b = moments_b.get(as_of)
                if cached_b is not None and cached_b[0] == key:
                    a = cached_b[1]
                    _keep_two(moments_b, as_of, cached_b)
                else:
                    a = attribute(f.case_id, stream[1], as_of, hierarchy, pilots)
                    _keep_two(moments_b, as_of, (key, a))
                if a is not None:
                    blamed.append(a)
        return PeriodFacts(period, as_of, facts, blamed)


def _keep_two(moments: dict[datetime, Any], as_of: datetime, value: Any) -> None:
    """Store ``value`` for ``as_of``, keeping only the two moments used last."""
    moments.pop(as_of, None)
    moments[as_of] = value
    while len(moments) > 2:
        del moments[next(iter(moments))]


def minute_up(moment: datetime) -> datetime:
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


GROUPS = ("province", "city", "county", "township", "department", "matter", "source", "severity",
          "lead_system", "lead_level")
_LEVEL_GROUPS = {"province": Level.PROVINCE, "city": Level.CITY, "county": Level.COUNTY,
                 "township": Level.TOWNSHIP}


@dataclass
class Assessment:
    """The figures of a period and of the one before, for any scope and grouping."""

    hierarchy: HierarchyIndex
    rules: AssessmentRules
    current: PeriodFacts
    previous: PeriodFacts
    _engines: dict[str, Engine] = field(default_factory=dict, init=False, repr=False)
    _groups: dict[tuple[str, str, str], dict[str, Figures]] = field(default_factory=dict, init=False,
                                                                   repr=False)

    def engine(self, which: str = "current") -> Engine:
        found = self._engines.get(which)
        if found is None:
            data = self.current if which == "current" else self.previous
            found = self._engines[which] = Engine.of(data.facts, self.hierarchy, self.rules.composite.weights,
                                                     self.rules.composite.extra_weights)
        return found

    def close(self) -> None:
        for e in self._engines.values():
            e.close()

    def total(self, scope: str, which: str = "current") -> Figures:
        return self.engine(which).total(scope)

    def groups(self, scope: str, by: str, which: str = "current") -> dict[str, Figures]:
        """The figures of each group of the scope's cases (a unit level, a department, a matter…)."""
        if by not in GROUPS:
            raise DomainError("assessment.bad_group", value=by, allowed=", ".join(GROUPS))
        found = self._groups.get((scope, by, which))  # a page reads them for its table and its ranking
        if found is None:
            e = self.engine(which)
            if by in _LEVEL_GROUPS:
                found = e.by_unit(scope, _LEVEL_GROUPS[by])
            elif by == "department":
                found = e.by_department(scope)
            else:
                found = e.by_dimension(scope, by)
            self._groups[(scope, by, which)] = found
        return dict(found)  # the caller's own: the kept one stays as the engine gave it

    def ranking(self, scope: str, by: str, indicator: str = "composite", *,
                lower_is_better: bool = False) -> list[Ranked]:
        """The groups ranked by an indicator, with their rank and value the period before and
        their class (先进, 进步, 整改, 治理类) by the indicator's own thresholds; within tiers of
        comparable units when the rules ask (分级分类, ``assessment.tiers``)."""
        return self._rank(self.groups(scope, by), self.groups(scope, by, "previous"), indicator,
                          lower_is_better)

    def department_ranking(self, scope: str, level: Level, system: str | None,
                           indicator: str = "composite", *, lower_is_better: bool = False) -> list[Ranked]:
        """Departments of one level (and system) ranked against each other (同级同系统排名)."""
        now = self.engine().by_department(scope, level=level, system=system)
        before = self.engine("previous").by_department(scope, level=level, system=system)
        return self._rank(now, before, indicator, lower_is_better)

    def _rank(self, now: dict[str, Figures], before: dict[str, Figures], indicator: str,
              lower_is_better: bool) -> list[Ranked]:
        if self.rules.tiers.enabled:
            from liandong.assessment.tiers import rank_in_tiers

            return rank_in_tiers(now, before, indicator, lower_is_better=lower_is_better,
                                 classes=self.rules.classes, tiers=self.rules.tiers, hierarchy=self.hierarchy)
        return rank(now, before, indicator, lower_is_better=lower_is_better,
                    rules=self.rules.classes.of(indicator))

    def attributions(self, scope: str, which: str = "current") -> list[Attribution]:
        data = self.current if which == "current" else self.previous
        h = self.hierarchy
        if scope not in h:
            raise DomainError("assessment.unknown_scope", code=scope[:20])
        inside = {f.case_id for f in data.facts
                  if any(p in h and h.is_ancestor(scope, p) for p in f.record.affected)}
        return [a for a in data.attributions if a.case_id in inside]

    def accountability(self, scope: str, which: str = "current") -> Summary:
        return summarise(self.attributions(scope, which))


def assess(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, period: Period, now: datetime,
           rules: AssessmentRules, *, visible: Visible | None = None, scope: str | None = None,
           progress: Callable[[int], None] | None = None) -> Assessment:
    """Collect the period and the one before it and return their assessment (with ``scope``:
    good for that scope and the units below it only)."""
    if period.start >= now:
        raise DomainError("assessment.future_period", start=period.first_day.isoformat())
    current = collect(uow, hierarchy, period, now, rules, visible=visible, scope=scope, progress=progress)
    previous = collect(uow, hierarchy, period.previous(), now, rules, visible=visible, scope=scope,
                       progress=progress)
    return Assessment(hierarchy, rules, current.refined(uow, rules), previous.refined(uow, rules))


def assess_cached(cache: FactsCache, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex,
                  period: Period, now: datetime, rules: AssessmentRules, *,
                  visible: Visible | None = None, scope: str | None = None) -> Assessment:
    """As ``assess``, reading through a ``FactsCache`` (for pages)."""
    if period.start >= now:
        raise DomainError("assessment.future_period", start=period.first_day.isoformat())
    current = cache.period(uow, hierarchy, period, now, rules, visible=visible, scope=scope)
    previous = cache.period(uow, hierarchy, period.previous(), now, rules, visible=visible, scope=scope)
    return Assessment(hierarchy, rules, current.refined(uow, rules), previous.refined(uow, rules))


def figures_rows(groups: dict[str, Figures], names: Callable[[str], str],
                 order: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Plain rows (for tables and exports): key, name and every count and indicator."""
    keys: Sequence[str] = list(order) if order is not None else sorted(groups)
    return [{"key": k, "name": names(k), **groups[k].as_dict()} for k in keys if k in groups]


def _days(period: Period) -> list[date]:
    first, last = period.first_day, period.last_day
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def daily(facts: list[CaseFacts], period: Period) -> list[tuple[date, int, int]]:
    """Per Shanghai day of the period: the cases received, and how many of those are resolved."""
    received = dict.fromkeys(_days(period), 0)
    resolved = dict.fromkeys(received, 0)
    for f in facts:
        day = f.received_at.astimezone(SHANGHAI).date()
        if day in received:
            received[day] += 1
            resolved[day] += int(f.counts["resolved"])
    return [(day, received[day], resolved[day]) for day in received]
