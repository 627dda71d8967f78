"""The sealed key store (密封存储, decision 0042): each private key sealed under the platform secret
(AES-256-GCM, ``ledger.suite.seal_private_key``) in its ``signing_key`` row, opened once per process.

A key made on first use (the platform's, the log's, a witness's, a department's made after
``liandong init``) is derived from the platform secret and the name, so that two processes making
it at once make the same key: whichever row is stored, the key this process caches is that row's.
Keys made at ``liandong init`` are random, generated on every core for large sets.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from liandong.domain.errors import DomainError
from liandong.ledger.suite import SHA256_ED25519, Suite, open_private_key, seal_private_key, suite_by_name
from liandong.services.ports.keystore import HELD_IN_TOKEN, EntryKey, KeyStore, Progress
from liandong.services.ports.unit_of_work import UnitOfWork

_T = TypeVar("_T")


class SealedKey(EntryKey):
    """A private key opened in this process, signing with the suite."""

    __slots__ = ("name", "private", "public", "suite")

    def __init__(self, name: str, private: bytes, suite: Suite) -> None:
        self.name, self.private, self.suite = name, private, suite
        self.public = suite.public_key(private)

    def sign(self, message: bytes) -> bytes:
        return self.suite.sign(self.private, message)


class SealedKeyStore(KeyStore):
    """Keys sealed under ``secret`` in the database; the default store."""

    kind = "sealed"

    def __init__(self, secret: bytes, suite: Suite = SHA256_ED25519) -> None:
        self.secret, self.suite = secret, suite
        self._keys: dict[str, SealedKey] = {}

    def key(self, uow: UnitOfWork, name: str, kind: str, now: datetime) -> SealedKey:
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = SealedKey(name, self.private(uow, name, kind, now), self.suite)
        return found

    def private(self, uow: UnitOfWork, name: str, kind: str, now: datetime) -> bytes:
        """The private key of ``name``, opened from its row; derived and stored when there is none."""
        stored = uow.ledger.key(name)
        if stored is None:
            derived = derive_private_key(self.secret, name)
            uow.ledger.add_key(name, kind, self.suite.public_key(derived),
                               seal_private_key(derived, self.secret), now)
            stored = uow.ledger.key(name)
            assert stored is not None
        if stored[2] == HELD_IN_TOKEN:
            raise DomainError("ledger.key_in_token", name=name)
        return open_private_key(stored[2], self.secret)

    def create(self, uow: UnitOfWork, names: Sequence[str], now: datetime,
               progress: Progress | None = None, chunk: int = 5000) -> None:
        sizes = [len(names[i:i + chunk]) for i in range(0, len(names), chunk)]
        if len(sizes) > 2:
            workers = max(1, min(4, os.cpu_count() or 1))
            with ProcessPoolExecutor(max_workers=workers) as pool:
                batches = pool.map(_generate_keys, sizes, [self.secret] * len(sizes),
                                   [self.suite.name] * len(sizes))
                _store_keys(uow, names, batches, chunk, now, progress)
        else:
            _store_keys(uow, names, (_generate_keys(n, self.secret, self.suite.name) for n in sizes),
                        chunk, now, progress)


def _store_keys(uow: UnitOfWork, todo: Sequence[str], batches: Iterable[list[tuple[bytes, bytes]]],
                chunk: int, now: datetime, progress: Progress | None) -> None:
    for position, batch in enumerate(batches):
        names = todo[position * chunk:(position + 1) * chunk]
        uow.ledger.add_keys([(n, "department", pub, sealed) for n, (pub, sealed)
                             in zip(names, batch, strict=True)], now)
        if progress is not None:
            progress("keys", min((position + 1) * chunk, len(todo)), len(todo))


def derive_private_key(secret: bytes, name: str) -> bytes:
    """HKDF-SHA256 of the platform secret for one signer's name: 32 bytes, a private key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"liandong/signing-key/v1",
                info=name.encode()).derive(secret)


def _generate_keys(count: int, secret: bytes, suite_name: str) -> list[tuple[bytes, bytes]]:
    """``count`` fresh key pairs as (public key, sealed private key): run in worker processes."""
    suite = suite_by_name(suite_name)
    out = []
    for _ in range(count):
        key = suite.generate_private_key()
        out.append((suite.public_key(key), seal_private_key(key, secret)))
    return out


def in_one_transaction(uow: Callable[[], UnitOfWork], work: Callable[[UnitOfWork], _T]) -> _T:
    """Run ``work`` (a move of keys between stores) in one unit of work, committed when it returns:
    the edges never open one themselves."""
    with uow() as unit:
        result = work(unit)
        unit.commit()
    return result
