"""One transaction over every store."""

from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from types import TracebackType

from liandong.services.ports.accounts import AccountRepository
from liandong.services.ports.audit import StateRows
from liandong.services.ports.cases import CaseReads, CaseStore
from liandong.services.ports.duties import DutyReads
from liandong.services.ports.instruments import InstrumentReads, InstrumentStore
from liandong.services.ports.ledger import LedgerStore
from liandong.services.ports.organisation import OrganisationRepository
from liandong.services.ports.outbox import Outbox


class UnitOfWork(abc.ABC):
    """One transaction over the repositories: all of it is stored, or none of it. Each aggregate
    has its command store (``cases``, ``instruments``: what the bus loads and saves) and its read
    port (``case_reads``, ``instrument_reads``: what queries, assessment and insight read); the
    relay reads ``outbox``; ``ledger verify`` reads ``state``."""

    organisation: OrganisationRepository
    cases: CaseStore
    case_reads: CaseReads
    ledger: LedgerStore
    accounts: AccountRepository
    instruments: InstrumentStore
    instrument_reads: InstrumentReads
    outbox: Outbox
    duties: DutyReads
    """待办: what waits on each department, over cases and instruments."""
    state: StateRows
    """The events beside their leaves and the projections, for the state cross-check (reads)."""
    supports_savepoints: bool = False

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested transaction: leaving it by an exception undoes only what it did."""
        raise RuntimeError("this unit of work has no savepoints; check supports_savepoints")

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
