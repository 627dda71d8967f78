"""考核指标: the figures of a scope over a period, computed only from stored case events.

Pure functions (no web, no storage, no clock): the caller hands in each case's events and the
moment the figures are taken at. The cohort of a period is the cases *received* in it
(``start <= reported < end``), seen as they stood at ``end`` (the period's end, or now for the
current one), so a period and the one before it are judged alike.

Rates keep their parts (``Rate``) so that a page can show 7/8 beside 87.5% and a test can check
both. A rate with nothing to count has no value (``None``), never 0 or 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord, replay
from liandong.domain.cases.states import CaseState
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.worktime import SHANGHAI

# 三率 composite: 0.1 × response + 0.5 × resolution + 0.4 × satisfaction.
COMPOSITE_WEIGHTS = (0.1, 0.5, 0.4)
# A "basically satisfied" rating counts 0.9 of a satisfied one; "none" is not a rating.
RATING_WEIGHTS = {"satisfied": 1.0, "basically_satisfied": 0.9, "unsatisfied": 0.0}
# States in which the handling deadline runs (a paused case's clock is stopped).
_RUNNING = frozenset({CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS,
                      CaseState.RETURNED, CaseState.SHELVED})
# Events that set a new acknowledgement deadline.
_NEW_ACK_CLOCK = (ev.CaseDispatched, ev.ReturnDecided, ev.CaseRedispatched, ev.CaseEscalated)


@dataclass(frozen=True, slots=True)
class Rate:
    """A ratio kept as its parts."""

    numerator: float
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        return {"value": None if value is None else round(value, 4),
                "numerator": round(self.numerator, 4), "denominator": self.denominator}


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)``; the figures of the period are taken as at ``end``."""

    start: datetime
    end: datetime

    def previous(self) -> Period:
        """The period of the same length just before this one (环比)."""
        return Period(self.start - (self.end - self.start), self.start)

    def days(self) -> list[date]:
        """The Shanghai calendar days the period touches, in order."""
        first = self.start.astimezone(SHANGHAI).date()
        last = (self.end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the indicators need to know of one case, from its events up to a moment."""

    record: CaseRecord
    received_at: datetime
    dispatched: bool
    acknowledged: bool
    ack_in_time: bool  # first acknowledged within the acknowledgement limit then in force
    ack_due: datetime | None  # the acknowledgement deadline in force (the last one set)
    resolved: bool
    resolved_on_time: bool  # the latest resolution was within the deadline in force
    closed: bool
    followed_up: bool
    solved: bool  # at the latest follow-up
    rating: str  # of the latest follow-up
    returned: bool
    escalated: bool
    summonses: tuple[tuple[datetime, bool, bool], ...]  # (due, answered, on time) per summons

    @property
    def places(self) -> tuple[str, ...]:
        return self.record.affected

    @property
    def open(self) -> bool:
        return self.record.state.is_open

    def overdue(self, as_of: datetime) -> bool:
        r = self.record
        return (r.state in _RUNNING and r.due is not None and r.due < as_of and r.paused_at is None)

    def ack_decided(self, as_of: datetime) -> bool:
        """Acknowledged, or its acknowledgement deadline has passed (unless a return awaits its
        decision, which sets a new deadline, or the case was merged into another)."""
        if self.acknowledged:
            return True
        waiting = self.record.state in (CaseState.RETURNED, CaseState.MERGED)
        return self.ack_due is not None and self.ack_due < as_of and not waiting

    def summonses_due(self, as_of: datetime) -> list[bool]:
        """Whether each summons answered, or unanswered past its limit, was answered on time."""
        return [on_time for due, answered, on_time in self.summonses if answered or due < as_of]


def case_facts(case_id: str, events: Sequence[ev.Event]) -> CaseFacts | None:
    """Replay the events of a case (a prefix of its stream); None unless it starts with a report.

    The facts depend on the events only, so a caller may keep them per (case, number of events)."""
    seen = list(events)
    if not seen or not isinstance(seen[0], ev.CaseReported):
        return None
    ack_due: datetime | None = None
    first_ack: tuple[datetime, bool] | None = None
    last_resolution: ev.CaseResolved | None = None
    last_follow_up: ev.CaseFollowedUp | None = None
    dispatched = returned = escalated = closed = False
    for e in seen:
        if isinstance(e, _NEW_ACK_CLOCK):
            ack_due = e.ack_due
            dispatched = True
            escalated = escalated or isinstance(e, ev.CaseEscalated)
        elif isinstance(e, ev.CaseAcknowledged) and first_ack is None:
            first_ack = (e.at, ack_due is not None and e.at <= ack_due)
        elif isinstance(e, ev.CaseResolved):
            last_resolution = e
        elif isinstance(e, ev.CaseFollowedUp):
            last_follow_up = e
        elif isinstance(e, ev.CaseReturned):
            returned = True
        elif isinstance(e, ev.CaseClosed):
            closed = True
    record = replay(case_id, seen)
    return CaseFacts(
        record=record, received_at=seen[0].at, dispatched=dispatched,
        acknowledged=first_ack is not None, ack_in_time=first_ack is not None and first_ack[1],
        ack_due=ack_due,
        resolved=last_resolution is not None,
        resolved_on_time=last_resolution is not None and last_resolution.on_time,
        closed=closed, followed_up=last_follow_up is not None,
        solved=last_follow_up is not None and last_follow_up.solved,
        rating=last_follow_up.rating if last_follow_up is not None else "",
        returned=returned, escalated=escalated,
        summonses=tuple((s.due, s.answered_at is not None, bool(s.on_time))
                        for s in record.summons.values()))


# -- the indicators -------------------------------------------------------------------------------
def response_rate(cases: Sequence[CaseFacts], as_of: datetime) -> Rate:
    """响应率: dispatched cases first acknowledged (签收) within the acknowledgement limit in
    force, over the dispatched cases whose acknowledgement is due (acknowledged, or past the limit;
    a case still inside its limit, or whose return awaits a decision, is not counted yet)."""
    decided = [c for c in cases if c.dispatched and c.ack_decided(as_of)]
    return Rate(sum(1 for c in decided if c.ack_in_time), len(decided))


def resolution_rate(cases: Sequence[CaseFacts]) -> Rate:
    """解决率: followed-up cases whose latest follow-up (回访) found the problem solved, over the
    followed-up cases."""
    followed = [c for c in cases if c.followed_up]
    return Rate(sum(1 for c in followed if c.solved), len(followed))


def satisfaction_rate(cases: Sequence[CaseFacts]) -> Rate:
    """满意率: (satisfied + 0.9 × basically satisfied) over the cases rated at their latest
    follow-up; a follow-up with rating "none" (no opinion given) is left out."""
    rated = [c.rating for c in cases if c.followed_up and c.rating in RATING_WEIGHTS]
    satisfied = sum(1 for r in rated if r == "satisfied")
    basically = sum(1 for r in rated if r == "basically_satisfied")
    return Rate(satisfied + RATING_WEIGHTS["basically_satisfied"] * basically, len(rated))


def composite(response: Rate, resolution: Rate, satisfaction: Rate) -> float | None:
    """三率综合: 0.1 × response + 0.5 × resolution + 0.4 × satisfaction; None unless all three
    rates have a value."""
    values = (response.value, resolution.value, satisfaction.value)
    if any(v is None for v in values):
        return None
    return sum(w * v for w, v in zip(COMPOSITE_WEIGHTS, values, strict=True) if v is not None)


def on_time_rate(cases: Sequence[CaseFacts]) -> Rate:
    """按时办结率: resolved cases whose latest resolution (办结) came within the handling deadline
    in force, over the resolved cases."""
    resolved = [c for c in cases if c.resolved]
    return Rate(sum(1 for c in resolved if c.resolved_on_time), len(resolved))


def return_rate(cases: Sequence[CaseFacts]) -> Rate:
    """退单率: dispatched cases returned (退单) at least once, over the dispatched cases."""
    dispatched = [c for c in cases if c.dispatched]
    return Rate(sum(1 for c in dispatched if c.returned), len(dispatched))


def escalation_rate(cases: Sequence[CaseFacts]) -> Rate:
    """提级率: dispatched cases escalated (提级) at least once, on request or on a breach, over
    the dispatched cases."""
    dispatched = [c for c in cases if c.dispatched]
    return Rate(sum(1 for c in dispatched if c.escalated), len(dispatched))


def summons_on_time_rate(cases: Sequence[CaseFacts], as_of: datetime) -> Rate:
    """吹哨报到及时率: summoned departments that reported in (报到) within the limit, over the
    summonses answered or already past their limit."""
    due = [on_time for c in cases for on_time in c.summonses_due(as_of)]
    return Rate(sum(due), len(due))


@dataclass(frozen=True, slots=True)
class Figures:
    """The headline figures of a set of cases as at ``as_of``."""

    received: int  # 受理: the cases of the cohort
    dispatched: int  # 派单: dispatched at least once
    resolved: int  # 办结: resolved at least once
    closed: int  # 归档
    open: int  # not closed nor merged
    overdue: int  # the handling deadline in force has passed while the deadline runs
    response: Rate
    resolution: Rate
    satisfaction: Rate
    on_time: Rate
    returns: Rate
    escalations: Rate
    summons_on_time: Rate

    @property
    def composite(self) -> float | None:
        return composite(self.response, self.resolution, self.satisfaction)

    def as_dict(self) -> dict[str, Any]:
        score = self.composite
        rates = ("response", "resolution", "satisfaction", "on_time", "returns", "escalations",
                 "summons_on_time")
        return {"received": self.received, "dispatched": self.dispatched, "resolved": self.resolved,
                "closed": self.closed, "open": self.open, "overdue": self.overdue,
                "composite": None if score is None else round(score, 4),
                **{name: getattr(self, name).as_dict() for name in rates}}


def figures(cases: Sequence[CaseFacts], as_of: datetime) -> Figures:
    return Figures(
        received=len(cases), dispatched=sum(1 for c in cases if c.dispatched),
        resolved=sum(1 for c in cases if c.resolved), closed=sum(1 for c in cases if c.closed),
        open=sum(1 for c in cases if c.open), overdue=sum(1 for c in cases if c.overdue(as_of)),
        response=response_rate(cases, as_of), resolution=resolution_rate(cases),
        satisfaction=satisfaction_rate(cases), on_time=on_time_rate(cases),
        returns=return_rate(cases), escalations=escalation_rate(cases),
        summons_on_time=summons_on_time_rate(cases, as_of))


# -- cohorts, places, rankings and trends ---------------------------------------------------------
def cohort(histories: Iterable[tuple[str, Sequence[ev.Event]]], period: Period,
           memo: MutableMapping[tuple[str, int], CaseFacts] | None = None) -> list[CaseFacts]:
    """The cases received in ``period``, as they stood at its end (their events up to then).

    ``memo`` keeps the facts per (case, number of events): a stream only grows, so a prefix of a
    given length always gives the same facts."""
    out = []
    for case_id, events in histories:
        if not events or not period.start <= events[0].at < period.end:
            continue  # the first event is the report: skip the replay of cases of other periods
        n = len(events)
        while n and events[n - 1].at > period.end:
            n -= 1
        key = (case_id, n)
        facts = memo.get(key) if memo is not None else None  # one look-up: safe if emptied meanwhile
        if facts is None:
            facts = case_facts(case_id, events[:n])
            if facts is None:
                continue
            if memo is not None:
                memo[key] = facts
        out.append(facts)
    return out


def in_scope(cases: Iterable[CaseFacts], scope: str, hierarchy: HierarchyIndex) -> list[CaseFacts]:
    """The cases with at least one place in the subtree of ``scope``."""
    return [c for c in cases if any(hierarchy.is_ancestor(scope, p) for p in c.places)]


def by_child(cases: Iterable[CaseFacts], scope: str, hierarchy: HierarchyIndex) -> dict[str, list[CaseFacts]]:
    """The cases of each child unit of ``scope`` (a case in two children counts in both)."""
    groups: dict[str, list[CaseFacts]] = {u.code: [] for u in hierarchy.children(scope)}
    depth = len(hierarchy.path(scope))
    for c in cases:
        children = {path[depth].code for path in (hierarchy.path(p) for p in c.places)
                    if len(path) > depth and path[depth - 1].code == scope}
        for code in children:
            groups[code].append(c)
    return groups


@dataclass(frozen=True, slots=True)
class Ranked:
    """A child unit's place in a ranking, with the change since the previous period."""

    code: str
    rank: int
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


def rank(current: dict[str, Figures], previous: dict[str, Figures], key: str) -> list[Ranked]:
    """Children by ``key`` (``received`` or ``composite``), highest first; those without a value
    last, in code order. Equal values share a rank (1, 2, 2, 4)."""
    def value(f: Figures | None) -> float | None:
        return None if f is None else getattr(f, key)

    order = sorted(current, key=lambda code: (value(current[code]) is None,
                                              -(value(current[code]) or 0), code))
    out: list[Ranked] = []
    for i, code in enumerate(order):
        v = value(current[code])
        place = out[-1].rank if out and v is not None and out[-1].value == v else i + 1
        out.append(Ranked(code, place, v, value(previous.get(code))))
    return out


def daily(cases: Iterable[CaseFacts], period: Period) -> list[tuple[date, int, int]]:
    """Per Shanghai day of the period: the cases received, and how many of those are resolved."""
    received = dict.fromkeys(period.days(), 0)
    resolved = dict.fromkeys(received, 0)
    for c in cases:
        day = c.received_at.astimezone(SHANGHAI).date()
        if day in received:
            received[day] += 1
            resolved[day] += c.resolved
    return [(day, received[day], resolved[day]) for day in received]
