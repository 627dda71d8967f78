"""Merkle trees for the ledger tests: deterministic leaves and stores built in uneven batches."""

from __future__ import annotations

import hashlib

from liandong.ledger.merkle import MemoryHashStore, leaf_hash

MAX_SIZE = 300
LEAF_DATA = [b"entry-%d-" % i + hashlib.sha256(b"%d" % i).digest()[:5] for i in range(MAX_SIZE)]
LEAF_HASHES = [leaf_hash(data) for data in LEAF_DATA]


def build_store(size: int) -> MemoryHashStore:
    """A store of the first ``size`` leaves appended in batches of 1, 2, 3, … (group commit)."""
    store = MemoryHashStore()
    position, batch = 0, 1
    while position < size:
        store.append(LEAF_HASHES[position : min(size, position + batch)])
        position += batch
        batch += 1
    assert store.size() == size
    return store
