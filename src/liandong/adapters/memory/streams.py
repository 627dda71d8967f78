"""What every aggregate's store in memory shares: event streams in lists with optimistic locking,
one log numbering the stored events, and an undo of both on rollback."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from liandong.domain.aggregate import Aggregate, DomainEvent
from liandong.services.ports import Stored

A = TypeVar("A", bound=Aggregate[Any, Any])
E = TypeVar("E", bound=DomainEvent)


class MemoryStreams(Generic[A, E]):
    """The streams of one aggregate (``aggregate``): ``append`` for ``save``, undone on rollback."""

    aggregate: ClassVar[type[Aggregate[Any, Any]]]

    def __init__(self) -> None:
        self.streams: dict[str, list[E]] = {}
        self.log: list[Stored[E]] = []
        self._dirty: dict[str, int] = {}  # aggregate id → committed stream length
        self._log_mark: int | None = None

    def get(self, aggregate_id: str) -> A | None:
        stream = self.streams.get(aggregate_id)
        return self.aggregate.replay(aggregate_id, stream) if stream else None  # type: ignore[return-value]

    def events(self, aggregate_id: str) -> list[E]:
        return list(self.streams.get(aggregate_id, []))

    def append(self, aggregate: A) -> list[Stored[E]]:
        """Append the pending events, refusing as the SQL stores do: a new aggregate under an id
        already taken is a lost race ("?"), any other stale version a conflict."""
        length = len(self.streams.get(aggregate.id, ()))
        expected = aggregate.version - len(aggregate.pending)
        if expected == 0 and length:
            raise self.aggregate.conflict(aggregate.id, 0, "?")
        if length != expected:
            raise self.aggregate.conflict(aggregate.id, expected, length)
        stream = self.streams.setdefault(aggregate.id, [])
        self._dirty.setdefault(aggregate.id, length)
        if self._log_mark is None:
            self._log_mark = len(self.log)
        stored = []
        for event in aggregate.pending:
            stream.append(event)
            item: Stored[E] = Stored(len(self.log) + 1, event)
            self.log.append(item)
            stored.append(item)
        aggregate.pending = []
        return stored

    def committed(self) -> None:
        self._dirty.clear()
        self._log_mark = None

    def undo(self) -> list[str]:
        """Undo what was appended since the last commit; the ids of the aggregates touched."""
        touched = list(self._dirty)
        for aggregate_id, length in self._dirty.items():
            del self.streams[aggregate_id][length:]
            if length == 0:
                del self.streams[aggregate_id]
        if self._log_mark is not None:
            del self.log[self._log_mark:]
        self.committed()
        return touched
