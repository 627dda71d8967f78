"""待办 in memory: the duties derived from the live case records and the instruments' streams on
each read (the memory store is for tests and the simulator: small)."""

from __future__ import annotations

from collections.abc import Collection

from liandong.adapters.memory.cases import MemoryCaseStore
from liandong.adapters.memory.instruments import MemoryInstrumentStore
from liandong.domain.duties import DutyKind, case_duties, instrument_duties
from liandong.domain.instruments.instrument import Instrument
from liandong.services.ports.duties import DutyReads, WaitingRow


class MemoryDutyReads(DutyReads):
    def __init__(self, cases: MemoryCaseStore, instruments: MemoryInstrumentStore) -> None:
        self.cases, self.instruments = cases, instruments

    def _of(self, department: str, kinds: Collection[DutyKind]) -> list[WaitingRow]:
        found = [WaitingRow(d, r.state.value, r.matter, r.severity, "", r.source, r.received_at,
                            self.cases.number_of.get(r.id, ""))
                 for r in self.cases.records.values() for d in case_duties(r) if d.department == department]
        for instrument_id, stream in self.instruments.streams.items():
            i = Instrument.replay(instrument_id, stream).record
            found += [WaitingRow(d, i.state, i.kind.value, "", i.title, "", i.issued_at)
                      for d in instrument_duties(i) if d.department == department]
        found = [w for w in found if not kinds or w.duty.kind in kinds]
        found.sort(key=lambda w: (w.duty.order, w.duty.subject_id, w.duty.kind.value, w.duty.ref))
        return found

    def waiting_on(self, department: str, *, limit: int = 200, offset: int = 0,
                   kinds: Collection[DutyKind] = ()) -> list[WaitingRow]:
        return self._of(department, kinds)[offset:offset + limit]

    def count(self, department: str, *, kinds: Collection[DutyKind] = ()) -> int:
        return len(self._of(department, kinds))
