"""Linkage instruments on the one bus (``services.bus``): their registration — the declared commands
bound to the instrument's behaviour, an issue on a path of its own, a resource allocation moving
the pool and the notices to the departments concerned in the transaction of its events — and
``InstrumentBus``, a bus serving instruments alone, with the resource pool beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from liandong.domain.access import Principal, StaffRole, can_see, can_see_instrument
from liandong.domain.aggregate import DomainEvent
from liandong.domain.errors import DomainError
from liandong.domain.instruments.commands import (  # the bus's commands, re-exported where callers find them
    COMMANDS,
    Adopt,
    AssignTask,
    Attend,
    CheckDeadlines,
    CompleteTask,
    Decide,
    InstrumentCommand,
    Issue,
    MarkRead,
    Promote,
    RecordMinutes,
    Report,
    Respond,
    VerifyTask,
    Withdraw,
)
from liandong.domain.instruments.events import Decided as DecidedEvent
from liandong.domain.instruments.events import InstrumentEvent
from liandong.domain.instruments.instrument import Instrument, InstrumentRules
from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import InstrumentRecord, recipients
from liandong.services.bus import Bus, Decided, Recorder, Registration, Result, Subscriber, ordered_id
from liandong.services.clock import Clock
from liandong.services.commands import Bound, bind
from liandong.services.ports import Notice, Stored, UnitOfWork

__all__ = ["COMMANDS", "MAX_QUANTITY", "Adopt", "AssignTask", "Attend", "CheckDeadlines", "CompleteTask",
           "Decide", "InstrumentBus", "InstrumentCommand", "InstrumentResult", "Issue", "MarkRead", "Promote",
           "RecordMinutes", "Report", "Respond", "VerifyTask", "Withdraw", "instrument_registration",
           "new_instrument_id"]

HANDLERS: dict[type, Bound] = {cls: bind(cls, Instrument) for cls in COMMANDS.values() if cls is not Issue}
"""Each declared command bound to the instrument's behaviour (an issue creates one: its own path)."""

InstrumentResult = Result
"""What an instrument command did (``instrument_id``, ``version``, ``events``): the bus's ``Result``."""


def new_instrument_id() -> str:
    """"I" and nineteen hexadecimal digits in the order of issue (``services.bus.ordered_id``): the
    millisecond, then 32 random bits. Ids issued before (``I`` and 19 random digits) stay valid."""
    return ordered_id("I", 8)


def _stored_with(uow: UnitOfWork, instrument: Any, stored: list[Stored[DomainEvent]]) -> None:
    """In the transaction of the events: an allocation's transfer, and a notice to each
    department concerned (the outbox)."""
    _transfer(uow, instrument.record, [s.event for s in stored])
    events = [s.event for s in stored if isinstance(s.event, InstrumentEvent)]
    uow.instruments.notify([Notice(d, instrument.id, type(e).__name__, e.at)
                            for e in events for d in recipients(instrument.record, e)])


def instrument_registration(rules: InstrumentRules, new_id: Callable[[], str] = new_instrument_id, *,
                            claimed_at: datetime | None = None) -> Registration:
    """Instruments on the bus: an issue (发布) creates one; every other command by its declaration;
    ``claimed_at``: a time a person gave, beside the recorded one (``Registration.claimed_at``)."""
    registration = Registration(
        aggregate=Instrument, address="instrument_id", store=lambda uow: uow.instruments,
        handlers=HANDLERS, rules=rules, after=_stored_with, claimed_at=claimed_at)

    def issue(uow: UnitOfWork, command: Issue, now: datetime) -> Decided:
        instrument = Instrument.issue(
            command.instrument_id or new_id(), by=command.by, kind=command.kind,
            title=command.title, body=command.body, scope=command.scope,
            addressees=command.addressees, now=now, rules=rules, due=command.due,
            cadence_days=command.cadence_days, indicators=command.indicators,
            subject=command.subject, budget_fen=command.budget_fen, evidence=command.evidence,
            read_limit_hours=command.read_limit_hours, items=command.items)
        if uow.instruments.get(instrument.id) is not None:
            raise DomainError("instrument.exists", id=instrument.id)
        check_evidence(uow, instrument.record, rules)
        events = list(instrument.pending)
        stored = registration.save(uow, instrument)
        return Result(instrument.id, instrument.version, events), stored

    registration.special = {Issue: issue}
    return registration


