"""In-memory adapters: the same contracts as the SQL ones (``adapters/sql/``), for tests and the
simulator."""

from liandong.adapters.memory.accounts import MemoryAccountRepository
from liandong.adapters.memory.cases import MemoryCaseRepository
from liandong.adapters.memory.instruments import MemoryInstrumentRepository
from liandong.adapters.memory.ledger import MemoryLedgerStore
from liandong.adapters.memory.unit_of_work import MemoryOrganisationRepository, MemoryUnitOfWork

__all__ = [
    "MemoryAccountRepository",
    "MemoryCaseRepository",
    "MemoryInstrumentRepository",
    "MemoryLedgerStore",
    "MemoryOrganisationRepository",
    "MemoryUnitOfWork",
]
