"""In-memory adapters: the same contracts as the SQL ones (``adapters/sql/``), for tests and the
simulator."""

from liandong.adapters.memory.accounts import MemoryAccountRepository
from liandong.adapters.memory.cases import MemoryCaseReads, MemoryCaseStore
from liandong.adapters.memory.instruments import MemoryInstrumentReads, MemoryInstrumentStore
from liandong.adapters.memory.ledger import MemoryLedgerStore
from liandong.adapters.memory.outbox import MemoryOutbox
from liandong.adapters.memory.unit_of_work import MemoryOrganisationRepository, MemoryUnitOfWork

__all__ = [
    "MemoryAccountRepository",
    "MemoryCaseReads",
    "MemoryCaseStore",
    "MemoryInstrumentReads",
    "MemoryInstrumentStore",
    "MemoryLedgerStore",
    "MemoryOrganisationRepository",
    "MemoryOutbox",
    "MemoryUnitOfWork",
]
