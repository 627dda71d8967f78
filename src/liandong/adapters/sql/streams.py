"""What every aggregate's SQL store shares: append the pending events under optimistic locking on
the aggregate's row (its version), each event a row numbered by the table, and read a stream back
into the aggregate. Each store says how its rows are written (``_insert_row``, ``_update_row``,
``_insert_event``)."""

from __future__ import annotations

import abc
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from liandong.domain.aggregate import Aggregate, DomainEvent
from liandong.domain.codec import to_payload
from liandong.services.ports import Stored

A = TypeVar("A", bound=Aggregate[Any, Any])
E = TypeVar("E", bound=DomainEvent)


class SqlStreams(abc.ABC, Generic[A, E]):
    aggregate: ClassVar[type[Aggregate[Any, Any]]]
    _integrity: tuple[type[Exception], ...] = (IntegrityError,)
    """What the driver raises when a unique key refuses a row (another writer came first)."""

    @abc.abstractmethod
    def events(self, aggregate_id: str) -> list[E]: ...

    @abc.abstractmethod
    def _insert_row(self, aggregate: A) -> None:
        """The aggregate's row, on its first events."""

    @abc.abstractmethod
    def _update_row(self, aggregate: A, expected: int) -> bool:
        """The aggregate's row brought up to date if it is still at version ``expected``."""

    @abc.abstractmethod
    def _insert_event(self, aggregate: A, version: int, event: E, payload: dict[str, Any]) -> int:
        """One event's row; its sequence number."""

    def get(self, aggregate_id: str) -> A | None:
        stream = self.events(aggregate_id)
        return self.aggregate.replay(aggregate_id, stream) if stream else None  # type: ignore[return-value]

    def append(self, aggregate: A) -> tuple[int, list[Stored[E]]]:
        """Store the pending events (and empty ``pending``): the version they follow, and each as
        stored. Another writer first, by the row's version or a unique key: a lost race ("?")."""
        pending: list[E] = aggregate.pending
        expected = aggregate.version - len(pending)
        try:
            if expected == 0:
                self._insert_row(aggregate)
            elif not self._update_row(aggregate, expected):
                raise self.aggregate.conflict(aggregate.id, expected, "?")
            stored: list[Stored[E]] = []
            for n, event in enumerate(pending):
                payload = to_payload(event)
                seq = self._insert_event(aggregate, expected + n + 1, event, payload)
                stored.append(Stored(seq, event, payload))
        except self._integrity:
            raise self.aggregate.conflict(aggregate.id, expected, "?") from None
        aggregate.pending = []
        return expected, stored
