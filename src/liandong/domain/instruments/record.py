"""An instrument's record: its state, rebuilt by replaying its events, and who hears of each event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from liandong.domain.instruments import events as ev
from liandong.domain.instruments.kinds import SPECS, Kind, KindSpec

OPEN, CONCLUDED, WITHDRAWN = "open", "concluded", "withdrawn"
PLATFORM = "platform"


@dataclass(slots=True)
class Task:
    id: str
    owner: str
    title: str
    due: datetime
    done_at: datetime | None = None
    on_time: bool | None = None
    verified: bool | None = None  # None: not yet verified; False: sent back


@dataclass(slots=True)
class InstrumentRecord:
    id: str
    version: int = 0
    kind: Kind = Kind.DIRECTIVE
    issuer: str = ""
    title: str = ""
    body: str = ""
    scope: str = ""
    addressees: tuple[str, ...] = ()
    due: datetime | None = None
    issued_at: datetime | None = None
    state: str = OPEN
    cadence_days: int = 0
    indicators: tuple[tuple[str, str, str], ...] = ()
    subject: str = ""
    budget_fen: int = 0
    evidence: tuple[str, ...] = ()
    read_limit_hours: int = 0
    items: tuple[tuple[str, int], ...] = ()
    reads: dict[str, datetime] = field(default_factory=dict)
    reports: list[ev.Reported] = field(default_factory=list)
    responses: dict[str, ev.Responded] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    attendance: dict[str, bool] = field(default_factory=dict)
    minutes: str = ""
    decision: ev.Decided | None = None
    promoted_to: tuple[str, ...] = ()
    adopted_by: dict[str, datetime] = field(default_factory=dict)
    overdue: set[tuple[str, str]] = field(default_factory=set)  # (department, what)

    @property
    def spec(self) -> KindSpec:
        return SPECS[self.kind]

    @property
    def is_open(self) -> bool:
        return self.state == OPEN


def apply(r: InstrumentRecord, e: ev.InstrumentEvent) -> None:
    if isinstance(e, ev.Issued):
        r.kind, r.issuer, r.title, r.body, r.scope = Kind(e.kind), e.actor, e.title, e.body, e.scope
        r.addressees, r.due, r.issued_at, r.cadence_days = e.addressees, e.due, e.at, e.cadence_days
        r.indicators, r.subject, r.budget_fen, r.evidence = e.indicators, e.subject, e.budget_fen, e.evidence
        r.read_limit_hours, r.items = e.read_limit_hours, e.items
        if r.kind in (Kind.COMMENDATION, Kind.CRITICISM) and not r.read_limit_hours:
            r.state = CONCLUDED  # published when issued; with a read limit, once everyone has read it
    elif isinstance(e, ev.Read):
        r.reads.setdefault(e.department, e.at)
        if r.kind in (Kind.COMMENDATION, Kind.CRITICISM) and set(r.reads) >= set(r.addressees):
            r.state = CONCLUDED
    elif isinstance(e, ev.Reported):
        r.reports.append(e)
    elif isinstance(e, ev.Responded):
        r.responses[e.department] = e
        if r.kind is Kind.DIRECTIVE and set(r.responses) >= set(r.addressees):
            r.state = CONCLUDED
    elif isinstance(e, ev.TaskAssigned):
        r.tasks[e.task] = Task(e.task, e.owner, e.title, e.due)
    elif isinstance(e, ev.TaskCompleted):
        t = r.tasks[e.task]
        t.done_at, t.on_time, t.verified = e.at, e.on_time, None
    elif isinstance(e, ev.TaskVerified):
        t = r.tasks[e.task]
        t.verified = e.accepted
        if not e.accepted:
            t.done_at = None
    elif isinstance(e, ev.Attended):
        r.attendance[e.department] = e.present
    elif isinstance(e, ev.MinutesRecorded):
        r.minutes = e.text
    elif isinstance(e, ev.Decided):
        r.decision = e
        if e.decision == "extend" and e.until is not None:
            r.due = e.until
        else:
            r.state = CONCLUDED
    elif isinstance(e, ev.Promoted):
        r.promoted_to = (*r.promoted_to, e.scope)
    elif isinstance(e, ev.Adopted):
        r.adopted_by.setdefault(e.department, e.at)
    elif isinstance(e, ev.Overdue):
        r.overdue.add((e.department, e.what))
    elif isinstance(e, ev.Withdrawn):
        r.state = WITHDRAWN
    r.version += 1



def recipients(r: InstrumentRecord, e: ev.InstrumentEvent) -> list[str]:
    """Who is told of an event (never the department that acted): the addressees of what the
    issuer does, the issuer of what the addressees do, the owner of a task, and the late party with
    the level it was escalated to."""
    if isinstance(e, ev.Issued | ev.Decided | ev.Withdrawn | ev.MinutesRecorded):
        resource_decision = isinstance(e, ev.Decided) and r.kind is Kind.RESOURCE
        found = [r.issuer] if resource_decision else list(r.addressees)
    elif isinstance(e, ev.Reported) and e.department == r.issuer:
        found = list(r.addressees)  # an inspector's findings go to the inspected
    elif isinstance(e, ev.Reported | ev.Responded | ev.TaskCompleted | ev.Attended | ev.Adopted):
        found = [r.issuer]
    elif isinstance(e, ev.TaskAssigned | ev.TaskVerified):
        task = r.tasks.get(e.task)
        found = [task.owner] if task is not None else []
    elif isinstance(e, ev.Overdue):
        found = [e.department, e.escalated_to]
    elif isinstance(e, ev.Promoted):
        found = [r.issuer]
    else:
        found = []
    return [d for d in dict.fromkeys(found) if d and d != e.actor]
