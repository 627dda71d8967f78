"""The transactional outbox in memory (``uow.outbox``): a view of the case store's numbered log
and the instrument store's notices, with what the relay has delivered."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from liandong.adapters.memory.cases import MemoryCaseStore
from liandong.adapters.memory.instruments import MemoryInstrumentStore
from liandong.services.ports import Notice, Outbox, StoredEvent


class MemoryOutbox(Outbox):
    def __init__(self, cases: MemoryCaseStore, instruments: MemoryInstrumentStore) -> None:
        self.cases = cases
        self.instruments = instruments

    def pending_events(self, limit: int = 1000) -> list[StoredEvent]:
        done = self.cases.delivered
        return [s for s in self.cases.log if s.seq not in done][:limit]

    def mark_events_delivered(self, seqs: Sequence[int]) -> None:
        self.cases.delivered.update(seqs)

    def pending_notices(self, limit: int = 1000) -> list[tuple[int, Notice]]:
        done = self.instruments.notices_delivered
        pending = ((seq, n) for seq, n in enumerate(self.instruments.outbox, start=1) if seq not in done)
        return list(itertools.islice(pending, limit))

    def mark_notices_delivered(self, seqs: Sequence[int]) -> None:
        self.instruments.notices_delivered.update(seqs)
