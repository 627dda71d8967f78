"""The shared record's store."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from datetime import datetime

from liandong.ledger.merkle import HashStore

LedgerEntry = tuple[int | None, str | None, str, bytes]
"""(event seq or None, case id or None, signer, leaf bytes) of one log entry."""


class LedgerStore(abc.ABC):
    """The append-only log: leaves, complete-subtree hashes, checkpoints, signing keys."""

    hashes: HashStore

    @abc.abstractmethod
    def append(self, entries: Sequence[LedgerEntry]) -> int:
        """Append leaves (and every subtree hash they complete) in this transaction; first index."""

    def size(self) -> int:
        return self.hashes.size()

    @abc.abstractmethod
    def leaves(self, start: int = 0) -> Iterator[tuple[int, str, bytes]]:
        """(index, signer, leaf) in index order."""

    def leaf_range(self, start: int, end: int) -> list[bytes]:
        """The leaves ``[start, end)`` in index order (an entry bundle); SQL reads them in one range."""
        out: list[bytes] = []
        for index, _signer, leaf in self.leaves(start):
            if index >= end:
                break
            out.append(leaf)
        return out

    def latest_checkpoint(self) -> tuple[int, bytes, str] | None:
        """(size, root, note) of the largest stored checkpoint; None before the first."""
        stored = self.checkpoints()
        return stored[-1] if stored else None

    @abc.abstractmethod
    def entries_of_case(self, case_id: str) -> list[tuple[int, bytes]]:
        """(index, leaf) of the events of one case."""

    @abc.abstractmethod
    def checkpoints(self) -> list[tuple[int, bytes, str]]:
        """(size, root, note) of every stored checkpoint, oldest first."""

    @abc.abstractmethod
    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def key(self, name: str) -> tuple[str, bytes, bytes] | None:
        """(kind, public key, sealed private key)."""

    @abc.abstractmethod
    def add_key(self, name: str, kind: str, public: bytes, sealed: bytes, at: datetime) -> None: ...

    @abc.abstractmethod
    def public_keys(self) -> dict[str, bytes]: ...

    @abc.abstractmethod
    def sealed_keys(self) -> list[tuple[str, str, bytes, bytes]]:
        """(name, kind, public, sealed private) of every key sealed in the database, by name."""

    @abc.abstractmethod
    def hold_in_token(self, name: str, public: bytes) -> bool:
        """The key ``name`` of public key ``public`` is now in a PKCS#11 token: its sealed private key
        is replaced by ``keystore.HELD_IN_TOKEN``; False when there is no such row."""

    @abc.abstractmethod
    def add_keys(self, rows: Sequence[tuple[str, str, bytes, bytes]], at: datetime) -> None:
        """Store many (name, kind, public, sealed) keys at once."""

    @abc.abstractmethod
    def witness_state(self, witness: str) -> dict[str, tuple[int, bytes]]: ...

    @abc.abstractmethod
    def save_witness_state(self, witness: str, origin: str, size: int, root: bytes) -> None: ...
