"""What every aggregate's store does (cases, instruments, and any one to come): load an aggregate
by replaying its stream, append its pending events with optimistic locking, read its stream.
The read side of an aggregate (``StreamReads``) loads and reads alike and never appends."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from liandong.domain.aggregate import Aggregate, DomainEvent

E = TypeVar("E", bound=DomainEvent, covariant=True)
A = TypeVar("A", bound=Aggregate[Any, Any])
Ev = TypeVar("Ev", bound=DomainEvent)


@dataclass(frozen=True)
class Stored(Generic[E]):
    """An event as stored: its sequence number in its aggregate's event table, the event, and
    its payload when the store has already computed it (the ledger reuses it)."""

    seq: int
    event: E
    payload: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


class StreamReads(abc.ABC, Generic[A, Ev]):
    """One aggregate read by its id: what the command store and the read port share."""

    @abc.abstractmethod
    def get(self, aggregate_id: str) -> A | None:
        """The aggregate rebuilt from its events; None when unknown."""

    @abc.abstractmethod
    def events(self, aggregate_id: str) -> list[Ev]:
        """Its events in order ([] when unknown)."""


class ReadsThroughStore(StreamReads[A, Ev]):
    """A read port that loads an aggregate and its events through the command store (the same
    connection, the same cache of streams): the read ports of the SQL and memory adapters."""

    def __init__(self, store: StreamReads[A, Ev]) -> None:
        self.store = store

    def get(self, aggregate_id: str) -> A | None:
        return self.store.get(aggregate_id)

    def events(self, aggregate_id: str) -> list[Ev]:
        return self.store.events(aggregate_id)


class AggregateRepository(StreamReads[A, Ev]):
    """One aggregate's event streams, with optimistic locking: the command store the bus loads
    from and saves to."""

    @abc.abstractmethod
    def save(self, aggregate: A) -> list[Stored[Ev]]:
        """Append the pending events; a concurrent change raises the aggregate's conflict."""
