"""Cases on the one bus (``services.bus``): their registration — the declared commands bound to
the case's behaviour, a report and a merge on paths of their own — and ``MessageBus``, the bus a
platform runs, serving cases and whatever else it is given to serve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from liandong.domain.aggregate import DomainEvent
from liandong.domain.cases import adjudication, chain, disputes, follow_up, publication
from liandong.domain.cases import commands as c
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import AMBIENT_EVENTS, CaseReported
from liandong.domain.cases.rules import Rules
from liandong.domain.cases.states import CaseState
from liandong.domain.cases.waiting import NOTIFIED, told_of
from liandong.domain.contact import phone_digest
from liandong.domain.declare import declaration
from liandong.domain.errors import DomainError
from liandong.domain.powers import check_power
from liandong.services.bus import Bus, Decided, Recorder, Registration, Result, Subscriber, ordered_id
from liandong.services.clock import Clock
from liandong.services.commands import Bound, bind
from liandong.services.ports import Notice, Stored, UnitOfWork

__all__ = ["HANDLERS", "MessageBus", "Result", "case_registration", "new_case_id"]

HANDLERS: dict[type, Bound] = {
    cls: bind(cls, Case, chain, disputes, follow_up, publication, adjudication) for cls in c.COMMANDS.values()
    if issubclass(cls, c.CaseCommand) and cls is not c.MergeCase  # a merge loads two cases
}


def new_case_id() -> str:
    """Twenty hexadecimal digits in the order of issue (``services.bus.ordered_id``): a batch of
    reports under random ids wrote some 90 pages of log where these write 50 (docs/decisions/0015)."""
    return ordered_id("", 9)


def _only_ambient(uow: UnitOfWork, case: Any, seen: int) -> bool:
    """Since version ``seen`` the platform has only noted things (heat, reminders): a handler who
    saw the case then has not seen it out of date."""
    return all(isinstance(e, AMBIENT_EVENTS) for e in uow.cases.events(case.id)[seen:])


def _notices(uow: UnitOfWork, case: Any, stored: list[Stored[DomainEvent]]) -> None:
    """In the transaction of the events: a notice to each department told of one (the outbox the
    relay publishes on ``<prefix>.notice.<department>``), e.g. every member of a 留言."""
    notices = [Notice(d, case.id, type(s.event).__name__, s.event.at)
               for s in stored if isinstance(s.event, NOTIFIED) for d in told_of(case.record, s.event)]
    if notices:
        uow.instruments.notify(notices)


def case_registration(rules: Rules, new_id: Callable[[], str] = new_case_id, *,
                      claimed_at: datetime | None = None, phone_key: bytes = b"") -> Registration:
    """Cases on the bus: a report (受理, with its idempotency key and tracking code) and a merge
    (合并, two cases) on paths of their own; every other case command by its declaration.
    ``phone_key``: the key of the reporters' phone digests (``domain.contact.phone_key``)."""
    def guard(case: Any, cmd: Any) -> None:
        """The case powers of the acting department (``domain.powers``): its level's elements."""
        r = case.record
        check_power(rules.router, by=cmd.by, slug=declaration(type(cmd)).slug, lead=r.lead,
                    places=r.affected)

    registration = Registration(
        aggregate=Case, address="case_id", store=lambda uow: uow.cases, handlers=HANDLERS, rules=rules,
        unchanged=_only_ambient, guard=guard, claimed_at=claimed_at, after=_notices)

    def report(uow: UnitOfWork, cmd: c.ReportCase, now: datetime) -> Decided:
        if cmd.idempotency_key:
            existing = uow.cases.by_idempotency_key(cmd.idempotency_key)
            if existing is not None:
                return _replayed(uow, existing, cmd), []
        case = Case.report(case_id=new_id(), matter=cmd.matter, severity=cmd.severity,
                           affected=cmd.affected, description=cmd.description,
                           source=cmd.source, now=now, rules=rules, actor=cmd.by,
                           reporter_name=cmd.reporter_name, reporter_phone=cmd.reporter_phone,
                           idempotency_key=cmd.idempotency_key, reporter_account=cmd.reporter_account,
                           address=cmd.address, coordinates=cmd.coordinates, publish=cmd.publish,
                           reporter_email=cmd.reporter_email)
        if cmd.dispatch_by:  # taken in and dispatched in one transaction (a channel of the centre's)
            check_power(rules.router, by=cmd.dispatch_by, slug="dispatch", places=cmd.affected)
            case.dispatch(by=cmd.dispatch_by, now=now, rules=rules)
        events = list(case.pending)
        stored = registration.save(uow, case)
        if cmd.tracking_hash:
            uow.cases.add_tracking(cmd.tracking_hash, case.id)
        if cmd.reporter_phone:
            uow.cases.add_phone(phone_digest(cmd.reporter_phone, phone_key), case.id)
        return Result(case.id, case.version, events), stored

    def merge(uow: UnitOfWork, cmd: c.MergeCase, now: datetime) -> Decided:
        case = registration.load(uow, cmd)
        assert isinstance(case, Case)
        guard(case, cmd)
        target = uow.cases.get(cmd.into)
        if target is None:
            raise Case.unknown(cmd.into)
        case.merge_into(by=cmd.by, target=target, now=now)
        events = [*case.pending, *target.pending]
        stored = registration.save(uow, case) + registration.save(uow, target)
        return Result(case.id, case.version, events), stored

    registration.special = {c.ReportCase: report, c.MergeCase: merge}
    return registration


