"""The message bus for case commands: one transaction per command, serving the web, the CLI
and the simulator alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from liandong.domain.cases import chain
from liandong.domain.cases import commands as c
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import AMBIENT_EVENTS, CaseReported, Event
from liandong.domain.cases.rules import Rules
from liandong.domain.errors import DomainError
from liandong.services.clock import Clock
from liandong.services.commands import bind
from liandong.services.ports import StoredEvent, UnitOfWork
from liandong.services.randomness import random_hex

log = logging.getLogger(__name__)

Handler = Callable[[Case, Any, datetime, Rules], object]

HANDLERS: dict[type[c.CaseCommand], Handler] = {
    cls: bind(cls, Case, chain) for cls in c.COMMANDS.values()
    if issubclass(cls, c.CaseCommand) and cls is not c.MergeCase  # a merge loads two cases (``_merge``)
}


@dataclass(frozen=True)
class Result:
    case_id: str
    version: int
    events: list[Event]
    duplicate: bool = False  # an idempotent replay of an earlier report


def _lost_race(exc: DomainError) -> bool:
    """Whether a command was refused only because another process wrote the case between this
    one's read and its write (the store's optimistic check, not the user's expected version): it
    is then applied again on the case as it now stands, and refused then only on the merits."""
    return exc.code == "case.conflict" and exc.params.get("actual") == "?"


def _refusal(command: c.Command, exc: Exception) -> DomainError:
    """The answer to a command that raised: its refusal, or, for anything the rules did not foresee
    (a bug), an error of its own, logged with its trace; never the failure of its whole batch."""
    if isinstance(exc, DomainError):
        return exc
    log.error("command %s failed", type(command).__name__, exc_info=exc)
    return DomainError("command.failed", command=type(command).__name__, error=type(exc).__name__)


def new_case_id() -> str:
    """Twenty hexadecimal digits: the millisecond of issue (11 digits, Unix time) and 36 random bits.

    Ids in the order they are issued keep a batch's inserts together at the end of every index
    keyed by case id (case, event, salt, place, ledger entry): a batch of reports under random ids
    wrote some 90 pages of log where these write 50 (docs/decisions/0015). Two reports in one
    millisecond share an id with odds of about one in 10^11; the store's unique key refuses the
    second and the bus issues it a new id (a lost race, applied again)."""
    return f"{time.time_ns() // 1_000_000:011x}{random_hex(9)}"


@dataclass
class MessageBus:
    """Handles a command in one unit of work and hands committed events to the subscribers."""

    uow: Callable[[], UnitOfWork]
    rules: Rules
    clock: Clock
    new_id: Callable[[], str] = new_case_id
    subscribers: list[Callable[[list[StoredEvent]], None]] = field(default_factory=list)
    recorder: Callable[[UnitOfWork, list[StoredEvent], datetime], None] | None = None
    """Writes committed events to the shared record inside the same transaction (the ledger)."""

    def handle(self, command: c.Command) -> Result:
        """One command in one transaction (once more if it lost a race, see ``_lost_race``)."""
        for attempt in (1, 2):
            now = self.clock.now()
            try:
                with self.uow() as uow:
                    result, stored = self._apply(uow, command, now)
                    if self.recorder is not None:
                        self.recorder(uow, stored, now)
                    uow.commit()
            except DomainError as exc:
                if attempt == 1 and _lost_race(exc):
                    continue
                raise
            self._publish(stored)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def handle_batch(self, commands: Sequence[c.Command]) -> list[Result | DomainError]:
        """Group commit: many commands in one durable transaction, each in its own savepoint, so
        a refused command is rolled back alone and the others still land together."""
        probe = self.uow()
        if not probe.supports_savepoints:
            out: list[Result | DomainError] = []
            for command in commands:
                try:
                    out.append(self.handle(command))
                except Exception as exc:  # answered to its own caller; the others go on
                    out.append(_refusal(command, exc))
            return out
        results: list[Result | DomainError] = []
        published: list[StoredEvent] = []
        now = self.clock.now()
        with probe as uow:
            for command in commands:
                try:
                    result, stored = self._in_savepoint(uow, command, now)
                except Exception as exc:  # rolled back to its savepoint; the others still land
                    results.append(_refusal(command, exc))
                    continue
                results.append(result)
                published.extend(stored)
            if self.recorder is not None:
                self.recorder(uow, published, now)
            uow.commit()
        self._publish(published)
        return results

    def _in_savepoint(self, uow: UnitOfWork, command: c.Command,
                      now: datetime) -> tuple[Result, list[StoredEvent]]:
        try:
            with uow.savepoint():
                return self._apply(uow, command, now)
        except DomainError as exc:
            if not _lost_race(exc):
                raise
        with uow.savepoint():  # read the case again, as the other writer left it
            return self._apply(uow, command, now)

    def _apply(self, uow: UnitOfWork, command: c.Command, now: datetime) -> tuple[Result, list[StoredEvent]]:
        if isinstance(command, c.ReportCase):
            return self._report(uow, command, now)
        if isinstance(command, c.MergeCase):
            return self._merge(uow, command, now)
        handler = HANDLERS.get(type(command))  # type: ignore[arg-type]
        if handler is None or not isinstance(command, c.CaseCommand):
            raise DomainError("command.unknown", value=type(command).__name__)
        case = self._load(uow, command)
        handler(case, command, now, self.rules)
        events = case.pending
        stored = uow.cases.save(case) if events else []
        return Result(case.id, case.version, events), stored

    def _load(self, uow: UnitOfWork, command: c.CaseCommand) -> Case:
        case = uow.cases.get(command.case_id)
        if case is None:
            raise DomainError("case.unknown", case_id=command.case_id)
        seen = command.expected_version
        if seen is not None and seen != case.version and not (
                seen < case.version
                and all(isinstance(e, AMBIENT_EVENTS) for e in uow.cases.events(case.id)[seen:])):
            raise DomainError("case.conflict", case_id=case.id, expected=seen, actual=case.version)
        return case

    def _report(self, uow: UnitOfWork, cmd: c.ReportCase, now: datetime) -> tuple[Result, list[StoredEvent]]:
        if cmd.idempotency_key:
            existing = uow.cases.by_idempotency_key(cmd.idempotency_key)
            if existing is not None:
                return self._replayed(uow, existing, cmd), []
        case = Case.report(case_id=self.new_id(), matter=cmd.matter, severity=cmd.severity,
                           affected=cmd.affected, description=cmd.description,
                           source=cmd.source, now=now, rules=self.rules, actor=cmd.by,
                           reporter_name=cmd.reporter_name, reporter_phone=cmd.reporter_phone,
                           idempotency_key=cmd.idempotency_key, reporter_account=cmd.reporter_account,
                           address=cmd.address, coordinates=cmd.coordinates, publish=cmd.publish)
        if cmd.dispatch_by:  # taken in and dispatched in one transaction (a channel of the centre's)
            case.dispatch(by=cmd.dispatch_by, now=now, rules=self.rules)
        events = case.pending
        stored = uow.cases.save(case)
        if cmd.tracking_hash:
            uow.cases.add_tracking(cmd.tracking_hash, case.id)
        return Result(case.id, case.version, events), stored

    def _replayed(self, uow: UnitOfWork, case_id: str, cmd: c.ReportCase) -> Result:
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

    def _merge(self, uow: UnitOfWork, cmd: c.MergeCase, now: datetime) -> tuple[Result, list[StoredEvent]]:
        case = self._load(uow, cmd)
        target = uow.cases.get(cmd.into)
        if target is None:
            raise DomainError("case.unknown", case_id=cmd.into)
        case.merge_into(by=cmd.by, target=target, now=now)
        events = [*case.pending, *target.pending]
        stored = uow.cases.save(case) + uow.cases.save(target)
        return Result(case.id, case.version, events), stored

    def _publish(self, stored: list[StoredEvent]) -> None:
        for subscriber in self.subscribers:
            subscriber(stored)

    def sweep(self, *, horizon: timedelta = timedelta(days=7)) -> int:
        """Run the escalation chain on every open case due within ``horizon``; events fired."""
        now = self.clock.now()
        with self.uow() as uow:
            ids = uow.cases.open_due_before(now + horizon)
        fired = 0
        for case_id in ids:
            try:
                fired += len(self.handle(c.CheckDeadlines(by="platform", case_id=case_id)).events)
            except DomainError as exc:
                if exc.code != "case.conflict":
                    raise
        return fired
