"""One message bus for every aggregate (cases, linkage instruments, and any registered later):
load → check the version the caller saw → decide (the behaviour the command declares,
``services.commands.bind``) → save → record in the ledger → publish; a command that lost a race is
applied again, and a batch lands in one transaction with each command in its own savepoint
(docs/decisions/0020). An aggregate takes part by a ``Registration``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from liandong.domain.aggregate import Aggregate, DomainEvent
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI
from liandong.services.clock import Clock
from liandong.services.commands import Bound
from liandong.services.ports import AggregateRepository, Stored, UnitOfWork
from liandong.services.randomness import random_hex

log = logging.getLogger(__name__)

AnyAggregate = Aggregate[Any, Any]
Recorder = Callable[[UnitOfWork, list[Stored[DomainEvent]], datetime], None]
Subscriber = Callable[[list[Stored[DomainEvent]]], None]


@dataclass(frozen=True)
class Result:
    """What one command did: the aggregate, its version now, the events it recorded."""

    aggregate_id: str
    version: int
    events: Sequence[DomainEvent]
    duplicate: bool = False  # an idempotent replay of an earlier report

    @property
    def case_id(self) -> str:
        return self.aggregate_id

    @property
    def instrument_id(self) -> str:
        return self.aggregate_id


Decided = tuple[Result, list[Stored[DomainEvent]]]
Special = Callable[[UnitOfWork, Any, datetime], Decided]
"""A command with a path of its own (a report or an issue creates the aggregate; a merge changes two)."""


def ordered_id(prefix: str = "", random_digits: int = 9) -> str:
    """An id in the order of issue: ``prefix``, the millisecond of issue (11 hexadecimal digits,
    Unix time), then random hexadecimal digits. In that order a batch's inserts land together at
    the end of every index keyed by the id (docs/decisions/0015); two ids alike in one millisecond
    are refused by the store's unique key, and the bus issues a new one (a lost race)."""
    return f"{prefix}{time.time_ns() // 1_000_000:011x}{random_hex(random_digits)}"


@dataclass
class Registration:
    """One aggregate on the bus: its commands and where they find it, its store and its rules (its
    refusals are the aggregate's: ``Aggregate.unknown``, ``Aggregate.conflict``)."""

    aggregate: type[AnyAggregate]
    address: str
    """The command field that names the aggregate (``case_id``, ``instrument_id``)."""
    store: Callable[[UnitOfWork], AggregateRepository[Any, Any]]
    handlers: Mapping[type, Bound]
    rules: Any
    special: Mapping[type, Special] = field(default_factory=dict)
    unchanged: Callable[[UnitOfWork, AnyAggregate, int], bool] | None = None
    """Whether an aggregate seen at an older version has changed only in ways that leave a
    command decided on it standing (a case's ambient events)."""
    after: Callable[[UnitOfWork, AnyAggregate, list[Stored[DomainEvent]]], None] | None = None
    """What else the store does in the transaction of the events (an instrument's pool, notices)."""
    guard: Callable[[AnyAggregate, Any], None] | None = None
    """Refuses a command its actor has no power to issue on this aggregate (a case's powers,
    ``domain.powers``), before the aggregate decides; the special paths call it themselves."""
    claimed_at: datetime | None = None
    """A time a person gave (申报时间), written into every event saved beside its recorded time (the
    bus's clock): a sandbox store's only (``Platform.bus``, docs/decisions/0030)."""

    @property
    def commands(self) -> set[type]:
        return {*self.handlers, *self.special}

    def load(self, uow: UnitOfWork, command: Any) -> AnyAggregate:
        """The aggregate the command names, refused if the caller saw another version of it."""
        aggregate_id: str = getattr(command, self.address)
        found: AnyAggregate | None = self.store(uow).get(aggregate_id)
        if found is None:
            raise self.aggregate.unknown(aggregate_id)
        seen = command.expected_version
        if seen is not None and seen != found.version and not (
                seen < found.version and self.unchanged is not None and self.unchanged(uow, found, seen)):
            raise self.aggregate.conflict(found.id, seen, found.version)
        return found

    def save(self, uow: UnitOfWork, aggregate: AnyAggregate) -> list[Stored[DomainEvent]]:
        if self.claimed_at is not None:  # beside the recorded time; the state never reads it
            aggregate.pending = [replace(e, claimed_at=self.claimed_at) for e in aggregate.pending]
        stored: list[Stored[DomainEvent]] = self.store(uow).save(aggregate) if aggregate.pending else []
        if self.after is not None:
            self.after(uow, aggregate, stored)
        return stored

    def decide(self, uow: UnitOfWork, command: Any, now: datetime) -> Decided:
        special = self.special.get(type(command))
        if special is not None:
            return special(uow, command, now)
        aggregate = self.load(uow, command)
        if self.guard is not None:
            self.guard(aggregate, command)
        self.handlers[type(command)](aggregate, command, now, self.rules)
        events = list(aggregate.pending)
        stored = self.save(uow, aggregate)
        return Result(aggregate.id, aggregate.version, events), stored


