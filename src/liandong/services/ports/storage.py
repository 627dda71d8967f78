"""Where a platform keeps its data, chosen once when it is wired: in memory or on SQL."""

from __future__ import annotations

import abc

from liandong.domain.hierarchy import HierarchyIndex
from liandong.services.ports.knowledge import KnowledgeStore
from liandong.services.ports.unit_of_work import UnitOfWork


class Storage(abc.ABC):
    """The storage ``bootstrap()`` chose (``adapters/memory/storage.py``, ``adapters/sql/storage.py``):
    services receive its ``uow`` and ``read_uow`` as factories and never ask which it is."""

    @abc.abstractmethod
    def uow(self) -> UnitOfWork:
        """A unit of work on the primary store (memory: the one shared unit)."""

    @abc.abstractmethod
    def reads(self) -> UnitOfWork:
        """A unit of work that only reads the primary, current to its last commit, and takes no
        writer's lock (SQLite: a deferred, query-only transaction beside the writers' ``BEGIN
        IMMEDIATE``): what a person reads right after a command. Never commit through it."""

    @abc.abstractmethod
    def read_uow(self) -> UnitOfWork:
        """A unit of work for queries that may lag the primary by the replication delay (the
        dashboards): on a replica when one is configured, else as ``reads``. Never commit through it."""

    @abc.abstractmethod
    def knowledge(self) -> KnowledgeStore:
        """The knowledge base's store (知识库: its own connections on SQL)."""

    @abc.abstractmethod
    def served(self, hierarchy: HierarchyIndex) -> tuple[str, ...]:
        """The roots of the scopes this store was initialised for (empty: the whole country)."""

    @abc.abstractmethod
    def sandbox(self) -> bool:
        """Whether the store is a sandbox (演练库: ``liandong init --sandbox``), where the platform's
        clock may be simulated and a person may claim a time; a live store takes neither."""
