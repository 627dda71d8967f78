"""Commands on linkage instruments, each in one transaction: the instrument is loaded, the domain
checks and emits, the events are stored with optimistic locking and signed into the shared record
in the same transaction, then handed to the subscribers (notifications)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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
from liandong.domain.instruments.events import Decided
from liandong.domain.instruments.instrument import Instrument, InstrumentRules
from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import recipients
from liandong.services.clock import Clock
from liandong.services.commands import bind
from liandong.services.ports import Notice, StoredInstrumentEvent, UnitOfWork

__all__ = ["COMMANDS", "MAX_QUANTITY", "Adopt", "AssignTask", "Attend", "CheckDeadlines", "CompleteTask",
           "Decide", "InstrumentBus", "InstrumentCommand", "InstrumentResult", "Issue", "MarkRead", "Promote",
           "RecordMinutes", "Report", "Respond", "VerifyTask", "Withdraw", "new_instrument_id"]

HANDLERS = {cls: bind(cls, Instrument) for cls in COMMANDS.values() if cls is not Issue}
"""Each declared command bound to the instrument's behaviour (an issue creates one: ``handle``)."""


def new_instrument_id() -> str:
    return "I" + uuid.uuid4().hex[:19]


@dataclass(frozen=True)
class InstrumentResult:
    instrument_id: str
    version: int
    events: list[StoredInstrumentEvent]


@dataclass
class InstrumentBus:
    uow: Callable[[], UnitOfWork]
    rules: InstrumentRules
    clock: Clock
    new_id: Callable[[], str] = new_instrument_id
    recorder: Callable[[UnitOfWork, Sequence[StoredInstrumentEvent], datetime], None] | None = None
    subscribers: list[Callable[[list[StoredInstrumentEvent]], None]] = field(default_factory=list)

    def handle(self, command: InstrumentCommand) -> InstrumentResult:
        now = self.clock.now()
        with self.uow() as uow:
            if isinstance(command, Issue):
                instrument = Instrument.issue(
                    command.instrument_id or self.new_id(), by=command.by, kind=command.kind,
                    title=command.title, body=command.body, scope=command.scope,
                    addressees=command.addressees, now=now, rules=self.rules, due=command.due,
                    cadence_days=command.cadence_days, indicators=command.indicators,
                    subject=command.subject, budget_fen=command.budget_fen, evidence=command.evidence,
                    read_limit_hours=command.read_limit_hours, items=command.items)
                if uow.instruments.get(instrument.id) is not None:
                    raise DomainError("instrument.exists", id=instrument.id)
            else:
                found = uow.instruments.get(command.instrument_id)
                if found is None:
                    raise DomainError("instrument.not_found", id=command.instrument_id)
                instrument = found
                if command.expected_version is not None and command.expected_version != instrument.version:
                    raise DomainError("instrument.conflict", id=instrument.id,
                                      expected=command.expected_version, actual=instrument.version)
                HANDLERS[type(command)](instrument, command, now, self.rules)
            _transfer(uow, instrument)
            stored = uow.instruments.save(instrument) if instrument.pending else []
            uow.instruments.notify([Notice(d, instrument.id, type(s.event).__name__, s.event.at)
                                    for s in stored for d in recipients(instrument.record, s.event)])
            if self.recorder is not None:
                self.recorder(uow, stored, now)
            uow.commit()
        for subscriber in self.subscribers:
            subscriber(stored)
        return InstrumentResult(instrument.id, instrument.version, stored)

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
            return uow.instruments.holdings(department)

    def check_all(self) -> int:
        """Run the deadline check on every open instrument; the number of events it recorded."""
        with self.uow() as uow:
            ids = uow.instruments.open_ids()
        return sum(len(self.handle(CheckDeadlines(by="platform", instrument_id=i)).events) for i in ids)


MAX_QUANTITY = 1_000_000_000
"""The most a pool entry may change by at once: beyond it a number is a typing error."""


def _transfer(uow: UnitOfWork, instrument: Instrument) -> None:
    """An allocation moves the requested items from the decider's pool to the requester's, in the
    transaction of the decision (refused whole if the pool is short)."""
    r = instrument.record
    decided = [e for e in instrument.pending if isinstance(e, Decided) and e.decision == "allocated"]
    if r.kind is not Kind.RESOURCE or not decided:
        return
    giver = decided[-1].actor
    held = uow.instruments.holdings(giver)
    for item, quantity in r.items:
        unit = held.get(item, (0, ""))[1] or "件"
        uow.instruments.adjust_holding(giver, item, unit, -quantity)
        uow.instruments.adjust_holding(r.issuer, item, unit, quantity)
