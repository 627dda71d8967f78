"""The transactional outbox: what was stored with the events, to deliver to the message bus."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from liandong.services.ports.cases import StoredEvent
from liandong.services.ports.instruments import Notice


class Outbox(abc.ABC):
    """``uow.outbox``: case events and instrument notices written in the transaction of their
    events and not yet delivered (the relay reads and marks them; nothing else does)."""

    @abc.abstractmethod
    def pending_events(self, limit: int = 1000) -> list[StoredEvent]:
        """Case events not yet delivered, oldest first."""

    @abc.abstractmethod
    def mark_events_delivered(self, seqs: Sequence[int]) -> None: ...

    @abc.abstractmethod
    def pending_notices(self, limit: int = 1000) -> list[tuple[int, Notice]]:
        """(outbox sequence, notice) of the notices not yet delivered, oldest first."""

    @abc.abstractmethod
    def mark_notices_delivered(self, seqs: Sequence[int]) -> None: ...
