"""Storage in memory (tests, the simulator, ``bootstrap(memory=True)``): one shared unit of work."""

from __future__ import annotations

from liandong.adapters.memory.knowledge import MemoryKnowledgeStore
from liandong.adapters.memory.unit_of_work import MemoryUnitOfWork
from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports.knowledge import KnowledgeStore
from liandong.services.ports.storage import Storage


class MemoryStorage(Storage):
    """Every ``uow()`` and ``read_uow()`` is the same unit (changes apply at once, undone on
    rollback); nothing restricts the served area. A sandbox by construction: nothing in memory
    outlives its process, so nothing in it can be taken for a live record (the tests and the
    simulator run it in virtual time)."""

    def __init__(self, unit: MemoryUnitOfWork | None = None) -> None:
        self.unit = unit or MemoryUnitOfWork()

    def uow(self) -> MemoryUnitOfWork:
        return self.unit

    def reads(self) -> MemoryUnitOfWork:
        return self.unit

    def read_uow(self) -> MemoryUnitOfWork:
        return self.unit

    def knowledge(self) -> KnowledgeStore:
        return MemoryKnowledgeStore()

    def served(self, hierarchy: HierarchyIndex) -> tuple[str, ...]:
        return ()

    def sandbox(self) -> bool:
        return True
