"""Instruments in memory (tests, the simulator): the command store (streams replayed when read,
undone on rollback) and the read side, a view of the same streams."""

from __future__ import annotations

from collections.abc import Sequence

from liandong.adapters.memory.streams import MemoryStreams
from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import InstrumentEvent
from liandong.domain.instruments.instrument import Instrument
from liandong.services.ports import (
    InstrumentReads,
    InstrumentStore,
    InstrumentSummary,
    Notice,
    StoredInstrumentEvent,
)
from liandong.services.ports.aggregates import ReadsThroughStore


class MemoryInstrumentStore(MemoryStreams[Instrument, InstrumentEvent], InstrumentStore):
    aggregate = Instrument

    def __init__(self) -> None:
        super().__init__()
        self.outbox: list[Notice] = []
        self.pool: dict[tuple[str, str], tuple[int, str]] = {}
        self._pool_saved: dict[tuple[str, str], tuple[int, str]] = {}
        self._outbox_mark = 0
        self.notices_delivered: set[int] = set()
        self.salts: dict[str, bytes] = {}
        self._new_salts: list[str] = []

    def save(self, instrument: Instrument) -> list[StoredInstrumentEvent]:
        return self.append(instrument)

    def open_ids(self) -> list[str]:
        return [iid for iid, stream in self.streams.items() if Instrument.replay(iid, stream).record.is_open]

    def add_salt(self, instrument_id: str, salt: bytes) -> None:
        if instrument_id in self.salts:
            raise DomainError("instrument.conflict", id=instrument_id, expected=0, actual=1)
        self.salts[instrument_id] = salt
        self._new_salts.append(instrument_id)

    def salt(self, instrument_id: str) -> bytes | None:
        return self.salts.get(instrument_id)

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        return {item: held for (dept, item), held in sorted(self.pool.items()) if dept == department}

    def adjust_holding(self, department: str, item: str, unit: str, delta: int) -> int:
        quantity, known_unit = self.pool.get((department, item), (0, unit))
        if quantity + delta < 0:
            raise DomainError("instrument.pool_short", department=department, item=item, have=quantity,
                              need=-delta)
        self.pool[(department, item)] = (quantity + delta, known_unit)
        return quantity + delta

    def notify(self, notices: Sequence[Notice]) -> None:
        self.outbox.extend(notices)

    def commit(self) -> None:
        self.committed()
        self._pool_saved = dict(self.pool)
        self._outbox_mark = len(self.outbox)
        self._new_salts.clear()

    def rollback(self) -> None:
        self.pool = dict(self._pool_saved)
        del self.outbox[self._outbox_mark:]
        for instrument_id in self._new_salts:
            self.salts.pop(instrument_id, None)
        self._new_salts.clear()
        self.undo()


class MemoryInstrumentReads(ReadsThroughStore[Instrument, InstrumentEvent], InstrumentReads):
    """The read side (``uow.instrument_reads``): a view of the store's streams and notices."""

    store: MemoryInstrumentStore

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        return self.store.holdings(department)

    def of_department(self, department: str, *, open_only: bool = False) -> list[InstrumentSummary]:
        out = []
        for iid, stream in self.store.streams.items():
            r = Instrument.replay(iid, stream).record
            if r.issuer == department:
                role = "issuer"
            elif department in r.addressees:
                role = "addressee"
            else:
                continue
            if open_only and not r.is_open:
                continue
            assert r.issued_at is not None
            out.append(InstrumentSummary(iid, r.version, r.kind.value, r.title, r.issuer, r.state, role,
                                         r.issued_at, r.due))
        out.sort(key=lambda s: (s.issued_at, s.instrument_id), reverse=True)
        return out

    def of_kind(self, kind: str) -> list[Instrument]:
        found = [Instrument.replay(iid, stream) for iid, stream in self.store.streams.items()]
        return [i for i in found if i.record.kind.value == kind]

    def notices(self, department: str, limit: int = 50) -> list[Notice]:
        return [n for n in reversed(self.store.outbox) if n.department == department][:limit]
