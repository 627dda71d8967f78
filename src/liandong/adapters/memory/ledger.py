"""The log in memory: appends are buffered and land on commit (a rollback drops them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from liandong.ledger.merkle import MemoryHashStore, append_leaves, leaf_hash
from liandong.services.ports import LedgerEntry, LedgerStore
from liandong.services.ports.keystore import HELD_IN_TOKEN


class MemoryLedgerStore(LedgerStore):
    def __init__(self) -> None:
        self.hashes = MemoryHashStore()
        self.entries: list[LedgerEntry] = []
        self.stored_checkpoints: list[tuple[int, bytes, str]] = []
        self.keys: dict[str, tuple[str, bytes, bytes]] = {}
        self.witnesses: dict[tuple[str, str], tuple[int, bytes]] = {}
        self._mark: tuple[int, int, int] | None = None

    def append(self, entries: Sequence[LedgerEntry]) -> int:
        first = len(self.entries)
        rows = append_leaves(self.hashes.size(), self.hashes.get, [leaf_hash(e[3]) for e in entries])
        self.hashes.put_many(rows)
        self.entries.extend(entries)
        return first

    def leaves(self, start: int = 0) -> Iterator[tuple[int, str, bytes]]:
        for i in range(start, len(self.entries)):
            yield i, self.entries[i][2], self.entries[i][3]

    def leaf_range(self, start: int, end: int) -> list[bytes]:
        return [entry[3] for entry in self.entries[start:end]]

    def entries_of_case(self, case_id: str) -> list[tuple[int, bytes]]:
        return [(i, leaf) for i, (_, case, _, leaf) in enumerate(self.entries) if case == case_id]

    def checkpoints(self) -> list[tuple[int, bytes, str]]:
        return list(self.stored_checkpoints)

    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> None:
        self.stored_checkpoints.append((size, root, note))

    def key(self, name: str) -> tuple[str, bytes, bytes] | None:
        return self.keys.get(name)

    def add_key(self, name: str, kind: str, public: bytes, sealed: bytes, at: datetime) -> None:
        self.keys.setdefault(name, (kind, public, sealed))

    def add_keys(self, rows: Sequence[tuple[str, str, bytes, bytes]], at: datetime) -> None:
        for name, kind, public, sealed in rows:
            self.keys.setdefault(name, (kind, public, sealed))

    def sealed_keys(self) -> list[tuple[str, str, bytes, bytes]]:
        return [(name, kind, public, sealed) for name, (kind, public, sealed) in sorted(self.keys.items())
                if sealed != HELD_IN_TOKEN]

    def hold_in_token(self, name: str, public: bytes) -> bool:
        found = self.keys.get(name)
        if found is None or found[1] != public:
            return False
        self.keys[name] = (found[0], public, HELD_IN_TOKEN)
        return True

    def public_keys(self) -> dict[str, bytes]:
        return {name: public for name, (_, public, _) in self.keys.items()}

    def witness_state(self, witness: str) -> dict[str, tuple[int, bytes]]:
        return {origin: head for (w, origin), head in self.witnesses.items() if w == witness}

    def save_witness_state(self, witness: str, origin: str, size: int, root: bytes) -> None:
        self.witnesses[(witness, origin)] = (size, root)