def _replayed(uow: UnitOfWork, case_id: str, cmd: c.ReportCase) -> Result:
    """The same report sent again under its idempotency key: the case it made, unless it differs."""
    case = uow.cases.get(case_id)
    assert case is not None
    first = uow.cases.events(case_id)[0]
    assert isinstance(first, CaseReported)
    same = (first.matter, first.severity, first.affected, first.description, first.source,
            first.reporter_name, first.reporter_phone) == (
        cmd.matter, cmd.severity, tuple(dict.fromkeys(cmd.affected)), cmd.description.strip(),
        cmd.source, cmd.reporter_name, "".join(cmd.reporter_phone.split()))
    if not same:
        raise DomainError("case.idempotency_mismatch", key=cmd.idempotency_key, case_id=case_id)
    return Result(case_id, case.version, [], duplicate=True)


@dataclass
class MessageBus(Bus):
    """The bus a platform runs: cases, and the registrations in ``also`` (the platform's gives it
    the linkage instruments), served alike by the web, the CLI, the writer and the simulator."""

    uow: Callable[[], UnitOfWork]
    rules: Rules
    clock: Clock
    new_id: Callable[[], str] = new_case_id
    subscribers: list[Subscriber] = field(default_factory=list)
    recorder: Recorder | None = None
    also: tuple[Registration, ...] = ()
    claimed_at: datetime | None = None
    """A time a person gave (申报时间), beside the clock's in every case event; the registrations in
    ``also`` are given theirs by whoever builds them (``Platform.bus``)."""
    phone_key: bytes = b""
    """The key of the reporters' phone digests (``Platform.phone_key``, from the platform secret)."""

    def __post_init__(self) -> None:
        self.register(case_registration(self.rules, lambda: self.new_id(), claimed_at=self.claimed_at,
                                        phone_key=self.phone_key), *self.also)

    def sweep(self, *, horizon: timedelta = timedelta(days=7)) -> int:
        """Run the escalation chain on every open case due within ``horizon``; events fired."""
        now = self.clock.now()
        with self.uow() as uow:
            ids = uow.cases.open_due_before(now + horizon)
            ids = sorted({*ids, *uow.case_reads.in_states((CaseState.RETURNED.value,))})  # rulings due
        fired = 0
        for case_id in ids:
            try:
                fired += len(self.handle(c.CheckDeadlines(by="platform", case_id=case_id)).events)
            except DomainError as exc:
                if exc.code != "case.conflict":
                    raise
        return fired