def _beijing(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S%z")


RACE_ATTEMPTS = 3
"""How many times a command that lost a race (or a deadlock) is run: the PostgreSQL soak lost one
command in ten minutes to a second deadlock in a row (decision 0060)."""


def lost_race(exc: DomainError) -> bool:
    """Whether a command was refused only because another process wrote the aggregate between this
    one's read and its write (the store's optimistic check, not the caller's expected version): it
    is then applied again on the aggregate as it now stands, and refused then only on the merits."""
    return exc.code.endswith(".conflict") and exc.params.get("actual") == "?"


def refusal(command: object, exc: Exception) -> DomainError:
    """The answer to a command that raised: its refusal, or, for anything the rules did not foresee
    (a bug), an error of its own, logged with its trace; never the failure of its whole batch."""
    if isinstance(exc, DomainError):
        return exc
    log.error("command %s failed", type(command).__name__, exc_info=exc)
    return DomainError("command.failed", command=type(command).__name__, error=type(exc).__name__)


class Bus:
    """Handles commands, each in one unit of work (or many in one: ``handle_batch``), and hands the
    committed events to the subscribers. Subclasses are dataclasses that set ``uow``, ``clock``,
    ``recorder``, ``subscribers``, ``claimed_at`` and call ``register`` for each aggregate they
    serve."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    recorder: Recorder | None
    """Writes the stored events to the shared record inside the same transaction (the ledger)."""
    subscribers: list[Subscriber]
    claimed_at: datetime | None
    """A time a person gave, recorded beside the clock's in every event (``Registration.claimed_at``:
    the bus gives it to the registrations it builds)."""

    def register(self, *registrations: Registration) -> None:
        served: dict[type, Registration] = dict(getattr(self, "_served", {}))
        for registration in registrations:
            served.update(dict.fromkeys(registration.commands, registration))
        self._served = served

    def registration(self, command: object) -> Registration:
        found: Registration | None = getattr(self, "_served", {}).get(type(command))
        if found is None:
            raise DomainError("command.unknown", value=type(command).__name__)
        return found

    def handle(self, command: Any) -> Result:
        """One command in one transaction (again if it lost a race, see ``lost_race``)."""
        registration = self.registration(command)
        for attempt in range(1, RACE_ATTEMPTS + 1):
            now = self._recorded()
            try:
                with self.uow() as uow:
                    result, stored = registration.decide(uow, command, now)
                    if self.recorder is not None:
                        self.recorder(uow, stored, now)
                    uow.commit()
            except DomainError as exc:
                if attempt < RACE_ATTEMPTS and lost_race(exc):
                    continue
                raise
            self._publish(stored)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def handle_batch(self, commands: Sequence[Any]) -> list[Result | DomainError]:
        """Group commit: many commands in one durable transaction, each in its own savepoint, so
        a refused command is rolled back alone and the others still land together."""
        probe = self.uow()
        if not probe.supports_savepoints:
            out: list[Result | DomainError] = []
            for command in commands:
                try:
                    out.append(self.handle(command))
                except Exception as exc:  # answered to its own caller; the others go on
                    out.append(refusal(command, exc))
            return out
        try:
            now = self._recorded()
        except DomainError as exc:  # a claim after the recorded time: refused before anything is written
            return [exc for _ in commands]
        for attempt in (1, 2):
            try:
                results, published = self._batch(probe if attempt == 1 else self.uow(), commands, now)
            except DomainError as exc:  # the commit itself lost a race (a deadlock broken at the commit)
                if not lost_race(exc):
                    raise
                if attempt == 1:
                    continue  # nothing of it was kept: the whole batch once more, in a new transaction
                return [exc for _ in commands]  # twice: each caller told to try again (409)
            self._publish(published)
            return results
        raise AssertionError("unreachable")  # pragma: no cover

    def _batch(self, uow_: UnitOfWork, commands: Sequence[Any],
               now: datetime) -> tuple[list[Result | DomainError], list[Stored[DomainEvent]]]:
        results: list[Result | DomainError] = []
        published: list[Stored[DomainEvent]] = []
        with uow_ as uow:
            for command in commands:
                try:
                    result, stored = self._in_savepoint(uow, command, now)
                except Exception as exc:  # rolled back to its savepoint; the others still land
                    results.append(refusal(command, exc))
                    continue
                results.append(result)
                published.extend(stored)
            if self.recorder is not None:
                self.recorder(uow, published, now)
            uow.commit()
        return results, published

    def _recorded(self) -> datetime:
        """The recorded time of a command now: the bus's clock; a claimed time after it is refused
        (a claim is of something done, so no later than when it is recorded)."""
        now = self.clock.now()
        claimed = self.claimed_at
        if claimed is not None and claimed > now:
            raise DomainError("time.claimed_after_recorded", claimed=_beijing(claimed),
                              recorded=_beijing(now))
        return now

    def _in_savepoint(self, uow: UnitOfWork, command: Any, now: datetime) -> Decided:
        registration = self.registration(command)
        for attempt in range(1, RACE_ATTEMPTS + 1):
            try:  # after a lost race, the aggregate read again, as the other writer left it
                with uow.savepoint():
                    return registration.decide(uow, command, now)
            except DomainError as exc:
                if attempt == RACE_ATTEMPTS or not lost_race(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def handle_within(self, uow: UnitOfWork, command: Any) -> Decided:
        """One command inside ``uow``, which the caller commits with what else it writes (the
        federation keeps a forwarded command, its ledger entries and the message id in one
        transaction); ``published`` after the commit. A refused command is rolled back to its
        savepoint, where the store has them."""
        now = self._recorded()
        if not uow.supports_savepoints:
            result, stored = self.registration(command).decide(uow, command, now)
        else:
            with uow.savepoint():
                result, stored = self.registration(command).decide(uow, command, now)
        if self.recorder is not None:
            self.recorder(uow, stored, now)
        return result, stored

    def published(self, stored: list[Stored[DomainEvent]]) -> None:
        """Hand events committed by ``handle_within``'s caller to the subscribers."""
        self._publish(stored)

    def _publish(self, stored: list[Stored[DomainEvent]]) -> None:
        for subscriber in self.subscribers:
            subscriber(stored)
