"""Linkage instruments: the command store the bus needs and the read port (a department's list
and its notices)."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from liandong.domain.instruments.events import InstrumentEvent
from liandong.domain.instruments.instrument import Instrument
from liandong.services.ports.aggregates import AggregateRepository, Stored, StreamReads


@dataclass(frozen=True)
class InstrumentSummary:
    """One row of a department's list of instruments."""

    instrument_id: str
    version: int
    kind: str
    title: str
    issuer: str
    state: str
    role: str  # issuer, addressee, promoted
    issued_at: datetime
    due: datetime | None


@dataclass(frozen=True)
class Notice:
    """Something a department should know of: an event on an instrument addressed to it."""

    department: str
    subject_id: str
    event_type: str
    at: datetime


StoredInstrumentEvent = Stored[InstrumentEvent]
"""An instrument's event as stored (its ``seq`` numbers the instrument event table)."""


class InstrumentStore(AggregateRepository[Instrument, InstrumentEvent]):
    """Linkage instruments as the bus changes them (``uow.instruments``): event streams with
    optimistic locking (``instrument.conflict``), the resource pool (资源池) a transfer moves, and
    the notices queued in the transaction of their events."""

    @abc.abstractmethod
    def open_ids(self) -> list[str]:
        """The instruments still open: the work of the bus's own deadline check."""

    @abc.abstractmethod
    def add_salt(self, instrument_id: str, salt: bytes) -> None:
        """Keep the salt of the ledger's commitments to an instrument's texts (never published);
        a second salt for one instrument is a lost race (``instrument.conflict``)."""

    @abc.abstractmethod
    def salt(self, instrument_id: str) -> bytes | None:
        """The salt of an instrument's commitments; None for instruments logged before them."""

    @abc.abstractmethod
    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        """资源池: what a department holds, item → (quantity, unit)."""

    @abc.abstractmethod
    def adjust_holding(self, department: str, item: str, unit: str, delta: int) -> int:
        """Add ``delta`` (negative to allocate) to a holding; refuse (``instrument.pool_short``)
        to go below zero. Returns the new quantity."""

    @abc.abstractmethod
    def notify(self, notices: Sequence[Notice]) -> None:
        """Queue notices to departments (the outbox), in the transaction of their events."""


class InstrumentReads(StreamReads[Instrument, InstrumentEvent]):
    """What is read of instruments outside the bus (``uow.instrument_reads``): a department's
    list and notices, the instruments of a kind (assessment's pilots), holdings. Reads only."""

    @abc.abstractmethod
    def of_department(self, department: str, *, open_only: bool = False) -> list[InstrumentSummary]:
        """The instruments a department issued or that are addressed (or promoted) to it, newest first."""

    @abc.abstractmethod
    def of_kind(self, kind: str) -> list[Instrument]:
        """Every instrument of a kind (e.g. the pilots, for error tolerance in assessment)."""

    @abc.abstractmethod
    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        """资源池: what a department holds, item → (quantity, unit)."""

    @abc.abstractmethod
    def notices(self, department: str, limit: int = 50) -> list[Notice]:
        """A department's latest notices, newest first."""
