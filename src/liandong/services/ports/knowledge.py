"""The knowledge base's store: entries with their search text, and the consultations answered."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from liandong.domain.knowledge import Consultation, Entry


@dataclass(frozen=True, slots=True)
class SearchText:
    """An entry's words as the search indexes them: segmented, normalised, joined by spaces."""

    title: str
    body: str


class KnowledgeStore(abc.ABC):
    """Entries and consultations; each call is its own transaction."""

    def put(self, entry: Entry, text: SearchText) -> bool:
        """Store an entry (replacing one under the same id, its search text too); whether it is new."""
        return self.put_many([(entry, text)]) == 1

    @abc.abstractmethod
    def put_many(self, entries: Sequence[tuple[Entry, SearchText]]) -> int:
        """Store entries in one transaction (all or none); how many were new."""

    @abc.abstractmethod
    def get(self, entry_id: str) -> Entry | None: ...

    @abc.abstractmethod
    def entries(self, *, owner: str | None = None) -> list[Entry]:
        """Every entry (of one owner), by id."""

    @abc.abstractmethod
    def search(self, terms: Sequence[str], *, scopes: Sequence[str], day: date,
               limit: int) -> list[tuple[Entry, float]]:
        """The entries in force on ``day`` in one of ``scopes`` that contain any of ``terms``,
        best first, with a score (higher is better): a term in the title weighs three times a term
        in the answer, and an entry with more of the terms ranks above one with fewer."""

    @abc.abstractmethod
    def frequencies(self) -> tuple[int, dict[str, int]]:
        """How many entries there are, and in how many of them each indexed word occurs."""

    @abc.abstractmethod
    def add_consultation(self, consultation: Consultation) -> None: ...

    @abc.abstractmethod
    def consultations(self, *, scope_prefix: str, start: datetime, end: datetime) -> list[Consultation]:
        """The consultations answered in ``[start, end)`` in the scopes whose code starts with the
        prefix (the whole country: empty prefix), by time."""
