"""The read side of linkage instruments (联动事项) for the edges: each read in a transaction of its own,
so that no edge opens a unit of work. Who may see an instrument is ``access.can_see_instrument``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from liandong.domain.instruments.events import InstrumentEvent
from liandong.domain.instruments.instrument import Instrument
from liandong.services.ports import UnitOfWork
from liandong.services.ports.instruments import InstrumentSummary, Notice


@dataclass(frozen=True)
class InstrumentQueries:
    uow: Callable[[], UnitOfWork]

    def get(self, instrument_id: str) -> Instrument | None:
        with self.uow() as uow:
            return uow.instrument_reads.get(instrument_id)

    def with_events(self, instrument_id: str) -> tuple[Instrument | None, list[InstrumentEvent]]:
        """The instrument and its events (none when there is no such instrument)."""
        with self.uow() as uow:
            found = uow.instrument_reads.get(instrument_id)
            return found, uow.instrument_reads.events(instrument_id) if found is not None else []

    def of_department(self, department: str, *, open_only: bool = False) -> list[InstrumentSummary]:
        with self.uow() as uow:
            return uow.instrument_reads.of_department(department, open_only=open_only)

    def desk(self, department: str, *, open_only: bool = False,
             notices: int = 10) -> tuple[list[InstrumentSummary], list[Notice]]:
        """A department's instruments and its latest notices, read together."""
        with self.uow() as uow:
            return (uow.instrument_reads.of_department(department, open_only=open_only),
                    uow.instrument_reads.notices(department, limit=notices))

    def of_kinds(self, kinds: tuple[str, ...]) -> list[Instrument]:
        with self.uow() as uow:
            return [found for kind in kinds for found in uow.instrument_reads.of_kind(kind)]

    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        """资源池: what a department holds, item → (quantity, unit)."""
        with self.uow() as uow:
            return uow.instrument_reads.holdings(department)

    def resource_requests(self, department: str) -> list[tuple[InstrumentSummary, Instrument]]:
        """The resource requests to and from a department, each with the instrument itself."""
        with self.uow() as uow:
            reads = uow.instrument_reads
            rows = [s for s in reads.of_department(department) if s.kind == "resource"]
            return [(s, found) for s in rows if (found := reads.get(s.instrument_id)) is not None]