EVIDENCE_FORMS = "案件编号（如 320200-20261206-0123）、案件 ID 或联动事项 ID"


def check_evidence(uow: UnitOfWork, r: InstrumentRecord, rules: InstrumentRules) -> None:
    """Each piece of evidence a commendation or criticism cites is a case (by id or readable
    number) or an instrument that exists and that the issuer, as its leader, may see."""
    h = rules.router.hierarchy
    issuer = Principal("", "", frozenset({StaffRole.LEADER}), department=r.issuer)
    for ref in r.evidence:
        found = uow.instruments.get(ref) if ref.startswith("I") else None
        if found is not None:
            visible = can_see_instrument(issuer, found.record, h)
        else:
            case = uow.cases.get(ref)
            if case is None:
                raise DomainError("instrument.evidence_unknown", ref=ref[:40], allowed=EVIDENCE_FORMS)
            visible = can_see(issuer, case.record, h)
        if not visible:
            raise DomainError("instrument.evidence_outside", ref=ref[:40], issuer=r.issuer)


@dataclass
class InstrumentBus(Bus):
    """The bus serving instruments alone (the platform's ``MessageBus`` serves them too), with the
    resource pool (资源池), which is stock, not an event stream."""

    uow: Callable[[], UnitOfWork]
    rules: InstrumentRules
    clock: Clock
    new_id: Callable[[], str] = new_instrument_id
    recorder: Recorder | None = None
    subscribers: list[Subscriber] = field(default_factory=list)
    claimed_at: datetime | None = None

    def __post_init__(self) -> None:
        self.register(instrument_registration(self.rules, lambda: self.new_id(), claimed_at=self.claimed_at))

    def stock(self, *, by: str, item: str, unit: str, quantity: int) -> int:
        """资源池: add (or, negative, take out) what a department holds; the new quantity."""
        self.rules.router.check_department(by)
        if not item.strip() or not unit.strip():
            raise DomainError("instrument.text_required")
        if not -MAX_QUANTITY <= quantity <= MAX_QUANTITY:
            raise DomainError("instrument.bad_quantity", value=quantity,
                              allowed=f"-{MAX_QUANTITY:,} … {MAX_QUANTITY:,}")
        with self.uow() as uow:
            held = uow.instruments.adjust_holding(by, item.strip(), unit.strip(), quantity)
            uow.commit()
        return held

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        """资源池: what a department holds, item → (quantity, unit)."""
        self.rules.router.check_department(department)
        with self.uow() as uow:
            return uow.instrument_reads.holdings(department)

    def check_all(self) -> int:
        """Run the deadline check on every open instrument; the number of events it recorded."""
        with self.uow() as uow:
            ids = uow.instruments.open_ids()
        return sum(len(self.handle(CheckDeadlines(by="platform", instrument_id=i)).events) for i in ids)


MAX_QUANTITY = 1_000_000_000
"""The most a pool entry may change by at once: beyond it a number is a typing error."""


def _transfer(uow: UnitOfWork, r: InstrumentRecord, events: list[DomainEvent]) -> None:
    """An allocation moves the requested items from the decider's pool to the requester's, in the
    transaction of the decision (refused whole if the pool is short)."""
    decided = [e for e in events if isinstance(e, DecidedEvent) and e.decision == "allocated"]
    if r.kind is not Kind.RESOURCE or not decided:
        return
    giver = decided[-1].actor
    held = uow.instruments.holdings(giver)
    for item, quantity in r.items:
        unit = held.get(item, (0, ""))[1] or "件"
        uow.instruments.adjust_holding(giver, item, unit, -quantity)
        uow.instruments.adjust_holding(r.issuer, item, unit, quantity)
