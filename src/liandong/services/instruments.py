"""Commands on linkage instruments, each in one transaction: the instrument is loaded, the domain
checks and emits, the events are stored with optimistic locking and signed into the shared record
in the same transaction, then handed to the subscribers (notifications)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import Decided
from liandong.domain.instruments.instrument import Instrument, InstrumentRules
from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import recipients
from liandong.services.clock import Clock
from liandong.services.ports import Notice, StoredInstrumentEvent, UnitOfWork


@dataclass(frozen=True, kw_only=True)
class InstrumentCommand:
    by: str
    instrument_id: str = ""
    expected_version: int | None = None

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        raise DomainError("instrument.unknown_command", name=type(self).__name__)


@dataclass(frozen=True, kw_only=True)
class Issue(InstrumentCommand):
    kind: str
    title: str
    body: str = ""
    scope: str
    addressees: tuple[str, ...]
    due: datetime | None = None
    cadence_days: int = 0
    indicators: tuple[tuple[str, str, str], ...] = ()
    subject: str = ""
    budget_fen: int = 0
    evidence: tuple[str, ...] = ()
    read_limit_hours: int = 0
    items: tuple[tuple[str, int], ...] = ()  # a resource request: (item, quantity)


@dataclass(frozen=True, kw_only=True)
class MarkRead(InstrumentCommand):

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.read(by=self.by, now=now, rules=rules)


@dataclass(frozen=True, kw_only=True)
class Report(InstrumentCommand):
    text: str
    figures: tuple[tuple[str, str], ...] = ()

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.report(by=self.by, text=self.text, figures=self.figures, now=now)


@dataclass(frozen=True, kw_only=True)
class Respond(InstrumentCommand):
    text: str

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.respond(by=self.by, text=self.text, now=now)


@dataclass(frozen=True, kw_only=True)
class AssignTask(InstrumentCommand):
    task: str
    owner: str
    title: str
    due: datetime

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.assign(by=self.by, task=self.task, owner=self.owner, title=self.title, due=self.due, now=now,
                 rules=rules)


@dataclass(frozen=True, kw_only=True)
class CompleteTask(InstrumentCommand):
    task: str
    note: str = ""

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.complete(by=self.by, task=self.task, note=self.note, now=now)


@dataclass(frozen=True, kw_only=True)
class VerifyTask(InstrumentCommand):
    task: str
    accepted: bool
    note: str = ""

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.verify(by=self.by, task=self.task, accepted=self.accepted, note=self.note, now=now)


@dataclass(frozen=True, kw_only=True)
class Attend(InstrumentCommand):
    present: bool = True

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.attend(by=self.by, present=self.present, now=now)


@dataclass(frozen=True, kw_only=True)
class RecordMinutes(InstrumentCommand):
    text: str

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.record_minutes(by=self.by, text=self.text, now=now)


@dataclass(frozen=True, kw_only=True)
class Decide(InstrumentCommand):
    decision: str
    reason: str
    scope: str = ""
    until: datetime | None = None

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.decide(by=self.by, decision=self.decision, reason=self.reason, scope=self.scope,
                         until=self.until, now=now, rules=rules)


@dataclass(frozen=True, kw_only=True)
class Promote(InstrumentCommand):
    scope: str

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.promote(by=self.by, scope=self.scope, now=now, rules=rules)


@dataclass(frozen=True, kw_only=True)
class Adopt(InstrumentCommand):

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.adopt(by=self.by, now=now, rules=rules)


@dataclass(frozen=True, kw_only=True)
class Withdraw(InstrumentCommand):
    reason: str

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.withdraw(by=self.by, reason=self.reason, now=now)


@dataclass(frozen=True, kw_only=True)
class CheckDeadlines(InstrumentCommand):

    def run(self, i: Instrument, now: datetime, rules: InstrumentRules) -> None:
        i.check(now=now, rules=rules)


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
                command.run(instrument, now, self.rules)
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
