"""The knowledge base in memory (tests, the simulator): the same contract as the SQL stores, with
a plain term count for a score (a title term weighs three times an answer term)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date, datetime

from liandong.domain.knowledge import Consultation, Entry
from liandong.services.ports.knowledge import KnowledgeStore, SearchText

TITLE_WEIGHT = 3.0


class MemoryKnowledgeStore(KnowledgeStore):
    def __init__(self) -> None:
        self._entries: dict[str, tuple[Entry, frozenset[str], frozenset[str]]] = {}
        self._consultations: list[Consultation] = []
        self._lock = threading.Lock()

    def put_many(self, entries: Sequence[tuple[Entry, SearchText]]) -> int:
        with self._lock:
            new = len({e.id for e, _ in entries} - self._entries.keys())
            for entry, text in entries:
                self._entries[entry.id] = (entry, frozenset(text.title.split()), frozenset(text.body.split()))
        return new

    def get(self, entry_id: str) -> Entry | None:
        found = self._entries.get(entry_id)
        return found[0] if found else None

    def entries(self, *, owner: str | None = None) -> list[Entry]:
        return [e for _, (e, _t, _b) in sorted(self._entries.items())
                if owner is None or e.owner == owner]

    def search(self, terms: Sequence[str], *, scopes: Sequence[str], day: date,
               limit: int) -> list[tuple[Entry, float]]:
        wanted, places = set(terms), set(scopes)
        hits = []
        for entry, title, body in self._entries.values():
            if entry.scope not in places or not entry.in_force(day):
                continue
            score = TITLE_WEIGHT * len(wanted & title) + len(wanted & body)
            if score:
                hits.append((entry, float(score)))
        return sorted(hits, key=lambda h: (-h[1], h[0].id))[:limit]

    def frequencies(self) -> tuple[int, dict[str, int]]:
        df: dict[str, int] = {}
        for _, title, body in self._entries.values():
            for word in title | body:
                df[word] = df.get(word, 0) + 1
        return len(self._entries), df

    def add_consultation(self, consultation: Consultation) -> None:
        with self._lock:
            if consultation.entry_id not in self._entries:
                raise KeyError(consultation.entry_id)
            self._consultations.append(consultation)

    def consultations(self, *, scope_prefix: str, start: datetime, end: datetime) -> list[Consultation]:
        return sorted((c for c in self._consultations
                       if start <= c.at < end and c.scope.startswith(scope_prefix)),
                      key=lambda c: (c.at, c.id))
