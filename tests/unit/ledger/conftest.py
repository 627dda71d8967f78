"""Shared trees for the ledger tests: deterministic leaves and a store of 300 built in uneven batches."""

from __future__ import annotations

import pytest

from liandong.ledger.merkle import MemoryHashStore
from tests.factories.ledger import MAX_SIZE, build_store


@pytest.fixture(scope="session")
def store300() -> MemoryHashStore:
    return build_store(MAX_SIZE)
