"""待办 as people read it: what waits on a department (``uow.duties``, kept with the events), each
with its working-time countdown and a colour — amber from a share of its span, red once overdue,
never red once done — and a street's or township's every live case in its area. One model for the
web, the API (``/api/inbox/…``) and the CLI."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from liandong.domain.cases.waiting import NOTIFIED
from liandong.domain.duties import INSTRUMENT, Duty, DutyKind
from liandong.domain.errors import DomainError
from liandong.domain.responsibility import ResponsibilityList, Severity
from liandong.domain.worktime import HOURS, WorkCalendar
from liandong.services.ports import CaseSummary, Notice, UnitOfWork
from liandong.services.ports.duties import WaitingRow

CLOCK_KINDS = frozenset({DutyKind.ACKNOWLEDGE, DutyKind.ANSWER_SUMMONS, DutyKind.READ})
"""Duties whose limit is counted in clock time (签收 within hours, 吹哨 within minutes, 阅知 within
the issuer's hours); the others count working time unless their case's limit is in clock hours."""


class Urgency(StrEnum):
    CALM = "calm"  # no deadline, or well within it
    AMBER = "amber"  # less than the amber share of its span is left
    RED = "red"  # overdue


CASE_NOTICES = frozenset(e.__name__ for e in NOTIFIED)
"""The event types of case notices (the notice outbox holds instruments' too)."""


@dataclass(frozen=True)
class Told:
    """A notice of a case as its department is shown it: the case's number, what the event says
    (a message's text, a summons' reason) and the version of the case that event made."""

    notice: Notice
    number: str
    text: str
    version: int


@dataclass(frozen=True)
class WorkItem:
    """One row of an inbox: the duty and what is read of its subject."""

    duty: Duty
    state: str  # the case's state, or the instrument's (open …)
    matter: str  # a case's matter code; an instrument's kind
    severity: str  # a case's severity ("" for instruments)
    title: str  # an instrument's title ("" for cases)
    source: str  # a case's 来源 ("" for instruments)
    received_at: datetime | None
    number: str  # a case's 案件编号 ("" for instruments)
    hours_left: float | None  # working hours (clock hours for clock limits); negative: hours late
    clock_hours: bool  # the countdown is in clock hours
    urgency: Urgency


@dataclass(frozen=True)
class WorkList:
    department: str
    total: int
    items: list[WorkItem]


@dataclass(frozen=True)
class Work:
    """``uow``: the store's units of work (``delivered``'s marks); ``reads``: units that only read the
    primary, without a writer's lock (``Platform.reads``; None: ``uow``)."""

    uow: Callable[[], UnitOfWork]
    calendar: WorkCalendar
    matters: ResponsibilityList
    amber_share: float = 0.25
    reads: Callable[[], UnitOfWork] | None = None

    def _reading(self) -> UnitOfWork:
        return (self.reads or self.uow)()

    def waiting(self, department: str, now: datetime, *, limit: int = 200, offset: int = 0,
                kinds: Collection[DutyKind] = ()) -> WorkList:
        """What waits on ``department`` (of ``kinds``, when given), nearest deadline first, with the
        countdown at ``now``."""
        with self._reading() as uow:
            rows = uow.duties.waiting_on(department, limit=limit, offset=offset, kinds=kinds)
            total = uow.duties.count(department, kinds=kinds)
        items = [self._item(row, now) for row in rows]
        return WorkList(department, total, items)

    def case_notices(self, department: str, *, limit: int = 10) -> list[Told]:
        """The latest notices of cases to ``department`` (a 留言 of a team it is on, a summons), newest
        first, each with the case's number, what it says and the version of the event it carries."""
        out = []
        with self._reading() as uow:
            found = [n for n in uow.instrument_reads.notices(department, limit=4 * limit)
                     if n.event_type in CASE_NOTICES][:limit]
            for n in found:
                events = uow.case_reads.events(n.subject_id)
                matching = [(v, e) for v, e in enumerate(events, start=1)  # never one's own event
                            if type(e).__name__ == n.event_type and e.at == n.at and e.actor != department]
                version, event = matching[-1] if matching else (0, None)
                text = str(getattr(event, "text", "") or getattr(event, "reason", "")) if event else ""
                out.append(Told(n, uow.case_reads.number_of(n.subject_id), text, version))
        return out

    def delivered(self, department: str, told: list[Told], at: datetime) -> int:
        """信息对称: notices shown to a member of ``department`` with what they say count as reads of
        the events they carry — for a department on the case's team (or its dispatcher), never moving
        an older mark back; in a transaction of its own (the caller runs it on the writer's thread).
        Returns how many marks were recorded."""
        marked = 0
        with self.uow() as uow:
            for item in told:
                case = uow.case_reads.get(item.notice.subject_id)
                if case is None or not item.version:
                    continue
                r = case.record
                member = r.team.get(department)
                if (member is not None and member.active) or department == r.dispatcher:
                    uow.cases.mark_read(r.id, department, item.version, at)
                    marked += 1
            uow.commit()
        return marked

    def in_area(self, unit: str, *, limit: int = 500) -> list[CaseSummary]:
        """Every live case with a place in ``unit`` (a street's or township's tab), nearest deadline first."""
        with self._reading() as uow:
            return uow.case_reads.open_in_scope(unit, limit=limit)

    def _clock_limit(self, duty: Duty, matter: str, severity: str) -> bool:
        if duty.kind in CLOCK_KINDS:
            return True
        if duty.subject == INSTRUMENT or not matter:
            return False
        try:
            return self.matters.get(matter).limit(Severity(severity)).unit == HOURS
        except (DomainError, ValueError):
            return False

    def item(self, row: WaitingRow, now: datetime) -> WorkItem:
        """A duty read elsewhere (a shared case's, ``federation.shared_inbox``) as a row of 待办."""
        return self._item(row, now)

    def _item(self, row: WaitingRow, now: datetime) -> WorkItem:
        d = row.duty
        clock = self._clock_limit(d, row.matter, row.severity)
        left: float | None = None
        urgency = Urgency.CALM
        if d.due is not None:
            if d.due <= now:
                left, urgency = -(now - d.due).total_seconds() / 3600, Urgency.RED
            else:
                span = self._hours(d.since, d.due, clock)
                left = self._hours(now, d.due, clock)
                if span > 0 and left <= self.amber_share * span:
                    urgency = Urgency.AMBER
        return WorkItem(d, row.state, row.matter, row.severity, row.title, row.source, row.received_at,
                        row.number, left, clock, urgency)

    def _hours(self, a: datetime, b: datetime, clock: bool) -> float:
        if clock:
            return max(0.0, (b - a).total_seconds() / 3600)
        return self.calendar.working_hours_between(a, b)
